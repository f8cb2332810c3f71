/* SQL for contacts: personal data; a delete erases the row for real. */
#include "bdp/contact_store.h"

#include "bdp/contact_json.h"
#include "bdp/store.h"

#include <stdio.h>

/* A contact is visible where its practice is, and if not public only to
 * authenticated readers. */
static const struct db_stmt st_render = {
    "contact_render",
    "SELECT k.version, contact_json(k) FROM contact k JOIN practice p ON p.id = k.practice_id"
    " WHERE k.id = $1::int AND ($2::boolean OR (k.public AND p.status = 'published'))",
    2};

static const struct db_stmt st_insert = {
    "contact_insert",
    "INSERT INTO contact (name, role, phones, email, public, practice_id)"
    " VALUES ($1, $2, $3::jsonb, $4, $5::boolean, $6::int) RETURNING id",
    6};

static const struct db_stmt st_update = {
    "contact_update",
    "UPDATE contact SET name = $1, role = $2, phones = $3::jsonb, email = $4,"
    " public = $5::boolean WHERE id = $6::int AND version = $7::int",
    7};

static const struct db_stmt st_remove = {
    "contact_remove", "DELETE FROM contact WHERE id = $1::int AND version = $2::int", 2};

static const struct db_stmt st_list = {
    "contact_list",
    "SELECT contact_json(k), k.id FROM contact k"
    " WHERE k.practice_id = $1::int AND ($2::boolean OR k.public)"
    " AND ($4::int IS NULL OR k.id > $4::int) ORDER BY k.id LIMIT $3::int",
    4};

static const struct db_stmt st_count = {
    "contact_count",
    "SELECT count(*) FROM contact k WHERE k.practice_id = $1::int AND ($2::boolean OR k.public)",
    2};

static const struct db_constraint constraints[] = {
    {"contact_practice_id_fkey", ERR_NOT_FOUND, "practice_id", "names no existing practice"},
    {NULL, ERR_NONE, NULL, NULL},
};

bool contact_store_render(struct db_conn *c, long long id, bool with_private, struct doc *out,
                          struct problem *pb)
{
    return store_render(c, &st_render, "contact", id, with_private, out, pb);
}

bool contact_store_insert(struct db_conn *c, const struct record *rec, long long parent_id,
                          long long *id, struct problem *pb)
{
    const char *params[7];
    char ids[24], vs[16];
    store_params(rec, 5, parent_id, 0, params, ids, vs);
    return store_insert(c, &st_insert, params, constraints, id, pb);
}

bool contact_store_update(struct db_conn *c, long long id, int version, const struct record *rec,
                          struct problem *pb)
{
    const char *params[7];
    char ids[24], vs[16];
    store_params(rec, 5, id, version, params, ids, vs);
    return store_versioned(c, &st_update, params, constraints, "contact", pb);
}

bool contact_store_remove(struct db_conn *c, long long id, int version, struct problem *pb)
{
    const char *params[2];
    char ids[24], vs[16];
    store_params(NULL, 0, id, version, params, ids, vs);
    return store_versioned(c, &st_remove, params, constraints, "contact", pb);
}

bool contact_store_list(struct db_conn *c, long long practice_id, bool with_private, int limit,
                        const char *after_id, struct buf *items, struct buf *next_cursor,
                        long long *total, struct problem *pb)
{
    char pid[24], lim[16];
    snprintf(pid, sizeof pid, "%lld", practice_id);
    snprintf(lim, sizeof lim, "%d", limit + 1);
    const char *params[] = {pid, with_private ? "true" : "false", lim, after_id};
    return store_page_by_id(c, &st_list, &st_count, params, limit, items, next_cursor, total, pb);
}
