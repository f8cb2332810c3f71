/* A search over the snapshot: its query on the postings, its filters in
 * one pass over the matches that also counts the total and the facets,
 * and the page in the sort's order after the cursor, relevance ranked as
 * PostgreSQL ranks it. Pure: no SQL, no HTTP. */
#include "bdp/search_mem.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const struct smem *m, uint32_t off)
{
    return off ? m->arena.p + off : NULL;
}

/* A search's filters, resolved against the snapshot once. */
struct want {
    const struct search *s;
    uint16_t status, voivodeship, unit_type, source; /* 0: not filtered; UINT16_MAX: no value */
    int category;                                    /* -1: not filtered */
    int32_t unit_id, pop_min, pop_max, entered_from, entered_to;
    int64_t updated_since;
    size_t teryt_len;
};

/* Days since 1970-01-01 of a valid YYYY-MM-DD (Hinnant's days_from_civil). */
static int32_t days_of(const char *s)
{
    long y = strtol(s, NULL, 10), mo = strtol(s + 5, NULL, 10), d = strtol(s + 8, NULL, 10);
    y -= mo <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

/* µs since the epoch of a timestamp search_parse accepted. */
static int64_t micros_of(const char *s)
{
    int64_t t = (int64_t)days_of(s) * 86400 + strtol(s + 11, NULL, 10) * 3600 +
                strtol(s + 14, NULL, 10) * 60 + strtol(s + 17, NULL, 10);
    int64_t us = 0;
    const char *p = s + 19;
    if (*p == '.') {
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            us = us * 10 + (*p - '0');
        for (; digits < 6; digits++)
            us *= 10;
    }
    if (*p == '+' || *p == '-') {
        int64_t off = strtol(p + 1, NULL, 10) * 3600 + strtol(p + 4, NULL, 10) * 60;
        t += *p == '+' ? -off : off;
    }
    return t * 1000000 + us;
}

static bool want_init(struct want *w, const struct smem *m, const struct search *s,
                      const char *category_id)
{
    *w = (struct want){.s = s, .category = -1};
    w->status = smem_find_value(m, s->status);
    w->voivodeship = smem_find_value(m, s->voivodeship);
    w->unit_type = smem_find_value(m, s->unit_type);
    w->source = smem_find_value(m, s->source);
    if (category_id && (w->category = smem_category_index(m, (int32_t)atol(category_id))) < 0)
        return false;
    w->unit_id = s->unit_id ? (int32_t)atol(s->unit_id) : 0;
    w->pop_min = s->population_min ? (int32_t)atol(s->population_min) : 0;
    w->pop_max = s->population_max ? (int32_t)atol(s->population_max) : 0;
    w->entered_from = s->entered_from ? days_of(s->entered_from) : 0;
    w->entered_to = s->entered_to ? days_of(s->entered_to) : 0;
    w->updated_since = s->updated_since ? micros_of(s->updated_since) : 0;
    w->teryt_len = s->teryt ? strlen(s->teryt) : 0;
    return true;
}

/* Whether s filters by more than visibility and the query. */
static bool filtered(const struct search *s, const char *category_id)
{
    return s->status || s->voivodeship || s->unit_type || s->source || category_id || s->unit_id ||
           s->population_min || s->population_max || s->entered_from || s->entered_to ||
           s->updated_since || s->teryt || s->external_id;
}

/* The filters but visibility (smem.published). */
static bool passes(const struct smem *m, const struct want *w, const struct smem_doc *d)
{
    const struct search *s = w->s;
    if ((w->status && d->status != w->status) ||
        (w->voivodeship && d->voivodeship != w->voivodeship) ||
        (w->unit_type && d->unit_type != w->unit_type) || (w->source && d->source != w->source))
        return false;
    if (s->unit_id && d->unit_id != w->unit_id)
        return false;
    if ((s->population_min || s->population_max) &&
        (d->population == SMEM_NULL_INT || (s->population_min && d->population < w->pop_min) ||
         (s->population_max && d->population > w->pop_max)))
        return false;
    if ((s->entered_from && d->entered < w->entered_from) ||
        (s->entered_to && d->entered > w->entered_to) ||
        (s->updated_since && d->updated < w->updated_since))
        return false;
    if (s->teryt && (!d->teryt || memcmp(d->teryt7, s->teryt, w->teryt_len) != 0))
        return false; /* teryt is 1-7 digits (search.c): within teryt7 */
    if (s->external_id && (!d->external_id || strcmp(str(m, d->external_id), s->external_id)))
        return false;
    if (w->category >= 0) {
        const uint16_t *c = m->doc_cats + d->cats;
        uint16_t i = 0;
        while (i < d->ncats && c[i] != w->category)
            i++;
        if (i == d->ncats)
            return false;
    }
    return true;
}

/* One facet's values with their counts, ordered as search_store_counts
 * orders them: more first, then by value as text in bytes, NULL last (a
 * year too is compared as its text). */
struct entry {
    const char *value; /* NULL: null, or a year in text */
    char text[12];     /* a year */
    long long count;
    const struct smem_category *cat;
};

static const char *entry_text(const struct entry *e)
{
    return e->value ? e->value : e->text[0] ? e->text : NULL;
}

static int entry_cmp(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    const char *u = entry_text(x), *v = entry_text(y);
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    if (!u || !v)
        return !u - !v;
    return strcmp(u, v);
}

static void put_entries(struct buf *out, struct entry *e, size_t n)
{
    qsort(e, n, sizeof *e, entry_cmp);
    for (size_t i = 0; i < n; i++) {
        buf_puts(out, i ? ",{\"value\":" : "{\"value\":");
        if (e[i].text[0])
            buf_puts(out, e[i].text);
        else if (e[i].value)
            buf_json_str(out, e[i].value);
        else
            buf_puts(out, "null");
        if (e[i].cat) {
            buf_printf(out, ",\"id\":%d,\"name\":", e[i].cat->id);
            buf_json_str(out, e[i].cat->name);
        }
        buf_printf(out, ",\"count\":%lld}", e[i].count);
    }
}

static long long *zeroed(size_t n)
{
    long long *a = xmalloc(n * sizeof *a);
    memset(a, 0, n * sizeof *a);
    return a;
}

/* Appends each facet asked for, from the counts of values. */
static void put_facets(const struct smem *m, const struct search *s, bool areas_only,
                       struct buf *facets, const long long *voiv, const long long *type,
                       const long long *year, size_t nyears, const long long *cat)
{
    struct entry *e = xmalloc((m->nvalues + nyears + m->ncats + 1) * sizeof *e);
    for (int f = 0, first = 1; f < FACET__MAX; f++) {
        if (!(s->facets & (1u << f)))
            continue;
        buf_printf(facets, "%s\"%s\":[", first ? "" : ",", search_facet_names[f]);
        first = 0;
        size_t k = 0;
        if (f == FACET_VOIVODESHIP || f == FACET_UNIT_TYPE) {
            const long long *c = f == FACET_VOIVODESHIP ? voiv : type;
            for (uint32_t v = 0; v <= m->nvalues; v++)
                if (c[v])
                    e[k++] =
                        (struct entry){.value = v ? str(m, m->values[v]) : NULL, .count = c[v]};
        } else if (f == FACET_YEAR) {
            for (size_t y = 0; y < nyears; y++)
                if (year[y]) {
                    e[k] = (struct entry){.count = year[y]};
                    snprintf(e[k++].text, sizeof e->text, "%d", m->year_min + (int)y);
                }
        } else {
            for (uint32_t c = 0; c < m->ncats; c++)
                if (cat[c] && (!areas_only || m->cats[c].area))
                    e[k++] = (struct entry){
                        .value = m->cats[c].slug, .count = cat[c], .cat = &m->cats[c]};
        }
        put_entries(facets, e, k);
        buf_puts(facets, "]");
    }
    free(e);
}

/* ---- the page */

/* A row of the page: its doc and its rank (relevance only). */
struct row {
    float rank;
    uint32_t i;
};

static void put_row(const struct smem *m, const struct search *s, struct buf *found,
                    const struct row *r, size_t k)
{
    const struct smem_doc *d = &m->docs[r->i];
    char key[40];
    const char *text = key;
    switch (s->sort) {
    case SORT_RELEVANCE:
        /* real as PostgreSQL prints it: the fewest digits that read back */
        for (int p = 1; p <= 9; p++) {
            snprintf(key, sizeof key, "%.*g", p, (double)r->rank);
            if (strtof(key, NULL) == r->rank)
                break;
        }
        break;
    case SORT_ENTERED_DESC:
    case SORT_ENTERED_ASC: {
        int year, month, day;
        smem_date(d->entered, &year, &month, &day);
        snprintf(key, sizeof key, "%04d-%02d-%02d", year, month, day);
        break;
    }
    case SORT_TITLE: text = str(m, d->title); break;
    case SORT_UPDATED_DESC: text = str(m, d->updated_text); break;
    case SORT__MAX: break;
    }
    buf_puts(found, k ? ",[" : "[");
    buf_json_str(found, text ? text : "");
    buf_printf(found, ",%d]", d->id);
}

static bool in(const uint64_t *bits, uint32_t i)
{
    return bits[i / 64] >> (i % 64) & 1;
}

/* The first place in order (n docs, descending) whose doc's (key, id) is
 * below (after, after_id): the place after the cursor's row. */
static uint32_t after_place(const struct smem *m, const uint32_t *order, uint32_t n, bool updated,
                            int64_t after, int64_t after_id)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        const struct smem_doc *d = &m->docs[order[mid]];
        int64_t k = updated ? d->updated : d->entered;
        if (k > after || (k == after && d->id >= after_id))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The rows of a sort by a column: its order walked from the cursor. */
static bool walk(const struct smem *m, const struct search *s, const uint64_t *res,
                 struct buf *found)
{
    const uint32_t *order = s->sort == SORT_TITLE          ? m->by_title
                            : s->sort == SORT_UPDATED_DESC ? m->by_updated
                                                           : m->by_entered;
    bool reverse = s->sort == SORT_ENTERED_ASC;
    uint32_t n = m->ndocs, from = 0;
    if (s->after) {
        const char *key = buf_cstr((struct buf *)&s->after_key);
        if (s->after_id > INT32_MAX || s->after_id < INT32_MIN)
            return false; /* PostgreSQL says what that means */
        int32_t id = (int32_t)s->after_id;
        if (s->sort == SORT_TITLE) {
            /* Titles compare in PostgreSQL's collation: the cursor's row
             * gives the place, if it is still as the cursor saw it. */
            uint32_t i = smem_doc_index(m, id);
            if (i == UINT32_MAX || strcmp(str(m, m->docs[i].title), key) != 0)
                return false;
            from = m->title_rank[i] + 1;
        } else if (s->sort == SORT_UPDATED_DESC) {
            from = after_place(m, order, n, true, micros_of(key), id);
        } else if (!reverse) {
            from = after_place(m, order, n, false, days_of(key), id);
        } else { /* oldest first: below the place of (key, id) and itself */
            uint32_t at = after_place(m, order, n, false, days_of(key), (int64_t)id + 1);
            from = n - at; /* places counted from the end */
        }
    }
    buf_puts(found, "[");
    size_t k = 0;
    for (uint32_t p = from; p < n && k <= (size_t)s->limit; p++) {
        uint32_t i = reverse ? order[n - 1 - p] : order[p];
        if (in(res, i)) {
            struct row r = {0, i};
            put_row(m, s, found, &r, k++);
        }
    }
    buf_puts(found, "]");
    return true;
}

static int row_cmp(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank > y->rank ? -1 : 1;
    return x->i > y->i ? -1 : x->i < y->i; /* index order is id order */
}

/* Whether r comes after the cursor (rank, id): (RANK, id) < (key, id). */
static bool after_cursor(const struct smem *m, const struct row *r, bool after, float rank,
                         long long id)
{
    return !after || r->rank < rank || (r->rank == rank && m->docs[r->i].id < id);
}

/* The last doc at or below from in res, not in cand, whose title is empty
 * or not as asked; -1: none. */
static int64_t prev_other(const struct smem *m, const uint64_t *res, const uint64_t *cand,
                          bool empty, int64_t from)
{
    while (from >= 0) {
        size_t k = (size_t)from / 64;
        uint64_t w = res[k] & ~cand[k] & (empty ? m->untitled[k] : ~m->untitled[k]);
        unsigned bit = (unsigned)(from % 64);
        w &= bit == 63 ? ~0ull : (2ull << bit) - 1;
        if (w)
            return (int64_t)(k * 64 + 63 - (size_t)__builtin_clzll(w));
        from = (int64_t)k * 64 - 1;
    }
    return -1;
}

/* The rows by relevance. The practices whose title has a word of the
 * query are ranked one by one; every other one ranks the same, by its
 * title being empty or not (the title matches the query or not, with no
 * word of it present), and comes newest id first among its equals. */
static bool ranked(const struct smem *m, const struct search *s, const struct smem_query *q,
                   const uint64_t *res, struct buf *found)
{
    float after = 0;
    if (s->after) {
        const char *key = buf_cstr((struct buf *)&s->after_key);
        char *end;
        errno = 0;
        after = strtof(key, &end);
        if (errno || *end || !isfinite(after) || s->after_id > INT32_MAX || s->after_id < INT32_MIN)
            return false; /* PostgreSQL says what that means */
    }
    size_t words = (m->ndocs + 63) / 64;
    uint64_t *cand = xmalloc((words ? words : 1) * sizeof *cand);
    memset(cand, 0, (words ? words : 1) * sizeof *cand);
    struct row *rows = NULL;
    size_t nrows = 0, cap = 0;
    struct smem_rank_scratch scratch = {0};
    for (size_t it = 0; it < q->nitems; it++) {
        const struct smem_term *t = q->item_tterm[it];
        for (uint32_t k = 0; t && k < t->n; k++) {
            uint32_t i = t->docs[k];
            if (!in(res, i) || in(cand, i))
                continue;
            cand[i / 64] |= 1ull << (i % 64);
            if (nrows == cap) {
                cap = cap ? 2 * cap : 256;
                rows = xrealloc(rows, cap * sizeof *rows);
            }
            rows[nrows++] = (struct row){smem_query_rank(m, q, i, &scratch), i};
        }
    }
    smem_rank_scratch_free(&scratch);
    if (nrows) /* rows is NULL without any */
        qsort(rows, nrows, sizeof *rows, row_cmp);
    /* The two ranks of the others: with no word present, the title
     * matches as the query does on nothing; ts_rank is 0, or 1e-20 in its
     * "and" form (none of its pairs found), or 0 for an empty title. */
    bool nothing = smem_query_matches_nothing(m, q);
    float base[2] = {(float)((double)nothing + (q->top_and && q->nitems >= 2 ? 1e-20f : 0.0f)),
                     (float)nothing};
    size_t c = 0, k = 0;
    while (c < nrows && !after_cursor(m, &rows[c], s->after, after, s->after_id))
        c++;
    int64_t next[2] = {(int64_t)m->ndocs - 1, (int64_t)m->ndocs - 1};
    for (int e = 0; s->after && e < 2; e++) {
        if (base[e] > after) /* all of it before the cursor */
            next[e] = -1;
        else if (base[e] == after) /* from the cursor's id down */
            next[e] = (int64_t)smem_doc_at_or_after(m, s->after_id) - 1;
    }
    buf_puts(found, "[");
    while (k <= (size_t)s->limit) {
        /* The head of each of the two others' streams after the cursor. */
        struct row head[2];
        bool have[2] = {false, false};
        for (int e = 0; e < 2; e++)
            if ((next[e] = prev_other(m, res, cand, e == 1, next[e])) >= 0) {
                head[e] = (struct row){base[e], (uint32_t)next[e]};
                have[e] = true;
            }
        const struct row *best = c < nrows ? &rows[c] : NULL;
        int from = -1;
        for (int e = 0; e < 2; e++)
            if (have[e] && (!best || row_cmp(&head[e], best) < 0)) {
                best = &head[e];
                from = e;
            }
        if (!best)
            break;
        put_row(m, s, found, best, k++);
        if (from < 0)
            c++;
        else
            next[from]--;
    }
    buf_puts(found, "]");
    free(rows);
    free(cand);
    return true;
}

bool smem_search(const struct smem *m, const struct search *s, const char *category_id,
                 const struct smem_query *q, bool areas_only, long long *total, struct buf *facets,
                 struct buf *found)
{
    struct want w;
    if (!want_init(&w, m, s, category_id))
        return false;
    uint64_t *hits = NULL;
    if (q && !(hits = smem_query_matches(m, q)))
        return false;
    /* The result: the matches (or every practice) the reader may see,
     * then each one through the other filters; the facets count it. */
    size_t words = (m->ndocs + 63) / 64;
    uint64_t *res = hits;
    if (!res) {
        res = xmalloc((words ? words : 1) * sizeof *res);
        memset(res, 0xff, (words ? words : 1) * sizeof *res);
        if (m->ndocs % 64)
            res[words - 1] = (1ull << (m->ndocs % 64)) - 1;
    }
    hits = NULL;
    bool filter = filtered(s, category_id);
    long long n = 0;
    for (size_t k = 0; k < words; k++) {
        uint64_t b = res[k];
        if (!s->with_private)
            b &= m->published[k];
        if (filter)
            for (uint64_t r = b; r; r &= r - 1) {
                uint32_t i = (uint32_t)(k * 64 + (size_t)__builtin_ctzll(r));
                if (!passes(m, &w, &m->docs[i]))
                    b &= ~(1ull << (i % 64));
            }
        res[k] = b;
        n += __builtin_popcountll(b);
    }
    size_t nyears = m->year_max >= m->year_min ? (size_t)(m->year_max - m->year_min + 1) : 0;
    long long *voiv = zeroed(m->nvalues + 1), *type = zeroed(m->nvalues + 1);
    long long *year = zeroed(nyears + 1), *cat = zeroed(m->ncats + 1);
    for (size_t k = 0; s->facets && k < words; k++)
        for (uint64_t r = res[k]; r; r &= r - 1) {
            uint32_t i = (uint32_t)(k * 64 + (size_t)__builtin_ctzll(r));
            const struct smem_facets *f = &m->facets[i];
            voiv[f->voivodeship]++;
            type[f->unit_type]++;
            year[f->year]++;
            for (uint16_t c = 0; c < f->ncats; c++)
                cat[m->doc_cats[f->cats + c]]++;
        }
    free(hits);
    *total = n;
    put_facets(m, s, areas_only, facets, voiv, type, year, nyears, cat);
    free(voiv);
    free(type);
    free(year);
    free(cat);
    if (found && n) {
        bool ok = s->sort == SORT_RELEVANCE ? ranked(m, s, q, res, found) : walk(m, s, res, found);
        if (!ok)
            buf_reset(found);
    } else if (found) {
        buf_puts(found, "[]");
    }
    free(res);
    return true;
}
