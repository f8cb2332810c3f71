/* RFC 4180 records read as a stream: fields optionally quoted with "", ""
 * inside quotes a quote, quoted commas and line breaks, records ending at
 * CRLF or LF. Fed in chunks of any size; holds one record. Pure. */
#ifndef BDP_CSV_H
#define BDP_CSV_H

#include <stdbool.h>
#include <stddef.h>

/* One record, borrowed for the callback only. */
struct csv_row {
    long line;          /* where the record starts, from 1 */
    size_t n;           /* fields in the record */
    size_t kept;        /* fields in field and len: at most the reader's max_fields */
    char *const *field; /* unquoted text, NUL-terminated; it may hold NULs too */
    const size_t *len;
    long bad_quote; /* a field with text after its closing quote (kept as
                       text), or -1 */
    bool too_long;  /* over the byte limit: no fields; the reader drops the
                       rest of the record up to the next line break */
};

/* Called for every record but empty lines; returns false to stop. */
typedef bool (*csv_row_fn)(void *ctx, const struct csv_row *row);

struct csv;

/* New reader. sep: the separator (',' or ';'); max_fields: how many fields
 * a record keeps (the others are counted); max_bytes: the largest record. */
struct csv *csv_new(char sep, size_t max_fields, size_t max_bytes, csv_row_fn fn, void *ctx);
/* Changes the separator, from the next record on (a callback may call it). */
void csv_set_sep(struct csv *c, char sep);
void csv_set_max_bytes(struct csv *c, size_t max_bytes);

/* false once the callback has stopped the reader. */
bool csv_feed(struct csv *c, const char *data, size_t len) __attribute__((warn_unused_result));
/* The input has ended: hands over the last record. false when the callback
 * stopped, or when the input ends inside quotes: *open_line is then the
 * line of that record (else 0). */
bool csv_end(struct csv *c, long *open_line) __attribute__((warn_unused_result));

size_t csv_held(const struct csv *c); /* bytes held for the record */
void csv_free(struct csv *c);         /* NULL is fine */

#endif
