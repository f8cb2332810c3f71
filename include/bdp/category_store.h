/* SQL for categories; records indexed by enum category_field. */
#ifndef BDP_CATEGORY_STORE_H
#define BDP_CATEGORY_STORE_H

#include "bdp/resource.h"

bool category_store_render(struct db_conn *c, long long id, bool with_private, struct doc *out,
                           struct problem *pb);
bool category_store_insert(struct db_conn *c, const struct record *rec, long long parent_id,
                           long long *id, struct problem *pb);
bool category_store_update(struct db_conn *c, long long id, int version, const struct record *rec,
                           struct problem *pb);
bool category_store_remove(struct db_conn *c, long long id, int version, struct problem *pb);
/* parent_id (may be NULL) may be the parent of category self (0: new)?
 * The tree has two levels. false + 422 naming parent_id. */
bool category_store_parent_ok(struct db_conn *c, const char *parent_id, long long self,
                              struct problem *pb);
/* parent_id: NULL = all; "0" would be invalid, so areas use areas_only. */
bool category_store_list(struct db_conn *c, const char *parent_id, int limit, const char *after_id,
                         struct buf *items, struct buf *next_cursor, long long *total,
                         struct problem *pb);

#endif
