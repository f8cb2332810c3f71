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
 * an erased contact leaves nothing in the feed. A page's practices are
 * rendered together by practice_docs(). */
static const struct db_stmt st_page = {
    "change_page",
    "WITH page AS ("
    "  SELECT c.seq, c.txid, c.resource, c.resource_id, c.op, c.version, c.at FROM change c"
    "  WHERE (c.txid, c.seq) > ($1::xid8, $2::bigint)"
    "    AND c.txid < pg_snapshot_xmin(pg_current_snapshot())"
    "  ORDER BY c.txid, c.seq LIMIT $3::int),"
    " docs AS (SELECT d.id, d.doc FROM practice_docs(ARRAY(SELECT DISTINCT resource_id FROM page"
    "  WHERE resource = 'practice' AND op = 'upsert'), true) d),"
    " cur AS (SELECT page.*, translate(rtrim(encode(convert_to('c:' || page.txid || ':' ||"
    "  page.seq, 'UTF8'), 'base64'), '='), '+/', '-_') AS cursor FROM page)"
    " SELECT json_build_object("
    "  'cursor', cur.cursor, 'resource', cur.resource, 'id', cur.resource_id, 'op', cur.op,"
    "  'version', cur.version, 'at', rfc3339(cur.at),"
    "  'data', CASE WHEN cur.op = 'delete' THEN NULL"
    "    WHEN cur.resource = 'practice' THEN docs.doc"
    "    WHEN cur.resource = 'unit' THEN"
    "      (SELECT unit_json(u) FROM unit u WHERE u.id = cur.resource_id)"
    "    WHEN cur.resource = 'category' THEN"
    "      (SELECT category_json(g) FROM category g WHERE g.id = cur.resource_id)"
    "    WHEN cur.resource = 'contact' THEN"
    "      (SELECT contact_json(k) FROM contact k WHERE k.id = cur.resource_id) END),"
    "  cur.cursor"
    " FROM cur LEFT JOIN docs ON cur.resource = 'practice' AND cur.op = 'upsert'"
    "  AND docs.id = cur.resource_id"
    " ORDER BY cur.txid, cur.seq",
    3};

bool change_store_gone(struct db_conn *c, const char *txid, long long seq, bool *gone,
                       struct problem *pb)
{
    char seqs[24];
    snprintf(seqs, sizeof seqs, "%lld", seq);
    const char *params[] = {txid, seqs};
    PGresult *r = db_query(c, &st_gone, params, NULL, pb);
    if (!r)
        return false;
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
    PGresult *r = db_query(c, &st_page, params, NULL, pb);
    if (!r)
        return false;
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
