/* HTTP <-> domain for categories. */
#ifndef BDP_CATEGORY_API_H
#define BDP_CATEGORY_API_H

#include "bdp/http.h"

void category_api_list(struct req *r);
void category_api_create(struct req *r);
void category_api_get(struct req *r);
void category_api_replace(struct req *r);
void category_api_patch(struct req *r);
void category_api_delete(struct req *r);

#endif
