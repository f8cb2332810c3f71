/* Search in memory: one snapshot of practice_search (every practice's
 * filter and facet columns, and the postings of the lexemes that at least
 * min_docs practices have) and of search_word (the words a highlight
 * marks), loaded by a background thread and used only
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
 * voivodeship, unit_type and source are indexes in smem.values; teryt,
 * external_id, title and updated_text offsets in smem.arena; 0 for NULL. */
struct smem_doc {
    int32_t id, unit_id;
    int32_t population; /* SMEM_NULL_INT: NULL */
    int32_t entered;    /* days since 1970-01-01 */
    int64_t updated;    /* µs since the epoch */
    uint32_t cats;      /* its first category in smem.doc_cats */
    uint32_t teryt, external_id, title, updated_text;
    uint32_t title_at, title_n; /* its title's entries in smem.title_lex and title_pos */
    uint16_t status, voivodeship, unit_type, source;
    uint16_t ncats;
    int16_t year;
    bool indexed;   /* it has a vector: without one it matches no query */
    char teryt7[7]; /* teryt's first 7 bytes, NUL-padded: what a prefix filter reads */
};

/* What the facets count of a practice, apart from the rest (a pass over
 * 80,000 matches reads only these). year: from smem.year_min. */
struct smem_facets {
    uint32_t cats;
    uint16_t ncats, voivodeship, unit_type, year;
};

/* A lexeme's practices: a bitmap when many have it, else their indexes. */
struct smem_term {
    char *lexeme; /* NULL: a free slot */
    uint32_t id;  /* in the order added */
    uint32_t n, cap;
    uint32_t *docs;
    uint64_t *bits;
    /* Held lexemes: each posting's positions (WordEntryPos & 0x3fff), as
     * unsigned LEB128 numbers: their count, the first, then the gaps. skip:
     * where every SMEM_SKIP-th posting starts; rank: for a bitmap, the
     * postings before each 64 docs. nopos: a posting without positions. */
    uint8_t *pos;
    uint32_t pos_len, pos_cap;
    uint32_t *skip, *rank;
    bool nopos;
};
#define SMEM_SKIP 8
#define SMEM_MAXPOS 256 /* positions of a lexeme in a tsvector, at most */

struct smem_category {
    int32_t id;
    bool area; /* no parent */
    char *slug, *name;
};

/* A lexeme of search_word: its words are vocab_words[first..first+n). */
struct smem_vocab {
    uint32_t lexeme; /* in the arena */
    uint32_t first, n;
};

/* A lexeme table: open addressing, slots a power of 2. */
struct smem_terms {
    struct smem_term *slots;
    uint32_t nslots, n;
};

/* A snapshot: immutable once loaded; shared by reference. */
struct smem {
    uint64_t gen; /* the data generation it was loaded at */
    int refs;     /* under the owner's lock */
    uint32_t ndocs;
    struct smem_doc *docs;
    struct smem_facets *facets;               /* a doc's, at its index */
    uint64_t *published, *indexed, *untitled; /* a bit a doc: status published; it has a
                                                  vector; its title has no lexeme */
    uint16_t *doc_cats;                       /* indexes in cats */
    uint32_t ndoc_cats, doc_cats_cap;
    uint32_t *values; /* arena offsets of the few distinct short values; [0] unused */
    uint32_t nvalues;
    struct smem_terms terms;    /* held lexemes, with their postings */
    struct smem_category *cats; /* in id order */
    uint32_t ncats;
    int16_t year_min, year_max;
    /* The titles' lexemes with their postings, and each title's entries,
     * one a position, grouped by lexeme as in its tsvector. */
    struct smem_terms title_terms;
    uint32_t *title_lex; /* a title_terms id */
    uint16_t *title_pos; /* PostgreSQL's WordEntryPos: weight << 14 | position */
    uint32_t ntitle, title_cap;
    /* The sorts' orders as doc indexes: newest entered first (reversed,
     * oldest first), by title, last updated first; a doc's place in
     * by_title. */
    uint32_t *by_entered, *by_title, *by_updated, *title_rank;
    /* search_word turned around: its lexemes in byte order, each with the
     * words that have it (arena offsets), which a hit's highlight marks. */
    struct smem_vocab *vocab;
    uint32_t nvocab, vocab_cap;
    uint32_t *vocab_words;
    uint32_t nvocab_words, vocab_words_cap;
    struct buf arena; /* strings; offset 0 is never one */
    size_t bytes;     /* what it holds, roughly */
};

/* Building a snapshot (search_mem_load.c and the unit tests). */
struct smem *smem_new(void);
void smem_free(struct smem *m);                      /* safe with NULL */
uint32_t smem_string(struct smem *m, const char *s); /* its offset; 0 for NULL */
uint16_t smem_value(struct smem *m, const char *s); /* its index in values, added if new; 0: NULL */
/* Its index in values, UINT16_MAX when none is s; 0 for NULL. */
uint16_t smem_find_value(const struct smem *m, const char *s);
/* The proleptic Gregorian date of a day counted from 1970-01-01 (Howard
 * Hinnant's civil_from_days). */
void smem_date(int32_t days, int *year, int *month, int *day);
/* Adds a category (in increasing id order). */
void smem_add_category(struct smem *m, int32_t id, bool area, const char *slug, const char *name);
/* Adds practice d (in increasing id order; d->cats, d->ncats, d->year and
 * its title entries are set here) with its category ids; false if one is
 * not a category. */
bool smem_add_doc(struct smem *m, const struct smem_doc *d, const int32_t *cat_ids, int ncats);
/* Adds an entry of doc's title: a lexeme with its positions
 * (WordEntryPos), in the tsvector's order; docs in index order, each
 * title's entries together. */
void smem_add_title(struct smem *m, uint32_t doc, const char *lexeme, size_t len,
                    const uint16_t *pos, int npos);
/* Adds a lexeme to hold (before smem_add_posting): false if already held. */
bool smem_hold(struct smem *m, const char *lexeme, size_t len);
/* Notes that the doc at index i has lexeme at pos (npos of them, at most
 * SMEM_MAXPOS), if the snapshot holds it. */
void smem_add_posting(struct smem *m, const char *lexeme, size_t len, uint32_t i,
                      const uint16_t *pos, int npos);
/* The positions of held term t in doc i (into out, SMEM_MAXPOS at most),
 * in order; 0 when it is not there. */
int smem_positions(const struct smem_term *t, uint32_t i, uint16_t *out);
/* The order by title as doc ids (PostgreSQL's collation decides it):
 * false if it does not name every doc once. */
bool smem_set_title_order(struct smem *m, const int32_t *ids, uint32_t n);
/* Adds a lexeme of search_word, in increasing byte order (false if not
 * after the last one), then each of its words. */
bool smem_add_vocab(struct smem *m, const char *lexeme);
void smem_add_vocab_word(struct smem *m, const char *word, size_t len);
/* The words of search_word that have one of lexemes (n of them), each
 * once, as a JSON array appended to out (search_marked_vocabulary's
 * answer); false, with nothing appended, when more than max do. */
bool smem_marked_words(const struct smem *m, const char *const *lexemes, size_t n, size_t max,
                       struct buf *out);
/* Done adding: dense postings become bitmaps; the other sorts' orders. */
void smem_seal(struct smem *m);
const struct smem_term *smem_term(const struct smem *m, const char *lexeme, size_t len);
const struct smem_term *smem_title_term(const struct smem *m, const char *lexeme, size_t len);
uint32_t smem_doc_index(const struct smem *m, int32_t id); /* UINT32_MAX: none */
/* The index of the first doc whose id is id or more (ndocs: none). */
uint32_t smem_doc_at_or_after(const struct smem *m, long long id);
int smem_category_index(const struct smem *m, int32_t id); /* -1: none */
/* A lexeme table of the caller's (the loader's sample): the entry of
 * lexeme, added if new. */
void smem_terms_init(struct smem_terms *t);
struct smem_term *smem_terms_add(struct smem_terms *t, const char *lexeme, size_t len);
void smem_terms_free(struct smem_terms *t);

/* A tsquery as a tree (search_mem_query.c). */
enum smem_qkind { SMEM_Q_VAL, SMEM_Q_NOT, SMEM_Q_AND, SMEM_Q_OR, SMEM_Q_PHRASE };
struct smem_qnode {
    enum smem_qkind kind;
    int a, b;                     /* children */
    int dist;                     /* SMEM_Q_PHRASE: b this many words after a */
    char *lexeme;                 /* SMEM_Q_VAL */
    uint32_t item;                /* its place in items */
    const struct smem_term *term; /* NULL: not held */
    int depth;                    /* levels of its subtree: 1 for a lexeme */
};
struct smem_query {
    struct smem_qnode *nodes;
    int n, cap, root;
    char **items; /* the lexemes, each once, in byte order (borrowed from nodes) */
    size_t nitems;
    uint32_t *item_title;                /* each item's title term id, UINT32_MAX: in no title */
    const struct smem_term **item_tterm; /* its title term (NULL: none), with postings */
    bool top_and;                        /* & or a phrase at the top: ts_rank's "and" form */
    /* The postings of the items the snapshot does not hold, as fetched
     * (smem_query_fetched): doc indexes; NULL: not (yet). */
    uint32_t **fetched;
    uint32_t *nfetched;
};
/* false when the snapshot cannot evaluate it: a phrase, a weight or
 * prefix, no lexeme, not a tsquery's text. */
bool smem_query_parse(const struct smem *m, const char *tsquery, struct smem_query *q);
void smem_query_free(struct smem_query *q);
/* Whether a text with none of its lexemes matches (as "!a" does). */
bool smem_query_matches_nothing(const struct smem *m, const struct smem_query *q);
/* The lexemes whose postings the snapshot lacks (borrowed): the caller
 * fetches them (search_store_postings) and hands each in. */
size_t smem_query_unheld(const struct smem_query *q, const char **lexemes, size_t max);
/* The practices (ids, any order; ids not in m are left out) that have the
 * unheld lexeme. */
void smem_query_fetched(struct smem_query *q, const struct smem *m, const char *lexeme,
                        const int32_t *ids, size_t n);
/* The practices that match (new; a bit a doc), NULL unless every lexeme is
 * held or fetched. */
uint64_t *smem_query_matches(const struct smem *m, const struct smem_query *q);
struct smem_rank_scratch {
    size_t n;
    uint32_t *start, *end;
    bool *present;
};
/* search_store.c's RANK for doc: (title_vector @@ q)::int +
 * ts_rank(title_vector, q), as real. */
float smem_query_rank(const struct smem *m, const struct smem_query *q, uint32_t doc,
                      struct smem_rank_scratch *s);
void smem_rank_scratch_free(struct smem_rank_scratch *s);

/* The total and the facets of search s (its category resolved to
 * category_id, its query parsed into q, either may be NULL), as
 * search_store_counts appends them; and when found is not NULL, the
 * page's rows in s's order after its cursor, limit + 1 of them, as a JSON
 * array of [key, id] with the key as the page's SQL prints it (what
 * search_store_page takes). false, with nothing appended, when the
 * snapshot cannot answer: a phrase, a weight or prefix, a lexeme it does
 * not hold, a category it does not know. found stays empty when only the
 * page cannot be answered (a title cursor whose row changed). */
bool smem_search(const struct smem *m, const struct search *s, const char *category_id,
                 const struct smem_query *q, bool areas_only, long long *total, struct buf *facets,
                 struct buf *found);

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
