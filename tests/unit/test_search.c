/* Search parameters: every filter's form, sorts and their cursors, facets,
 * and the highlighter that marks matched words. */
#include "bdp/buf.h"
#include "bdp/cursor.h"
#include "bdp/highlight.h"
#include "bdp/query.h"
#include "bdp/search.h"

#include "check.h"

#include <stdlib.h>

/* The last parse's query: a search borrows its values. */
static struct query q;

/* Parses raw as GET /v1/practices would; true if accepted. field is set to
 * the parameter a 400 names. */
static bool parse(const char *raw, struct search *s, char field[128])
{
    struct problem pb;
    problem_init(&pb);
    query_cleanup(&q);
    field[0] = '\0';
    *s = (struct search){0};
    bool ok = query_parse(&q, raw, search_params, &pb) && search_parse(s, &q, &pb);
    if (!ok && pb.n_errors)
        snprintf(field, 128, "%s", pb.errors[0].field);
    if (!ok)
        CHECK_INT(pb.kind, ERR_BAD_REQUEST);
    return ok;
}

static void rejects(const char *raw, const char *field)
{
    struct search s;
    char got[128];
    bool ok = parse(raw, &s, got);
    CHECK(!ok);
    CHECK_STR(got, field);
    if (ok || strcmp(got, field) != 0)
        fprintf(stderr, "    query %s\n", raw);
    search_cleanup(&s);
}

static void accepts(const char *raw)
{
    struct search s;
    char got[128];
    bool ok = parse(raw, &s, got);
    CHECK(ok);
    if (!ok)
        fprintf(stderr, "    query %s refused for %s\n", raw, got);
    search_cleanup(&s);
}

static void test_defaults(void)
{
    struct search s;
    char f[128];
    CHECK(parse(NULL, &s, f));
    CHECK_INT(s.sort, SORT_ENTERED_DESC);
    CHECK_INT(s.limit, 20);
    CHECK_INT(s.facets, 0);
    CHECK(!s.after);
    CHECK_STR(s.q, NULL);
    search_cleanup(&s);
    CHECK(parse("q=dom", &s, f));
    CHECK_INT(s.sort, SORT_RELEVANCE);
    CHECK_STR(s.q, "dom");
    search_cleanup(&s);
    CHECK(parse("q=%20%20", &s, f)); /* blank: as if absent */
    CHECK_STR(s.q, NULL);
    CHECK_INT(s.sort, SORT_ENTERED_DESC);
    search_cleanup(&s);
    CHECK(parse("facets=year,category,year&sort=title&limit=200", &s, f));
    CHECK_INT(s.facets, (1u << FACET_YEAR) | (1u << FACET_CATEGORY));
    CHECK_INT(s.sort, SORT_TITLE);
    CHECK_INT(s.limit, 200);
    search_cleanup(&s);
}

static void test_filters(void)
{
    accepts("category=3&voivodeship=pomorskie&unit_type=powiat_ziemski&unit_id=7&teryt=22");
    accepts("category=uslugi-spoleczne-pomoc-spoleczna&teryt=2212011");
    accepts("population_min=0&population_max=1000&entered_from=2007-01-01&entered_to=2025-12-31");
    accepts("updated_since=2024-05-01T00:00:00Z&status=draft&source=x&external_id=y");
    accepts("updated_since=2024-05-01T10:20:30.123456%2B02:00");
    rejects("category=0", "category");
    rejects("category=Pomoc%20spo%C5%82eczna", "category");
    rejects("voivodeship=Pomorskie", "voivodeship");
    rejects("unit_type=gmina", "unit_type");
    rejects("unit_id=0", "unit_id");
    rejects("unit_id=abc", "unit_id");
    rejects("teryt=abc", "teryt");
    rejects("teryt=12345678", "teryt");
    rejects("population_min=-1", "population_min");
    rejects("population_min=10&population_max=5", "population_min");
    rejects("entered_from=2024-02-30", "entered_from");
    rejects("entered_to=yesterday", "entered_to");
    rejects("updated_since=2024-05-01", "updated_since");
    rejects("updated_since=2024-05-01T25:00:00Z", "updated_since");
    rejects("status=deleted", "status");
    rejects("sort=relevance", "sort");
    rejects("sort=-title", "sort");
    rejects("facets=category,", "facets");
    rejects("facets=colour", "facets");
    rejects("limit=0", "limit");
    rejects("limit=201", "limit");
    rejects("colour=red", "colour");
}

static void test_q_length(void)
{
    struct buf raw = BUF_INIT;
    buf_puts(&raw, "q=");
    for (int i = 0; i < SEARCH_Q_MAX_CHARS; i++)
        buf_puts(&raw, "%C5%BC"); /* ż: two bytes, one character */
    accepts(buf_cstr(&raw));
    buf_puts(&raw, "a");
    rejects(buf_cstr(&raw), "q");
    buf_free(&raw);
}

/* A cursor made for one sort pages that sort, and no other. */
static void test_cursors(void)
{
    struct search s;
    struct buf c = BUF_INIT, raw = BUF_INIT;
    char f[128];
    CHECK(parse("q=dom", &s, f));
    search_cursor(&s, "1.0607981", 42, &c);
    search_cleanup(&s);
    buf_printf(&raw, "q=dom&cursor=%s", buf_cstr(&c));
    CHECK(parse(buf_cstr(&raw), &s, f));
    CHECK(s.after);
    CHECK_INT(s.after_id, 42);
    CHECK_STR(buf_cstr(&s.after_key), "1.0607981");
    search_cleanup(&s);
    buf_reset(&raw);
    buf_printf(&raw, "q=dom&sort=title&cursor=%s", buf_cstr(&c));
    rejects(buf_cstr(&raw), "cursor");

    buf_reset(&c);
    CHECK(parse("sort=title", &s, f));
    search_cursor(&s, "Dom: a \"title\" with: colons", 7, &c);
    search_cleanup(&s);
    buf_reset(&raw);
    buf_printf(&raw, "sort=title&cursor=%s", buf_cstr(&c));
    CHECK(parse(buf_cstr(&raw), &s, f));
    CHECK_STR(buf_cstr(&s.after_key), "Dom: a \"title\" with: colons");
    search_cleanup(&s);

    /* A date cursor must hold a date; a relevance cursor a number. */
    buf_reset(&c);
    cursor_encode_key(&c, 'd', "2024-13-01", 5);
    buf_reset(&raw);
    buf_printf(&raw, "cursor=%s", buf_cstr(&c));
    rejects(buf_cstr(&raw), "cursor");
    buf_reset(&c);
    cursor_encode_key(&c, 'r', "1e5x", 5);
    buf_reset(&raw);
    buf_printf(&raw, "q=a&cursor=%s", buf_cstr(&c));
    rejects(buf_cstr(&raw), "cursor");
    rejects("cursor=not-a-cursor", "cursor");
    rejects("cursor=ZDowOjIwMjQtMDEtMDE", "cursor"); /* id 0 */
    buf_free(&c);
    buf_free(&raw);
}

static void marks(const char *text, const char *const *words, size_t n, size_t window,
                  const char *want)
{
    struct buf b = BUF_INIT;
    highlight(&b, text, words, n, window);
    CHECK_STR(buf_cstr(&b), want);
    buf_free(&b);
}

static void test_highlight(void)
{
    const char *dz[] = {"dziecka", "żory"};
    marks("Dom Dziecka w Żorach", dz, 1, 0, "Dom <mark>Dziecka</mark> w Żorach");
    marks("ŻORY i Żory", dz, 2, 0, "<mark>ŻORY</mark> i <mark>Żory</mark>");
    marks("<b>Dziecka</b> & \"x\" 'y'", dz, 1, 0,
          "&lt;b&gt;<mark>Dziecka</mark>&lt;/b&gt; &amp; &quot;x&quot; &#39;y&#39;");
    marks("Domu-Dziecka, „Dziecka”", dz, 1, 0, "Domu-<mark>Dziecka</mark>, „<mark>Dziecka</mark>”");
    marks("", dz, 1, 0, "");
    marks("nic", NULL, 0, 0, "nic");
    /* a long list, sorted: found wherever it stands in it */
    const char *many[] = {"a1", "b2", "dom", "domu", "dziecka", "m", "x9", "zz", "ąb", "żory"};
    marks("Domu Dziecka ąb w Żorach i Żory", many, 10, 0,
          "<mark>Domu</mark> <mark>Dziecka</mark> <mark>ąb</mark> w Żorach i <mark>Żory</mark>");
    marks("zz A1 x9 m", many, 10, 0,
          "<mark>zz</mark> <mark>A1</mark> <mark>x9</mark> <mark>m</mark>");
    const char *w[] = {"k"};
    marks("a b c d e f g h i j k l m n o p", w, 1, 4, "… j <mark>k</mark> l m …");
    marks("k b c d e f", w, 1, 3, "<mark>k</mark> b c …");
    marks("a b c d e k", w, 1, 3, "… d e <mark>k</mark>");
    marks("a b c d e f", w, 1, 3, "a b c …");
    CHECK_INT(highlight_lower(0x17B), 0x17C); /* Ż */
    CHECK_INT(highlight_lower(0x141), 0x142); /* Ł */
    CHECK_INT(highlight_lower(0x104), 0x105); /* Ą */
    CHECK_INT(highlight_lower(0xD3), 0xF3);   /* Ó */
    CHECK_INT(highlight_lower(0x15A), 0x15B); /* Ś */
    CHECK_INT(highlight_lower(0x105), 0x105);
}

int main(void)
{
    test_defaults();
    test_filters();
    test_q_length();
    test_cursors();
    test_highlight();
    query_cleanup(&q);
    return check_report();
}
