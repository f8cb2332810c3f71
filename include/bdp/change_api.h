/* GET /v1/changes: the feed partners poll, with long polling. */
#ifndef BDP_CHANGE_API_H
#define BDP_CHANGE_API_H

#include "bdp/http.h"

void change_api_list(struct req *r);

#endif
