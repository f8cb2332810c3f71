/* Search in memory without a database: a snapshot built by hand, queries
 * as PostgreSQL prints tsqueries, filters and facets, and what it refuses
 * to answer (so that PostgreSQL does). */
#include "bdp/search_mem.h"

#include "check.h"

#include <stdlib.h>

/* Practice i (0-based, ids 10, 20, ...) has lexeme "a" when i is even,
 * "b" when i % 3 == 0, "it's" when i == 4; "c\d" when i == 5; practice 7
 * is a draft, practice 8 has no vector yet. 70 practices: "a" is dense
 * enough for a bitmap, "b" too, the others lists. */
#define N 70

static struct smem *build(void)
{
    struct smem *m = smem_new();
    smem_add_category(m, 1, true, "area-one", "Area one");
    smem_add_category(m, 2, false, "sub-two", "Sub two");
    smem_add_category(m, 3, true, "area-three", "Area three");
    const char *voiv[] = {"pomorskie", "mazowieckie", NULL};
    for (int i = 0; i < N; i++) {
        struct smem_doc d = {
            .id = 10 * (i + 1),
            .unit_id = 1 + i % 4,
            .population = i % 5 == 0 ? SMEM_NULL_INT : 1000 * i,
            .entered = 14000 + 100 * i, /* 2008-05-01 + 100 days a practice */
            .updated = (int64_t)1700000000 * 1000000 + i,
            .status = smem_value(m, i == 7 ? "draft" : "published"),
            .voivodeship = smem_value(m, voiv[i % 3]),
            .unit_type = smem_value(m, i % 2 ? "gmina_wiejska" : "powiat_ziemski"),
            .teryt = smem_string(m, i % 2 ? "2261011" : "2201000"),
            .source = smem_value(m, i == 9 ? "partner-a" : NULL),
            .external_id = smem_string(m, i == 9 ? "x-9" : NULL),
            .indexed = i != 8,
        };
        int32_t cats[2] = {1, 2};
        CHECK(smem_add_doc(m, &d, i % 2 ? cats : cats + 1, i % 2 ? 2 : 1));
    }
    const char *held[] = {"a", "b", "it's", "c\\d"};
    for (int k = 0; k < 4; k++)
        CHECK(smem_hold(m, held[k], strlen(held[k])));
    CHECK(!smem_hold(m, "a", 1));
    /* Positions (weights in the top bits are dropped): "a" at 1 and 7
     * (weight A), "b" at 2 and 9, "it's" at 3, "c\d" at 8. */
    const uint16_t pos_a[] = {1 | 3 << 14, 7 | 3 << 14}, pos_b[] = {2, 9}, pos_it[] = {3},
                   pos_c[] = {8};
    for (int i = 0; i < N; i++) {
        if (i % 2 == 0)
            smem_add_posting(m, "a", 1, (uint32_t)i, pos_a, 2);
        if (i % 3 == 0)
            smem_add_posting(m, "bx", 1, (uint32_t)i, pos_b, 2); /* "b": the length counts */
        if (i == 4)
            smem_add_posting(m, "it's", 4, (uint32_t)i, pos_it, 1);
        if (i == 5)
            smem_add_posting(m, "c\\d", 3, (uint32_t)i, pos_c, 1);
        smem_add_posting(m, "zzz", 3, (uint32_t)i, pos_b, 2); /* not held: ignored */
    }
    smem_seal(m);
    return m;
}

/* The total of query (NULL: none) for s, -1 when refused. */
static long long total(const struct smem *m, const struct search *s, const char *category,
                       const char *query)
{
    long long n = -2;
    struct buf f = BUF_INIT;
    struct smem_query q = {0};
    bool ok = (!query || smem_query_parse(m, query, &q)) &&
              smem_search(m, s, category, query ? &q : NULL, false, &n, &f, NULL);
    smem_query_free(&q);
    if (!ok)
        CHECK_INT((long long)f.len, 0); /* nothing appended */
    buf_free(&f);
    return ok ? n : -1;
}

/* Counts by hand: practice i matches when pred(i) and it is visible;
 * with a query, when it is indexed too. */
static long long count_as(bool with_private, bool query, bool (*pred)(int))
{
    long long n = 0;
    for (int i = 0; i < N; i++)
        if ((!query || i != 8) && (with_private || i != 7) && pred(i))
            n++;
    return n;
}

static long long expect(bool with_private, bool (*pred)(int))
{
    return count_as(with_private, true, pred);
}

/* Without a query: practice 8, not indexed yet, is there. */
static long long browse(bool (*pred)(int))
{
    return count_as(false, false, pred);
}

static bool has_a(int i)
{
    return i % 2 == 0;
}
static bool has_b(int i)
{
    return i % 3 == 0;
}
static bool a_and_b(int i)
{
    return has_a(i) && has_b(i);
}
static bool a_or_b(int i)
{
    return has_a(i) || has_b(i);
}
static bool a_not_b(int i)
{
    return has_a(i) && !has_b(i);
}
static bool not_a(int i)
{
    return !has_a(i);
}
static bool nested(int i)
{
    return (has_a(i) || i == 5) && !(has_b(i) && !has_a(i));
}

static void queries(const struct smem *m)
{
    struct search pub = {0}, priv = {.with_private = true};
    CHECK_INT(total(m, &pub, NULL, "'a'"), expect(false, has_a));
    CHECK_INT(total(m, &priv, NULL, "'a'"), expect(true, has_a));
    CHECK_INT(total(m, &pub, NULL, "'b'"), expect(false, has_b));
    CHECK_INT(total(m, &pub, NULL, "'a' & 'b'"), expect(false, a_and_b));
    CHECK_INT(total(m, &pub, NULL, "'a' | 'b'"), expect(false, a_or_b));
    CHECK_INT(total(m, &pub, NULL, "'a' & !'b'"), expect(false, a_not_b));
    CHECK_INT(total(m, &pub, NULL, "!'a'"), expect(false, not_a));
    CHECK_INT(total(m, &priv, NULL, "( 'a' | 'c\\\\d' ) & !( 'b' & !'a' )"), expect(true, nested));
    CHECK_INT(total(m, &pub, NULL, "'it''s'"), 1);
    CHECK_INT(total(m, &pub, NULL, "'c\\\\d'"), 1);
    /* Phrases, by positions: "a" 1 7, "b" 2 9, "it's" 3 */
    CHECK_INT(total(m, &pub, NULL, "'a' <-> 'b'"), expect(false, a_and_b));
    CHECK_INT(total(m, &pub, NULL, "'a' <2> 'b'"), expect(false, a_and_b)); /* 7, 9 */
    CHECK_INT(total(m, &pub, NULL, "'b' <-> 'a'"), 0);
    CHECK_INT(total(m, &pub, NULL, "'a' <3> 'b'"), 0);
    CHECK_INT(total(m, &pub, NULL, "'a' <-> 'b' <-> 'it''s'"), 0); /* 4 has no "b" */
    CHECK_INT(total(m, &pub, NULL, "'a' <2> 'it''s'"), 1);         /* 4 */
    CHECK_INT(total(m, &pub, NULL, "( 'b' | 'a' ) <-> ( 'b' | 'it''s' )"), expect(false, a_and_b));
    CHECK_INT(total(m, &pub, NULL, "!( 'a' <-> 'b' ) & 'a'"), expect(false, a_not_b));
    CHECK_INT(total(m, &pub, NULL, "'c\\\\d' <-> 'a'"), 0);
    /* What PostgreSQL must answer */
    CHECK_INT(total(m, &pub, NULL, "'a' <-> ( 'b' <-> 'a' )"), -1);
    CHECK_INT(total(m, &pub, NULL, "'a' <-> !'b'"), -1);
    CHECK_INT(total(m, &pub, NULL, "'a' <-> 'zzz'"), -1);
    CHECK_INT(total(m, &pub, NULL, "'a' <x> 'b'"), -1);
    /* Too deep to recurse through (64 levels): PostgreSQL's */
    struct buf deep = BUF_INIT;
    buf_puts(&deep, "'a'");
    for (int i = 0; i < 70; i++)
        buf_puts(&deep, " & 'a'");
    CHECK_INT(total(m, &pub, NULL, buf_cstr(&deep)), -1);
    buf_reset(&deep);
    buf_puts(&deep, "'a'");
    for (int i = 0; i < 20; i++)
        buf_puts(&deep, " & 'a'");
    CHECK_INT(total(m, &pub, NULL, buf_cstr(&deep)), expect(false, has_a));
    buf_reset(&deep);
    buf_puts(&deep, "'a'");
    for (int i = 0; i < 40; i++) /* positions on the heap: any phrase that is not too deep */
        buf_puts(&deep, " <-> 'a'");
    CHECK_INT(total(m, &pub, NULL, buf_cstr(&deep)), 0);
    buf_free(&deep);
    CHECK_INT(total(m, &pub, NULL, "'a':A"), -1);
    CHECK_INT(total(m, &pub, NULL, "'a':*"), -1);
    CHECK_INT(total(m, &pub, NULL, "'zzz'"), -1);
    CHECK_INT(total(m, &pub, NULL, "'a' | 'zzz'"), -1);
    CHECK_INT(total(m, &pub, NULL, ""), -1);
    CHECK_INT(total(m, &pub, NULL, "'a"), -1);
    CHECK_INT(total(m, &pub, NULL, "( 'a'"), -1);
    CHECK_INT(total(m, &pub, NULL, "'a' 'b'"), -1);
    CHECK_INT(total(m, &pub, "99", NULL), -1);
}

static bool odd(int i)
{
    return i % 2;
}
static bool pop_range(int i)
{
    return i % 5 && 1000 * i >= 20000 && 1000 * i <= 30000;
}
static bool in_2012(int i)
{
    return 14000 + 100 * i >= 15340 && 14000 + 100 * i <= 15705;
}
static bool mazowieckie(int i)
{
    return i % 3 == 1;
}
static bool unit_3(int i)
{
    return 1 + i % 4 == 3;
}
static bool updated_late(int i)
{
    return i >= 60;
}
static bool all(int i)
{
    return i >= 0;
}

static void filters(const struct smem *m)
{
    struct search s = {0};
    CHECK_INT(total(m, &s, NULL, NULL), browse(all));
    CHECK_INT(total(m, &s, "2", NULL), browse(all));
    CHECK_INT(total(m, &s, "1", NULL), browse(odd));
    CHECK_INT(total(m, &s, "1", "'a'"), 0); /* odd practices have category 1, none "a" */
    CHECK_INT(total(m, &s, "3", NULL), 0);
    s = (struct search){.population_min = "20000", .population_max = "30000"};
    CHECK_INT(total(m, &s, NULL, NULL), browse(pop_range));
    s = (struct search){.entered_from = "2012-01-01", .entered_to = "2012-12-31"};
    CHECK_INT(total(m, &s, NULL, NULL), browse(in_2012));
    s = (struct search){.voivodeship = "mazowieckie"};
    CHECK_INT(total(m, &s, NULL, NULL), browse(mazowieckie));
    s = (struct search){.voivodeship = "lubelskie"};
    CHECK_INT(total(m, &s, NULL, NULL), 0);
    s = (struct search){.unit_id = "3"};
    CHECK_INT(total(m, &s, NULL, NULL), browse(unit_3));
    s = (struct search){.teryt = "226"};
    CHECK_INT(total(m, &s, NULL, NULL), browse(odd));
    s = (struct search){.teryt = "22"};
    CHECK_INT(total(m, &s, NULL, NULL), browse(all));
    s = (struct search){.source = "partner-a", .external_id = "x-9"};
    CHECK_INT(total(m, &s, NULL, NULL), 1);
    s = (struct search){.external_id = "x-8"};
    CHECK_INT(total(m, &s, NULL, NULL), 0);
    s = (struct search){.status = "draft"};
    CHECK_INT(total(m, &s, NULL, NULL), 0); /* not without the key */
    s.with_private = true;
    CHECK_INT(total(m, &s, NULL, NULL), 1);
    /* 1700000000 s + 60 µs, written with an offset and a fraction */
    s = (struct search){.updated_since = "2023-11-15T00:13:20.00006+02:00"};
    CHECK_INT(total(m, &s, NULL, NULL), browse(updated_late));
    s = (struct search){.updated_since = "2023-11-14T21:13:20.00007-01:00"};
    CHECK_INT(total(m, &s, NULL, NULL), 0);
    s = (struct search){.updated_since = "2023-11-14T22:13:20.00006Z"};
    CHECK_INT(total(m, &s, NULL, NULL), browse(updated_late));
}

static void facets(const struct smem *m)
{
    struct search s = {.facets = (1u << FACET__MAX) - 1, .entered_to = "2008-12-31"};
    struct buf f = BUF_INIT;
    long long n = 0;
    /* practices 0-2: 2008-05-01, 2008-08-09, 2008-11-17 */
    CHECK(smem_search(m, &s, NULL, NULL, false, &n, &f, NULL));
    CHECK_INT(n, 3);
    CHECK_STR(buf_cstr(&f),
              "\"category\":[{\"value\":\"sub-two\",\"id\":2,\"name\":\"Sub two\",\"count\":3},"
              "{\"value\":\"area-one\",\"id\":1,\"name\":\"Area one\",\"count\":1}],"
              "\"voivodeship\":[{\"value\":\"mazowieckie\",\"count\":1},"
              "{\"value\":\"pomorskie\",\"count\":1},{\"value\":null,\"count\":1}],"
              "\"unit_type\":[{\"value\":\"powiat_ziemski\",\"count\":2},"
              "{\"value\":\"gmina_wiejska\",\"count\":1}],"
              "\"year\":[{\"value\":2008,\"count\":3}]");
    buf_reset(&f);
    CHECK(smem_search(m, &s, NULL, NULL, true, &n, &f, NULL)); /* areas only */
    CHECK(strstr(buf_cstr(&f), "sub-two") == NULL);
    CHECK(strstr(buf_cstr(&f), "area-one") != NULL);
    buf_reset(&f);
    s = (struct search){.facets = 1u << FACET_YEAR};
    struct smem_query q;
    CHECK(smem_query_parse(m, "'b'", &q));
    CHECK(smem_search(m, &s, NULL, &q, false, &n, &f, NULL));
    smem_query_free(&q);
    /* "b": 0, 3, ..., 69, about one a year; two in 2009, 2014, 2019 and 2023 */
    const char *years = "\"year\":[{\"value\":2009,\"count\":2},{\"value\":2014,\"count\":2},"
                        "{\"value\":2019,\"count\":2},{\"value\":2023,\"count\":2},"
                        "{\"value\":2008,\"count\":1},";
    CHECK(strncmp(buf_cstr(&f), years, strlen(years)) == 0);
    buf_free(&f);
}

/* A lexeme the snapshot does not hold, its postings fetched. */
static void fetched(const struct smem *m)
{
    struct smem_query q;
    const char *unheld[4];
    CHECK(smem_query_parse(m, "'a' | 'zzz' & !'b'", &q));
    CHECK_INT((long long)smem_query_unheld(&q, unheld, 4), 1);
    CHECK_STR(unheld[0], "zzz");
    struct search s = {0};
    long long n = 0;
    struct buf f = BUF_INIT;
    CHECK(!smem_search(m, &s, NULL, &q, false, &n, &f, NULL)); /* not yet */
    int32_t ids[] = {60, 20, 9999, 40};                        /* practices 5, 1, none and 3 */
    smem_query_fetched(&q, m, "zzz", ids, 4);
    CHECK_INT((long long)smem_query_unheld(&q, unheld, 4), 0);
    CHECK(smem_search(m, &s, NULL, &q, false, &n, &f, NULL));
    CHECK_INT(n, expect(false, has_a) + 2); /* 1 and 5: 3 has "b" */
    smem_query_free(&q);
    buf_free(&f);
}

/* search_word turned around: each lexeme's words, what a highlight marks. */
static void vocab(void)
{
    struct smem *m = smem_new();
    CHECK(smem_add_vocab(m, "dom"));
    smem_add_vocab_word(m, "domu", 4);
    smem_add_vocab_word(m, "dom", 3);
    smem_add_vocab_word(m, "domyxx", 4); /* the length counts */
    CHECK(!smem_add_vocab(m, "dom"));    /* not after the last */
    CHECK(!smem_add_vocab(m, "a"));
    CHECK(smem_add_vocab(m, "kultura"));
    smem_add_vocab_word(m, "kultury", 7);
    smem_add_vocab_word(m, "domu", 4); /* two of a query's lexemes: marked once */
    CHECK(smem_add_vocab(m, "say\\"));
    smem_add_vocab_word(m, "it\"s", 4);
    smem_seal(m);
    struct buf out = BUF_INIT;
    const char *q1[] = {"kultura", "dom", "nic"};
    CHECK(smem_marked_words(m, q1, 3, 10, &out));
    CHECK_STR(buf_cstr(&out), "[\"dom\",\"domu\",\"domy\",\"kultury\"]");
    buf_reset(&out);
    CHECK(smem_marked_words(m, q1 + 2, 1, 10, &out));
    CHECK_STR(buf_cstr(&out), "[]");
    buf_reset(&out);
    CHECK(!smem_marked_words(m, q1, 3, 3, &out)); /* more than max: nothing */
    CHECK_INT(out.len, 0);
    CHECK(smem_marked_words(m, q1, 3, 4, &out));
    buf_reset(&out);
    const char *q2[] = {"say\\"};
    CHECK(smem_marked_words(m, q2, 1, 10, &out));
    CHECK_STR(buf_cstr(&out), "[\"it\\\"s\"]");
    buf_free(&out);
    smem_free(m);
}

int main(void)
{
    struct smem *m = build();
    CHECK_INT(m->ndocs, N);
    CHECK_INT(m->terms.n, 4);
    CHECK(smem_term(m, "a", 1)->bits != NULL);
    CHECK(smem_term(m, "it's", 4)->bits == NULL);
    CHECK(smem_term(m, "zzz", 3) == NULL);
    queries(m);
    filters(m);
    facets(m);
    fetched(m);
    smem_free(m);
    vocab();
    return check_report();
}
