/* /healthz (the process), /readyz (database reachable, schema current),
 * /openapi.yaml (embedded at build time). */
#include "bdp/ops_api.h"

#include "bdp/migrate.h"
#include "bdp/server.h"

#include <string.h>

static const struct db_stmt st_applied = {"ops_applied", migrate_applied_sql, 0};

void ops_healthz(struct req *r)
{
    static const char body[] = "{\"status\":\"ok\"}";
    http_send_json(r, 200, body, sizeof body - 1);
}

void ops_readyz(struct req *r)
{
    static const char body[] = "{\"status\":\"ready\"}";
    struct problem pb;
    struct db_err e;
    char err[256];
    problem_init(&pb);
    struct db_conn *c = db_take(r->srv->primary, &pb);
    if (!c)
        goto out;
    PGresult *res = db_exec(c, &st_applied, NULL, &e);
    db_give(c);
    if (!res) {
        problem_set(&pb, ERR_UNAVAILABLE, "The database does not answer or has no schema.");
        goto out;
    }
    int pending = migrate_compare(res, err, sizeof err);
    PQclear(res);
    if (pending != 0) {
        problem_set(&pb, ERR_UNAVAILABLE, "The schema is not current: %s.",
                    pending < 0 ? err : "migrations are pending");
        goto out;
    }
    http_send_json(r, 200, body, sizeof body - 1);
out:
    http_fail(r, &pb);
}

void ops_openapi(struct req *r)
{
    http_send(r, 200, "application/yaml", openapi_yaml, openapi_yaml_len);
}
