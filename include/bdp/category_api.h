/* HTTP <-> domain for categories. */
#ifndef BDP_CATEGORY_API_H
#define BDP_CATEGORY_API_H

#include "bdp/http.h"
#include "bdp/resource.h"

/* The shared handlers of resource.c serve it (router.c). */
extern const struct resource category_resource;

void category_api_list(struct req *r);

#endif
