/* Bulk record tables: each resource's field table with its natural keys
 * added, built once from the resource's own table so the two never
 * disagree. */
#include "bdp/bulk_json.h"

#include "bdp/category_json.h"
#include "bdp/practice_json.h"
#include "bdp/unit_json.h"

#include <pthread.h>
#include <string.h>

const char *const bulk_kind_names[BULK_KIND__MAX] = {
    [BULK_PRACTICES] = "practices", [BULK_UNITS] = "units", [BULK_CATEGORIES] = "categories"};

#define EXTRA 4
#define MAX_COLUMNS 48

static struct jv_field practice_fields[PF__MAX + EXTRA], unit_fields[UF__MAX + EXTRA],
    category_fields[CF__MAX + EXTRA];
static struct jv_spec specs[BULK_KIND__MAX];
static struct bulk_column columns[BULK_KIND__MAX][MAX_COLUMNS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static size_t copy(struct jv_field *out, const struct jv_spec *from)
{
    memcpy(out, from->fields, from->n * sizeof *out);
    return from->n;
}

static void add_columns(enum bulk_kind kind, const struct bulk_column *extra)
{
    size_t n = bulk_columns_from_spec(&specs[kind], columns[kind], MAX_COLUMNS);
    for (; extra->name && n + 1 < MAX_COLUMNS; extra++)
        columns[kind][n++] = *extra;
    columns[kind][n] = (struct bulk_column){NULL, BULK_COL_STRING};
}

static void build(void)
{
    size_t n = copy(practice_fields, &practice_create_spec);
    /* The lead unit may come by TERYT or inline instead of by id. */
    practice_fields[PF_UNIT_ID].flags = JV_NULLABLE;
    practice_fields[PF_UNIT] =
        (struct jv_field){"unit", JV_OBJECT, JV_NULLABLE, 0, 0, NULL, &unit_spec, NULL, NULL};
    practice_fields[n++] =
        (struct jv_field){"unit_teryt", JV_STRING, JV_NULLABLE, 1, 7, NULL, NULL, NULL, NULL};
    practice_fields[n++] = (struct jv_field){
        "category_slugs", JV_STRINGS, JV_NULLABLE, 1, 200, NULL, NULL, NULL, NULL};
    practice_fields[n++] =
        (struct jv_field){"category_path", JV_STRINGS, JV_NULLABLE, 1, 200, NULL, NULL, NULL, NULL};
    specs[BULK_PRACTICES] = (struct jv_spec){practice_fields, n};

    n = copy(unit_fields, &unit_spec);
    unit_fields[n++] =
        (struct jv_field){"parent_teryt", JV_STRING, JV_NULLABLE, 2, 7, NULL, NULL, NULL, NULL};
    specs[BULK_UNITS] = (struct jv_spec){unit_fields, n};

    n = copy(category_fields, &category_spec);
    category_fields[n++] =
        (struct jv_field){"parent_slug", JV_STRING, JV_NULLABLE, 1, 100, NULL, NULL, NULL, NULL};
    specs[BULK_CATEGORIES] = (struct jv_spec){category_fields, n};

    static const struct bulk_column practice_extra[] = {{"unit_teryt", BULK_COL_STRING},
                                                        {"category_slugs", BULK_COL_STRINGS},
                                                        {"category_path", BULK_COL_STRINGS},
                                                        {NULL, BULK_COL_STRING}};
    static const struct bulk_column unit_extra[] = {{"parent_teryt", BULK_COL_STRING},
                                                    {NULL, BULK_COL_STRING}};
    static const struct bulk_column category_extra[] = {{"parent_slug", BULK_COL_STRING},
                                                        {NULL, BULK_COL_STRING}};
    add_columns(BULK_PRACTICES, practice_extra);
    add_columns(BULK_UNITS, unit_extra);
    add_columns(BULK_CATEGORIES, category_extra);
}

const struct bulk_column *bulk_json_columns(enum bulk_kind kind)
{
    pthread_once(&once, build);
    return columns[kind];
}

static bool given(json_t *rec, const char *key)
{
    json_t *v = json_object_get(rec, key);
    return v && !json_is_null(v);
}

/* Runs check on sub (an inline object) and files its errors under prefix. */
static void check_inline(json_t *sub, bool (*check)(json_t *, struct problem *), const char *prefix,
                         struct problem *pb)
{
    struct problem inner;
    problem_init(&inner);
    if (check(sub, &inner))
        return;
    for (int i = 0; i < inner.n_errors; i++)
        problem_field(pb, prefix, "%s: %s", inner.errors[i].field, inner.errors[i].message);
    if (!inner.n_errors)
        problem_field(pb, prefix, "%s", inner.detail);
}

/* An inline unit follows the unit rules, but may leave out its TERYT (the
 * old site's pages have none): it is then matched by type, name and
 * voivodeship, or created so. */
static bool inline_unit_check(json_t *unit, struct problem *pb)
{
    if (given(unit, "teryt"))
        return unit_json_check(unit, pb);
    const char *type = json_string_value(json_object_get(unit, "type"));
    if (type && strcmp(type, "zwiazek_jst") != 0 && !given(unit, "voivodeship"))
        problem_field(pb, "voivodeship", "is required for this unit type");
    return pb->kind == ERR_NONE;
}

/* A list of strings naming each thing once. */
static void check_distinct(json_t *rec, const char *key, struct problem *pb)
{
    json_t *list = json_object_get(rec, key);
    for (size_t i = 0; i < json_array_size(list); i++)
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_array_get(list, i), json_array_get(list, j))) {
                problem_field(pb, key, "names %s twice",
                              json_string_value(json_array_get(list, i)));
                return;
            }
}

static void check_practice(json_t *rec, struct problem *pb)
{
    int units = given(rec, "unit_id") + given(rec, "unit_teryt") + given(rec, "unit");
    if (units == 0)
        problem_field(pb, "unit_id", "is required (or unit_teryt, or an inline unit)");
    else if (units > 1)
        problem_field(pb, "unit_id", "is given with unit_teryt or unit: name the unit once");
    int cats =
        given(rec, "category_ids") + given(rec, "category_slugs") + given(rec, "category_path");
    if (cats > 1)
        problem_field(pb, "category_ids",
                      "is given with category_slugs or category_path: name them once");
    json_t *path = json_object_get(rec, "category_path");
    if (given(rec, "category_path") && (json_array_size(path) < 1 || json_array_size(path) > 2))
        problem_field(pb, "category_path", "is [area] or [area, sub-area]");
    check_distinct(rec, "category_slugs", pb);
    if (given(rec, "unit"))
        check_inline(json_object_get(rec, "unit"), inline_unit_check, "unit", pb);
    json_t *teryt = json_object_get(rec, "unit_teryt");
    const char *t = json_string_value(teryt);
    for (; t && *t; t++)
        if (*t < '0' || *t > '9') {
            problem_field(pb, "unit_teryt", "is a TERYT code: digits");
            break;
        }
    practice_json_check(rec, pb);
}

static void check_unit(json_t *rec, struct problem *pb)
{
    if (given(rec, "parent_id") && given(rec, "parent_teryt"))
        problem_field(pb, "parent_id", "is given with parent_teryt: name the parent once");
    unit_json_check(rec, pb);
}

bool bulk_json_check(enum bulk_kind kind, json_t *rec, struct problem *pb)
{
    pthread_once(&once, build);
    jsonv_check(rec, &specs[kind], "", pb);
    if (pb->kind != ERR_NONE)
        return false;
    if (kind == BULK_PRACTICES)
        check_practice(rec, pb);
    else if (kind == BULK_UNITS)
        check_unit(rec, pb);
    else
        category_json_check(rec, pb);
    return pb->kind == ERR_NONE;
}
