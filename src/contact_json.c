/* The contact field table. */
#include "bdp/contact_json.h"

static const struct jv_field fields[KF__MAX] = {
    [KF_NAME] = {"name", JV_STRING, JV_REQUIRED, 1, 200, NULL, NULL, NULL, NULL},
    [KF_ROLE] = {"role", JV_STRING, JV_NULLABLE, 0, 500, NULL, NULL, NULL, NULL},
    [KF_PHONES] = {"phones", JV_STRINGS, JV_NULLABLE, 1, 50, NULL, NULL, "[]", NULL},
    [KF_EMAIL] = {"email", JV_EMAIL, JV_NULLABLE, 0, 0, NULL, NULL, NULL, NULL},
    [KF_PUBLIC] = {"public", JV_BOOL, JV_NULLABLE, 0, 0, NULL, NULL, "true", NULL},
    [KF_ID] = {"id", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    [KF_PRACTICE_ID] = {"practice_id", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    [KF_VERSION] = {"version", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    [KF_CREATED_AT] = {"created_at", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
    [KF_UPDATED_AT] = {"updated_at", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},
};

const struct jv_spec contact_spec = {fields, KF__MAX};
