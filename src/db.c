/* The connection pool, lazily prepared statements, SQLSTATE mapping and
 * reconnection with back-off. */
#include "bdp/db.h"

#include "bdp/clock.h"

#include "bdp/buf.h"
#include "bdp/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PREPARED 128

struct db_conn {
    struct db_pool *pool;
    PGconn *pg;
    const struct db_stmt *prepared[MAX_PREPARED];
    int n_prepared;
    double retry_at; /* monotonic seconds: no reconnect attempt before */
    double backoff;
};

struct db_pool {
    char *conninfo;
    int size, wait_ms;
    struct db_conn *conns;
    int *idle, n_idle;
    pthread_mutex_t lock;
    pthread_cond_t freed;
    void (*on_commit)(void *ctx);
    void *on_commit_ctx;
};

PGconn *db_connect_once(const char *conninfo, char *err, size_t errlen)
{
    /* A short connect timeout keeps requests from hanging while the server
     * is unreachable; statement_timeout bounds any single statement. The
     * server runs many statements at once: no parallel workers (on two
     * cores they only add overhead) and no JIT (with enable_seqscan off, a
     * sequential scan that remains, such as of the 12 categories, costs
     * 10^10, far above jit_above_cost, and compiling it took 50-120 ms of
     * a search); work_mem to hash a common word's matches. */
    const char *keys[] = {"dbname", "connect_timeout", "options", "application_name", NULL};
    const char *vals[] = {conninfo, "3", DB_OPTIONS, "bdp", NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(pg) != CONNECTION_OK) {
        snprintf(err, errlen, "%s", PQerrorMessage(pg));
        size_t n = strlen(err);
        while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
            err[--n] = '\0';
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

struct db_pool *db_pool_new(const char *conninfo, int size, int wait_ms)
{
    struct db_pool *p = xmalloc(sizeof *p);
    memset(p, 0, sizeof *p);
    p->conninfo = xstrdup(conninfo);
    p->size = size;
    p->wait_ms = wait_ms;
    p->conns = xmalloc(sizeof *p->conns * (size_t)size);
    p->idle = xmalloc(sizeof *p->idle * (size_t)size);
    memset(p->conns, 0, sizeof *p->conns * (size_t)size);
    for (int i = 0; i < size; i++) {
        p->conns[i].pool = p;
        p->idle[i] = i;
    }
    p->n_idle = size;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    return p;
}

void db_pool_on_commit(struct db_pool *p, void (*fn)(void *ctx), void *ctx)
{
    p->on_commit = fn;
    p->on_commit_ctx = ctx;
}

void db_pool_free(struct db_pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->size; i++)
        if (p->conns[i].pg)
            PQfinish(p->conns[i].pg);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    free(p->conns);
    free(p->idle);
    free(p->conninfo);
    free(p);
}

static void drop(struct db_conn *c)
{
    if (c->pg)
        PQfinish(c->pg);
    c->pg = NULL;
    c->n_prepared = 0;
}

/* Connects c if it has no live connection, respecting the back-off. */
static bool ensure_connected(struct db_conn *c)
{
    if (c->pg && PQstatus(c->pg) == CONNECTION_OK)
        return true;
    drop(c);
    double t = clock_ms() / 1e3;
    if (t < c->retry_at)
        return false;
    char err[256];
    c->pg = db_connect_once(c->pool->conninfo, err, sizeof err);
    if (!c->pg) {
        c->backoff = c->backoff ? (c->backoff * 2 > 2.0 ? 2.0 : c->backoff * 2) : 0.1;
        c->retry_at = clock_ms() / 1e3 + c->backoff;
        log_msg("warn", "database connection failed: %s", err);
        return false;
    }
    c->backoff = 0;
    c->retry_at = 0;
    /* A backend loads the Polish dictionary on first use (about 0.35 s):
     * pay it here, not in the first search that lands on this connection. */
    PQclear(PQexec(c->pg, "SELECT ts_lexize('bdp_ispell', 'dom')"));
    return true;
}

struct db_conn *db_take(struct db_pool *p, struct problem *pb)
{
    struct timespec deadline = clock_deadline(p->wait_ms);
    pthread_mutex_lock(&p->lock);
    while (p->n_idle == 0) {
        if (pthread_cond_timedwait(&p->freed, &p->lock, &deadline) == ETIMEDOUT && p->n_idle == 0) {
            pthread_mutex_unlock(&p->lock);
            problem_set(pb, ERR_UNAVAILABLE, "All database connections are busy.");
            return NULL;
        }
    }
    struct db_conn *c = &p->conns[p->idle[--p->n_idle]];
    pthread_mutex_unlock(&p->lock);
    if (!ensure_connected(c)) {
        db_give(c);
        problem_set(pb, ERR_UNAVAILABLE, "The database is unavailable.");
        return NULL;
    }
    return c;
}

void db_give(struct db_conn *c)
{
    if (!c)
        return;
    if (c->pg && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        PGresult *r = PQexec(c->pg, "ROLLBACK");
        PQclear(r);
        if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
            drop(c);
    }
    struct db_pool *p = c->pool;
    pthread_mutex_lock(&p->lock);
    p->idle[p->n_idle++] = (int)(c - p->conns);
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

static void fill_err(struct db_conn *c, PGresult *r, struct db_err *e)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *cons = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    snprintf(e->sqlstate, sizeof e->sqlstate, "%s", state ? state : "");
    snprintf(e->constraint, sizeof e->constraint, "%s", cons ? cons : "");
    snprintf(e->message, sizeof e->message, "%s", msg ? msg : PQerrorMessage(c->pg));
    if (PQstatus(c->pg) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
        strncmp(state, "57P", 3) == 0) {
        e->kind = ERR_UNAVAILABLE;
        drop(c);
    } else if (strcmp(state, "23505") == 0 || strcmp(state, "23P01") == 0) {
        e->kind = ERR_CONFLICT;
    } else if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0) {
        e->kind = ERR_VALIDATION;
    } else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
               strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0 ||
               strncmp(state, "53", 2) == 0) {
        e->kind = ERR_UNAVAILABLE;
    } else {
        e->kind = ERR_INTERNAL;
    }
    if (e->kind == ERR_INTERNAL || e->kind == ERR_UNAVAILABLE)
        log_msg("error", "database: %s %s", e->sqlstate, e->message);
}

static bool is_prepared(struct db_conn *c, const struct db_stmt *st)
{
    for (int i = 0; i < c->n_prepared; i++)
        if (c->prepared[i] == st)
            return true;
    return false;
}

/* Prepares st on c if this connection has not yet. */
static bool prepare(struct db_conn *c, const struct db_stmt *st, struct db_err *e)
{
    if (is_prepared(c, st))
        return true;
    PGresult *r = PQprepare(c->pg, st->name, st->sql, st->nparams, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fill_err(c, r, e);
        PQclear(r);
        return false;
    }
    PQclear(r);
    if (c->n_prepared < MAX_PREPARED)
        c->prepared[c->n_prepared++] = st;
    return true;
}

bool db_send(struct db_conn *c, const struct db_stmt *st, const char *const *params,
             struct db_err *e)
{
    if (!c->pg) {
        fill_err(c, NULL, e);
        return false;
    }
    if (!prepare(c, st, e))
        return false;
    if (PQsendQueryPrepared(c->pg, st->name, st->nparams, params, NULL, NULL, 0))
        return true;
    fill_err(c, NULL, e);
    return false;
}

/* Reads what the statement sent last gives until the connection is idle:
 * its result, or NULL with e filled. */
static PGresult *result(struct db_conn *c, struct db_err *e)
{
    PGresult *r, *out = NULL;
    bool failed = false;
    while (c->pg && (r = PQgetResult(c->pg))) {
        ExecStatusType s = PQresultStatus(r);
        bool ok = s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK;
        if (ok && !out) {
            out = r;
            continue;
        }
        if (!ok && !failed) {
            fill_err(c, r, e); /* may drop the connection: the loop ends */
            failed = true;
        }
        PQclear(r);
    }
    if (!failed && out)
        return out;
    PQclear(out);
    if (!failed)
        fill_err(c, NULL, e);
    return NULL;
}

PGresult *db_exec(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                  struct db_err *e)
{
    return db_send(c, st, params, e) ? result(c, e) : NULL;
}

PGresult *db_collect(struct db_conn *c, const struct db_constraint *map, struct problem *pb)
{
    struct db_err e;
    PGresult *r = result(c, &e);
    if (!r)
        db_err_map(&e, map, pb);
    return r;
}

bool db_command(struct db_conn *c, const char *sql, struct db_err *e)
{
    if (!c->pg) {
        fill_err(c, NULL, e);
        return false;
    }
    PGresult *r = PQexec(c->pg, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        fill_err(c, r, e);
    PQclear(r);
    if (ok && c->pool->on_commit && strncmp(sql, "COMMIT", 6) == 0)
        c->pool->on_commit(c->pool->on_commit_ctx);
    return ok;
}

void db_err_problem(const struct db_err *e, struct problem *pb)
{
    switch (e->kind) {
    case ERR_UNAVAILABLE:
        problem_set(pb, ERR_UNAVAILABLE, "The database is unavailable; try again shortly.");
        break;
    case ERR_CONFLICT:
        problem_set(pb, ERR_CONFLICT, "The change conflicts with existing data.");
        break;
    case ERR_VALIDATION:
        problem_set(pb, ERR_VALIDATION, "A value was rejected by the database.");
        break;
    default: problem_set(pb, ERR_INTERNAL, "The database failed to answer.");
    }
}

void db_err_map(const struct db_err *e, const struct db_constraint *map, struct problem *pb)
{
    for (; map && map->constraint; map++)
        if (strcmp(map->constraint, e->constraint) == 0) {
            problem_kind_field(pb, map->kind, map->field, "%s", map->message);
            return;
        }
    db_err_problem(e, pb);
}

PGresult *db_query(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                   const struct db_constraint *map, struct problem *pb)
{
    struct db_err e;
    PGresult *r = db_exec(c, st, params, &e);
    if (!r)
        db_err_map(&e, map, pb);
    return r;
}

PGresult *db_query_text(struct db_conn *c, const char *sql, int nparams, const char *const *params,
                        struct problem *pb)
{
    struct db_err e;
    if (!c->pg) {
        fill_err(c, NULL, &e);
        db_err_problem(&e, pb);
        return NULL;
    }
    PGresult *r = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK)
        return r;
    fill_err(c, r, &e);
    PQclear(r);
    db_err_problem(&e, pb);
    return NULL;
}

/* Cancels what runs on c and reads until the connection is idle again. */
static void cancel_and_drain(struct db_conn *c)
{
    char err[256];
    PGcancel *cancel = PQgetCancel(c->pg);
    if (cancel) {
        PQcancel(cancel, err, sizeof err);
        PQfreeCancel(cancel);
    }
    PGresult *r;
    while ((r = PQgetResult(c->pg)))
        PQclear(r);
}

bool db_stream(struct db_conn *c, const char *sql, int nparams, const char *const *params,
               bool (*row)(void *ctx, const PGresult *r), void *ctx, struct problem *pb)
{
    struct db_err e;
    if (!c->pg || !PQsendQueryParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0) ||
        !PQsetSingleRowMode(c->pg)) {
        if (c->pg)
            cancel_and_drain(c);
        fill_err(c, NULL, &e);
        db_err_problem(&e, pb);
        return false;
    }
    PGresult *r;
    bool ok = true;
    while ((r = PQgetResult(c->pg))) {
        ExecStatusType s = PQresultStatus(r);
        if (s == PGRES_SINGLE_TUPLE) {
            if (!row(ctx, r)) {
                PQclear(r);
                cancel_and_drain(c);
                return false;
            }
        } else if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
            fill_err(c, r, &e);
            db_err_problem(&e, pb);
            ok = false;
        }
        PQclear(r);
        if (!c->pg)
            break;
    }
    return ok;
}
