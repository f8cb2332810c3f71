/* HTTP <-> domain for contacts (personal data). */
#ifndef BDP_CONTACT_API_H
#define BDP_CONTACT_API_H

#include "bdp/http.h"

void contact_api_list(struct req *r);   /* GET /v1/practices/{id}/contacts */
void contact_api_create(struct req *r); /* POST /v1/practices/{id}/contacts */
void contact_api_get(struct req *r);
void contact_api_replace(struct req *r);
void contact_api_patch(struct req *r);
void contact_api_delete(struct req *r);

#endif
