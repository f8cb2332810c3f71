/* Query strings: decoded into name/value pairs, checked against the names an
 * endpoint accepts; typed getters that name the parameter in a 400. */
#ifndef BDP_QUERY_H
#define BDP_QUERY_H

#include "bdp/error.h"

#include <stdbool.h>

#define QUERY_MAX_PARAMS 32

struct query {
    int n;
    char *name[QUERY_MAX_PARAMS];  /* owned, decoded */
    char *value[QUERY_MAX_PARAMS]; /* owned, decoded */
};

/* Parses raw (may be NULL) and refuses names not in allowed (NULL-ended),
 * repeated names, bad percent-encoding and empty names: false + pb 400. */
bool query_parse(struct query *q, const char *raw, const char *const *allowed, struct problem *pb)
    __attribute__((warn_unused_result));
void query_cleanup(struct query *q); /* safe on a zeroed or cleaned query */

/* Borrowed value or NULL. */
const char *query_get(const struct query *q, const char *name);
/* Integer in [min, max]; dflt when absent. false + pb 400 naming it. */
bool query_int(const struct query *q, const char *name, long long min, long long max,
               long long dflt, long long *out, struct problem *pb)
    __attribute__((warn_unused_result));
/* Value that must be one of the NULL-ended options (absent: NULL, ok). */
bool query_enum(const struct query *q, const char *name, const char *const *options,
                const char **out, struct problem *pb) __attribute__((warn_unused_result));

/* Percent-decodes (and '+' -> ' ') src into a new string; NULL if malformed
 * or if it decodes to a NUL byte or invalid UTF-8. */
char *query_decode(const char *src, size_t len);
/* Appends name=value percent-encoded to b. */
struct buf;
void query_append(struct buf *b, const char *name, const char *value);

#endif
