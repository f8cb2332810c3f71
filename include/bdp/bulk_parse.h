/* Bulk upload bodies (NDJSON, a JSON array, CSV, the GUS TERC register)
 * split into records as a stream: fed in chunks of any size, it hands each
 * record to a callback and holds one record in memory (and, for TERC, the
 * names of the powiaty). Pure. */
#ifndef BDP_BULK_PARSE_H
#define BDP_BULK_PARSE_H

#include "bdp/jsonv.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum bulk_format {
    BULK_NDJSON,      /* one JSON object a line; blank lines skipped */
    BULK_JSON_ARRAY,  /* [ {...}, {...} ] */
    BULK_CSV,         /* RFC 4180 with a header naming columns of the table;
                         ';'-separated when the header is (Excel in Polish) */
    BULK_TERC,        /* the TERC register: ';'-separated, records are units */
    BULK_CSV_OR_TERC, /* BULK_TERC when the header is TERC's, else BULK_CSV */
    BULK__MAX
};

/* How a CSV column becomes a JSON value. An empty field leaves its key out
 * of the record, except for the lists, where it is []. */
enum bulk_column_type {
    BULK_COL_STRING,  /* the text as it is */
    BULK_COL_INT,     /* integer */
    BULK_COL_BOOL,    /* true/false/1/0, any case */
    BULK_COL_DATE,    /* the text, checked later as a date */
    BULK_COL_STRINGS, /* items split on '|', spaces around them trimmed */
    BULK_COL_INTS,    /* integers split on '|' */
    BULK_COL__MAX
};

struct bulk_column {
    const char *name; /* NULL ends a table */
    enum bulk_column_type type;
};

/* Fills out (max entries, NULL-ended) with the fields of spec that a CSV
 * column can hold: not objects, not server-computed. Returns how many were
 * written before the terminator, so callers can add columns of their own
 * (unit_teryt, category_slugs) after them. */
size_t bulk_columns_from_spec(const struct jv_spec *spec, struct bulk_column *out, size_t max);

/* One record. rec: a new JSON object, which the callee takes; or NULL when
 * the record could not be read: why (borrowed, for the call only) says what
 * is wrong with field (a column name, or NULL for the whole record). line:
 * the 1-based line of the body where the record starts (NDJSON, CSV, TERC)
 * or its position in the JSON array, from 1. Returns false to stop. */
typedef bool (*bulk_record_fn)(void *ctx, json_t *rec, long line, const char *field,
                               const char *why);

/* A record larger than this is reported and skipped; with NDJSON and CSV
 * the parser goes on at the next line, in a JSON array at the next element. */
#define BULK_MAX_RECORD ((size_t)16 << 20)

struct bulk_parser;

/* New parser. columns (borrowed, must outlive the parser): the table the CSV
 * header is checked against and values are converted by; NULL for formats
 * other than CSV (an empty table: every column is unknown). */
struct bulk_parser *bulk_parser_new(enum bulk_format format, const struct bulk_column *columns,
                                    bulk_record_fn fn, void *ctx);
/* Lowers the record limit (tests; default BULK_MAX_RECORD). */
void bulk_parser_set_max_record(struct bulk_parser *p, size_t max);

/* Parses data[0..len), cut anywhere. false once the callback stopped the
 * parse or the body as a whole cannot be read (bulk_parser_error says why);
 * every later call then returns false too. */
bool bulk_parser_feed(struct bulk_parser *p, const char *data, size_t len)
    __attribute__((warn_unused_result));
/* The body has ended: hands over the last record. false as for feed, also
 * when the body is cut short (an array not closed, a quote not closed). */
bool bulk_parser_end(struct bulk_parser *p) __attribute__((warn_unused_result));

/* Why the body as a whole cannot be read (a sentence), or NULL. Borrowed. */
const char *bulk_parser_error(const struct bulk_parser *p);
/* The format in use: for BULK_CSV_OR_TERC, BULK_CSV or BULK_TERC once the
 * header has been read. */
enum bulk_format bulk_parser_format(const struct bulk_parser *p);
/* Bytes of memory the parser holds now (it stays near the largest record). */
size_t bulk_parser_held(const struct bulk_parser *p);
void bulk_parser_free(struct bulk_parser *p); /* NULL is fine */

#endif
