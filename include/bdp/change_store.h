/* SQL of the change feed: a page of entries past a cursor, rendered in
 * PostgreSQL, and the purge horizon. */
#ifndef BDP_CHANGE_STORE_H
#define BDP_CHANGE_STORE_H

#include "bdp/db.h"
#include "bdp/buf.h"

/* Is the position (txid, seq) below the purge horizon? */
bool change_store_gone(struct db_conn *c, const char *txid, long long seq, bool *gone,
                       struct problem *pb) __attribute__((warn_unused_result));

/* Appends to entries the JSON objects of at most limit entries after
 * (txid, seq), comma-separated, that no running transaction can precede;
 * *n is their number and last_cursor gets the cursor of the last one. */
bool change_store_page(struct db_conn *c, const char *txid, long long seq, int limit,
                       struct buf *entries, int *n, struct buf *last_cursor, struct problem *pb)
    __attribute__((warn_unused_result));

#endif
