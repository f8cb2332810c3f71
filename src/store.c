/* Shared store mechanics. */
#include "bdp/store.h"

#include "bdp/cursor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool store_render(struct db_conn *c, const struct db_stmt *st, const char *what, long long id,
                  bool with_private, struct doc *out, struct problem *pb)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    const char *params[] = {ids, with_private ? "true" : "false"};
    PGresult *r = db_query(c, st, params, NULL, pb);
    if (!r)
        return false;
    bool found = PQntuples(r) == 1;
    if (found) {
        out->version = atoi(PQgetvalue(r, 0, 0));
        buf_reset(&out->json);
        buf_append(&out->json, PQgetvalue(r, 0, 1), (size_t)PQgetlength(r, 0, 1));
    } else {
        problem_set(pb, ERR_NOT_FOUND, "There is no %s %lld.", what, id);
    }
    PQclear(r);
    return found;
}

bool store_insert(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                  const struct db_constraint *map, long long *id, struct problem *pb)
{
    PGresult *r = db_query(c, st, params, map, pb);
    if (!r)
        return false;
    bool ok = PQntuples(r) == 1;
    if (ok)
        *id = atoll(PQgetvalue(r, 0, 0));
    else
        problem_set(pb, ERR_INTERNAL, "The insert returned no row.");
    PQclear(r);
    return ok;
}

bool store_exec(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                const struct db_constraint *map, struct problem *pb)
{
    PGresult *r = db_query(c, st, params, map, pb);
    if (!r)
        return false;
    PQclear(r);
    return true;
}

bool store_versioned(struct db_conn *c, const struct db_stmt *st, const char *const *params,
                     const struct db_constraint *map, const char *what, struct problem *pb)
{
    PGresult *r = db_query(c, st, params, map, pb);
    if (!r)
        return false;
    bool moved = atoi(PQcmdTuples(r)) == 0;
    PQclear(r);
    if (moved)
        problem_set(pb, ERR_PRECONDITION_FAILED, "The %s changed meanwhile.", what);
    return !moved;
}

void store_params(const struct record *rec, int n, long long id, int version, const char **params,
                  char ids[24], char vs[16])
{
    for (int i = 0; i < n; i++)
        params[i] = rec ? rec->v[i] : NULL;
    snprintf(ids, 24, "%lld", id);
    snprintf(vs, 16, "%d", version);
    params[n] = ids;
    params[n + 1] = vs;
}

void store_items(PGresult *r, int limit, struct buf *items)
{
    int n = PQntuples(r), shown = n > limit ? limit : n;
    buf_puts(items, "[");
    for (int i = 0; i < shown; i++) {
        if (i)
            buf_puts(items, ",");
        buf_append(items, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0));
    }
    buf_puts(items, "]");
}

bool store_page_by_id(struct db_conn *c, const struct db_stmt *st, const struct db_stmt *count,
                      const char *const *params, int limit, struct buf *items,
                      struct buf *next_cursor, long long *total, struct problem *pb)
{
    PGresult *r = db_query(c, st, params, NULL, pb);
    if (!r)
        return false;
    store_items(r, limit, items);
    if (PQntuples(r) > limit && limit > 0)
        cursor_encode_id(next_cursor, atoll(PQgetvalue(r, limit - 1, 1)));
    PQclear(r);
    if (!(r = db_query(c, count, params, NULL, pb)))
        return false;
    *total = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return true;
}
