/* TERYT rules: length by type, powiat ranges, the gmina kind digit, and the
 * voivodeship prefix. */
#include "bdp/teryt.h"

#include <string.h>

const char *const unit_types[] = {
    "gmina_miejska",  "gmina_wiejska", "gmina_miejsko_wiejska", "miasto_na_prawach_powiatu",
    "powiat_ziemski", "wojewodztwo",   "zwiazek_jst",           NULL};

/* In TERYT order: code = 2 * (index + 1). */
const char *const voivodeships[] = {"dolnośląskie",
                                    "kujawsko-pomorskie",
                                    "lubelskie",
                                    "lubuskie",
                                    "łódzkie",
                                    "małopolskie",
                                    "mazowieckie",
                                    "opolskie",
                                    "podkarpackie",
                                    "podlaskie",
                                    "pomorskie",
                                    "śląskie",
                                    "świętokrzyskie",
                                    "warmińsko-mazurskie",
                                    "wielkopolskie",
                                    "zachodniopomorskie",
                                    NULL};

static const char *const codes[] = {"02", "04", "06", "08", "10", "12", "14", "16",
                                    "18", "20", "22", "24", "26", "28", "30", "32"};

const char *teryt_voivodeship_code(const char *voivodeship)
{
    for (int i = 0; voivodeship && voivodeships[i]; i++)
        if (strcmp(voivodeships[i], voivodeship) == 0)
            return codes[i];
    return NULL;
}

static bool digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool known_code(const char *t)
{
    for (int i = 0; i < 16; i++)
        if (strncmp(codes[i], t, 2) == 0)
            return true;
    return false;
}

const char *teryt_check(const char *teryt, const char *type, const char *voivodeship,
                        const char **field)
{
    *field = "teryt";
    if (strcmp(type, "zwiazek_jst") == 0)
        return teryt ? "must be null for a zwiazek_jst, which has no TERYT code" : NULL;
    if (!voivodeship) {
        *field = "voivodeship";
        return "is required for this unit type";
    }
    if (!teryt)
        return "is required for this unit type";
    size_t len =
        strcmp(type, "wojewodztwo") == 0                                                        ? 2
        : strcmp(type, "powiat_ziemski") == 0 || strcmp(type, "miasto_na_prawach_powiatu") == 0 ? 4
                                                                                                : 7;
    if (!digits(teryt, len)) {
        return len == 2   ? "must be 2 digits for a wojewodztwo"
               : len == 4 ? "must be 4 digits for a powiat or miasto na prawach powiatu"
                          : "must be 7 digits for a gmina";
    }
    if (!known_code(teryt))
        return "does not start with a voivodeship code (02, 04, ... 32)";
    if (len >= 4) {
        int powiat = (teryt[2] - '0') * 10 + (teryt[3] - '0');
        if (len == 4 && strcmp(type, "powiat_ziemski") == 0 && (powiat < 1 || powiat > 60))
            return "must have a powiat number 01-60 for a powiat_ziemski";
        if (len == 4 && strcmp(type, "miasto_na_prawach_powiatu") == 0 && powiat < 61)
            return "must have a powiat number 61-99 for a miasto_na_prawach_powiatu";
        if (powiat == 0)
            return "has no powiat number";
    }
    if (len == 7) {
        char kind = strcmp(type, "gmina_miejska") == 0   ? '1'
                    : strcmp(type, "gmina_wiejska") == 0 ? '2'
                                                         : '3';
        if (teryt[6] != kind)
            return "must end in 1 for gmina_miejska, 2 for gmina_wiejska, 3 for "
                   "gmina_miejsko_wiejska";
        if (teryt[4] == '0' && teryt[5] == '0')
            return "has no gmina number";
    }
    const char *code = teryt_voivodeship_code(voivodeship);
    if (code && strncmp(code, teryt, 2) != 0) {
        *field = "voivodeship";
        return "does not agree with the first two digits of teryt";
    }
    return NULL;
}
