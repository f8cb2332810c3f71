/* Answers kept for reuse: a body and its Link header under a key, valid
 * for one data generation (feed_data_generation). Bounded in bytes: when
 * full it starts again. Thread-safe. */
#ifndef BDP_CACHE_H
#define BDP_CACHE_H

#include "bdp/buf.h"

#include <stdbool.h>
#include <stdint.h>

struct cache;

/* new; NULL when max_bytes is 0 (no cache: the calls below accept NULL). */
struct cache *cache_new(size_t max_bytes);
void cache_free(struct cache *c);

/* true and body, link filled (appended) when key was stored at gen. */
bool cache_get(struct cache *c, const char *key, uint64_t gen, struct buf *body, struct buf *link);
/* Stores body (len bytes) and link (may be NULL) under key for gen; an
 * answer larger than an eighth of the cache is not kept. */
void cache_put(struct cache *c, const char *key, uint64_t gen, const char *body, size_t len,
               const char *link);

#endif
