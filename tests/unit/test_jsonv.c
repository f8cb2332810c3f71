/* Request bodies: strict parsing, validation against the real field tables,
 * records for the store, RFC 7396 merge patch, UTF-8 and dates. */
#include "bdp/buf.h"
#include "bdp/category_json.h"
#include "bdp/contact_json.h"
#include "bdp/jsonv.h"
#include "bdp/practice_json.h"
#include "bdp/unit_json.h"

#include "check.h"

#include <jansson.h>
#include <stdlib.h>

#define M_DATE "must be a date YYYY-MM-DD between 1900 and 2100"
#define M_EMAIL "must be an e-mail address"
#define M_UNKNOWN "is not a known field"
#define M_REQUIRED "is required"
#define M_CONTACTS "is changed through /v1/practices/{id}/contacts and /v1/contacts/{id}"

/* JSON written with ' for ", parsed or aborted on. New reference. */
static json_t *load(const char *text)
{
    char *s = xstrdup(text);
    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    json_error_t err;
    json_t *v = json_loads(s, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
    if (!v) {
        fprintf(stderr, "test JSON does not parse: %s: %s\n", s, err.text);
        abort();
    }
    free(s);
    return v;
}

/* ---- jsonv_parse_object ---- */

static void parse_fails(const char *data, size_t len)
{
    struct problem pb = {0};
    problem_init(&pb);
    json_t *v = jsonv_parse_object(data, len, &pb);
    CHECK(v == NULL);
    CHECK_INT(pb.kind, ERR_BAD_REQUEST);
    CHECK(pb.detail[0] != '\0');
    CHECK_INT(pb.n_errors, 0);
    if (v || pb.kind != ERR_BAD_REQUEST)
        fprintf(stderr, "    body %.80s\n", data);
    json_decref(v);
}

static void test_parse(void)
{
    static const char *const bad[] = {
        "",
        " ",
        "\n",
        "{",
        "}",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1",
        "{\"a\":1,",
        "{\"a\":\"abc",
        "{\"a\":[1,2",
        "{\"a\" 1}",
        "{'a':1}",
        "{a:1}",
        "{\"a\":1,}",
        "{\"a\":[1,]}",
        "{\"a\":01}",
        "{\"a\":.5}",
        "{\"a\":NaN}",
        "{\"a\":Infinity}",
        "{\"a\":-Infinity}",
        "{\"a\":undefined}",
        "{\"a\":True}",
        "{} {}",
        "{}x",
        "{}]",
        "/* c */ {}",
        /* Not an object. */
        "[]",
        "[1]",
        "\"text\"",
        "1",
        "null",
        "true",
        /* Duplicate keys, at the top and nested. */
        "{\"a\":1,\"a\":1}",
        "{\"a\":1,\"b\":2,\"a\":3}",
        "{\"o\":{\"x\":1,\"x\":2}}",
        "{\"l\":[{\"x\":1,\"x\":1}]}",
        /* NUL, escaped or raw, and raw control characters. */
        "{\"a\":\"\\u0000\"}",
        "{\"a\\u0000b\":1}",
        "{\"a\":\"x\\u0000\"}",
        "{\"a\":\"\x01\"}",
        "{\"a\":\"tab\there\"}",
        "{\"a\":\"line\nbreak\"}",
        /* Numbers out of range. */
        "{\"a\":1e400}",
        "{\"a\":-1e400}",
        "{\"a\":1.5e99999}",
        "{\"a\":99999999999999999999999}",
        "{\"a\":-99999999999999999999999}",
        "{\"a\":9223372036854775808}",
        "{\"a\":-9223372036854775809}",
        /* Invalid UTF-8, and lone surrogate escapes. */
        "{\"a\":\"\xff\"}",
        "{\"a\":\"\xc3\"}",
        "{\"a\":\"\xc3(\"}",
        "{\"a\":\"\xc0\xaf\"}",
        "{\"a\":\"\xe0\x80\xaf\"}",
        "{\"a\":\"\xed\xa0\x80\"}",
        "{\"a\":\"\xf4\x90\x80\x80\"}",
        "{\"\xff\":1}",
        "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\\udc00\"}",
        "{\"a\":\"\\ud800x\"}",
        "{\"a\":\"\\uZZZZ\"}",
        "{\"a\":\"\\x41\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        parse_fails(bad[i], strlen(bad[i]));

    /* A NUL byte in the body itself, and a body cut short by len. */
    parse_fails("{\"a\":1}\0", 8);
    parse_fails("{\"a\":\"x\0y\"}", 11);
    parse_fails("{\"a\":1}", 6);
    parse_fails("{\"a\":1}", 0);

    struct problem pb = {0};
    problem_init(&pb);
    CHECK(jsonv_parse_object("", 0, &pb) == NULL);
    CHECK_STR(pb.detail, "The request body is empty; a JSON object is needed.");
    problem_init(&pb);
    CHECK(jsonv_parse_object("[1]", 3, &pb) == NULL);
    CHECK_STR(pb.detail, "The body must be a JSON object.");
    problem_init(&pb);
    CHECK(jsonv_parse_object("{\"a\":1,\"a\":1}", 13, &pb) == NULL);
    CHECK(strncmp(pb.detail, "The body is not valid JSON: ", 28) == 0);

    /* 100000 levels of arrays, and of objects: refused, no crash. */
    size_t depth = 100000;
    struct buf deep = BUF_INIT;
    buf_puts(&deep, "{\"a\":");
    for (size_t i = 0; i < depth; i++)
        buf_puts(&deep, "[");
    for (size_t i = 0; i < depth; i++)
        buf_puts(&deep, "]");
    buf_puts(&deep, "}");
    parse_fails(deep.p, deep.len);
    buf_reset(&deep);
    for (size_t i = 0; i < depth; i++)
        buf_puts(&deep, "{\"a\":");
    buf_puts(&deep, "1");
    for (size_t i = 0; i < depth; i++)
        buf_puts(&deep, "}");
    parse_fails(deep.p, deep.len);
    /* Unbalanced: only openings. */
    buf_reset(&deep);
    buf_puts(&deep, "{\"a\":");
    for (size_t i = 0; i < depth; i++)
        buf_puts(&deep, "[");
    parse_fails(deep.p, deep.len);
    /* Nesting up to the limit is fine; one more level is not. The object
     * itself is the first level. */
    for (int extra = 0; extra <= 1; extra++) {
        int arrays = JSONV_MAX_DEPTH - 1 + extra;
        buf_reset(&deep);
        buf_puts(&deep, "{\"a\":");
        for (int i = 0; i < arrays; i++)
            buf_puts(&deep, "[");
        for (int i = 0; i < arrays; i++)
            buf_puts(&deep, "]");
        buf_puts(&deep, "}");
        problem_init(&pb);
        json_t *v = jsonv_parse_object(deep.p, deep.len, &pb);
        CHECK_INT(v != NULL, extra == 0);
        CHECK_INT(pb.kind, extra ? ERR_BAD_REQUEST : ERR_NONE);
        json_decref(v);
    }
    /* Brackets inside strings, after escaped quotes too, are not nesting. */
    buf_reset(&deep);
    buf_puts(&deep, "{\"a\":\"\\\"");
    for (int i = 0; i < 100; i++)
        buf_puts(&deep, "[{");
    buf_puts(&deep, "\\\\\",\"b\":[[]]}");
    problem_init(&pb);
    json_t *v = jsonv_parse_object(deep.p, deep.len, &pb);
    CHECK(json_is_object(v));
    CHECK_INT(pb.kind, ERR_NONE);
    CHECK_INT(json_array_size(json_object_get(v, "b")), 1);
    CHECK_INT(json_string_length(json_object_get(v, "a")), 202);
    json_decref(v);
    buf_free(&deep);

    /* Good bodies. */
    static const char *const good[] = {
        "{}",
        " \t\r\n{ } \n",
        "{\"a\":null,\"b\":[1,2.5,\"x\",true,false,{}],\"c\":{\"d\":[]}}",
        "{\"a\":9223372036854775807}",
        "{\"a\":-9223372036854775808}",
        "{\"a\":1e308,\"b\":-0.0,\"c\":1E-400}",
        "{\"a\":\"\\u0105\\ud83d\\ude00\\n\\\"\\\\\\/\"}",
        "{\"\xc5\x81\xc3\xb3\x64\xc5\xba\":\"\xf0\x9f\x98\x80\"}",
        "{\"A\":1,\"a\":2}",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        problem_init(&pb);
        v = jsonv_parse_object(good[i], strlen(good[i]), &pb);
        CHECK(json_is_object(v));
        CHECK_INT(pb.kind, ERR_NONE);
        if (!v)
            fprintf(stderr, "    refused %s: %s\n", good[i], pb.detail);
        json_decref(v);
    }
    problem_init(&pb);
    v = jsonv_parse_object("{\"a\":\"\\u0105\\ud83d\\ude00\"}", 26, &pb);
    CHECK_STR(json_string_value(json_object_get(v, "a")), "ą\xf0\x9f\x98\x80");
    json_decref(v);
    problem_init(&pb);
    v = jsonv_parse_object("{\"n\":9223372036854775807}", 25, &pb);
    CHECK(json_integer_value(json_object_get(v, "n")) == 9223372036854775807LL);
    json_decref(v);
    /* len, not the NUL, ends the body. */
    problem_init(&pb);
    v = jsonv_parse_object("{\"a\":1}garbage", 7, &pb);
    CHECK(json_is_object(v));
    json_decref(v);
}

/* ---- jsonv_utf8_valid, jsonv_date_valid ---- */

static void test_utf8(void)
{
    static const char *const good[] = {
        "",
        "plain ASCII ~\x7f",
        "\xc2\x80",         /* U+0080 */
        "\xc4\x85",         /* ą */
        "\xdf\xbf",         /* U+07FF */
        "\xe0\xa0\x80",     /* U+0800 */
        "\xe2\x82\xac",     /* € */
        "\xed\x9f\xbf",     /* U+D7FF */
        "\xee\x80\x80",     /* U+E000 */
        "\xef\xbf\xbf",     /* U+FFFF */
        "\xf0\x90\x80\x80", /* U+10000 */
        "\xf0\x9f\x98\x80", /* 😀 */
        "\xf4\x8f\xbf\xbf", /* U+10FFFF */
        "Zażółć gęślą jaźń",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        bool ok = jsonv_utf8_valid(good[i], strlen(good[i]));
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "    case good[%zu]\n", i);
    }
    static const char *const bad[] = {
        "\x80", /* lone continuation */
        "\xbf",
        "a\x80z",
        "\xc0\x80",                 /* overlong NUL */
        "\xc0\xaf",                 /* overlong '/' */
        "\xc1\xbf",                 /* overlong U+007F */
        "\xe0\x80\x80",             /* overlong */
        "\xe0\x9f\xbf",             /* overlong U+07FF */
        "\xf0\x80\x80\x80",         /* overlong */
        "\xf0\x8f\xbf\xbf",         /* overlong U+FFFF */
        "\xed\xa0\x80",             /* U+D800 */
        "\xed\xaf\xbf",             /* U+DBFF */
        "\xed\xb0\x80",             /* U+DC00 */
        "\xed\xbf\xbf",             /* U+DFFF */
        "\xed\xa0\xbd\xed\xb8\x80", /* CESU-8 pair */
        "\xf4\x90\x80\x80",         /* U+110000 */
        "\xf5\x80\x80\x80",
        "\xf7\xbf\xbf\xbf",
        "\xf8\x88\x80\x80\x80", /* 5 bytes */
        "\xfc\x84\x80\x80\x80\x80",
        "\xfe",
        "\xff",
        "\xc2", /* truncated */
        "\xe2\x82",
        "\xf0\x9f\x98",
        "abc\xc4",
        "\xc2\x41", /* bad continuation */
        "\xe2\x28\xa1",
        "\xe2\x82\x28",
        "\xf0\x28\x8c\xbc",
        "\xf0\x9f\x98\x28",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bool ok = jsonv_utf8_valid(bad[i], strlen(bad[i]));
        CHECK(!ok);
        if (ok)
            fprintf(stderr, "    case bad[%zu]\n", i);
    }
    /* len bounds the text: a sequence cut by len is truncated. */
    CHECK(!jsonv_utf8_valid("\xc4\x85", 1));
    CHECK(!jsonv_utf8_valid("\xe2\x82\xac", 2));
    CHECK(!jsonv_utf8_valid("\xf0\x9f\x98\x80", 3));
    CHECK(jsonv_utf8_valid("ab\xc4\x85", 2));
    CHECK(jsonv_utf8_valid("\xc4\x85\xff", 2));
}

static void test_date(void)
{
    static const char *const good[] = {
        "2024-02-29", "2000-02-29", "1900-01-01", "2100-12-31", "2023-01-31", "2023-03-31",
        "2023-04-30", "2023-06-30", "2023-12-31", "2023-02-28", "1904-02-29", "2096-02-29",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        CHECK(jsonv_date_valid(good[i]));
        if (!jsonv_date_valid(good[i]))
            fprintf(stderr, "    %s\n", good[i]);
    }
    static const char *const bad[] = {
        "2021-02-30", "2023-02-29",  "1900-02-29",  "2100-02-29", "2024-02-30",
        "2023-04-31", "2023-06-31",  "2023-09-31",  "2023-11-31", "2023-01-32",
        "2023-13-01", "2023-00-01",  "2023-01-00",  "1899-12-31", "2101-01-01",
        "0000-01-01", "9999-12-31",  "2023-1-01",   "2023-01-1",  "20230101",
        "2023/01/01", "2023-01-01 ", " 2023-01-01", "",           "2023-01-01T00:00:00Z",
        "+023-01-01", "-023-01-01",  "2023-0a-01",  "2023--1-01", "2023-01-+1",
        "2023-01- 1", "23-01-01",    "2023-001-1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(!jsonv_date_valid(bad[i]));
        if (jsonv_date_valid(bad[i]))
            fprintf(stderr, "    %s\n", bad[i]);
    }
}

/* ---- jsonv_check ---- */

struct want {
    const char *field, *message;
};

/* Checks the JSON text against spec (with prefix) and expects exactly the
 * listed errors, in order; none = valid. */
static void expect(const struct jv_spec *spec, const char *prefix, const char *text,
                   const struct want *w, int n)
{
    json_t *obj = load(text);
    struct problem pb = {0};
    problem_init(&pb);
    bool ok = jsonv_check(obj, spec, prefix, &pb);
    int failed = check_failed;
    CHECK_INT(ok, n == 0);
    CHECK_INT(pb.n_errors, n);
    CHECK_INT(pb.kind, n ? ERR_VALIDATION : ERR_NONE);
    for (int i = 0; i < n && i < pb.n_errors; i++) {
        CHECK_STR(pb.errors[i].field, w[i].field);
        CHECK_STR(pb.errors[i].message, w[i].message);
    }
    if (check_failed != failed) {
        fprintf(stderr, "    input %s\n", text);
        for (int i = 0; i < pb.n_errors; i++)
            fprintf(stderr, "    got %s: %s\n", pb.errors[i].field, pb.errors[i].message);
    }
    json_decref(obj);
}

#define VALID(spec, text) expect(&(spec), "", (text), NULL, 0)
#define ERRS(spec, text, ...)                                                                      \
    do {                                                                                           \
        static const struct want w_[] = {__VA_ARGS__};                                             \
        expect(&(spec), "", (text), w_, (int)(sizeof w_ / sizeof w_[0]));                          \
    } while (0)
#define ERR1(spec, text, field, message) ERRS(spec, text, {field, message})

/* {"title":"T","unit_id":1, ...} */
#define P(rest) "{'title':'T','unit_id':1" rest "}"

static const char full_practice[] =
    "{'title':'Budżet obywatelski','status':'published','unit_id':2147483647,"
    "'category_ids':[1,2,3],'participant_unit_ids':[4,5],'summary':'',"
    "'sections':[{'heading':'Opis','body':''},{'heading':'Efekty','body':'Dużo.'}],"
    "'implementer':{'name':'Urząd','street':'Długa 1','postal_code':'80-001',"
    "'post_office':'Gdańsk','locality':'Gdańsk','phones':['+48 58 000 00 00'],'fax':null,"
    "'websites':['https://gdansk.pl'],'email':'urzad@gdansk.pl'},"
    "'partners':['NGO'],"
    "'attachments':[{'title':'Raport','url':'https://x/r.pdf','media_type':'application/pdf',"
    "'size_bytes':1000000000000},{'title':'A','url':'u','media_type':null,'size_bytes':0}],"
    "'keywords':['budżet','partycypacja'],'entered_on':'2024-02-29','revised_on':null,"
    "'source':'ngo','external_id':'X-1',"
    "'id':5,'version':3,'created_at':'2024-01-01T00:00:00Z','updated_at':'2024-01-02T00:00:00Z',"
    "'unit':{'id':1,'name':'Gdańsk'},'categories':[{'id':1,'path':['a','b']}]";

static void test_check_practice(void)
{
    struct buf b = BUF_INIT;
    VALID(practice_create_spec, P(""));
    VALID(practice_replace_spec, P(""));
    buf_printf(&b,
               "%s,'contacts':[{'name':'Jan','role':null,'phones':['1'],"
               "'email':'jan@x.pl','public':false}]}",
               full_practice);
    VALID(practice_create_spec, buf_cstr(&b));
    buf_reset(&b);
    buf_printf(&b, "%s}", full_practice);
    VALID(practice_replace_spec, buf_cstr(&b));
    VALID(practice_create_spec, buf_cstr(&b));
    /* Nullable fields may be null. */
    VALID(practice_create_spec,
          P(",'status':null,'category_ids':null,'participant_unit_ids':null,'summary':null,"
            "'sections':null,'implementer':null,'partners':null,'attachments':null,"
            "'keywords':null,'entered_on':null,'revised_on':null,'source':null,"
            "'external_id':null,'contacts':null"));
    VALID(practice_create_spec, P(",'implementer':{},'sections':[],'contacts':[]"));

    /* Unknown fields, at every level. */
    ERR1(practice_create_spec, P(",'foo':1"), "foo", M_UNKNOWN);
    ERR1(practice_create_spec, P(",'Title':'x'"), "Title", M_UNKNOWN);
    ERR1(practice_create_spec, P(",'implementer':{'zip':'1'}"), "implementer.zip", M_UNKNOWN);
    ERR1(practice_create_spec, P(",'sections':[{'heading':'h','body':'b','x':1}]"), "sections[0].x",
         M_UNKNOWN);
    ERR1(practice_create_spec, P(",'contacts':[{'name':'n','practice':1}]"), "contacts[0].practice",
         M_UNKNOWN);

    /* Required fields. */
    ERRS(practice_create_spec, "{}", {"title", M_REQUIRED}, {"unit_id", M_REQUIRED});
    ERR1(practice_create_spec, "{'unit_id':1}", "title", M_REQUIRED);
    ERR1(practice_create_spec, "{'title':'T'}", "unit_id", M_REQUIRED);
    ERR1(practice_create_spec, "{'title':null,'unit_id':1}", "title", M_REQUIRED);
    ERR1(practice_create_spec, "{'title':'T','unit_id':null}", "unit_id", M_REQUIRED);
    ERR1(practice_create_spec, P(",'sections':[{'body':'b'}]"), "sections[0].heading", M_REQUIRED);
    ERR1(practice_create_spec, P(",'sections':[{'heading':'h','body':'b'},{'heading':'h'}]"),
         "sections[1].body", M_REQUIRED);
    ERRS(practice_create_spec, P(",'attachments':[{}]"), {"attachments[0].title", M_REQUIRED},
         {"attachments[0].url", M_REQUIRED});
    ERR1(practice_create_spec, P(",'contacts':[{'role':'r'}]"), "contacts[0].name", M_REQUIRED);

    /* Wrong types. */
    ERR1(practice_create_spec, "{'title':5,'unit_id':1}", "title", "must be a string");
    ERR1(practice_create_spec, "{'title':['T'],'unit_id':1}", "title", "must be a string");
    ERR1(practice_create_spec, "{'title':'T','unit_id':'1'}", "unit_id", "must be an integer");
    ERR1(practice_create_spec, "{'title':'T','unit_id':1.0}", "unit_id", "must be an integer");
    ERR1(practice_create_spec, "{'title':'T','unit_id':true}", "unit_id", "must be an integer");
    ERR1(practice_create_spec, P(",'status':1"), "status", "must be a string");
    ERR1(practice_create_spec, P(",'category_ids':'1,2'"), "category_ids",
         "must be an array of integers");
    ERR1(practice_create_spec, P(",'category_ids':{}"), "category_ids",
         "must be an array of integers");
    ERR1(practice_create_spec, P(",'keywords':'k'"), "keywords", "must be an array of strings");
    ERR1(practice_create_spec, P(",'keywords':['k',1]"), "keywords[1]", "must be a string");
    ERR1(practice_create_spec, P(",'sections':{}"), "sections", "must be an array of objects");
    ERR1(practice_create_spec, P(",'sections':[1]"), "sections[0]", "must be an object");
    ERR1(practice_create_spec, P(",'sections':[{'heading':1,'body':'b'}]"), "sections[0].heading",
         "must be a string");
    ERR1(practice_create_spec, P(",'implementer':'Urząd'"), "implementer", "must be an object");
    ERR1(practice_create_spec, P(",'implementer':[]"), "implementer", "must be an object");
    ERR1(practice_create_spec, P(",'implementer':{'phones':[1]}"), "implementer.phones[0]",
         "must be a string");
    ERR1(practice_create_spec, P(",'implementer':{'phones':'1'}"), "implementer.phones",
         "must be an array of strings");
    ERR1(practice_create_spec, P(",'attachments':[{'title':'t','url':'u','size_bytes':'1'}]"),
         "attachments[0].size_bytes", "must be an integer");
    ERR1(practice_create_spec, P(",'contacts':[{'name':'n','public':'yes'}]"), "contacts[0].public",
         "must be true or false");
    ERR1(practice_create_spec, P(",'contacts':{}"), "contacts", "must be an array of objects");
    ERR1(practice_create_spec, P(",'entered_on':20240101"), "entered_on", "must be a string");
    ERR1(practice_create_spec, P(",'summary':false"), "summary", "must be a string");

    /* Not nullable. */
    ERR1(practice_create_spec, P(",'keywords':[null]"), "keywords[0]", "must be a string");
    ERR1(practice_create_spec, P(",'sections':[{'heading':null,'body':'b'}]"),
         "sections[0].heading", M_REQUIRED);
    ERR1(practice_create_spec, P(",'category_ids':[null]"), "category_ids[0]",
         "must be a positive integer id");

    /* Values. */
    ERR1(practice_create_spec, "{'title':'','unit_id':1}", "title", "must not be empty");
    ERR1(practice_create_spec, "{'title':' \\t\\n\\r','unit_id':1}", "title", "must not be empty");
    ERR1(practice_create_spec, "{'title':'T','unit_id':0}", "unit_id",
         "must be from 1 to 2147483647");
    ERR1(practice_create_spec, "{'title':'T','unit_id':-5}", "unit_id",
         "must be from 1 to 2147483647");
    ERR1(practice_create_spec, "{'title':'T','unit_id':2147483648}", "unit_id",
         "must be from 1 to 2147483647");
    ERR1(practice_create_spec, P(",'status':'DRAFT'"), "status",
         "must be one of: draft, published, archived");
    ERR1(practice_create_spec, P(",'status':''"), "status",
         "must be one of: draft, published, archived");
    VALID(practice_create_spec, P(",'status':'archived'"));
    ERR1(practice_create_spec, P(",'category_ids':[1,2,1]"), "category_ids[2]",
         "repeats an earlier id");
    ERR1(practice_create_spec, P(",'category_ids':[0]"), "category_ids[0]",
         "must be a positive integer id");
    ERR1(practice_create_spec, P(",'category_ids':[-1]"), "category_ids[0]",
         "must be a positive integer id");
    ERR1(practice_create_spec, P(",'category_ids':[2147483648]"), "category_ids[0]",
         "must be a positive integer id");
    ERR1(practice_create_spec, P(",'category_ids':['1']"), "category_ids[0]",
         "must be a positive integer id");
    ERR1(practice_create_spec, P(",'participant_unit_ids':[7,8,7]"), "participant_unit_ids[2]",
         "repeats an earlier id");
    ERR1(practice_create_spec, P(",'sections':[{'heading':'','body':''}]"), "sections[0].heading",
         "must not be empty");
    ERR1(practice_create_spec, P(",'keywords':['ok','  ']"), "keywords[1]", "must not be empty");
    ERR1(practice_create_spec, P(",'attachments':[{'title':'t','url':'u','size_bytes':-1}]"),
         "attachments[0].size_bytes", "must be from 0 to 1000000000000");
    ERR1(practice_create_spec, P(",'source':''"), "source", "must not be empty");
    ERR1(practice_create_spec, P(",'external_id':' '"), "external_id", "must not be empty");
    VALID(practice_create_spec, P(",'summary':''"));

    /* Dates. */
    VALID(practice_create_spec, P(",'entered_on':'2024-02-29','revised_on':'2000-02-29'"));
    ERR1(practice_create_spec, P(",'entered_on':'2021-02-30'"), "entered_on", M_DATE);
    ERR1(practice_create_spec, P(",'entered_on':'2023-02-29'"), "entered_on", M_DATE);
    ERR1(practice_create_spec, P(",'revised_on':'2024-2-29'"), "revised_on", M_DATE);
    ERR1(practice_create_spec, P(",'revised_on':'1899-12-31'"), "revised_on", M_DATE);
    ERR1(practice_create_spec, P(",'revised_on':''"), "revised_on", M_DATE);

    /* E-mail. */
    VALID(practice_create_spec, P(",'implementer':{'email':'a@b'}"));
    ERR1(practice_create_spec, P(",'implementer':{'email':'ab'}"), "implementer.email", M_EMAIL);
    ERR1(practice_create_spec, P(",'implementer':{'email':'@b'}"), "implementer.email", M_EMAIL);
    ERR1(practice_create_spec, P(",'implementer':{'email':'a@'}"), "implementer.email", M_EMAIL);
    ERR1(practice_create_spec, P(",'implementer':{'email':'a@b@c'}"), "implementer.email", M_EMAIL);
    ERR1(practice_create_spec, P(",'implementer':{'email':'a b@c'}"), "implementer.email", M_EMAIL);
    ERR1(practice_create_spec, P(",'implementer':{'email':''}"), "implementer.email", M_EMAIL);
    ERR1(practice_create_spec, P(",'contacts':[{'name':'n','email':'nobody'}]"),
         "contacts[0].email", M_EMAIL);
    ERR1(practice_create_spec, P(",'contacts':[{'name':'n','email':3}]"), "contacts[0].email",
         "must be a string");

    /* Lengths count characters, not bytes. */
    buf_reset(&b);
    buf_puts(&b, "{'unit_id':1,'title':'");
    for (int i = 0; i < 500; i++)
        buf_puts(&b, "ą");
    buf_puts(&b, "'}");
    VALID(practice_create_spec, buf_cstr(&b));
    buf_reset(&b);
    buf_puts(&b, "{'unit_id':1,'title':'");
    for (int i = 0; i < 501; i++)
        buf_puts(&b, "a");
    buf_puts(&b, "'}");
    ERR1(practice_create_spec, buf_cstr(&b), "title", "must be at most 500 characters");

    /* Array sizes. */
    buf_reset(&b);
    buf_puts(&b, "{'unit_id':1,'title':'T','category_ids':[1");
    for (int i = 2; i <= 20; i++)
        buf_printf(&b, ",%d", i);
    buf_puts(&b, "]}");
    VALID(practice_create_spec, buf_cstr(&b));
    b.len -= 2;
    buf_puts(&b, ",21]}");
    ERR1(practice_create_spec, buf_cstr(&b), "category_ids", "must have at most 20 items");
    buf_reset(&b);
    buf_puts(&b, "{'unit_id':1,'title':'T','keywords':['k'");
    for (int i = 2; i <= 100; i++)
        buf_puts(&b, ",'k'");
    buf_puts(&b, "]}");
    VALID(practice_create_spec, buf_cstr(&b));
    b.len -= 2;
    buf_puts(&b, ",'k']}");
    ERR1(practice_create_spec, buf_cstr(&b), "keywords", "must have at most 100 items");

    /* Every error is collected, in the order of the input, then missing ones. */
    ERRS(practice_create_spec, "{'title':5,'foo':1,'sections':[{'heading':2}],'status':'x'}",
         {"title", "must be a string"}, {"foo", M_UNKNOWN},
         {"sections[0].heading", "must be a string"}, {"sections[0].body", M_REQUIRED},
         {"status", "must be one of: draft, published, archived"}, {"unit_id", M_REQUIRED});

    /* contacts: created with a practice, refused on replace, even empty or null. */
    VALID(practice_create_spec, P(",'contacts':[{'name':'Jan'}]"));
    ERR1(practice_replace_spec, P(",'contacts':[{'name':'Jan'}]"), "contacts", M_CONTACTS);
    ERR1(practice_replace_spec, P(",'contacts':[]"), "contacts", M_CONTACTS);
    ERR1(practice_replace_spec, P(",'contacts':null"), "contacts", M_CONTACTS);
    ERR1(practice_replace_spec, P(",'contacts':'x'"), "contacts", M_CONTACTS);

    /* Read-only fields are accepted whatever they hold. */
    VALID(practice_replace_spec,
          P(",'id':'x','version':[1],'created_at':{},'updated_at':false,'unit':{'id':'?'},"
            "'categories':7"));
    VALID(practice_replace_spec,
          P(",'id':null,'version':null,'created_at':null,'updated_at':null,'unit':null,"
            "'categories':null"));
    VALID(practice_create_spec, P(",'id':1,'version':1"));
    buf_free(&b);
}

static void test_check_others(void)
{
    /* Units. */
    VALID(unit_spec, "{'name':'Gdańsk','type':'gmina_miejska','voivodeship':'pomorskie',"
                     "'teryt':'2261011','county':null,'population':0,'population_year':2100,"
                     "'parent_id':2147483647,'id':1,'version':1,'created_at':'x',"
                     "'updated_at':'y'}");
    VALID(unit_spec, "{'name':'Z','type':'zwiazek_jst','teryt':null,'voivodeship':null}");
    ERRS(unit_spec, "{}", {"name", M_REQUIRED}, {"type", M_REQUIRED});
    ERR1(unit_spec, "{'name':'N','type':'gmina'}", "type",
         "must be one of: gmina_miejska, gmina_wiejska, gmina_miejsko_wiejska, "
         "miasto_na_prawach_powiatu, powiat_ziemski, wojewodztwo, zwiazek_jst");
    ERR1(unit_spec, "{'name':'N','type':'wojewodztwo','voivodeship':'Pomorskie'}", "voivodeship",
         "must be one of: dolnośląskie, kujawsko-pomorskie, lubelskie, lubuskie, łódzkie, "
         "małopolskie, mazowieckie, opolskie, podkarpackie, podlaskie, pomorskie, śląskie, "
         "świętokrzyskie, warmińsko-mazurskie, wielkopolskie, zachodniopomorskie");
    ERR1(unit_spec, "{'name':'N','type':'wojewodztwo','teryt':'12345678'}", "teryt",
         "must be at most 7 characters");
    ERR1(unit_spec, "{'name':'N','type':'wojewodztwo','teryt':''}", "teryt", "must not be empty");
    ERR1(unit_spec, "{'name':'N','type':'wojewodztwo','teryt':22}", "teryt", "must be a string");
    ERR1(unit_spec, "{'name':'N','type':'wojewodztwo','population':-1}", "population",
         "must be from 0 to 100000000");
    ERR1(unit_spec, "{'name':'N','type':'wojewodztwo','population':100000001}", "population",
         "must be from 0 to 100000000");
    ERR1(unit_spec, "{'name':'N','type':'wojewodztwo','population_year':1899}", "population_year",
         "must be from 1900 to 2100");
    ERR1(unit_spec, "{'name':'N','type':'wojewodztwo','parent_id':0}", "parent_id",
         "must be from 1 to 2147483647");
    ERR1(unit_spec, "{'name':'N','type':'wojewodztwo','gmina':'x'}", "gmina", M_UNKNOWN);
    ERR1(unit_spec, "{'name':'N','type':null}", "type", M_REQUIRED);

    /* Categories. */
    VALID(category_spec, "{'name':'Edukacja','parent_id':null,'slug':'edukacja','position':0,"
                         "'id':1,'path':['Edukacja'],'practice_count':3,'version':1,"
                         "'created_at':'x','updated_at':'y'}");
    ERR1(category_spec, "{}", "name", M_REQUIRED);
    ERR1(category_spec, "{'name':'N','position':1000001}", "position", "must be from 0 to 1000000");
    ERR1(category_spec, "{'name':'N','position':-1}", "position", "must be from 0 to 1000000");
    ERR1(category_spec, "{'name':'N','slug':''}", "slug", "must not be empty");
    ERR1(category_spec, "{'name':'N','parent_id':'1'}", "parent_id", "must be an integer");
    ERR1(category_spec, "{'name':'N','parent':1}", "parent", M_UNKNOWN);

    /* Contacts. */
    VALID(contact_spec, "{'name':'Jan','role':'wójt','phones':['1','2'],'email':'j@x.pl',"
                        "'public':true,'id':1,'practice_id':2,'version':3,'created_at':'x',"
                        "'updated_at':'y'}");
    VALID(contact_spec, "{'name':'Jan','role':null,'phones':null,'email':null,'public':null}");
    ERR1(contact_spec, "{'role':'r'}", "name", M_REQUIRED);
    ERR1(contact_spec, "{'name':'J','public':'true'}", "public", "must be true or false");
    ERR1(contact_spec, "{'name':'J','public':1}", "public", "must be true or false");
    ERR1(contact_spec, "{'name':'J','phones':['']}", "phones[0]", "must not be empty");
    ERR1(contact_spec, "{'name':'J','email':'j@x@y'}", "email", M_EMAIL);
    ERR1(contact_spec, "{'name':'J','email':'j@x\\n'}", "email", M_EMAIL);

    /* A prefix names nested paths. */
    static const struct want w[] = {{"contacts[2].name", M_REQUIRED}};
    expect(&contact_spec, "contacts[2]", "{}", w, 1);
    static const struct want w2[] = {{"a.b.foo", M_UNKNOWN}};
    expect(&contact_spec, "a.b", "{'name':'n','foo':1}", w2, 1);
}

static void test_check_problem(void)
{
    /* Errors add to a problem that already has a kind; the kind stays. */
    json_t *bad = load("{'foo':1}");
    json_t *good = load("{'name':'n'}");
    struct problem pb = {0};
    problem_init(&pb);
    problem_set(&pb, ERR_BAD_REQUEST, "earlier");
    CHECK(!jsonv_check(bad, &contact_spec, "", &pb));
    CHECK_INT(pb.kind, ERR_BAD_REQUEST);
    CHECK_STR(pb.detail, "earlier");
    CHECK_INT(pb.n_errors, 2);
    CHECK_STR(pb.errors[0].field, "foo");
    CHECK_STR(pb.errors[1].field, "name");
    /* A valid object reports true even when the problem holds earlier errors. */
    CHECK(jsonv_check(good, &contact_spec, "", &pb));
    CHECK_INT(pb.n_errors, 2);

    problem_init(&pb);
    CHECK(!jsonv_check(bad, &contact_spec, "", &pb));
    CHECK_INT(pb.kind, ERR_VALIDATION);
    CHECK_STR(pb.detail, "The request body has invalid fields.");
    CHECK_INT(error_status(pb.kind), 422);
    json_decref(bad);
    json_decref(good);

    /* More errors than fit: capped, no overflow. */
    struct buf b = BUF_INIT;
    buf_puts(&b, "{'name':'n','phones':[");
    for (int i = 0; i < 60; i++)
        buf_printf(&b, "%s''", i ? "," : "");
    buf_puts(&b, "]}");
    json_t *many = load(buf_cstr(&b));
    problem_init(&pb);
    CHECK(!jsonv_check(many, &contact_spec, "", &pb));
    CHECK_INT(pb.n_errors, PROBLEM_MAX_ERRORS);
    CHECK_STR(pb.errors[PROBLEM_MAX_ERRORS - 1].field, "phones[15]");
    json_decref(many);
    buf_free(&b);

    /* Long keys and prefixes are cut, never overflow. */
    char key[400], text[500];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    snprintf(text, sizeof text, "{'name':'n','%s':1}", key);
    json_t *longkey = load(text);
    problem_init(&pb);
    CHECK(!jsonv_check(longkey, &contact_spec, key, &pb));
    CHECK_INT(pb.n_errors, 1);
    CHECK(strlen(pb.errors[0].field) < sizeof pb.errors[0].field);
    CHECK(strncmp(pb.errors[0].field, "kkkk", 4) == 0);
    json_decref(longkey);
}

/* ---- jsonv_record ---- */

static void test_record(void)
{
    struct record rec = {0};
    json_t *in = load("{'title':'T','unit_id':7}");
    jsonv_record(in, &practice_create_spec, &rec);
    CHECK_INT(rec.n, PF__MAX);
    CHECK_STR(rec.v[PF_TITLE], "T");
    CHECK_STR(rec.v[PF_STATUS], "draft");
    CHECK_STR(rec.v[PF_UNIT_ID], "7");
    CHECK_STR(rec.v[PF_CATEGORY_IDS], "{}");
    CHECK_STR(rec.v[PF_PARTICIPANT_UNIT_IDS], "{}");
    CHECK_STR(rec.v[PF_SUMMARY], "");
    CHECK_STR(rec.v[PF_SECTIONS], "[]");
    CHECK_STR(rec.v[PF_IMPLEMENTER], NULL);
    CHECK_STR(rec.v[PF_PARTNERS], "[]");
    CHECK_STR(rec.v[PF_ATTACHMENTS], "[]");
    CHECK_STR(rec.v[PF_KEYWORDS], "[]");
    CHECK_STR(rec.v[PF_ENTERED_ON], NULL);
    CHECK_STR(rec.v[PF_REVISED_ON], NULL);
    CHECK_STR(rec.v[PF_SOURCE], NULL);
    CHECK_STR(rec.v[PF_EXTERNAL_ID], NULL);
    CHECK_STR(rec.v[PF_CONTACTS], "[]");
    for (int i = PF_ID; i < PF__MAX; i++)
        CHECK_STR(rec.v[i], NULL);
    record_cleanup(&rec);
    CHECK_INT(rec.n, 0);
    record_cleanup(&rec); /* twice is safe */
    json_decref(in);

    /* Null is the same as absent. */
    in = load("{'title':'T','unit_id':7,'status':null,'category_ids':null,'summary':null,"
              "'sections':null,'implementer':null,'revised_on':null,'contacts':null}");
    jsonv_record(in, &practice_create_spec, &rec);
    CHECK_STR(rec.v[PF_STATUS], "draft");
    CHECK_STR(rec.v[PF_CATEGORY_IDS], "{}");
    CHECK_STR(rec.v[PF_SUMMARY], "");
    CHECK_STR(rec.v[PF_SECTIONS], "[]");
    CHECK_STR(rec.v[PF_IMPLEMENTER], NULL);
    CHECK_STR(rec.v[PF_REVISED_ON], NULL);
    CHECK_STR(rec.v[PF_CONTACTS], "[]");
    record_cleanup(&rec);
    json_decref(in);

    /* Given values: text, integers, int arrays as PostgreSQL arrays, the rest as JSON. */
    in = load("{'title':'Łódź \\'x','unit_id':2147483647,'status':'published',"
              "'category_ids':[3,1,2],'participant_unit_ids':[],'summary':'S',"
              "'sections':[{'heading':'h','body':'b'}],'implementer':{'name':'n','phones':[]},"
              "'partners':['a','ż'],'keywords':['k'],"
              "'attachments':[{'title':'t','url':'u','size_bytes':1000000000000}],"
              "'entered_on':'2024-02-29','revised_on':'2024-03-01','source':'src',"
              "'external_id':'e1','id':99,'version':4,'unit':{'id':7},'categories':[]}");
    jsonv_record(in, &practice_replace_spec, &rec);
    CHECK_INT(rec.n, PF__MAX);
    CHECK_STR(rec.v[PF_TITLE], "Łódź \"x");
    CHECK_STR(rec.v[PF_UNIT_ID], "2147483647");
    CHECK_STR(rec.v[PF_STATUS], "published");
    CHECK_STR(rec.v[PF_CATEGORY_IDS], "{3,1,2}");
    CHECK_STR(rec.v[PF_PARTICIPANT_UNIT_IDS], "{}");
    CHECK_STR(rec.v[PF_SUMMARY], "S");
    CHECK_STR(rec.v[PF_SECTIONS], "[{\"heading\":\"h\",\"body\":\"b\"}]");
    CHECK_STR(rec.v[PF_IMPLEMENTER], "{\"name\":\"n\",\"phones\":[]}");
    CHECK_STR(rec.v[PF_PARTNERS], "[\"a\",\"ż\"]");
    CHECK_STR(rec.v[PF_KEYWORDS], "[\"k\"]");
    CHECK_STR(rec.v[PF_ATTACHMENTS],
              "[{\"title\":\"t\",\"url\":\"u\",\"size_bytes\":1000000000000}]");
    CHECK_STR(rec.v[PF_ENTERED_ON], "2024-02-29");
    CHECK_STR(rec.v[PF_REVISED_ON], "2024-03-01");
    CHECK_STR(rec.v[PF_SOURCE], "src");
    CHECK_STR(rec.v[PF_EXTERNAL_ID], "e1");
    CHECK_STR(rec.v[PF_CONTACTS], NULL);
    CHECK_STR(rec.v[PF_ID], NULL);
    CHECK_STR(rec.v[PF_VERSION], NULL);
    CHECK_STR(rec.v[PF_UNIT], NULL);
    CHECK_STR(rec.v[PF_CATEGORIES], NULL);
    record_cleanup(&rec);
    json_decref(in);

    in = load("{'name':'J','public':false,'phones':['1','2'],'email':'j@x'}");
    jsonv_record(in, &contact_spec, &rec);
    CHECK_INT(rec.n, KF__MAX);
    CHECK_STR(rec.v[KF_NAME], "J");
    CHECK_STR(rec.v[KF_ROLE], NULL);
    CHECK_STR(rec.v[KF_PHONES], "[\"1\",\"2\"]");
    CHECK_STR(rec.v[KF_EMAIL], "j@x");
    CHECK_STR(rec.v[KF_PUBLIC], "false");
    record_cleanup(&rec);
    json_decref(in);
    in = load("{'name':'J','public':true}");
    jsonv_record(in, &contact_spec, &rec);
    CHECK_STR(rec.v[KF_PUBLIC], "true");
    CHECK_STR(rec.v[KF_PHONES], "[]");
    record_cleanup(&rec);
    json_decref(in);
    in = load("{'name':'J'}");
    jsonv_record(in, &contact_spec, &rec);
    CHECK_STR(rec.v[KF_PUBLIC], "true");
    record_cleanup(&rec);
    json_decref(in);

    in = load("{'name':'C','position':12,'parent_id':3}");
    jsonv_record(in, &category_spec, &rec);
    CHECK_INT(rec.n, CF__MAX);
    CHECK_STR(rec.v[CF_NAME], "C");
    CHECK_STR(rec.v[CF_POSITION], "12");
    CHECK_STR(rec.v[CF_PARENT_ID], "3");
    CHECK_STR(rec.v[CF_SLUG], NULL);
    record_cleanup(&rec);
    json_decref(in);
    in = load("{'name':'C'}");
    jsonv_record(in, &category_spec, &rec);
    CHECK_STR(rec.v[CF_POSITION], "0");
    CHECK_STR(rec.v[CF_PARENT_ID], NULL);
    record_cleanup(&rec);
    json_decref(in);

    in = load("{'name':'U','type':'wojewodztwo','teryt':'22','population':-0}");
    jsonv_record(in, &unit_spec, &rec);
    CHECK_INT(rec.n, UF__MAX);
    CHECK_STR(rec.v[UF_TERYT], "22");
    CHECK_STR(rec.v[UF_TYPE], "wojewodztwo");
    CHECK_STR(rec.v[UF_VOIVODESHIP], NULL);
    CHECK_STR(rec.v[UF_POPULATION], "0");
    record_cleanup(&rec);
    json_decref(in);

    struct record zero = {0};
    record_cleanup(&zero);
    CHECK_INT(zero.n, 0);
}

/* ---- jsonv_merge_patch: RFC 7396, Appendix A ---- */

static void test_merge_patch(void)
{
    static const char *const table[][3] = {
        /* original, patch, result */
        {"{'a':'b'}", "{'a':'c'}", "{'a':'c'}"},
        {"{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}"},
        {"{'a':'b'}", "{'a':null}", "{}"},
        {"{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}"},
        {"{'a':['b']}", "{'a':'c'}", "{'a':'c'}"},
        {"{'a':'c'}", "{'a':['b']}", "{'a':['b']}"},
        {"{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}"},
        {"{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}"},
        {"['a','b']", "['c','d']", "['c','d']"},
        {"{'a':'b'}", "['c']", "['c']"},
        {"{'a':'foo'}", "null", "null"},
        {"{'a':'foo'}", "'bar'", "'bar'"},
        {"{'e':null}", "{'a':1}", "{'e':null,'a':1}"},
        {"[1,2]", "{'a':'b','c':null}", "{'a':'b'}"},
        {"{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}"},
        /* And a few more. */
        {"{'a':1}", "{}", "{'a':1}"},
        {"{'a':{'b':1,'c':2}}", "{'a':{'c':3,'d':4}}", "{'a':{'b':1,'c':3,'d':4}}"},
        {"{'a':{'b':1}}", "{'a':null,'z':null}", "{}"},
        {"'x'", "{'a':{'b':null}}", "{'a':{}}"},
        {"{'a':1}", "{'a':{'b':{'c':2}}}", "{'a':{'b':{'c':2}}}"},
        {"{'title':'T','status':'draft','keywords':['a']}",
         "{'status':'published','keywords':null}", "{'title':'T','status':'published'}"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        json_t *target = load(table[i][0]);
        json_t *patch = load(table[i][1]);
        json_t *want = load(table[i][2]);
        json_t *target_copy = json_deep_copy(target);
        json_t *patch_copy = json_deep_copy(patch);
        json_t *got = jsonv_merge_patch(target, patch);
        bool ok = json_equal(got, want);
        CHECK(ok);
        if (!ok) {
            char *s = json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT);
            fprintf(stderr, "    %s + %s = %s\n", table[i][0], table[i][1], s ? s : "NULL");
            free(s);
        }
        /* Target and patch are borrowed: unchanged. */
        CHECK(json_equal(target, target_copy));
        CHECK(json_equal(patch, patch_copy));
        json_decref(got);
        json_decref(target);
        json_decref(patch);
        json_decref(want);
        json_decref(target_copy);
        json_decref(patch_copy);
    }
    /* A NULL target (absent) is like a non-object. */
    json_t *patch = load("{'a':{'b':null,'c':1}}");
    json_t *got = jsonv_merge_patch(NULL, patch);
    json_t *want = load("{'a':{'c':1}}");
    CHECK(json_equal(got, want));
    json_decref(got);
    json_decref(want);
    json_decref(patch);
}

int main(void)
{
    json_set_alloc_funcs(xmalloc, free);
    test_parse();
    test_utf8();
    test_date();
    test_check_practice();
    test_check_others();
    test_check_problem();
    test_record();
    test_merge_patch();
    return check_report();
}
