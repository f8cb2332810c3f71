/* The unit field table and its TERYT check. */
#include "bdp/unit_json.h"

#include "bdp/teryt.h"

static const struct jv_field fields[UF__MAX] = {
    [UF_TERYT] = {"teryt", JV_STRING, JV_NULLABLE, 1, 7, NULL, NULL, NULL, NULL},
    [UF_NAME] = {"name", JV_STRING, JV_REQUIRED, 1, 200, NULL, NULL, NULL, NULL},
    [UF_TYPE] = {"type", JV_ENUM, JV_REQUIRED, 0, 0, unit_types, NULL, NULL, NULL},
    [UF_VOIVODESHIP] = {"voivodeship", JV_ENUM, JV_NULLABLE, 0, 0, voivodeships, NULL, NULL, NULL},
    [UF_COUNTY] = {"county", JV_STRING, JV_NULLABLE, 0, 200, NULL, NULL, NULL, NULL},
    [UF_POPULATION] = {"population", JV_INT, JV_NULLABLE, 0, 100000000, NULL, NULL, NULL, NULL},
    [UF_POPULATION_YEAR] = {"population_year", JV_INT, JV_NULLABLE, 1900, 2100, NULL, NULL, NULL,
                            NULL},
    [UF_PARENT_ID] = {"parent_id", JV_INT, JV_NULLABLE, 1, 2147483647, NULL, NULL, NULL, NULL},
    [UF_ID] = {"id", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    [UF_VERSION] = {"version", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    [UF_CREATED_AT] = {"created_at", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    [UF_UPDATED_AT] = {"updated_at", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
};

const struct jv_spec unit_spec = {fields, UF__MAX};

bool unit_json_check(json_t *in, struct problem *pb)
{
    const char *field;
    const char *why = teryt_check(json_string_value(json_object_get(in, "teryt")),
                                  json_string_value(json_object_get(in, "type")),
                                  json_string_value(json_object_get(in, "voivodeship")), &field);
    if (why)
        problem_field(pb, field, "%s", why);
    return why == NULL;
}
