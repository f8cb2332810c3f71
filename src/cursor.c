/* Keyset cursors and base64url. */
#include "bdp/cursor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void base64url_encode(struct buf *out, const unsigned char *data, size_t len)
{
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)data[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        char q[4] = {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63],
                     alphabet[v & 63]};
        buf_append(out, q, i + 2 < len ? 4 : i + 1 < len ? 3 : 2);
    }
}

bool base64url_decode(const char *in, struct buf *out)
{
    size_t n = strlen(in);
    if (n % 4 == 1 || n > 16384) /* a title cursor holds a title: 500 characters */
        return false;
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = memchr(alphabet, in[i], 64);
        if (!p || !in[i])
            return false;
        v = (v << 6) | (unsigned)(p - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char c = (char)((v >> bits) & 255);
            buf_append(out, &c, 1);
        }
    }
    /* Leftover bits must be zero, so each cursor has one spelling. */
    return (v & ((1u << bits) - 1)) == 0;
}

static void encode_text(struct buf *out, const char *text)
{
    base64url_encode(out, (const unsigned char *)text, strlen(text));
}

void cursor_encode_id(struct buf *out, long long id)
{
    char text[32];
    snprintf(text, sizeof text, "i:%lld", id);
    encode_text(out, text);
}

/* Parses a positive decimal id filling the rest of s. */
static bool parse_id(const char *s, long long *id)
{
    if (!*s || *s == '0' || strlen(s) > 10)
        return false;
    long long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s - '0');
    }
    if (v > 2147483647LL)
        return false;
    *id = v;
    return true;
}

bool cursor_decode_id(const char *cursor, long long *id)
{
    struct buf b = BUF_INIT;
    bool ok = base64url_decode(cursor, &b) && b.len > 2 && strlen(b.p) == b.len &&
              strncmp(b.p, "i:", 2) == 0 && parse_id(b.p + 2, id);
    buf_free(&b);
    return ok;
}

void cursor_encode_key(struct buf *out, char kind, const char *key, long long id)
{
    struct buf text = BUF_INIT;
    buf_printf(&text, "%c:%lld:%s", kind, id, key);
    encode_text(out, buf_cstr(&text));
    buf_free(&text);
}

bool cursor_decode_key(const char *cursor, char kind, struct buf *key, long long *id)
{
    struct buf b = BUF_INIT;
    bool ok = base64url_decode(cursor, &b) && b.len >= 4 && strlen(b.p) == b.len &&
              b.p[0] == kind && b.p[1] == ':';
    const char *colon = ok ? strchr(b.p + 2, ':') : NULL;
    if (colon) {
        char idtext[16];
        size_t n = (size_t)(colon - (b.p + 2));
        ok = n > 0 && n < sizeof idtext;
        if (ok) {
            memcpy(idtext, b.p + 2, n);
            idtext[n] = '\0';
            ok = parse_id(idtext, id);
        }
        if (ok)
            buf_puts(key, colon + 1);
    }
    buf_free(&b);
    return ok && colon;
}

/* Digits only, 1..max of them, no leading zero (but "0" itself). */
static bool decimal(const char *s, size_t n, size_t max)
{
    if (n == 0 || n > max || (s[0] == '0' && n > 1))
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool cursor_decode_change(const char *cursor, char txid[24], long long *seq)
{
    struct buf b = BUF_INIT;
    bool ok = base64url_decode(cursor, &b) && b.len > 4 && strlen(b.p) == b.len &&
              strncmp(b.p, "c:", 2) == 0;
    if (ok) {
        const char *t = b.p + 2, *colon = strchr(t, ':');
        ok = colon && decimal(t, (size_t)(colon - t), 20) &&
             decimal(colon + 1, strlen(colon + 1), 18);
        if (ok) {
            memcpy(txid, t, (size_t)(colon - t));
            txid[colon - t] = '\0';
            *seq = atoll(colon + 1);
        }
    }
    buf_free(&b);
    return ok;
}
