/* Request body reading and response writing. */
#include "bdp/http.h"

#include <civetweb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const method_names[M__MAX] = {
    [M_GET] = "GET",     [M_HEAD] = "HEAD",     [M_POST] = "POST",       [M_PUT] = "PUT",
    [M_PATCH] = "PATCH", [M_DELETE] = "DELETE", [M_OPTIONS] = "OPTIONS",
};

const char *method_name(enum method m)
{
    return m < M__MAX ? method_names[m] : "?";
}

bool method_parse(const char *s, enum method *m)
{
    for (int i = 0; i < M__MAX; i++)
        if (strcmp(s, method_names[i]) == 0) {
            *m = (enum method)i;
            return true;
        }
    return false;
}

const char *http_header(struct req *r, const char *name)
{
    return mg_get_header(r->conn, name);
}

void http_add_header(struct req *r, const char *name, const char *fmt, ...)
{
    buf_puts(&r->headers, name);
    buf_puts(&r->headers, ": ");
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&r->headers, fmt, ap);
    va_end(ap);
    buf_puts(&r->headers, "\r\n");
}

bool http_read_stream(struct req *r, long long limit,
                      bool (*sink)(void *ctx, const char *data, size_t len), void *ctx,
                      struct problem *pb)
{
    long long declared = r->ri->content_length, got = 0;
    if (declared > limit) {
        problem_set(pb, ERR_PAYLOAD_TOO_LARGE, "The body is %lld bytes; the limit is %lld.",
                    declared, limit);
        return false;
    }
    /* On the heap: civetweb's worker stacks are small. */
    enum { CHUNK = 65536 };
    char *chunk = xmalloc(CHUNK);
    bool ok = true;
    for (;;) {
        int n = mg_read(r->conn, chunk, CHUNK);
        if (n < 0) {
            problem_set(pb, ERR_BAD_REQUEST, "The request body could not be read.");
            ok = false;
            break;
        }
        if (n == 0)
            break;
        if ((got += n) > limit) {
            problem_set(pb, ERR_PAYLOAD_TOO_LARGE, "The body is over the limit of %lld bytes.",
                        limit);
            ok = false;
            break;
        }
        if (!sink(ctx, chunk, (size_t)n)) {
            free(chunk);
            return true;
        }
    }
    free(chunk);
    if (ok && declared >= 0 && got < declared) {
        problem_set(pb, ERR_BAD_REQUEST, "The body ended before Content-Length bytes.");
        ok = false;
    }
    return ok;
}

static bool append(void *ctx, const char *data, size_t len)
{
    buf_append(ctx, data, len);
    return true;
}

bool http_read_body(struct req *r, long long limit, struct buf *out, struct problem *pb)
{
    return http_read_stream(r, limit, append, out, pb);
}

bool http_content_type_is(struct req *r, const char *const *types, struct problem *pb)
{
    const char *ct = http_header(r, "Content-Type");
    if (ct) {
        size_t n = strcspn(ct, "; \t");
        for (const char *const *t = types; *t; t++)
            if (strlen(*t) == n && strncasecmp(ct, *t, n) == 0)
                return true;
    }
    problem_set(pb, ERR_UNSUPPORTED_MEDIA_TYPE, "Content-Type must be %s%s.", types[0],
                types[1] ? " (or application/json)" : "");
    return false;
}

static const char *reason(int status)
{
    const char *s = mg_get_response_code_text(NULL, status);
    return s ? s : "Unknown";
}

/* The status line and headers common to every response. */
static void head(struct req *r, struct buf *out, int status, const char *content_type)
{
    buf_printf(out, "HTTP/1.1 %d %s\r\nX-Request-Id: %s\r\n", status, reason(status),
               r->request_id);
    if (r->cors_origin)
        buf_printf(out,
                   "Access-Control-Allow-Origin: %s\r\nVary: Origin\r\n"
                   "Access-Control-Expose-Headers: ETag, Location, Link, X-Request-Id, "
                   "Retry-After\r\n",
                   r->cors_origin);
    if (content_type && status != 204 && status != 304)
        buf_printf(out, "Content-Type: %s\r\n", content_type);
    buf_append(out, buf_cstr(&r->headers), r->headers.len);
    r->status = status;
    r->sent = true;
}

void http_send(struct req *r, int status, const char *content_type, const char *body, size_t len)
{
    struct buf out = BUF_INIT;
    head(r, &out, status, content_type);
    if (status != 204 && status != 304)
        buf_printf(&out, "Content-Length: %zu\r\n", body ? len : 0);
    buf_puts(&out, "\r\n");
    if (body && r->method != M_HEAD && status != 204 && status != 304)
        buf_append(&out, body, len);
    mg_write(r->conn, out.p, out.len);
    buf_free(&out);
}

/* Sends what is pending: as one chunk, or as it is to an HTTP/1.0 client. */
static bool stream_flush(struct http_stream *st)
{
    if (st->failed || !st->pending.len)
        return !st->failed;
    char size[24];
    int n = snprintf(size, sizeof size, "%zx\r\n", st->pending.len);
    if (st->chunked && mg_write(st->r->conn, size, (size_t)n) != n)
        st->failed = true;
    else if (mg_write(st->r->conn, st->pending.p, st->pending.len) != (int)st->pending.len)
        st->failed = true;
    else if (st->chunked && mg_write(st->r->conn, "\r\n", 2) != 2)
        st->failed = true;
    buf_reset(&st->pending);
    return !st->failed;
}

void http_stream_start(struct req *r, struct http_stream *st, const char *content_type)
{
    struct buf out = BUF_INIT;
    *st = (struct http_stream){.r = r, .pending = BUF_INIT};
    st->chunked = strcmp(r->ri->http_version, "1.1") == 0;
    head(r, &out, 200, content_type);
    buf_puts(&out,
             st->chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "Connection: close\r\n\r\n");
    if (mg_write(r->conn, out.p, out.len) != (int)out.len)
        st->failed = true;
    buf_free(&out);
}

bool http_stream_write(struct http_stream *st, const char *data, size_t len)
{
    if (st->r->method == M_HEAD)
        return false;
    buf_append(&st->pending, data, len);
    return st->pending.len < HTTP_STREAM_CHUNK || stream_flush(st);
}

void http_stream_end(struct http_stream *st)
{
    if (st->r->method != M_HEAD && stream_flush(st) && st->chunked)
        mg_write(st->r->conn, "0\r\n\r\n", 5);
    buf_free(&st->pending);
}

void http_send_json(struct req *r, int status, const char *json, size_t len)
{
    http_send(r, status, "application/json", json, len);
}

void http_send_problem(struct req *r, const struct problem *pb)
{
    enum err_kind kind = pb->kind ? pb->kind : ERR_INTERNAL;
    int status = error_status(kind);
    struct buf b = BUF_INIT;
    buf_printf(&b, "{\"type\":\"urn:bdp:problem:%s\",\"title\":", error_slug(kind));
    buf_json_str(&b, error_title(kind));
    buf_printf(&b, ",\"status\":%d,\"detail\":", status);
    buf_json_str(&b, pb->detail[0] ? pb->detail : error_title(kind));
    buf_puts(&b, ",\"instance\":");
    buf_json_str(&b, r->path ? r->path : "");
    buf_puts(&b, ",\"request_id\":");
    buf_json_str(&b, r->request_id);
    buf_puts(&b, ",\"errors\":[");
    for (int i = 0; i < pb->n_errors; i++) {
        buf_puts(&b, i ? ",{\"field\":" : "{\"field\":");
        buf_json_str(&b, pb->errors[i].field);
        buf_puts(&b, ",\"message\":");
        buf_json_str(&b, pb->errors[i].message);
        buf_puts(&b, "}");
    }
    buf_puts(&b, "]}");
    if (kind == ERR_UNAVAILABLE || kind == ERR_TOO_MANY_REQUESTS)
        http_add_header(r, "Retry-After", "1");
    if (kind == ERR_UNAUTHORIZED)
        http_add_header(r, "WWW-Authenticate", "Bearer realm=\"bdp\"");
    http_send(r, status, "application/problem+json", b.p, b.len);
    buf_free(&b);
}

bool http_fail(struct req *r, const struct problem *pb)
{
    if (pb->kind == ERR_NONE)
        return false;
    http_send_problem(r, pb);
    return true;
}

/* The index in types that one media range (a type, "text/" + "*" or the
 * full wildcard) names, or -1. */
static int accept_match(const char *range, size_t n, const char *const *types)
{
    if (n == 3 && strncmp(range, "*/*", 3) == 0)
        return 0;
    for (int i = 0; types[i]; i++) {
        size_t tl = strlen(types[i]);
        if (n == tl && strncasecmp(range, types[i], n) == 0)
            return i;
        const char *slash = strchr(types[i], '/');
        if (n >= 2 && range[n - 1] == '*' && range[n - 2] == '/' &&
            (size_t)(slash - types[i]) == n - 2 && strncasecmp(range, types[i], n - 2) == 0)
            return i;
    }
    return -1;
}

int http_accept(struct req *r, const char *const *types)
{
    const char *a = http_header(r, "Accept");
    if (!a || !*a)
        return 0;
    int best = -1;
    double best_q = 0;
    while (*a) {
        while (*a == ' ' || *a == '\t' || *a == ',')
            a++;
        const char *start = a;
        while (*a && *a != ',' && *a != ';' && *a != ' ' && *a != '\t')
            a++;
        size_t n = (size_t)(a - start);
        double q = 1;
        while (*a && *a != ',') {
            while (*a == ';' || *a == ' ' || *a == '\t')
                a++;
            if ((a[0] == 'q' || a[0] == 'Q') && a[1] == '=')
                q = strtod(a + 2, NULL);
            while (*a && *a != ';' && *a != ',')
                a++;
        }
        int m = n ? accept_match(start, n, types) : -1;
        if (m >= 0 && q > best_q) {
            best = m;
            best_q = q;
        }
    }
    return best;
}
