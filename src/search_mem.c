/* A snapshot of practice_search in memory, built once (search_mem_load.c
 * fills it) and read by many: practices with their filter and facet
 * values, the postings of the lexemes it holds, the titles' lexemes with
 * their positions, and the sorts' orders. Pure: no SQL, no HTTP. */
#include "bdp/search_mem.h"

#include <stdlib.h>
#include <string.h>

void smem_terms_init(struct smem_terms *t)
{
    t->nslots = 1024;
    t->n = 0;
    t->slots = xmalloc(t->nslots * sizeof *t->slots);
    memset(t->slots, 0, t->nslots * sizeof *t->slots);
}

void smem_terms_free(struct smem_terms *t)
{
    for (uint32_t i = 0; t->slots && i < t->nslots; i++) {
        free(t->slots[i].lexeme);
        free(t->slots[i].docs);
        free(t->slots[i].bits);
        free(t->slots[i].pos);
        free(t->slots[i].skip);
        free(t->slots[i].rank);
    }
    free(t->slots);
    t->slots = NULL;
}

struct smem *smem_new(void)
{
    struct smem *m = xmalloc(sizeof *m);
    *m = (struct smem){.arena = BUF_INIT, .year_min = INT16_MAX, .year_max = INT16_MIN};
    smem_terms_init(&m->terms);
    smem_terms_init(&m->title_terms);
    buf_append(&m->arena, "", 1); /* offset 0: NULL */
    m->values = xmalloc(sizeof *m->values);
    return m;
}

void smem_free(struct smem *m)
{
    if (!m)
        return;
    smem_terms_free(&m->terms);
    smem_terms_free(&m->title_terms);
    for (uint32_t i = 0; i < m->ncats; i++) {
        free(m->cats[i].slug);
        free(m->cats[i].name);
    }
    free(m->cats);
    free(m->docs);
    free(m->facets);
    free(m->published);
    free(m->indexed);
    free(m->untitled);
    free(m->doc_cats);
    free(m->values);
    free(m->title_lex);
    free(m->title_pos);
    free(m->by_entered);
    free(m->by_title);
    free(m->by_updated);
    free(m->title_rank);
    free(m->vocab);
    free(m->vocab_words);
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

/* Few distinct values (statuses, voivodeships, unit types, sources): a
 * look along the list is enough. */
uint16_t smem_find_value(const struct smem *m, const char *s)
{
    if (!s)
        return 0;
    for (uint32_t i = 1; i <= m->nvalues; i++)
        if (strcmp(m->arena.p + m->values[i], s) == 0)
            return (uint16_t)i;
    return UINT16_MAX;
}

uint16_t smem_value(struct smem *m, const char *s)
{
    uint16_t i = smem_find_value(m, s);
    if (i != UINT16_MAX)
        return i;
    if (m->nvalues == UINT16_MAX - 1)
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

int smem_category_index(const struct smem *m, int32_t id)
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

void smem_date(int32_t days, int *year, int *month, int *day)
{
    long z = (long)days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (*month <= 2));
}

bool smem_add_doc(struct smem *m, const struct smem_doc *d, const int32_t *cat_ids, int ncats)
{
    if (d->status == UINT16_MAX || d->voivodeship == UINT16_MAX || d->unit_type == UINT16_MAX ||
        d->source == UINT16_MAX || ncats > UINT16_MAX ||
        (m->ndocs && m->docs[m->ndocs - 1].id >= d->id))
        return false;
    if ((m->ndocs & (m->ndocs - 1)) == 0) /* 0, 1, 2, 4, ...: room doubles */
        m->docs = xrealloc(m->docs, (m->ndocs ? 2 * m->ndocs : 1) * sizeof *m->docs);
    struct smem_doc *x = &m->docs[m->ndocs++];
    *x = *d;
    x->cats = m->ndoc_cats;
    x->ncats = (uint16_t)ncats;
    x->title_at = m->ntitle;
    x->title_n = 0;
    memset(x->teryt7, 0, sizeof x->teryt7);
    for (size_t k = 0; d->teryt && k < sizeof x->teryt7 && m->arena.p[d->teryt + k]; k++)
        x->teryt7[k] = m->arena.p[d->teryt + k];
    int year, month, day;
    smem_date(d->entered, &year, &month, &day);
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
        int c = smem_category_index(m, cat_ids[i]);
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
static struct smem_term *slot(const struct smem_terms *t, const char *lexeme, size_t len)
{
    uint32_t mask = t->nslots - 1;
    for (uint32_t i = hash(lexeme, len) & mask;; i = (i + 1) & mask) {
        struct smem_term *e = &t->slots[i];
        if (!e->lexeme || (strncmp(e->lexeme, lexeme, len) == 0 && e->lexeme[len] == '\0'))
            return e;
    }
}

struct smem_term *smem_terms_add(struct smem_terms *t, const char *lexeme, size_t len)
{
    if (2 * (t->n + 1) > t->nslots) { /* at most half full */
        struct smem_term *old = t->slots;
        uint32_t n = t->nslots;
        t->nslots *= 2;
        t->slots = xmalloc(t->nslots * sizeof *t->slots);
        memset(t->slots, 0, t->nslots * sizeof *t->slots);
        for (uint32_t i = 0; i < n; i++)
            if (old[i].lexeme)
                *slot(t, old[i].lexeme, strlen(old[i].lexeme)) = old[i];
        free(old);
    }
    struct smem_term *e = slot(t, lexeme, len);
    if (!e->lexeme) {
        e->lexeme = xstrndup(lexeme, len);
        e->id = t->n++;
    }
    return e;
}

bool smem_hold(struct smem *m, const char *lexeme, size_t len)
{
    uint32_t before = m->terms.n;
    smem_terms_add(&m->terms, lexeme, len);
    return m->terms.n > before;
}

const struct smem_term *smem_term(const struct smem *m, const char *lexeme, size_t len)
{
    const struct smem_term *e = slot(&m->terms, lexeme, len);
    return e->lexeme ? e : NULL;
}

const struct smem_term *smem_title_term(const struct smem *m, const char *lexeme, size_t len)
{
    const struct smem_term *e = slot(&m->title_terms, lexeme, len);
    return e->lexeme ? e : NULL;
}

/* Appends doc i to t's postings, once. */
static void add_posting(struct smem_term *t, uint32_t i)
{
    if (t->n && t->docs[t->n - 1] == i)
        return;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4;
        t->docs = xrealloc(t->docs, t->cap * sizeof *t->docs);
    }
    t->docs[t->n++] = i;
}

static void put_varint(struct smem_term *t, uint32_t v)
{
    if (t->pos_len + 5 > t->pos_cap) {
        t->pos_cap = t->pos_cap ? 2 * t->pos_cap : 64;
        t->pos = xrealloc(t->pos, t->pos_cap);
    }
    do {
        t->pos[t->pos_len++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
}

static uint32_t get_varint(const uint8_t **p)
{
    uint32_t v = 0;
    for (int shift = 0;; shift += 7) {
        uint8_t b = *(*p)++;
        v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
}

void smem_add_posting(struct smem *m, const char *lexeme, size_t len, uint32_t i,
                      const uint16_t *pos, int npos)
{
    struct smem_term *t = slot(&m->terms, lexeme, len);
    if (!t->lexeme || (t->n && t->docs[t->n - 1] == i))
        return;
    if (t->n % SMEM_SKIP == 0) {
        t->skip = xrealloc(t->skip, (t->n / SMEM_SKIP + 1) * sizeof *t->skip);
        t->skip[t->n / SMEM_SKIP] = t->pos_len;
    }
    add_posting(t, i);
    if (!npos)
        t->nopos = true;
    put_varint(t, (uint32_t)npos);
    for (int k = 0, last = 0; k < npos; k++) {
        int p = pos[k] & 0x3fff;
        put_varint(t, (uint32_t)(k ? p - last : p));
        last = p;
    }
}

int smem_positions(const struct smem_term *t, uint32_t i, uint16_t *out)
{
    uint32_t r;
    if (t->bits) {
        uint64_t w = t->bits[i / 64];
        if (!(w >> (i % 64) & 1))
            return 0;
        r = t->rank[i / 64] + (uint32_t)__builtin_popcountll(w & ((1ull << (i % 64)) - 1));
    } else {
        uint32_t lo = 0, hi = t->n;
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (t->docs[mid] < i)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == t->n || t->docs[lo] != i)
            return 0;
        r = lo;
    }
    const uint8_t *p = t->pos + t->skip[r / SMEM_SKIP];
    for (uint32_t k = r % SMEM_SKIP; k; k--)
        for (uint32_t n = get_varint(&p); n; n--)
            get_varint(&p);
    int n = (int)get_varint(&p);
    for (int k = 0, last = 0; k < n && k < SMEM_MAXPOS; k++)
        out[k] = (uint16_t)(last = k ? last + (int)get_varint(&p) : (int)get_varint(&p));
    return n < SMEM_MAXPOS ? n : SMEM_MAXPOS;
}

void smem_add_title(struct smem *m, uint32_t doc, const char *lexeme, size_t len,
                    const uint16_t *pos, int npos)
{
    struct smem_term *t = smem_terms_add(&m->title_terms, lexeme, len);
    uint32_t id = t->id;
    struct smem_doc *d = &m->docs[doc];
    if (!d->title_n)
        d->title_at = m->ntitle;
    add_posting(t, doc);
    while (m->ntitle + (uint32_t)npos > m->title_cap) {
        m->title_cap = m->title_cap ? 2 * m->title_cap : 1024;
        m->title_lex = xrealloc(m->title_lex, m->title_cap * sizeof *m->title_lex);
        m->title_pos = xrealloc(m->title_pos, m->title_cap * sizeof *m->title_pos);
    }
    for (int i = 0; i < npos; i++) {
        m->title_lex[m->ntitle] = id;
        m->title_pos[m->ntitle++] = pos[i];
    }
    d->title_n += (uint32_t)npos;
}

uint32_t smem_doc_at_or_after(const struct smem *m, long long id)
{
    uint32_t lo = 0, hi = m->ndocs;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (m->docs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t smem_doc_index(const struct smem *m, int32_t id)
{
    uint32_t i = smem_doc_at_or_after(m, id);
    return i < m->ndocs && m->docs[i].id == id ? i : UINT32_MAX;
}

bool smem_set_title_order(struct smem *m, const int32_t *ids, uint32_t n)
{
    if (n != m->ndocs)
        return false;
    free(m->by_title);
    free(m->title_rank);
    m->by_title = xmalloc((n ? n : 1) * sizeof *m->by_title);
    m->title_rank = xmalloc((n ? n : 1) * sizeof *m->title_rank);
    memset(m->title_rank, 0xff, (n ? n : 1) * sizeof *m->title_rank);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = smem_doc_index(m, ids[k]);
        if (i == UINT32_MAX || m->title_rank[i] != UINT32_MAX)
            return false;
        m->by_title[k] = i;
        m->title_rank[i] = k;
    }
    return true;
}

/* A doc's place in an order: by key, then id, both descending. */
struct keyed {
    int64_t key;
    int32_t id;
    uint32_t i;
};

static int keyed_desc(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return x->id > y->id ? -1 : x->id < y->id;
}

/* The doc indexes newest entered first (updated: last updated first). */
bool smem_add_vocab(struct smem *m, const char *lexeme)
{
    if (m->nvocab && strcmp(m->arena.p + m->vocab[m->nvocab - 1].lexeme, lexeme) >= 0)
        return false;
    if (m->nvocab == m->vocab_cap) {
        m->vocab_cap = m->vocab_cap ? 2 * m->vocab_cap : 1024;
        m->vocab = xrealloc(m->vocab, m->vocab_cap * sizeof *m->vocab);
    }
    m->vocab[m->nvocab++] = (struct smem_vocab){smem_string(m, lexeme), m->nvocab_words, 0};
    return true;
}

void smem_add_vocab_word(struct smem *m, const char *word, size_t len)
{
    if (m->nvocab_words == m->vocab_words_cap) {
        m->vocab_words_cap = m->vocab_words_cap ? 2 * m->vocab_words_cap : 4096;
        m->vocab_words = xrealloc(m->vocab_words, m->vocab_words_cap * sizeof *m->vocab_words);
    }
    uint32_t at = (uint32_t)m->arena.len;
    buf_append(&m->arena, word, len);
    buf_append(&m->arena, "", 1);
    m->vocab_words[m->nvocab_words++] = at;
    m->vocab[m->nvocab - 1].n++;
}

static const struct smem_vocab *vocab_find(const struct smem *m, const char *lexeme)
{
    uint32_t lo = 0, hi = m->nvocab;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->arena.p + m->vocab[mid].lexeme, lexeme);
        if (c == 0)
            return &m->vocab[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool smem_marked_words(const struct smem *m, const char *const *lexemes, size_t n, size_t max,
                       struct buf *out)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const struct smem_vocab *v = vocab_find(m, lexemes[i]);
        total += v ? v->n : 0;
    }
    const char **w = xmalloc((total ? total : 1) * sizeof *w);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct smem_vocab *v = vocab_find(m, lexemes[i]);
        for (uint32_t j = 0; v && j < v->n; j++)
            w[k++] = m->arena.p + m->vocab_words[v->first + j];
    }
    qsort(w, k, sizeof *w, str_cmp);
    size_t u = 0; /* each word once: a word may have two of the lexemes */
    for (size_t i = 0; i < k; i++)
        if (!u || strcmp(w[u - 1], w[i]) != 0)
            w[u++] = w[i];
    bool ok = u <= max;
    if (ok) {
        buf_puts(out, "[");
        for (size_t i = 0; i < u; i++) {
            if (i)
                buf_puts(out, ",");
            buf_json_str(out, w[i]);
        }
        buf_puts(out, "]");
    }
    free(w);
    return ok;
}

static uint32_t *order(const struct smem *m, bool updated)
{
    size_t n = m->ndocs ? m->ndocs : 1;
    struct keyed *k = xmalloc(n * sizeof *k);
    for (uint32_t i = 0; i < m->ndocs; i++)
        k[i] = (struct keyed){updated ? m->docs[i].updated : m->docs[i].entered, m->docs[i].id, i};
    qsort(k, m->ndocs, sizeof *k, keyed_desc);
    uint32_t *o = xmalloc(n * sizeof *o);
    for (uint32_t i = 0; i < m->ndocs; i++)
        o[i] = k[i].i;
    free(k);
    return o;
}

void smem_seal(struct smem *m)
{
    size_t words = (m->ndocs + 63) / 64;
    m->facets = xmalloc((m->ndocs ? m->ndocs : 1) * sizeof *m->facets);
    m->published = xmalloc((words ? words : 1) * sizeof *m->published);
    m->indexed = xmalloc((words ? words : 1) * sizeof *m->indexed);
    memset(m->published, 0, (words ? words : 1) * sizeof *m->published);
    memset(m->indexed, 0, (words ? words : 1) * sizeof *m->indexed);
    m->untitled = xmalloc((words ? words : 1) * sizeof *m->untitled);
    memset(m->untitled, 0, (words ? words : 1) * sizeof *m->untitled);
    uint32_t published = 0;
    for (uint32_t i = 1; i <= m->nvalues; i++)
        if (strcmp(m->arena.p + m->values[i], "published") == 0)
            published = i;
    for (uint32_t i = 0; i < m->ndocs; i++) {
        const struct smem_doc *d = &m->docs[i];
        m->facets[i] = (struct smem_facets){d->cats, d->ncats, d->voivodeship, d->unit_type,
                                            (uint16_t)(d->year - m->year_min)};
        if (published && d->status == published)
            m->published[i / 64] |= 1ull << (i % 64);
        if (d->indexed)
            m->indexed[i / 64] |= 1ull << (i % 64);
        if (!d->title_n)
            m->untitled[i / 64] |= 1ull << (i % 64);
    }
    m->by_entered = order(m, false);
    m->by_updated = order(m, true);
    if (!m->by_title) { /* none given (unit tests): by id */
        m->by_title = xmalloc((m->ndocs ? m->ndocs : 1) * sizeof *m->by_title);
        m->title_rank = xmalloc((m->ndocs ? m->ndocs : 1) * sizeof *m->title_rank);
        for (uint32_t i = 0; i < m->ndocs; i++)
            m->by_title[i] = m->title_rank[i] = i;
    }
    m->bytes = m->arena.len + m->ndocs * (sizeof *m->docs + 4 * sizeof(uint32_t)) +
               m->ndoc_cats * sizeof *m->doc_cats +
               (m->terms.nslots + m->title_terms.nslots) * sizeof(struct smem_term) +
               m->ntitle * (sizeof *m->title_lex + sizeof *m->title_pos);
    m->vocab = xrealloc(m->vocab, (m->nvocab ? m->nvocab : 1) * sizeof *m->vocab);
    m->vocab_words =
        xrealloc(m->vocab_words, (m->nvocab_words ? m->nvocab_words : 1) * sizeof *m->vocab_words);
    m->vocab_cap = m->nvocab;
    m->vocab_words_cap = m->nvocab_words;
    m->bytes += m->nvocab * sizeof *m->vocab + m->nvocab_words * sizeof *m->vocab_words;
    for (uint32_t k = 0; k < m->terms.nslots; k++) {
        struct smem_term *t = &m->terms.slots[k];
        if (!t->lexeme)
            continue;
        m->bytes += strlen(t->lexeme) + 1;
        t->pos = xrealloc(t->pos, t->pos_len ? t->pos_len : 1);
        t->pos_cap = t->pos_len;
        m->bytes += t->pos_len + (t->n / SMEM_SKIP + 1) * sizeof *t->skip;
        if ((size_t)t->n * 32 >= m->ndocs && t->n) { /* the bitmap is no larger */
            t->bits = xmalloc(words * sizeof *t->bits);
            memset(t->bits, 0, words * sizeof *t->bits);
            for (uint32_t i = 0; i < t->n; i++)
                t->bits[t->docs[i] / 64] |= 1ull << (t->docs[i] % 64);
            t->rank = xmalloc(words * sizeof *t->rank);
            for (size_t w = 0, r = 0; w < words; w++) {
                t->rank[w] = (uint32_t)r;
                r += (size_t)__builtin_popcountll(t->bits[w]);
            }
            free(t->docs);
            t->docs = NULL;
            m->bytes += words * (sizeof *t->bits + sizeof *t->rank);
        } else if (t->n) {
            t->docs = xrealloc(t->docs, t->n * sizeof *t->docs);
            m->bytes += t->n * sizeof *t->docs;
        }
        t->cap = t->n;
    }
    for (uint32_t k = 0; k < m->title_terms.nslots; k++) {
        struct smem_term *t = &m->title_terms.slots[k];
        if (!t->lexeme)
            continue;
        t->docs = xrealloc(t->docs, (t->n ? t->n : 1) * sizeof *t->docs);
        t->cap = t->n;
        m->bytes += strlen(t->lexeme) + 1 + t->n * sizeof *t->docs;
    }
}
