/* TERYT rules: length by type, powiat ranges, gmina kind digit, the
 * voivodeship prefix and its agreement with the voivodeship name. */
#include "bdp/buf.h"
#include "bdp/teryt.h"

#include "check.h"

#include <jansson.h>
#include <stdlib.h>

#define M_LEN2 "must be 2 digits for a wojewodztwo"
#define M_LEN4 "must be 4 digits for a powiat or miasto na prawach powiatu"
#define M_LEN7 "must be 7 digits for a gmina"
#define M_PREFIX "does not start with a voivodeship code (02, 04, ... 32)"
#define M_ZIEMSKI "must have a powiat number 01-60 for a powiat_ziemski"
#define M_MIASTO "must have a powiat number 61-99 for a miasto_na_prawach_powiatu"
#define M_NO_POWIAT "has no powiat number"
#define M_KIND "must end in 1 for gmina_miejska, 2 for gmina_wiejska, 3 for gmina_miejsko_wiejska"
#define M_NO_GMINA "has no gmina number"
#define M_AGREE "does not agree with the first two digits of teryt"
#define M_REQUIRED "is required for this unit type"
#define M_ZWIAZEK "must be null for a zwiazek_jst, which has no TERYT code"

static const struct {
    const char *teryt, *type, *voivodeship;
    const char *why;   /* NULL: valid */
    const char *field; /* field of why */
} cases[] = {
    /* The seeds. */
    {"2212", "powiat_ziemski", "pomorskie", NULL, NULL},
    {"2479011", "gmina_miejska", "śląskie", NULL, NULL},
    /* A good code of every type. */
    {"22", "wojewodztwo", "pomorskie", NULL, NULL},
    {"02", "wojewodztwo", "dolnośląskie", NULL, NULL},
    {"32", "wojewodztwo", "zachodniopomorskie", NULL, NULL},
    {"1001", "powiat_ziemski", "łódzkie", NULL, NULL},
    {"1460", "powiat_ziemski", "mazowieckie", NULL, NULL},
    {"1465", "miasto_na_prawach_powiatu", "mazowieckie", NULL, NULL},
    {"1261", "miasto_na_prawach_powiatu", "małopolskie", NULL, NULL},
    {"3099", "miasto_na_prawach_powiatu", "wielkopolskie", NULL, NULL},
    {"2201022", "gmina_wiejska", "pomorskie", NULL, NULL},
    {"2605043", "gmina_miejsko_wiejska", "świętokrzyskie", NULL, NULL},
    {"0201011", "gmina_miejska", "dolnośląskie", NULL, NULL},
    {"2861011", "gmina_miejska", "warmińsko-mazurskie", NULL, NULL},
    {NULL, "zwiazek_jst", NULL, NULL, NULL},
    {NULL, "zwiazek_jst", "pomorskie", NULL, NULL},
    /* Lengths and digits. */
    {"2", "wojewodztwo", "pomorskie", M_LEN2, "teryt"},
    {"222", "wojewodztwo", "pomorskie", M_LEN2, "teryt"},
    {"2212", "wojewodztwo", "pomorskie", M_LEN2, "teryt"},
    {"2a", "wojewodztwo", "pomorskie", M_LEN2, "teryt"},
    {"", "wojewodztwo", "pomorskie", M_LEN2, "teryt"},
    {"221", "powiat_ziemski", "pomorskie", M_LEN4, "teryt"},
    {"22123", "powiat_ziemski", "pomorskie", M_LEN4, "teryt"},
    {"22 2", "powiat_ziemski", "pomorskie", M_LEN4, "teryt"},
    {"2212", "gmina_miejska", "pomorskie", M_LEN7, "teryt"},
    {"221", "miasto_na_prawach_powiatu", "pomorskie", M_LEN4, "teryt"},
    {"247901", "gmina_miejska", "śląskie", M_LEN7, "teryt"},
    {"24790111", "gmina_miejska", "śląskie", M_LEN7, "teryt"},
    {"24790-1", "gmina_miejska", "śląskie", M_LEN7, "teryt"},
    {"+479011", "gmina_miejska", "śląskie", M_LEN7, "teryt"},
    /* Powiat numbers. */
    {"2200", "powiat_ziemski", "pomorskie", M_ZIEMSKI, "teryt"},
    {"2261", "powiat_ziemski", "pomorskie", M_ZIEMSKI, "teryt"},
    {"2299", "powiat_ziemski", "pomorskie", M_ZIEMSKI, "teryt"},
    {"2260", "miasto_na_prawach_powiatu", "pomorskie", M_MIASTO, "teryt"},
    {"2201", "miasto_na_prawach_powiatu", "pomorskie", M_MIASTO, "teryt"},
    {"2200", "miasto_na_prawach_powiatu", "pomorskie", M_MIASTO, "teryt"},
    {"2200011", "gmina_miejska", "pomorskie", M_NO_POWIAT, "teryt"},
    /* The gmina kind digit and number. */
    {"2479012", "gmina_miejska", "śląskie", M_KIND, "teryt"},
    {"2479013", "gmina_miejska", "śląskie", M_KIND, "teryt"},
    {"2201021", "gmina_wiejska", "pomorskie", M_KIND, "teryt"},
    {"2201020", "gmina_wiejska", "pomorskie", M_KIND, "teryt"},
    {"2605042", "gmina_miejsko_wiejska", "świętokrzyskie", M_KIND, "teryt"},
    {"2605044", "gmina_miejsko_wiejska", "świętokrzyskie", M_KIND, "teryt"},
    {"2201001", "gmina_miejska", "pomorskie", M_NO_GMINA, "teryt"},
    {"2201002", "gmina_wiejska", "pomorskie", M_NO_GMINA, "teryt"},
    /* Voivodeship prefixes. */
    {"01", "wojewodztwo", "pomorskie", M_PREFIX, "teryt"},
    {"34", "wojewodztwo", "pomorskie", M_PREFIX, "teryt"},
    {"00", "wojewodztwo", "pomorskie", M_PREFIX, "teryt"},
    {"0112", "powiat_ziemski", "pomorskie", M_PREFIX, "teryt"},
    {"3412", "powiat_ziemski", "pomorskie", M_PREFIX, "teryt"},
    {"3401011", "gmina_miejska", "pomorskie", M_PREFIX, "teryt"},
    {"9901011", "gmina_miejska", "pomorskie", M_PREFIX, "teryt"},
    {"22", "wojewodztwo", "śląskie", M_AGREE, "voivodeship"},
    {"2212", "powiat_ziemski", "śląskie", M_AGREE, "voivodeship"},
    {"2479011", "gmina_miejska", "pomorskie", M_AGREE, "voivodeship"},
    {"1465", "miasto_na_prawach_powiatu", "łódzkie", M_AGREE, "voivodeship"},
    /* Missing or forbidden parts. */
    {"22", "zwiazek_jst", "pomorskie", M_ZWIAZEK, "teryt"},
    {"2212", "zwiazek_jst", NULL, M_ZWIAZEK, "teryt"},
    {"", "zwiazek_jst", NULL, M_ZWIAZEK, "teryt"},
    {"2212", "powiat_ziemski", NULL, M_REQUIRED, "voivodeship"},
    {"22", "wojewodztwo", NULL, M_REQUIRED, "voivodeship"},
    {"2479011", "gmina_miejska", NULL, M_REQUIRED, "voivodeship"},
    {NULL, "gmina_miejska", "śląskie", M_REQUIRED, "teryt"},
    {NULL, "wojewodztwo", "pomorskie", M_REQUIRED, "teryt"},
    {NULL, "powiat_ziemski", "pomorskie", M_REQUIRED, "teryt"},
};

static void test_check(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *field = "unset";
        const char *why = teryt_check(cases[i].teryt, cases[i].type, cases[i].voivodeship, &field);
        int failed_before = check_failed;
        CHECK_STR(why, cases[i].why);
        if (cases[i].why)
            CHECK_STR(field, cases[i].field);
        if (check_failed != failed_before)
            fprintf(stderr, "    case %zu: teryt %s, type %s, voivodeship %s\n", i,
                    cases[i].teryt ? cases[i].teryt : "NULL", cases[i].type,
                    cases[i].voivodeship ? cases[i].voivodeship : "NULL");
    }
}

static void test_tables(void)
{
    static const char *const want_types[] = {"gmina_miejska",
                                             "gmina_wiejska",
                                             "gmina_miejsko_wiejska",
                                             "miasto_na_prawach_powiatu",
                                             "powiat_ziemski",
                                             "wojewodztwo",
                                             "zwiazek_jst"};
    size_t n = 0;
    while (unit_types[n])
        n++;
    CHECK_INT(n, 7);
    for (size_t i = 0; i < 7 && i < n; i++)
        CHECK_STR(unit_types[i], want_types[i]);

    n = 0;
    while (voivodeships[n])
        n++;
    CHECK_INT(n, 16);
    /* Every voivodeship has the code 2 * (TERYT order), and its wojewodztwo
     * code is valid for it and for no other voivodeship. */
    for (size_t i = 0; i < n; i++) {
        char want[3];
        snprintf(want, sizeof want, "%02zu", 2 * (i + 1));
        CHECK_STR(teryt_voivodeship_code(voivodeships[i]), want);
        const char *field;
        CHECK_STR(teryt_check(want, "wojewodztwo", voivodeships[i], &field), NULL);
        const char *other = voivodeships[(i + 1) % n];
        CHECK_STR(teryt_check(want, "wojewodztwo", other, &field), M_AGREE);
    }
    CHECK_STR(teryt_voivodeship_code("pomorskie"), "22");
    CHECK_STR(teryt_voivodeship_code("śląskie"), "24");
    CHECK_STR(teryt_voivodeship_code("dolnośląskie"), "02");
    CHECK_STR(teryt_voivodeship_code("zachodniopomorskie"), "32");
    CHECK_STR(teryt_voivodeship_code("Pomorskie"), NULL);
    CHECK_STR(teryt_voivodeship_code("slaskie"), NULL);
    CHECK_STR(teryt_voivodeship_code(""), NULL);
    CHECK_STR(teryt_voivodeship_code(NULL), NULL);
}

int main(void)
{
    json_set_alloc_funcs(xmalloc, free);
    test_check();
    test_tables();
    return check_report();
}
