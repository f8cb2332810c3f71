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
/* Reads the body in chunks, handing each to sink, within limit bytes:
 * false with pb set (413, 400) otherwise; true also when sink returned
 * false (it stopped the reading). Memory: one chunk. */
bool http_read_stream(struct req *r, long long limit,
                      bool (*sink)(void *ctx, const char *data, size_t len), void *ctx,
                      struct problem *pb) __attribute__((warn_unused_result));
/* Checks the request's Content-Type against a NULL-terminated list of media
 * types (parameters ignored); false with pb set to 415. */
bool http_content_type_is(struct req *r, const char *const *types, struct problem *pb)
    __attribute__((warn_unused_result));

/* Sends status with the body (may be NULL for none) and the added headers. */
void http_send(struct req *r, int status, const char *content_type, const char *body, size_t len);
/* A response of unknown length, written as it is made: chunked to
 * HTTP/1.1 clients, closed after to HTTP/1.0 ones. Writes gather into
 * chunks of about HTTP_STREAM_CHUNK bytes. */
#define HTTP_STREAM_CHUNK 65536
struct http_stream {
    struct req *r;
    struct buf pending;
    bool chunked, failed;
};
/* Sends 200 with content_type and the added headers. */
void http_stream_start(struct req *r, struct http_stream *st, const char *content_type);
/* false once the client is gone (or for HEAD): stop producing. */
bool http_stream_write(struct http_stream *st, const char *data, size_t len);
void http_stream_end(struct http_stream *st); /* ends the body, frees st */

/* The index in types (NULL-ended media types) that Accept prefers, 0 for
 * none or a wildcard; -1 if Accept names none of them (406). */
int http_accept(struct req *r, const char *const *types);

void http_send_json(struct req *r, int status, const char *json, size_t len);
/* Sends pb as application/problem+json with its status and extra headers
 * (Allow is added by the caller; Retry-After and WWW-Authenticate here). */
void http_send_problem(struct req *r, const struct problem *pb);
/* Sends pb if it has a kind; true if it did. */
bool http_fail(struct req *r, const struct problem *pb);

#endif
