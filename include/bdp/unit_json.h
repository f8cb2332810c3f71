/* The unit input: field table (enum unit_field) and the TERYT check. Pure. */
#ifndef BDP_UNIT_JSON_H
#define BDP_UNIT_JSON_H

#include "bdp/jsonv.h"

enum unit_field {
    UF_TERYT,
    UF_NAME,
    UF_TYPE,
    UF_VOIVODESHIP,
    UF_COUNTY,
    UF_POPULATION,
    UF_POPULATION_YEAR,
    UF_PARENT_ID,
    UF_ID,
    UF_VERSION,
    UF_CREATED_AT,
    UF_UPDATED_AT,
    UF__MAX
};

extern const struct jv_spec unit_spec;

/* TERYT well-formed and agreeing with type and voivodeship. */
bool unit_json_check(json_t *in, struct problem *pb);

#endif
