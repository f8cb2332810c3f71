/* A snapshot of practice_search in memory, and the counts of a search
 * over it: its query evaluated on bitmaps, then one pass over the matches
 * for the filters, the total and the facets. Pure: no SQL, no HTTP. */
#include "bdp/search_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct smem *smem_new(void)
{
    struct smem *m = xmalloc(sizeof *m);
    *m = (struct smem){
        .arena = BUF_INIT, .term_slots = 1024, .year_min = INT16_MAX, .year_max = INT16_MIN};
    m->terms = xmalloc(m->term_slots * sizeof *m->terms);
    memset(m->terms, 0, m->term_slots * sizeof *m->terms);
    buf_append(&m->arena, "", 1); /* offset 0: NULL */
    m->values = xmalloc(sizeof *m->values);
    return m;
}

void smem_free(struct smem *m)
{
    if (!m)
        return;
    for (uint32_t i = 0; i < m->term_slots; i++) {
        free(m->terms[i].lexeme);
        free(m->terms[i].docs);
        free(m->terms[i].bits);
    }
    for (uint32_t i = 0; i < m->ncats; i++) {
        free(m->cats[i].slug);
        free(m->cats[i].name);
    }
    free(m->terms);
    free(m->cats);
    free(m->docs);
    free(m->doc_cats);
    free(m->values);
    buf_free(&m->arena);
    free(m);
}

uint32_t smem_string(struct smem *m, const char *s)
{
    if (!s)
        return 0;
    uint32_t off = (uint32_t)m->arena.len;
    buf_append(&m->arena, s, strlen(s) + 1);
    return off;
}

static const char *str(const struct smem *m, uint32_t off)
{
    return off ? m->arena.p + off : NULL;
}

/* Few distinct values (statuses, voivodeships, unit types, sources): a
 * look along the list is enough. */
uint16_t smem_value(struct smem *m, const char *s)
{
    if (!s)
        return 0;
    for (uint32_t i = 1; i <= m->nvalues; i++)
        if (strcmp(str(m, m->values[i]), s) == 0)
            return (uint16_t)i;
    if (m->nvalues == UINT16_MAX)
        return UINT16_MAX; /* saturated: the snapshot is refused (smem_add_doc) */
    m->values = xrealloc(m->values, (m->nvalues + 2) * sizeof *m->values);
    m->values[++m->nvalues] = smem_string(m, s);
    return (uint16_t)m->nvalues;
}

void smem_add_category(struct smem *m, int32_t id, bool area, const char *slug, const char *name)
{
    m->cats = xrealloc(m->cats, (m->ncats + 1) * sizeof *m->cats);
    m->cats[m->ncats++] = (struct smem_category){id, area, xstrdup(slug), xstrdup(name)};
}

static int category_index(const struct smem *m, int32_t id)
{
    uint32_t lo = 0, hi = m->ncats;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (m->cats[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->ncats && m->cats[lo].id == id ? (int)lo : -1;
}

/* The proleptic Gregorian year of a day counted from 1970-01-01 (Howard
 * Hinnant's civil_from_days). */
static int year_of(int32_t days)
{
    long z = (long)days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    return (int)(yoe + era * 400 + (mp >= 10 ? 1 : 0));
}

bool smem_add_doc(struct smem *m, const struct smem_doc *d, const int32_t *cat_ids, int ncats)
{
    if (d->status == UINT16_MAX || d->voivodeship == UINT16_MAX || d->unit_type == UINT16_MAX ||
        d->source == UINT16_MAX || ncats > UINT16_MAX)
        return false;
    if ((m->ndocs & (m->ndocs - 1)) == 0) /* 0, 1, 2, 4, ...: room doubles */
        m->docs = xrealloc(m->docs, (m->ndocs ? 2 * m->ndocs : 1) * sizeof *m->docs);
    struct smem_doc *x = &m->docs[m->ndocs++];
    *x = *d;
    x->cats = m->ndoc_cats;
    x->ncats = (uint16_t)ncats;
    int year = year_of(d->entered);
    x->year = (int16_t)(year < -9999 ? -9999 : year > 9999 ? 9999 : year);
    if (x->year < m->year_min)
        m->year_min = x->year;
    if (x->year > m->year_max)
        m->year_max = x->year;
    while (m->ndoc_cats + (uint32_t)ncats > m->doc_cats_cap) {
        m->doc_cats_cap = m->doc_cats_cap ? 2 * m->doc_cats_cap : 64;
        m->doc_cats = xrealloc(m->doc_cats, m->doc_cats_cap * sizeof *m->doc_cats);
    }
    for (int i = 0; i < ncats; i++) {
        int c = category_index(m, cat_ids[i]);
        if (c < 0)
            return false;
        m->doc_cats[m->ndoc_cats++] = (uint16_t)c;
    }
    return true;
}

/* FNV-1a */
static uint32_t hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The slot of lexeme: its own, or the free one where it would go. */
static struct smem_term *slot(const struct smem *m, const char *lexeme, size_t len)
{
    uint32_t mask = m->term_slots - 1;
    for (uint32_t i = hash(lexeme, len) & mask;; i = (i + 1) & mask) {
        struct smem_term *t = &m->terms[i];
        if (!t->lexeme || (strncmp(t->lexeme, lexeme, len) == 0 && t->lexeme[len] == '\0'))
            return t;
    }
}

bool smem_hold(struct smem *m, const char *lexeme, size_t len)
{
    if (2 * (m->nterms + 1) > m->term_slots) { /* at most half full */
        struct smem_term *old = m->terms;
        uint32_t n = m->term_slots;
        m->term_slots *= 2;
        m->terms = xmalloc(m->term_slots * sizeof *m->terms);
        memset(m->terms, 0, m->term_slots * sizeof *m->terms);
        for (uint32_t i = 0; i < n; i++)
            if (old[i].lexeme)
                *slot(m, old[i].lexeme, strlen(old[i].lexeme)) = old[i];
        free(old);
    }
    struct smem_term *t = slot(m, lexeme, len);
    if (t->lexeme)
        return false;
    t->lexeme = xstrndup(lexeme, len);
    m->nterms++;
    return true;
}

const struct smem_term *smem_term(const struct smem *m, const char *lexeme, size_t len)
{
    const struct smem_term *t = slot(m, lexeme, len);
    return t->lexeme ? t : NULL;
}

void smem_add_posting(struct smem *m, const char *lexeme, size_t len, uint32_t i)
{
    struct smem_term *t = slot(m, lexeme, len);
    if (!t->lexeme || (t->n && t->docs[t->n - 1] == i))
        return;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4;
        t->docs = xrealloc(t->docs, t->cap * sizeof *t->docs);
    }
    t->docs[t->n++] = i;
}

static size_t words_of(const struct smem *m)
{
    return (m->ndocs + 63) / 64;
}

void smem_seal(struct smem *m)
{
    size_t words = words_of(m);
    m->bytes = m->arena.len + m->ndocs * sizeof *m->docs + m->ndoc_cats * sizeof *m->doc_cats +
               m->term_slots * sizeof *m->terms;
    for (uint32_t k = 0; k < m->term_slots; k++) {
        struct smem_term *t = &m->terms[k];
        if (!t->lexeme)
            continue;
        m->bytes += strlen(t->lexeme) + 1;
        if ((size_t)t->n * 32 >= m->ndocs && t->n) { /* the bitmap is no larger */
            t->bits = xmalloc(words * sizeof *t->bits);
            memset(t->bits, 0, words * sizeof *t->bits);
            for (uint32_t i = 0; i < t->n; i++)
                t->bits[t->docs[i] / 64] |= 1ull << (t->docs[i] % 64);
            free(t->docs);
            t->docs = NULL;
            m->bytes += words * sizeof *t->bits;
        } else if (t->n) {
            t->docs = xrealloc(t->docs, t->n * sizeof *t->docs);
            m->bytes += t->n * sizeof *t->docs;
        }
        t->cap = t->n;
    }
}

/* ---- a tsquery, as PostgreSQL prints it, evaluated on bitmaps */

struct qparse {
    const struct smem *m;
    const char *p;
    size_t words;
    bool bad; /* something the snapshot cannot answer */
    struct buf lexeme;
};

static void skip_spaces(struct qparse *q)
{
    while (*q->p == ' ')
        q->p++;
}

static uint64_t *bitmap_new(const struct qparse *q)
{
    uint64_t *b = xmalloc((q->words ? q->words : 1) * sizeof *b);
    memset(b, 0, (q->words ? q->words : 1) * sizeof *b);
    return b;
}

static uint64_t *parse_or(struct qparse *q);

/* 'lexeme': quotes and backslashes inside are doubled. */
static uint64_t *parse_operand(struct qparse *q)
{
    buf_reset(&q->lexeme);
    q->p++;
    for (;;) {
        if (!*q->p) {
            q->bad = true;
            return NULL;
        }
        if ((*q->p == '\'' && q->p[1] == '\'') || (*q->p == '\\' && q->p[1])) {
            buf_append(&q->lexeme, q->p + 1, 1);
            q->p += 2;
        } else if (*q->p == '\'') {
            q->p++;
            break;
        } else {
            buf_append(&q->lexeme, q->p++, 1);
        }
    }
    if (*q->p == ':') { /* a weight or a prefix */
        q->bad = true;
        return NULL;
    }
    const struct smem_term *t = smem_term(q->m, q->lexeme.p ? q->lexeme.p : "", q->lexeme.len);
    if (!t) {
        q->bad = true;
        return NULL;
    }
    uint64_t *b = bitmap_new(q);
    if (t->bits)
        memcpy(b, t->bits, q->words * sizeof *b);
    else
        for (uint32_t i = 0; i < t->n; i++)
            b[t->docs[i] / 64] |= 1ull << (t->docs[i] % 64);
    return b;
}

static uint64_t *parse_unary(struct qparse *q)
{
    skip_spaces(q);
    uint64_t *b = NULL;
    if (*q->p == '!') {
        q->p++;
        if ((b = parse_unary(q))) {
            for (size_t i = 0; i < q->words; i++)
                b[i] = ~b[i];
            if (q->m->ndocs % 64)
                b[q->words - 1] &= (1ull << (q->m->ndocs % 64)) - 1;
        }
        return b;
    }
    if (*q->p == '(') {
        q->p++;
        b = parse_or(q);
        skip_spaces(q);
        if (b && *q->p == ')')
            q->p++;
        else
            q->bad = true;
    } else if (*q->p == '\'') {
        b = parse_operand(q);
    } else {
        q->bad = true;
    }
    skip_spaces(q);
    if (*q->p == '<') /* a phrase: positions, which the snapshot lacks */
        q->bad = true;
    if (q->bad) {
        free(b);
        return NULL;
    }
    return b;
}

static uint64_t *parse_and(struct qparse *q)
{
    uint64_t *b = parse_unary(q);
    while (b && (skip_spaces(q), *q->p == '&')) {
        q->p++;
        uint64_t *c = parse_unary(q);
        if (!c) {
            free(b);
            return NULL;
        }
        for (size_t i = 0; i < q->words; i++)
            b[i] &= c[i];
        free(c);
    }
    return b;
}

static uint64_t *parse_or(struct qparse *q)
{
    uint64_t *b = parse_and(q);
    while (b && (skip_spaces(q), *q->p == '|')) {
        q->p++;
        uint64_t *c = parse_and(q);
        if (!c) {
            free(b);
            return NULL;
        }
        for (size_t i = 0; i < q->words; i++)
            b[i] |= c[i];
        free(c);
    }
    return b;
}

/* The practices that match tsquery, or NULL when the snapshot cannot tell
 * (or tsquery has no lexeme: PostgreSQL says what that matches). */
static uint64_t *matches(const struct smem *m, const char *tsquery)
{
    struct qparse q = {m, tsquery, words_of(m), false, BUF_INIT};
    uint64_t *b = parse_or(&q);
    skip_spaces(&q);
    if (b && *q.p) {
        free(b);
        b = NULL;
    }
    buf_free(&q.lexeme);
    if (b)
        for (uint32_t i = 0; i < m->ndocs; i++)
            if (!m->docs[i].indexed)
                b[i / 64] &= ~(1ull << (i % 64));
    return b;
}

/* ---- the filters and the counts */

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

/* The value's index, UINT16_MAX when no practice has it. */
static uint16_t value_of(const struct smem *m, const char *v)
{
    if (!v)
        return 0;
    for (uint32_t i = 1; i <= m->nvalues; i++)
        if (strcmp(str(m, m->values[i]), v) == 0)
            return (uint16_t)i;
    return UINT16_MAX;
}

static bool want_init(struct want *w, const struct smem *m, const struct search *s,
                      const char *category_id)
{
    *w = (struct want){.s = s, .category = -1};
    w->status = value_of(m, s->status);
    w->voivodeship = value_of(m, s->voivodeship);
    w->unit_type = value_of(m, s->unit_type);
    w->source = value_of(m, s->source);
    if (category_id && (w->category = category_index(m, (int32_t)atol(category_id))) < 0)
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

static bool passes(const struct smem *m, const struct want *w, const struct smem_doc *d)
{
    const struct search *s = w->s;
    if (!s->with_private && strcmp(str(m, m->values[d->status]), "published") != 0)
        return false;
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
    if (s->teryt && (!d->teryt || strncmp(str(m, d->teryt), s->teryt, w->teryt_len) != 0))
        return false;
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

bool smem_counts(const struct smem *m, const struct search *s, const char *category_id,
                 const char *tsquery, bool areas_only, long long *total, struct buf *facets)
{
    struct want w;
    if (!want_init(&w, m, s, category_id))
        return false;
    uint64_t *hits = NULL;
    if (tsquery && !(hits = matches(m, tsquery)))
        return false;
    size_t nyears = m->year_max >= m->year_min ? (size_t)(m->year_max - m->year_min + 1) : 0;
    long long *voiv = zeroed(m->nvalues + 1), *type = zeroed(m->nvalues + 1);
    long long *year = zeroed(nyears + 1), *cat = zeroed(m->ncats + 1);
    long long n = 0;
    for (uint32_t i = 0; i < m->ndocs; i++) {
        if (hits && !(hits[i / 64] >> (i % 64) & 1)) {
            if (!hits[i / 64]) /* skip an empty word at once */
                i |= 63;
            continue;
        }
        const struct smem_doc *d = &m->docs[i];
        if (!passes(m, &w, d))
            continue;
        n++;
        voiv[d->voivodeship]++;
        type[d->unit_type]++;
        year[d->year - m->year_min]++;
        for (uint16_t k = 0; k < d->ncats; k++)
            cat[m->doc_cats[d->cats + k]]++;
    }
    free(hits);
    *total = n;
    struct entry *e = xmalloc((m->nvalues + nyears + m->ncats + 1) * sizeof *e);
    for (int f = 0, first = 1; f < FACET__MAX; f++) {
        if (!(s->facets & (1u << f)))
            continue;
        buf_printf(facets, "%s\"%s\":[", first ? "" : ",", search_facet_names[f]);
        first = 0;
        size_t k = 0;
        if (f == FACET_VOIVODESHIP || f == FACET_UNIT_TYPE) {
            long long *c = f == FACET_VOIVODESHIP ? voiv : type;
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
    free(voiv);
    free(type);
    free(year);
    free(cat);
    return true;
}
