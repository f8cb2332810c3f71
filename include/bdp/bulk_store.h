/* SQL for bulk uploads: the transaction and one batch a statement through
 * bulk_practices, bulk_units or bulk_categories (migrations/0005). */
#ifndef BDP_BULK_STORE_H
#define BDP_BULK_STORE_H

#include "bdp/bulk_json.h"
#include "bdp/db.h"

/* One row of a batch's answer: the record's line, what became of it
 * (created, updated, unchanged, failed) and, when failed, field and why. */
typedef void (*bulk_row_fn)(void *ctx, long line, const char *outcome, const char *field,
                            const char *message);

/* Writes batch (a JSON array of checked records, each with its line "n")
 * under a savepoint: false + pb (and nothing of the batch written) if the
 * statement failed. create_units: practices' inline units that match none
 * are created (else they fail). */
bool bulk_store_batch(struct db_conn *c, enum bulk_kind kind, const char *batch, bool create_units,
                      bulk_row_fn row, void *ctx, struct problem *pb)
    __attribute__((warn_unused_result));

/* bulk_store_batch in two halves, so that the next batch can be read while
 * the database writes this one: send (false + pb if it could not start),
 * then collect its answer. Nothing else may run on c in between. */
bool bulk_store_send(struct db_conn *c, enum bulk_kind kind, const char *batch, bool create_units,
                     struct problem *pb) __attribute__((warn_unused_result));
bool bulk_store_collect(struct db_conn *c, bulk_row_fn row, void *ctx, struct problem *pb)
    __attribute__((warn_unused_result));

bool bulk_store_begin(struct db_conn *c, struct problem *pb) __attribute__((warn_unused_result));
/* Commits when commit, else rolls back; false + pb if the commit failed. */
bool bulk_store_end(struct db_conn *c, bool commit, struct problem *pb)
    __attribute__((warn_unused_result));

#endif
