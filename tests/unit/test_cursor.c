/* Keyset cursors and base64url: round trips, and every forged, truncated or
 * oddly spelled cursor refused. */
#include "bdp/buf.h"
#include "bdp/cursor.h"

#include "check.h"

#include <jansson.h>
#include <stdlib.h>

/* base64url of text, for hand-made cursors. */
static const char *b64(struct buf *b, const char *text)
{
    buf_reset(b);
    base64url_encode(b, (const unsigned char *)text, strlen(text));
    return buf_cstr(b);
}

static void test_base64url(void)
{
    /* RFC 4648 test vectors, without padding. */
    static const char *const vectors[][2] = {
        {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
    };
    struct buf b = BUF_INIT, d = BUF_INIT;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        CHECK_STR(b64(&b, vectors[i][0]), vectors[i][1]);
        buf_reset(&d);
        CHECK(base64url_decode(vectors[i][1], &d));
        CHECK_INT(d.len, strlen(vectors[i][0]));
        CHECK_STR(buf_cstr(&d), vectors[i][0]);
    }

    /* The URL alphabet: 0xfb 0xff -> "-_8", never '+' or '/'. */
    static const unsigned char hi[] = {0xfb, 0xff, 0xbf};
    buf_reset(&b);
    base64url_encode(&b, hi, 3);
    CHECK_STR(buf_cstr(&b), "-_-_");
    buf_reset(&d);
    CHECK(base64url_decode("-_-_", &d));
    CHECK_INT(d.len, 3);
    CHECK(memcmp(d.p, hi, 3) == 0);

    /* Every byte value round-trips. */
    unsigned char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    buf_reset(&b);
    base64url_encode(&b, all, sizeof all);
    CHECK_INT(b.len, 342);
    CHECK(strchr(buf_cstr(&b), '=') == NULL);
    buf_reset(&d);
    CHECK(base64url_decode(buf_cstr(&b), &d));
    CHECK_INT(d.len, 256);
    CHECK(d.len == 256 && memcmp(d.p, all, 256) == 0);

    static const char *const bad[] = {
        "Zg==",  /* padding */
        "Zm8=",  /* padding */
        "Z",     /* a length of 4n + 1 */
        "Zm9vY", /* a length of 4n + 1 */
        "Zh",    /* leftover bits: 'h' has its low 4 bits set */
        "Zm9",   /* leftover bits: '9' has its low 2 bits set */
        "Zm+v",  /* standard alphabet */
        "Zm/v",  /* standard alphabet */
        "Zm v",  /* space */
        "Zm.v",  /* not in the alphabet */
        "Zm9v\n", "Zm%3D", "\xc3\xa9\xc3\xa9",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        buf_reset(&d);
        CHECK(!base64url_decode(bad[i], &d));
    }
    /* Longer than 16384 characters (a title cursor holds up to 500
     * characters of title: some 2,700). */
    static char longer[16390];
    memset(longer, 'A', 16388);
    longer[16388] = '\0';
    buf_reset(&d);
    CHECK(!base64url_decode(longer, &d));
    longer[16384] = '\0';
    buf_reset(&d);
    CHECK(base64url_decode(longer, &d));
    CHECK_INT(d.len, 12288);

    buf_free(&b);
    buf_free(&d);
}

static void test_id(void)
{
    static const long long ids[] = {1, 9, 10, 42, 12345, 999999999, 2147483646, 2147483647};
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        buf_reset(&b);
        cursor_encode_id(&b, ids[i]);
        CHECK(strspn(buf_cstr(&b), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789-_") == b.len);
        long long id = -1;
        CHECK(cursor_decode_id(buf_cstr(&b), &id));
        CHECK_INT(id, ids[i]);
    }
    buf_reset(&b);
    cursor_encode_id(&b, 42);
    CHECK_STR(buf_cstr(&b), "aTo0Mg"); /* "i:42" */

    static const char *const bad_text[] = {
        "i:0", "i:-1",  "i:01",           "i:2147483648", "i:99999999999", "i:",   "i",
        "",    "i:1x",  "i:1 ",           " i:1",         "i:+1",          "I:1",  "e:1",
        "x:1", "i:1:2", "e:2024-01-01:5", "i:１",         "i;1",           "i::1",
    };
    long long id;
    for (size_t i = 0; i < sizeof bad_text / sizeof bad_text[0]; i++) {
        id = -1;
        CHECK(!cursor_decode_id(b64(&b, bad_text[i]), &id));
    }

    /* A NUL inside the decoded text: "i:1\0" and "i:\0001". */
    static const unsigned char nul1[] = {'i', ':', '1', 0};
    static const unsigned char nul2[] = {'i', ':', 0, '1'};
    buf_reset(&b);
    base64url_encode(&b, nul1, sizeof nul1);
    CHECK(!cursor_decode_id(buf_cstr(&b), &id));
    buf_reset(&b);
    base64url_encode(&b, nul2, sizeof nul2);
    CHECK(!cursor_decode_id(buf_cstr(&b), &id));

    /* Spelled wrong: padded, truncated, extended, standard alphabet, not
     * base64 at all. "aTo0Mg" is "i:42". */
    static const char *const bad[] = {
        "aTo0Mg==", "aTo0Mg=", "aTo0M", "aTo", "aTo0Mh",   "aTo0Mg.",
        "aTo0 Mg",  "i:42",    "",      "%",   "aTo0Mg\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        id = -1;
        CHECK(!cursor_decode_id(bad[i], &id));
        if (id != -1)
            fprintf(stderr, "    cursor %s gave %lld\n", bad[i], id);
    }
    CHECK(cursor_decode_id("aTo0Mg", &id));
    CHECK_INT(id, 42);
    buf_free(&b);
}

/* Keyed cursors: a sort's letter, the last row's id and its sort key (any
 * text, colons too); the key's form is the list's to check. */
static void test_key(void)
{
    static const struct {
        char kind;
        const char *key;
        long long id;
    } good[] = {
        {'d', "2024-02-29", 5}, {'t', "Dom: z dwukropkiem: i \"cudzysłowem\"", 2147483647},
        {'r', "1.2178262", 1},  {'u', "2024-05-01T12:00:00.123456Z", 65536},
        {'t', "", 9},
    };
    struct buf b = BUF_INIT, key = BUF_INIT;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        buf_reset(&b);
        buf_reset(&key);
        cursor_encode_key(&b, good[i].kind, good[i].key, good[i].id);
        long long id = -1;
        bool ok = cursor_decode_key(buf_cstr(&b), good[i].kind, &key, &id);
        CHECK(ok);
        CHECK_STR(buf_cstr(&key), ok ? good[i].key : "");
        CHECK_INT(id, ok ? good[i].id : -1);
        /* Another sort's letter refuses it. */
        buf_reset(&key);
        CHECK(!cursor_decode_key(buf_cstr(&b), good[i].kind == 'd' ? 'a' : 'd', &key, &id));
    }
    buf_reset(&b);
    cursor_encode_key(&b, 'd', "2024-03-01", 77);
    CHECK_STR(buf_cstr(&b), "ZDo3NzoyMDI0LTAzLTAx"); /* "d:77:2024-03-01" */

    static const char *const bad_text[] = {
        "d:0:2024-01-01",
        "d:00:2024-01-01",
        "d:01:2024-01-01",
        "d:-1:2024-01-01",
        "d:2147483648:2024-01-01",
        "d::2024-01-01",
        "d:12",
        "d:1x:2024-01-01",
        "d;1:2024-01-01",
        "e:1:2024-01-01",
        "i:10",
        "D:1:2024-01-01",
        "",
    };
    for (size_t i = 0; i < sizeof bad_text / sizeof bad_text[0]; i++) {
        long long id = -1;
        buf_reset(&key);
        bool ok = cursor_decode_key(b64(&b, bad_text[i]), 'd', &key, &id);
        CHECK(!ok);
        if (ok)
            fprintf(stderr, "    accepted %s\n", bad_text[i]);
    }
    /* An id cursor is not a keyed one and back. */
    long long id;
    buf_reset(&b);
    cursor_encode_id(&b, 20240301);
    buf_reset(&key);
    CHECK(!cursor_decode_key(buf_cstr(&b), 'i', &key, &id));
    buf_reset(&b);
    cursor_encode_key(&b, 'd', "2024-03-01", 77);
    CHECK(!cursor_decode_id(buf_cstr(&b), &id));
    /* Padded or truncated spellings of a good one. */
    static const char *const spellings[] = {"ZDo3NzoyMDI0LTAzLTAx=", "ZDo3NzoyMDI0LTAzLTA",
                                            "ZDo3Nz", "ZDo3"};
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        buf_reset(&key);
        CHECK(!cursor_decode_key(spellings[i], 'd', &key, &id) ||
              strcmp(buf_cstr(&key), "2024-03-01") != 0);
    }
    buf_free(&b);
    buf_free(&key);
}

int main(void)
{
    json_set_alloc_funcs(xmalloc, free);
    test_base64url();
    test_id();
    test_key();
    return check_report();
}
