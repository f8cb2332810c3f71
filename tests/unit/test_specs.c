/* The resource field tables (every enum entry filled, in order) and the
 * checks across fields: practice_json_check, unit_json_check,
 * category_json_check. */
#include "bdp/buf.h"
#include "bdp/category_json.h"
#include "bdp/contact_json.h"
#include "bdp/practice_json.h"
#include "bdp/unit_json.h"

#include "check.h"

#include <jansson.h>
#include <stdlib.h>

/* JSON written with ' for ", parsed or aborted on. New reference. */
static json_t *load(const char *text)
{
    char *s = xstrdup(text);
    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    json_error_t err;
    json_t *v = json_loads(s, JSON_REJECT_DUPLICATES, &err);
    if (!v) {
        fprintf(stderr, "test JSON does not parse: %s: %s\n", s, err.text);
        abort();
    }
    free(s);
    return v;
}

/* Every entry of a table has a name, names are unique, and the names are
 * the listed ones in enum order. */
static void check_table(const struct jv_spec *spec, const char *const *names, size_t n)
{
    CHECK_INT(spec->n, n);
    CHECK(spec->n <= RECORD_MAX);
    for (size_t i = 0; i < spec->n && i < n; i++) {
        CHECK_STR(spec->fields[i].name, names[i]);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(spec->fields[i].name, spec->fields[j].name) != 0);
        const struct jv_field *f = &spec->fields[i];
        if (f->type == JV_ENUM)
            CHECK(f->options != NULL);
        if (f->type == JV_OBJECT || f->type == JV_OBJECTS)
            CHECK(f->sub != NULL);
        if (f->type == JV_REJECT)
            CHECK(f->why != NULL);
        if (f->type == JV_INTS || f->type == JV_OBJECTS)
            CHECK(f->max > 0);
    }
}

static void test_tables(void)
{
    static const char *const practice[PF__MAX] = {
        "title",    "status",     "unit_id",     "category_ids", "participant_unit_ids",
        "summary",  "sections",   "implementer", "partners",     "attachments",
        "keywords", "entered_on", "revised_on",  "source",       "external_id",
        "contacts", "id",         "version",     "created_at",   "updated_at",
        "unit",     "categories"};
    static const char *const unit[UF__MAX] = {
        "teryt",           "name",      "type", "voivodeship", "county",     "population",
        "population_year", "parent_id", "id",   "version",     "created_at", "updated_at"};
    static const char *const category[CF__MAX] = {
        "name", "parent_id",      "slug",    "position",   "id",
        "path", "practice_count", "version", "created_at", "updated_at"};
    static const char *const contact[KF__MAX] = {
        "name", "role",        "phones",  "email",      "public",
        "id",   "practice_id", "version", "created_at", "updated_at"};
    check_table(&practice_create_spec, practice, PF__MAX);
    check_table(&practice_replace_spec, practice, PF__MAX);
    check_table(&unit_spec, unit, UF__MAX);
    check_table(&category_spec, category, CF__MAX);
    check_table(&contact_spec, contact, KF__MAX);

    /* Create and replace differ only in contacts. */
    CHECK_INT(practice_create_spec.fields[PF_CONTACTS].type, JV_OBJECTS);
    CHECK(practice_create_spec.fields[PF_CONTACTS].sub == &contact_spec);
    CHECK_INT(practice_replace_spec.fields[PF_CONTACTS].type, JV_REJECT);
    for (int i = 0; i < PF__MAX; i++)
        if (i != PF_CONTACTS)
            CHECK(memcmp(&practice_create_spec.fields[i], &practice_replace_spec.fields[i],
                         sizeof(struct jv_field)) == 0);

    /* Required fields, as DESIGN.md lists them. */
    CHECK(practice_create_spec.fields[PF_TITLE].flags & JV_REQUIRED);
    CHECK(practice_create_spec.fields[PF_UNIT_ID].flags & JV_REQUIRED);
    CHECK(unit_spec.fields[UF_NAME].flags & JV_REQUIRED);
    CHECK(unit_spec.fields[UF_TYPE].flags & JV_REQUIRED);
    CHECK(category_spec.fields[CF_NAME].flags & JV_REQUIRED);
    CHECK(contact_spec.fields[KF_NAME].flags & JV_REQUIRED);
    CHECK_STR(practice_statuses[0], "draft");
    CHECK_STR(practice_statuses[1], "published");
    CHECK_STR(practice_statuses[2], "archived");
    CHECK_STR(practice_statuses[3], NULL);
}

/* Runs check on the JSON text; expects ok, or one error on field. */
static void cross(bool (*check)(json_t *, struct problem *), const char *text, const char *field,
                  const char *message)
{
    json_t *in = load(text);
    struct problem pb = {0};
    problem_init(&pb);
    bool ok = check(in, &pb);
    int failed = check_failed;
    CHECK_INT(ok, field == NULL);
    CHECK_INT(pb.n_errors, field ? 1 : 0);
    CHECK_INT(pb.kind, field ? ERR_VALIDATION : ERR_NONE);
    if (field && pb.n_errors > 0) {
        CHECK_STR(pb.errors[0].field, field);
        CHECK_STR(pb.errors[0].message, message);
    }
    if (check_failed != failed)
        fprintf(stderr, "    input %s\n", text);
    json_decref(in);
}

static void test_practice_check(void)
{
    cross(practice_json_check, "{'title':'T','unit_id':1}", NULL, NULL);
    cross(practice_json_check, "{'title':'T','unit_id':1,'participant_unit_ids':[2,3]}", NULL,
          NULL);
    cross(practice_json_check, "{'title':'T','unit_id':1,'participant_unit_ids':null}", NULL, NULL);
    cross(practice_json_check, "{'title':'T','unit_id':1,'participant_unit_ids':[2,1]}",
          "participant_unit_ids", "must not repeat the lead unit_id");
    cross(practice_json_check, "{'title':'T','unit_id':1,'source':'s','external_id':'e'}", NULL,
          NULL);
    cross(practice_json_check, "{'title':'T','unit_id':1,'source':null,'external_id':null}", NULL,
          NULL);
    cross(practice_json_check, "{'title':'T','unit_id':1,'source':'s'}", NULL, NULL);
    cross(practice_json_check, "{'title':'T','unit_id':1,'external_id':'e'}", "external_id",
          "needs a source");
    cross(practice_json_check, "{'title':'T','unit_id':1,'source':null,'external_id':'e'}",
          "external_id", "needs a source");
}

static void test_unit_check(void)
{
    cross(unit_json_check,
          "{'name':'Pomorskie','type':'wojewodztwo','voivodeship':'pomorskie',"
          "'teryt':'22'}",
          NULL, NULL);
    cross(unit_json_check,
          "{'name':'Powiat','type':'powiat_ziemski','voivodeship':'pomorskie',"
          "'teryt':'2212'}",
          NULL, NULL);
    cross(unit_json_check,
          "{'name':'Katowice','type':'gmina_miejska','voivodeship':'śląskie',"
          "'teryt':'2479011'}",
          NULL, NULL);
    cross(unit_json_check, "{'name':'Z','type':'zwiazek_jst'}", NULL, NULL);
    cross(unit_json_check, "{'name':'Z','type':'zwiazek_jst','teryt':null}", NULL, NULL);
    cross(unit_json_check, "{'name':'Z','type':'zwiazek_jst','teryt':'22'}", "teryt",
          "must be null for a zwiazek_jst, which has no TERYT code");
    cross(unit_json_check,
          "{'name':'K','type':'gmina_miejska','voivodeship':'pomorskie',"
          "'teryt':'2479011'}",
          "voivodeship", "does not agree with the first two digits of teryt");
    cross(unit_json_check, "{'name':'K','type':'gmina_miejska','teryt':'2479011'}", "voivodeship",
          "is required for this unit type");
    cross(unit_json_check, "{'name':'K','type':'gmina_miejska','voivodeship':'śląskie'}", "teryt",
          "is required for this unit type");
    cross(unit_json_check,
          "{'name':'K','type':'gmina_wiejska','voivodeship':'śląskie',"
          "'teryt':'2479011'}",
          "teryt",
          "must end in 1 for gmina_miejska, 2 for gmina_wiejska, 3 for gmina_miejsko_wiejska");
}

static void test_category_check(void)
{
    static const char *const good[] = {"edukacja", "a", "1", "a-b", "ochrona-zdrowia-2", "x9-y"};
    static const char *const bad[] = {"-a",  "a-",  "a--b", "A",   "ą",   "a_b",
                                      "a b", "a.b", "-",    "EDU", "a/b", "żółw"};
    char text[100];
    cross(category_json_check, "{'name':'N'}", NULL, NULL);
    cross(category_json_check, "{'name':'N','slug':null}", NULL, NULL);
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        snprintf(text, sizeof text, "{'name':'N','slug':'%s'}", good[i]);
        cross(category_json_check, text, NULL, NULL);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "{'name':'N','slug':'%s'}", bad[i]);
        cross(category_json_check, text, "slug",
              "must be lowercase letters a-z, digits and single hyphens");
    }
}

int main(void)
{
    json_set_alloc_funcs(xmalloc, free);
    test_tables();
    test_practice_check();
    test_unit_check();
    test_category_check();
    return check_report();
}
