/* The contact input: its field table (enum contact_field). Pure. */
#ifndef BDP_CONTACT_JSON_H
#define BDP_CONTACT_JSON_H

#include "bdp/jsonv.h"

enum contact_field {
    KF_NAME,
    KF_ROLE,
    KF_PHONES,
    KF_EMAIL,
    KF_PUBLIC,
    KF_ID,
    KF_PRACTICE_ID,
    KF_VERSION,
    KF_CREATED_AT,
    KF_UPDATED_AT,
    KF__MAX
};

extern const struct jv_spec contact_spec;

#endif
