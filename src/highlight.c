/* Marking matched words in a title or summary; see highlight.h. */
#include "bdp/highlight.h"

#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

unsigned highlight_lower(unsigned cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 32;
    /* Latin Extended-A pairs: even capitals, except two runs of odd ones. */
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return cp % 2 ? cp + 1 : cp;
    if (cp == 0x178)
        return 0xFF;
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
        return cp % 2 ? cp : cp + 1;
    return cp;
}

/* Decodes the code point at s (valid UTF-8); *n = its bytes. */
static unsigned decode(const unsigned char *s, size_t *n)
{
    if (s[0] < 0x80) {
        *n = 1;
        return s[0];
    }
    if ((s[0] & 0xE0) == 0xC0) {
        *n = 2;
        return ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
    }
    if ((s[0] & 0xF0) == 0xE0) {
        *n = 3;
        return ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    }
    *n = 4;
    return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
}

static void encode(struct buf *b, unsigned cp)
{
    unsigned char o[4];
    size_t n;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        o[0] = (unsigned char)(0xF0 | (cp >> 18));
        o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_append(b, o, n);
}

static locale_t utf8;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_open(void)
{
    utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* Letters and digits make words, as PostgreSQL's parser sees them in a
 * UTF-8 database: iswalnum of the C.UTF-8 locale (symbols such as →, €,
 * ™ and emoji are not letters). Without that locale, every code point
 * from U+00C0 on but punctuation. */
static bool word_char(unsigned cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || ((cp | 32) >= 'a' && (cp | 32) <= 'z');
    pthread_once(&utf8_once, utf8_open);
    if (utf8)
        return iswalnum_l((wint_t)cp, utf8);
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
        return false;
    return !(cp >= 0x2000 && cp <= 0x206F) && !(cp >= 0x3000 && cp <= 0x303F);
}

struct word {
    size_t start, end; /* byte offsets in the text */
    bool marked;
};

static int by_bytes(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

static int word_order(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void highlight_sort(const char **words, size_t nwords)
{
    qsort(words, nwords, sizeof *words, word_order);
}

static bool is_wanted(const char *text, size_t start, size_t end, const char *const *words,
                      size_t nwords)
{
    struct buf low = BUF_INIT;
    for (size_t i = start; i < end;) {
        size_t n;
        unsigned cp = decode((const unsigned char *)text + i, &n);
        encode(&low, highlight_lower(cp));
        i += n;
    }
    bool found = nwords && bsearch(buf_cstr(&low), words, nwords, sizeof *words, by_bytes);
    buf_free(&low);
    return found;
}

static void escape(struct buf *out, const char *s, size_t n)
{
    size_t run = 0; /* the start of what is appended as it is */
    for (size_t i = 0; i < n; i++) {
        const char *e = NULL;
        switch (s[i]) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&#39;"; break;
        default: continue;
        }
        buf_append(out, s + run, i - run);
        buf_puts(out, e);
        run = i + 1;
    }
    buf_append(out, s + run, n - run);
}

/* The words of text, each with whether it is wanted; *count of them. */
static struct word *split(const char *text, const char *const *words, size_t nwords, size_t *count)
{
    size_t cap = 16, n = 0, len = strlen(text);
    struct word *w = xmalloc(cap * sizeof *w);
    for (size_t i = 0; i < len;) {
        size_t k;
        unsigned cp = decode((const unsigned char *)text + i, &k);
        if (!word_char(cp)) {
            i += k;
            continue;
        }
        size_t start = i;
        while (i < len && word_char(decode((const unsigned char *)text + i, &k)))
            i += k;
        if (n == cap)
            w = xrealloc(w, (cap *= 2) * sizeof *w);
        w[n++] = (struct word){start, i, is_wanted(text, start, i, words, nwords)};
    }
    *count = n;
    return w;
}

void highlight(struct buf *out, const char *text, const char *const *words, size_t nwords,
               size_t window)
{
    size_t n, first = 0, last, from = 0, to = strlen(text);
    struct word *w = split(text, words, nwords, &n);
    if (window && n > window) {
        size_t m = 0;
        while (m < n && !w[m].marked)
            m++;
        if (m < n)
            first = m > window / 4 ? m - window / 4 : 0;
        if (first + window > n)
            first = n - window;
        last = first + window;
        from = first ? w[first].start : 0;
        to = last < n ? w[last - 1].end : to;
        if (first)
            buf_puts(out, "… ");
    } else {
        last = n;
    }
    size_t at = from;
    for (size_t i = first; i < last; i++) {
        if (!w[i].marked)
            continue;
        escape(out, text + at, w[i].start - at);
        buf_puts(out, "<mark>");
        escape(out, text + w[i].start, w[i].end - w[i].start);
        buf_puts(out, "</mark>");
        at = w[i].end;
    }
    escape(out, text + at, to - at);
    if (to < strlen(text))
        buf_puts(out, " …");
    free(w);
}
