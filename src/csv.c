/* The RFC 4180 state machine: bytes to records of unquoted fields, with the
 * line each record starts on and a byte limit a record. */
#include "bdp/csv.h"

#include "bdp/buf.h"

#include <stdlib.h>
#include <string.h>

enum state {
    S_FIELD,    /* at the start of a field */
    S_UNQUOTED, /* inside a field that did not start with a quote */
    S_QUOTED,   /* inside quotes */
    S_QUOTE,    /* a quote inside quotes: "" or the closing one */
    S_SKIP,     /* a record over the limit: dropped up to the next line */
};

struct csv {
    char sep;
    size_t max_fields, max;
    csv_row_fn fn;
    void *ctx;
    bool stopped;
    enum state st;
    bool cr;           /* a '\r' outside quotes waits for its '\n' */
    bool quoted;       /* the field being read started with a quote */
    bool first_quoted; /* the record's first field did */
    long bad_quote;
    struct buf rec; /* the fields of the record, each followed by a NUL */
    size_t field_start;
    size_t n;      /* fields so far */
    size_t *start; /* max_fields */
    size_t *len;   /* max_fields */
    char **ptr;    /* max_fields */
    long line;     /* line of the next byte, from 1 */
    long rec_line; /* where the record being read starts */
};

struct csv *csv_new(char sep, size_t max_fields, size_t max_bytes, csv_row_fn fn, void *ctx)
{
    struct csv *c = xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->sep = sep;
    c->max_fields = max_fields;
    c->max = max_bytes;
    c->fn = fn;
    c->ctx = ctx;
    c->st = S_FIELD;
    c->bad_quote = -1;
    c->start = xmalloc(max_fields * sizeof *c->start);
    c->len = xmalloc(max_fields * sizeof *c->len);
    c->ptr = xmalloc(max_fields * sizeof *c->ptr);
    c->line = c->rec_line = 1;
    return c;
}

void csv_set_sep(struct csv *c, char sep)
{
    c->sep = sep;
}

void csv_set_max_bytes(struct csv *c, size_t max_bytes)
{
    c->max = max_bytes;
}

size_t csv_held(const struct csv *c)
{
    return sizeof *c + c->rec.cap +
           c->max_fields * (sizeof *c->start + sizeof *c->len + sizeof *c->ptr);
}

void csv_free(struct csv *c)
{
    if (!c)
        return;
    buf_free(&c->rec);
    free(c->start);
    free(c->len);
    free(c->ptr);
    free(c);
}

static bool emit(struct csv *c, bool too_long)
{
    size_t kept = too_long ? 0 : c->n < c->max_fields ? c->n : c->max_fields;
    for (size_t i = 0; i < kept; i++)
        c->ptr[i] = c->rec.p + c->start[i];
    struct csv_row row = {c->rec_line, too_long ? 0 : c->n, kept,    c->ptr,
                          c->len,      c->bad_quote,        too_long};
    if (!c->fn(c->ctx, &row))
        c->stopped = true;
    return !c->stopped;
}

/* Adds s to the field being read; past the limit the record is reported
 * and the rest of it dropped up to the next line. */
static bool push(struct csv *c, const char *s, size_t n)
{
    if (c->rec.len + n <= c->max) {
        buf_append(&c->rec, s, n);
        return true;
    }
    c->st = S_SKIP;
    buf_reset(&c->rec);
    return emit(c, true);
}

static void end_field(struct csv *c)
{
    if (c->n < c->max_fields) {
        c->start[c->n] = c->field_start;
        c->len[c->n] = c->rec.len - c->field_start;
    }
    if (c->n == 0)
        c->first_quoted = c->quoted;
    c->n++;
    buf_append(&c->rec, "", 1);
    c->field_start = c->rec.len;
    c->quoted = false;
    c->st = S_FIELD;
}

static void next_record(struct csv *c)
{
    buf_reset(&c->rec);
    c->n = c->field_start = 0;
    c->quoted = false;
    c->bad_quote = -1;
    c->st = S_FIELD;
    c->rec_line = ++c->line;
}

/* Ends the record; an empty line (one empty unquoted field) is no record. */
static bool end_record(struct csv *c)
{
    end_field(c);
    bool blank = c->n == 1 && c->rec.len == 1 && !c->first_quoted;
    bool ok = blank || emit(c, false);
    next_record(c);
    return ok;
}

/* A '\r' not followed by '\n' is text. */
static bool literal_cr(struct csv *c)
{
    if (c->st == S_QUOTE)
        c->bad_quote = (long)c->n;
    c->st = S_UNQUOTED;
    return push(c, "\r", 1);
}

static bool step(struct csv *c, char ch)
{
    switch (c->st) {
    case S_FIELD:
        if (ch == '"') {
            c->st = S_QUOTED;
            c->quoted = true;
            return true;
        }
        /* fall through */
    case S_UNQUOTED:
        if (ch == c->sep)
            end_field(c);
        else if (ch == '\r')
            c->cr = true;
        else if (ch == '\n')
            return end_record(c);
        else {
            c->st = S_UNQUOTED;
            return push(c, &ch, 1);
        }
        return true;
    case S_QUOTED:
        if (ch == '"') {
            c->st = S_QUOTE;
            return true;
        }
        if (ch == '\n')
            c->line++;
        return push(c, &ch, 1);
    case S_QUOTE:
        if (ch == '"') {
            c->st = S_QUOTED;
            return push(c, &ch, 1);
        }
        if (ch == c->sep)
            end_field(c);
        else if (ch == '\r')
            c->cr = true;
        else if (ch == '\n')
            return end_record(c);
        else {
            c->bad_quote = (long)c->n;
            c->st = S_UNQUOTED;
            return push(c, &ch, 1);
        }
        return true;
    case S_SKIP: break;
    }
    return true;
}

bool csv_feed(struct csv *c, const char *data, size_t len)
{
    size_t i = 0;
    while (i < len && !c->stopped) {
        if (c->cr) {
            c->cr = false;
            if (data[i] != '\n' && !literal_cr(c))
                return false;
        }
        if (c->st == S_SKIP) {
            const char *nl = memchr(data + i, '\n', len - i);
            if (!nl)
                return true;
            i = (size_t)(nl - data) + 1;
            next_record(c);
            continue;
        }
        /* A run of plain bytes is taken at once. */
        size_t n = 0;
        if (c->st == S_UNQUOTED)
            while (i + n < len && data[i + n] != c->sep && data[i + n] != '\r' &&
                   data[i + n] != '\n')
                n++;
        else if (c->st == S_QUOTED)
            while (i + n < len && data[i + n] != '"' && data[i + n] != '\n')
                n++;
        if (n) {
            if (!push(c, data + i, n))
                return false;
            i += n;
            continue;
        }
        if (!step(c, data[i++]))
            return false;
    }
    return !c->stopped;
}

bool csv_end(struct csv *c, long *open_line)
{
    *open_line = 0;
    if (c->stopped)
        return false;
    if (c->st == S_QUOTED) {
        *open_line = c->rec_line;
        return false;
    }
    /* A last line of "\r" alone would be an empty line: no record. */
    if (c->st != S_SKIP && (c->st != S_FIELD || c->n > 0))
        return end_record(c);
    return true;
}
