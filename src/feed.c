/* The feed thread: LISTEN bdp_change on its own connection, bump a
 * generation on every notification (and on every reconnect, when one may
 * have been missed), and purge expired entries now and then. It also
 * LISTENs bdp_search (an indexer stored vectors) for the data generation
 * that tells cached search answers from stale ones. */
#include "bdp/feed.h"

#include "bdp/clock.h"

#include "bdp/buf.h"
#include "bdp/db.h"
#include "bdp/log.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct feed {
    char *conninfo;
    int retention_days, purge_seconds, max_waiters, waiters;
    uint64_t generation, searched; /* searched: bdp_search notifications */
    bool stop, connected;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t moved;
};

static void bump(struct feed *f)
{
    pthread_mutex_lock(&f->lock);
    f->generation++;
    pthread_cond_broadcast(&f->moved);
    pthread_mutex_unlock(&f->lock);
}

static void set_connected(struct feed *f, bool connected)
{
    pthread_mutex_lock(&f->lock);
    f->connected = connected;
    pthread_mutex_unlock(&f->lock);
}

static bool stopping(struct feed *f)
{
    pthread_mutex_lock(&f->lock);
    bool s = f->stop;
    pthread_mutex_unlock(&f->lock);
    return s;
}

static void purge(struct feed *f, PGconn *pg)
{
    char days[16];
    snprintf(days, sizeof days, "%d", f->retention_days);
    const char *params[] = {days};
    PGresult *r = PQexecParams(pg, "SELECT purge_changes(make_interval(days => $1::int))", 1, NULL,
                               params, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && atoll(PQgetvalue(r, 0, 0)) > 0)
        log_msg("info", "change feed: purged %s entries older than %d days", PQgetvalue(r, 0, 0),
                f->retention_days);
    else if (PQresultStatus(r) != PGRES_TUPLES_OK)
        log_msg("warn", "change feed: purge failed: %s", PQerrorMessage(pg));
    PQclear(r);
}

static PGconn *listen_conn(struct feed *f)
{
    char err[256];
    PGconn *pg = db_connect_once(f->conninfo, err, sizeof err);
    if (!pg)
        return NULL;
    PGresult *r = PQexec(pg, "LISTEN bdp_change; LISTEN bdp_search");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

static void *run(void *arg)
{
    struct feed *f = arg;
    PGconn *pg = NULL;
    double next_purge = 0, retry_at = 0;
    while (!stopping(f)) {
        if (!pg) {
            if (clock_ms() / 1e3 < retry_at) {
                struct timespec pause = {0, 100000000};
                nanosleep(&pause, NULL);
                continue;
            }
            if (!(pg = listen_conn(f))) {
                retry_at = clock_ms() / 1e3 + 1;
                continue;
            }
            bump(f); /* a commit may have gone by while we were away */
            set_connected(f, true);
        }
        if (clock_ms() / 1e3 >= next_purge) {
            purge(f, pg);
            next_purge = clock_ms() / 1e3 + f->purge_seconds;
        }
        struct pollfd p = {PQsocket(pg), POLLIN, 0};
        int n = poll(&p, 1, 200);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0 && !PQconsumeInput(pg)) {
            log_msg("warn", "change feed: listener connection lost; reconnecting");
            set_connected(f, false);
            PQfinish(pg);
            pg = NULL;
            continue;
        }
        bool any = false, searched = false;
        PGnotify *note;
        while ((note = PQnotifies(pg))) {
            if (strcmp(note->relname, "bdp_search") == 0)
                searched = true;
            else
                any = true;
            PQfreemem(note);
        }
        if (any)
            bump(f);
        if (searched) {
            pthread_mutex_lock(&f->lock);
            f->searched++;
            pthread_mutex_unlock(&f->lock);
        }
    }
    if (pg)
        PQfinish(pg);
    return NULL;
}

struct feed *feed_start(const char *conninfo, int retention_days, int purge_seconds,
                        int max_waiters)
{
    struct feed *f = xmalloc(sizeof *f);
    f->conninfo = xstrdup(conninfo);
    f->retention_days = retention_days;
    f->purge_seconds = purge_seconds;
    f->max_waiters = max_waiters;
    f->waiters = 0;
    f->generation = 0;
    f->searched = 0;
    f->stop = false;
    f->connected = false;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->moved, NULL);
    if (pthread_create(&f->thread, NULL, run, f) != 0) {
        log_msg("error", "change feed: cannot start its thread");
        abort();
    }
    return f;
}

void feed_close(struct feed *f)
{
    pthread_mutex_lock(&f->lock);
    f->stop = true;
    pthread_cond_broadcast(&f->moved);
    pthread_mutex_unlock(&f->lock);
}

bool feed_closing(struct feed *f)
{
    return stopping(f);
}

void feed_stop(struct feed *f)
{
    if (!f)
        return;
    feed_close(f);
    pthread_join(f->thread, NULL);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->moved);
    free(f->conninfo);
    free(f);
}

void feed_touch(void *f)
{
    bump(f);
}

uint64_t feed_generation(struct feed *f)
{
    pthread_mutex_lock(&f->lock);
    uint64_t g = f->generation;
    pthread_mutex_unlock(&f->lock);
    return g;
}

bool feed_data_generation(struct feed *f, uint64_t *gen)
{
    pthread_mutex_lock(&f->lock);
    bool ok = f->connected;
    *gen = f->generation + (f->searched << 32);
    pthread_mutex_unlock(&f->lock);
    return ok;
}

bool feed_enter(struct feed *f)
{
    pthread_mutex_lock(&f->lock);
    bool ok = f->waiters < f->max_waiters;
    if (ok)
        f->waiters++;
    pthread_mutex_unlock(&f->lock);
    return ok;
}

void feed_leave(struct feed *f)
{
    pthread_mutex_lock(&f->lock);
    f->waiters--;
    pthread_mutex_unlock(&f->lock);
}

bool feed_wait(struct feed *f, uint64_t seen, int timeout_ms)
{
    struct timespec deadline = clock_deadline(timeout_ms);
    pthread_mutex_lock(&f->lock);
    while (f->generation == seen && !f->stop)
        if (pthread_cond_timedwait(&f->moved, &f->lock, &deadline) == ETIMEDOUT)
            break;
    bool moved = f->generation != seen;
    pthread_mutex_unlock(&f->lock);
    return moved;
}
