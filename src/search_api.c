/* HTTP <-> search: parameters in, a page, an export or statistics out. */
#include "bdp/search_api.h"

#include "bdp/cache.h"
#include "bdp/clock.h"
#include "bdp/feed.h"
#include "bdp/log.h"
#include "bdp/resource.h"
#include "bdp/search_store.h"
#include "bdp/server.h"

#include <jansson.h>
#include <string.h>
#include <strings.h>

enum format { FORMAT_JSON, FORMAT_CSV, FORMAT_NDJSON };
static const char *const formats[] = {"application/json", "text/csv", "application/x-ndjson", NULL};

struct export
{
    struct http_stream st;
    enum format format;
    struct buf line;
};

/* RFC 4180: quoted when it holds a comma, quote or line break. */
static void csv_field(struct buf *b, const char *v)
{
    if (!v)
        return;
    if (!strpbrk(v, ",\"\r\n")) {
        buf_puts(b, v);
        return;
    }
    buf_puts(b, "\"");
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            buf_puts(b, "\"\"");
        else
            buf_append(b, p, 1);
    }
    buf_puts(b, "\"");
}

static void csv_line(struct buf *b, const char *const *fields, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            buf_puts(b, ",");
        csv_field(b, fields[i]);
    }
    buf_puts(b, "\r\n");
}

static bool export_row(void *ctx, const char *const *fields, int n)
{
    struct export *e = ctx;
    buf_reset(&e->line);
    if (e->format == FORMAT_CSV) {
        csv_line(&e->line, fields, n);
    } else {
        buf_puts(&e->line, fields[0]);
        buf_puts(&e->line, "\n");
    }
    return http_stream_write(&e->st, e->line.p, e->line.len);
}

/* Streams every match; once the 200 is out, a failure can only cut the
 * body short (the log says so). */
static void export(struct req *r, struct db_conn *c, const struct search *s,
                   const struct search_resolved *res, enum format format)
{
    struct export e = {.format = format, .line = BUF_INIT};
    struct problem pb;
    problem_init(&pb);
    http_add_header(r, "Vary", "Accept");
    http_stream_start(r, &e.st,
                      format == FORMAT_CSV ? "text/csv; charset=utf-8" : "application/x-ndjson");
    if (format == FORMAT_CSV) {
        int n = 0;
        while (search_csv_columns[n])
            n++;
        csv_line(&e.line, search_csv_columns, n);
        http_stream_write(&e.st, e.line.p, e.line.len);
    }
    if (r->method != M_HEAD &&
        !search_store_export(c, s, res, format == FORMAT_CSV ? EXPORT_CSV : EXPORT_NDJSON,
                             export_row, &e, &pb) &&
        pb.kind)
        log_msg("error", "export of %s cut short: %s", r->path, pb.detail);
    http_stream_end(&e.st);
    buf_free(&e.line);
}

/* Whether list (a header's comma-separated directives, RFC 9110 5.6.1)
 * holds name, in any case; with a value ("max-age=0"), that value. */
static bool directive(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == n && strncasecmp(p, name, n) == 0)
            return true;
        p = strchr(p, ',');
    }
    return false;
}

/* What the request's Cache-Control (or, without it, HTTP/1.0's Pragma)
 * asks of the answer cache (RFC 9111 5.2.1): no-cache and max-age=0, an
 * answer computed now; no-store, and none of it kept either. */
static void cache_wishes(struct req *r, bool *lookup, bool *store)
{
    const char *cc = http_header(r, "Cache-Control"), *pragma = http_header(r, "Pragma");
    bool no_store = cc && directive(cc, "no-store");
    bool fresh = cc ? directive(cc, "no-cache") || directive(cc, "max-age=0") || no_store
                    : pragma && directive(pragma, "no-cache");
    *lookup = !fresh;
    *store = !no_store;
}

/* cache: "hit", "miss" or NULL (not cacheable), in X-Cache. timing: a
 * Server-Timing value, or NULL. */
static void send_page(struct req *r, const struct buf *body, const struct buf *link,
                      const char *cache, const char *timing)
{
    http_add_header(r, "Vary", "Accept");
    if (link->len)
        http_add_header(r, "Link", "%s", buf_cstr((struct buf *)link));
    if (cache)
        http_add_header(r, "X-Cache", "%s", cache);
    if (timing)
        http_add_header(r, "Server-Timing", "%s", timing);
    http_send_json(r, 200, body->p, body->len);
}

/* The snapshot in memory for an answer computed now (NULL: none), when
 * the request accepts one (lookup: not Cache-Control: no-cache, which asks
 * for what the database holds this instant) and it is of the current data
 * generation. */
static struct smem *snapshot(struct req *r, bool lookup)
{
    uint64_t gen;
    if (!lookup || !r->srv->mem || !feed_data_generation(r->srv->feed, &gen))
        return NULL;
    return search_mem_get(r->srv->mem, gen);
}

/* The words a hit's highlight marks: from the snapshot m when there is
 * one and they are not too many, else from the database. */
static bool marked_words(struct db_conn *c, const struct smem *m, struct search_resolved *res,
                         struct problem *pb)
{
    json_t *a = json_loads(buf_cstr(&res->lexemes), 0, NULL);
    size_t n = json_array_size(a), k = 0;
    const char **lexemes = xmalloc((n ? n : 1) * sizeof *lexemes);
    for (size_t i = 0; i < n; i++)
        if (json_is_string(json_array_get(a, i)))
            lexemes[k++] = json_string_value(json_array_get(a, i));
    bool mem = m && a && smem_marked_words(m, lexemes, k, SEARCH_MARKED_MAX, &res->words);
    free(lexemes);
    json_decref(a);
    return mem || search_store_marked_words(c, res, pb);
}

struct fetched {
    struct smem_query *q;
    const struct smem *m;
};

static void fetched(void *ctx, const char *lexeme, const int32_t *ids, size_t n)
{
    struct fetched *f = ctx;
    smem_query_fetched(f->q, f->m, lexeme, ids, n);
}

/* The total and facets of s (and found: the page's rows, as
 * search_store_counts and smem_search fill it): from the snapshot m when
 * it can answer, with the postings of the query's rare lexemes from the
 * database; else all from the database. *c is taken if NULL and needed.
 * Server-Timing's "counts" says which, and how long. */
static bool counts(struct req *r, struct db_conn **c, struct smem *m, const struct search *s,
                   const struct search_resolved *res, bool areas_only, long long *total,
                   struct buf *facets, struct buf *found, struct buf *timing, struct problem *pb)
{
    double t0 = clock_ms();
    struct smem_query q = {0};
    bool mem = m && (!res->tsquery || smem_query_parse(m, res->tsquery, &q));
    if (mem && res->tsquery) {
        const char *unheld[32];
        size_t n = smem_query_unheld(&q, unheld, 32);
        struct fetched f = {&q, m};
        if (n && !search_store_postings(*c, unheld, n, fetched, &f, pb)) {
            smem_query_free(&q);
            return false;
        }
    }
    mem = mem && smem_search(m, s, res->category_id, res->tsquery ? &q : NULL, areas_only, total,
                             facets, found);
    smem_query_free(&q);
    if (!mem && ((!*c && !(*c = db_take(r->srv->reader, pb))) ||
                 !search_store_counts(*c, s, res, areas_only, total, facets, found, pb)))
        return false;
    buf_printf(timing, "counts;desc=\"%s\";dur=%.3f", mem ? "memory" : "database", clock_ms() - t0);
    return true;
}

void search_api_list(struct req *r)
{
    struct problem pb;
    struct query q = {0};
    struct search s = {0};
    struct buf items = BUF_INIT, next = BUF_INIT, facets = BUF_INIT, extra = BUF_INIT;
    struct buf key = BUF_INIT, body = BUF_INIT, link = BUF_INIT, found = BUF_INIT;
    uint64_t gen = 0;
    bool cached = false;
    struct smem *mem = NULL;
    struct buf timing = BUF_INIT;
    struct db_conn *c = NULL;
    struct search_resolved res = {.tsq = BUF_INIT, .lexemes = BUF_INIT, .words = BUF_INIT};
    long long total = 0;
    problem_init(&pb);

    int format = http_accept(r, formats);
    if (format < 0) {
        problem_set(&pb, ERR_NOT_ACCEPTABLE,
                    "This list is served as application/json, text/csv or application/x-ndjson.");
        goto out;
    }
    if (!query_parse(&q, r->query, search_params, &pb) || !search_parse(&s, &q, &pb))
        goto out;
    s.with_private = auth_sees_private(&r->who);
    /* A JSON page may come from the cache: the same query and visibility
     * at the same data generation is the same answer. */
    cached = format == FORMAT_JSON && r->srv->cache && feed_data_generation(r->srv->feed, &gen);
    bool lookup = true, store = true;
    cache_wishes(r, &lookup, &store);
    if (cached) {
        buf_printf(&key, "%d|%s", s.with_private, r->query ? r->query : "");
        if (lookup && cache_get(r->srv->cache, buf_cstr(&key), gen, &body, &link)) {
            send_page(r, &body, &link, "hit", NULL);
            goto out;
        }
    }
    if (!(c = db_take(r->srv->reader, &pb)))
        goto out;
    if (!search_store_resolve(c, &s, &res, &pb))
        goto out;
    if (format != FORMAT_JSON) {
        export(r, c, &s, &res, (enum format)format);
        goto out;
    }
    mem = snapshot(r, lookup);
    if (s.q && !marked_words(c, mem, &res, &pb))
        goto out;
    if (!counts(r, &c, mem, &s, &res, false, &total, &facets, &found, &timing, &pb))
        goto out;
    double t0 = clock_ms();
    if (!search_store_page(c, &s, &res, total, &found, &items, &next, &pb))
        goto out;
    buf_printf(&timing, ", page;dur=%.3f", clock_ms() - t0);
    db_give(c);
    c = NULL;
    if (s.facets)
        buf_printf(&extra, "\"facets\":{%s}", buf_cstr(&facets));
    resource_list_json(r, &q, buf_cstr(&items), next.len ? buf_cstr(&next) : NULL, total,
                       extra.len ? buf_cstr(&extra) : NULL, &body, &link);
    if (cached && store)
        cache_put(r->srv->cache, buf_cstr(&key), gen, body.p, body.len,
                  link.len ? buf_cstr(&link) : NULL);
    send_page(r, &body, &link, cached ? "miss" : NULL, buf_cstr(&timing));
out:
    search_mem_put(r->srv->mem, mem);
    db_give(c);
    http_fail(r, &pb);
    search_cleanup(&s);
    search_resolved_cleanup(&res);
    query_cleanup(&q);
    buf_free(&items);
    buf_free(&next);
    buf_free(&facets);
    buf_free(&extra);
    buf_free(&key);
    buf_free(&body);
    buf_free(&link);
    buf_free(&found);
    buf_free(&timing);
}

void search_api_stats(struct req *r)
{
    struct problem pb;
    struct search s = {.facets = (1u << FACET__MAX) - 1};
    struct search_resolved res = {.tsq = BUF_INIT, .lexemes = BUF_INIT, .words = BUF_INIT};
    struct buf facets = BUF_INIT, body = BUF_INIT, timing = BUF_INIT;
    long long total = 0;
    bool lookup, store;
    problem_init(&pb);
    cache_wishes(r, &lookup, &store);
    struct smem *mem = snapshot(r, lookup);
    struct db_conn *c = NULL; /* the snapshot answers without one */
    if (counts(r, &c, mem, &s, &res, true, &total, &facets, NULL, &timing, &pb)) {
        buf_printf(&body, "{\"total\":%lld,%s}", total, buf_cstr(&facets));
        http_add_header(r, "Server-Timing", "%s", buf_cstr(&timing));
        http_send_json(r, 200, body.p, body.len);
    }
    search_mem_put(r->srv->mem, mem);
    db_give(c);
    http_fail(r, &pb);
    buf_free(&facets);
    buf_free(&body);
    buf_free(&timing);
}
