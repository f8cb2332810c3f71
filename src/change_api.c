/* HTTP <-> the change feed: cursors, the 410 horizon, and long polls that
 * wait on the feed thread without holding a database connection. */
#include "bdp/change_api.h"

#include "bdp/clock.h"

#include "bdp/change_store.h"
#include "bdp/cursor.h"
#include "bdp/feed.h"
#include "bdp/query.h"
#include "bdp/server.h"

#include <string.h>
#include <time.h>

/* One look at the feed: a cursor below the horizon is 410 (reading from
 * the start never is), else a page (maybe empty). */
static bool look(struct req *r, bool from_start, const char *txid, long long seq, int limit,
                 struct buf *entries, int *n, struct buf *last, struct problem *pb)
{
    bool gone = false;
    struct db_conn *c = db_take(r->srv->reader, pb);
    bool ok = c && (from_start || change_store_gone(c, txid, seq, &gone, pb)) &&
              (gone || change_store_page(c, txid, seq, limit, entries, n, last, pb));
    db_give(c);
    if (ok && gone)
        problem_set(pb, ERR_GONE,
                    "The cursor is older than the feed keeps; start over from the export "
                    "(GET /v1/practices with Accept: application/x-ndjson) and the feed "
                    "without a cursor.");
    return ok && !gone;
}

void change_api_list(struct req *r)
{
    static const char *const allowed[] = {"after", "limit", "wait", NULL};
    struct problem pb;
    struct query q = {0};
    struct buf entries = BUF_INIT, last = BUF_INIT, out = BUF_INIT;
    char txid[24] = "0";
    long long seq = 0, limit, wait;
    int n = 0;
    bool waiting = false;
    problem_init(&pb);

    if (r->who.role == ROLE_ANONYMOUS) {
        problem_set(&pb, ERR_UNAUTHORIZED, "The change feed needs an API key.");
        goto out;
    }
    if (!query_parse(&q, r->query, allowed, &pb) ||
        !query_int(&q, "limit", 1, 1000, 100, &limit, &pb) ||
        !query_int(&q, "wait", 0, 60, 0, &wait, &pb))
        goto out;
    const char *after = query_get(&q, "after");
    if (after && !cursor_decode_change(after, txid, &seq)) {
        problem_kind_field(&pb, ERR_BAD_REQUEST, "after", "is not a cursor of the change feed");
        goto out;
    }
    if (after)
        buf_puts(&last, after);

    double deadline = clock_ms() + (double)wait * 1000;
    struct feed *feed = r->srv->feed;
    waiting = wait > 0 && feed_enter(feed);
    /* Look, then sleep until a commit is announced. A commit behind an
     * older open transaction is not visible yet: once one was announced,
     * look again every 250 ms until something shows or the time is up. */
    bool announced = false;
    for (;;) {
        uint64_t seen = feed_generation(feed); /* before looking: no commit slips by */
        if (!look(r, !after, txid, seq, (int)limit, &entries, &n, &last, &pb))
            goto out;
        double left = deadline - clock_ms();
        if (n > 0 || !waiting || left <= 0 || feed_closing(feed))
            break;
        int sleep_ms = announced && left > 250 ? 250 : (int)left + 1;
        announced = feed_wait(feed, seen, sleep_ms) || announced;
    }
    buf_puts(&out, "{\"changes\":[");
    buf_append(&out, buf_cstr(&entries), entries.len);
    buf_puts(&out, "],\"next_cursor\":");
    if (last.len)
        buf_json_str(&out, buf_cstr(&last));
    else
        buf_puts(&out, "null");
    buf_puts(&out, "}");
    http_send_json(r, 200, out.p, out.len);
out:
    if (waiting)
        feed_leave(r->srv->feed);
    http_fail(r, &pb);
    query_cleanup(&q);
    buf_free(&entries);
    buf_free(&last);
    buf_free(&out);
}
