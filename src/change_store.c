/* SQL of the change feed. An entry is handed out only when every
 * transaction with a lower id has ended, and entries go in (txid, seq)
 * order: a poller that keeps its last cursor misses nothing, whatever order
 * writers commit in. */
#include "bdp/change_store.h"

#include <stdio.h>
#include <stdlib.h>

static const struct db_stmt st_gone = {
    "change_gone", "SELECT ($1::xid8, $2::bigint) < (h.txid, h.seq) FROM change_horizon h", 2};

/* data is the resource as a reader GETs it now: null once it is gone, so
 * an erased contact leaves nothing in the feed. */
static const struct db_stmt st_page = {
    "change_page",
    "SELECT json_build_object("
    "  'cursor', translate(rtrim(encode(convert_to('c:' || c.txid || ':' || c.seq, 'UTF8'),"
    "    'base64'), '='), '+/', '-_'),"
    "  'resource', c.resource, 'id', c.resource_id, 'op', c.op, 'version', c.version,"
    "  'at', rfc3339(c.at),"
    "  'data', CASE WHEN c.op = 'delete' THEN NULL"
    "    WHEN c.resource = 'practice' THEN"
    "      (SELECT practice_json(p, true) FROM practice p WHERE p.id = c.resource_id)"
    "    WHEN c.resource = 'unit' THEN (SELECT unit_json(u) FROM unit u WHERE u.id = c.resource_id)"
    "    WHEN c.resource = 'category' THEN"
    "      (SELECT category_json(g) FROM category g WHERE g.id = c.resource_id)"
    "    WHEN c.resource = 'contact' THEN"
    "      (SELECT contact_json(k) FROM contact k WHERE k.id = c.resource_id) END),"
    " translate(rtrim(encode(convert_to('c:' || c.txid || ':' || c.seq, 'UTF8'), 'base64'),"
    "   '='), '+/', '-_')"
    " FROM change c"
    " WHERE (c.txid, c.seq) > ($1::xid8, $2::bigint)"
    "   AND c.txid < pg_snapshot_xmin(pg_current_snapshot())"
    " ORDER BY c.txid, c.seq LIMIT $3::int",
    3};

bool change_store_gone(struct db_conn *c, const char *txid, long long seq, bool *gone,
                       struct problem *pb)
{
    char seqs[24];
    snprintf(seqs, sizeof seqs, "%lld", seq);
    const char *params[] = {txid, seqs};
    struct db_err e;
    PGresult *r = db_exec(c, &st_gone, params, &e);
    if (!r) {
        db_err_problem(&e, pb);
        return false;
    }
    *gone = PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    return true;
}

bool change_store_page(struct db_conn *c, const char *txid, long long seq, int limit,
                       struct buf *entries, int *n, struct buf *last_cursor, struct problem *pb)
{
    char seqs[24], lim[16];
    snprintf(seqs, sizeof seqs, "%lld", seq);
    snprintf(lim, sizeof lim, "%d", limit);
    const char *params[] = {txid, seqs, lim};
    struct db_err e;
    PGresult *r = db_exec(c, &st_page, params, &e);
    if (!r) {
        db_err_problem(&e, pb);
        return false;
    }
    *n = PQntuples(r);
    for (int i = 0; i < *n; i++) {
        if (i)
            buf_puts(entries, ",");
        buf_append(entries, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0));
    }
    if (*n) {
        buf_reset(last_cursor);
        buf_puts(last_cursor, PQgetvalue(r, *n - 1, 1));
    }
    PQclear(r);
    return true;
}
