/* API keys: lookup by hash (no cache, so a revocation takes effect at once),
 * creation, revocation. */
#include "bdp/auth.h"

#include "bdp/db.h"
#include "bdp/log.h"

#include <stdlib.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>

static const char *const role_names[ROLE__MAX] = {
    [ROLE_ANONYMOUS] = "anonymous", [ROLE_READER] = "reader", [ROLE_EDITOR] = "editor",
    [ROLE_PARTNER] = "partner",     [ROLE_ADMIN] = "admin",
};

const char *role_name(enum role r)
{
    return r < ROLE__MAX ? role_names[r] : "?";
}

bool role_parse(const char *s, enum role *r)
{
    for (int i = ROLE_READER; i < ROLE__MAX; i++)
        if (strcmp(s, role_names[i]) == 0) {
            *r = (enum role)i;
            return true;
        }
    return false;
}

bool auth_sees_private(const struct principal *p)
{
    return p->role != ROLE_ANONYMOUS;
}

bool auth_is_editor(const struct principal *p)
{
    return p->role == ROLE_EDITOR || p->role == ROLE_ADMIN;
}

static const struct db_stmt st_lookup = {
    "auth_lookup",
    "SELECT name, role, coalesce(source, '') FROM api_key "
    "WHERE hash = encode(sha256(convert_to($1, 'UTF8')), 'hex') AND revoked_at IS NULL",
    1};

static bool well_formed(const char *key)
{
    if (strncmp(key, "bdp_", 4) != 0 || strlen(key) != 44)
        return false;
    for (const char *p = key + 4; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

bool auth_resolve(struct db_pool *pool, const char *authorization, struct principal *who,
                  struct problem *pb)
{
    memset(who, 0, sizeof *who);
    who->role = ROLE_ANONYMOUS;
    if (!authorization)
        return true;
    if (strncasecmp(authorization, "Bearer ", 7) != 0) {
        problem_set(pb, ERR_UNAUTHORIZED, "Authorization must be \"Bearer <key>\".");
        return false;
    }
    const char *key = authorization + 7;
    while (*key == ' ')
        key++;
    if (!well_formed(key)) {
        problem_set(pb, ERR_UNAUTHORIZED, "The API key is not valid.");
        return false;
    }
    struct db_conn *c = db_take(pool, pb);
    if (!c)
        return false;
    const char *params[] = {key};
    PGresult *r = db_query(c, &st_lookup, params, NULL, pb);
    db_give(c);
    if (!r)
        return false;
    bool found = PQntuples(r) == 1;
    if (found) {
        snprintf(who->name, sizeof who->name, "%s", PQgetvalue(r, 0, 0));
        if (!role_parse(PQgetvalue(r, 0, 1), &who->role))
            found = false;
        snprintf(who->source, sizeof who->source, "%s", PQgetvalue(r, 0, 2));
    }
    PQclear(r);
    if (!found) {
        memset(who, 0, sizeof *who);
        problem_set(pb, ERR_UNAUTHORIZED, "The API key is unknown or revoked.");
        return false;
    }
    return true;
}

bool auth_new_key(char *out, size_t outlen)
{
    unsigned char raw[20];
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || outlen < 45)
        return false;
    size_t n = fread(raw, 1, sizeof raw, f);
    fclose(f);
    if (n != sizeof raw)
        return false;
    strcpy(out, "bdp_");
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(out + 4 + 2 * i, 3, "%02x", raw[i]);
    return true;
}

static int run(const char *conninfo, const char *sql, int n, const char *const *params,
               int *affected)
{
    char err[256];
    PGconn *pg = db_connect_once(conninfo, err, sizeof err);
    if (!pg) {
        fprintf(stderr, "bdp: cannot connect to the database: %s\n", err);
        return 1;
    }
    PGresult *r = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    int rc = 0;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (state && strcmp(state, "23505") == 0)
            fprintf(stderr, "bdp: a key named \"%s\" exists already\n", params[0]);
        else
            fprintf(stderr, "bdp: %s", PQerrorMessage(pg));
        rc = 1;
    } else if (affected) {
        *affected = atoi(PQcmdTuples(r));
    }
    PQclear(r);
    PQfinish(pg);
    return rc;
}

int auth_key_create(const char *conninfo, const char *name, const char *role, const char *source)
{
    enum role r;
    if (!role_parse(role, &r)) {
        fprintf(stderr, "bdp: --role must be reader, editor, partner or admin\n");
        return 2;
    }
    if ((r == ROLE_PARTNER) != (source != NULL)) {
        fprintf(stderr, "bdp: --source is required for partner keys and only for them\n");
        return 2;
    }
    if (!*name || strlen(name) > 63 || (source && (!*source || strlen(source) > 63))) {
        fprintf(stderr, "bdp: --name and --source must be 1 to 63 characters\n");
        return 2;
    }
    char key[64];
    if (!auth_new_key(key, sizeof key)) {
        fprintf(stderr, "bdp: cannot read /dev/urandom\n");
        return 1;
    }
    const char *params[] = {name, role, source, key};
    int rc = run(conninfo,
                 "INSERT INTO api_key (name, role, source, hash) VALUES "
                 "($1, $2, $3, encode(sha256(convert_to($4, 'UTF8')), 'hex'))",
                 4, params, NULL);
    if (rc == 0)
        printf("%s\n", key);
    return rc;
}

int auth_key_revoke(const char *conninfo, const char *name)
{
    const char *params[] = {name};
    int affected = 0;
    int rc = run(conninfo,
                 "UPDATE api_key SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL", 1,
                 params, &affected);
    if (rc == 0 && affected == 0) {
        fprintf(stderr, "bdp: no active key named \"%s\"\n", name);
        return 1;
    }
    return rc;
}
