/* HTTP <-> search: GET /v1/practices as JSON pages, CSV or NDJSON exports,
 * and GET /v1/stats. */
#ifndef BDP_SEARCH_API_H
#define BDP_SEARCH_API_H

#include "bdp/http.h"

void search_api_list(struct req *r);
void search_api_stats(struct req *r);

#endif
