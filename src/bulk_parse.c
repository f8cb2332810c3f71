/* Bulk bodies as a stream of records: NDJSON by lines, a JSON array by its
 * top-level elements, CSV and TERC by csv.c's rows and a column table. */
#include "bdp/bulk_parse.h"

#include "bdp/buf.h"
#include "bdp/csv.h"
#include "bdp/terc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char bom[] = "\xEF\xBB\xBF";

enum jstate {
    J_START, /* before '[' */
    J_FIRST, /* after '[' */
    J_NEXT,  /* after ',' */
    J_ELEM,  /* inside an element */
    J_AFTER, /* after the closing ']' */
};

struct bulk_parser {
    enum bulk_format format;
    const struct bulk_column *columns; /* borrowed */
    size_t ncolumns;
    bulk_record_fn fn;
    void *ctx;
    size_t max;
    bool stopped; /* by the callback, a body error or the end */
    char error[300];
    char why[300];
    int bom;        /* bytes of a BOM matched at the start; -1 once past it */
    struct buf rec; /* NDJSON, array: the record being read */
    bool skipping;  /* the record is over the limit */
    long line;      /* line of the next byte, from 1 */
    long rec_line;  /* line (position) of the record being read */
    /* JSON array */
    enum jstate js;
    bool in_str, esc;
    size_t depth;
    /* CSV, TERC */
    struct csv *csv;
    char sep;
    size_t nslots;  /* fields a row keeps: more than any good header has */
    size_t *colmap; /* nslots: header position -> index in columns */
    size_t ncols;   /* fields of the header; 0 until it is read */
    struct terc *terc;
};

size_t bulk_columns_from_spec(const struct jv_spec *spec, struct bulk_column *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < spec->n && n + 1 < max; i++) {
        enum jv_type t = spec->fields[i].type;
        enum bulk_column_type c = t == JV_INT       ? BULK_COL_INT
                                  : t == JV_BOOL    ? BULK_COL_BOOL
                                  : t == JV_DATE    ? BULK_COL_DATE
                                  : t == JV_STRINGS ? BULK_COL_STRINGS
                                  : t == JV_INTS    ? BULK_COL_INTS
                                                    : BULK_COL_STRING;
        if (t == JV_OBJECT || t == JV_OBJECTS || t == JV_READONLY || t == JV_REJECT)
            continue;
        out[n++] = (struct bulk_column){spec->fields[i].name, c};
    }
    if (max > 0)
        out[n].name = NULL;
    return n;
}

static bool on_row(void *ctx, const struct csv_row *row);

struct bulk_parser *bulk_parser_new(enum bulk_format format, const struct bulk_column *columns,
                                    bulk_record_fn fn, void *ctx)
{
    struct bulk_parser *p = xmalloc(sizeof *p);
    memset(p, 0, sizeof *p);
    p->format = format;
    p->columns = columns;
    while (columns && columns[p->ncolumns].name)
        p->ncolumns++;
    p->fn = fn;
    p->ctx = ctx;
    p->max = BULK_MAX_RECORD;
    p->line = p->rec_line = 1;
    p->js = J_START;
    if (format != BULK_NDJSON && format != BULK_JSON_ARRAY) {
        p->sep = format == BULK_TERC ? ';' : ',';
        p->nslots = (p->ncolumns > TERC__MAX ? p->ncolumns : TERC__MAX) + 1;
        p->colmap = xmalloc(p->nslots * sizeof *p->colmap);
        p->csv = csv_new(p->sep, p->nslots, p->max, on_row, p);
    }
    return p;
}

void bulk_parser_set_max_record(struct bulk_parser *p, size_t max)
{
    p->max = max;
    if (p->csv)
        csv_set_max_bytes(p->csv, max);
}

void bulk_parser_free(struct bulk_parser *p)
{
    if (!p)
        return;
    buf_free(&p->rec);
    csv_free(p->csv);
    free(p->colmap);
    terc_free(p->terc);
    free(p);
}

const char *bulk_parser_error(const struct bulk_parser *p)
{
    return p->error[0] ? p->error : NULL;
}

enum bulk_format bulk_parser_format(const struct bulk_parser *p)
{
    return p->format;
}

size_t bulk_parser_held(const struct bulk_parser *p)
{
    return sizeof *p + p->rec.cap + p->nslots * sizeof *p->colmap + (p->csv ? csv_held(p->csv) : 0);
}

static bool body_error(struct bulk_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Stops the parse for good; the first message wins. Returns false. */
static bool body_error(struct bulk_parser *p, const char *fmt, ...)
{
    if (!p->error[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->error, sizeof p->error, fmt, ap);
        va_end(ap);
    }
    p->stopped = true;
    return false;
}

static bool record_error(struct bulk_parser *p, long line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Reports a record that could not be read. false when the parse stops. */
static bool record_error(struct bulk_parser *p, long line, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->why, sizeof p->why, fmt, ap);
    va_end(ap);
    if (!p->fn(p->ctx, NULL, line, field, p->why))
        p->stopped = true;
    return !p->stopped;
}

/* Hands rec over. false when the parse stops. */
static bool record_ok(struct bulk_parser *p, json_t *rec, long line)
{
    if (!p->fn(p->ctx, rec, line, NULL, NULL))
        p->stopped = true;
    return !p->stopped;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Whether s nests arrays and objects deeper than jsonv allows: jansson
 * recurses once a level, on a worker thread's small stack. */
static bool too_deep(const char *s, size_t len)
{
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        if (in_string) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                in_string = false;
        } else if (s[i] == '"') {
            in_string = true;
        } else if (s[i] == '[' || s[i] == '{') {
            if (++depth > JSONV_MAX_DEPTH)
                return true;
        } else if ((s[i] == ']' || s[i] == '}') && depth > 0) {
            depth--;
        }
    }
    return false;
}

/* One NDJSON line or array element: an object, or a record error. */
static bool json_record(struct bulk_parser *p, const char *s, size_t len, long line)
{
    if (too_deep(s, len))
        return record_error(p, line, NULL, "nests arrays and objects deeper than %d",
                            JSONV_MAX_DEPTH);
    json_error_t err;
    json_t *v = json_loadb(s, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (!v)
        return record_error(p, line, NULL, "is not valid JSON: %s", err.text);
    if (!json_is_object(v)) {
        json_decref(v);
        return record_error(p, line, NULL, "is not a JSON object");
    }
    return record_ok(p, v, line);
}

/* Adds s to the NDJSON line or array element being read, unless it is over
 * the limit: then it is reported once and its bytes dropped to its end. */
static bool take(struct bulk_parser *p, const char *s, size_t n)
{
    if (p->skipping)
        return true;
    if (p->rec.len + n <= p->max) {
        buf_append(&p->rec, s, n);
        return true;
    }
    p->skipping = true;
    buf_reset(&p->rec);
    return record_error(p, p->rec_line, NULL, "is longer than %zu bytes", p->max);
}

static bool ndjson_line(struct bulk_parser *p)
{
    bool ok = true;
    if (!p->skipping && p->rec.len > 0)
        ok = json_record(p, p->rec.p, p->rec.len, p->rec_line);
    p->skipping = false;
    buf_reset(&p->rec);
    p->rec_line = ++p->line;
    return ok;
}

static bool feed_ndjson(struct bulk_parser *p, const char *data, size_t len)
{
    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t n = nl ? (size_t)(nl - data) : len, skip = 0;
        /* Leading blanks are not kept, so blank lines cost nothing. */
        while (p->rec.len == 0 && skip < n && is_space(data[skip]))
            skip++;
        if (!take(p, data + skip, n - skip) || (nl && !ndjson_line(p)))
            return false;
        data += n + (nl != NULL);
        len -= n + (nl != NULL);
    }
    return true;
}

static bool array_element(struct bulk_parser *p)
{
    bool ok = true;
    if (!p->skipping)
        ok = json_record(p, p->rec.p, p->rec.len, p->rec_line);
    p->skipping = false;
    buf_reset(&p->rec);
    return ok;
}

/* Splits the top-level elements by tracking strings and nesting; jansson
 * reads each element and finds whatever else is wrong with it. */
static bool feed_array(struct bulk_parser *p, const char *data, size_t len)
{
    size_t mark = 0; /* the element's bytes from here on are not taken yet */
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '\n')
            p->line++;
        switch (p->js) {
        case J_START:
            if (is_space(c))
                continue;
            if (c != '[')
                return body_error(p, "The body is not a JSON array: it does not start with '['.");
            p->js = J_FIRST;
            continue;
        case J_FIRST:
        case J_NEXT:
            if (is_space(c))
                continue;
            if (c == ']' && p->js == J_FIRST) {
                p->js = J_AFTER;
                continue;
            }
            if (c == ']' || c == ',')
                return body_error(p,
                                  "The JSON array has an empty element at position %ld (line %ld).",
                                  p->rec_line, p->line);
            p->js = J_ELEM;
            p->in_str = p->esc = false;
            p->depth = 0;
            mark = i;
            break;
        case J_AFTER:
            if (is_space(c))
                continue;
            return body_error(p, "The body goes on after the JSON array has ended (line %ld).",
                              p->line);
        case J_ELEM: break;
        }
        if (p->in_str) {
            if (p->esc)
                p->esc = false;
            else if (c == '\\')
                p->esc = true;
            else if (c == '"')
                p->in_str = false;
        } else if (c == '"') {
            p->in_str = true;
        } else if (c == '[' || c == '{') {
            p->depth++;
        } else if (p->depth > 0) {
            if (c == ']' || c == '}')
                p->depth--;
        } else if (c == '}') {
            return body_error(p, "The JSON array has a '}' that closes nothing (line %ld).",
                              p->line);
        } else if (c == ',' || c == ']') {
            if (!take(p, data + mark, i - mark) || !array_element(p))
                return false;
            p->rec_line++;
            p->js = c == ',' ? J_NEXT : J_AFTER;
        }
    }
    return p->js != J_ELEM || take(p, data + mark, len - mark);
}

/* Splits "a;b;..." (a header read as one comma-separated field) on ';',
 * unquoting each name, into out (NUL after each) and names (the first
 * max). Returns the number of names. */
static size_t split_semicolons(const char *s, size_t len, struct buf *out, char **names, size_t max)
{
    size_t n = 0;
    for (const char *end = s + len; s <= end; n++) {
        const char *e = memchr(s, ';', (size_t)(end - s));
        if (!e)
            e = end;
        const char *a = s, *b = e;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        if (b - a >= 2 && *a == '"' && b[-1] == '"')
            a++, b--;
        buf_append(out, a, (size_t)(b - a));
        buf_append(out, "", 1);
        s = e + 1;
    }
    char *p = out->p;
    for (size_t i = 0; i < n && i < max; i++, p += strlen(p) + 1)
        names[i] = p;
    return n;
}

static char *trim_in_place(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
    return s + strspn(s, " ");
}

/* Checks the n header names (the first nslots in names) against TERC's or
 * the column table and settles the format. */
static bool check_header(struct bulk_parser *p, char **names, size_t n)
{
    bool terc = n == TERC__MAX;
    for (size_t i = 0; terc && i < TERC__MAX; i++)
        terc = strcmp(names[i], terc_columns[i]) == 0;
    if (p->format == BULK_TERC && !terc)
        return body_error(p, "The body is not a TERC file: its header is not "
                             "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA.");
    if (terc && p->format != BULK_CSV) {
        p->format = BULK_TERC;
        p->terc = terc_new();
    } else {
        p->format = BULK_CSV;
        /* A header with more names than the table repeats or misnames one
         * among its first nslots. */
        for (size_t i = 0; i < n && i < p->nslots; i++) {
            size_t j = 0;
            while (j < p->ncolumns && strcmp(p->columns[j].name, names[i]) != 0)
                j++;
            if (!*names[i])
                return body_error(p, "Column %zu of the CSV header has no name.", i + 1);
            if (j == p->ncolumns)
                return body_error(p, "The CSV header names an unknown column \"%.100s\".",
                                  names[i]);
            for (size_t k = 0; k < i; k++)
                if (p->colmap[k] == j)
                    return body_error(p, "The CSV header names the column \"%s\" twice.", names[i]);
            p->colmap[i] = j;
        }
    }
    p->ncols = n;
    return true;
}

static bool csv_header(struct bulk_parser *p, const struct csv_row *row)
{
    for (size_t i = 0; i < row->kept; i++)
        if (memchr(row->field[i], '\0', row->len[i]))
            return body_error(p, "The header line holds a NUL byte.");
    /* Excel set to Polish writes "CSV" with semicolons. */
    bool semicolons = p->sep == ',' && row->n == 1 && memchr(row->field[0], ';', row->len[0]);
    if (!semicolons && row->bad_quote >= 0)
        return body_error(p, "The header line has text after a closing quote.");
    struct buf split = BUF_INIT;
    char **names = xmalloc(p->nslots * sizeof *names);
    size_t n = row->n;
    if (semicolons) {
        n = split_semicolons(row->field[0], row->len[0], &split, names, p->nslots);
        p->sep = ';';
        csv_set_sep(p->csv, ';');
    } else {
        for (size_t i = 0; i < row->kept; i++)
            names[i] = trim_in_place(row->field[i]);
    }
    bool ok = check_header(p, names, n);
    buf_free(&split);
    free(names);
    return ok;
}

/* s[0..len) without the spaces around it, copied into out (n bytes);
 * false if it does not fit. */
static bool trimmed(const char *s, size_t len, char *out, size_t n)
{
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len >= n)
        return false;
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

static bool parse_int(const char *s, size_t len, json_int_t *out)
{
    char t[32], *end;
    if (!trimmed(s, len, t, sizeof t) || !t[0])
        return false;
    errno = 0;
    long long v = strtoll(t, &end, 10);
    if (errno || *end || !(t[0] == '-' || t[0] == '+' || (t[0] >= '0' && t[0] <= '9')))
        return false;
    *out = v;
    return true;
}

/* Converts one non-empty-or-list field into obj; NULL, or why not. */
static const char *convert(const struct bulk_column *col, const char *s, size_t len, json_t *obj)
{
    json_int_t n;
    char t[8];
    bool blank = trimmed(s, len, t, sizeof t) && !t[0]; /* empty or only spaces */
    switch (col->type) {
    case BULK_COL_STRING:
    case BULK_COL_DATE:
        if (len)
            json_object_set_new(obj, col->name, json_stringn(s, len));
        return NULL;
    case BULK_COL_INT:
        if (blank)
            return NULL;
        if (!parse_int(s, len, &n))
            return "is not an integer";
        json_object_set_new(obj, col->name, json_integer(n));
        return NULL;
    case BULK_COL_BOOL:
        if (blank)
            return NULL;
        if (trimmed(s, len, t, sizeof t) && (!strcasecmp(t, "true") || !strcmp(t, "1")))
            json_object_set_new(obj, col->name, json_true());
        else if (trimmed(s, len, t, sizeof t) && (!strcasecmp(t, "false") || !strcmp(t, "0")))
            json_object_set_new(obj, col->name, json_false());
        else
            return "is not true or false";
        return NULL;
    case BULK_COL_STRINGS:
    case BULK_COL_INTS:
    case BULK_COL__MAX: break;
    }
    json_t *list = json_array();
    json_object_set_new(obj, col->name, list);
    for (const char *end = s + len; !blank && s <= end;) {
        const char *e = memchr(s, '|', (size_t)(end - s));
        if (!e)
            e = end;
        const char *a = s, *b = e;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (col->type == BULK_COL_STRINGS)
            json_array_append_new(list, json_stringn(a, (size_t)(b - a)));
        else if (parse_int(a, (size_t)(b - a), &n))
            json_array_append_new(list, json_integer(n));
        else
            return "is not a list of integers joined by '|'";
        s = e + 1;
    }
    return NULL;
}

static bool csv_record(struct bulk_parser *p, const struct csv_row *row)
{
    bool terc = p->format == BULK_TERC;
    long line = row->line;
    if (row->n != p->ncols)
        return record_error(p, line, NULL, "has %zu field%s, the header has %zu", row->n,
                            row->n == 1 ? "" : "s", p->ncols);
    for (size_t i = 0; i < p->ncols; i++) {
        const char *name = terc ? terc_columns[i] : p->columns[p->colmap[i]].name;
        if ((long)i == row->bad_quote)
            return record_error(p, line, name, "has text after its closing quote");
        if (memchr(row->field[i], '\0', row->len[i]))
            return record_error(p, line, name, "holds a NUL byte");
        if (!jsonv_utf8_valid(row->field[i], row->len[i]))
            return record_error(p, line, name, "is not valid UTF-8");
    }
    if (terc) {
        json_t *unit;
        const char *field;
        char why[200];
        switch (terc_convert(p->terc, (const char *const *)row->field, &unit, &field, why,
                             sizeof why)) {
        case TERC_UNIT: return record_ok(p, unit, line);
        case TERC_SKIP: return true;
        case TERC_BAD: return record_error(p, line, field, "%s", why);
        }
    }
    json_t *obj = json_object();
    for (size_t i = 0; i < p->ncols; i++) {
        const struct bulk_column *col = &p->columns[p->colmap[i]];
        const char *why = convert(col, row->field[i], row->len[i], obj);
        if (why) {
            json_decref(obj);
            return record_error(p, line, col->name, "%s", why);
        }
    }
    return record_ok(p, obj, line);
}

static bool on_row(void *ctx, const struct csv_row *row)
{
    struct bulk_parser *p = ctx;
    if (row->too_long && !p->ncols)
        return body_error(p, "The header line is longer than %zu bytes.", p->max);
    if (row->too_long)
        return record_error(p, row->line, NULL, "is longer than %zu bytes", p->max);
    return p->ncols ? csv_record(p, row) : csv_header(p, row);
}

static bool feed_format(struct bulk_parser *p, const char *data, size_t len)
{
    switch (p->format) {
    case BULK_NDJSON: return feed_ndjson(p, data, len);
    case BULK_JSON_ARRAY: return feed_array(p, data, len);
    case BULK_CSV:
    case BULK_TERC:
    case BULK_CSV_OR_TERC:
    case BULK__MAX: break;
    }
    return csv_feed(p->csv, data, len);
}

bool bulk_parser_feed(struct bulk_parser *p, const char *data, size_t len)
{
    if (p->stopped)
        return false;
    /* A UTF-8 BOM at the start is dropped, whatever the chunks. */
    while (p->bom >= 0 && len > 0) {
        if (*data == bom[p->bom]) {
            data++, len--;
            if (++p->bom == 3)
                p->bom = -1;
        } else {
            int k = p->bom;
            p->bom = -1;
            if (k && !feed_format(p, bom, (size_t)k))
                return false;
        }
    }
    return feed_format(p, data, len) && !p->stopped;
}

bool bulk_parser_end(struct bulk_parser *p)
{
    if (p->stopped)
        return false;
    if (p->bom > 0 && !feed_format(p, bom, (size_t)p->bom))
        return false;
    p->bom = -1;
    bool ok = true;
    if (p->format == BULK_NDJSON) {
        ok = ndjson_line(p);
    } else if (p->format == BULK_JSON_ARRAY) {
        if (p->js == J_START)
            ok = body_error(p, "The body is empty; a JSON array is needed.");
        else if (p->js != J_AFTER)
            ok = body_error(p, "The body ends before the JSON array does: ']' is missing.");
    } else {
        long open;
        if (!csv_end(p->csv, &open)) {
            ok = false;
            if (open)
                body_error(p, "The body ends inside a quoted field of the record from line %ld.",
                           open);
        }
        if (ok && !p->ncols)
            ok = body_error(p, "The body has no header line.");
    }
    p->stopped = true;
    return ok;
}
