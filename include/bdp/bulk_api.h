/* HTTP <-> bulk uploads: POST /v1/bulk/{practices,units,categories}. */
#ifndef BDP_BULK_API_H
#define BDP_BULK_API_H

#include "bdp/http.h"

void bulk_api_upload(struct req *r);

#endif
