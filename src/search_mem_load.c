/* The thread that keeps search's snapshot in memory: when the data
 * generation moves and has stayed put for a moment, it reads
 * practice_search again in one repeatable-read transaction and swaps the
 * new snapshot in. Requests hold a reference to the snapshot they use. */
#include "bdp/search_mem.h"

#include "bdp/clock.h"
#include "bdp/db.h"
#include "bdp/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A sample of this many practices chooses the lexemes to hold. */
#define SAMPLE_DOCS 10000
/* A reload may take this share of the time at most. */
#define DUTY 0.1
#define TICK_MS 100

struct search_mem {
    char *conninfo;
    struct feed *feed;
    long long min_docs;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
    struct smem *cur;
};

/* Runs sql (binary results when binary) and hands each row to row;
 * false + err on failure. */
static bool stream(PGconn *pg, const char *sql, int nparams, const char *const *params, bool binary,
                   bool (*row)(void *ctx, const PGresult *r), void *ctx, char *err, size_t errlen)
{
    if (!PQsendQueryParams(pg, sql, nparams, NULL, params, NULL, NULL, binary) ||
        !PQsetSingleRowMode(pg)) {
        snprintf(err, errlen, "%s", PQerrorMessage(pg));
        return false;
    }
    bool ok = true;
    PGresult *r;
    while ((r = PQgetResult(pg))) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE) {
            if (ok && !row(ctx, r)) {
                snprintf(err, errlen, "unexpected row in: %.60s", sql);
                ok = false;
            }
        } else if (st != PGRES_TUPLES_OK && ok) {
            snprintf(err, errlen, "%s", PQresultErrorMessage(r));
            ok = false;
        }
        PQclear(r);
    }
    return ok;
}

static bool command(PGconn *pg, const char *sql, char *err, size_t errlen)
{
    PGresult *r = PQexec(pg, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        snprintf(err, errlen, "%s", PQresultErrorMessage(r));
    PQclear(r);
    return ok;
}

static const char *text(const PGresult *r, int col)
{
    return PQgetisnull(r, 0, col) ? NULL : PQgetvalue(r, 0, col);
}

static bool category_row(void *ctx, const PGresult *r)
{
    smem_add_category(ctx, atoi(PQgetvalue(r, 0, 0)), *PQgetvalue(r, 0, 1) == 't',
                      PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3));
    return true;
}

static bool doc_row(void *ctx, const PGresult *r)
{
    struct smem *m = ctx;
    struct smem_doc d = {
        .id = atoi(PQgetvalue(r, 0, 0)),
        .status = smem_value(m, text(r, 1)),
        .unit_id = atoi(PQgetvalue(r, 0, 2)),
        .voivodeship = smem_value(m, text(r, 3)),
        .unit_type = smem_value(m, text(r, 4)),
        .teryt = smem_string(m, text(r, 5)),
        .population = text(r, 6) ? atoi(text(r, 6)) : SMEM_NULL_INT,
        .entered = atoi(PQgetvalue(r, 0, 8)),
        .updated = atoll(PQgetvalue(r, 0, 9)),
        .source = smem_value(m, text(r, 10)),
        .external_id = smem_string(m, text(r, 11)),
        .indexed = *PQgetvalue(r, 0, 12) == 't',
        .title = smem_string(m, PQgetvalue(r, 0, 13)),
        .updated_text = smem_string(m, PQgetvalue(r, 0, 14)),
    };
    int32_t cats[64];
    int n = 0;
    for (const char *p = PQgetvalue(r, 0, 7); *p && n < 64; p++) /* "{1,5,12}" */
        if (*p >= '0' && *p <= '9') {
            cats[n++] = (int32_t)strtol(p, (char **)&p, 10);
            p--;
        }
    return smem_add_doc(m, &d, cats, n);
}

/* A 32-bit number in network order. */
static uint32_t be32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return ntohl(v);
}

/* Calls fn for each lexeme of a tsvector in PostgreSQL's binary form:
 * its count, then each lexeme's bytes, a NUL and its number of positions
 * with the positions (WordEntryPos, 16 bits). false when it is not one. */
static bool lexemes(const char *v, int len,
                    void (*fn)(void *ctx, const char *lex, size_t n, const char *pos, int npos),
                    void *ctx)
{
    const char *end = v + len;
    if (len < 4)
        return false;
    uint32_t count = be32(v);
    v += 4;
    for (uint32_t i = 0; i < count; i++) {
        const char *nul = memchr(v, '\0', (size_t)(end - v));
        uint16_t npos;
        if (!nul || end - nul < 3)
            return false;
        memcpy(&npos, nul + 1, 2);
        npos = ntohs(npos);
        if (nul + 3 + 2 * (size_t)npos > end)
            return false;
        fn(ctx, v, (size_t)(nul - v), nul + 3, npos);
        v = nul + 3 + 2 * (size_t)npos;
    }
    return v == end;
}

/* The sample: how many of its practices have each lexeme (smem_term.n). */
static void count_lexeme(void *ctx, const char *lex, size_t n, const char *pos, int npos)
{
    (void)pos;
    (void)npos;
    smem_terms_add(ctx, lex, n)->n++;
}

static bool sample_row(void *ctx, const PGresult *r)
{
    return lexemes(PQgetvalue(r, 0, 0), PQgetlength(r, 0, 0), count_lexeme, ctx);
}

struct postings {
    struct smem *m;
    uint32_t at; /* the doc index the last row had */
    bool bad;
};

/* WordEntryPos values in network order, SMEM_MAXPOS at most. */
static int positions(const char *pos, int npos, uint16_t *out)
{
    if (npos > SMEM_MAXPOS)
        npos = SMEM_MAXPOS;
    for (int i = 0; i < npos; i++) {
        memcpy(&out[i], pos + 2 * i, 2);
        out[i] = ntohs(out[i]);
    }
    return npos;
}

static void posting(void *ctx, const char *lex, size_t n, const char *pos, int npos)
{
    struct postings *p = ctx;
    uint16_t wep[SMEM_MAXPOS];
    smem_add_posting(p->m, lex, n, p->at, wep, positions(pos, npos, wep));
}

/* A title's lexeme with its positions: a title without positions is not
 * what the indexer writes, and is refused. */
static void title_entry(void *ctx, const char *lex, size_t n, const char *pos, int npos)
{
    struct postings *p = ctx;
    uint16_t wep[SMEM_MAXPOS];
    if (npos < 1 || npos > SMEM_MAXPOS) {
        p->bad = true;
        return;
    }
    smem_add_title(p->m, p->at, lex, n, wep, positions(pos, npos, wep));
}

static bool vector_row(void *ctx, const PGresult *r)
{
    struct postings *p = ctx;
    uint32_t id;
    if (PQgetlength(r, 0, 0) != 4)
        return false;
    memcpy(&id, PQgetvalue(r, 0, 0), 4);
    id = ntohl(id);
    while (p->at < p->m->ndocs && p->m->docs[p->at].id != (int32_t)id) /* both in id order */
        p->at++;
    return p->at < p->m->ndocs && lexemes(PQgetvalue(r, 0, 1), PQgetlength(r, 0, 1), posting, p) &&
           (PQgetisnull(r, 0, 2) ||
            lexemes(PQgetvalue(r, 0, 2), PQgetlength(r, 0, 2), title_entry, p)) &&
           !p->bad;
}

/* A lexeme of search_word and its words: text and text[] in PostgreSQL's
 * binary form (dimensions, a null flag, the element type, each
 * dimension's size and lower bound, then each element's length and
 * bytes). */
static bool vocab_row(void *ctx, const PGresult *r)
{
    struct smem *m = ctx;
    const char *a = PQgetvalue(r, 0, 1), *end = a + PQgetlength(r, 0, 1);
    if (!smem_add_vocab(m, PQgetvalue(r, 0, 0)) || end - a < 12)
        return false;
    uint32_t ndim = be32(a), n = 0;
    if (ndim > 1 || end - a < 12 + 8 * (ptrdiff_t)ndim)
        return false;
    if (ndim == 1)
        n = be32(a + 12);
    a += 12 + 8 * ndim;
    for (uint32_t i = 0; i < n; i++) {
        if (end - a < 4)
            return false;
        uint32_t len = be32(a);
        a += 4;
        if (len == UINT32_MAX) /* NULL: search_word has none */
            continue;
        if ((size_t)(end - a) < len)
            return false;
        smem_add_vocab_word(m, a, len);
        a += len;
    }
    return a == end;
}

struct title_order {
    int32_t *ids;
    uint32_t n;
};

static bool title_row(void *ctx, const PGresult *r)
{
    struct title_order *t = ctx;
    if ((t->n & (t->n - 1)) == 0)
        t->ids = xrealloc(t->ids, (t->n ? 2 * t->n : 1) * sizeof *t->ids);
    t->ids[t->n++] = atoi(PQgetvalue(r, 0, 0));
    return true;
}

/* A new snapshot of the database as one transaction sees it, or NULL +
 * err. */
static struct smem *load(PGconn *pg, uint64_t gen, long long min_docs, char *err, size_t errlen)
{
    struct smem *m = smem_new();
    m->gen = gen;
    /* Nothing changes under the reads: one snapshot for all of them. */
    bool ok = command(pg,
                      "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
                      " SET LOCAL statement_timeout = 0",
                      err, errlen) &&
              stream(pg, "SELECT id, parent_id IS NULL, slug, name FROM category ORDER BY id", 0,
                     NULL, false, category_row, m, err, errlen) &&
              stream(pg,
                     "SELECT practice_id, status, unit_id, voivodeship, unit_type, teryt,"
                     " population, category_ids, entered_on - DATE '1970-01-01',"
                     " (extract(epoch FROM updated_at) * 1000000)::int8, source, external_id,"
                     " vector IS NOT NULL, title, rfc3339(updated_at) FROM practice_search"
                     " ORDER BY practice_id",
                     0, NULL, false, doc_row, m, err, errlen);
    if (ok) {
        /* Which lexemes at least min_docs practices have, from one in
         * every `every` (all of them in a small database). */
        long long every = m->ndocs > 2 * SAMPLE_DOCS ? m->ndocs / SAMPLE_DOCS : 1;
        char every_s[24];
        snprintf(every_s, sizeof every_s, "%lld", every);
        const char *params[] = {every_s};
        struct smem_terms sample;
        smem_terms_init(&sample);
        ok = stream(pg,
                    "SELECT strip(vector) FROM practice_search WHERE vector IS NOT NULL"
                    " AND practice_id % $1::int = 0",
                    1, params, true, sample_row, &sample, err, errlen);
        for (uint32_t i = 0; ok && i < sample.nslots; i++) {
            const struct smem_term *t = &sample.slots[i];
            if (t->lexeme && (long long)t->n * every >= min_docs)
                smem_hold(m, t->lexeme, strlen(t->lexeme));
        }
        smem_terms_free(&sample);
    }
    struct postings p = {m, 0, false};
    struct title_order titles = {NULL, 0};
    ok = ok &&
         stream(pg,
                "SELECT practice_id, vector, title_vector FROM practice_search"
                " WHERE vector IS NOT NULL ORDER BY practice_id",
                0, NULL, true, vector_row, &p, err, errlen) &&
         stream(pg, "SELECT practice_id FROM practice_search ORDER BY title, practice_id", 0, NULL,
                false, title_row, &titles, err, errlen) &&
         stream(pg,
                "SELECT l COLLATE \"C\", array_agg(word) FROM search_word, unnest(lexemes) l"
                " GROUP BY 1 ORDER BY 1",
                0, NULL, true, vocab_row, m, err, errlen);
    if (ok && !smem_set_title_order(m, titles.ids, titles.n)) {
        snprintf(err, errlen, "the order by title names other practices");
        ok = false;
    }
    free(titles.ids);
    PQclear(PQexec(pg, "ROLLBACK"));
    if (!ok) {
        smem_free(m);
        return NULL;
    }
    smem_seal(m);
    return m;
}

static void release(struct search_mem *x, struct smem *m)
{
    pthread_mutex_lock(&x->lock);
    bool last = --m->refs == 0;
    pthread_mutex_unlock(&x->lock);
    if (last)
        smem_free(m);
}

static void swap_in(struct search_mem *x, struct smem *m)
{
    m->refs = 1; /* the owner's */
    pthread_mutex_lock(&x->lock);
    struct smem *old = x->cur;
    x->cur = m;
    pthread_mutex_unlock(&x->lock);
    if (old)
        release(x, old);
}

/* Sleeps a tick; true when asked to stop. */
static bool tick(struct search_mem *x)
{
    struct timespec deadline = clock_deadline(TICK_MS);
    pthread_mutex_lock(&x->lock);
    while (!x->stop && pthread_cond_timedwait(&x->wake, &x->lock, &deadline) != ETIMEDOUT)
        ;
    bool stop = x->stop;
    pthread_mutex_unlock(&x->lock);
    return stop;
}

static void *run(void *arg)
{
    struct search_mem *x = arg;
    PGconn *pg = NULL;
    uint64_t seen = 0;
    bool settled = false;
    double next = 0; /* clock_ms() before which no load starts */
    while (!tick(x)) {
        uint64_t gen;
        if (!feed_data_generation(x->feed, &gen)) {
            settled = false;
            continue;
        }
        pthread_mutex_lock(&x->lock);
        bool current = x->cur && x->cur->gen == gen;
        pthread_mutex_unlock(&x->lock);
        /* Load once the generation has stayed put for a tick: a burst of
         * writes is loaded once, after it. */
        if (current || !settled || gen != seen) {
            settled = !current;
            seen = gen;
            continue;
        }
        if (clock_ms() < next)
            continue;
        char err[512];
        if (!pg && !(pg = db_connect_once(x->conninfo, err, sizeof err))) {
            log_msg("warn", "search in memory: cannot connect: %s", err);
            next = clock_ms() + 5000;
            continue;
        }
        double started = clock_ms();
        struct smem *m = load(pg, gen, x->min_docs, err, sizeof err);
        double took = clock_ms() - started;
        next = clock_ms() + took * (1 / DUTY - 1);
        if (!m) {
            log_msg("warn", "search in memory: load failed: %s", err);
            if (PQstatus(pg) != CONNECTION_OK) {
                PQfinish(pg);
                pg = NULL;
            }
            next = clock_ms() + (took > 5000 ? took : 5000);
            continue;
        }
        log_msg("info",
                "search in memory: %u practices, %u lexemes in at least %lld, %.1f MB,"
                " loaded in %.0f ms",
                m->ndocs, m->terms.n, x->min_docs, (double)m->bytes / (1 << 20), took);
        swap_in(x, m);
        malloc_trim(0); /* the load's passing tables go back to the system */
        settled = false;
    }
    if (pg)
        PQfinish(pg);
    return NULL;
}

struct search_mem *search_mem_start(const char *conninfo, struct feed *feed, long long min_docs)
{
    if (min_docs <= 0)
        return NULL;
    struct search_mem *x = xmalloc(sizeof *x);
    *x = (struct search_mem){.conninfo = xstrdup(conninfo), .feed = feed, .min_docs = min_docs};
    pthread_mutex_init(&x->lock, NULL);
    pthread_cond_init(&x->wake, NULL);
    if (pthread_create(&x->thread, NULL, run, x) != 0) {
        log_msg("error", "search in memory: cannot start its thread");
        abort();
    }
    return x;
}

void search_mem_stop(struct search_mem *x)
{
    if (!x)
        return;
    pthread_mutex_lock(&x->lock);
    x->stop = true;
    pthread_cond_broadcast(&x->wake);
    pthread_mutex_unlock(&x->lock);
    pthread_join(x->thread, NULL);
    if (x->cur)
        release(x, x->cur);
    pthread_mutex_destroy(&x->lock);
    pthread_cond_destroy(&x->wake);
    free(x->conninfo);
    free(x);
}

struct smem *search_mem_get(struct search_mem *x, uint64_t gen)
{
    if (!x)
        return NULL;
    pthread_mutex_lock(&x->lock);
    struct smem *m = x->cur && x->cur->gen == gen ? x->cur : NULL;
    if (m)
        m->refs++;
    pthread_mutex_unlock(&x->lock);
    return m;
}

void search_mem_put(struct search_mem *x, struct smem *m)
{
    if (m)
        release(x, m);
}
