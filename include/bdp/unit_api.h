/* HTTP <-> domain for units. */
#ifndef BDP_UNIT_API_H
#define BDP_UNIT_API_H

#include "bdp/http.h"

void unit_api_list(struct req *r);
void unit_api_create(struct req *r);
void unit_api_get(struct req *r);
void unit_api_replace(struct req *r);
void unit_api_patch(struct req *r);
void unit_api_delete(struct req *r);

#endif
