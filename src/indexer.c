/* The search indexer thread. Each batch: read queued practices as
 * PostgreSQL splits them into weighted words (search_words), replace every
 * word by its lexemes (search_lexemes, remembered here and in search_word
 * so each distinct word is stemmed once), and store the vectors with the
 * queue entries, and the titles' words for typo tolerance
 * (search_title_word), in one short statement. Stemming a word costs about
 * 15 µs and a practice has hundreds, mostly repeated across practices:
 * the cache is what makes indexing fast (bench/RESULTS.md). */
#include "bdp/indexer.h"

#include "bdp/buf.h"
#include "bdp/clock.h"
#include "bdp/db.h"
#include "bdp/log.h"

#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Words remembered at most; past that the cache starts again, which keeps
 * the resident size bounded (about 100 bytes a word). A batch's words
 * (some 300 a practice) always fit. */
#define CACHE_MAX 65536

struct entry {
    char *word;    /* owned; NULL = empty slot */
    char *lexemes; /* owned: each quoted for tsvector input, separated by '\n' */
    bool titled;   /* in search_title_word: stored by this indexer, or in its batch */
};

struct indexer {
    char *conninfo;
    struct feed *feed;
    int batch;
    atomic_bool stop;
    pthread_t thread;
    struct entry *slots; /* open addressing, 2 * CACHE_MAX slots */
    size_t used;
};

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static struct entry *slot(struct indexer *ix, const char *word)
{
    size_t mask = 2 * CACHE_MAX - 1, i = hash(word) & mask;
    while (ix->slots[i].word && strcmp(ix->slots[i].word, word) != 0)
        i = (i + 1) & mask;
    return &ix->slots[i];
}

static void cache_clear(struct indexer *ix)
{
    for (size_t i = 0; i < 2 * CACHE_MAX; i++) {
        free(ix->slots[i].word);
        free(ix->slots[i].lexemes);
        ix->slots[i] = (struct entry){NULL, NULL, false};
    }
    ix->used = 0;
    malloc_trim(0); /* give the words' memory back: bdp idles small */
}

/* Appends s quoted as a tsvector lexeme. */
static void quote(struct buf *b, const char *s)
{
    buf_puts(b, "'");
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\')
            buf_append(b, s, 1);
        buf_append(b, s, 1);
    }
    buf_puts(b, "'");
}

/* Remembers word (there is room: index_batch clears a full cache first). */
static void cache_put(struct indexer *ix, const char *word, json_t *lexemes)
{
    struct entry *e = slot(ix, word);
    if (e->word)
        return;
    struct buf b = BUF_INIT;
    size_t i;
    json_t *l;
    json_array_foreach(lexemes, i, l)
    {
        if (i)
            buf_puts(&b, "\n");
        quote(&b, json_string_value(l));
    }
    e->word = xstrdup(word);
    e->lexemes = xstrdup(buf_cstr(&b));
    e->titled = false;
    ix->used++;
    buf_free(&b);
}

/* One entry of a tsvector's text form: 'word':1A,2,5B. */
struct tsentry {
    struct buf word;
    const char *positions; /* borrowed, up to the next space or end */
    size_t positions_len;
};

/* Reads the entry at *p (tsvector output) into e; false at the end. */
static bool next_entry(const char **p, struct tsentry *e)
{
    const char *s = *p;
    while (*s == ' ')
        s++;
    if (*s != '\'')
        return false;
    buf_reset(&e->word);
    for (s++; *s; s++) {
        if (*s == '\'' && s[1] == '\'')
            s++;
        else if (*s == '\\' && s[1])
            s++;
        else if (*s == '\'')
            break;
        buf_append(&e->word, s, 1);
    }
    if (*s != '\'')
        return false;
    s++;
    e->positions = s;
    while (*s && *s != ' ')
        s++;
    e->positions_len = (size_t)(s - e->positions);
    *p = s;
    buf_cstr(&e->word);
    return true;
}

/* Appends each lexeme of lexemes (cache form) with positions to out. */
static void emit(struct buf *out, const char *lexemes, const char *pos, size_t n)
{
    while (*lexemes) {
        const char *end = strchr(lexemes, '\n');
        size_t len = end ? (size_t)(end - lexemes) : strlen(lexemes);
        if (out->len)
            buf_puts(out, " ");
        buf_append(out, lexemes, len);
        buf_append(out, pos, n);
        lexemes += len + (end ? 1 : 0);
    }
}

/* The positions of pos (":1A,2,5B") weighted A, as ":1A,..." in title;
 * empty if none. */
static void title_positions(struct buf *title, const char *pos, size_t n)
{
    buf_reset(title);
    for (size_t i = 1; i < n;) {
        size_t j = i;
        while (j < n && pos[j] != ',')
            j++;
        if (pos[j - 1] == 'A') {
            buf_puts(title, title->len ? "," : ":");
            buf_append(title, pos + i, j - i);
        }
        i = j + 1;
    }
}

/* Asks PostgreSQL for the lexemes of the words in missing (a JSON array),
 * remembering them here and in search_word. */
static bool learn(struct indexer *ix, PGconn *pg, json_t *missing)
{
    static const char sql[] =
        "WITH x AS (SELECT w, coalesce(s.lexemes, search_lexemes(w)) AS lexemes,"
        " s.word IS NULL AS new FROM json_array_elements_text($1::json) w"
        " LEFT JOIN search_word s ON s.word = w),"
        " ins AS (INSERT INTO search_word SELECT w, lexemes FROM x WHERE new ORDER BY w"
        " ON CONFLICT (word) DO NOTHING)"
        " SELECT w, to_json(lexemes) FROM x";
    char *text = json_dumps(missing, JSON_COMPACT);
    const char *params[] = {text};
    PGresult *r = PQexecParams(pg, sql, 1, NULL, params, NULL, NULL, 0);
    free(text);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    for (int i = 0; ok && i < PQntuples(r); i++) {
        json_t *lex = json_loads(PQgetvalue(r, i, 1), 0, NULL);
        cache_put(ix, PQgetvalue(r, i, 0), lex);
        json_decref(lex);
    }
    if (!ok)
        log_msg("warn", "search indexer: %s", PQerrorMessage(pg));
    PQclear(r);
    return ok;
}

/* Words of the batch the cache lacks, as a JSON array (new). */
static json_t *missing_words(struct indexer *ix, PGresult *docs)
{
    json_t *missing = json_array(), *seen = json_object();
    struct tsentry e = {.word = BUF_INIT};
    for (int i = 0; i < PQntuples(docs); i++) {
        const char *p = PQgetvalue(docs, i, 1);
        while (next_entry(&p, &e)) {
            const char *w = buf_cstr(&e.word);
            if (!slot(ix, w)->word && !json_object_get(seen, w)) {
                json_object_set_new(seen, w, json_true());
                json_array_append_new(missing, json_string(w));
            }
        }
    }
    buf_free(&e.word);
    json_decref(seen);
    return missing;
}

/* The vectors of the batch as JSON: [{"id":..,"v":..,"t":..,"at":..}];
 * every word is in the cache (learn). The words of the titles (weight A)
 * that this indexer has not stored yet are appended to titles (borrowed)
 * and marked as stored; untitle() takes the marks back if the batch
 * fails. */
static void vectors(struct indexer *ix, PGresult *docs, struct buf *out, json_t *titles)
{
    struct tsentry e = {.word = BUF_INIT};
    struct buf v = BUF_INIT, t = BUF_INIT, tpos = BUF_INIT;
    buf_puts(out, "[");
    for (int i = 0; i < PQntuples(docs); i++) {
        const char *p = PQgetvalue(docs, i, 1);
        buf_reset(&v);
        buf_reset(&t);
        while (next_entry(&p, &e)) {
            struct entry *c = slot(ix, buf_cstr(&e.word));
            struct buf q = BUF_INIT;
            const char *lexemes = c->word ? c->lexemes : NULL;
            if (!lexemes) { /* never expected: keep the word as it is */
                log_msg("warn", "search indexer: \"%s\" was not learnt", buf_cstr(&e.word));
                quote(&q, buf_cstr(&e.word));
                lexemes = buf_cstr(&q);
            }
            emit(&v, lexemes, e.positions, e.positions_len);
            title_positions(&tpos, e.positions, e.positions_len);
            if (tpos.len) {
                emit(&t, lexemes, tpos.p, tpos.len);
                if (c->word && !c->titled) {
                    c->titled = true;
                    json_array_append_new(titles, json_string(c->word));
                }
            }
            buf_free(&q);
        }
        buf_printf(out, "%s{\"id\":%s,\"v\":", i ? "," : "", PQgetvalue(docs, i, 0));
        buf_json_str(out, buf_cstr(&v));
        buf_puts(out, ",\"t\":");
        buf_json_str(out, buf_cstr(&t));
        buf_puts(out, ",\"at\":");
        buf_json_str(out, PQgetvalue(docs, i, 2));
        buf_puts(out, "}");
    }
    buf_puts(out, "]");
    buf_free(&e.word);
    buf_free(&v);
    buf_free(&t);
    buf_free(&tpos);
}

/* Takes back the marks vectors() set on the words of titles. */
static void untitle(struct indexer *ix, json_t *titles)
{
    size_t i;
    json_t *w;
    json_array_foreach(titles, i, w)
    {
        slot(ix, json_string_value(w))->titled = false;
    }
}

/* Indexes one batch: how many practices, or -1 on failure. The slow part
 * (PostgreSQL splitting the texts, stemming new words) runs without a
 * transaction of its own: a writing transaction held open that long would
 * hold the change feed back (it hands out only what is older than every
 * running transaction). The store is one short statement that takes the
 * queue entries it read, unless a write queued them again meanwhile. */
static int index_batch(struct indexer *ix, PGconn *pg)
{
    static const char take[] =
        "SELECT q.practice_id, search_words(p, u)::text, q.queued_at FROM"
        " (SELECT practice_id, queued_at FROM search_queue ORDER BY queued_at, practice_id"
        " LIMIT $1::int) q JOIN practice p ON p.id = q.practice_id JOIN unit u ON u.id = p.unit_id";
    /* Locks as writers take them: the queue entries first (d, which l
     * reads, so it runs first), then the rows of practice_search in id
     * order, as search_sync locks them. A practice queued again since it
     * was read keeps its entry and its old vector until the next batch.
     * The titles' words go in alphabetical order, as another bdp's
     * indexer inserts them (its batch may share words); writers never
     * touch them. At commit, bdp_search tells every bdp that search
     * answers changed. */
    static const char store[] =
        "WITH x AS (SELECT * FROM json_to_recordset($1::json) x (id int, v text, t text,"
        " at timestamptz)),"
        " d AS (DELETE FROM search_queue q USING x WHERE q.practice_id = x.id"
        " AND q.queued_at = x.at RETURNING q.practice_id),"
        " l AS (SELECT practice_id FROM practice_search WHERE practice_id IN"
        " (SELECT practice_id FROM d) ORDER BY practice_id FOR UPDATE),"
        " u AS (UPDATE practice_search s SET vector = x.v::tsvector, title_vector = x.t::tsvector"
        " FROM x, l WHERE s.practice_id = x.id AND l.practice_id = x.id),"
        " w AS (INSERT INTO search_title_word SELECT w, unaccent(w)"
        " FROM json_array_elements_text($2::json) w ORDER BY w ON CONFLICT (word) DO NOTHING)"
        " SELECT pg_notify('bdp_search', '')";
    char batch[16];
    snprintf(batch, sizeof batch, "%d", ix->batch);
    const char *params[] = {batch};
    PGresult *docs = PQexecParams(pg, take, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(docs) != PGRES_TUPLES_OK) {
        log_msg("warn", "search indexer: %s", PQerrorMessage(pg));
        PQclear(docs);
        return -1;
    }
    int n = PQntuples(docs);
    if (n == 0) { /* nothing queued: no store, no notification */
        PQclear(docs);
        return 0;
    }
    json_t *missing = missing_words(ix, docs);
    if (ix->used + json_array_size(missing) > CACHE_MAX) {
        cache_clear(ix);
        json_decref(missing);
        missing = missing_words(ix, docs);
    }
    bool ok = json_array_size(missing) == 0 || learn(ix, pg, missing);
    json_decref(missing);
    if (ok) {
        struct buf json = BUF_INIT;
        json_t *titles = json_array();
        vectors(ix, docs, &json, titles);
        char *words = json_dumps(titles, JSON_COMPACT);
        const char *vparams[] = {buf_cstr(&json), words};
        PGresult *r = PQexecParams(pg, store, 2, NULL, vparams, NULL, NULL, 0);
        ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        if (!ok) {
            log_msg("warn", "search indexer: %s", PQerrorMessage(pg));
            untitle(ix, titles);
        }
        PQclear(r);
        free(words);
        json_decref(titles);
        buf_free(&json);
    }
    PQclear(docs);
    return ok ? n : -1;
}

static void pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static void *run(void *arg)
{
    struct indexer *ix = arg;
    PGconn *pg = NULL;
    long busy = 0; /* practices indexed since the queue was last empty */
    double since = 0;
    while (!atomic_load(&ix->stop)) {
        if (!pg) {
            char err[256];
            if (!(pg = db_connect_once(ix->conninfo, err, sizeof err))) {
                pause_ms(1000);
                continue;
            }
        }
        uint64_t seen = feed_generation(ix->feed);
        double started = clock_ms();
        int n = index_batch(ix, pg);
        if (n > 0) {
            if (!busy)
                since = started;
            busy += n;
            continue;
        }
        if (busy && n == 0)
            log_msg("info", "search index: %ld practices indexed in %.1f s", busy,
                    (clock_ms() - since) / 1000);
        busy = n == 0 ? 0 : busy;
        if (n < 0 && PQstatus(pg) != CONNECTION_OK) {
            PQfinish(pg);
            pg = NULL;
        }
        if (n < 0)
            pause_ms(1000);
        else
            feed_wait(ix->feed, seen, 1000);
    }
    if (pg)
        PQfinish(pg);
    return NULL;
}

struct indexer *indexer_start(const char *conninfo, struct feed *feed, int batch)
{
    struct indexer *ix = xmalloc(sizeof *ix);
    ix->conninfo = xstrdup(conninfo);
    ix->feed = feed;
    ix->batch = batch;
    /* calloc: pages are zero and not resident until the cache grows. */
    ix->slots = calloc(2 * CACHE_MAX, sizeof *ix->slots);
    if (!ix->slots)
        abort();
    ix->used = 0;
    atomic_init(&ix->stop, false);
    if (pthread_create(&ix->thread, NULL, run, ix) != 0) {
        log_msg("error", "search indexer: cannot start its thread");
        abort();
    }
    return ix;
}

void indexer_stop(struct indexer *ix)
{
    if (!ix)
        return;
    atomic_store(&ix->stop, true);
    pthread_join(ix->thread, NULL);
    cache_clear(ix);
    free(ix->slots);
    free(ix->conninfo);
    free(ix);
}
