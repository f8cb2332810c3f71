/* HTTP <-> domain for practices. */
#ifndef BDP_PRACTICE_API_H
#define BDP_PRACTICE_API_H

#include "bdp/http.h"

void practice_api_list(struct req *r);
void practice_api_create(struct req *r);
void practice_api_get(struct req *r);
void practice_api_replace(struct req *r);
void practice_api_patch(struct req *r);
void practice_api_delete(struct req *r);

/* May who change the practice whose source is source? Partners only their
 * own; editors and admins all. false + 403. */
bool practice_api_may_change(const struct principal *who, const char *source, struct problem *pb);

#endif
