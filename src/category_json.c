/* The category field table and the slug check. */
#include "bdp/category_json.h"

#include <string.h>

static const struct jv_field fields[CF__MAX] = {
    [CF_NAME] = {"name", JV_STRING, JV_REQUIRED, 1, 200, NULL, NULL, NULL, NULL},
    [CF_PARENT_ID] = {"parent_id", JV_INT, JV_NULLABLE, 1, 2147483647, NULL, NULL, NULL, NULL},
    [CF_SLUG] = {"slug", JV_STRING, JV_NULLABLE, 1, 100, NULL, NULL, NULL, NULL},
    [CF_POSITION] = {"position", JV_INT, JV_NULLABLE, 0, 1000000, NULL, NULL, "0", NULL},
    [CF_ID] = {"id", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    [CF_PATH] = {"path", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    [CF_PRACTICE_COUNT] = {"practice_count", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    [CF_VERSION] = {"version", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    [CF_CREATED_AT] = {"created_at", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    [CF_UPDATED_AT] = {"updated_at", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
};

const struct jv_spec category_spec = {fields, CF__MAX};

bool category_json_check(json_t *in, struct problem *pb)
{
    const char *slug = json_string_value(json_object_get(in, "slug"));
    if (!slug)
        return true;
    bool ok = slug[0] && slug[0] != '-' && slug[strlen(slug) - 1] != '-' && !strstr(slug, "--");
    for (const char *p = slug; *p && ok; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
    if (!ok)
        problem_field(pb, "slug", "must be lowercase letters a-z, digits and single hyphens");
    return ok;
}
