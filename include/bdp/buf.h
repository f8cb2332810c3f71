/* Growable byte buffers and the allocator every module uses: allocation
 * failure aborts, so NULL from a parser always means bad input. */
#ifndef BDP_BUF_H
#define BDP_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *p; /* owned; NUL-terminated when len > 0 or after buf_cstr */
    size_t len;
    size_t cap;
};

#define BUF_INIT                                                                                   \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void *xmalloc(size_t n);           /* new; never NULL */
void *xrealloc(void *p, size_t n); /* never NULL */
char *xstrdup(const char *s);      /* new; NULL for NULL */
char *xstrndup(const char *s, size_t n);

void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s as a JSON string literal, quotes included; invalid UTF-8
 * becomes U+FFFD. */
void buf_json_str(struct buf *b, const char *s);
/* Borrowed pointer to the text, always NUL-terminated (empty: ""). */
const char *buf_cstr(struct buf *b);
void buf_reset(struct buf *b);
void buf_free(struct buf *b); /* safe on an unused or freed buffer */

#endif
