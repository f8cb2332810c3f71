/* civetweb start and stop, the per-request entry (request id, CORS, key,
 * route, log), and draining on SIGTERM. */
#include "bdp/server.h"

#include "bdp/cache.h"
#include "bdp/clock.h"

#include "bdp/indexer.h"
#include "bdp/log.h"
#include "bdp/migrate.h"
#include "bdp/query.h"
#include "bdp/router.h"

#include <civetweb.h>
#include <jansson.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Practices the search indexer takes a transaction. */
#define INDEX_BATCH 200

/* The prefix of generated request ids, set before any worker runs. */
static unsigned long long boot;

static void set_request_id(struct req *r)
{
    static atomic_ullong counter;
    const char *given = http_header(r, "X-Request-Id");
    size_t n = given ? strlen(given) : 0;
    bool ok = n > 0 && n <= 128;
    for (size_t i = 0; ok && i < n; i++)
        ok = (given[i] >= 'a' && given[i] <= 'z') || (given[i] >= 'A' && given[i] <= 'Z') ||
             (given[i] >= '0' && given[i] <= '9') || strchr("._-", given[i]);
    if (ok) {
        memcpy(r->request_id, given, n + 1);
        return;
    }
    snprintf(r->request_id, sizeof r->request_id, "%012llx-%06llx", boot & 0xffffffffffffULL,
             (unsigned long long)atomic_fetch_add(&counter, 1) & 0xffffff);
}

/* The request's Origin if BDP_CORS_ORIGINS allows it. */
static const char *allowed_origin(struct req *r)
{
    const char *origin = http_header(r, "Origin");
    const char *list = r->srv->cfg->str[CFG_CORS_ORIGINS];
    if (!origin || !*list)
        return NULL;
    size_t n = strlen(origin);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ", ");
        if ((len == 1 && *p == '*') || (len == n && strncmp(p, origin, n) == 0))
            return origin;
        p += len;
    }
    return NULL;
}

static void options(struct req *r, unsigned allowed)
{
    char allow[96];
    router_allow_header(allowed, allow, sizeof allow);
    http_add_header(r, "Allow", "%s", allow);
    if (r->cors_origin && http_header(r, "Access-Control-Request-Method")) {
        http_add_header(r, "Access-Control-Allow-Methods", "%s", allow);
        http_add_header(r, "Access-Control-Allow-Headers",
                        "Authorization, Content-Type, If-Match, If-None-Match, "
                        "Idempotency-Key, X-Request-Id");
        http_add_header(r, "Access-Control-Max-Age", "600");
    }
    http_send(r, 204, NULL, NULL, 0);
}

/* Requests being answered, and whether SIGTERM came: while draining, new
 * requests are refused (503, connection closed) so the count can reach 0. */
static atomic_int in_flight;
static atomic_bool draining;

static int handle(struct mg_connection *conn, void *data)
{
    struct req r = {0};
    struct problem pb;
    unsigned allowed = 0;
    problem_init(&pb);
    r.t0 = clock_ms();
    r.conn = conn;
    r.srv = data;
    r.ri = mg_get_request_info(conn);
    r.path = r.ri->local_uri ? r.ri->local_uri : "";
    r.query = r.ri->query_string;
    set_request_id(&r);
    r.cors_origin = allowed_origin(&r);
    atomic_fetch_add(&in_flight, 1);

    const struct route *route = NULL;
    if (atomic_load(&draining)) {
        http_add_header(&r, "Connection", "close");
        problem_set(&pb, ERR_UNAVAILABLE, "The server is shutting down.");
    }
    if (pb.kind) {
        /* draining: answered below */
    } else if (!method_parse(r.ri->request_method, &r.method)) {
        r.method = M_GET;
        router_find(M_GET, r.path, &r.id, &allowed);
        problem_set(&pb, allowed ? ERR_METHOD_NOT_ALLOWED : ERR_NOT_FOUND,
                    "%s is not a method of this API.", r.ri->request_method);
    } else {
        route = router_find_names(r.method, r.path, &r.id, &r.names, &allowed);
        if (!route && r.method != M_OPTIONS)
            problem_set(&pb, allowed ? ERR_METHOD_NOT_ALLOWED : ERR_NOT_FOUND,
                        allowed ? "%s is not allowed on %s." : "There is nothing at %s%s.",
                        allowed ? r.ri->request_method : "", r.path);
    }
    if (pb.kind == ERR_METHOD_NOT_ALLOWED) {
        char allow[96];
        router_allow_header(allowed, allow, sizeof allow);
        http_add_header(&r, "Allow", "%s", allow);
    }
    if (!pb.kind && r.method == M_OPTIONS) {
        if (allowed)
            options(&r, allowed);
        else
            problem_set(&pb, ERR_NOT_FOUND, "There is nothing at %s.", r.path);
    }
    if (!r.sent && !pb.kind && !route->takes_query && r.query && *r.query) {
        struct query q;
        static const char *const none[] = {NULL};
        if (query_parse(&q, r.query, none, &pb))
            problem_set(&pb, ERR_BAD_REQUEST, "This resource takes no query parameters.");
        query_cleanup(&q);
    }
    if (!r.sent && !pb.kind &&
        auth_resolve(r.srv->reader, http_header(&r, "Authorization"), &r.who, &pb)) {
        r.res = route->res;
        route->handler(&r);
    }
    if (!r.sent && !pb.kind)
        problem_set(&pb, ERR_INTERNAL, "The request was not answered.");
    if (!r.sent)
        http_send_problem(&r, &pb);
    log_request(r.request_id, r.ri->request_method, r.path, r.status, clock_ms() - r.t0,
                r.who.name[0] ? r.who.name : NULL);
    buf_free(&r.headers);
    atomic_fetch_sub(&in_flight, 1);
    return r.status;
}

/* Errors civetweb finds before any handler (a malformed request line, an
 * unknown method, headers too large) are answered as problems too. */
static int civetweb_error(struct mg_connection *conn, int status, const char *msg)
{
    struct req r = {0};
    struct problem pb;
    problem_init(&pb);
    r.conn = conn;
    r.ri = mg_get_request_info(conn);
    r.path = !r.ri               ? ""
             : r.ri->local_uri   ? r.ri->local_uri
             : r.ri->request_uri ? r.ri->request_uri
                                 : "";
    set_request_id(&r);
    enum err_kind kind = ERR_BAD_REQUEST;
    for (int k = ERR_BAD_REQUEST; k < ERR__MAX; k++)
        if (error_status((enum err_kind)k) == status)
            kind = (enum err_kind)k;
    /* civetweb refuses methods it does not serve (TRACE, FOO): for a path
     * we have, that is a 405 with Allow, as from our own router. */
    enum method m;
    unsigned allowed = 0;
    long long id;
    if (r.ri && r.ri->request_method && !method_parse(r.ri->request_method, &m)) {
        router_find(M_GET, r.path, &id, &allowed);
        kind = allowed ? ERR_METHOD_NOT_ALLOWED : ERR_NOT_FOUND;
        msg = allowed ? "The method is not allowed here." : "There is nothing at this path.";
    }
    if (allowed) {
        char allow[96];
        router_allow_header(allowed, allow, sizeof allow);
        http_add_header(&r, "Allow", "%s", allow);
    }
    problem_set(&pb, kind, "%s", msg && *msg ? msg : "The request could not be read.");
    http_send_problem(&r, &pb);
    log_request(r.request_id, r.ri && r.ri->request_method ? r.ri->request_method : "?", r.path,
                r.status, 0, NULL);
    buf_free(&r.headers);
    return 0;
}

int server_run(const struct config *cfg)
{
    char err[512];
    int pending = migrate_pending(cfg->str[CFG_DATABASE_URL], err, sizeof err);
    if (pending < 0) {
        log_msg("error", "cannot start: %s", err);
        return 1;
    }
    if (pending > 0) {
        log_msg("error", "cannot start: %d migration(s) pending; run `bdp migrate` first", pending);
        return 1;
    }
    struct server srv = {cfg, NULL, NULL, NULL, NULL, NULL};
    int size = (int)cfg->num[CFG_POOL_SIZE], wait = (int)cfg->num[CFG_POOL_WAIT_MS];
    srv.primary = db_pool_new(cfg->str[CFG_DATABASE_URL], size, wait);
    srv.reader = *cfg->str[CFG_READ_DATABASE_URL]
                     ? db_pool_new(cfg->str[CFG_READ_DATABASE_URL], size, wait)
                     : srv.primary;

    srv.feed = feed_start(cfg->str[CFG_DATABASE_URL], (int)cfg->num[CFG_CHANGE_RETENTION_DAYS],
                          (int)cfg->num[CFG_CHANGE_PURGE_SECONDS], (int)cfg->num[CFG_THREADS] / 2);
    db_pool_on_commit(srv.primary, feed_touch, srv.feed);
    struct indexer *indexer = indexer_start(cfg->str[CFG_DATABASE_URL], srv.feed, INDEX_BATCH);
    srv.cache = cache_new((size_t)cfg->num[CFG_SEARCH_CACHE_MB] << 20);
    /* From the primary, where the data generation is decided: a replica
     * behind it would give a snapshot older than its label, kept until the
     * next change. */
    srv.mem = search_mem_start(cfg->str[CFG_DATABASE_URL], srv.feed,
                               cfg->num[CFG_SEARCH_MEMORY_MIN_DOCS]);

    /* Signals are taken by sigwait below; every thread inherits the mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    char threads[16];
    snprintf(threads, sizeof threads, "%lld", cfg->num[CFG_THREADS]);
    /* civetweb would answer CORS preflights itself, for any origin: the
     * empty settings leave them to us. */
    const char *opts[] = {"listening_ports",
                          cfg->str[CFG_LISTEN],
                          "num_threads",
                          threads,
                          "enable_keep_alive",
                          "yes",
                          "tcp_nodelay",
                          "1",
                          "request_timeout_ms",
                          "30000",
                          "keep_alive_timeout_ms",
                          "5000",
                          "enable_auth_domain_check",
                          "no",
                          "access_control_allow_origin",
                          "",
                          "access_control_allow_methods",
                          "",
                          NULL};
    boot = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
    mg_init_library(0);
    struct mg_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.http_error = civetweb_error;
    struct mg_context *ctx = mg_start(&cb, NULL, opts);
    if (!ctx) {
        log_msg("error", "cannot listen on %s", cfg->str[CFG_LISTEN]);
        mg_exit_library();
        indexer_stop(indexer);
        search_mem_stop(srv.mem);
        feed_stop(srv.feed);
        cache_free(srv.cache);
        if (srv.reader != srv.primary)
            db_pool_free(srv.reader);
        db_pool_free(srv.primary);
        return 1;
    }
    mg_set_request_handler(ctx, "/", handle, &srv);
    log_msg("info", "serving on http://%s with %s threads", cfg->str[CFG_LISTEN], threads);

    int sig = 0;
    sigwait(&set, &sig);
    log_msg("info", "signal %d: finishing %d request(s) in flight", sig, atomic_load(&in_flight));
    atomic_store(&draining, true);
    feed_close(srv.feed); /* long polls answer now instead of at their end */
    /* civetweb stops reading bodies once mg_stop begins, so wait for the
     * requests in flight first (30 s at most: request_timeout_ms). */
    for (int waited = 0; atomic_load(&in_flight) > 0 && waited < 30000; waited += 10)
        usleep(10000);
    mg_stop(ctx);
    mg_exit_library();
    indexer_stop(indexer);
    search_mem_stop(srv.mem);
    feed_stop(srv.feed);
    cache_free(srv.cache);
    if (srv.reader != srv.primary)
        db_pool_free(srv.reader);
    db_pool_free(srv.primary);
    log_msg("info", "stopped");
    return 0;
}
