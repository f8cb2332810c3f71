/* Query string parsing and typed parameter access. */
#include "bdp/query.h"

#include "bdp/buf.h"
#include "bdp/jsonv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *query_decode(const char *src, size_t len)
{
    char *out = xmalloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (src[i] == '%') {
            int hi = i + 1 < len ? hexval(src[i + 1]) : -1;
            int lo = i + 2 < len ? hexval(src[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(out);
                return NULL;
            }
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = src[i] == '+' ? ' ' : src[i];
        }
    }
    out[o] = '\0';
    if (!jsonv_utf8_valid(out, o)) {
        free(out);
        return NULL;
    }
    return out;
}

bool query_parse(struct query *q, const char *raw, const char *const *allowed, struct problem *pb)
{
    memset(q, 0, sizeof *q);
    if (!raw)
        return true;
    const char *p = raw;
    while (*p) {
        size_t len = strcspn(p, "&");
        if (len > 0) {
            const char *eq = memchr(p, '=', len);
            size_t nlen = eq ? (size_t)(eq - p) : len;
            char *name = query_decode(p, nlen);
            char *value = eq ? query_decode(eq + 1, len - nlen - 1) : xstrdup("");
            if (!name || !value || !*name) {
                problem_kind_field(pb, ERR_BAD_REQUEST, name && *name ? name : "query",
                                   "is not a well-formed query parameter");
                free(name);
                free(value);
                return false;
            }
            bool known = false;
            for (const char *const *a = allowed; *a && !known; a++)
                known = strcmp(*a, name) == 0;
            if (!known) {
                problem_kind_field(pb, ERR_BAD_REQUEST, name,
                                   "is not a parameter of this "
                                   "endpoint");
            } else if (query_get(q, name)) {
                problem_kind_field(pb, ERR_BAD_REQUEST, name, "is given more than once");
            } else if (q->n == QUERY_MAX_PARAMS) {
                problem_kind_field(pb, ERR_BAD_REQUEST, name, "too many parameters");
            }
            if (pb->kind) {
                free(name);
                free(value);
                return false;
            }
            q->name[q->n] = name;
            q->value[q->n++] = value;
        }
        p += len;
        if (*p == '&')
            p++;
    }
    return true;
}

void query_cleanup(struct query *q)
{
    for (int i = 0; i < q->n; i++) {
        free(q->name[i]);
        free(q->value[i]);
    }
    q->n = 0;
}

const char *query_get(const struct query *q, const char *name)
{
    for (int i = 0; i < q->n; i++)
        if (strcmp(q->name[i], name) == 0)
            return q->value[i];
    return NULL;
}

bool query_int(const struct query *q, const char *name, long long min, long long max,
               long long dflt, long long *out, struct problem *pb)
{
    const char *v = query_get(q, name);
    if (!v) {
        *out = dflt;
        return true;
    }
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    /* strtoll skips leading white space and takes '+': we do not. */
    bool digit_first = (*v >= '0' && *v <= '9') || (*v == '-' && v[1] >= '0' && v[1] <= '9');
    if (!digit_first || *end || errno || n < min || n > max || (*v == '0' && v[1])) {
        problem_kind_field(pb, ERR_BAD_REQUEST, name, "must be an integer from %lld to %lld", min,
                           max);
        return false;
    }
    *out = n;
    return true;
}

bool query_enum(const struct query *q, const char *name, const char *const *options,
                const char **out, struct problem *pb)
{
    const char *v = query_get(q, name);
    *out = NULL;
    if (!v)
        return true;
    for (const char *const *o = options; *o; o++)
        if (strcmp(*o, v) == 0) {
            *out = *o;
            return true;
        }
    struct buf list = BUF_INIT;
    for (const char *const *o = options; *o; o++)
        buf_printf(&list, "%s%s", o == options ? "" : ", ", *o);
    problem_kind_field(pb, ERR_BAD_REQUEST, name, "must be one of: %s", buf_cstr(&list));
    buf_free(&list);
    return false;
}

void query_append(struct buf *b, const char *name, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    buf_printf(b, "%s%s=", b->len ? "&" : "", name);
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            buf_append(b, p, 1);
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            buf_append(b, esc, 3);
        }
    }
}
