/* The answer cache: a hash table of entries, each valid for the data
 * generation it was made at; a full cache is emptied (simple, bounded). */
#include "bdp/cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096

struct entry {
    struct entry *next;
    char *key, *body, *link; /* owned */
    size_t len;
    uint64_t gen;
};

struct cache {
    pthread_mutex_t lock;
    size_t max_bytes, bytes;
    struct entry *slots[SLOTS];
};

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h % SLOTS;
}

static void entry_free(struct entry *e)
{
    free(e->key);
    free(e->body);
    free(e->link);
    free(e);
}

static void clear(struct cache *c)
{
    for (size_t i = 0; i < SLOTS; i++) {
        while (c->slots[i]) {
            struct entry *e = c->slots[i];
            c->slots[i] = e->next;
            entry_free(e);
        }
    }
    c->bytes = 0;
}

struct cache *cache_new(size_t max_bytes)
{
    if (!max_bytes)
        return NULL;
    struct cache *c = xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    c->max_bytes = max_bytes;
    return c;
}

void cache_free(struct cache *c)
{
    if (!c)
        return;
    clear(c);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

bool cache_get(struct cache *c, const char *key, uint64_t gen, struct buf *body, struct buf *link)
{
    if (!c)
        return false;
    bool found = false;
    pthread_mutex_lock(&c->lock);
    for (struct entry *e = c->slots[hash(key)]; e && !found; e = e->next) {
        if (e->gen != gen || strcmp(e->key, key) != 0)
            continue;
        buf_append(body, e->body, e->len);
        if (e->link)
            buf_puts(link, e->link);
        found = true;
    }
    pthread_mutex_unlock(&c->lock);
    return found;
}

void cache_put(struct cache *c, const char *key, uint64_t gen, const char *body, size_t len,
               const char *link)
{
    size_t size = len + strlen(key) + (link ? strlen(link) : 0) + sizeof(struct entry);
    if (!c || size > c->max_bytes / 8)
        return;
    struct entry *e = xmalloc(sizeof *e);
    *e = (struct entry){NULL, xstrdup(key), xmalloc(len + 1), xstrdup(link), len, gen};
    memcpy(e->body, body, len);
    pthread_mutex_lock(&c->lock);
    if (c->bytes + size > c->max_bytes)
        clear(c);
    /* An entry of the same key (stale, or a twin made at the same time)
     * is replaced. */
    struct entry **p = &c->slots[hash(key)];
    while (*p && strcmp((*p)->key, key) != 0)
        p = &(*p)->next;
    if (*p) {
        struct entry *old = *p;
        *p = old->next;
        c->bytes -= old->len + strlen(old->key) + (old->link ? strlen(old->link) : 0) +
                    sizeof(struct entry);
        entry_free(old);
    }
    e->next = c->slots[hash(key)];
    c->slots[hash(key)] = e;
    c->bytes += size;
    pthread_mutex_unlock(&c->lock);
}
