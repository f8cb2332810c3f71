/* Request bodies: strict parsing, validation against a field table that
 * collects every error with its path, JSON Merge Patch, and conversion of a
 * valid object into text parameters for the store. Pure: no HTTP, no SQL. */
#ifndef BDP_JSONV_H
#define BDP_JSONV_H

#include "bdp/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum jv_type {
    JV_STRING, /* text; min/max = length in characters (min 1 = not blank) */
    JV_INT,    /* integer in [min, max] */
    JV_BOOL,
    JV_DATE,     /* "YYYY-MM-DD", a real date, years 1900..2100 */
    JV_EMAIL,    /* text with one @, no spaces */
    JV_ENUM,     /* one of options */
    JV_STRINGS,  /* array of strings (each 1..max characters), at most 100 */
    JV_INTS,     /* array of distinct positive integers, at most max */
    JV_OBJECT,   /* object checked against sub */
    JV_OBJECTS,  /* array (at most max) of objects checked against sub */
    JV_READONLY, /* accepted and ignored (server-computed fields) */
    JV_REJECT,   /* refused here with the message in why */
};

#define JV_REQUIRED 1u
#define JV_NULLABLE 2u

struct jv_spec;

struct jv_field {
    const char *name;
    enum jv_type type;
    unsigned flags;
    long long min, max;
    const char *const *options; /* JV_ENUM: NULL-ended */
    const struct jv_spec *sub;  /* JV_OBJECT, JV_OBJECTS */
    const char *dflt;           /* parameter text when absent or null (NULL: SQL NULL) */
    const char *why;            /* JV_REJECT */
};

struct jv_spec {
    const struct jv_field *fields;
    size_t n;
};

#define RECORD_MAX 32

/* Text parameters in the order of a spec's fields; NULL = SQL NULL. */
struct record {
    int n;
    char *v[RECORD_MAX]; /* owned */
};

/* Deepest nesting a body may have. */
#define JSONV_MAX_DEPTH 32

/* Parses a request body: an object, UTF-8, no duplicate keys, no NUL
 * escapes, numbers in range, nesting at most JSONV_MAX_DEPTH. New
 * reference, or NULL with pb 400. */
json_t *jsonv_parse_object(const char *data, size_t len, struct problem *pb);

/* Checks obj against spec; adds a 422 field error for every unknown field,
 * wrong type, bad value and missing required field. prefix: "" at the top. */
bool jsonv_check(json_t *obj, const struct jv_spec *spec, const char *prefix, struct problem *pb);

/* Fills rec from a checked object. */
void jsonv_record(json_t *obj, const struct jv_spec *spec, struct record *rec);
void record_cleanup(struct record *rec); /* safe on zeroed or cleaned */

/* RFC 7396: returns a new reference, target and patch borrowed. */
json_t *jsonv_merge_patch(json_t *target, json_t *patch);

bool jsonv_utf8_valid(const char *s, size_t len);
bool jsonv_date_valid(const char *s);
/* UTF-8 characters in s (valid UTF-8). */
size_t jsonv_chars(const char *s);
/* Only spaces, tabs and line breaks (or nothing). */
bool jsonv_blank(const char *s);

#endif
