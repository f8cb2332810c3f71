/* SQL for categories: the two-level tree, slugs derived in the database. */
#include "bdp/category_store.h"

#include "bdp/category_json.h"
#include "bdp/store.h"

#include <stdio.h>
#include <stdlib.h>

static const struct db_stmt st_render = {
    "category_render",
    "SELECT c.version, category_json(c) FROM category c WHERE c.id = $1::int"
    " AND $2::boolean IS NOT NULL",
    2};

/* Without a slug, a sub-area's slug is its area's slug, "-", its name's. */
#define SLUG                                                                                       \
    "coalesce($3, coalesce((SELECT a.slug || '-' FROM category a WHERE a.id = $2::int), '') || "   \
    "slugify($1))"

static const struct db_stmt st_insert = {"category_insert",
                                         "INSERT INTO category (name, parent_id, slug, position)"
                                         " VALUES ($1, $2::int, " SLUG ", $4::int) RETURNING id",
                                         4};

static const struct db_stmt st_update = {
    "category_update",
    "UPDATE category SET name = $1, parent_id = $2::int, slug = " SLUG ", position = $4::int"
    " WHERE id = $5::int AND version = $6::int",
    6};

static const struct db_stmt st_remove = {
    "category_remove", "DELETE FROM category WHERE id = $1::int AND version = $2::int", 2};

static const struct db_stmt st_parent_ok = {
    "category_parent_ok",
    "SELECT CASE WHEN $1::int IS NULL THEN 0"
    " WHEN $1::int = $2::int OR NOT EXISTS (SELECT 1 FROM category a"
    "  WHERE a.id = $1::int AND a.parent_id IS NULL) THEN 1"
    " WHEN EXISTS (SELECT 1 FROM category s WHERE s.parent_id = $2::int) THEN 2 ELSE 0 END",
    2};

static const struct db_stmt st_list = {
    "category_list",
    "SELECT category_json(c), c.id FROM category c"
    " WHERE ($1::int IS NULL OR c.parent_id = $1::int)"
    " AND ($3::int IS NULL OR c.id > $3::int) ORDER BY c.id LIMIT $2::int",
    3};

static const struct db_stmt st_count = {
    "category_count",
    "SELECT count(*) FROM category c WHERE ($1::int IS NULL OR c.parent_id = $1::int)", 1};

static const struct db_constraint constraints[] = {
    {"category_slug_key", ERR_CONFLICT, "slug", "is the slug of another category"},
    {"category_parent_id_fkey", ERR_VALIDATION, "parent_id", "names no existing category"},
    {NULL, ERR_NONE, NULL, NULL},
};

static const struct db_constraint delete_constraints[] = {
    {"practice_category_category_id_fkey", ERR_CONFLICT, "id", "is used by practices"},
    {"category_parent_id_fkey", ERR_CONFLICT, "id", "has sub-areas"},
    {NULL, ERR_NONE, NULL, NULL},
};

bool category_store_render(struct db_conn *c, long long id, bool with_private, struct doc *out,
                           struct problem *pb)
{
    return store_render(c, &st_render, "category", id, with_private, out, pb);
}

bool category_store_insert(struct db_conn *c, const struct record *rec, long long parent_id,
                           long long *id, struct problem *pb)
{
    return category_store_parent_ok(c, rec->v[CF_PARENT_ID], 0, pb) &&
           store_insert(c, &st_insert, (const char *const *)rec->v, constraints, id, pb);
}

bool category_store_update(struct db_conn *c, long long id, int version, const struct record *rec,
                           struct problem *pb)
{
    const char *params[6];
    char ids[24], vs[16];
    store_params(rec, 4, id, version, params, ids, vs);
    return category_store_parent_ok(c, rec->v[CF_PARENT_ID], id, pb) &&
           store_versioned(c, &st_update, params, constraints, "category", pb);
}

bool category_store_remove(struct db_conn *c, long long id, int version, struct problem *pb)
{
    const char *params[2];
    char ids[24], vs[16];
    store_params(NULL, 0, id, version, params, ids, vs);
    return store_versioned(c, &st_remove, params, delete_constraints, "category", pb);
}

bool category_store_parent_ok(struct db_conn *c, const char *parent_id, long long self,
                              struct problem *pb)
{
    char selfs[24];
    snprintf(selfs, sizeof selfs, "%lld", self);
    const char *params[] = {parent_id, selfs};
    PGresult *r = db_query(c, &st_parent_ok, params, NULL, pb);
    if (!r)
        return false;
    int verdict = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (verdict == 1)
        problem_field(pb, "parent_id", "must name an existing area (a category with no parent)");
    else if (verdict == 2)
        problem_field(pb, "parent_id", "cannot be set: this category has sub-areas");
    return verdict == 0;
}

bool category_store_list(struct db_conn *c, const char *parent_id, int limit, const char *after_id,
                         struct buf *items, struct buf *next_cursor, long long *total,
                         struct problem *pb)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit + 1);
    const char *params[] = {parent_id, lim, after_id};
    return store_page_by_id(c, &st_list, &st_count, params, limit, items, next_cursor, total, pb);
}
