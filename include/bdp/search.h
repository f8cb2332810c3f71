/* The parameters of GET /v1/practices (search and list), checked into one
 * struct: every filter, the sort with its keyset cursor, the facets. Pure:
 * no HTTP, no SQL; search_store.c turns a struct search into a query. */
#ifndef BDP_SEARCH_H
#define BDP_SEARCH_H

#include "bdp/buf.h"
#include "bdp/error.h"
#include "bdp/query.h"

#include <stdbool.h>

#define SEARCH_Q_MAX_CHARS 1000

enum search_sort {
    SORT_RELEVANCE,
    SORT_ENTERED_DESC,
    SORT_ENTERED_ASC,
    SORT_TITLE,
    SORT_UPDATED_DESC,
    SORT__MAX
};

enum search_facet { FACET_CATEGORY, FACET_VOIVODESHIP, FACET_UNIT_TYPE, FACET_YEAR, FACET__MAX };

extern const char *const search_sort_names[SORT__MAX + 1];   /* as in ?sort=, NULL-ended */
extern const char *const search_facet_names[FACET__MAX + 1]; /* as in ?facets=, NULL-ended */
extern const char *const search_params[];                    /* every name GET accepts */

struct search {
    /* Filters, borrowed from the query; NULL = not filtered. */
    const char *q;        /* NULL when absent or blank */
    const char *category; /* an id or a slug */
    const char *voivodeship, *unit_type, *unit_id, *teryt;
    const char *population_min, *population_max;
    const char *entered_from, *entered_to, *updated_since;
    const char *status, *source, *external_id;
    bool with_private; /* the key may see drafts (set by the caller) */
    enum search_sort sort;
    unsigned facets; /* 1u << enum search_facet */
    int limit;
    /* The keyset cursor: the sort key and id of the last row seen. */
    bool after;
    struct buf after_key; /* owned */
    long long after_id;
};

/* Fills s from q (already parsed against search_params): false + pb 400
 * naming the parameter for any bad value, a blank q with sort=relevance,
 * or a cursor made for another sort. s must be search_cleanup'ed. */
bool search_parse(struct search *s, const struct query *q, struct problem *pb)
    __attribute__((warn_unused_result));
void search_cleanup(struct search *s); /* safe on a zeroed search */

/* The cursor after a row whose sort key (as text) and id are given. */
void search_cursor(const struct search *s, const char *key, long long id, struct buf *out);

#endif
