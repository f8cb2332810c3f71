/* SQL for search: filters, sorts and facets over practice_search, built for
 * each request with its values as parameters (never in the text). */
#include "bdp/search_store.h"

#include "bdp/highlight.h"
#include "bdp/practice_doc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 64

/* A statement being built: its text and parameters ($1, $2, ...). */
struct sqlb {
    struct buf sql;
    const char *params[MAX_PARAMS];
    int n;
    int tsq; /* the query's parameter, once from_where has added it */
    char limit[16], after_id[16], walk[24];
};

/* Adds value as the next parameter and returns its number. */
static int param(struct sqlb *b, const char *value)
{
    b->params[b->n] = value;
    return ++b->n;
}

/* Appends tmpl with each "$?" replaced by the next of nums ("$1", ...). */
static void put(struct buf *out, const char *tmpl, const int *nums)
{
    const char *q;
    while ((q = strstr(tmpl, "$?"))) {
        buf_append(out, tmpl, (size_t)(q - tmpl));
        buf_printf(out, "$%d", *nums++);
        tmpl = q + 2;
    }
    buf_puts(out, tmpl);
}

/* Appends " AND " + tmpl with "$?" naming value as a parameter. */
static void cond(struct sqlb *b, const char *tmpl, const char *value)
{
    if (!value)
        return;
    int n = param(b, value);
    buf_puts(&b->sql, " AND ");
    put(&b->sql, tmpl, &n);
}

/* Relevance: a title that matches the whole query ranks above one that
 * does not, then ts_rank over the title (its words, how often, how close);
 * ties, which includes every match in the body alone, go to the newer id.
 * The title's vector is small and in the row: ranking all of a common
 * word's matches by the whole text read each one's vector from TOAST and
 * took seconds (bench/RESULTS.md). */
#define RANK "(((s.title_vector @@ qq.tsq)::int + ts_rank(s.title_vector, qq.tsq))::real)"

struct sort_sql {
    const char *key;     /* the cursor's key, as text */
    const char *col;     /* the column the order walks (not relevance) */
    const char *dir;     /* " DESC" or "" */
    const char *order;   /* ORDER BY */
    const char *order_q; /* ORDER BY with q: the same order by expressions no index gives */
    const char *after;   /* the keyset condition: $? the key, then $? the id */
};

/* With q, an index on the sort column tempted the planner to walk it and
 * test every row's vector (read from TOAST) until a page was full: for a
 * rare word that read nearly every practice (half a second). The matches
 * come from the text index instead, then are sorted. */
static const struct sort_sql sorts[SORT__MAX] = {
    /* real throughout: the order, the cursor's key and its comparison must
     * see the same value, or a page boundary between near-equal ranks
     * skips a hit. */
    [SORT_RELEVANCE] = {RANK, NULL, " DESC", RANK " DESC, s.practice_id DESC",
                        RANK " DESC, s.practice_id DESC",
                        "(" RANK ", s.practice_id) < ($?::real, $?::int)"},
    [SORT_ENTERED_DESC] = {"s.entered_on", "s.entered_on", " DESC",
                           "s.entered_on DESC, s.practice_id DESC",
                           "s.entered_on + 0 DESC, s.practice_id + 0 DESC",
                           "(s.entered_on, s.practice_id) < ($?::date, $?::int)"},
    [SORT_ENTERED_ASC] = {"s.entered_on", "s.entered_on", "", "s.entered_on, s.practice_id",
                          "s.entered_on + 0, s.practice_id + 0",
                          "(s.entered_on, s.practice_id) > ($?::date, $?::int)"},
    [SORT_TITLE] = {"s.title", "s.title", "", "s.title, s.practice_id",
                    "s.title || '', s.practice_id + 0",
                    "(s.title, s.practice_id) > ($? COLLATE \"pl-x-icu\", $?::int)"},
    [SORT_UPDATED_DESC] = {"rfc3339(s.updated_at)", "s.updated_at", " DESC",
                           "s.updated_at DESC, s.practice_id DESC",
                           "s.updated_at + interval '0 s' DESC, s.practice_id + 0 DESC",
                           "(s.updated_at, s.practice_id) < ($?::timestamptz, $?::int)"},
};

/* "FROM practice_search s [, the query qq] WHERE <filters>" for s; with
 * join, practice p and unit u join on that condition. With q, text is the
 * condition on the text (NULL: the practice matches). */
static void from_where(struct sqlb *b, const struct search *s, const struct search_resolved *res,
                       const char *join, const char *text)
{
    buf_puts(&b->sql, " FROM practice_search s");
    if (join)
        buf_puts(&b->sql, ", practice p, unit u");
    if (res->tsquery) {
        if (!b->tsq)
            b->tsq = param(b, res->tsquery);
        buf_printf(&b->sql, ", (SELECT $%d::tsquery AS tsq) qq WHERE %s", b->tsq,
                   text ? text : "s.vector @@ qq.tsq");
    } else
        buf_puts(&b->sql, " WHERE true");
    if (join)
        buf_printf(&b->sql, " AND %s", join);
    if (!s->with_private)
        buf_puts(&b->sql, " AND s.status = 'published'");
    cond(b, "s.status = $?", s->status);
    /* With q, a form no index answers: from the category's index the
     * planner tested each row's vector, read from TOAST (15-20 µs a row: a
     * common word in a large category took 0.4 s); the text index's matches
     * tested for the category cost no more than the word without it. */
    cond(b, res->tsquery ? "$?::int = ANY (s.category_ids)" : "s.category_ids @> ARRAY[$?::int]",
         res->category_id);
    cond(b, "s.voivodeship = $?", s->voivodeship);
    cond(b, "s.unit_type = $?", s->unit_type);
    cond(b, "s.unit_id = $?::int", s->unit_id);
    cond(b, "s.teryt LIKE $? || '%'", s->teryt);
    cond(b, "s.population >= $?::int", s->population_min);
    cond(b, "s.population <= $?::int", s->population_max);
    cond(b, "s.entered_on >= $?::date", s->entered_from);
    cond(b, "s.entered_on <= $?::date", s->entered_to);
    cond(b, "s.updated_at >= $?::timestamptz", s->updated_since);
    cond(b, "s.source = $?", s->source);
    cond(b, "s.external_id = $?", s->external_id);
}

/* " AND <keyset condition>" when s has a cursor. */
static void after(struct sqlb *b, const struct search *s)
{
    if (!s->after)
        return;
    snprintf(b->after_id, sizeof b->after_id, "%lld", s->after_id);
    int nums[2];
    nums[0] = param(b, buf_cstr((struct buf *)&s->after_key));
    nums[1] = param(b, b->after_id);
    buf_puts(&b->sql, " AND ");
    put(&b->sql, sorts[s->sort].after, nums);
}

/* " LIMIT $n" */
static void limit_to(struct sqlb *b, int limit)
{
    snprintf(b->limit, sizeof b->limit, "%d", limit);
    buf_printf(&b->sql, " LIMIT $%d::int", param(b, b->limit));
}

/* "... ORDER BY <sort>" after the keyset condition, with LIMIT if limit;
 * without a limit (an export: every page) the cursor does not apply. */
static void order(struct sqlb *b, const struct search *s, int limit)
{
    if (limit)
        after(b, s);
    buf_printf(&b->sql, " ORDER BY %s", s->q ? sorts[s->sort].order_q : sorts[s->sort].order);
    if (limit)
        limit_to(b, limit);
}

static const struct db_stmt st_category = {
    "search_category",
    "SELECT id FROM category WHERE slug = $1 OR (id::text = $1 AND $1 ~ '^[1-9][0-9]{0,8}$')", 1};

/* The query, the size of practice_search as the statistics have it
 * (which chooses a page's plan, walk_budget()) and the lexemes a hit's
 * highlight marks. */
static const struct db_stmt st_query = {
    "search_query",
    "SELECT q::text,"
    " (SELECT reltuples FROM pg_class WHERE oid = 'practice_search'::regclass)::float8,"
    " array_to_json(search_query_lexemes(q))::text FROM search_query($1) q",
    1};

/* The words that have one of those lexemes (at most SEARCH_MARKED_MAX). */
static const struct db_stmt st_marked = {"search_marked",
                                         "SELECT search_marked_vocabulary($1::tsquery)::text", 1};

bool search_store_resolve(struct db_conn *c, const struct search *s, struct search_resolved *r,
                          struct problem *pb)
{
    /* For this transaction, with a query: no sequential scans. The planner
     * does not count the cost of reading every vector from TOAST, and chose
     * a scan that took ten times the index's time. (No parallel workers,
     * room to hash a common word's matches and no JIT are the connection's
     * settings, db_connect_once: as SET LOCALs, pgbench timed them at
     * about 0.1 ms each.) */
    struct db_err e;
    if (!db_command(c, s->q ? "BEGIN READ ONLY; SET LOCAL enable_seqscan = off" : "BEGIN READ ONLY",
                    &e)) {
        db_err_problem(&e, pb);
        return false;
    }
    *r = (struct search_resolved){.tsq = BUF_INIT, .lexemes = BUF_INIT, .words = BUF_INIT};
    PGresult *res;
    if (s->category) {
        const char *params[] = {s->category};
        if (!(res = db_query(c, &st_category, params, NULL, pb)))
            return false;
        bool found = PQntuples(res) == 1;
        if (found)
            snprintf(r->id, sizeof r->id, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
        if (!found) {
            problem_kind_field(pb, ERR_BAD_REQUEST, "category", "names no category");
            return false;
        }
        r->category_id = r->id;
    }
    if (s->q) {
        const char *params[] = {s->q};
        if (!(res = db_query(c, &st_query, params, NULL, pb)))
            return false;
        buf_puts(&r->tsq, PQgetvalue(res, 0, 0));
        r->rows = PQgetisnull(res, 0, 1) ? 0 : strtod(PQgetvalue(res, 0, 1), NULL);
        buf_puts(&r->lexemes, PQgetvalue(res, 0, 2));
        r->tsquery = buf_cstr(&r->tsq);
        PQclear(res);
    }
    return true;
}

bool search_store_marked_words(struct db_conn *c, struct search_resolved *r, struct problem *pb)
{
    const char *params[] = {r->tsquery};
    PGresult *res = db_query(c, &st_marked, params, NULL, pb);
    if (!res)
        return false;
    buf_reset(&r->words);
    buf_puts(&r->words, PQgetvalue(res, 0, 0));
    PQclear(res);
    return true;
}

void search_resolved_cleanup(struct search_resolved *r)
{
    buf_free(&r->tsq);
    buf_free(&r->lexemes);
    buf_free(&r->words);
}

/* The words a highlight marks (search_resolved.words, a JSON array), as
 * highlight() takes them. */
struct marked {
    json_t *arr;
    const char **words;
    size_t n;
};

static void marked_open(struct marked *m, const char *json)
{
    m->arr = json_loads(json, JSON_DECODE_ANY, NULL);
    m->n = json_array_size(m->arr);
    m->words = xmalloc((m->n + 1) * sizeof *m->words);
    for (size_t i = 0; i < m->n; i++)
        m->words[i] = json_string_value(json_array_get(m->arr, i));
    highlight_sort(m->words, m->n);
}

static void marked_close(struct marked *m)
{
    free(m->words);
    json_decref(m->arr);
}

/* Appends ,"highlight":{...} for one hit. */
static void add_highlight(struct buf *out, const char *title, const char *summary,
                          const struct marked *m)
{
    const char *fields[2] = {"title", "summary"}, *texts[2] = {title, summary};
    buf_puts(out, ",\"highlight\":{");
    for (int f = 0; f < 2; f++) {
        struct buf h = BUF_INIT;
        highlight(&h, texts[f], m->words, m->n, f == 1 ? 40 : 0);
        buf_printf(out, "%s\"%s\":", f ? "," : "", fields[f]);
        buf_json_str(out, buf_cstr(&h));
        buf_free(&h);
    }
    buf_puts(out, "}");
}

/* Rough costs in µs, which choose how a page with q is found (measured on
 * 100,000 practices, bench/RESULTS.md "Search"): a row walked in the
 * sort's order has its vector read from TOAST to be tested; a match taken
 * from the text index costs a visit of its row, or a TOAST read as well
 * when a phrase makes PostgreSQL recheck its positions. */
#define WALK_US 20.0
#define MATCH_US 1.0
#define PHRASE_US 15.0

/* What the tsquery's text has outside its quoted lexemes: *phrase for
 * "<->", *other for anything but words joined by "|" (and, not, a phrase,
 * or no word at all). */
static void query_ops(const char *tsq, bool *phrase, bool *other)
{
    bool quoted = false, word = false;
    *phrase = *other = false;
    for (const char *p = tsq; *p; p++) {
        if (*p == '\'') { /* '' inside a lexeme leaves and enters again */
            quoted = !quoted;
            word = true;
        } else if (!quoted && *p == '<') {
            *phrase = *other = true;
        } else if (!quoted && !strchr(" |()", *p)) {
            *other = true;
        }
    }
    if (!word)
        *other = true;
}

/* How many rows the page may test walking the sort's order, reading each
 * one's vector, rather than sort every match the text index gives; 0: it
 * does not walk. When matches are dense, a page is found after a few rows.
 * The number of matches decides, not the planner's guess (a default for a
 * word outside its statistics made it walk 27,806 rows for 71 matches).
 * The walk may cost twice what sorting the matches would: past that
 * (matches that cluster away from the walk's start, or the last page) the
 * page is found again by sorting. Relevance walks only for words joined by
 * "|": then a match without a query word in its title ranks 0 (see
 * rows_walked). */
static long long walk_budget(const struct search *s, const struct search_resolved *res,
                             long long total)
{
    bool phrase, other;
    if (!res->tsquery || total <= 0)
        return 0;
    query_ops(res->tsquery, &phrase, &other);
    if (s->sort == SORT_RELEVANCE && other)
        return 0;
    double all = res->rows > (double)total ? res->rows : (double)total;
    double walked = (s->limit + 1.0) * all / (double)total; /* rows tested for a page */
    double sorting = (double)total * (phrase ? PHRASE_US : MATCH_US);
    if (walked * WALK_US > sorting)
        return 0;
    return (long long)(2 * sorting / WALK_US) + 1;
}

/* The page's rows (id, k: the sort key) in order, limit + 1 of them, found
 * by walking at most budget rows (walk_budget()); fewer rows than limit + 1
 * may be the end or the budget spent. The walk is a subquery fenced by its
 * LIMIT: rows come in the order of an index and pass the cheap filters
 * before their vector is read. For relevance, a practice whose title holds
 * none of the query's words ranks exactly 0 (title_vector @@ tsq is false,
 * and ts_rank is 0 for words joined by "|" none of which is there): those
 * are walked newest first; the others come from the title's index and are
 * ranked. A title's lexemes are among its practice's vector's (the indexer
 * writes both from the same words), so those match without a look at the
 * vector. */
static void rows_walked(struct sqlb *b, const struct search *s, const struct search_resolved *res,
                        long long budget)
{
    const struct sort_sql *o = &sorts[s->sort];
    snprintf(b->walk, sizeof b->walk, "%lld", budget);
    if (s->sort != SORT_RELEVANCE) {
        buf_printf(&b->sql,
                   "SELECT w.id, w.k FROM (SELECT s.practice_id AS id, %s AS k, %s AS o,"
                   " s.vector",
                   o->key, o->col);
        from_where(b, s, res, NULL, "true");
        after(b, s);
        buf_printf(&b->sql,
                   " ORDER BY %s LIMIT $%d::int) w WHERE w.vector @@ $%d::tsquery"
                   " ORDER BY w.o%s, w.id%s",
                   o->order, param(b, b->walk), b->tsq, o->dir, o->dir);
        limit_to(b, s->limit + 1);
        return;
    }
    buf_puts(&b->sql, "SELECT id, k FROM ((SELECT s.practice_id AS id, " RANK " AS k");
    from_where(b, s, res, NULL, "s.title_vector @@ qq.tsq");
    after(b, s);
    buf_puts(&b->sql, " ORDER BY " RANK " DESC, s.practice_id DESC");
    limit_to(b, s->limit + 1);
    buf_puts(&b->sql, ") UNION ALL (SELECT w.id, w.k FROM (SELECT s.practice_id AS id, " RANK
                      " AS k, s.vector");
    from_where(b, s, res, NULL, "(s.title_vector @@ qq.tsq) IS NOT TRUE");
    after(b, s);
    /* After a cursor at rank 0 the walk starts at its id. */
    if (s->after && strtod(buf_cstr((struct buf *)&s->after_key), NULL) == 0)
        buf_printf(&b->sql, " AND s.practice_id < $%d::int", param(b, b->after_id));
    buf_printf(&b->sql,
               " ORDER BY s.practice_id DESC LIMIT $%d::int) w WHERE w.vector @@ $%d::tsquery"
               " ORDER BY w.id DESC",
               param(b, b->walk), b->tsq);
    limit_to(b, s->limit + 1);
    buf_puts(&b->sql, ")) u ORDER BY k DESC, id DESC");
    limit_to(b, s->limit + 1);
}

/* Runs the page's statement: its rows walked with budget (0: sorted),
 * then each one's document. NULL + pb on failure. */
static PGresult *page_query(struct db_conn *c, const struct search *s,
                            const struct search_resolved *res, long long budget, struct problem *pb)
{
    struct sqlb b = {.sql = BUF_INIT};
    buf_puts(&b.sql, "WITH page AS MATERIALIZED (SELECT x.*, row_number() OVER () AS n FROM (");
    if (budget) {
        rows_walked(&b, s, res, budget);
    } else {
        buf_printf(&b.sql, "SELECT s.practice_id AS id, %s AS k", sorts[s->sort].key);
        from_where(&b, s, res, NULL, NULL);
        order(&b, s, s->limit + 1);
    }
    /* The row after the page only says that one follows: no document. */
    buf_printf(&b.sql,
               ") x) SELECT page.k::text, page.id, d.* FROM page LEFT JOIN"
               " practice_rows(ARRAY(SELECT id FROM page WHERE n <= %d), $%d::boolean) d"
               " ON d.id = page.id ORDER BY page.n",
               s->limit, param(&b, s->with_private ? "true" : "false"));
    PGresult *r = db_query_text(c, buf_cstr(&b.sql), b.n, b.params, pb);
    buf_free(&b.sql);
    return r;
}

/* The documents of rows already found (a JSON array of [key, id]), in
 * their order, but for a last row past the page: prepared, the ids a
 * parameter, so that practice_rows is inlined and planned once (with the
 * ids from a sub-select it ran as a function, planned anew at every call:
 * 2 of its 3 ms). */
static const struct db_stmt st_found = {
    "search_found",
    "SELECT e.v->>0, (e.v->>1)::int, d.*"
    " FROM json_array_elements($1::json) WITH ORDINALITY e (v, n)"
    " LEFT JOIN practice_rows($2::int[], $3::boolean) d ON d.id = (e.v->>1)::int ORDER BY e.n",
    3};

static PGresult *found_query(struct db_conn *c, const struct search *s, const struct buf *found,
                             struct problem *pb)
{
    json_t *rows = json_loads(buf_cstr((struct buf *)found), 0, NULL);
    struct buf ids = BUF_INIT;
    buf_puts(&ids, "{");
    for (size_t i = 0; i < json_array_size(rows) && i < (size_t)s->limit; i++)
        buf_printf(&ids, "%s%lld", i ? "," : "",
                   (long long)json_integer_value(json_array_get(json_array_get(rows, i), 1)));
    buf_puts(&ids, "}");
    json_decref(rows);
    const char *params[] = {buf_cstr((struct buf *)found), buf_cstr(&ids),
                            s->with_private ? "true" : "false"};
    PGresult *r = db_query(c, &st_found, params, NULL, pb);
    buf_free(&ids);
    return r;
}

bool search_store_page(struct db_conn *c, const struct search *s, const struct search_resolved *res,
                       long long total, const struct buf *found, struct buf *items,
                       struct buf *next_cursor, struct problem *pb)
{
    if (total == 0 || (found && found->len && strcmp(buf_cstr((struct buf *)found), "[]") == 0)) {
        buf_puts(items, "[]"); /* nothing to look for again */
        return true;
    }
    long long budget = found && found->len ? 0 : walk_budget(s, res, total);
    PGresult *r =
        found && found->len ? found_query(c, s, found, pb) : page_query(c, s, res, budget, pb);
    if (r && budget && PQntuples(r) <= s->limit) { /* maybe short of the page: sort instead */
        PQclear(r);
        r = page_query(c, s, res, 0, pb);
    }
    if (!r)
        return false;
    int rows = PQntuples(r), shown = rows > s->limit ? s->limit : rows;
    struct marked m = {0};
    if (s->q)
        marked_open(&m, buf_cstr((struct buf *)&res->words));
    buf_puts(items, "[");
    for (int i = 0, k = 0; i < shown; i++) {
        if (PQgetisnull(r, i, 2)) /* deleted since it was found */
            continue;
        if (k++)
            buf_puts(items, ",");
        practice_doc_write(items, r, i, 2);
        if (!s->q)
            continue;
        items->len--; /* the document's closing brace */
        add_highlight(items, PQgetvalue(r, i, 2 + PRACTICE_DOC_TITLE),
                      PQgetvalue(r, i, 2 + PRACTICE_DOC_SUMMARY), &m);
        buf_puts(items, "}");
    }
    buf_puts(items, "]");
    if (s->q)
        marked_close(&m);
    if (rows > s->limit)
        search_cursor(s, PQgetvalue(r, shown - 1, 0), atoll(PQgetvalue(r, shown - 1, 1)),
                      next_cursor);
    PQclear(r);
    return true;
}

/* The facet number of the page's rows in search_store_counts' answer
 * (after every facet's). */
#define PAGE_ROWS 99

static const char *const facet_names[FACET__MAX] = {[FACET_CATEGORY] = "category",
                                                    [FACET_VOIVODESHIP] = "voivodeship",
                                                    [FACET_UNIT_TYPE] = "unit_type",
                                                    [FACET_YEAR] = "year"};

/* The total and every facet come from one pass over the matches
 * (grouping sets: GROUPING() tells which set a row counts, 15 the total);
 * categories are grouped by a practice's whole array (73 distinct ones
 * among the benchmark's 100,000), then each array's count goes to each of
 * its ids. Rows are (facet number + 1, or 0 for the total; value; count;
 * category id, name), in facet order. A second pass for the categories, unnesting every
 * match's array, took as long again as the first for a common word. */
bool search_store_counts(struct db_conn *c, const struct search *s,
                         const struct search_resolved *res, bool areas_only, long long *total,
                         struct buf *facets, struct buf *found, struct problem *pb)
{
    static const struct {
        enum search_facet f;
        const char *column;   /* its value, as the pass selects it */
        const char *constant; /* in its stead when not asked for */
        int grouping;         /* GROUPING(voivodeship, unit_type, y, category_ids) of its rows */
    } sets[] = {
        {FACET_VOIVODESHIP, "s.voivodeship", "NULL::text AS voivodeship", 7},
        {FACET_UNIT_TYPE, "s.unit_type", "NULL::text AS unit_type", 11},
        /* date_part, a float8: extract's numeric cost 10 ms in 100,000 rows */
        {FACET_YEAR, "date_part('year', s.entered_on)::int AS y", "NULL::int AS y", 13},
        {FACET_CATEGORY, "s.category_ids", "NULL::int[] AS category_ids", 14},
    };
    struct sqlb b = {.sql = BUF_INIT};
    bool phrase = false, other;
    if (found && res->tsquery)
        query_ops(res->tsquery, &phrase, &other);
    if (phrase) {
        /* The matches once, with what the counts and the page's order read:
         * a phrase makes PostgreSQL read each candidate's vector from TOAST
         * to check positions (15-20 µs a row), which the page did again. */
        buf_puts(&b.sql, "WITH m AS MATERIALIZED (SELECT s.practice_id, s.voivodeship,"
                         " s.unit_type, s.entered_on, s.category_ids, s.updated_at, s.title,"
                         " s.title_vector");
        from_where(&b, s, res, NULL, NULL);
        buf_puts(&b.sql, "), ");
    } else {
        buf_puts(&b.sql, "WITH ");
    }
    buf_puts(&b.sql, "t AS (SELECT CASE GROUPING(voivodeship, unit_type, y, category_ids)"
                     " WHEN 15 THEN 0");
    for (size_t i = 0; i < 4; i++)
        buf_printf(&b.sql, " WHEN %d THEN %d", sets[i].grouping, sets[i].f + 1);
    /* A facet not asked for groups a constant: one cheap row, left out. */
    buf_puts(&b.sql, " END AS f, coalesce(voivodeship, unit_type, y::text) AS v,"
                     " category_ids AS ids, count(*) AS n FROM (SELECT ");
    for (size_t i = 0; i < 4; i++)
        buf_printf(&b.sql, "%s%s", i ? ", " : "",
                   s->facets & (1u << sets[i].f) ? sets[i].column : sets[i].constant);
    if (phrase)
        buf_puts(&b.sql, " FROM m s");
    else
        from_where(&b, s, res, NULL, NULL);
    /* Values in byte order, whatever the database's collation, as the
     * snapshot in memory orders them (search_mem_search.c): explicit, so
     * that it also wins over the page rows' keys (a title's collation). */
    buf_puts(&b.sql, ") m GROUP BY GROUPING SETS ((), (voivodeship), (unit_type), (y),"
                     " (category_ids))) SELECT f, v COLLATE \"C\", n, NULL AS id, NULL AS name,"
                     " NULL::bigint AS o FROM t WHERE f = 0");
    for (size_t i = 0; i < 3; i++)
        if (s->facets & (1u << sets[i].f))
            buf_printf(&b.sql, " OR f = %d", sets[i].f + 1);
    if (s->facets & (1u << FACET_CATEGORY)) {
        buf_printf(
            &b.sql,
            " UNION ALL SELECT 1, c.slug COLLATE \"C\", sum(t.n)::bigint, c.id::text, c.name, NULL"
            " FROM t, unnest(t.ids) x JOIN category c ON c.id = x WHERE t.f = %d",
            FACET_CATEGORY + 1);
        if (areas_only)
            buf_puts(&b.sql, " AND c.parent_id IS NULL");
        buf_puts(&b.sql, " GROUP BY c.id");
    }
    if (phrase) { /* the page: rows PAGE_ROWS, key in v, id in n, in order o */
        buf_printf(
            &b.sql,
            " UNION ALL SELECT %d, x.k::text COLLATE \"C\", x.id, NULL, NULL, row_number() OVER ()"
            " FROM (SELECT s.practice_id AS id, %s AS k FROM m s, (SELECT $%d::tsquery"
            " AS tsq) qq WHERE true",
            PAGE_ROWS, sorts[s->sort].key, b.tsq);
        order(&b, s, s->limit + 1);
        buf_puts(&b.sql, ") x");
    }
    buf_puts(&b.sql, " ORDER BY 1, 6, 3 DESC, 2");
    PGresult *r = db_query_text(c, buf_cstr(&b.sql), b.n, b.params, pb);
    buf_free(&b.sql);
    if (!r)
        return false;
    int rows = PQntuples(r), row = 1;
    *total = atoll(PQgetvalue(r, 0, 2));
    if (phrase) {
        buf_puts(found, "[");
        for (int i = 1, k = 0; i < rows; i++) {
            if (atoi(PQgetvalue(r, i, 0)) != PAGE_ROWS)
                continue;
            buf_puts(found, k++ ? ",[" : "[");
            buf_json_str(found, PQgetvalue(r, i, 1));
            buf_printf(found, ",%s]", PQgetvalue(r, i, 2));
        }
        buf_puts(found, "]");
    }
    for (int f = 0, first = 1; f < FACET__MAX; f++) {
        if (!(s->facets & (1u << f)))
            continue;
        buf_printf(facets, "%s\"%s\":[", first ? "" : ",", facet_names[f]);
        first = 0;
        for (int k = 0; row < rows && atoi(PQgetvalue(r, row, 0)) == f + 1; row++, k++) {
            buf_puts(facets, k ? ",{\"value\":" : "{\"value\":");
            if (PQgetisnull(r, row, 1))
                buf_puts(facets, "null");
            else if (f == FACET_YEAR)
                buf_puts(facets, PQgetvalue(r, row, 1));
            else
                buf_json_str(facets, PQgetvalue(r, row, 1));
            if (f == FACET_CATEGORY) {
                buf_printf(facets, ",\"id\":%s,\"name\":", PQgetvalue(r, row, 3));
                buf_json_str(facets, PQgetvalue(r, row, 4));
            }
            buf_printf(facets, ",\"count\":%s}", PQgetvalue(r, row, 2));
        }
        buf_puts(facets, "]");
    }
    PQclear(r);
    return true;
}

/* Each lexeme's practices, one statement for all: the text index's
 * matches of a lexeme so rare that the snapshot in memory does not hold
 * it (search_mem.h). */
static const struct db_stmt st_postings = {
    "search_postings",
    "SELECT x.l, ARRAY(SELECT s.practice_id FROM practice_search s"
    " WHERE s.vector @@ search_term(x.l))::text FROM json_array_elements_text($1::json) x (l)",
    1};

bool search_store_postings(struct db_conn *c, const char *const *lexemes, size_t n,
                           void (*each)(void *ctx, const char *lexeme, const int32_t *ids,
                                        size_t nids),
                           void *ctx, struct problem *pb)
{
    struct buf list = BUF_INIT;
    buf_puts(&list, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(&list, ",");
        buf_json_str(&list, lexemes[i]);
    }
    buf_puts(&list, "]");
    const char *params[] = {buf_cstr(&list)};
    PGresult *r = db_query(c, &st_postings, params, NULL, pb);
    buf_free(&list);
    if (!r)
        return false;
    int32_t *ids = NULL;
    for (int row = 0; row < PQntuples(r); row++) {
        const char *p = PQgetvalue(r, row, 1); /* {1,5,12} */
        size_t k = 0;
        ids = xrealloc(ids, (strlen(p) / 2 + 1) * sizeof *ids);
        for (char *end; *p; p++)
            if (*p >= '0' && *p <= '9') {
                ids[k++] = (int32_t)strtol(p, &end, 10);
                p = end - 1;
            }
        each(ctx, PQgetvalue(r, row, 0), ids, k);
    }
    free(ids);
    PQclear(r);
    return true;
}

const char *const search_csv_columns[] = {
    "id",         "title",       "status",    "category_slugs", "unit_id",
    "unit_teryt", "unit_name",   "unit_type", "voivodeship",    "population",
    "summary",    "keywords",    "partners",  "entered_on",     "revised_on",
    "source",     "external_id", "version",   "updated_at",     NULL};

#define CSV_SELECT                                                                                 \
    "SELECT p.id, p.title, p.status, (SELECT string_agg(c.slug, '|' ORDER BY pc.position)"         \
    " FROM practice_category pc JOIN category c ON c.id = pc.category_id"                          \
    " WHERE pc.practice_id = p.id), p.unit_id, u.teryt, u.name, u.type, u.voivodeship,"            \
    " u.population, p.summary, (SELECT string_agg(x, '|') FROM jsonb_array_elements_text("         \
    "p.keywords) x), (SELECT string_agg(x, '|') FROM jsonb_array_elements_text(p.partners) x),"    \
    " p.entered_on, p.revised_on, p.source, p.external_id, p.version, rfc3339(p.updated_at)"

struct export_ctx {
    bool (*row)(void *ctx, const char *const *fields, int n);
    void *ctx;
};

static bool export_row(void *ctx, const PGresult *r)
{
    struct export_ctx *e = ctx;
    const char *fields[32];
    int n = PQnfields(r);
    for (int i = 0; i < n && i < 32; i++)
        fields[i] = PQgetisnull(r, 0, i) ? NULL : PQgetvalue(r, 0, i);
    return e->row(e->ctx, fields, n);
}

bool search_store_export(struct db_conn *c, const struct search *s,
                         const struct search_resolved *res, enum search_export format,
                         bool (*row)(void *ctx, const char *const *fields, int n), void *ctx,
                         struct problem *pb)
{
    struct sqlb b = {.sql = BUF_INIT};
    struct export_ctx e = {row, ctx};
    if (format == EXPORT_CSV)
        buf_puts(&b.sql, CSV_SELECT);
    else
        buf_printf(&b.sql, "SELECT practice_json(p, $%d::boolean)::text",
                   param(&b, s->with_private ? "true" : "false"));
    /* One level, so that the order holds; PostgreSQL renders after sorting. */
    from_where(&b, s, res, "p.id = s.practice_id AND u.id = p.unit_id", NULL);
    order(&b, s, 0);
    /* An export is one statement as long as the client takes to read it:
     * the 30 s bound of other statements would cut it off. */
    struct db_err err;
    if (!db_command(c, "SET LOCAL statement_timeout = '1h'", &err)) {
        db_err_problem(&err, pb);
        buf_free(&b.sql);
        return false;
    }
    bool ok = db_stream(c, buf_cstr(&b.sql), b.n, b.params, export_row, &e, pb);
    buf_free(&b.sql);
    return ok;
}
