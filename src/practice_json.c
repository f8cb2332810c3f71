/* The practice field tables and cross-field checks. */
#include "bdp/practice_json.h"

#include "bdp/contact_json.h"

#include <string.h>

const char *const practice_statuses[] = {"draft", "published", "archived", NULL};

static const struct jv_field section_fields[] = {
    {"heading", JV_STRING, JV_REQUIRED, 1, 300, NULL, NULL, NULL, NULL},
    {"body", JV_STRING, JV_REQUIRED, 0, 100000, NULL, NULL, NULL, NULL},
};
static const struct jv_spec section_spec = {section_fields, 2};

static const struct jv_field implementer_fields[] = {
    {"name", JV_STRING, JV_NULLABLE, 0, 500, NULL, NULL, NULL, NULL},
    {"street", JV_STRING, JV_NULLABLE, 0, 300, NULL, NULL, NULL, NULL},
    {"postal_code", JV_STRING, JV_NULLABLE, 0, 20, NULL, NULL, NULL, NULL},
    {"post_office", JV_STRING, JV_NULLABLE, 0, 200, NULL, NULL, NULL, NULL},
    {"locality", JV_STRING, JV_NULLABLE, 0, 200, NULL, NULL, NULL, NULL},
    {"phones", JV_STRINGS, JV_NULLABLE, 1, 50, NULL, NULL, NULL, NULL},
    {"fax", JV_STRING, JV_NULLABLE, 0, 50, NULL, NULL, NULL, NULL},
    {"websites", JV_STRINGS, JV_NULLABLE, 1, 500, NULL, NULL, NULL, NULL},
    {"email", JV_EMAIL, JV_NULLABLE, 0, 0, NULL, NULL, NULL, NULL},
};
static const struct jv_spec implementer_spec = {implementer_fields, 9};

static const struct jv_field attachment_fields[] = {
    {"title", JV_STRING, JV_REQUIRED, 1, 500, NULL, NULL, NULL, NULL},
    {"url", JV_STRING, JV_REQUIRED, 1, 2000, NULL, NULL, NULL, NULL},
    {"media_type", JV_STRING, JV_NULLABLE, 0, 200, NULL, NULL, NULL, NULL},
    {"size_bytes", JV_INT, JV_NULLABLE, 0, 1000000000000LL, NULL, NULL, NULL, NULL},
};
static const struct jv_spec attachment_spec = {attachment_fields, 4};

#define PRACTICE_FIELDS(...)                                                                       \
    [PF_TITLE] = {"title", JV_STRING, JV_REQUIRED, 1, 500, NULL, NULL, NULL, NULL},                \
    [PF_STATUS] = {"status", JV_ENUM, JV_NULLABLE, 0, 0, practice_statuses, NULL, "draft", NULL},  \
    [PF_UNIT_ID] = {"unit_id", JV_INT, JV_REQUIRED, 1, 2147483647, NULL, NULL, NULL, NULL},        \
    [PF_CATEGORY_IDS] = {"category_ids", JV_INTS, JV_NULLABLE, 0, 20, NULL, NULL, "{}", NULL},     \
    [PF_PARTICIPANT_UNIT_IDS] =                                                                    \
        {"participant_unit_ids", JV_INTS, JV_NULLABLE, 0, 200, NULL, NULL, "{}", NULL},            \
    [PF_SUMMARY] = {"summary", JV_STRING, JV_NULLABLE, 0, 20000, NULL, NULL, "", NULL},            \
    [PF_SECTIONS] = {"sections", JV_OBJECTS, JV_NULLABLE, 0, 50, NULL, &section_spec, "[]", NULL}, \
    [PF_IMPLEMENTER] = {"implementer", JV_OBJECT,         JV_NULLABLE, 0,   0,                     \
                        NULL,          &implementer_spec, NULL,        NULL},                      \
    [PF_PARTNERS] = {"partners", JV_STRINGS, JV_NULLABLE, 1, 500, NULL, NULL, "[]", NULL},         \
    [PF_ATTACHMENTS] = {"attachments", JV_OBJECTS,       JV_NULLABLE, 0,   50,                     \
                        NULL,          &attachment_spec, "[]",        NULL},                       \
    [PF_KEYWORDS] = {"keywords", JV_STRINGS, JV_NULLABLE, 1, 100, NULL, NULL, "[]", NULL},         \
    [PF_ENTERED_ON] = {"entered_on", JV_DATE, JV_NULLABLE, 0, 0, NULL, NULL, NULL, NULL},          \
    [PF_REVISED_ON] = {"revised_on", JV_DATE, JV_NULLABLE, 0, 0, NULL, NULL, NULL, NULL},          \
    [PF_SOURCE] = {"source", JV_STRING, JV_NULLABLE, 1, 63, NULL, NULL, NULL, NULL},               \
    [PF_EXTERNAL_ID] = {"external_id", JV_STRING, JV_NULLABLE, 1, 200, NULL, NULL, NULL, NULL},    \
    [PF_CONTACTS] = {__VA_ARGS__}, [PF_ID] = {"id", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL}, \
    [PF_VERSION] = {"version", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},                      \
    [PF_CREATED_AT] = {"created_at", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},                \
    [PF_UPDATED_AT] = {"updated_at", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},                \
    [PF_UNIT] = {"unit", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},                            \
    [PF_CATEGORIES] = {"categories", JV_READONLY, 0, 0, 0, NULL, NULL, NULL, NULL},

static const struct jv_field create_fields[PF__MAX] = {
    PRACTICE_FIELDS("contacts", JV_OBJECTS, JV_NULLABLE, 0, 50, NULL, &contact_spec, "[]", NULL)};
static const struct jv_field replace_fields[PF__MAX] = {
    PRACTICE_FIELDS("contacts", JV_REJECT, 0, 0, 0, NULL, NULL, NULL,
                    "is changed through /v1/practices/{id}/contacts and /v1/contacts/{id}")};

const struct jv_spec practice_create_spec = {create_fields, PF__MAX};
const struct jv_spec practice_replace_spec = {replace_fields, PF__MAX};

bool practice_json_check(json_t *in, struct problem *pb)
{
    json_t *unit = json_object_get(in, "unit_id");
    json_t *parts = json_object_get(in, "participant_unit_ids");
    size_t i;
    json_t *v;
    json_array_foreach(parts, i, v)
    {
        if (json_integer_value(v) == json_integer_value(unit))
            problem_field(pb, "participant_unit_ids", "must not repeat the lead unit_id");
    }
    json_t *ext = json_object_get(in, "external_id");
    json_t *src = json_object_get(in, "source");
    if (ext && !json_is_null(ext) && (!src || json_is_null(src)))
        problem_field(pb, "external_id", "needs a source");
    return pb->kind == ERR_NONE;
}
