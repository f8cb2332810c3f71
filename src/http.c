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

bool http_read_body(struct req *r, long long limit, struct buf *out, struct problem *pb)
{
    long long declared = r->ri->content_length;
    if (declared > limit) {
        problem_set(pb, ERR_PAYLOAD_TOO_LARGE, "The body is %lld bytes; the limit is %lld.",
                    declared, limit);
        return false;
    }
    char chunk[8192];
    for (;;) {
        int n = mg_read(r->conn, chunk, sizeof chunk);
        if (n < 0) {
            problem_set(pb, ERR_BAD_REQUEST, "The request body could not be read.");
            return false;
        }
        if (n == 0)
            break;
        if ((long long)(out->len + (size_t)n) > limit) {
            problem_set(pb, ERR_PAYLOAD_TOO_LARGE, "The body is over the limit of %lld bytes.",
                        limit);
            return false;
        }
        buf_append(out, chunk, (size_t)n);
    }
    if (declared >= 0 && (long long)out->len < declared) {
        problem_set(pb, ERR_BAD_REQUEST, "The body ended before Content-Length bytes.");
        return false;
    }
    return true;
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

void http_send(struct req *r, int status, const char *content_type, const char *body, size_t len)
{
    struct buf out = BUF_INIT;
    buf_printf(&out, "HTTP/1.1 %d %s\r\nX-Request-Id: %s\r\n", status, reason(status),
               r->request_id);
    if (r->cors_origin)
        buf_printf(&out,
                   "Access-Control-Allow-Origin: %s\r\nVary: Origin\r\n"
                   "Access-Control-Expose-Headers: ETag, Location, Link, X-Request-Id, "
                   "Retry-After\r\n",
                   r->cors_origin);
    if (content_type && status != 204 && status != 304)
        buf_printf(&out, "Content-Type: %s\r\n", content_type);
    if (status != 204 && status != 304)
        buf_printf(&out, "Content-Length: %zu\r\n", body ? len : 0);
    buf_append(&out, buf_cstr(&r->headers), r->headers.len);
    buf_puts(&out, "\r\n");
    if (body && r->method != M_HEAD && status != 204 && status != 304)
        buf_append(&out, body, len);
    mg_write(r->conn, out.p, out.len);
    buf_free(&out);
    r->status = status;
    r->sent = true;
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
