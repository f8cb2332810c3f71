/* The practice input: field tables for create and replace (indexed by
 * enum practice_field) and checks across fields. Pure. */
#ifndef BDP_PRACTICE_JSON_H
#define BDP_PRACTICE_JSON_H

#include "bdp/jsonv.h"

enum practice_field {
    PF_TITLE,
    PF_STATUS,
    PF_UNIT_ID,
    PF_CATEGORY_IDS,
    PF_PARTICIPANT_UNIT_IDS,
    PF_SUMMARY,
    PF_SECTIONS,
    PF_IMPLEMENTER,
    PF_PARTNERS,
    PF_ATTACHMENTS,
    PF_KEYWORDS,
    PF_ENTERED_ON,
    PF_REVISED_ON,
    PF_SOURCE,
    PF_EXTERNAL_ID,
    PF_CONTACTS,
    PF_ID,
    PF_VERSION,
    PF_CREATED_AT,
    PF_UPDATED_AT,
    PF_UNIT,
    PF_CATEGORIES,
    PF__MAX
};

extern const struct jv_spec practice_create_spec;
extern const struct jv_spec practice_replace_spec;
extern const char *const practice_statuses[]; /* NULL-ended */

/* participant_unit_ids must not repeat unit_id; external_id needs source. */
bool practice_json_check(json_t *in, struct problem *pb);

#endif
