/* The search indexer: a thread with its own connection that drains
 * search_queue (migrations/0004) in batches, stemming each distinct word
 * once. It wakes on every committed change (the feed's generation) and
 * at least every second, so a practice is searchable soon after its
 * write; docs/DESIGN.md states the bound. */
#ifndef BDP_INDEXER_H
#define BDP_INDEXER_H

#include "bdp/feed.h"

struct indexer;

/* new; starts the thread. conninfo is copied; feed is borrowed and must
 * outlive the indexer. batch: practices indexed a transaction. */
struct indexer *indexer_start(const char *conninfo, struct feed *feed, int batch);
void indexer_stop(struct indexer *ix); /* joins the thread and frees; safe with NULL */

#endif
