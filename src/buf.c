/* Growable buffers and the aborting allocator. */
#include "bdp/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("{\"level\":\"fatal\",\"msg\":\"out of memory\"}\n", stderr);
        abort();
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("{\"level\":\"fatal\",\"msg\":\"out of memory\"}\n", stderr);
        abort();
    }
    return q;
}

char *xstrdup(const char *s)
{
    return s ? xstrndup(s, strlen(s)) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void reserve(struct buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void buf_append(struct buf *b, const void *data, size_t n)
{
    reserve(b, n);
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    reserve(b, (size_t)n);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

/* Length of the valid UTF-8 sequence at p (before end), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = *p;
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (n == 0 || (size_t)(end - p) < n || c == 0xC0 || c == 0xC1 || c > 0xF4)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F) || (c == 0xF0 && p[1] < 0x90) ||
        (c == 0xF4 && p[1] > 0x8F))
        return 0;
    return n;
}

void buf_json_str(struct buf *b, const char *s)
{
    const unsigned char *end = (const unsigned char *)s + strlen(s);
    static const char hex[] = "0123456789abcdef";
    const unsigned char *run = (const unsigned char *)s; /* appended as it is, up to p */
    buf_append(b, "\"", 1);
    for (const unsigned char *p = run; p < end;) {
        const char *esc = NULL;
        char u[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
        size_t n = 1, len = 2;
        switch (*p) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break; /* as PostgreSQL's escape_json */
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (*p < 0x20) {
                esc = u;
                len = 6;
            } else if (*p >= 0x80 && !(n = utf8_len(p, end))) {
                /* Invalid UTF-8 (from a decoded path, a parser's message)
                 * becomes U+FFFD, so our JSON stays valid. */
                esc = "\xef\xbf\xbd";
                len = 3;
                n = 1;
            }
        }
        if (esc) {
            buf_append(b, run, (size_t)(p - run));
            buf_append(b, esc, len);
            run = p + n;
        }
        p += n;
    }
    buf_append(b, run, (size_t)(end - run));
    buf_append(b, "\"", 1);
}

const char *buf_cstr(struct buf *b)
{
    return b->p ? b->p : "";
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void buf_free(struct buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
