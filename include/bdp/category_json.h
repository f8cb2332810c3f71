/* The category input: field table (enum category_field). Pure. */
#ifndef BDP_CATEGORY_JSON_H
#define BDP_CATEGORY_JSON_H

#include "bdp/jsonv.h"

enum category_field {
    CF_NAME,
    CF_PARENT_ID,
    CF_SLUG,
    CF_POSITION,
    CF_ID,
    CF_PATH,
    CF_PRACTICE_COUNT,
    CF_VERSION,
    CF_CREATED_AT,
    CF_UPDATED_AT,
    CF__MAX
};

extern const struct jv_spec category_spec;

/* A given slug is lowercase ASCII letters, digits and single hyphens. */
bool category_json_check(json_t *in, struct problem *pb);

#endif
