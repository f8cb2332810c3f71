/* One bulk upload, from bytes to a report: the body streams through the
 * parser (bulk_parse), each record is checked (bulk_json) and the good ones
 * are written in batches (bulk_store) inside one transaction, which ends
 * committed, or rolled back for a dry run, for atomic mode with any error,
 * and for a partner's record of another source. Shared by POST /v1/bulk/{kind}
 * and `bdp import`; knows neither HTTP nor files. */
#ifndef BDP_BULK_H
#define BDP_BULK_H

#include "bdp/bulk_json.h"
#include "bdp/buf.h"
#include "bdp/db.h"

/* Records written in one statement. */
#define BULK_BATCH 500
/* Errors listed in a report at most (all are counted in failed). */
#define BULK_MAX_ERRORS 1000

enum bulk_outcome {
    BULK_DONE,      /* written (or, for a dry run, would be): 200 */
    BULK_REJECTED,  /* atomic mode and an error: nothing written, 422 */
    BULK_FORBIDDEN, /* a partner's record of another source: nothing written, 403 */
    BULK_FAILED,    /* the body cannot be read (400) or the database failed (503): pb */
};

struct bulk {
    enum bulk_kind kind;
    bool atomic, dry_run;
    const char *source; /* borrowed: a partner's source, NULL for editors */
    struct db_conn *c;  /* borrowed, in a transaction while the upload runs */
    struct bulk_parser *parser;
    char **batch; /* records waiting to be written, as JSON (owned) */
    int batch_n;
    char **sent; /* the batch the database is writing now (owned) */
    int sent_n;
    long received, created, updated, unchanged, failed;
    struct buf errors; /* the report's error objects, comma-separated */
    struct bulk_error_at {
        long line;
        size_t off, len; /* of its object in errors */
    } * error_at;        /* one per error */
    int n_errors;
    long foreign_line; /* first line of another source's record, 0 if none */
    struct problem fatal;
};

/* Starts an upload of kind in format on c (borrowed: the caller gives it
 * back after bulk_finish). false + pb if the transaction cannot begin. */
bool bulk_start(struct bulk *b, struct db_conn *c, enum bulk_kind kind, enum bulk_format format,
                bool atomic, bool dry_run, const char *source, struct problem *pb)
    __attribute__((warn_unused_result));
/* The next bytes of the body; false when the upload cannot go on (then
 * bulk_finish says why). */
bool bulk_feed(struct bulk *b, const char *data, size_t len);
/* Counts a record that never reached the upload (a page that could not be
 * converted) as received and failed, with its error. */
void bulk_refuse(struct bulk *b, long line, const char *field, const char *why);
/* The body has ended (or is abandoned, with abandon set: everything is
 * rolled back); the errors are now in line order. pb is set for
 * BULK_FAILED. */
enum bulk_outcome bulk_finish(struct bulk *b, bool abandon, struct problem *pb);
/* {"received":..,"created":..,"updated":..,"unchanged":..,"failed":..,
 * "errors":[{"line":..,"field":..,"message":..}]} */
void bulk_report(const struct bulk *b, struct buf *out);
void bulk_cleanup(struct bulk *b); /* safe on a zeroed or finished upload */

#endif
