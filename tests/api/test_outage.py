"""PostgreSQL goes away while clients write: every answer is 201 or 503 with
Retry-After (never a 500, never a hang), bdp recovers by itself when the
database is back, and every write answered 201 is stored. Runs its own
PostgreSQL and bdp so that the rest of the suite is not disturbed."""

import http.client
import json
import threading
import time

import pytest

from conftest import Api, assert_problem, running_stack, uniq


@pytest.fixture(scope="module")
def outage_stack():
    yield from running_stack("outage")


def post_practice(port, key, unit_id, title):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        body = json.dumps({"title": title, "unit_id": unit_id, "status": "published"})
        conn.request("POST", "/v1/practices", body=body,
                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


def test_database_outage_and_recovery(outage_stack):
    s = outage_stack
    api = Api(s)
    unit_id = api.make_unit()["id"]
    key = s.keys["editor"]
    answers = []  # (title, status, headers, body) or (title, exception)
    lock = threading.Lock()
    stop_at = time.time() + 6.0

    def writer(n):
        i = 0
        while time.time() < stop_at:
            title = f"Awaria {n}-{i}-{uniq('x')}"
            i += 1
            t0 = time.time()
            try:
                st, hd, body = post_practice(s.port, key, unit_id, title)
                rec = (title, st, hd, body, time.time() - t0)
            except Exception as e:  # a timeout or a dropped connection is a failure
                rec = (title, e, None, None, time.time() - t0)
            with lock:
                answers.append(rec)
            if not isinstance(rec[1], int) or rec[1] != 201:
                time.sleep(0.05)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    s.stop_pg()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "a client hung"

    failures = []
    created = []
    saw_503 = False
    for title, st, hd, body, took in answers:
        if not isinstance(st, int):
            failures.append(f"{title}: {st!r} after {took:.1f} s")
        elif st == 201:
            created.append(json.loads(body)["id"])
        elif st == 503:
            saw_503 = True
            if "retry-after" not in hd:
                failures.append(f"{title}: 503 without Retry-After")
            if not hd.get("content-type", "").startswith("application/problem+json"):
                failures.append(f"{title}: 503 not a problem: {hd}")
        else:
            failures.append(f"{title}: status {st}: {body[:300]!r}")
    assert not failures, "\n".join(failures[:20])
    assert created, "no write succeeded before the outage"
    assert saw_503, "no 503 while PostgreSQL was down"

    # readiness reports the outage
    r = s.get("/readyz")
    assert_problem(r, 503)
    assert "retry-after" in r.headers
    assert s.get("/healthz").status == 200

    # reads fail cleanly too
    r = s.get(f"/v1/practices/{created[0]}", timeout=10)
    assert_problem(r, 503)

    s.start_pg()
    deadline = time.time() + 15
    ready = None
    while time.time() < deadline:
        try:
            ready = s.get("/readyz", timeout=5)
            if ready.status == 200:
                break
        except OSError as e:
            ready = e
        time.sleep(0.2)
    assert getattr(ready, "status", None) == 200, f"bdp not ready 15 s after PostgreSQL came back: {ready}"

    r = s.post("/v1/practices", {"title": uniq("Po awarii"), "unit_id": unit_id}, role="editor")
    assert r.status == 201, r

    missing = [pid for pid in created if s.get(f"/v1/practices/{pid}", role="reader").status != 200]
    assert not missing, f"answered 201 but not stored: {missing}"
    assert len(created) == len(set(created))


def test_bdp_survives_repeated_restarts(outage_stack):
    s = outage_stack
    for _ in range(2):
        s.stop_pg()
        r = s.get("/v1/units", timeout=10)
        assert_problem(r, 503)
        s.start_pg()
        deadline = time.time() + 15
        while time.time() < deadline and s.get("/readyz").status != 200:
            time.sleep(0.2)
        r = s.get("/v1/units", timeout=10)
        assert r.status == 200, r
