/* Applying the embedded migrations, and checking that a database is current. */
#include "bdp/migrate.h"

#include "bdp/db.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char migrate_applied_sql[] =
    "SELECT version, checksum FROM schema_migrations ORDER BY version";

int migrate_compare(PGresult *applied, char *err, size_t errlen)
{
    int n = PQntuples(applied), pending = (int)migrations_count;
    for (int i = 0; i < n; i++) {
        int v = atoi(PQgetvalue(applied, i, 0));
        const struct migration *m = NULL;
        for (size_t k = 0; k < migrations_count && !m; k++)
            if (migrations[k].version == v)
                m = &migrations[k];
        if (!m) {
            snprintf(err, errlen, "the database has migration %04d, which this bdp does not know",
                     v);
            return -1;
        }
        if (strcmp(m->sha256, PQgetvalue(applied, i, 1)) != 0) {
            snprintf(err, errlen, "migration %s was changed after it was applied", m->name);
            return -1;
        }
        pending--;
    }
    return pending;
}

static PGresult *exec_ok(PGconn *pg, const char *sql, char *err, size_t errlen)
{
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
        return r;
    snprintf(err, errlen, "%s", PQerrorMessage(pg));
    PQclear(r);
    return NULL;
}

static const char create_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
    " name text NOT NULL, checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

int migrate_pending(const char *conninfo, char *err, size_t errlen)
{
    PGconn *pg = db_connect_once(conninfo, err, errlen);
    if (!pg)
        return -1;
    int pending = -1;
    PGresult *r = exec_ok(pg, "SELECT to_regclass('schema_migrations') IS NOT NULL", err, errlen);
    if (r && strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
        pending = (int)migrations_count;
    } else if (r) {
        PGresult *a = exec_ok(pg, migrate_applied_sql, err, errlen);
        if (a)
            pending = migrate_compare(a, err, errlen);
        PQclear(a);
    }
    PQclear(r);
    PQfinish(pg);
    return pending;
}

int migrate_run(const char *conninfo)
{
    char err[512];
    PGconn *pg = db_connect_once(conninfo, err, sizeof err);
    if (!pg) {
        fprintf(stderr, "bdp: cannot connect to the database: %s\n", err);
        return 1;
    }
    int rc = 1;
    PGresult *r = NULL;
    /* No bound on a statement here, unlike the server's 30 s: a migration
     * may rebuild a large table or index (each runs in one transaction, so
     * one stopped leaves nothing behind), and a second migrator waits for
     * the first however long it takes. */
    if (!(r = exec_ok(pg, "SET statement_timeout = 0", err, sizeof err)))
        goto out;
    PQclear(r);
    /* One migrator at a time: a second one waits, then finds nothing to do. */
    if (!(r = exec_ok(pg, "SELECT pg_advisory_lock(4242001)", err, sizeof err)))
        goto out;
    PQclear(r);
    if (!(r = exec_ok(pg, create_table, err, sizeof err)))
        goto out;
    PQclear(r);
    if (!(r = exec_ok(pg, migrate_applied_sql, err, sizeof err)))
        goto out;
    int pending = migrate_compare(r, err, sizeof err);
    if (pending < 0)
        goto out;
    int n = PQntuples(r);
    int applied = 0;
    for (size_t k = 0; k < migrations_count; k++) {
        const struct migration *m = &migrations[k];
        bool done = false;
        for (int i = 0; i < n && !done; i++)
            done = atoi(PQgetvalue(r, i, 0)) == m->version;
        if (done)
            continue;
        PGresult *x = exec_ok(pg, "BEGIN", err, sizeof err);
        PQclear(x);
        if (!x || !(x = exec_ok(pg, m->sql, err, sizeof err))) {
            fprintf(stderr, "bdp: migration %s failed: %s", m->name, err);
            PQclear(exec_ok(pg, "ROLLBACK", err, sizeof err));
            err[0] = '\0';
            goto out;
        }
        PQclear(x);
        char version[16];
        snprintf(version, sizeof version, "%d", m->version);
        const char *params[] = {version, m->name, m->sha256};
        x = PQexecParams(pg,
                         "INSERT INTO schema_migrations (version, name, checksum)"
                         " VALUES ($1, $2, $3)",
                         3, NULL, params, NULL, NULL, 0);
        bool ok = PQresultStatus(x) == PGRES_COMMAND_OK;
        PQclear(x);
        if (!ok || !(x = exec_ok(pg, "COMMIT", err, sizeof err))) {
            snprintf(err, sizeof err, "%s", PQerrorMessage(pg));
            goto out;
        }
        PQclear(x);
        fprintf(stderr, "bdp: applied %s\n", m->name);
        applied++;
    }
    fprintf(stderr, "bdp: schema is current (%d applied now, %zu in all)\n", applied,
            migrations_count);
    rc = 0;
out:
    if (rc && err[0])
        fprintf(stderr, "bdp: migrate: %s\n", err);
    PQclear(r);
    PQfinish(pg);
    return rc;
}
