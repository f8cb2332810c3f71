/* HTTP <-> domain for practices. */
#ifndef BDP_PRACTICE_API_H
#define BDP_PRACTICE_API_H

#include "bdp/http.h"
#include "bdp/resource.h"

/* The shared handlers of resource.c serve it (router.c). */
extern const struct resource practice_resource;

/* PUT /v1/sources/{source}/practices/{external_id}: replaces the practice
 * with that pair, or creates it (201). */
void practice_api_put_by_source(struct req *r);

/* May who change the practice whose source is source? Partners only their
 * own; editors and admins all. false + 403. */
bool practice_api_may_change(const struct principal *who, const char *source, struct problem *pb);

#endif
