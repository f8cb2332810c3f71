/* SQL for practices, nothing else. Records are indexed by enum
 * practice_field (practice_json.h). */
#ifndef BDP_PRACTICE_STORE_H
#define BDP_PRACTICE_STORE_H

#include "bdp/resource.h"

bool practice_store_render(struct db_conn *c, long long id, bool with_private, struct doc *out,
                           struct problem *pb);
bool practice_store_insert(struct db_conn *c, const struct record *rec, long long parent_id,
                           long long *id, struct problem *pb);
bool practice_store_update(struct db_conn *c, long long id, int version, const struct record *rec,
                           struct problem *pb);
bool practice_store_remove(struct db_conn *c, long long id, int version, struct problem *pb);
/* The source of practice id visible to who ("" if none) into out; false +
 * 404 if there is no such practice visible. */
bool practice_store_source(struct db_conn *c, long long id, bool with_private, char *out,
                           size_t outlen, struct problem *pb);

/* The id of the practice with (source, external_id), 0 if none. */
bool practice_store_find_by_source(struct db_conn *c, const char *source, const char *external_id,
                                   long long *id, struct problem *pb)
    __attribute__((warn_unused_result));

#endif
