"""SIGTERM finishes the requests in flight, then bdp exits 0. Runs its own
bdp serve against the session's database."""

import json
import os
import signal
import socket
import threading
import time

import pytest

from conftest import SANITIZER_MARKS, free_port, read_http_response, terminate, uniq, wait_healthy


@pytest.fixture
def own_bdp(stack):
    port = free_port()
    path = os.path.join(stack.tmp, f"bdp-sigterm-{port}.stderr")
    f = open(path, "ab")
    proc = stack.spawn_serve(port, f)
    stack.extra_procs.append(proc)
    try:
        wait_healthy(port, proc, path)
        yield port, proc, path
    finally:
        terminate(proc)
        f.close()
        with open(path, "rb") as g:
            err = g.read().decode("utf-8", "replace")
        for mark in SANITIZER_MARKS:
            assert mark not in err, err[-8000:]


def test_sigterm_finishes_request_in_flight(stack, api, own_bdp):
    port, proc, _ = own_bdp
    title = uniq("Wysłana przed SIGTERM")
    body = json.dumps({"title": title, "unit_id": api.unit_id(), "summary": "ż" * 15000},
                      ensure_ascii=False).encode()
    head = (f"POST /v1/practices HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {stack.keys['editor']}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(head + body[: len(body) // 2])
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        assert proc.poll() is None, "bdp exited with a request in flight"
        s.sendall(body[len(body) // 2:])
        status, headers, rbody = read_http_response(s)
    finally:
        s.close()
    assert status == 201, (status, headers, rbody[:500])
    created = json.loads(rbody)
    assert created["title"] == title
    try:
        rc = proc.wait(timeout=10)
    except Exception:
        pytest.fail("bdp did not exit within 10 s of SIGTERM")
    assert rc == 0, rc
    assert stack.get(f"/v1/practices/{created['id']}", role="reader").status == 200


def test_sigterm_idle_exits_0_and_stops_listening(stack, own_bdp):
    port, proc, _ = own_bdp
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_sigterm_with_keepalive_idle_connection(stack, own_bdp):
    """An idle keep-alive connection must not keep bdp from exiting."""
    port, proc, _ = own_bdp
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        status, _, _ = read_http_response(s)
        assert status == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        s.close()


def test_sigterm_with_concurrent_requests(stack, api, own_bdp):
    port, proc, _ = own_bdp
    results = []

    def client():
        body = json.dumps({"title": uniq("Równoległa"), "unit_id": api.unit_id()}).encode()
        head = (f"POST /v1/practices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {stack.keys['editor']}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(head + body[:10])
            time.sleep(1.0)
            s.sendall(body[10:])
            results.append(read_http_response(s)[0])
            s.close()
        except Exception as e:
            results.append(e)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.4)
    proc.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(15)
    assert results == [201] * 4, results
    assert proc.wait(timeout=10) == 0


def test_sigterm_answers_waiting_long_polls_at_once(stack, own_bdp):
    """A long poll waiting for changes does not hold up shutdown: it gets its
    (empty) answer and bdp exits well before the poll's wait would end."""
    port, proc, _ = own_bdp
    key = stack.keys["reader"]
    # The end of the feed, however long the suite made it.
    cursor = None
    while True:
        page = stack.get("/v1/changes?limit=1000" + (f"&after={cursor}" if cursor else ""),
                         role="reader")
        assert page.status == 200, page
        if not page.json["changes"]:
            break
        cursor = page.json["next_cursor"]
    query = "/v1/changes?wait=60" + (f"&after={cursor}" if cursor else "")
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    try:
        s.sendall((f"GET {query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"Authorization: Bearer {key}\r\nConnection: close\r\n\r\n").encode())
        time.sleep(1.0)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        status, headers, rbody = read_http_response(s)
        answered = time.monotonic() - started
    finally:
        s.close()
    assert status == 200, (status, rbody[:300])
    assert json.loads(rbody)["changes"] == []
    assert answered < 5, f"the long poll was answered {answered:.1f} s after SIGTERM"
    try:
        rc = proc.wait(timeout=10)
    except Exception:
        pytest.fail("bdp did not exit within 10 s of SIGTERM with a long poll waiting")
    assert rc == 0
