/* SQL for contacts; records indexed by enum contact_field. */
#ifndef BDP_CONTACT_STORE_H
#define BDP_CONTACT_STORE_H

#include "bdp/resource.h"

bool contact_store_render(struct db_conn *c, long long id, bool with_private, struct doc *out,
                          struct problem *pb);
/* parent_id: the practice. */
bool contact_store_insert(struct db_conn *c, const struct record *rec, long long parent_id,
                          long long *id, struct problem *pb);
bool contact_store_update(struct db_conn *c, long long id, int version, const struct record *rec,
                          struct problem *pb);
bool contact_store_remove(struct db_conn *c, long long id, int version, struct problem *pb);
bool contact_store_list(struct db_conn *c, long long practice_id, bool with_private, int limit,
                        const char *after_id, struct buf *items, struct buf *next_cursor,
                        long long *total, struct problem *pb);

#endif
