/* The change feed's background: one connection that LISTENs for commits
 * (waking long polls, which hold no connection while they wait) and purges
 * entries past the retention. */
#ifndef BDP_FEED_H
#define BDP_FEED_H

#include <stdbool.h>
#include <stdint.h>

struct feed;

/* new; starts the thread. conninfo is copied. max_waiters bounds
 * feed_wait's concurrent callers. */
struct feed *feed_start(const char *conninfo, int retention_days, int purge_seconds,
                        int max_waiters);
/* Wakes every waiter for good (shutdown): feed_closing turns true. */
void feed_close(struct feed *f);
bool feed_closing(struct feed *f);
void feed_stop(struct feed *f); /* closes, joins the thread and frees; safe with NULL */

/* Moves the generation on now: this process committed a change, whose
 * notification comes a moment later (read-your-writes for cached answers
 * and long polls). f: a struct feed, as a db_pool_on_commit callback. */
void feed_touch(void *f);
/* A number that changes whenever a change may have committed. */
uint64_t feed_generation(struct feed *f);
/* A number that changes whenever what a search answers may have changed:
 * a committed change or an indexer's batch (bdp_search), in any bdp
 * process. false while the listener is disconnected, when no number can
 * be trusted. */
bool feed_data_generation(struct feed *f, uint64_t *gen) __attribute__((warn_unused_result));
/* Takes a waiting place: false when max_waiters already wait. */
bool feed_enter(struct feed *f) __attribute__((warn_unused_result));
void feed_leave(struct feed *f);
/* Waits until the generation differs from seen or timeout_ms passes;
 * true if it moved. */
bool feed_wait(struct feed *f, uint64_t seen, int timeout_ms);

#endif
