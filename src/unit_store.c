/* SQL for units: documents by unit_json() in the database. */
#include "bdp/unit_store.h"

#include "bdp/store.h"
#include "bdp/unit_json.h"

#include <stdio.h>

static const struct db_stmt st_render = {
    "unit_render",
    "SELECT u.version, unit_json(u) FROM unit u WHERE u.id = $1::int AND $2::boolean IS NOT NULL",
    2};

static const struct db_stmt st_insert = {
    "unit_insert",
    "INSERT INTO unit (teryt, name, type, voivodeship, county, population, population_year,"
    " parent_id) VALUES ($1, $2, $3, $4, $5, $6::int, $7::int, $8::int) RETURNING id",
    8};

static const struct db_stmt st_update = {
    "unit_update",
    "UPDATE unit SET teryt = $1, name = $2, type = $3, voivodeship = $4, county = $5,"
    " population = $6::int, population_year = $7::int, parent_id = $8::int"
    " WHERE id = $9::int AND version = $10::int",
    10};

static const struct db_stmt st_remove = {
    "unit_remove", "DELETE FROM unit WHERE id = $1::int AND version = $2::int", 2};

#define LIST_WHERE                                                                                 \
    " WHERE ($1::text IS NULL OR u.type = $1) AND ($2::text IS NULL OR u.voivodeship = $2)"        \
    " AND ($3::text IS NULL OR u.teryt LIKE replace(replace(replace($3, '\\', '\\\\'),"            \
    "  '%', '\\%'), '_', '\\_') || '%')"                                                           \
    " AND ($4::text IS NULL OR u.name ILIKE '%' || replace(replace(replace($4, '\\', '\\\\'),"     \
    "  '%', '\\%'), '_', '\\_') || '%')"

static const struct db_stmt st_list = {
    "unit_list",
    "SELECT unit_json(u), u.id FROM unit u" LIST_WHERE
    " AND ($6::int IS NULL OR u.id > $6::int) ORDER BY u.id LIMIT $5::int",
    6};

static const struct db_stmt st_count = {"unit_count", "SELECT count(*) FROM unit u" LIST_WHERE, 4};

static const struct db_constraint constraints[] = {
    {"unit_teryt_key", ERR_CONFLICT, "teryt", "is the code of another unit"},
    {"unit_parent_id_fkey", ERR_VALIDATION, "parent_id", "names no existing unit"},
    {NULL, ERR_NONE, NULL, NULL},
};

/* On delete, a reference to the unit means it is still in use. */
static const struct db_constraint delete_constraints[] = {
    {"practice_unit_id_fkey", ERR_CONFLICT, "id", "is the lead unit of practices"},
    {"practice_unit_unit_id_fkey", ERR_CONFLICT, "id", "takes part in practices"},
    {"unit_parent_id_fkey", ERR_CONFLICT, "id", "is the parent of other units"},
    {NULL, ERR_NONE, NULL, NULL},
};

bool unit_store_render(struct db_conn *c, long long id, bool with_private, struct doc *out,
                       struct problem *pb)
{
    return store_render(c, &st_render, "unit", id, with_private, out, pb);
}

bool unit_store_insert(struct db_conn *c, const struct record *rec, long long parent_id,
                       long long *id, struct problem *pb)
{
    return store_insert(c, &st_insert, (const char *const *)rec->v, constraints, id, pb);
}

bool unit_store_update(struct db_conn *c, long long id, int version, const struct record *rec,
                       struct problem *pb)
{
    const char *params[10];
    char ids[24], vs[16];
    store_params(rec, 8, id, version, params, ids, vs);
    return store_versioned(c, &st_update, params, constraints, "unit", pb);
}

bool unit_store_remove(struct db_conn *c, long long id, int version, struct problem *pb)
{
    const char *params[2];
    char ids[24], vs[16];
    store_params(NULL, 0, id, version, params, ids, vs);
    return store_versioned(c, &st_remove, params, delete_constraints, "unit", pb);
}

bool unit_store_list(struct db_conn *c, const struct unit_filter *f, struct buf *items,
                     struct buf *next_cursor, long long *total, struct problem *pb)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", f->limit + 1);
    const char *params[] = {f->type, f->voivodeship, f->teryt_prefix, f->name_like,
                            lim,     f->after_id};
    return store_page_by_id(c, &st_list, &st_count, params, f->limit, items, next_cursor, total,
                            pb);
}
