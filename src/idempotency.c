/* Idempotency records: claim, replay, save. */
#include "bdp/idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct db_stmt st_claim = {
    "idem_claim",
    "INSERT INTO idempotency (principal, key, request_hash) VALUES ($1, $2, md5($3)) "
    "ON CONFLICT DO NOTHING RETURNING 1",
    3};
static const struct db_stmt st_find = {
    "idem_find",
    "SELECT request_hash = md5($3), status, coalesce(location, ''), coalesce(body, '') "
    "FROM idempotency WHERE principal = $1 AND key = $2",
    3};
static const struct db_stmt st_save = {
    "idem_save",
    "UPDATE idempotency SET status = $3, location = $4, body = $5 "
    "WHERE principal = $1 AND key = $2",
    5};

enum idem_outcome idempotency_claim(struct db_conn *c, const char *principal, const char *key,
                                    const char *request, struct idem_reply *out, struct problem *pb)
{
    const char *params[] = {principal, key, request};
    PGresult *r = db_query(c, &st_claim, params, NULL, pb);
    if (!r)
        return IDEM_ERROR;
    int claimed = PQntuples(r);
    PQclear(r);
    if (claimed)
        return IDEM_NEW;
    if (!(r = db_query(c, &st_find, params, NULL, pb)))
        return IDEM_ERROR;
    enum idem_outcome o = IDEM_MISMATCH;
    if (PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0 && !PQgetisnull(r, 0, 1)) {
        o = IDEM_REPLAY;
        out->status = atoi(PQgetvalue(r, 0, 1));
        buf_puts(&out->location, PQgetvalue(r, 0, 2));
        buf_puts(&out->body, PQgetvalue(r, 0, 3));
    }
    PQclear(r);
    return o;
}

bool idempotency_save(struct db_conn *c, const char *principal, const char *key, int status,
                      const char *location, const char *body, struct problem *pb)
{
    char st[8];
    snprintf(st, sizeof st, "%d", status);
    const char *params[] = {principal, key, st, location, body};
    PGresult *r = db_query(c, &st_save, params, NULL, pb);
    if (!r)
        return false;
    PQclear(r);
    return true;
}

void idem_reply_cleanup(struct idem_reply *r)
{
    buf_free(&r->location);
    buf_free(&r->body);
}
