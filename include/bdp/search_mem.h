/* Search in memory: one snapshot of practice_search (every practice's
 * filter and facet columns, and the postings of the lexemes that at least
 * min_docs practices have), loaded by a background thread and used only
 * while the data generation it was loaded at is current. It counts a
 * search's matches and facets in microseconds where PostgreSQL visits
 * every match (tens of ms for a common word); what it cannot answer (a
 * phrase, a lexeme it does not hold) goes to PostgreSQL as before.
 * docs/DESIGN.md, "Search in memory". */
#ifndef BDP_SEARCH_MEM_H
#define BDP_SEARCH_MEM_H

#include "bdp/buf.h"
#include "bdp/feed.h"
#include "bdp/search.h"

#include <stdbool.h>
#include <stdint.h>

#define SMEM_NULL_INT INT32_MIN

/* One practice, at its index in the snapshot (practice_id order). status,
 * voivodeship, unit_type and source are indexes in smem.values, teryt and
 * external_id offsets in smem.arena; 0 for NULL. */
struct smem_doc {
    int32_t id, unit_id;
    int32_t population; /* SMEM_NULL_INT: NULL */
    int32_t entered;    /* days since 1970-01-01 */
    int64_t updated;    /* µs since the epoch */
    uint32_t cats;      /* its first category in smem.doc_cats */
    uint32_t teryt, external_id;
    uint16_t status, voivodeship, unit_type, source;
    uint16_t ncats;
    int16_t year;
    bool indexed; /* it has a vector: without one it matches no query */
};

/* A lexeme's practices: a bitmap when many have it, else their indexes. */
struct smem_term {
    char *lexeme; /* NULL: a free slot */
    uint32_t n, cap;
    uint32_t *docs;
    uint64_t *bits;
};

struct smem_category {
    int32_t id;
    bool area; /* no parent */
    char *slug, *name;
};

/* A snapshot: immutable once loaded; shared by reference. */
struct smem {
    uint64_t gen; /* the data generation it was loaded at */
    int refs;     /* under the owner's lock */
    uint32_t ndocs, nterms, term_slots;
    struct smem_doc *docs;
    uint16_t *doc_cats; /* indexes in cats */
    uint32_t ndoc_cats, doc_cats_cap;
    uint32_t *values; /* arena offsets of the few distinct short values; [0] unused */
    uint32_t nvalues;
    struct smem_term *terms;    /* open addressing, term_slots of them (a power of 2) */
    struct smem_category *cats; /* in id order */
    uint32_t ncats;
    int16_t year_min, year_max;
    struct buf arena; /* strings; offset 0 is never one */
    size_t bytes;     /* what it holds, roughly */
};

/* Building a snapshot (search_mem_load.c and the unit tests). */
struct smem *smem_new(void);
void smem_free(struct smem *m);                      /* safe with NULL */
uint32_t smem_string(struct smem *m, const char *s); /* its offset; 0 for NULL */
uint16_t smem_value(struct smem *m, const char *s);  /* its index in values; 0 for NULL */
/* Adds a category (in increasing id order). */
void smem_add_category(struct smem *m, int32_t id, bool area, const char *slug, const char *name);
/* Adds practice d (in increasing id order; d->cats, d->ncats and d->year
 * are set here) with its category ids; false if one is not a category. */
bool smem_add_doc(struct smem *m, const struct smem_doc *d, const int32_t *cat_ids, int ncats);
/* Adds a lexeme to hold (before smem_add_posting): false if already held. */
bool smem_hold(struct smem *m, const char *lexeme, size_t len);
/* Notes that the doc at index i has lexeme, if the snapshot holds it. */
void smem_add_posting(struct smem *m, const char *lexeme, size_t len, uint32_t i);
/* Done adding: dense postings become bitmaps. */
void smem_seal(struct smem *m);
const struct smem_term *smem_term(const struct smem *m, const char *lexeme, size_t len);

/* The total and the facets of search s (its category resolved to
 * category_id, its query to tsquery, either may be NULL), as
 * search_store_counts appends them. false, with nothing appended, when the
 * snapshot cannot answer: a phrase, a weight or prefix, a lexeme it does
 * not hold, a category it does not know. */
bool smem_counts(const struct smem *m, const struct search *s, const char *category_id,
                 const char *tsquery, bool areas_only, long long *total, struct buf *facets);

/* The loader: a thread that keeps a snapshot of the current data
 * generation, reloading when it moves (at most a tenth of the time). */
struct search_mem;
/* new; NULL when min_docs is 0 (off). conninfo is copied. */
struct search_mem *search_mem_start(const char *conninfo, struct feed *feed, long long min_docs);
void search_mem_stop(struct search_mem *x); /* safe with NULL */
/* The snapshot loaded at generation gen (a reference: smem_put it), or
 * NULL. Safe with a NULL x. */
struct smem *search_mem_get(struct search_mem *x, uint64_t gen);
void search_mem_put(struct search_mem *x, struct smem *m);

#endif
