/* The route table: {method, path pattern, handler}, mirroring openapi.yaml. */
#ifndef BDP_ROUTER_H
#define BDP_ROUTER_H

#include "bdp/http.h"

typedef void (*handler_fn)(struct req *r);

struct route {
    enum method method;
    const char *pattern; /* segments; "{id}" matches a positive 32-bit integer,
                          * "{name}" 1..200 bytes with no "/" */
    handler_fn handler;
    const struct resource *res; /* handed to the handler in req.res; may be NULL */
    bool takes_query;           /* false: any query parameter is a 400 */
};

/* The route for method and path, with {id} in *id; NULL if none. Then
 * *allowed is the bit set (1 << method) of methods the path has: 0 = 404,
 * else 405. HEAD is served by GET routes. Pure: no I/O. */
const struct route *router_find(enum method m, const char *path, long long *id, unsigned *allowed);
/* router_find that also fills names (may be NULL). */
const struct route *router_find_names(enum method m, const char *path, long long *id,
                                      struct route_names *names, unsigned *allowed);

/* Writes "GET, HEAD, POST" for a method bit set into out. */
void router_allow_header(unsigned allowed, char *out, size_t outlen);

#endif
