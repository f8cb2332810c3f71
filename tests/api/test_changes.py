"""The change feed, GET /v1/changes (issue 5, DESIGN.md "Change feed").

Every create, update and delete of practices, units, categories and contacts,
oldest first, with the resource as GET returns it to a reader when the feed is
read (null for a delete); paging by cursor; never a missed change, also with
concurrent writers and transactions that commit out of order; erased contacts
nowhere in the feed; long polls that wake at a commit and hold no database
connection; 410 for a cursor older than the retention; access and bad input.
"""

import base64
import collections
import datetime
import os
import re
import subprocess
import threading
import time
import urllib.parse

import pytest

from conftest import Api, assert_problem, running_stack, uniq

ENTRY_KEYS = {"cursor", "resource", "id", "op", "version", "at", "data"}
RESOURCES = {"practice", "unit", "category", "contact"}
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
MERGE = "application/merge-patch+json"


# --------------------------------------------------------------------------
# helpers


def changes_path(after=None, limit=None, wait=None, **extra):
    q = {}
    if after is not None:
        q["after"] = after
    if limit is not None:
        q["limit"] = limit
    if wait is not None:
        q["wait"] = wait
    q.update(extra)
    return "/v1/changes" + ("?" + urllib.parse.urlencode(q) if q else "")


def check_page(r, after):
    """r is a well-formed feed page for a request with `after`; returns the entries."""
    assert r.status == 200, r
    assert r.headers.get("content-type", "").split(";")[0].strip() == "application/json", r
    body = r.json
    assert isinstance(body, dict) and set(body) == {"changes", "next_cursor"}, r
    entries = body["changes"]
    assert isinstance(entries, list), r
    for e in entries:
        assert isinstance(e, dict) and set(e) == ENTRY_KEYS, f"entry keys {sorted(e)}: {r}"
        assert isinstance(e["cursor"], str) and e["cursor"], e
        assert re.fullmatch(r"[A-Za-z0-9_-]+=*", e["cursor"]), f"cursor not base64url: {e}"
        assert e["resource"] in RESOURCES, e
        assert isinstance(e["id"], int) and e["id"] > 0, e
        assert e["op"] in ("upsert", "delete"), e
        assert isinstance(e["version"], int) and e["version"] >= 1, e
        assert isinstance(e["at"], str) and RFC3339_UTC.match(e["at"]), f"`at` not RFC 3339 UTC: {e}"
        if e["op"] == "delete":
            assert e["data"] is None, f"a delete carries data: {e}"
        else:
            assert e["data"] is None or isinstance(e["data"], dict), e
            if e["data"] is not None:
                assert e["data"].get("id") == e["id"], e
    if entries:
        assert body["next_cursor"] == entries[-1]["cursor"], f"next_cursor is not the last entry's cursor: {r}"
    else:
        assert body["next_cursor"] == after, f"empty page must return `after` ({after!r}) as next_cursor: {r}"
    return entries


def page(s, after=None, limit=None, wait=None, role="reader", timeout=10):
    r = s.get(changes_path(after, limit, wait), role=role, timeout=timeout)
    return check_page(r, after), r


def read_to_end(s, after=None, limit=1000, role="reader"):
    """All entries after `after` (pages until an empty one); (entries, last cursor, raw bodies)."""
    out, bodies = [], []
    for _ in range(10000):
        entries, r = page(s, after, limit, role=role)
        bodies.append(r.body)
        if not entries:
            return out, after, bodies
        assert len(entries) <= limit, r
        out += entries
        after = r.json["next_cursor"]
    raise AssertionError("the feed never ended")


def feed_end(s):
    """The cursor after everything visible now."""
    return read_to_end(s)[1]


def key(e):
    return (e["resource"], e["id"], e["op"], e["version"])


def b64url(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def doc(s, resource, rid):
    path = {"practice": "practices", "unit": "units", "category": "categories", "contact": "contacts"}[resource]
    r = s.get(f"/v1/{path}/{rid}", role="reader")
    assert r.status == 200, r
    return r.json


def serve_threads(s):
    """BDP_THREADS of the running bdp serve, as its start-up log line says
    (the default is the server's, not necessarily DESIGN.md's)."""
    m = re.findall(r"with (\d+) threads", s.stderr_text())
    if m:
        return int(m[-1])
    return int(os.environ.get("BDP_THREADS", "16"))


class HeldTransaction:
    """A psql session with an open transaction, driven through its stdin."""

    def __init__(self, s):
        self.p = subprocess.Popen(
            ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", s.db_url],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        s.extra_procs.append(self.p)

    def query_line(self, sql):
        self.p.stdin.write(sql + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        assert line.strip(), f"psql gave no answer to {sql!r}: {self.p.stderr.read() if self.p.poll() is not None else ''}"
        return line.strip()

    def finish(self, sql="COMMIT;"):
        out, err = self.p.communicate(sql + "\n", timeout=30)
        assert self.p.returncode == 0, f"psql: {err}"

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


# --------------------------------------------------------------------------
# entries


def test_practice_create_patch_delete_are_upsert_upsert_delete(stack, api):
    s = stack
    start = feed_end(s)
    p = api.make_practice(status="draft")
    pid = p["id"]
    r = s.patch(f"/v1/practices/{pid}", {"summary": uniq("zmiana")}, role="editor", content_type=MERGE)
    assert r.status == 200 and r.json["version"] == 2, r

    entries, last, _ = read_to_end(s, start)
    mine = [e for e in entries if e["resource"] == "practice" and e["id"] == pid]
    assert [key(e) for e in mine] == [("practice", pid, "upsert", 1), ("practice", pid, "upsert", 2)], entries
    current = doc(s, "practice", pid)
    for e in mine:
        # the resource as a reader GETs it when the feed is read (a draft too)
        assert e["data"] == current, e
        at = datetime.datetime.fromisoformat(e["at"].replace("Z", "+00:00"))
        assert abs((datetime.datetime.now(datetime.timezone.utc) - at).total_seconds()) < 300, e

    r = s.delete(f"/v1/practices/{pid}", role="editor")
    assert r.status == 204, r
    entries, _, _ = read_to_end(s, start)
    mine = [e for e in entries if e["resource"] == "practice" and e["id"] == pid]
    assert [key(e) for e in mine] == [("practice", pid, "upsert", 1), ("practice", pid, "upsert", 2),
                                      ("practice", pid, "delete", 3)], entries
    # the practice no longer exists: nothing to render for any of its entries
    assert [e["data"] for e in mine] == [None, None, None], mine
    # cursors are distinct and the new page carries on from `last`
    after_last, _, _ = read_to_end(s, last)
    assert [key(e) for e in after_last if e["resource"] == "practice" and e["id"] == pid] == \
        [("practice", pid, "delete", 3)]
    assert len({e["cursor"] for e in entries}) == len(entries)


def test_units_categories_contacts_appear_with_their_names(stack, api):
    s = stack
    start = feed_end(s)
    u = api.make_unit()
    r = s.patch(f"/v1/units/{u['id']}", {"population": 777}, role="editor", content_type=MERGE)
    assert r.status == 200 and r.json["version"] == 2, r
    r = s.post("/v1/categories", {"name": uniq("Obszar feedu")}, role="editor")
    assert r.status == 201, r
    cat = r.json
    assert s.delete(f"/v1/categories/{cat['id']}", role="editor").status == 204
    p = api.make_practice(unit_id=u["id"])
    k = api.make_contact(p["id"])

    entries, _, _ = read_to_end(s, start)
    got = [key(e) for e in entries]
    assert got[:5] == [
        ("unit", u["id"], "upsert", 1), ("unit", u["id"], "upsert", 2),
        ("category", cat["id"], "upsert", 1), ("category", cat["id"], "delete", 2),
        ("practice", p["id"], "upsert", 1),
    ], got
    # adding a contact writes the contact and bumps its practice, in one transaction
    assert sorted(got[5:]) == sorted([("contact", k["id"], "upsert", 1), ("practice", p["id"], "upsert", 2)]), got
    by = {key(e): e for e in entries}
    assert by[("unit", u["id"], "upsert", 1)]["data"] == doc(s, "unit", u["id"])
    assert by[("unit", u["id"], "upsert", 2)]["data"] == doc(s, "unit", u["id"])
    assert by[("category", cat["id"], "upsert", 1)]["data"] is None, "category no longer exists"
    assert by[("contact", k["id"], "upsert", 1)]["data"] == doc(s, "contact", k["id"])
    assert by[("practice", p["id"], "upsert", 2)]["data"] == doc(s, "practice", p["id"])

    assert s.delete(f"/v1/contacts/{k['id']}", role="editor").status == 204
    entries, _, _ = read_to_end(s, start)
    got = [key(e) for e in entries]
    assert sorted(got[7:]) == sorted([("contact", k["id"], "delete", 2), ("practice", p["id"], "upsert", 3)]), got


def test_every_role_reads_anonymous_does_not(stack, api):
    api.make_unit()
    for role in ("reader", "partner", "editor", "admin"):
        entries, r = page(stack, limit=1, role=role)
        assert len(entries) == 1, r
    r = stack.get("/v1/changes")
    assert_problem(r, 401)
    assert r.headers.get("www-authenticate", "").startswith("Bearer"), r
    assert_problem(stack.get("/v1/changes", key="Bearer bdp_" + "0" * 40), 401)


# --------------------------------------------------------------------------
# paging


def test_paging_no_duplicates_no_gaps(stack, api):
    s = stack
    start = feed_end(s)
    unit_ids = [api.make_unit(teryt=None, type="zwiazek_jst", voivodeship=None)["id"] for _ in range(30)]
    # 50 entries of one transaction: the cursor must tell them apart
    bulk = s.psql(
        "INSERT INTO unit (name, type) SELECT 'bulk-' || g, 'zwiazek_jst' FROM generate_series(1, 50) g "
        "RETURNING id")
    bulk_ids = [int(x) for x in bulk.split()]
    assert len(bulk_ids) == 50
    unit_ids2 = [api.make_unit(teryt=None, type="zwiazek_jst", voivodeship=None)["id"] for _ in range(30)]
    expected = [("unit", i, "upsert", 1) for i in unit_ids + bulk_ids + unit_ids2]

    whole, last, _ = read_to_end(s, start, limit=1000)
    assert [key(e) for e in whole] == expected

    for limit in (1, 7, 50, 110):
        got, after, pages = [], start, 0
        while True:
            entries, r = page(s, after, limit)
            pages += 1
            assert len(entries) <= limit, r
            if not entries:
                break
            if len(got) + limit <= len(expected):
                assert len(entries) == limit, f"short page before the end (limit={limit}): {r}"
            got += entries
            after = r.json["next_cursor"]
        assert [e["cursor"] for e in got] == [e["cursor"] for e in whole], f"limit={limit}"
        assert after == last
        assert pages == -(-len(expected) // limit) + 1

    # default limit 100
    entries, _ = page(s, start)
    assert len(entries) == 100 and [e["cursor"] for e in entries] == [e["cursor"] for e in whole[:100]]
    # an empty page hands back the `after` given, and stays empty
    for _ in range(2):
        entries, r = page(s, last, 5)
        assert entries == [] and r.json["next_cursor"] == last, r
    # a cursor in the middle of the one-transaction batch resumes right after it
    mid = whole[30 + 24]
    entries, _ = page(s, mid["cursor"], 1000)
    assert [key(e) for e in entries] == expected[55:]


def test_read_from_the_start(stack, api):
    """No `after`: from the oldest entry (seeding is not an edit: the seeded
    categories are not in the feed) to the newest."""
    u = api.make_unit()
    entries, r = page(stack, limit=1000)
    assert entries, r
    all_entries, _, _ = read_to_end(stack, limit=7)
    assert [e["cursor"] for e in all_entries[:len(entries)]] == [e["cursor"] for e in entries]
    assert key(all_entries[-1]) == ("unit", u["id"], "upsert", 1)


# --------------------------------------------------------------------------
# never a missed change


def poll_loop(s, start, stop, wait, out, errors):
    after = start
    try:
        while True:
            finishing = stop.is_set()
            r = s.get(changes_path(after, 50, wait if not finishing else 0), role="partner", timeout=30)
            entries = check_page(r, after)
            out.extend(entries)
            after = r.json["next_cursor"]
            if finishing and not entries:
                return
    except BaseException as e:  # noqa: BLE001 - reported by the test
        errors.append(f"poller(wait={wait}): {e!r}")


def test_concurrent_writers_and_pollers_miss_nothing(stack, api):
    s = stack
    unit_id = api.unit_id()
    start = feed_end(s)
    written = []  # ("practice", id, version) from every 201/200 answer
    lock = threading.Lock()
    errors = []

    def writer(n):
        mine = []
        try:
            for i in range(30):
                if i % 3 == 0:
                    r = s.post("/v1/practices", {"title": uniq(f"Współbieżna {n}"), "unit_id": unit_id},
                               role="editor")
                    assert r.status == 201, r
                    mine.append(r.json["id"])
                else:
                    pid = mine[i % len(mine)]
                    r = s.patch(f"/v1/practices/{pid}", {"summary": uniq("s")}, role="editor",
                                content_type=MERGE)
                    assert r.status == 200, r
                with lock:
                    written.append(("practice", r.json["id"], r.json["version"]))
        except BaseException as e:  # noqa: BLE001
            errors.append(f"writer {n}: {e!r}")

    stop = threading.Event()
    seen_fast, seen_long = [], []
    pollers = [threading.Thread(target=poll_loop, args=(s, start, stop, 0, seen_fast, errors)),
               threading.Thread(target=poll_loop, args=(s, start, stop, 2, seen_long, errors))]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in pollers + writers:
        t.start()
    for t in writers:
        t.join(120)
    stop.set()
    for t in pollers:
        t.join(60)
    assert not any(t.is_alive() for t in writers + pollers), "a writer or poller hung"
    assert not errors, "\n".join(errors)
    assert len(written) == 180 and len(set(written)) == 180

    expected = set(written)
    mine = {i for (_, i, _) in written}
    for name, seen in (("poller wait=0", seen_fast), ("poller wait=2", seen_long)):
        keys = [(e["resource"], e["id"], e["version"]) for e in seen]
        dups = [k for k, c in collections.Counter(keys).items() if c > 1]
        assert not dups, f"{name} got these entries twice: {dups[:10]}"
        assert len({e["cursor"] for e in seen}) == len(seen), f"{name}: a cursor handed out twice"
        missed = expected - set(keys)
        assert not missed, f"{name} missed {len(missed)} of {len(expected)} versions, e.g. {sorted(missed)[:10]}"
        extra = {k for k in keys if k[0] == "practice" and k[1] in mine} - expected
        assert not extra, f"{name} got versions no writer reported: {sorted(extra)[:10]}"
        # each practice's versions come in order
        last = {}
        for r_, i, v in keys:
            if r_ == "practice" and i in mine:
                assert v > last.get(i, 0), f"{name}: practice {i} version {v} after {last[i]}"
                last[i] = v
    # both pollers saw the same sequence as a reader who reads it afterwards
    after_the_fact, _, _ = read_to_end(s, start)
    assert [e["cursor"] for e in seen_fast] == [e["cursor"] for e in after_the_fact]
    assert [e["cursor"] for e in seen_long] == [e["cursor"] for e in after_the_fact]


def test_out_of_order_commit_is_not_skipped(stack, api):
    """A transaction that began (got its id) first but commits last holds the
    feed back: the later commit is not handed out before it, and then both are."""
    s = stack
    start = feed_end(s)
    held = HeldTransaction(s)
    try:
        raw_id = int(held.query_line(
            f"BEGIN; INSERT INTO unit (name, type) VALUES ('{uniq('surowa')}', 'zwiazek_jst') RETURNING id;"))
        t_held = time.monotonic()

        # a long poll that is waiting when the later transaction commits
        long_poll = {}

        def lp():
            t0 = time.monotonic()
            long_poll["r"] = s.get(changes_path(start, 100, 2), role="partner", timeout=20)
            long_poll["dt"] = time.monotonic() - t0

        t = threading.Thread(target=lp)
        t.start()
        time.sleep(0.3)
        later = api.make_unit(teryt=None, type="zwiazek_jst", voivodeship=None)
        assert s.get(f"/v1/units/{later['id']}").status == 200
        t.join(30)
        assert not t.is_alive()
        entries = check_page(long_poll["r"], start)
        assert ("unit", later["id"]) not in {(e["resource"], e["id"]) for e in entries}, \
            f"the later commit was handed out while an earlier transaction was still open: {long_poll['r']}"
        # polling keeps holding it back while the earlier transaction is open (about 2 s in all)
        while time.monotonic() - t_held < 2.5:
            entries, r = page(s, start, 100, role="partner")
            assert ("unit", later["id"]) not in {(e["resource"], e["id"]) for e in entries}, \
                f"the later commit was handed out while an earlier transaction was still open: {r}"
            assert ("unit", raw_id) not in {(e["resource"], e["id"]) for e in entries}, r
            time.sleep(0.1)

        # a waiting partner is woken by the earlier transaction's commit and gets both
        woke = {}

        def lp2():
            woke["r"] = s.get(changes_path(start, 100, 10), role="partner", timeout=20)
            woke["t"] = time.monotonic()

        t = threading.Thread(target=lp2)
        t.start()
        time.sleep(0.5)
        held.finish("COMMIT;")
        t_commit = time.monotonic()
        t.join(20)
        assert not t.is_alive()
        entries = check_page(woke["r"], start)
        got = [(e["resource"], e["id"]) for e in entries]
        assert ("unit", raw_id) in got and ("unit", later["id"]) in got, \
            f"after the earlier commit both units must be handed out: {woke['r']}"
        assert got.index(("unit", raw_id)) < got.index(("unit", later["id"])), \
            "ordered by transaction id: the earlier transaction first"
        assert woke["t"] - t_commit <= 1.0, f"long poll answered {woke['t'] - t_commit:.2f} s after the commit"
        by = {(e["resource"], e["id"]): e for e in entries}
        assert by[("unit", raw_id)]["version"] == 1 and by[("unit", raw_id)]["data"]["id"] == raw_id
        assert by[("unit", raw_id)]["data"] == doc(s, "unit", raw_id)
        # and a plain read from the same cursor sees exactly the same
        again, _, _ = read_to_end(s, start)
        assert [(e["resource"], e["id"]) for e in again] == got
    finally:
        held.kill()


# --------------------------------------------------------------------------
# erasure


def test_erased_contact_is_nowhere_in_the_feed(stack, api):
    s = stack
    tag = uniq("erase").replace("-", "")
    name1, name2 = f"Name{tag}A", f"Name{tag}B"
    email = f"mail{tag}@example.org"
    phone = "+48 " + re.sub(r"\D", "", tag).rjust(9, "5")[-9:]
    role = f"Role{tag}"
    start = feed_end(s)
    p = api.make_practice(contacts=[{"name": name1, "email": email, "phones": [phone], "role": role,
                                     "public": False}])
    assert len(p["contacts"]) == 1, p
    kid = p["contacts"][0]["id"]
    r = s.patch(f"/v1/contacts/{kid}", {"name": name2}, role="editor", content_type=MERGE)
    assert r.status == 200, r

    # before the erasure the feed shows the contact (so the search below can
    # find it); a transaction still running elsewhere (another test's, the
    # search indexer's store) may hold the newest entries back a moment
    want = {("contact", kid, "upsert", 1), ("contact", kid, "upsert", 2)}
    deadline = time.monotonic() + 10
    while True:
        entries, _, bodies = read_to_end(s, start)
        if want <= {key(e) for e in entries} or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    blob = b"".join(bodies)
    for needle in (name2, email, phone, role):
        assert needle.encode() in blob, f"{needle!r} should be in the feed before the erasure"
    assert name1.encode() not in blob, "data is rendered when the feed is read: the old name is gone"
    assert want <= {key(e) for e in entries}

    assert s.delete(f"/v1/contacts/{kid}", role="editor").status == 204
    for role_ in ("reader", "partner", "admin"):
        _, _, bodies = read_to_end(s, None, limit=1000, role=role_)
        blob = b"".join(bodies)
        for needle in (name1, name2, email, phone, role, tag):
            assert needle.encode() not in blob, f"erased contact's {needle!r} still in the feed ({role_})"
    entries, _, _ = read_to_end(s, start)
    mine = [key(e) for e in entries if e["resource"] == "contact" and e["id"] == kid]
    assert mine == [("contact", kid, "upsert", 1), ("contact", kid, "upsert", 2), ("contact", kid, "delete", 3)]
    assert all(e["data"] is None for e in entries if e["resource"] == "contact" and e["id"] == kid)


# --------------------------------------------------------------------------
# long polls


def test_wait_with_nothing_new_returns_empty_after_the_wait(stack):
    last = feed_end(stack)
    t0 = time.monotonic()
    r = stack.get(changes_path(last, 10, 5), role="partner", timeout=30)
    dt = time.monotonic() - t0
    assert check_page(r, last) == [], r
    assert 4.5 <= dt <= 8, f"wait=5 with nothing new answered after {dt:.2f} s"
    # wait=0 answers at once
    t0 = time.monotonic()
    entries, r = page(stack, last, 10, 0, role="partner")
    assert entries == [] and time.monotonic() - t0 < 1.0, r


def test_long_poll_wakes_within_a_second_of_a_commit(stack, api):
    s = stack
    last = feed_end(s)
    w = {}

    def writer():
        time.sleep(1.0)
        r = s.post("/v1/units", {"name": uniq("Budząca"), "type": "zwiazek_jst", "teryt": None}, role="editor")
        w["t"] = time.monotonic()
        w["r"] = r

    t = threading.Thread(target=writer)
    t0 = time.monotonic()
    t.start()
    r = s.get(changes_path(last, 100, 10), role="partner", timeout=30)
    t_done = time.monotonic()
    t.join(30)
    assert w["r"].status == 201, w["r"]
    entries = check_page(r, last)
    assert ("unit", w["r"].json["id"], "upsert", 1) in [key(e) for e in entries], \
        f"long poll answered {t_done - t0:.2f} s in without the change: {r}"
    assert t_done - w["t"] <= 1.0, f"long poll answered {t_done - w['t']:.2f} s after the commit's answer"
    assert t_done - t0 <= 3.0, f"wait=10 answered after {t_done - t0:.2f} s"


def test_waiting_polls_hold_no_connection_and_are_capped(stack, api):
    """Half of BDP_THREADS long polls waiting: GETs still answer at once (a
    waiting request holds no pool connection); one more wait answers at once."""
    s = stack
    cap = serve_threads(s) // 2
    u = api.make_unit(teryt=None, type="zwiazek_jst", voivodeship=None)
    last = feed_end(s)
    results = []

    def waiter():
        t0 = time.monotonic()
        r = s.get(changes_path(last, 10, 4), role="partner", timeout=30)
        results.append((r, time.monotonic() - t0))

    ws = [threading.Thread(target=waiter) for _ in range(cap)]
    for t in ws:
        t.start()
    time.sleep(1.0)
    try:
        for _ in range(20):
            t0 = time.monotonic()
            r = s.get(f"/v1/units/{u['id']}", role="reader")
            dt = time.monotonic() - t0
            assert r.status == 200, f"with {cap} long polls waiting: {r}"
            assert dt < 1.0, f"GET took {dt:.2f} s with {cap} long polls waiting"
        t0 = time.monotonic()
        r = s.get(changes_path(last, 10, 4), role="partner", timeout=30)
        dt = time.monotonic() - t0
        assert check_page(r, last) == [], r
        assert dt < 1.5, f"a wait past the cap ({cap} waiting) should answer at once, took {dt:.2f} s"
    finally:
        for t in ws:
            t.join(30)
    assert len(results) == cap
    for r, dt in results:
        assert check_page(r, last) == [], r
        assert 3.5 <= dt <= 7, f"a waiting poll answered after {dt:.2f} s"


# --------------------------------------------------------------------------
# access and bad input


BAD = [
    ("after=garbage", "after"),
    ("after=not%20a%20cursor%21", "after"),
    ("after=" + b64url(b"hello world"), "after"),
    ("after=" + b64url(b"\x00"), "after"),
    ("limit=0", "limit"),
    ("limit=1001", "limit"),
    ("limit=-1", "limit"),
    ("limit=x", "limit"),
    ("limit=1.5", "limit"),
    ("limit=", "limit"),
    ("wait=61", "wait"),
    ("wait=-1", "wait"),
    ("wait=x", "wait"),
    ("wait=99999999999999999999", "wait"),
    ("foo=1", "foo"),
    ("cursor=abc", "cursor"),
    ("limit=10&bogus=1", "bogus"),
]


@pytest.mark.parametrize("query,field", BAD, ids=[q for q, _ in BAD])
def test_bad_input_400(stack, query, field):
    r = stack.get(f"/v1/changes?{query}", role="reader")
    assert_problem(r, 400, fields=[field])


def test_bounds_accepted(stack, api):
    api.make_unit()
    for q in ("limit=1", "limit=1000", "wait=0", "limit=1000&wait=0"):
        r = stack.get(f"/v1/changes?{q}", role="reader")
        assert r.status == 200, r
    # wait=60 is in range (with something to hand out it answers at once)
    entries, r = page(stack, None, 1, 60)
    assert len(entries) == 1, r


# --------------------------------------------------------------------------
# retention: a private stack that purges every second, retention 30 days


@pytest.fixture(scope="module")
def retention_stack():
    yield from running_stack("changes-retention",
                             env={"BDP_CHANGE_RETENTION_DAYS": "30", "BDP_CHANGE_PURGE_SECONDS": "1"})


def test_expired_cursor_410_and_fresh_start(retention_stack):
    s = retention_stack
    api = Api(s)

    def mk():
        return api.make_unit(teryt=None, type="zwiazek_jst", voivodeship=None)["id"]

    a1, a2, b1, c1 = mk(), mk(), mk(), mk()
    entries, _, _ = read_to_end(s)
    cur = {e["id"]: e["cursor"] for e in entries if e["resource"] == "unit"}
    seq = {int(i): int(q) for i, q in (line.split("|") for line in s.psql(
        "SELECT resource_id, seq FROM change WHERE resource = 'unit'").splitlines())}
    # everything up to a2 (seeded categories included) 100 days old, b1 40 days
    # (older than the configured 30, younger than the default 90), c1 20 days
    s.psql(f"UPDATE change SET at = now() - interval '100 days' WHERE seq <= {seq[a2]}")
    s.psql(f"UPDATE change SET at = now() - interval '40 days' WHERE seq = {seq[b1]}")
    s.psql(f"UPDATE change SET at = now() - interval '20 days' WHERE seq = {seq[c1]}")

    deadline = time.monotonic() + 15
    while s.psql("SELECT count(*) FROM change WHERE at < now() - interval '30 days'") != "0":
        assert time.monotonic() < deadline, "entries older than the retention were not purged within 15 s " \
            "(BDP_CHANGE_RETENTION_DAYS=30, BDP_CHANGE_PURGE_SECONDS=1)"
        time.sleep(0.2)
    time.sleep(1.5)  # another purge round: c1 (20 days) must survive it
    assert s.psql(f"SELECT count(*) FROM change WHERE seq = {seq[c1]}") == "1", "c1 is within the retention"

    for gone in (a1, a2):
        r = s.get(changes_path(cur[gone]), role="partner")
        p = assert_problem(r, 410)
        assert "export" in (p["title"] + " " + p["detail"]).lower(), \
            f"410 should say to start over from the export: {r}"
        r = s.get(changes_path(cur[gone], wait=5), role="partner")
        assert_problem(r, 410)
    # the last purged entry's cursor missed nothing: it goes on
    entries, r = page(s, cur[b1], role="partner")
    assert [key(e) for e in entries] == [("unit", c1, "upsert", 1)], r

    # from the start: only what is left
    entries, r = page(s, role="partner")
    assert [key(e) for e in entries] == [("unit", c1, "upsert", 1)], r
    d1 = mk()
    got, last, _ = read_to_end(s)
    assert [key(e) for e in got] == [("unit", c1, "upsert", 1), ("unit", d1, "upsert", 1)]
    got, _, _ = read_to_end(s, cur[c1])
    assert [key(e) for e in got] == [("unit", d1, "upsert", 1)]
    assert page(s, last)[0] == []


def test_empty_log_from_the_start_has_null_cursor(retention_stack):
    s = retention_stack
    s.psql("UPDATE change SET at = now() - interval '100 days'")
    deadline = time.monotonic() + 15
    while s.psql("SELECT count(*) FROM change") != "0":
        assert time.monotonic() < deadline, "entries were not purged within 15 s"
        time.sleep(0.2)
    entries, r = page(s, role="reader")
    assert entries == [] and r.json["next_cursor"] is None, r
