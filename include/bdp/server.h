/* The running service: civetweb, the database pools, signal handling and
 * draining on SIGTERM; the per-request entry that routes and logs. */
#ifndef BDP_SERVER_H
#define BDP_SERVER_H

#include "bdp/config.h"
#include "bdp/db.h"
#include "bdp/feed.h"
#include "bdp/search_mem.h"

struct server {
    const struct config *cfg;
    struct db_pool *primary; /* writes, and reads without a replica */
    struct db_pool *reader;  /* reads: the replica, or primary */
    struct feed *feed;       /* the change feed's listener and purger */
    struct cache *cache;     /* search answers (NULL: off) */
    struct search_mem *mem;  /* search's snapshot in memory (NULL: off) */
};

/* Runs until SIGTERM/SIGINT; returns the process exit code. */
int server_run(const struct config *cfg);

#endif
