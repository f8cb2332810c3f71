/* SQL for units; records indexed by enum unit_field (unit_json.h). */
#ifndef BDP_UNIT_STORE_H
#define BDP_UNIT_STORE_H

#include "bdp/resource.h"

bool unit_store_render(struct db_conn *c, long long id, bool with_private, struct doc *out,
                       struct problem *pb);
bool unit_store_insert(struct db_conn *c, const struct record *rec, long long parent_id,
                       long long *id, struct problem *pb);
bool unit_store_update(struct db_conn *c, long long id, int version, const struct record *rec,
                       struct problem *pb);
bool unit_store_remove(struct db_conn *c, long long id, int version, struct problem *pb);

struct unit_filter {
    const char *type, *voivodeship, *teryt_prefix, *name_like;
    int limit;
    const char *after_id; /* NULL: from the start */
};

bool unit_store_list(struct db_conn *c, const struct unit_filter *f, struct buf *items,
                     struct buf *next_cursor, long long *total, struct problem *pb);

#endif
