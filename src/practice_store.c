/* SQL for practices: documents are rendered by practice_json() in the
 * database; writes take the record's text parameters. */
#include "bdp/practice_store.h"

#include "bdp/practice_json.h"
#include "bdp/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one statement behind GET /v1/practices/{id}; bench/ uses the same. */
static const struct db_stmt st_render = {
    "practice_render",
    "SELECT p.version, practice_json(p, $2) FROM practice p "
    "WHERE p.id = $1::int AND (p.status = 'published' OR $2::boolean)",
    2};

static const struct db_stmt st_insert = {
    "practice_insert",
    "WITH p AS (INSERT INTO practice (title, status, unit_id, summary, sections, implementer,"
    "  partners, attachments, keywords, entered_on, revised_on, source, external_id)"
    " VALUES ($1, $2, $3::int, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11::jsonb,"
    "  coalesce($12::date, current_date), $13::date, $14, $15) RETURNING id),"
    " c AS (INSERT INTO practice_category (practice_id, category_id, position)"
    "  SELECT p.id, x.id, x.n FROM p, unnest($4::int[]) WITH ORDINALITY x (id, n)),"
    " u AS (INSERT INTO practice_unit (practice_id, unit_id, position)"
    "  SELECT p.id, x.id, x.n FROM p, unnest($5::int[]) WITH ORDINALITY x (id, n)),"
    " k AS (INSERT INTO contact (practice_id, name, role, phones, email, public)"
    "  SELECT p.id, x.name, x.role, coalesce(x.phones, '[]'), x.email, coalesce(x.public, true)"
    "  FROM p, ROWS FROM (jsonb_to_recordset($16::jsonb) AS (name text, role text,"
    "   phones jsonb, email text, public boolean)) WITH ORDINALITY"
    "   AS x (name, role, phones, email, public, n)"
    "  ORDER BY x.n)"
    " SELECT id FROM p",
    16};

static const struct db_stmt st_update = {
    "practice_update",
    "UPDATE practice SET title = $1, status = $2, unit_id = $3::int, summary = $6,"
    " sections = $7::jsonb, implementer = $8::jsonb, partners = $9::jsonb,"
    " attachments = $10::jsonb, keywords = $11::jsonb,"
    " entered_on = coalesce($12::date, current_date), revised_on = $13::date, source = $14,"
    " external_id = $15 WHERE id = $16::int AND version = $17::int"
    /* $4 and $5 (the join tables) are set by their own statements; naming
     * them here gives them the types PostgreSQL asks of every parameter. */
    " AND ($4::int[] IS NOT NULL AND $5::int[] IS NOT NULL)",
    17};

/* Replacing the rows of a join table: the delete and the upsert touch
 * different rows, so one statement does both. */
static const struct db_stmt st_set_categories = {
    "practice_set_categories",
    "WITH d AS (DELETE FROM practice_category WHERE practice_id = $1::int"
    "  AND category_id <> ALL ($2::int[]))"
    " INSERT INTO practice_category (practice_id, category_id, position)"
    " SELECT $1::int, x.id, x.n FROM unnest($2::int[]) WITH ORDINALITY x (id, n)"
    " ON CONFLICT (practice_id, category_id) DO UPDATE SET position = excluded.position",
    2};

static const struct db_stmt st_set_units = {
    "practice_set_units",
    "WITH d AS (DELETE FROM practice_unit WHERE practice_id = $1::int"
    "  AND unit_id <> ALL ($2::int[]))"
    " INSERT INTO practice_unit (practice_id, unit_id, position)"
    " SELECT $1::int, x.id, x.n FROM unnest($2::int[]) WITH ORDINALITY x (id, n)"
    " ON CONFLICT (practice_id, unit_id) DO UPDATE SET position = excluded.position",
    2};

static const struct db_stmt st_remove = {
    "practice_remove", "DELETE FROM practice WHERE id = $1::int AND version = $2::int", 2};

static const struct db_stmt st_source = {
    "practice_source",
    "SELECT coalesce(source, '') FROM practice "
    "WHERE id = $1::int AND (status = 'published' OR $2::boolean)",
    2};

static const struct db_stmt st_find_by_source = {
    "practice_find_by_source", "SELECT id FROM practice WHERE source = $1 AND external_id = $2", 2};

static const struct db_constraint constraints[] = {
    {"practice_unit_id_fkey", ERR_VALIDATION, "unit_id", "names no existing unit"},
    {"practice_category_category_id_fkey", ERR_VALIDATION, "category_ids",
     "names a category that does not exist"},
    {"practice_unit_unit_id_fkey", ERR_VALIDATION, "participant_unit_ids",
     "names a unit that does not exist"},
    {"practice_source_external_id_key", ERR_CONFLICT, "external_id",
     "is used by another practice of this source"},
    {NULL, ERR_NONE, NULL, NULL},
};

bool practice_store_render(struct db_conn *c, long long id, bool with_private, struct doc *out,
                           struct problem *pb)
{
    return store_render(c, &st_render, "practice", id, with_private, out, pb);
}

bool practice_store_insert(struct db_conn *c, const struct record *rec, long long parent_id,
                           long long *id, struct problem *pb)
{
    return store_insert(c, &st_insert, (const char *const *)rec->v, constraints, id, pb);
}

bool practice_store_update(struct db_conn *c, long long id, int version, const struct record *rec,
                           struct problem *pb)
{
    const char *params[17];
    char ids[24], vs[16];
    store_params(rec, 15, id, version, params, ids, vs);
    if (!store_versioned(c, &st_update, params, constraints, "practice", pb))
        return false;
    const char *cats[] = {ids, rec->v[PF_CATEGORY_IDS]};
    const char *units[] = {ids, rec->v[PF_PARTICIPANT_UNIT_IDS]};
    return store_exec(c, &st_set_categories, cats, constraints, pb) &&
           store_exec(c, &st_set_units, units, constraints, pb);
}

bool practice_store_remove(struct db_conn *c, long long id, int version, struct problem *pb)
{
    const char *params[2];
    char ids[24], vs[16];
    store_params(NULL, 0, id, version, params, ids, vs);
    return store_versioned(c, &st_remove, params, constraints, "practice", pb);
}

bool practice_store_source(struct db_conn *c, long long id, bool with_private, char *out,
                           size_t outlen, struct problem *pb)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    const char *params[] = {ids, with_private ? "true" : "false"};
    PGresult *r = db_query(c, &st_source, params, NULL, pb);
    if (!r)
        return false;
    bool found = PQntuples(r) == 1;
    if (found)
        snprintf(out, outlen, "%s", PQgetvalue(r, 0, 0));
    else
        problem_set(pb, ERR_NOT_FOUND, "There is no practice %lld.", id);
    PQclear(r);
    return found;
}

bool practice_store_find_by_source(struct db_conn *c, const char *source, const char *external_id,
                                   long long *id, struct problem *pb)
{
    const char *params[] = {source, external_id};
    PGresult *r = db_query(c, &st_find_by_source, params, NULL, pb);
    if (!r)
        return false;
    *id = PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return true;
}
