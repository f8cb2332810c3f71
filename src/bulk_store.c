/* SQL for bulk uploads: each batch is one call of its kind's function,
 * under a savepoint so that a failing batch leaves the others standing. */
#include "bdp/bulk_store.h"

#include <stdlib.h>

static const struct db_stmt st_batch[BULK_KIND__MAX] = {
    [BULK_PRACTICES] = {"bulk_practices", "SELECT * FROM bulk_practices($1::jsonb, $2::boolean)",
                        2},
    [BULK_UNITS] = {"bulk_units", "SELECT * FROM bulk_units($1::jsonb)", 1},
    [BULK_CATEGORIES] = {"bulk_categories", "SELECT * FROM bulk_categories($1::jsonb)", 1},
};

/* What a record the database refused as a whole got wrong, when a
 * constraint says. */
static const struct db_constraint constraints[] = {
    {"practice_category_pkey", ERR_VALIDATION, "category_ids", "names a category twice"},
    {"practice_unit_pkey", ERR_VALIDATION, "participant_unit_ids", "names a unit twice"},
    {"practice_source_external_id_key", ERR_CONFLICT, "external_id",
     "is used by another practice of this source"},
    {"unit_teryt_key", ERR_CONFLICT, "teryt", "is another unit's"},
    {"category_slug_key", ERR_CONFLICT, "slug", "is another category's"},
    {"unit_population_check", ERR_VALIDATION, "population", "is negative"},
    {NULL, ERR_NONE, NULL, NULL},
};

static bool command(struct db_conn *c, const char *sql, struct problem *pb)
{
    struct db_err e;
    if (db_command(c, sql, &e))
        return true;
    db_err_problem(&e, pb);
    return false;
}

bool bulk_store_begin(struct db_conn *c, struct problem *pb)
{
    return command(c, "BEGIN", pb);
}

bool bulk_store_end(struct db_conn *c, bool commit, struct problem *pb)
{
    return command(c, commit ? "COMMIT" : "ROLLBACK", pb);
}

/* Undoes a failed batch; a database that cannot do even that is gone. */
static void rollback_batch(struct db_conn *c, struct problem *pb)
{
    struct problem ignored;
    problem_init(&ignored);
    if (!command(c, "ROLLBACK TO SAVEPOINT bulk_batch", &ignored))
        problem_set(pb, ERR_UNAVAILABLE, "The database is unavailable; try again shortly.");
}

bool bulk_store_send(struct db_conn *c, enum bulk_kind kind, const char *batch, bool create_units,
                     struct problem *pb)
{
    if (!command(c, "SAVEPOINT bulk_batch", pb))
        return false;
    const char *params[] = {batch, create_units ? "true" : "false"};
    struct db_err e;
    if (db_send(c, &st_batch[kind], params, &e))
        return true;
    db_err_problem(&e, pb);
    rollback_batch(c, pb);
    return false;
}

bool bulk_store_collect(struct db_conn *c, bulk_row_fn row, void *ctx, struct problem *pb)
{
    PGresult *r = db_collect(c, constraints, pb);
    if (!r) {
        rollback_batch(c, pb);
        return false;
    }
    for (int i = 0; i < PQntuples(r); i++)
        row(ctx, atol(PQgetvalue(r, i, 0)), PQgetvalue(r, i, 1),
            PQgetisnull(r, i, 3) ? NULL : PQgetvalue(r, i, 3),
            PQgetisnull(r, i, 4) ? NULL : PQgetvalue(r, i, 4));
    PQclear(r);
    return command(c, "RELEASE SAVEPOINT bulk_batch", pb);
}

bool bulk_store_batch(struct db_conn *c, enum bulk_kind kind, const char *batch, bool create_units,
                      bulk_row_fn row, void *ctx, struct problem *pb)
{
    return bulk_store_send(c, kind, batch, create_units, pb) && bulk_store_collect(c, row, ctx, pb);
}
