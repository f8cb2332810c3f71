/* What a bulk record may hold: the resource's own fields plus natural keys
 * (unit_teryt, an inline unit, category_slugs, category_path for practices;
 * parent_teryt for units; parent_slug for categories), and the CSV columns
 * of each. Pure. */
#ifndef BDP_BULK_JSON_H
#define BDP_BULK_JSON_H

#include "bdp/bulk_parse.h"
#include "bdp/error.h"

#include <jansson.h>

enum bulk_kind { BULK_PRACTICES, BULK_UNITS, BULK_CATEGORIES, BULK_KIND__MAX };

extern const char *const bulk_kind_names[BULK_KIND__MAX]; /* "practices", ... */

/* The CSV columns of kind (borrowed, NULL-ended). */
const struct bulk_column *bulk_json_columns(enum bulk_kind kind);

/* Checks one record of kind: every field error into pb (422 kind). */
bool bulk_json_check(enum bulk_kind kind, json_t *rec, struct problem *pb)
    __attribute__((warn_unused_result));

#endif
