/* Query strings: decoding, the allowed names, typed getters that name the
 * parameter in a 400, and the encoding of next-page links. */
#include "bdp/buf.h"
#include "bdp/query.h"

#include "check.h"

#include <jansson.h>
#include <stdlib.h>

static const char *const allowed[] = {"limit", "cursor", "status", "q", "unit_id", NULL};

/* Parses raw and expects a 400 naming field. */
static void parse_fails(const char *raw, const char *field)
{
    struct query q;
    struct problem pb = {0};
    problem_init(&pb);
    bool ok = query_parse(&q, raw, allowed, &pb);
    CHECK(!ok);
    CHECK_INT(pb.kind, ERR_BAD_REQUEST);
    CHECK_INT(pb.n_errors, 1);
    CHECK_STR(pb.errors[0].field, field);
    CHECK_INT(error_status(pb.kind), 400);
    if (ok || pb.n_errors != 1 || strcmp(pb.errors[0].field, field) != 0)
        fprintf(stderr, "    query %s\n", raw);
    query_cleanup(&q);
}

static void test_parse(void)
{
    struct query q;
    struct problem pb = {0};

    problem_init(&pb);
    CHECK(query_parse(&q, NULL, allowed, &pb));
    CHECK_INT(q.n, 0);
    CHECK_INT(pb.kind, ERR_NONE);
    CHECK_STR(query_get(&q, "limit"), NULL);
    query_cleanup(&q);

    CHECK(query_parse(&q, "", allowed, &pb));
    CHECK_INT(q.n, 0);
    query_cleanup(&q);

    CHECK(query_parse(&q, "limit=5&cursor=abc&q=a+b%20c", allowed, &pb));
    CHECK_INT(pb.kind, ERR_NONE);
    CHECK_INT(q.n, 3);
    CHECK_STR(query_get(&q, "limit"), "5");
    CHECK_STR(query_get(&q, "cursor"), "abc");
    CHECK_STR(query_get(&q, "q"), "a b c");
    CHECK_STR(query_get(&q, "status"), NULL);
    CHECK_STR(query_get(&q, "Limit"), NULL);
    query_cleanup(&q);
    CHECK_INT(q.n, 0);
    query_cleanup(&q); /* twice is safe */

    /* Empty pairs are skipped; a name alone has the empty value; '=' may
     * appear in a value. */
    CHECK(query_parse(&q, "&&limit=&&q&status=a=b&", allowed, &pb));
    CHECK_INT(pb.kind, ERR_NONE);
    CHECK_INT(q.n, 3);
    CHECK_STR(query_get(&q, "limit"), "");
    CHECK_STR(query_get(&q, "q"), "");
    CHECK_STR(query_get(&q, "status"), "a=b");
    query_cleanup(&q);

    /* Percent-decoding of names and values, UTF-8 and '+'. */
    CHECK(query_parse(&q, "%71=%C5%81%c3%b3d%C5%BA+%2B%26%3D&st%61tus=%41", allowed, &pb));
    CHECK_INT(pb.kind, ERR_NONE);
    CHECK_STR(query_get(&q, "q"), "Łódź +&=");
    CHECK_STR(query_get(&q, "status"), "A");
    query_cleanup(&q);

    CHECK(query_parse(&q, "q=%E2%82%AC%F0%9F%98%80", allowed, &pb));
    CHECK_STR(query_get(&q, "q"), "\xE2\x82\xAC\xF0\x9F\x98\x80");
    query_cleanup(&q);

    /* Unknown names: the first one is named, in errors[0].field. */
    parse_fails("foo=1", "foo");
    parse_fails("limit=1&foo=1&bar=2", "foo");
    parse_fails("LIMIT=1", "LIMIT");
    parse_fails("limit =1", "limit ");
    parse_fails("limit+=1", "limit ");
    parse_fails("f%6Fo=1", "foo");
    parse_fails("page", "page");
    /* Repeated names, even with the same value or spelled encoded. */
    parse_fails("limit=1&limit=1", "limit");
    parse_fails("limit=1&li%6Dit=2", "limit");
    parse_fails("q=&q=", "q");
    /* Empty names. */
    parse_fails("=1", "query");
    parse_fails("limit=1&=", "query");
    /* Bad percent-encoding, in values and in names. */
    parse_fails("q=%zz", "q");
    parse_fails("q=%4", "q");
    parse_fails("q=%", "q");
    parse_fails("q=%4g", "q");
    parse_fails("q=%g4", "q");
    parse_fails("q=%00", "q");
    parse_fails("q=a%00b", "q");
    parse_fails("%zz=1", "query");
    parse_fails("%00=1", "query");
    parse_fails("q%=1", "query");
    /* Invalid UTF-8 once decoded. */
    parse_fails("q=%FF", "q");
    parse_fails("q=%C5", "q");
    parse_fails("q=%C0%AF", "q");
    parse_fails("q=%ED%A0%80", "q");
    parse_fails("q=%F4%90%80%80", "q");
    parse_fails("q=\xC5", "q");
    parse_fails("%C5=1", "query");

    /* Nothing is kept from a failed parse. */
    problem_init(&pb);
    CHECK(!query_parse(&q, "limit=1&foo=2", allowed, &pb));
    CHECK_STR(pb.errors[0].message, "is not a parameter of this endpoint");
    query_cleanup(&q);
    problem_init(&pb);
    CHECK(!query_parse(&q, "limit=1&limit=2", allowed, &pb));
    CHECK_STR(pb.errors[0].message, "is given more than once");
    query_cleanup(&q);
    problem_init(&pb);
    CHECK(!query_parse(&q, "q=%zz", allowed, &pb));
    CHECK_STR(pb.errors[0].message, "is not a well-formed query parameter");
    query_cleanup(&q);

    /* An endpoint that takes nothing. */
    static const char *const none[] = {NULL};
    problem_init(&pb);
    CHECK(!query_parse(&q, "limit=1", none, &pb));
    CHECK_STR(pb.errors[0].field, "limit");
    query_cleanup(&q);
    problem_init(&pb);
    CHECK(query_parse(&q, "&", none, &pb));
    CHECK_INT(q.n, 0);
    query_cleanup(&q);
}

static void test_decode(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"abc", "abc"},
        {"a+b", "a b"},
        {"%2b", "+"},
        {"%2B", "+"},
        {"%20", " "},
        {"%25", "%"},
        {"%7e%7E", "~~"},
        {"%C4%85", "ą"},
        {"ą", "ą"},
        {"%", NULL},
        {"%2", NULL},
        {"%2x", NULL},
        {"%x2", NULL},
        {"%00", NULL},
        {"%80", NULL},
        {"%C0%80", NULL},
        {"%E0%80%80", NULL},
        {"%F0%80%80%80", NULL},
        {"%ED%BF%BF", NULL},
        {"%F4%90%80%80", NULL},
        {"%F5%80%80%80", NULL},
        {"%E2%82", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = query_decode(cases[i].in, strlen(cases[i].in));
        CHECK_STR(s, cases[i].out);
        free(s);
    }
    /* len bounds the input: "%4" of "%41" is malformed. */
    char *s = query_decode("%41", 2);
    CHECK_STR(s, NULL);
    free(s);
    s = query_decode("ab%41", 2);
    CHECK_STR(s, "ab");
    free(s);
}

/* query_int on the value v of "limit" in 1..200, default 20. */
static void int_case(const char *v, bool ok, long long want)
{
    struct query q = {0};
    struct problem pb = {0};
    problem_init(&pb);
    if (v) {
        q.n = 1;
        q.name[0] = xstrdup("limit");
        q.value[0] = xstrdup(v);
    }
    long long out = -7;
    bool got = query_int(&q, "limit", 1, 200, 20, &out, &pb);
    CHECK_INT(got, ok);
    if (ok) {
        CHECK_INT(out, want);
        CHECK_INT(pb.kind, ERR_NONE);
    } else {
        CHECK_INT(pb.kind, ERR_BAD_REQUEST);
        CHECK_INT(pb.n_errors, 1);
        CHECK_STR(pb.errors[0].field, "limit");
        CHECK_STR(pb.errors[0].message, "must be an integer from 1 to 200");
    }
    if (got != ok)
        fprintf(stderr, "    limit=\"%s\"\n", v ? v : "(absent)");
    query_cleanup(&q);
}

static void test_int(void)
{
    int_case(NULL, true, 20);
    int_case("1", true, 1);
    int_case("200", true, 200);
    int_case("57", true, 57);
    int_case("0", false, 0);
    int_case("201", false, 0);
    int_case("-1", false, 0);
    int_case("", false, 0);
    int_case("1x", false, 0);
    int_case("x1", false, 0);
    int_case("+1", false, 0);
    int_case(" 1", false, 0);
    int_case("1 ", false, 0);
    int_case("\t1", false, 0);
    int_case("\n1", false, 0);
    int_case("01", false, 0);
    int_case("007", false, 0);
    int_case("1.0", false, 0);
    int_case("1e2", false, 0);
    int_case("0x10", false, 0);
    int_case("99999999999999999999", false, 0);
    int_case("-99999999999999999999", false, 0);

    /* Bounds given by the caller, here the full id range and zero. */
    struct query q = {0};
    struct problem pb = {0};
    long long out;
    q.n = 2;
    q.name[0] = xstrdup("unit_id");
    q.value[0] = xstrdup("2147483647");
    q.name[1] = xstrdup("limit");
    q.value[1] = xstrdup("0");
    problem_init(&pb);
    CHECK(query_int(&q, "unit_id", 1, 2147483647, 0, &out, &pb));
    CHECK_INT(out, 2147483647);
    CHECK(query_int(&q, "limit", 0, 10, 5, &out, &pb));
    CHECK_INT(out, 0);
    CHECK(!query_int(&q, "unit_id", 1, 2147483646, 0, &out, &pb));
    CHECK_STR(pb.errors[0].field, "unit_id");
    CHECK_STR(pb.errors[0].message, "must be an integer from 1 to 2147483646");
    query_cleanup(&q);
}

static void test_enum(void)
{
    static const char *const statuses[] = {"draft", "published", "archived", NULL};
    struct query q;
    struct problem pb = {0};
    const char *out = "unset";

    problem_init(&pb);
    CHECK(query_parse(&q, "limit=3", allowed, &pb));
    CHECK(query_enum(&q, "status", statuses, &out, &pb));
    CHECK_STR(out, NULL);
    query_cleanup(&q);

    CHECK(query_parse(&q, "status=published", allowed, &pb));
    CHECK(query_enum(&q, "status", statuses, &out, &pb));
    CHECK_STR(out, "published");
    CHECK(out == statuses[1]); /* the option itself, not the query's copy */
    query_cleanup(&q);

    static const char *const bad[] = {"Published", "", "published ", "draf", "draftx"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct query one = {0};
        one.n = 1;
        one.name[0] = xstrdup("status");
        one.value[0] = xstrdup(bad[i]);
        problem_init(&pb);
        out = "unset";
        CHECK(!query_enum(&one, "status", statuses, &out, &pb));
        CHECK_STR(out, NULL);
        CHECK_INT(pb.kind, ERR_BAD_REQUEST);
        CHECK_STR(pb.errors[0].field, "status");
        CHECK_STR(pb.errors[0].message, "must be one of: draft, published, archived");
        query_cleanup(&one);
    }
}

static void test_append(void)
{
    struct buf b = BUF_INIT;
    query_append(&b, "limit", "20");
    CHECK_STR(buf_cstr(&b), "limit=20");
    query_append(&b, "q", "a b&c=d+e/f?g#h%");
    CHECK_STR(buf_cstr(&b), "limit=20&q=a%20b%26c%3Dd%2Be%2Ff%3Fg%23h%25");
    query_append(&b, "x", "AZaz09-_.~");
    CHECK_STR(buf_cstr(&b), "limit=20&q=a%20b%26c%3Dd%2Be%2Ff%3Fg%23h%25&x=AZaz09-_.~");
    buf_reset(&b);
    query_append(&b, "q", "Łódź");
    CHECK_STR(buf_cstr(&b), "q=%C5%81%C3%B3d%C5%BA");
    buf_reset(&b);
    query_append(&b, "cursor", "");
    CHECK_STR(buf_cstr(&b), "cursor=");
    buf_reset(&b);

    /* What query_append writes, query_parse reads back. */
    static const char *const values[] = {"a b", "+", "%", "&=", "ż\"'<>", "ZToyMDI0LTAz-_"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        buf_reset(&b);
        query_append(&b, "limit", "1");
        query_append(&b, "q", values[i]);
        struct query q;
        struct problem pb;
        problem_init(&pb);
        CHECK(query_parse(&q, buf_cstr(&b), allowed, &pb));
        CHECK_STR(query_get(&q, "q"), values[i]);
        CHECK_STR(query_get(&q, "limit"), "1");
        query_cleanup(&q);
    }
    buf_free(&b);
}

static void test_too_many(void)
{
    static const char *const many[] = {
        "p0",  "p1",  "p2",  "p3",  "p4",  "p5",  "p6",  "p7",  "p8",  "p9",  "p10", "p11",
        "p12", "p13", "p14", "p15", "p16", "p17", "p18", "p19", "p20", "p21", "p22", "p23",
        "p24", "p25", "p26", "p27", "p28", "p29", "p30", "p31", "p32", "p33", NULL};
    struct buf b = BUF_INIT;
    for (int i = 0; i < QUERY_MAX_PARAMS; i++)
        query_append(&b, many[i], "v");
    struct query q;
    struct problem pb = {0};
    problem_init(&pb);
    CHECK(query_parse(&q, buf_cstr(&b), many, &pb));
    CHECK_INT(q.n, QUERY_MAX_PARAMS);
    CHECK_STR(query_get(&q, "p31"), "v");
    query_cleanup(&q);

    query_append(&b, many[QUERY_MAX_PARAMS], "v");
    CHECK(!query_parse(&q, buf_cstr(&b), many, &pb));
    CHECK_INT(pb.kind, ERR_BAD_REQUEST);
    CHECK_STR(pb.errors[0].field, "p32");
    query_cleanup(&q);
    buf_free(&b);
}

int main(void)
{
    json_set_alloc_funcs(xmalloc, free);
    test_parse();
    test_decode();
    test_int();
    test_enum();
    test_append();
    test_too_many();
    return check_report();
}
