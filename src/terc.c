/* The GUS TERC register: header detection and rows to unit records, with
 * the powiat names that later gmina rows need. */
#include "bdp/terc.h"

#include "bdp/buf.h"
#include "bdp/teryt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const terc_columns[TERC__MAX] = {
    [TERC_WOJ] = "WOJ",         [TERC_POW] = "POW",     [TERC_GMI] = "GMI",
    [TERC_RODZ] = "RODZ",       [TERC_NAZWA] = "NAZWA", [TERC_NAZWA_DOD] = "NAZWA_DOD",
    [TERC_STAN_NA] = "STAN_NA",
};

#define NAME_MAX_CHARS 200
#define CODES 10000 /* WOJ * 100 + POW */

struct terc {
    char **powiat; /* CODES entries, each owned or NULL; allocated at the first powiat */
};

/* Reads the ';'-separated name at *s into out, unquoting "..." and trimming
 * spaces; false if it does not fit or a quote is not closed. */
static bool read_name(const char **s, char *out, size_t outlen)
{
    const char *p = *s;
    size_t n = 0;
    while (*p == ' ')
        p++;
    if (*p == '"') {
        for (p++;; p++) {
            if (*p == '\0')
                return false;
            if (*p == '"' && *++p != '"')
                break;
            if (n + 1 >= outlen)
                return false;
            out[n++] = *p;
        }
    } else {
        for (; *p && *p != ';' && *p != '\r' && *p != '\n'; p++) {
            if (n + 1 >= outlen)
                return false;
            out[n++] = *p;
        }
        while (n && out[n - 1] == ' ')
            n--;
    }
    while (*p == ' ')
        p++;
    out[n] = '\0';
    *s = p;
    return true;
}

bool terc_is_header(const char *line)
{
    char name[16];
    if (strncmp(line, "\xEF\xBB\xBF", 3) == 0)
        line += 3;
    for (int i = 0; i < TERC__MAX; i++) {
        if (!read_name(&line, name, sizeof name) || strcmp(name, terc_columns[i]) != 0)
            return false;
        if (i < TERC__MAX - 1 && *line++ != ';')
            return false;
    }
    return line[strspn(line, "\r\n")] == '\0';
}

struct terc *terc_new(void)
{
    struct terc *t = xmalloc(sizeof *t);
    t->powiat = NULL;
    return t;
}

void terc_free(struct terc *t)
{
    if (!t)
        return;
    for (int i = 0; t->powiat && i < CODES; i++)
        free(t->powiat[i]);
    free(t->powiat);
    free(t);
}

static enum terc_result bad(const char **field, enum terc_column col, char *why, size_t whylen,
                            const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static enum terc_result bad(const char **field, enum terc_column col, char *why, size_t whylen,
                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    *field = terc_columns[col];
    return TERC_BAD;
}

/* Start and length of s without the spaces around it. */
static const char *trim(const char *s, size_t *len)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *len = n;
    return s;
}

/* Copies s (trimmed) into out when it is empty or exactly n digits. */
static bool code(const char *s, size_t n, char *out)
{
    size_t len;
    s = trim(s, &len);
    if (len != 0 && len != n)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

/* Lowercases the letters of U+0000-U+017F (ASCII, Latin-1, Latin
 * Extended-A: all the Polish ones); other characters are copied. New. */
static char *lowercase(const char *s, size_t len)
{
    char *out = xmalloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z') {
            out[o++] = (char)(c + 32);
            continue;
        }
        if (c < 0xC3 || c > 0xC5 || i + 1 >= len) {
            out[o++] = (char)c;
            continue;
        }
        unsigned cp = ((c & 0x1Fu) << 6) | ((unsigned char)s[++i] & 0x3Fu);
        if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
            cp += 0x20;
        else if ((cp >= 0x100 && cp <= 0x137 && cp % 2 == 0) ||
                 (cp >= 0x139 && cp <= 0x148 && cp % 2 == 1) ||
                 (cp >= 0x14A && cp <= 0x177 && cp % 2 == 0) ||
                 (cp >= 0x179 && cp <= 0x17E && cp % 2 == 1))
            cp += 1;
        else if (cp == 0x178)
            cp = 0xFF;
        out[o++] = (char)(0xC0 | (cp >> 6));
        out[o++] = (char)(0x80 | (cp & 0x3F));
    }
    out[o] = '\0';
    return out;
}

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* The unit type of a gmina row by its RODZ digit; NULL for the rows that
 * are no unit, "" for digits TERC does not use. */
static const char *gmina_type(char rodz)
{
    switch (rodz) {
    case '1': return "gmina_miejska";
    case '2': return "gmina_wiejska";
    case '3': return "gmina_miejsko_wiejska";
    case '4': /* the town of an urban-rural gmina */
    case '5': /* its rural area */
    case '8': /* a district of Warsaw */
    case '9': /* a delegation of Kraków, Łódź, Poznań, Wrocław */ return NULL;
    default: return "";
    }
}

static const char *powiat_type(const char *dod)
{
    size_t len;
    dod = trim(dod, &len);
    if (len == 6 && strncmp(dod, "powiat", 6) == 0)
        return "powiat_ziemski";
    if ((len == 25 && strncmp(dod, "miasto na prawach powiatu", 25) == 0) ||
        (len == strlen("miasto stołeczne, na prawach powiatu") &&
         strncmp(dod, "miasto stołeczne, na prawach powiatu", len) == 0))
        return "miasto_na_prawach_powiatu";
    return NULL;
}

enum terc_result terc_convert(struct terc *t, const char *const row[TERC__MAX], json_t **unit,
                              const char **field, char *why, size_t whylen)
{
    char woj[3], pow[3], gmi[3], rodz[2];
    *unit = NULL;
    *field = NULL;
    if (!code(row[TERC_WOJ], 2, woj) || !woj[0])
        return bad(field, TERC_WOJ, why, whylen, "is not 2 digits");
    if (!code(row[TERC_POW], 2, pow))
        return bad(field, TERC_POW, why, whylen, "is neither empty nor 2 digits");
    if (!code(row[TERC_GMI], 2, gmi))
        return bad(field, TERC_GMI, why, whylen, "is neither empty nor 2 digits");
    if (!code(row[TERC_RODZ], 1, rodz))
        return bad(field, TERC_RODZ, why, whylen, "is neither empty nor 1 digit");
    int w = atoi(woj);
    if (w < 2 || w > 32 || w % 2)
        return bad(field, TERC_WOJ, why, whylen, "is not a voivodeship code (02, 04, ... 32)");
    if (gmi[0] && !pow[0])
        return bad(field, TERC_POW, why, whylen, "is empty on a row with GMI");
    if (rodz[0] && !gmi[0])
        return bad(field, TERC_RODZ, why, whylen, "is set on a row without GMI");

    const char *type = "wojewodztwo";
    if (gmi[0]) {
        if (!rodz[0])
            return bad(field, TERC_RODZ, why, whylen, "is empty on a row with GMI");
        type = gmina_type(rodz[0]);
        if (!type)
            return TERC_SKIP;
        if (!*type)
            return bad(field, TERC_RODZ, why, whylen, "is not a kind of gmina (1-5, 8 or 9)");
    } else if (pow[0]) {
        type = powiat_type(row[TERC_NAZWA_DOD]);
        if (!type)
            return bad(field, TERC_NAZWA_DOD, why, whylen,
                       "is not \"powiat\" or \"miasto na prawach powiatu\"");
    }

    size_t len;
    const char *name = trim(row[TERC_NAZWA], &len);
    if (len == 0)
        return bad(field, TERC_NAZWA, why, whylen, "is empty");
    if (utf8_chars(name, len) > NAME_MAX_CHARS)
        return bad(field, TERC_NAZWA, why, whylen, "is longer than %d characters", NAME_MAX_CHARS);

    char teryt[8], parent[5];
    snprintf(teryt, sizeof teryt, "%s%s%s%s", woj, pow, gmi, rodz);
    snprintf(parent, sizeof parent, "%s%s", woj, gmi[0] ? pow : "");
    int powiat = w * 100 + (pow[0] ? atoi(pow) : 0);
    json_t *u = json_object();
    json_object_set_new(u, "type", json_string(type));
    json_object_set_new(u, "teryt", json_string(teryt));
    if (!pow[0]) {
        char *lower = lowercase(name, len);
        json_object_set_new(u, "name", json_string(lower));
        free(lower);
    } else {
        json_object_set_new(u, "name", json_stringn(name, len));
    }
    json_object_set_new(u, "voivodeship", json_string(voivodeships[w / 2 - 1]));
    if (pow[0] && !gmi[0]) {
        if (!t->powiat) {
            t->powiat = xmalloc(CODES * sizeof *t->powiat);
            memset(t->powiat, 0, CODES * sizeof *t->powiat);
        }
        free(t->powiat[powiat]);
        t->powiat[powiat] = xstrndup(name, len);
    }
    if (pow[0] && t->powiat && t->powiat[powiat])
        json_object_set_new(u, "county", json_string(t->powiat[powiat]));
    if (pow[0])
        json_object_set_new(u, "parent_teryt", json_string(parent));
    *unit = u;
    return TERC_UNIT;
}
