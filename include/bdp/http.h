/* The request being served and the one response it gets: body reading with
 * a limit, JSON and problem responses written with headers in one write. */
#ifndef BDP_HTTP_H
#define BDP_HTTP_H

#include "bdp/auth.h"
#include "bdp/buf.h"
#include "bdp/error.h"

#include <stdbool.h>

struct mg_connection;
struct mg_request_info;
struct server;
struct resource;

#define ROUTE_MAX_NAMES 2

/* The {name} segments of a matched path, in order. */
struct route_names {
    int n;
    char value[ROUTE_MAX_NAMES][201];
};

enum method { M_GET, M_HEAD, M_POST, M_PUT, M_PATCH, M_DELETE, M_OPTIONS, M__MAX };

struct req {
    struct mg_connection *conn;
    const struct mg_request_info *ri;
    struct server *srv;
    enum method method;
    const char *path;           /* borrowed from civetweb, percent-decoded */
    const char *query;          /* raw query string or NULL */
    long long id;               /* {id} of the route, 0 if none */
    const struct resource *res; /* the route's resource, for the shared handlers */
    struct route_names names;   /* the route's {name} segments */
    /* Fields a handler fixes from the path: the body must agree or omit them. */
    const char *preset_field[2], *preset_value[2];
    char request_id[130];
    const char *cors_origin; /* the request's Origin if allowed, else NULL */
    struct principal who;
    int status; /* what was sent, for the log */
    bool sent;
    double t0;
    struct buf headers; /* extra response headers, "Name: value\r\n" each */
};

const char *method_name(enum method m);
bool method_parse(const char *s, enum method *m);

/* Header value or NULL. */
const char *http_header(struct req *r, const char *name);
/* Adds a response header for the next send. */
void http_add_header(struct req *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads the whole body into out (owned by caller) within limit bytes;
 * false with pb set (413, 400) otherwise. */
bool http_read_body(struct req *r, long long limit, struct buf *out, struct problem *pb)
    __attribute__((warn_unused_result));
/* Checks the request's Content-Type against a NULL-terminated list of media
 * types (parameters ignored); false with pb set to 415. */
bool http_content_type_is(struct req *r, const char *const *types, struct problem *pb)
    __attribute__((warn_unused_result));

/* Sends status with the body (may be NULL for none) and the added headers. */
void http_send(struct req *r, int status, const char *content_type, const char *body, size_t len);
void http_send_json(struct req *r, int status, const char *json, size_t len);
/* Sends pb as application/problem+json with its status and extra headers
 * (Allow is added by the caller; Retry-After and WWW-Authenticate here). */
void http_send_problem(struct req *r, const struct problem *pb);
/* Sends pb if it has a kind; true if it did. */
bool http_fail(struct req *r, const struct problem *pb);

#endif
