/* Operations: liveness, readiness, the contract. */
#ifndef BDP_OPS_API_H
#define BDP_OPS_API_H

#include "bdp/http.h"

void ops_healthz(struct req *r);
void ops_readyz(struct req *r);
void ops_openapi(struct req *r);

#endif
