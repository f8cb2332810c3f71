/* libpq: a small pool of connections shared by the worker threads, each
 * preparing a statement the first time it runs it; SQLSTATE -> error kind;
 * reconnect with back-off after PostgreSQL goes away. */
#ifndef BDP_DB_H
#define BDP_DB_H

#include "bdp/error.h"

#include <libpq-fe.h>
#include <stdbool.h>

/* A statement: static, named uniquely, prepared lazily per connection. */
struct db_stmt {
    const char *name;
    const char *sql;
    int nparams;
};

/* What went wrong in a statement: filled by db_exec on failure. */
struct db_err {
    enum err_kind kind; /* by SQLSTATE: conflict, validation, unavailable... */
    char sqlstate[6];
    char constraint[64];
    char message[240];
};

/* Every connection's settings (libpq's "options"): db_connect_once says
 * why. bench/search.sh gives pgbench the same. */
#define DB_OPTIONS                                                                                 \
    "-c statement_timeout=30000 -c TimeZone=UTC -c client_min_messages=warning"                    \
    " -c max_parallel_workers_per_gather=0 -c jit=off -c work_mem=32MB"

struct db_pool;
struct db_conn;

/* new; connects lazily. conninfo is copied. */
struct db_pool *db_pool_new(const char *conninfo, int size, int wait_ms);
void db_pool_free(struct db_pool *pool); /* closes every connection */
/* fn(ctx) runs after every COMMIT that db_command makes on a connection of
 * pool succeeds, before the caller goes on (and so before it answers). */
void db_pool_on_commit(struct db_pool *pool, void (*fn)(void *ctx), void *ctx);

/* A connected connection, or NULL with pb set to ERR_UNAVAILABLE (database
 * down, or no connection free within the pool's wait). */
struct db_conn *db_take(struct db_pool *pool, struct problem *pb)
    __attribute__((warn_unused_result));
void db_give(struct db_conn *c); /* safe with NULL; rolls back an open transaction */

/* Runs st with text parameters (NULL = SQL NULL). Returns the result (owned
 * by the caller: PQclear) or NULL with e filled. */
PGresult *db_exec(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                  struct db_err *e) __attribute__((warn_unused_result));
/* Runs SQL text with no parameters and no result rows wanted. */
bool db_command(struct db_conn *c, const char *sql, struct db_err *e)
    __attribute__((warn_unused_result));

/* Copies e into pb (short factual detail; the database's text is logged). */
void db_err_problem(const struct db_err *e, struct problem *pb);

/* What a named constraint means to a client: a kind and the field to name. */
struct db_constraint {
    const char *constraint;
    enum err_kind kind;
    const char *field;
    const char *message;
};

/* Like db_err_problem, but a constraint found in map (ended by a NULL
 * constraint) becomes its field error. */
void db_err_map(const struct db_err *e, const struct db_constraint *map, struct problem *pb);

/* db_exec that reports failure as a problem: a constraint in map (may be
 * NULL) becomes its field error, anything else as db_err_problem. Returns
 * the result (caller PQclears) or NULL with pb set. */
PGresult *db_query(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                   const struct db_constraint *map, struct problem *pb)
    __attribute__((warn_unused_result));

/* The two halves of db_query, so that the caller can work while the
 * statement runs: db_send sends st (false + e if it could not), db_collect
 * waits for its result (the caller PQclears) or returns NULL with pb set as
 * db_query would. Nothing else may run on c in between. */
bool db_send(struct db_conn *c, const struct db_stmt *st, const char *const *params,
             struct db_err *e) __attribute__((warn_unused_result));
PGresult *db_collect(struct db_conn *c, const struct db_constraint *map, struct problem *pb)
    __attribute__((warn_unused_result));

/* A statement built for this request (not prepared: planned with its
 * values), failure reported as a problem. */
PGresult *db_query_text(struct db_conn *c, const char *sql, int nparams, const char *const *params,
                        struct problem *pb) __attribute__((warn_unused_result));

/* Runs sql and hands each row to row as it arrives (libpq's single-row
 * mode), so memory stays flat however many rows come. When row returns
 * false the statement is cancelled and db_stream returns false with pb
 * untouched; a database failure returns false with pb set. */
bool db_stream(struct db_conn *c, const char *sql, int nparams, const char *const *params,
               bool (*row)(void *ctx, const PGresult *r), void *ctx, struct problem *pb)
    __attribute__((warn_unused_result));

/* One connection outside any pool, for the command line. NULL + message. */
PGconn *db_connect_once(const char *conninfo, char *err, size_t errlen);

#endif
