/* HTTP <-> domain for units. */
#ifndef BDP_UNIT_API_H
#define BDP_UNIT_API_H

#include "bdp/http.h"
#include "bdp/resource.h"

/* The shared handlers of resource.c serve it (router.c). */
extern const struct resource unit_resource;

void unit_api_list(struct req *r);

#endif
