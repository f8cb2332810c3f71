/* Pages of the old BDP site to bulk records: the page is split into lines
 * with NBSPs made plain spaces, cut at its landmarks (visitor counter, tab
 * bar, "Metryka praktyki"), and the metryka is read through one label table. */
#include "bdp/legacy.h"

#include "bdp/buf.h"
#include "bdp/teryt.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PAGE_BYTES (16 << 20)
#define NONE ((size_t)-1)

struct line {
    char *text;    /* owned; runs of spaces, tabs and NBSPs as one space, trimmed */
    bool indented; /* began with a blank: a continuation line in the metryka */
};

enum field {
    F_ENTERED,
    F_REVISED,
    F_TYPE,
    F_LOCALITY,
    F_COUNTY,
    F_VOIVODESHIP,
    F_POSTAL,
    F_NAME,
    F_STREET,
    F_PHONES,
    F_FAX,
    F_WEBSITES,
    F_EMAIL,
    F_POPULATION,
    F_CONTACTS,
    F__MAX
};

/* The metryka's labels, compared without ASCII case; the first spelling is
 * the site's own and names the field in messages. */
static const char *const labels[F__MAX][4] = {
    [F_ENTERED] = {"Data wprowadzenia do BDP", "Data wprowadzenia"},
    [F_REVISED] = {"Data aktualizacji"},
    [F_TYPE] = {"Typ jednostki"},
    [F_LOCALITY] = {"Miejscowość"},
    [F_COUNTY] = {"Powiat"},
    [F_VOIVODESHIP] = {"Województwo"},
    [F_POSTAL] = {"Kod pocztowy i Poczta", "Kod pocztowy"},
    [F_NAME] = {"Jednostka wdrażająca"},
    [F_STREET] = {"Ulica"},
    [F_PHONES] = {"Telefon", "Telefony", "Tel."},
    [F_FAX] = {"Fax", "Faks"},
    [F_WEBSITES] = {"Wirtyna internetowa", "Witryna internetowa", "Strona internetowa"},
    [F_EMAIL] = {"Adres e@mail", "Adres e-mail", "Adres email", "E-mail"},
    [F_POPULATION] = {"Liczba mieszkańców"},
    [F_CONTACTS] = {"Osoby kontaktowe", "Osoba kontaktowa", "Osoba do kontaktu"},
};

/* "Typ jednostki" as the site writes it (lowercased) -> unit type. */
static const struct {
    const char *text;
    const char *type;
} unit_type_names[] = {
    {"gmina miejska", "gmina_miejska"},
    {"gmina wiejska", "gmina_wiejska"},
    {"gmina miejsko-wiejska", "gmina_miejsko_wiejska"},
    {"miasto na prawach powiatu", "miasto_na_prawach_powiatu"},
    {"powiat ziemski", "powiat_ziemski"},
    {"powiat", "powiat_ziemski"},
    {"województwo", "wojewodztwo"},
    {"samorząd województwa", "wojewodztwo"},
};

/* First words of a job or an office: such a line is a role, not a person. */
static const char *const role_stems[] = {
    "Dyrektor",     "Zastęp",    "Kierowni",    "Naczelni",   "Specjalist",  "Inspektor",
    "Podinspektor", "Referent",  "Sekretarz",   "Skarbnik",   "Burmistrz",   "Wójt",
    "Prezydent",    "Starost",   "Wicestarost", "Pełnomocni", "Koordynator", "Główn",
    "Starsz",       "Wydział",   "Referat",     "Biuro",      "Dział",       "Urząd",
    "Ośrodek",      "Starostwo", "Zespół",      "Centrum",    "Prezes",      "Przewodnicząc",
    "Radn",         "Pracowni",  "Asystent",    "Doradc",     NULL};

static const char upper_pl[] = "ĄĆĘŁŃÓŚŹŻ", lower_pl[] = "ąćęłńóśźż";

struct ctx {
    json_t *v[F__MAX]; /* owned: a field's string, integer or array */
    json_t *contact;   /* borrowed from v[F_CONTACTS]: where continuations go */
    char *err;
    size_t errlen;
};

/* Offset of the first byte that is not UTF-8 (or is NUL) in p[0..n), or n. */
static size_t utf8_bad(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        size_t k = c == 0               ? 0
                   : c < 0x80           ? 1
                   : (c & 0xE0) == 0xC0 ? 2
                   : (c & 0xF0) == 0xE0 ? 3
                   : (c & 0xF8) == 0xF0 ? 4
                                        : 0;
        if (k == 0 || n - i < k || c == 0xC0 || c == 0xC1 || c > 0xF4)
            return i;
        for (size_t j = 1; j < k; j++)
            if ((p[i + j] & 0xC0) != 0x80)
                return i;
        if ((c == 0xE0 && p[i + 1] < 0xA0) || (c == 0xED && p[i + 1] > 0x9F) ||
            (c == 0xF0 && p[i + 1] < 0x90) || (c == 0xF4 && p[i + 1] > 0x8F))
            return i;
        i += k;
    }
    return n;
}

/* Bytes of the blank at p (before end): ASCII space and controls, NBSP,
 * U+2000..U+200A, U+202F; 0 for anything else. */
static size_t blank_len(const unsigned char *p, const unsigned char *end)
{
    if (*p <= ' ')
        return 1;
    if (end - p >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
        return 2;
    if (end - p >= 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] <= 0x8A || p[2] == 0xAF))
        return 3;
    return 0;
}

/* The cleaned text of p[0..n) (new) and whether it began with a blank. */
static char *clean(const char *s, size_t n, bool *indented)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    char *out = xmalloc(n + 1);
    size_t len = 0;
    bool gap = false;
    *indented = n > 0 && blank_len(p, end) > 0;
    while (p < end) {
        size_t b = blank_len(p, end);
        if (b) {
            gap = len > 0;
            p += b;
            continue;
        }
        if (gap)
            out[len++] = ' ';
        gap = false;
        out[len++] = (char)*p++;
    }
    out[len] = '\0';
    return out;
}

/* s with ASCII and Polish capitals made small (new). */
static char *lower(const char *s)
{
    char *out = xstrdup(s);
    for (char *p = out; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
        for (size_t k = 0; k + 1 < sizeof upper_pl && p[1]; k += 2)
            if (p[0] == upper_pl[k] && p[1] == upper_pl[k + 1]) {
                p[1] = lower_pl[k + 1];
                p++;
                break;
            }
    }
    return out;
}

static bool is_upper_initial(const char *p)
{
    if (*p >= 'A' && *p <= 'Z')
        return true;
    for (size_t k = 0; k + 1 < sizeof upper_pl; k += 2)
        if (p[0] == upper_pl[k] && p[1] == upper_pl[k + 1])
            return true;
    return false;
}

/* A value the site used for "nothing": treated as missing, never stored. */
static bool is_none(const char *s)
{
    return !*s || strcmp(s, "-") == 0 || strcmp(s, "—") == 0 || strcasecmp(s, "brak") == 0 ||
           strcasecmp(s, "b.d.") == 0 || strcasecmp(s, "brak danych") == 0;
}

/* After one of words at the start of s (any case, ended by a non-letter)
 * and the spaces, dots and colons that follow it; NULL if none is there. */
static const char *after_word(const char *s, const char *const *words)
{
    for (; *words; words++) {
        size_t n = strlen(*words);
        if (strncasecmp(s, *words, n) != 0)
            continue;
        unsigned char next = (unsigned char)s[n];
        if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || next >= 0x80)
            continue;
        s += n;
        s += strspn(s, " .:");
        return s;
    }
    return NULL;
}

/* Appends the items of s split at any of seps, trimmed, empties skipped. */
static void add_items(json_t **arr, const char *s, const char *seps)
{
    if (!*arr)
        *arr = json_array();
    while (*s) {
        s += strspn(s, seps);
        s += strspn(s, " ");
        size_t n = strcspn(s, seps);
        while (n && s[n - 1] == ' ')
            n--;
        char *item = xstrndup(s, n);
        if (!is_none(item))
            json_array_append_new(*arr, json_string(item));
        free(item);
        s += strcspn(s, seps);
    }
}

static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "2012-06-04" (a time after a space is dropped) or "4.06.2012" into out
 * as YYYY-MM-DD; false for anything else or a day the calendar lacks. */
static bool parse_date(const char *s, char out[16])
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    size_t dl = strspn(s, "0123456789"), ml = s[dl] == '.' ? strspn(s + dl + 1, "0123456789") : 0;
    if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-' && (s[10] == '\0' || s[10] == ' ')) {
        y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    } else if (dl >= 1 && dl <= 2 && s[dl] == '.' && ml >= 1 && ml <= 2 && s[dl + 1 + ml] == '.' &&
               strlen(s + dl + ml + 2) == 4) {
        d = digits(s, dl), m = digits(s + dl + 1, ml), y = digits(s + dl + ml + 2, 4);
    } else {
        return false;
    }
    bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
        (m == 2 && d == 29 && !leap))
        return false;
    snprintf(out, 16, "%04u-%02u-%02u", (unsigned)y % 10000, (unsigned)m % 100, (unsigned)d % 100);
    return true;
}

/* "92.045", "92 045" or "92045": dots and spaces group thousands. */
static bool parse_count(const char *s, json_int_t *out)
{
    json_int_t v = 0;
    int group = 0;
    bool grouped = false;
    for (const char *p = s;; p++) {
        if (*p >= '0' && *p <= '9') {
            v = v * 10 + (*p - '0');
            group++;
            if (v > 1000000000)
                return false;
        } else if (*p == '.' || *p == ' ' || *p == '\0') {
            if (group == 0 || (grouped && group != 3) || (!grouped && *p && group > 3))
                return false;
            if (!*p)
                break;
            grouped = true;
            group = 0;
        } else {
            return false;
        }
    }
    *out = v;
    return true;
}

/* The unit type of a "Typ jednostki" value, or NULL. */
static const char *unit_type(const char *s)
{
    char *low = lower(s), *w = low;
    const char *type = NULL;
    /* "miejsko - wiejska" as "miejsko-wiejska" */
    for (const char *r = low; *r; r++)
        if (!(*r == ' ' && (r[1] == '-' || (w > low && w[-1] == '-'))))
            *w++ = *r;
    *w = '\0';
    for (size_t i = 0; i < sizeof unit_type_names / sizeof unit_type_names[0] && !type; i++)
        if (strcmp(low, unit_type_names[i].text) == 0)
            type = unit_type_names[i].type;
    for (size_t i = 0; unit_types[i] && !type; i++)
        if (strcmp(low, unit_types[i]) == 0)
            type = unit_types[i];
    if (!type && strncmp(low, "związek", strlen("związek")) == 0)
        type = "zwiazek_jst";
    free(low);
    return type;
}

/* Two to four capitalised words without digits or punctuation, after
 * optional academic titles, not starting with a job or an office. */
static bool looks_like_name(const char *s)
{
    static const char *const titles[] = {"dr", "mgr", "inż", "prof", "hab", "lek", NULL};
    const char *t;
    while ((t = after_word(s, titles)))
        s = t;
    for (const char *const *r = role_stems; *r; r++)
        if (strncmp(s, *r, strlen(*r)) == 0)
            return false;
    int words = 0;
    for (const char *p = s; *p; words++) {
        size_t n = strcspn(p, " ");
        if (!is_upper_initial(p) || strcspn(p, "0123456789@.,:;()/\"") < n)
            return false;
        p += n;
        p += strspn(p, " ");
    }
    return words >= 2 && words <= 4;
}

/* old (a string or NULL), sep and s as a new string. */
static json_t *joined(const json_t *old, const char *sep, const char *s)
{
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s%s%s", old ? json_string_value(old) : "", old ? sep : "", s);
    json_t *j = json_string(buf_cstr(&b));
    buf_free(&b);
    return j;
}

static json_t *array_at(json_t *obj, const char *key)
{
    json_t *a = json_object_get(obj, key);
    if (!a) {
        a = json_array();
        json_object_set_new(obj, key, a);
    }
    return a;
}

/* One line of "Osoby kontaktowe": the label starts a new contact, its value
 * or first plain line is the name; lines add phones ("tel."), the email
 * ("e@mail:"), a bare number or address, or the role; a person's name after
 * a phone or an email starts the next contact. */
static void contact_line(struct ctx *c, const char *s, bool label)
{
    static const char *const phone_words[] = {"tel. kom", "telefon", "tel", "kom", NULL};
    static const char *const email_words[] = {"e@mail", "e-mail", "email", "mail", NULL};
    static const char *const fax_words[] = {"fax", "faks", NULL};
    const char *rest;
    if (!c->v[F_CONTACTS])
        c->v[F_CONTACTS] = json_array();
    if (label || !c->contact) {
        c->contact = json_object();
        json_array_append_new(c->v[F_CONTACTS], c->contact);
    }
    if (is_none(s))
        return;
    json_t *cur = c->contact, *phones = json_object_get(cur, "phones");
    bool reached = json_object_get(cur, "email") || (phones && json_array_size(phones));
    size_t digits_in = 0;
    for (const char *p = s; *p; p++)
        digits_in += *p >= '0' && *p <= '9';
    if ((rest = after_word(s, phone_words))) {
        json_t *a = array_at(cur, "phones");
        add_items(&a, rest, ",;");
    } else if ((rest = after_word(s, email_words))) {
        if (!json_object_get(cur, "email") && !is_none(rest))
            json_object_set_new(cur, "email", json_string(rest));
    } else if (after_word(s, fax_words)) {
        /* A contact has no fax in the record. */
    } else if (strchr(s, '@') && !strchr(s, ' ')) {
        if (!json_object_get(cur, "email"))
            json_object_set_new(cur, "email", json_string(s));
    } else if (digits_in >= 6 && strspn(s, "0123456789 +-()/,;") == strlen(s)) {
        json_t *a = array_at(cur, "phones");
        add_items(&a, s, ",;");
    } else if (!json_object_get(cur, "name")) {
        json_object_set_new(cur, "name", json_string(s));
    } else if (reached && looks_like_name(s)) {
        c->contact = json_object();
        json_array_append_new(c->v[F_CONTACTS], c->contact);
        json_object_set_new(c->contact, "name", json_string(s));
    } else {
        json_object_set_new(cur, "role", joined(json_object_get(cur, "role"), ", ", s));
    }
}

/* Stores one value of field f: the label's own (first) or a continuation. */
static bool apply(struct ctx *c, enum field f, const char *s, bool first)
{
    json_t **v = &c->v[f];
    char date[16];
    json_int_t n;
    if (f == F_CONTACTS) {
        contact_line(c, s, first);
        return true;
    }
    if (f == F_PHONES || f == F_WEBSITES) {
        add_items(v, s, f == F_PHONES ? ",;" : ",; ");
        return true;
    }
    if (is_none(s))
        return true;
    if (*v) {
        /* A wrapped name or street goes on; other fields keep one value. */
        if (!first && (f == F_NAME || f == F_STREET)) {
            json_t *j = joined(*v, " ", s);
            json_decref(*v);
            *v = j;
        }
        return true;
    }
    switch (f) {
    case F_ENTERED:
    case F_REVISED:
        if (!parse_date(s, date))
            goto bad;
        *v = json_string(date);
        return true;
    case F_TYPE:
        if (!unit_type(s))
            goto bad;
        *v = json_string(unit_type(s));
        return true;
    case F_VOIVODESHIP: {
        char *low = lower(s);
        *v = json_string(low);
        free(low);
        return true;
    }
    case F_POPULATION:
        if (!parse_count(s, &n))
            goto bad;
        *v = json_integer(n);
        return true;
    default: *v = json_string(s); return true;
    }
bad:
    snprintf(c->err, c->errlen, "\"%s\": cannot read \"%s\"", labels[f][0], s);
    return false;
}

/* The field of a "Label: value" line (*value after the colon), F__MAX for a
 * label we do not know, -1 for a line that is no label (a continuation). */
static int label_of(const char *s, const char **value)
{
    const char *colon = strchr(s, ':');
    if (!colon || colon == s || strncmp(colon + 1, "//", 2) == 0)
        return -1;
    size_t n = (size_t)(colon - s);
    while (n && s[n - 1] == ' ')
        n--;
    *value = colon + 1 + strspn(colon + 1, " ");
    for (int f = 0; f < F__MAX; f++)
        for (int k = 0; k < 4 && labels[f][k]; k++)
            if (strlen(labels[f][k]) == n && strncasecmp(s, labels[f][k], n) == 0)
                return f;
    /* Contact details written without indent are continuations. */
    if (strcspn(s, "@0123456789") < n || n > 40)
        return -1;
    static const char *const words[] = {"tel", "e-mail", "email", "mail", "fax", "faks", NULL};
    return after_word(s, words) ? -1 : F__MAX;
}

static bool is_tab_bar(const char *s)
{
    return strstr(s, "Skrót i Metryka") != NULL;
}

static bool is_category(const struct line *l)
{
    return strstr(l->text, " : ") || l->indented;
}

/* Sets key to a borrowed value unless it is missing or an empty array. */
static void put(json_t *obj, const char *key, json_t *v)
{
    if (v && !(json_is_array(v) && json_array_size(v) == 0))
        json_object_set(obj, key, v);
}

/* Moves obj into parent at key, or drops it when empty. */
static void put_obj(json_t *parent, const char *key, json_t *obj)
{
    if (json_object_size(obj) || json_array_size(obj))
        json_object_set(parent, key, obj);
    json_decref(obj);
}

/* unit, implementer and contacts of the record, in the bulk format's order. */
static void put_metryka(json_t *rec, json_t *const v[F__MAX])
{
    const char *type = json_string_value(v[F_TYPE]);
    json_t *unit = json_object(), *impl = json_object(), *contacts = json_array();
    json_t *name = v[F_LOCALITY], *code = NULL, *office = NULL;
    if (type && strcmp(type, "powiat_ziemski") == 0)
        name = v[F_COUNTY];
    else if (type && strcmp(type, "wojewodztwo") == 0)
        name = v[F_VOIVODESHIP];
    else if (type && strcmp(type, "zwiazek_jst") == 0)
        name = v[F_NAME];
    put(unit, "type", v[F_TYPE]);
    put(unit, "name", name);
    put(unit, "county", v[F_COUNTY]);
    put(unit, "voivodeship", v[F_VOIVODESHIP]);
    put(unit, "population", v[F_POPULATION]);
    put_obj(rec, "unit", unit);

    const char *postal = json_string_value(v[F_POSTAL]);
    if (postal) {
        /* "76-200 Słupsk": the code, then the post office. */
        bool has_code = strlen(postal) >= 6 && digits(postal, 2) >= 0 && postal[2] == '-' &&
                        digits(postal + 3, 3) >= 0 &&
                        (postal[6] == '\0' || postal[6] == ' ' || postal[6] == ',');
        const char *rest = has_code ? postal + 6 + strspn(postal + 6, " ,") : postal;
        code = has_code ? json_stringn(postal, 6) : NULL;
        office = *rest ? json_string(rest) : NULL;
    }
    put(impl, "name", v[F_NAME]);
    put(impl, "street", v[F_STREET]);
    put(impl, "postal_code", code);
    put(impl, "post_office", office);
    put(impl, "locality", v[F_LOCALITY]);
    put(impl, "phones", v[F_PHONES]);
    put(impl, "fax", v[F_FAX]);
    put(impl, "websites", v[F_WEBSITES]);
    put(impl, "email", v[F_EMAIL]);
    put_obj(rec, "implementer", impl);
    json_decref(code);
    json_decref(office);

    size_t i;
    json_t *c;
    json_array_foreach(v[F_CONTACTS], i, c)
    {
        json_t *o = json_object();
        put(o, "name", json_object_get(c, "name"));
        put(o, "role", json_object_get(c, "role"));
        put(o, "phones", json_object_get(c, "phones"));
        put(o, "email", json_object_get(c, "email"));
        if (json_object_size(o))
            json_array_append(contacts, o);
        json_decref(o);
    }
    put_obj(rec, "contacts", contacts);
}

/* Reads the metryka, lines[from..to), into c->v; false with c->err set on a
 * value that cannot be read. */
static bool read_metryka(struct ctx *c, const struct line *lines, size_t from, size_t to)
{
    int cur = -1; /* the field continuations belong to; -1: none */
    for (size_t j = from; j < to; j++) {
        const char *s = lines[j].text, *value = NULL;
        if (!*s) {
            /* A blank line ends a field: the footer's lines are no phones. */
            cur = -1;
            continue;
        }
        int f = lines[j].indented ? -1 : label_of(s, &value);
        if (f < 0) {
            if (cur >= 0 && !apply(c, (enum field)cur, s, false))
                return false;
            continue;
        }
        cur = f < F__MAX ? f : -1;
        if (cur >= 0 && !apply(c, (enum field)f, value, true))
            return false;
    }
    return true;
}

/* Finds the title (lines[*t0..*t1]) and the category line (*cat, or NONE)
 * above the tab bar at tab, or below the visitor counter when the tab bar
 * is missing; *body is where the summary starts. False: no title. */
static bool find_head(const struct line *l, size_t n, size_t metryka, size_t *cat, size_t *t0,
                      size_t *t1, size_t *body)
{
    size_t tab = NONE, head = 0, e;
    bool anchored = false;
    for (size_t j = 0; j < metryka && tab == NONE; j++)
        if (is_tab_bar(l[j].text))
            tab = j;
    for (size_t j = 0; j < (tab == NONE ? metryka : tab) && !anchored; j++)
        if (strstr(l[j].text, "odwiedziło nas")) {
            anchored = true;
            head = j + 1;
            while (head < n && !*l[head].text)
                head++;
            if (head < n && strncmp(l[head].text, "od ", 3) == 0)
                head++; /* "od 1 kwietnia 2008 r." */
        }
    *cat = NONE;
    if (tab == NONE) {
        /* Without the tab bar: the category, the title, then the summary. */
        size_t j = head;
        while (j < metryka && !*l[j].text)
            j++;
        if (!anchored || j >= metryka)
            return false;
        if (is_category(&l[j]) && j + 1 < metryka && *l[j + 1].text)
            *cat = j++;
        *t0 = *t1 = j;
        *body = j + 1;
        return true;
    }
    for (e = tab; e > head && !*l[e - 1].text; e--)
        ;
    if (e == head)
        return false;
    size_t s = --e;
    /* Below the counter every line is the page's head: a title may wrap.
     * Without it, the menu is near: take one line above at most. */
    while (s > head && *l[s - 1].text && (anchored || s == e))
        s--;
    if (s < e && is_category(&l[s])) {
        *cat = s++;
    } else if (!anchored) {
        s = e;
    }
    if (*cat == NONE && s == e) {
        size_t p = s;
        while (p > head && !*l[p - 1].text)
            p--;
        if (p > head && is_category(&l[p - 1]))
            *cat = p - 1;
    }
    *t0 = s;
    *t1 = e;
    *body = tab + 1;
    return true;
}

/* The paragraphs of lines[from..to), joined with a blank line (new; maybe ""). */
static char *summary(const struct line *l, size_t from, size_t to)
{
    struct buf b = BUF_INIT;
    bool gap = false;
    for (size_t j = from; j < to; j++) {
        if (!*l[j].text || is_tab_bar(l[j].text)) {
            gap = b.len > 0;
            continue;
        }
        if (b.len)
            buf_puts(&b, gap ? "\n\n" : " ");
        buf_puts(&b, l[j].text);
        gap = false;
    }
    char *s = xstrdup(buf_cstr(&b));
    buf_free(&b);
    return s;
}

json_t *legacy_convert(const char *text, size_t len, const char *external_id, char *err,
                       size_t errlen)
{
    json_t *rec = NULL;
    struct ctx c = {.err = err, .errlen = errlen};
    struct line *lines;
    size_t n = 0, bad = utf8_bad((const unsigned char *)text, len), most = 1;
    if (bad < len) {
        snprintf(err, errlen, "not UTF-8 text (byte %zu)", bad);
        return NULL;
    }
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        text += 3, len -= 3;
    for (size_t i = 0; i < len; i++)
        most += text[i] == '\n' || text[i] == '\r';
    lines = xmalloc(most * sizeof *lines);
    for (size_t i = 0; i < len;) {
        size_t k = i;
        while (k < len && text[k] != '\n' && text[k] != '\r')
            k++;
        lines[n].text = clean(text + i, k - i, &lines[n].indented);
        n++;
        i = k + (k + 1 < len && text[k] == '\r' && text[k + 1] == '\n' ? 2 : 1);
    }

    size_t metryka = NONE, end = n, cat, t0, t1, body;
    for (size_t j = 0; j < n && metryka == NONE; j++)
        if (strcasecmp(lines[j].text, "Metryka praktyki") == 0 ||
            strcasecmp(lines[j].text, "Metryka praktyki:") == 0)
            metryka = j;
    if (metryka == NONE) {
        snprintf(err, errlen, "not a practice page: no \"Metryka praktyki\"");
        goto out;
    }
    if (!find_head(lines, n, metryka, &cat, &t0, &t1, &body)) {
        snprintf(err, errlen, "not a practice page: no title");
        goto out;
    }
    for (size_t j = metryka + 1; j < n && end == n; j++)
        if (is_tab_bar(lines[j].text))
            end = j;
    if (!read_metryka(&c, lines, metryka + 1, end))
        goto out;

    rec = json_object();
    json_object_set_new(rec, "source", json_string("legacy"));
    json_object_set_new(rec, "external_id", json_string(external_id));
    char *s = summary(lines, t0, t1 + 1);
    json_object_set_new(rec, "title", json_string(s));
    free(s);
    json_object_set_new(rec, "status", json_string("published"));
    if (cat != NONE) {
        json_t *path = NULL;
        add_items(&path, lines[cat].text, ":");
        put_obj(rec, "category_path", path);
    }
    s = summary(lines, body, metryka);
    if (*s)
        json_object_set_new(rec, "summary", json_string(s));
    free(s);
    put(rec, "entered_on", c.v[F_ENTERED]);
    put(rec, "revised_on", c.v[F_REVISED]);
    put_metryka(rec, c.v);
out:
    for (int f = 0; f < F__MAX; f++)
        json_decref(c.v[f]);
    for (size_t j = 0; j < n; j++)
        free(lines[j].text);
    free(lines);
    return rec;
}

json_t *legacy_convert_file(const char *path, char *err, size_t errlen)
{
    struct buf text = BUF_INIT;
    json_t *rec = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s", strerror(errno));
        return NULL;
    }
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len <= MAX_PAGE_BYTES)
        buf_append(&text, chunk, got);
    if (ferror(f)) {
        snprintf(err, errlen, "%s", strerror(errno));
        goto out;
    }
    if (text.len > MAX_PAGE_BYTES) {
        snprintf(err, errlen, "larger than %d bytes", MAX_PAGE_BYTES);
        goto out;
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(base);
    if (n > 4 && strcasecmp(base + n - 4, ".txt") == 0)
        n -= 4;
    char *id = xstrndup(base, n);
    if (!*id || utf8_bad((const unsigned char *)id, n) < n)
        snprintf(err, errlen, "no external_id in the file name");
    else
        rec = legacy_convert(buf_cstr(&text), text.len, id, err, errlen);
    free(id);
out:
    fclose(f);
    buf_free(&text);
    return rec;
}

int legacy_run(int nfiles, char **files)
{
    bool failed = false, options = true;
    int named = 0;
    for (int i = 0; i < nfiles; i++) {
        if (options && strcmp(files[i], "--") == 0) {
            options = false;
        } else if (options && files[i][0] == '-' && files[i][1]) {
            fprintf(stderr, "bdp legacy: unknown option \"%s\"\n", files[i]);
            return 2;
        } else {
            named++;
        }
    }
    if (named == 0) {
        fputs("usage: bdp legacy FILE...\n", stderr);
        return 2;
    }
    options = true;
    for (int i = 0; i < nfiles; i++) {
        if (options && strcmp(files[i], "--") == 0) {
            options = false;
            continue;
        }
        char err[512];
        json_t *rec = legacy_convert_file(files[i], err, sizeof err);
        if (!rec) {
            fprintf(stderr, "bdp legacy: %s: %s\n", files[i], err);
            failed = true;
            continue;
        }
        char *line = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(rec);
        fputs(line, stdout);
        fputc('\n', stdout);
        free(line);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "bdp legacy: writing the records: %s\n", strerror(errno));
        return 1;
    }
    return failed ? 1 : 0;
}
