/* SQL for search: a struct search becomes one query over practice_search
 * (migrations/0004), planned with its values. */
#ifndef BDP_SEARCH_STORE_H
#define BDP_SEARCH_STORE_H

#include "bdp/db.h"
#include "bdp/search.h"

#include <stdint.h>

/* What a search needs from the database before it runs: the category's
 * id and the query as a tsquery (search_query), so that the statements
 * that follow are planned with them as values. */
struct search_resolved {
    const char *category_id; /* NULL or id */
    const char *tsquery;     /* NULL or the tsquery's text */
    double rows;             /* with tsquery: practice_search's rows, as its statistics say */
    char id[16];
    struct buf tsq;
    struct buf lexemes; /* with tsquery: the lexemes a hit's highlight marks, a JSON array */
    struct buf words;   /* the words that have them, a JSON array: search_store_marked_words
                           or the snapshot in memory fills it for a page */
};

/* search_marked_vocabulary's LIMIT: the most words a highlight marks. */
#define SEARCH_MARKED_MAX 10000

/* Fills r for s: false + 400 naming "category" if it names none. r must be
 * search_resolved_cleanup'ed. */
bool search_store_resolve(struct db_conn *c, const struct search *s, struct search_resolved *r,
                          struct problem *pb) __attribute__((warn_unused_result));
void search_resolved_cleanup(struct search_resolved *r);
/* Fills r->words from search_word. */
bool search_store_marked_words(struct db_conn *c, struct search_resolved *r, struct problem *pb)
    __attribute__((warn_unused_result));

/* One page: items, a JSON array of the documents (each with "highlight"
 * when s->q is set), and next_cursor when more rows follow. total, the
 * number of matches search_store_counts found, chooses the plan, not the
 * rows; found, when search_store_counts filled it, holds the page's rows. */
bool search_store_page(struct db_conn *c, const struct search *s, const struct search_resolved *res,
                       long long total, const struct buf *found, struct buf *items,
                       struct buf *next_cursor, struct problem *pb)
    __attribute__((warn_unused_result));

/* The number of matches and, for each facet in s->facets, its values with
 * their counts over every match: appends "voivodeship":[{"value":..,
 * "count":..}, ...] and so on, comma-separated, to facets. areas_only counts category areas only
 * (the statistics). found (NULL: not wanted) gets the page's rows, a JSON
 * array of [key, id], when the same pass finds them cheaper than the page
 * would alone (a phrase); else it is left empty. */
bool search_store_counts(struct db_conn *c, const struct search *s,
                         const struct search_resolved *res, bool areas_only, long long *total,
                         struct buf *facets, struct buf *found, struct problem *pb)
    __attribute__((warn_unused_result));

/* The practices that have each of lexemes (n of them), handed to each as
 * ids: what the snapshot in memory does not hold. */
bool search_store_postings(struct db_conn *c, const char *const *lexemes, size_t n,
                           void (*each)(void *ctx, const char *lexeme, const int32_t *ids,
                                        size_t nids),
                           void *ctx, struct problem *pb) __attribute__((warn_unused_result));

/* Every match in order, one row at a time: NDJSON hands row one field,
 * the document; CSV hands search_csv_columns' fields. row returns false
 * to stop. */
enum search_export { EXPORT_NDJSON, EXPORT_CSV };
extern const char *const search_csv_columns[]; /* NULL-ended */
bool search_store_export(struct db_conn *c, const struct search *s,
                         const struct search_resolved *res, enum search_export format,
                         bool (*row)(void *ctx, const char *const *fields, int n), void *ctx,
                         struct problem *pb) __attribute__((warn_unused_result));

#endif
