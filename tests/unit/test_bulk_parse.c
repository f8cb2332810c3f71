/* Bulk bodies: every format fed whole, a byte at a time and in random
 * chunks gives the same records; bad records, body errors, the record
 * limit, bounded memory, and the TERC register to units. */
#include "bdp/buf.h"
#include "bdp/bulk_parse.h"
#include "bdp/practice_json.h"
#include "bdp/terc.h"
#include "bdp/teryt.h"
#include "bdp/unit_json.h"

#include "check.h"

#include <jansson.h>
#include <stdlib.h>

#ifndef BDP_SOURCE_ROOT
#define BDP_SOURCE_ROOT "."
#endif

static const struct bulk_column cols[] = {
    {"title", BULK_COL_STRING},      {"unit_id", BULK_COL_INT},    {"keywords", BULK_COL_STRINGS},
    {"category_ids", BULK_COL_INTS}, {"published", BULK_COL_BOOL}, {"entered_on", BULK_COL_DATE},
    {NULL, BULK_COL_STRING},
};

struct log {
    struct buf out;
    int stop_after; /* stop at this record (0: never) */
    int n;
};

/* Writes one line a record: "LINE {json}" or "LINE ERR field: why". */
static bool record(void *ctx, json_t *rec, long line, const char *field, const char *why)
{
    struct log *log = ctx;
    if (rec) {
        char *s = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
        buf_printf(&log->out, "%ld %s\n", line, s);
        free(s);
        json_decref(rec);
    } else {
        buf_printf(&log->out, "%ld ERR %s: %s\n", line, field ? field : "-", why);
    }
    return ++log->n != log->stop_after;
}

/* Parses body fed in chunks: 0 = whole, 1 = a byte at a time, k = random
 * sizes 1..k. The transcript ends "END", "STOP" or "BODY <error>". New. */
static char *run(enum bulk_format f, const char *body, size_t len, size_t chunk, size_t max,
                 int stop_after, enum bulk_format *used)
{
    struct log log = {BUF_INIT, stop_after, 0};
    struct bulk_parser *p = bulk_parser_new(f, cols, record, &log);
    if (max)
        bulk_parser_set_max_record(p, max);
    unsigned seed = (unsigned)chunk * 7919u;
    bool ok = true;
    for (size_t i = 0; ok && i < len;) {
        seed = seed * 1103515245u + 12345u;
        size_t n = chunk == 0 ? len : chunk == 1 ? 1 : 1 + (seed >> 16) % chunk;
        if (n > len - i)
            n = len - i;
        ok = bulk_parser_feed(p, body + i, n);
        i += n;
    }
    if (ok)
        ok = bulk_parser_end(p);
    const char *err = bulk_parser_error(p);
    CHECK(!ok || !err);
    if (ok)
        buf_puts(&log.out, "END\n");
    else if (err)
        buf_printf(&log.out, "BODY %s\n", err);
    else
        buf_puts(&log.out, "STOP\n");
    if (used)
        *used = bulk_parser_format(p);
    CHECK(!bulk_parser_feed(p, "x", 1)); /* nothing after the end */
    bulk_parser_free(p);
    return log.out.p;
}

/* The same transcript, want, however body is cut. */
static void expect(const char *name, enum bulk_format f, const char *body, size_t len,
                   const char *want)
{
    static const size_t chunks[] = {0, 1, 2, 7, 64};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        char *got = run(f, body, len, chunks[i], 0, 0, NULL);
        bool ok = strcmp(got, want) == 0;
        check_result(ok, __FILE__, __LINE__, name);
        if (!ok)
            fprintf(stderr, "    chunk %zu\n--- got\n%s--- want\n%s", chunks[i], got, want);
        free(got);
    }
}

static const struct {
    const char *name;
    enum bulk_format f;
    const char *body, *want;
} cases[] = {
    /* NDJSON */
    {"ndjson", BULK_NDJSON, "{\"a\":1}\n{\"b\":\"x\"}\n", "1 {\"a\":1}\n2 {\"b\":\"x\"}\nEND\n"},
    {"ndjson bad line in the middle", BULK_NDJSON, "{\"a\":1}\n{\"a\":\n{\"c\":[3]}\n",
     "1 {\"a\":1}\n2 ERR -: is not valid JSON: unexpected token near end of file\n"
     "3 {\"c\":[3]}\nEND\n"},
    {"ndjson not objects", BULK_NDJSON, "[1]\n\"s\"\n3\n{}\n",
     "1 ERR -: is not a JSON object\n2 ERR -: is not a JSON object\n"
     "3 ERR -: is not a JSON object\n4 {}\nEND\n"},
    {"ndjson blank lines, CRLF, trailing spaces", BULK_NDJSON,
     "\r\n{\"a\":1}\r\n   \r\n\t\n{\"b\":2}  \t\r\n\r\n\n", "2 {\"a\":1}\n5 {\"b\":2}\nEND\n"},
    {"ndjson last line without newline, BOM", BULK_NDJSON, "\xEF\xBB\xBF{\"a\":1}\n{\"b\":2}",
     "1 {\"a\":1}\n2 {\"b\":2}\nEND\n"},
    {"ndjson duplicate key", BULK_NDJSON, "{\"a\":1,\"a\":2}\n",
     "1 ERR -: is not valid JSON: duplicate object key near '\"a\"'\nEND\n"},
    {"ndjson two objects on a line", BULK_NDJSON, "{\"a\":1} {\"b\":2}\n",
     "1 ERR -: is not valid JSON: end of file expected near '{'\nEND\n"},
    {"ndjson invalid UTF-8", BULK_NDJSON, "{\"a\":\"\xC5\"}\n{\"a\":\"\xC5\x81\"}\n",
     "1 ERR -: is not valid JSON: unable to decode byte 0xc5 near '\"'\n"
     "2 {\"a\":\"\xC5\x81\"}\nEND\n"},
    {"ndjson a BOM that is not one", BULK_NDJSON, "\xEF\xBB{}\n{}\n",
     "1 ERR -: is not valid JSON: unable to decode byte 0xef\n2 {}\nEND\n"},
    {"ndjson too deep", BULK_NDJSON,
     "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n"
     "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n",
     "1 ERR -: nests arrays and objects deeper than 32\n"
     "2 {\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\nEND\n"},
    {"ndjson empty", BULK_NDJSON, "", "END\n"},
    {"ndjson only blanks", BULK_NDJSON, "\n \r\n", "END\n"},

    /* JSON array */
    {"array", BULK_JSON_ARRAY, "[{\"a\":1},{\"b\":[1,2,{\"c\":\"]\"}]}]",
     "1 {\"a\":1}\n2 {\"b\":[1,2,{\"c\":\"]\"}]}\nEND\n"},
    {"array strings with brackets and escapes", BULK_JSON_ARRAY,
     "[ {\"s\":\"a \\\" ] , [ {\"} , {\"t\":\"\\\\\",\"u\":\"}\\\\\\\"\"} ]",
     "1 {\"s\":\"a \\\" ] , [ {\"}\n2 {\"t\":\"\\\\\",\"u\":\"}\\\\\\\"\"}\nEND\n"},
    {"array whitespace and BOM", BULK_JSON_ARRAY,
     "\xEF\xBB\xBF \r\n [ \n {\"a\":1} \n , \n\t{\"b\":2}\n]\n \n",
     "1 {\"a\":1}\n2 {\"b\":2}\nEND\n"},
    {"array elements that are not objects", BULK_JSON_ARRAY,
     "[1, \"x,]\", [2,[3]], null, {\"a\":1}, {\"a\" 1}, {\"b\":}]",
     "1 ERR -: is not a JSON object\n2 ERR -: is not a JSON object\n"
     "3 ERR -: is not a JSON object\n4 ERR -: is not a JSON object\n5 {\"a\":1}\n"
     "6 ERR -: is not valid JSON: ':' expected near '1'\n"
     "7 ERR -: is not valid JSON: unexpected token near '}'\nEND\n"},
    {"array element over lines", BULK_JSON_ARRAY, "[{\"a\":1,\n\"a\":2}]",
     "1 ERR -: is not valid JSON: duplicate object key near '\"a\"'\nEND\n"},
    {"array empty", BULK_JSON_ARRAY, " [ ] ", "END\n"},
    {"array truncated in an element", BULK_JSON_ARRAY, "[{\"a\":1}, {\"b\":",
     "1 {\"a\":1}\nBODY The body ends before the JSON array does: ']' is missing.\n"},
    {"array truncated in a string", BULK_JSON_ARRAY, "[{\"a\":\"]}",
     "BODY The body ends before the JSON array does: ']' is missing.\n"},
    {"array not closed", BULK_JSON_ARRAY, "[{\"a\":1}",
     "BODY The body ends before the JSON array does: ']' is missing.\n"},
    {"array not an array", BULK_JSON_ARRAY, "{\"a\":1}",
     "BODY The body is not a JSON array: it does not start with '['.\n"},
    {"array empty body", BULK_JSON_ARRAY, " \n",
     "BODY The body is empty; a JSON array is needed.\n"},
    {"array text after", BULK_JSON_ARRAY, "[{\"a\":1}]\n[",
     "1 {\"a\":1}\nBODY The body goes on after the JSON array has ended (line 2).\n"},
    {"array trailing comma", BULK_JSON_ARRAY, "[{\"a\":1},\n]",
     "1 {\"a\":1}\nBODY The JSON array has an empty element at position 2 (line 2).\n"},
    {"array leading comma", BULK_JSON_ARRAY, "[,{}]",
     "BODY The JSON array has an empty element at position 1 (line 1).\n"},
    {"array stray brace", BULK_JSON_ARRAY, "[{}}, {}]",
     "BODY The JSON array has a '}' that closes nothing (line 1).\n"},

    /* CSV */
    {"csv quoting", BULK_CSV,
     "title,unit_id,keywords\n\"Hello, world\",5,a|b| c \n\"She said \"\"hi\"\"\",6,\n"
     "\"multi\nline\",7,x\nplain,8,\"p|q,r\"\n",
     "2 {\"keywords\":[\"a\",\"b\",\"c\"],\"title\":\"Hello, world\",\"unit_id\":5}\n"
     "3 {\"keywords\":[],\"title\":\"She said \\\"hi\\\"\",\"unit_id\":6}\n"
     "4 {\"keywords\":[\"x\"],\"title\":\"multi\\nline\",\"unit_id\":7}\n"
     "6 {\"keywords\":[\"p\",\"q,r\"],\"title\":\"plain\",\"unit_id\":8}\nEND\n"},
    {"csv CRLF, BOM, empty fields, types", BULK_CSV,
     "\xEF\xBB\xBF title ,category_ids,published,entered_on,unit_id\r\n"
     "a,1|2| 3,true,2024-01-31,-4\r\n"
     ",,,,\r\n"
     "\"\",\"\",FALSE,,+7\r\n"
     "\"x\r\ny\",42,0, ,\r\n"
     "c,, 1 ,,\r\n",
     "2 {\"category_ids\":[1,2,3],\"entered_on\":\"2024-01-31\",\"published\":true,\"title\":"
     "\"a\",\"unit_id\":-4}\n"
     "3 {\"category_ids\":[]}\n"
     "4 {\"category_ids\":[],\"published\":false,\"unit_id\":7}\n"
     "5 {\"category_ids\":[42],\"entered_on\":\" \",\"published\":false,\"title\":\"x\\r\\ny\"}\n"
     "7 {\"category_ids\":[],\"published\":true,\"title\":\"c\"}\nEND\n"},
    {"csv bad values", BULK_CSV,
     "title,unit_id,category_ids,published\n"
     "a,12x,,\nb,,1|x,\nc,99999999999999999999,,\nd,,,yes\ne,,1||2,\nf,0x10,,\ng,,,\n",
     "2 ERR unit_id: is not an integer\n"
     "3 ERR category_ids: is not a list of integers joined by '|'\n"
     "4 ERR unit_id: is not an integer\n5 ERR published: is not true or false\n"
     "6 ERR category_ids: is not a list of integers joined by '|'\n"
     "7 ERR unit_id: is not an integer\n8 {\"category_ids\":[],\"title\":\"g\"}\nEND\n"},
    {"csv field counts", BULK_CSV, "title,unit_id,keywords\na,1\nb,2,x,y\nc\n\"d\"\n\"\"\nok,3,\n",
     "2 ERR -: has 2 fields, the header has 3\n3 ERR -: has 4 fields, the header has 3\n"
     "4 ERR -: has 1 field, the header has 3\n5 ERR -: has 1 field, the header has 3\n"
     "6 ERR -: has 1 field, the header has 3\n7 {\"keywords\":[],\"title\":\"ok\",\"unit_id\":3}\n"
     "END\n"},
    {"csv blank lines, no newline at the end", BULK_CSV, "\n\ntitle\n\na\n\r\n\"b\"",
     "5 {\"title\":\"a\"}\n7 {\"title\":\"b\"}\nEND\n"},
    {"csv text after a closing quote, bare CR", BULK_CSV, "title,unit_id\n\"a\"b,1\nx\ry,2\n",
     "2 ERR title: has text after its closing quote\n3 {\"title\":\"x\\ry\",\"unit_id\":2}\nEND\n"},
    {"csv text after a closing quote: a bare CR", BULK_CSV, "title,unit_id\n\"a\"\rb,1\n\"c\",2\r",
     "2 ERR title: has text after its closing quote\n3 {\"title\":\"c\",\"unit_id\":2}\nEND\n"},
    {"csv header with text after a closing quote", BULK_CSV, "\"title\"x,unit_id\n",
     "BODY The header line has text after a closing quote.\n"},
    {"csv quote inside an unquoted field", BULK_CSV, "title\n5\"\n",
     "2 {\"title\":\"5\\\"\"}\nEND\n"},
    {"csv invalid UTF-8", BULK_CSV, "title,unit_id\n\xC5,1\n\xC5\x81,2\n",
     "2 ERR title: is not valid UTF-8\n3 {\"title\":\"\xC5\x81\",\"unit_id\":2}\nEND\n"},
    {"csv semicolons", BULK_CSV, "\"title\";unit_id\n\"a;b\";3\n",
     "2 {\"title\":\"a;b\",\"unit_id\":3}\nEND\n"},
    {"csv unknown column", BULK_CSV, "title,colour\na,b\n",
     "BODY The CSV header names an unknown column \"colour\".\n"},
    {"csv TERC header is no CSV header", BULK_CSV, "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n",
     "BODY The CSV header names an unknown column \"WOJ\".\n"},
    {"csv column twice", BULK_CSV, "title,unit_id,title\n",
     "BODY The CSV header names the column \"title\" twice.\n"},
    {"csv column without a name", BULK_CSV, "title,,unit_id\n",
     "BODY Column 2 of the CSV header has no name.\n"},
    {"csv more columns than the table", BULK_CSV,
     "title,unit_id,keywords,category_ids,published,entered_on,x,y,z\n",
     "BODY The CSV header names an unknown column \"x\".\n"},
    {"csv semicolon header, more columns than the table", BULK_CSV,
     "title;unit_id;keywords;category_ids;published;entered_on;x;y;z;w\n",
     "BODY The CSV header names an unknown column \"x\".\n"},
    {"csv unterminated quote", BULK_CSV, "title,unit_id\na,1\n\"b\n,2\n",
     "2 {\"title\":\"a\",\"unit_id\":1}\n"
     "BODY The body ends inside a quoted field of the record from line 3.\n"},
    {"csv no header", BULK_CSV, "\r\n\n", "BODY The body has no header line.\n"},
    {"csv header only", BULK_CSV, "title,unit_id\r\n", "END\n"},

    /* TERC */
    {"terc bad rows", BULK_TERC,
     "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n"
     "03;;;;X;województwo;2024-01-01\n"
     "2;;;;X;województwo;2024-01-01\n"
     "02;1;;;x;powiat;2024-01-01\n"
     "02;01;1;;x;gmina;2024-01-01\n"
     "02;01;01;;x;gmina;2024-01-01\n"
     "02;;01;1;x;gmina;2024-01-01\n"
     "02;01;;1;x;gmina;2024-01-01\n"
     "02;01;01;7;x;gmina;2024-01-01\n"
     "02;01;01;1; ;gmina miejska;2024-01-01\n"
     "02;01;;;x;powiat grodzki;2024-01-01\n"
     "02;01;;;x;powiat\n"
     "02;01;01;1;Y;gmina miejska;2024-01-01\n",
     "2 ERR WOJ: is not a voivodeship code (02, 04, ... 32)\n3 ERR WOJ: is not 2 digits\n"
     "4 ERR POW: is neither empty nor 2 digits\n5 ERR GMI: is neither empty nor 2 digits\n"
     "6 ERR RODZ: is empty on a row with GMI\n7 ERR POW: is empty on a row with GMI\n"
     "8 ERR RODZ: is set on a row without GMI\n9 ERR RODZ: is not a kind of gmina (1-5, 8 or 9)\n"
     "10 ERR NAZWA: is empty\n"
     "11 ERR NAZWA_DOD: is not \"powiat\" or \"miasto na prawach powiatu\"\n"
     "12 ERR -: has 6 fields, the header has 7\n"
     "13 "
     "{\"name\":\"Y\",\"parent_teryt\":\"0201\",\"teryt\":\"0201011\",\"type\":\"gmina_miejska\","
     "\"voivodeship\":\"dolnośląskie\"}\nEND\n"},
    {"terc quoted, CRLF", BULK_TERC,
     "\"WOJ\";\"POW\";\"GMI\";\"RODZ\";\"NAZWA\";\"NAZWA_DOD\";\"STAN_NA\"\r\n"
     "\"32\";\"\";\"\";\"\";\"ZACHODNIOPOMORSKIE\";\"województwo\";\"2024-01-01\"\r\n",
     "2 {\"name\":\"zachodniopomorskie\",\"teryt\":\"32\",\"type\":\"wojewodztwo\","
     "\"voivodeship\":\"zachodniopomorskie\"}\nEND\n"},
    {"terc header wanted", BULK_TERC, "title\na\n",
     "BODY The body is not a TERC file: its header is not "
     "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA.\n"},
    {"csv or terc: csv", BULK_CSV_OR_TERC, "title\na\n", "2 {\"title\":\"a\"}\nEND\n"},
    {"csv or terc: terc", BULK_CSV_OR_TERC,
     "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n10;;;;ŁÓDZKIE;województwo;2024-01-01\n",
     "2 {\"name\":\"łódzkie\",\"teryt\":\"10\",\"type\":\"wojewodztwo\","
     "\"voivodeship\":\"łódzkie\"}\nEND\n"},
};

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect(cases[i].name, cases[i].f, cases[i].body, strlen(cases[i].body), cases[i].want);
    /* A NUL byte: jansson refuses it, CSV names the field. */
    expect("ndjson NUL", BULK_NDJSON, "{\"a\":\"\0\"}\n{}\n", 12,
           "1 ERR -: is not valid JSON: control character 0x0 near '\"'\n2 {}\nEND\n");
    expect("csv NUL", BULK_CSV, "title,unit_id\na\0b,1\n", 20,
           "2 ERR title: holds a NUL byte\nEND\n");
}

/* A record over the limit is reported where it starts; the next ones come. */
static void test_limit(void)
{
    static const struct {
        enum bulk_format f;
        const char *body, *want;
    } limit[] = {
        {BULK_NDJSON, "{\"a\":1}\n{\"a\":\"0123456789012345678901234567890\"}\n{\"b\":2}\n",
         "1 {\"a\":1}\n2 ERR -: is longer than 32 bytes\n3 {\"b\":2}\nEND\n"},
        {BULK_NDJSON, "{\"a\":\"0123456789012345678901234567890\"}",
         "1 ERR -: is longer than 32 bytes\nEND\n"},
        {BULK_JSON_ARRAY, "[{\"a\":1},{\"a\":\"0123456789012345678901234567890\"},{\"b\":2}]",
         "1 {\"a\":1}\n2 ERR -: is longer than 32 bytes\n3 {\"b\":2}\nEND\n"},
        {BULK_CSV, "title,unit_id\na,1\n0123456789012345678901234567890123,2\nb,3\n",
         "2 {\"title\":\"a\",\"unit_id\":1}\n3 ERR -: is longer than 32 bytes\n"
         "4 {\"title\":\"b\",\"unit_id\":3}\nEND\n"},
        /* A runaway quote: the parser goes on at the next line. */
        {BULK_CSV, "title\n\"0123456789\n0123456789\n0123456789\n0123456789\nb\n",
         "2 ERR -: is longer than 32 bytes\n6 {\"title\":\"b\"}\nEND\n"},
        {BULK_CSV, "title,unit_id,keywords,category_ids,published\n",
         "BODY The header line is longer than 32 bytes.\n"},
    };
    static const size_t chunks[] = {0, 1, 5};
    for (size_t i = 0; i < sizeof limit / sizeof limit[0]; i++) {
        for (size_t c = 0; c < 3; c++) {
            char *got =
                run(limit[i].f, limit[i].body, strlen(limit[i].body), chunks[c], 32, 0, NULL);
            CHECK_STR(got, limit[i].want);
            free(got);
        }
    }
}

static bool count(void *ctx, json_t *rec, long line, const char *field, const char *why)
{
    struct log *log = ctx;
    log->n += rec != NULL;
    json_decref(rec);
    return true;
}

/* A body of 100,000 records fed in 64 KiB chunks leaves the parser holding
 * a few KiB: memory follows the record, not the body. */
static void test_memory(void)
{
    static const struct {
        enum bulk_format f;
        const char *head, *rec, *sep, *tail;
    } big[] = {
        {BULK_NDJSON, "", "{\"title\":\"abcdefghij\",\"unit_id\":12345}", "\n", ""},
        {BULK_JSON_ARRAY, "[", "{\"title\":\"abcdefghij\",\"unit_id\":12345}", ",", "{}]"},
        {BULK_CSV, "title,unit_id,keywords\n", "\"abc,\"\"def\"\"\",12345,a|b|c", "\r\n", ""},
    };
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        struct log log = {BUF_INIT, 0, 0};
        struct bulk_parser *p = bulk_parser_new(big[i].f, cols, count, &log);
        struct buf chunk = BUF_INIT;
        size_t most = 0, fed = 0;
        bool ok = bulk_parser_feed(p, big[i].head, strlen(big[i].head));
        for (int n = 0; ok && n < 100000; n++) {
            buf_puts(&chunk, big[i].rec);
            buf_puts(&chunk, big[i].sep);
            if (chunk.len >= 65536 || n == 99999) {
                ok = bulk_parser_feed(p, chunk.p, chunk.len);
                fed += chunk.len;
                buf_reset(&chunk);
                if (bulk_parser_held(p) > most)
                    most = bulk_parser_held(p);
            }
        }
        CHECK(ok && bulk_parser_feed(p, big[i].tail, strlen(big[i].tail)) && bulk_parser_end(p));
        CHECK_INT(log.n, 100000 + (big[i].f == BULK_JSON_ARRAY));
        CHECK(fed > 2500000);
        CHECK(most < 4096);
        if (most >= 4096)
            fprintf(stderr, "    format %d held %zu bytes\n", big[i].f, most);
        buf_free(&chunk);
        buf_free(&log.out);
        bulk_parser_free(p);
    }
}

/* The callback stops the parse: no more records, no body error. */
static void test_stop(void)
{
    static const enum bulk_format fs[] = {BULK_NDJSON, BULK_JSON_ARRAY, BULK_CSV};
    static const char *const bodies[] = {"{}\n{}\n{}\n", "[{},{},{}]", "title\na\nb\nc\n"};
    static const char *const wants[] = {"1 {}\n2 {}\nSTOP\n", "1 {}\n2 {}\nSTOP\n",
                                        "2 {\"title\":\"a\"}\n3 {\"title\":\"b\"}\nSTOP\n"};
    for (int i = 0; i < 3; i++) {
        for (size_t chunk = 0; chunk < 2; chunk++) {
            char *got = run(fs[i], bodies[i], strlen(bodies[i]), chunk, 0, 2, NULL);
            CHECK_STR(got, wants[i]);
            free(got);
        }
    }
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct buf b = BUF_INIT;
    char tmp[4096];
    size_t n;
    while (f && (n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_append(&b, tmp, n);
    if (f)
        fclose(f);
    *len = b.len;
    return b.p;
}

static const struct {
    long line;
    const char *type, *teryt, *name, *voivodeship, *county, *parent;
} terc_units[] = {
    {2, "wojewodztwo", "02", "dolnośląskie", "dolnośląskie", NULL, NULL},
    {3, "powiat_ziemski", "0201", "bolesławiecki", "dolnośląskie", "bolesławiecki", "02"},
    {4, "gmina_miejska", "0201011", "Bolesławiec", "dolnośląskie", "bolesławiecki", "0201"},
    {5, "gmina_wiejska", "0201022", "Bolesławiec", "dolnośląskie", "bolesławiecki", "0201"},
    {6, "gmina_wiejska", "0201032", "Gromadka", "dolnośląskie", "bolesławiecki", "0201"},
    {7, "gmina_miejsko_wiejska", "0201043", "Nowogrodziec", "dolnośląskie", "bolesławiecki",
     "0201"},
    {10, "gmina_wiejska", "0201052", "Osiecznica", "dolnośląskie", "bolesławiecki", "0201"},
    {11, "gmina_wiejska", "0201062", "Warta Bolesławiecka", "dolnośląskie", "bolesławiecki",
     "0201"},
    {12, "powiat_ziemski", "0202", "dzierżoniowski", "dolnośląskie", "dzierżoniowski", "02"},
    {13, "gmina_miejska", "0202011", "Bielawa", "dolnośląskie", "dzierżoniowski", "0202"},
    {14, "gmina_miejska", "0202021", "Dzierżoniów", "dolnośląskie", "dzierżoniowski", "0202"},
    {15, "gmina_wiejska", "0202032", "Dzierżoniów", "dolnośląskie", "dzierżoniowski", "0202"},
    {16, "gmina_miejsko_wiejska", "0202043", "Niemcza", "dolnośląskie", "dzierżoniowski", "0202"},
    {19, "gmina_miejska", "0202051", "Piława Górna", "dolnośląskie", "dzierżoniowski", "0202"},
    {20, "miasto_na_prawach_powiatu", "0264", "Wrocław", "dolnośląskie", "Wrocław", "02"},
    {21, "gmina_miejska", "0264011", "Wrocław", "dolnośląskie", "Wrocław", "0264"},
    {27, "wojewodztwo", "12", "małopolskie", "małopolskie", NULL, NULL},
    {28, "powiat_ziemski", "1201", "bocheński", "małopolskie", "bocheński", "12"},
    {29, "gmina_miejska", "1201011", "Bochnia", "małopolskie", "bocheński", "1201"},
    {30, "gmina_wiejska", "1201022", "Bochnia", "małopolskie", "bocheński", "1201"},
    {31, "gmina_wiejska", "1201032", "Drwinia", "małopolskie", "bocheński", "1201"},
    {32, "gmina_wiejska", "1201042", "Lipnica Murowana", "małopolskie", "bocheński", "1201"},
    {33, "gmina_wiejska", "1201052", "Łapanów", "małopolskie", "bocheński", "1201"},
    {34, "gmina_miejsko_wiejska", "1201063", "Nowy Wiśnicz", "małopolskie", "bocheński", "1201"},
    {37, "miasto_na_prawach_powiatu", "1261", "Kraków", "małopolskie", "Kraków", "12"},
    {38, "gmina_miejska", "1261011", "Kraków", "małopolskie", "Kraków", "1261"},
    {43, "wojewodztwo", "14", "mazowieckie", "mazowieckie", NULL, NULL},
    {44, "miasto_na_prawach_powiatu", "1465", "Warszawa", "mazowieckie", "Warszawa", "14"},
    {45, "gmina_miejska", "1465011", "Warszawa", "mazowieckie", "Warszawa", "1465"},
};

/* Collects TERC units and checks each against teryt.c and the unit table. */
static bool terc_record(void *ctx, json_t *rec, long line, const char *field, const char *why)
{
    if (rec) {
        const char *f;
        CHECK_STR(teryt_check(json_string_value(json_object_get(rec, "teryt")),
                              json_string_value(json_object_get(rec, "type")),
                              json_string_value(json_object_get(rec, "voivodeship")), &f),
                  NULL);
        json_t *unit = json_deep_copy(rec);
        json_object_del(unit, "parent_teryt");
        struct problem pb;
        problem_init(&pb);
        CHECK(jsonv_check(unit, &unit_spec, "", &pb) && unit_json_check(unit, &pb));
        CHECK_INT(pb.n_errors, 0);
        json_decref(unit);
    }
    return record(ctx, rec, line, field, why);
}

static void test_terc_file(void)
{
    size_t len;
    char *body = read_all(BDP_SOURCE_ROOT "/tests/data/terc-sample.csv", &len);
    CHECK(body && len > 1000);
    struct buf want = BUF_INIT;
    for (size_t i = 0; i < sizeof terc_units / sizeof terc_units[0]; i++) {
        json_t *u = json_pack("{s:s, s:s, s:s, s:s}", "type", terc_units[i].type, "teryt",
                              terc_units[i].teryt, "name", terc_units[i].name, "voivodeship",
                              terc_units[i].voivodeship);
        if (terc_units[i].county)
            json_object_set_new(u, "county", json_string(terc_units[i].county));
        if (terc_units[i].parent)
            json_object_set_new(u, "parent_teryt", json_string(terc_units[i].parent));
        char *s = json_dumps(u, JSON_COMPACT | JSON_SORT_KEYS);
        buf_printf(&want, "%ld %s\n", terc_units[i].line, s);
        free(s);
        json_decref(u);
    }
    buf_puts(&want, "END\n");

    /* The file as it is and with CRLF, each read as TERC and detected. */
    struct buf crlf = BUF_INIT;
    for (size_t i = 0; i < len; i++)
        buf_append(&crlf, body[i] == '\n' ? "\r\n" : body + i, body[i] == '\n' ? 2 : 1);
    const char *bodies[] = {body, crlf.p};
    size_t lens[] = {len, crlf.len};
    for (int b = 0; b < 2; b++) {
        for (int f = 0; f < 2; f++) {
            for (size_t chunk = 0; chunk < 3; chunk++) {
                struct log log = {BUF_INIT, 0, 0};
                struct bulk_parser *p =
                    bulk_parser_new(f ? BULK_CSV_OR_TERC : BULK_TERC, cols, terc_record, &log);
                bool ok = true;
                for (size_t i = 0; ok && i < lens[b]; i += chunk ? chunk : lens[b])
                    ok = bulk_parser_feed(p, bodies[b] + i,
                                          chunk && chunk < lens[b] - i ? chunk : lens[b] - i);
                CHECK(ok && bulk_parser_end(p));
                buf_puts(&log.out, "END\n");
                CHECK_STR(log.out.p, want.p);
                CHECK_INT(bulk_parser_format(p), BULK_TERC);
                buf_free(&log.out);
                bulk_parser_free(p);
            }
        }
    }
    buf_free(&crlf);
    buf_free(&want);
    free(body);
}

/* Every voivodeship TERC writes in capitals lowercases to teryt.c's name. */
static void test_terc_voivodeships(void)
{
    static const char *const caps[] = {
        "DOLNOŚLĄSKIE",   "KUJAWSKO-POMORSKIE",  "LUBELSKIE",     "LUBUSKIE",
        "ŁÓDZKIE",        "MAŁOPOLSKIE",         "MAZOWIECKIE",   "OPOLSKIE",
        "PODKARPACKIE",   "PODLASKIE",           "POMORSKIE",     "ŚLĄSKIE",
        "ŚWIĘTOKRZYSKIE", "WARMIŃSKO-MAZURSKIE", "WIELKOPOLSKIE", "ZACHODNIOPOMORSKIE"};
    struct terc *t = terc_new();
    for (int i = 0; i < 16; i++) {
        char woj[3];
        snprintf(woj, sizeof woj, "%02d", 2 * (i + 1));
        const char *row[TERC__MAX] = {woj, "", "", "", caps[i], "województwo", "2024-01-01"};
        json_t *u;
        const char *field;
        char why[100];
        CHECK_INT(terc_convert(t, row, &u, &field, why, sizeof why), TERC_UNIT);
        CHECK_STR(json_string_value(json_object_get(u, "name")), voivodeships[i]);
        CHECK_STR(json_string_value(json_object_get(u, "voivodeship")), voivodeships[i]);
        CHECK_STR(teryt_voivodeship_code(voivodeships[i]), woj);
        json_decref(u);
    }
    /* Letters beyond Polish, and text that is not a letter. */
    const char *row[TERC__MAX] = {"02", "", "", "", "ÀÉÖÞ-ŸŽĲ Ő×1", "", ""};
    json_t *u;
    const char *field;
    char why[100];
    CHECK_INT(terc_convert(t, row, &u, &field, why, sizeof why), TERC_UNIT);
    CHECK_STR(json_string_value(json_object_get(u, "name")), "àéöþ-ÿžĳ ő×1");
    json_decref(u);
    terc_free(t);
    terc_free(NULL);
}

static void test_terc_header(void)
{
    CHECK(terc_is_header("WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA"));
    CHECK(terc_is_header("\xEF\xBB\xBFWOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\r\n"));
    CHECK(terc_is_header("\"WOJ\";\"POW\";\"GMI\";\"RODZ\";\"NAZWA\";\"NAZWA_DOD\";\"STAN_NA\"\n"));
    CHECK(terc_is_header("WOJ; POW ;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n"));
    CHECK(!terc_is_header("WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD"));
    CHECK(!terc_is_header("WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA;X"));
    CHECK(!terc_is_header("POW;WOJ;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA"));
    CHECK(!terc_is_header("WOJ,POW,GMI,RODZ,NAZWA,NAZWA_DOD,STAN_NA"));
    CHECK(!terc_is_header("woj;pow;gmi;rodz;nazwa;nazwa_dod;stan_na"));
    CHECK(!terc_is_header("\"WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA"));
    CHECK(!terc_is_header("WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\nx"));
    CHECK(!terc_is_header(""));
}

static void test_columns_from_spec(void)
{
    struct bulk_column out[40];
    size_t n = bulk_columns_from_spec(&practice_create_spec, out, 40);
    CHECK(n > 10 && n < 40);
    CHECK(out[n].name == NULL);
    struct buf got = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        buf_printf(&got, "%s:%d ", out[i].name, out[i].type);
    CHECK_STR(got.p, "title:0 status:0 unit_id:1 category_ids:5 participant_unit_ids:5 "
                     "summary:0 partners:4 keywords:4 entered_on:3 revised_on:3 source:0 "
                     "external_id:0 ");
    buf_free(&got);
    CHECK_INT(bulk_columns_from_spec(&practice_create_spec, out, 3), 2);
    CHECK(out[2].name == NULL);
}

int main(void)
{
    test_cases();
    test_limit();
    test_memory();
    test_stop();
    test_terc_file();
    test_terc_voivodeships();
    test_terc_header();
    test_columns_from_spec();
    return check_report();
}
