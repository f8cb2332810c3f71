/* The parameters of GET /v1/practices: each checked and named in its 400. */
#include "bdp/search.h"

#include "bdp/cursor.h"
#include "bdp/jsonv.h"
#include "bdp/practice_json.h"
#include "bdp/teryt.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char *const search_sort_names[SORT__MAX + 1] = {
    [SORT_RELEVANCE] = "relevance",      [SORT_ENTERED_DESC] = "-entered_on",
    [SORT_ENTERED_ASC] = "entered_on",   [SORT_TITLE] = "title",
    [SORT_UPDATED_DESC] = "-updated_at", [SORT__MAX] = NULL,
};

const char *const search_facet_names[FACET__MAX + 1] = {
    [FACET_CATEGORY] = "category",
    [FACET_VOIVODESHIP] = "voivodeship",
    [FACET_UNIT_TYPE] = "unit_type",
    [FACET_YEAR] = "year",
    [FACET__MAX] = NULL,
};

const char *const search_params[] = {"q",
                                     "category",
                                     "voivodeship",
                                     "unit_type",
                                     "unit_id",
                                     "teryt",
                                     "population_min",
                                     "population_max",
                                     "entered_from",
                                     "entered_to",
                                     "updated_since",
                                     "status",
                                     "source",
                                     "external_id",
                                     "sort",
                                     "facets",
                                     "limit",
                                     "cursor",
                                     NULL};

/* The letter of each sort's cursors: a cursor of one sort is refused by
 * another, whose key has another form. */
static const char cursor_kind[SORT__MAX] = {
    [SORT_RELEVANCE] = 'r', [SORT_ENTERED_DESC] = 'd', [SORT_ENTERED_ASC] = 'a',
    [SORT_TITLE] = 't',     [SORT_UPDATED_DESC] = 'u',
};

static bool bad(struct problem *pb, const char *name, const char *why)
{
    problem_kind_field(pb, ERR_BAD_REQUEST, name, "%s", why);
    return false;
}

static bool all_digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static bool one_of(const char *s, const char *const *options)
{
    for (size_t i = 0; options[i]; i++)
        if (strcmp(s, options[i]) == 0)
            return true;
    return false;
}

/* "2024-05-01T12:00:00Z", with optional fraction and a Z or ±hh:mm offset
 * (as PostgreSQL takes them: at most 15:59). */
static bool timestamp_valid(const char *s)
{
    char date[11];
    if (strlen(s) < 20 || s[10] != 'T')
        return false;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!jsonv_date_valid(date))
        return false;
    const char *t = s + 11;
    if (!(isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) && t[2] == ':' &&
          isdigit((unsigned char)t[3]) && isdigit((unsigned char)t[4]) && t[5] == ':' &&
          isdigit((unsigned char)t[6]) && isdigit((unsigned char)t[7])))
        return false;
    if ((t[0] - '0') * 10 + (t[1] - '0') > 23 || (t[3] - '0') * 10 + (t[4] - '0') > 59 ||
        (t[6] - '0') * 10 + (t[7] - '0') > 59)
        return false;
    t += 8;
    if (*t == '.') {
        const char *f = ++t;
        while (isdigit((unsigned char)*t))
            t++;
        if (t == f || t - f > 6)
            return false;
    }
    if (*t == 'Z' || *t == 'z')
        return t[1] == '\0';
    return (*t == '+' || *t == '-') && isdigit((unsigned char)t[1]) &&
           isdigit((unsigned char)t[2]) && t[3] == ':' && isdigit((unsigned char)t[4]) &&
           isdigit((unsigned char)t[5]) && t[6] == '\0' && (t[1] - '0') * 10 + (t[2] - '0') <= 15 &&
           (t[4] - '0') * 10 + (t[5] - '0') <= 59;
}

/* A category is named by its id or its slug. */
static bool category_valid(const char *s)
{
    if (all_digits(s, 1, 9))
        return s[0] != '0';
    size_t n = strlen(s);
    if (n == 0 || n > 200)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
            return false;
    return true;
}

static bool facets_parse(struct search *s, const char *list, struct problem *pb)
{
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        int found = -1;
        for (int f = 0; f < FACET__MAX; f++)
            if (strlen(search_facet_names[f]) == n && strncmp(p, search_facet_names[f], n) == 0)
                found = f;
        if (found < 0)
            return bad(pb, "facets", "is a comma list of category, voivodeship, unit_type, year");
        s->facets |= 1u << found;
        if (!comma)
            return true;
        p = comma + 1;
    }
}

/* The cursor's key must have the form its sort's column gives. */
static bool cursor_key_valid(enum search_sort sort, const char *key)
{
    switch (sort) {
    case SORT_RELEVANCE: {
        char *end;
        if (!*key)
            return false;
        strtod(key, &end);
        return *end == '\0' && strlen(key) < 40;
    }
    case SORT_ENTERED_DESC:
    case SORT_ENTERED_ASC: return jsonv_date_valid(key);
    case SORT_UPDATED_DESC: return timestamp_valid(key);
    case SORT_TITLE: return strlen(key) <= 4000;
    case SORT__MAX: break;
    }
    return false;
}

static bool cursor_parse(struct search *s, const char *cursor, struct problem *pb)
{
    if (!cursor_decode_key(cursor, cursor_kind[s->sort], &s->after_key, &s->after_id) ||
        !cursor_key_valid(s->sort, buf_cstr(&s->after_key)))
        return bad(pb, "cursor", "is not a cursor of this list and sort");
    s->after = true;
    return true;
}

static bool filters_parse(struct search *s, const struct query *q, struct problem *pb)
{
    const char *v;
    long long lo = 0, hi = 0;
    if ((v = query_get(q, "category")) && !category_valid(v))
        return bad(pb, "category", "is a category id or slug");
    s->category = v;
    if ((v = query_get(q, "voivodeship")) && !one_of(v, voivodeships))
        return bad(pb, "voivodeship", "is not one of the 16 voivodeships (e.g. pomorskie)");
    s->voivodeship = v;
    if ((v = query_get(q, "unit_type")) && !one_of(v, unit_types))
        return bad(pb, "unit_type", "is not a unit type");
    s->unit_type = v;
    if ((v = query_get(q, "teryt")) && !all_digits(v, 1, 7))
        return bad(pb, "teryt", "is a prefix of a TERYT code: 1 to 7 digits");
    s->teryt = v;
    if (!query_int(q, "unit_id", 1, 2147483647, 0, &lo, pb) ||
        !query_int(q, "population_min", 0, 2147483647, 0, &lo, pb) ||
        !query_int(q, "population_max", 0, 2147483647, 0, &hi, pb))
        return false;
    s->unit_id = query_get(q, "unit_id");
    s->population_min = query_get(q, "population_min");
    s->population_max = query_get(q, "population_max");
    if (s->population_min && s->population_max && lo > hi)
        return bad(pb, "population_min", "is larger than population_max");
    s->entered_from = query_get(q, "entered_from");
    s->entered_to = query_get(q, "entered_to");
    if (s->entered_from && !jsonv_date_valid(s->entered_from))
        return bad(pb, "entered_from", "is a date: YYYY-MM-DD");
    if (s->entered_to && !jsonv_date_valid(s->entered_to))
        return bad(pb, "entered_to", "is a date: YYYY-MM-DD");
    if ((v = query_get(q, "updated_since")) && !timestamp_valid(v))
        return bad(pb, "updated_since", "is an RFC 3339 timestamp, e.g. 2024-05-01T00:00:00Z");
    s->updated_since = v;
    if (!query_enum(q, "status", practice_statuses, &s->status, pb))
        return false;
    s->source = query_get(q, "source");
    s->external_id = query_get(q, "external_id");
    return true;
}

bool search_parse(struct search *s, const struct query *q, struct problem *pb)
{
    long long limit;
    const char *v;
    s->after_key = (struct buf)BUF_INIT;
    if ((v = query_get(q, "q")) && jsonv_chars(v) > SEARCH_Q_MAX_CHARS)
        return bad(pb, "q", "is longer than 1000 characters");
    s->q = v && !jsonv_blank(v) ? v : NULL;
    if (!filters_parse(s, q, pb))
        return false;
    s->sort = s->q ? SORT_RELEVANCE : SORT_ENTERED_DESC;
    if ((v = query_get(q, "sort"))) {
        int i = 0;
        while (search_sort_names[i] && strcmp(search_sort_names[i], v) != 0)
            i++;
        if (!search_sort_names[i])
            return bad(pb, "sort",
                       "is one of relevance, -entered_on, entered_on, title, "
                       "-updated_at");
        if (i == SORT_RELEVANCE && !s->q)
            return bad(pb, "sort", "is relevance only with a query (q)");
        s->sort = (enum search_sort)i;
    }
    if ((v = query_get(q, "facets")) && !facets_parse(s, v, pb))
        return false;
    if (!query_int(q, "limit", 1, 200, 20, &limit, pb))
        return false;
    s->limit = (int)limit;
    if ((v = query_get(q, "cursor")) && !cursor_parse(s, v, pb))
        return false;
    return true;
}

void search_cleanup(struct search *s)
{
    buf_free(&s->after_key);
}

void search_cursor(const struct search *s, const char *key, long long id, struct buf *out)
{
    cursor_encode_key(out, cursor_kind[s->sort], key, id);
}
