#!/usr/bin/env python3
"""Clients for bench/change-feed.sh (python3 standard library only).

    change_feed.py hold    URL KEY CURSOR N STATUS_FILE
        N clients, each on its own keep-alive connection, looping
        GET /v1/changes?after=<cursor>&wait=60 (the cursor moves on with each
        answer). Writes "inflight completed immediate" to STATUS_FILE twice a
        second. On SIGTERM or SIGINT the clients stop re-issuing; the process
        ends once every outstanding poll has been answered (the caller commits
        a change to wake them) and prints a JSON summary.

    change_feed.py read    URL KEY OUT_JSON
        Pages the whole feed from the start with limit=1000 on one connection;
        times every request (request sent to last byte of the body read) and
        parses the JSON outside the timed part. Prints a summary.

    change_feed.py latency URL READER_KEY EDITOR_KEY CURSOR COUNT INTERVAL_MS OUT_JSON
        One long poll (wait=60, re-issued with the new cursor after every
        answer) and one writer that PATCHes a practice every INTERVAL_MS,
        COUNT times. For every write: time from the writer's response to the
        response of the poll that carried the change.
"""
import http.client
import json
import os
import signal
import sys
import threading
import time
import urllib.parse

clock = time.monotonic


def conn_for(url):
    u = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=120)


def get(conn, path, key):
    """(status, headers, body bytes, seconds from request to last byte)."""
    t0 = clock()
    conn.request("GET", path, headers={"Authorization": "Bearer " + key})
    resp = conn.getresponse()
    body = resp.read()
    return resp.status, resp.headers, body, clock() - t0


def changes_path(cursor, limit=None, wait=None):
    q = []
    if cursor:
        q.append("after=" + urllib.parse.quote(cursor))
    if limit:
        q.append("limit=%d" % limit)
    if wait:
        q.append("wait=%d" % wait)
    return "/v1/changes" + ("?" + "&".join(q) if q else "")


def pct(values, p):
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(1, -(-len(s) * p // 100))
    return s[int(k) - 1]


# --- hold ----------------------------------------------------------------------
def hold(url, key, cursor, n, status_file):
    stop = threading.Event()
    lock = threading.Lock()
    st = {"inflight": 0, "completed": 0, "immediate": 0, "errors": 0, "changes": 0}

    def client():
        c = conn_for(url)
        cur = cursor
        while not stop.is_set():
            with lock:
                st["inflight"] += 1
            try:
                status, _, body, secs = get(c, changes_path(cur, wait=60), key)
            except Exception as e:  # noqa: BLE001
                with lock:
                    st["inflight"] -= 1
                    st["errors"] += 1
                print("hold: %s" % e, file=sys.stderr)
                time.sleep(0.5)
                c = conn_for(url)
                continue
            doc = json.loads(body) if status == 200 else {}
            with lock:
                st["inflight"] -= 1
                st["completed"] += 1
                if status != 200:
                    st["errors"] += 1
                st["changes"] += len(doc.get("changes", []))
                # An empty page well before 60 s: the wait was not honoured
                # (more waiters than bdp lets wait).
                if status == 200 and not doc.get("changes") and secs < 50:
                    st["immediate"] += 1
            if doc.get("next_cursor"):
                cur = doc["next_cursor"]
        c.close()

    def on_signal(*_):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    threads = [threading.Thread(target=client, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        with lock:
            line = "%d %d %d\n" % (st["inflight"], st["completed"], st["immediate"])
        with open(status_file + ".tmp", "w") as f:
            f.write(line)
        os.replace(status_file + ".tmp", status_file)
        time.sleep(0.5)
    with lock:
        st["inflight"] = 0
        with open(status_file, "w") as f:
            f.write("0 %d %d\n" % (st["completed"], st["immediate"]))
        print(json.dumps(st))


# --- read ----------------------------------------------------------------------
def read(url, key, out):
    c = conn_for(url)
    cur = None
    pages = []
    t_all = clock()
    while True:
        status, _, body, secs = get(c, changes_path(cur, limit=1000), key)
        if status != 200:
            sys.exit("read: HTTP %d: %s" % (status, body[:300]))
        doc = json.loads(body)
        ch = doc["changes"]
        if not ch:
            break
        kinds = {}
        for e in ch:
            kinds[e["resource"]] = kinds.get(e["resource"], 0) + 1
        pages.append({"n": len(ch), "secs": secs, "bytes": len(body), "kinds": kinds})
        cur = doc["next_cursor"]
    wall = clock() - t_all
    total = sum(p["n"] for p in pages)
    req_secs = sum(p["secs"] for p in pages)
    summary = {"entries": total, "pages": len(pages), "wall_s": wall, "request_s": req_secs,
               "bytes": sum(p["bytes"] for p in pages)}
    # Pages made of one resource only: the rate for that kind of entry.
    for kind in ("practice", "contact", "unit"):
        pure = [p for p in pages if list(p["kinds"]) == [kind]]
        if pure:
            n = sum(p["n"] for p in pure)
            s = sum(p["secs"] for p in pure)
            b = sum(p["bytes"] for p in pure)
            summary[kind] = {"pages": len(pure), "entries": n, "request_s": s,
                             "per_s": n / s, "page_ms_p50": 1000 * pct([p["secs"] for p in pure], 50),
                             "page_ms_max": 1000 * max(p["secs"] for p in pure),
                             "bytes_per_entry": b / n}
    summary["per_s_requests"] = total / req_secs
    summary["per_s_wall"] = total / wall
    with open(out, "w") as f:
        json.dump({"summary": summary, "pages": pages}, f)
    print(json.dumps(summary))


# --- latency -------------------------------------------------------------------
def latency(url, rkey, ekey, cursor, count, interval_ms, out):
    seen = {}  # (id, version) -> time the poll's answer was read
    written = []  # (id, version, t_sent, t_response)
    lock = threading.Lock()
    done = threading.Event()
    polls = {"answers": 0, "entries": 0}

    def poller():
        c = conn_for(url)
        cur = cursor
        while not done.is_set():
            status, _, body, _ = get(c, changes_path(cur, wait=60), rkey)
            t = clock()
            if status != 200:
                print("latency: poll HTTP %d %s" % (status, body[:200]), file=sys.stderr)
                time.sleep(0.1)
                continue
            doc = json.loads(body)
            with lock:
                polls["answers"] += 1
                for e in doc["changes"]:
                    polls["entries"] += 1
                    if e["resource"] == "practice":
                        seen.setdefault((e["id"], e["version"]), t)
            if doc.get("next_cursor"):
                cur = doc["next_cursor"]

    pt = threading.Thread(target=poller, daemon=True)
    pt.start()
    time.sleep(1.0)  # the poll is waiting
    wc = conn_for(url)
    t_next = clock()
    for i in range(count):
        pid = 1 + (i * 7919) % 1000
        body = json.dumps({"title": "Zmiana %d w teście opóźnienia" % i}).encode()
        t0 = clock()
        wc.request("PATCH", "/v1/practices/%d" % pid, body=body,
                   headers={"Authorization": "Bearer " + ekey,
                            "Content-Type": "application/merge-patch+json"})
        resp = wc.getresponse()
        rb = resp.read()
        t1 = clock()
        if resp.status != 200:
            sys.exit("latency: PATCH HTTP %d %s" % (resp.status, rb[:300]))
        version = int(resp.headers["ETag"].strip('W/"'))
        written.append((pid, version, t0, t1))
        t_next += interval_ms / 1000
        time.sleep(max(0.0, t_next - clock()))
    deadline = clock() + 5
    while clock() < deadline:
        with lock:
            if all((w[0], w[1]) in seen for w in written):
                break
        time.sleep(0.05)
    done.set()
    with lock:
        d_resp = [1000 * (seen[(w[0], w[1])] - w[3]) for w in written if (w[0], w[1]) in seen]
        d_sent = [1000 * (seen[(w[0], w[1])] - w[2]) for w in written if (w[0], w[1]) in seen]
        missing = sum(1 for w in written if (w[0], w[1]) not in seen)
        writer_ms = [1000 * (w[3] - w[2]) for w in written]
        summary = {
            "writes": len(written), "missing": missing, "poll_answers": polls["answers"],
            "poll_entries": polls["entries"],
            "from_response_ms": {"min": min(d_resp), "p50": pct(d_resp, 50), "p90": pct(d_resp, 90),
                                 "p99": pct(d_resp, 99), "max": max(d_resp)},
            "from_request_ms": {"p50": pct(d_sent, 50), "p99": pct(d_sent, 99), "max": max(d_sent)},
            "writer_ms": {"p50": pct(writer_ms, 50), "p99": pct(writer_ms, 99),
                          "max": max(writer_ms)},
            "over_100ms": sum(1 for d in d_resp if d > 100),
        }
    with open(out, "w") as f:
        json.dump({"summary": summary, "from_response_ms": d_resp}, f)
    print(json.dumps(summary))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "hold" and len(args) == 5:
        hold(args[0], args[1], args[2] or None, int(args[3]), args[4])
    elif cmd == "read" and len(args) == 3:
        read(*args)
    elif cmd == "latency" and len(args) == 7:
        latency(args[0], args[1], args[2], args[3] or None, int(args[4]), int(args[5]), args[6])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
