/* HTTP <-> domain for contacts (personal data). */
#ifndef BDP_CONTACT_API_H
#define BDP_CONTACT_API_H

#include "bdp/http.h"
#include "bdp/resource.h"

/* The shared handlers of resource.c serve it (router.c). */
extern const struct resource contact_resource;

void contact_api_list(struct req *r); /* GET /v1/practices/{id}/contacts */

#endif
