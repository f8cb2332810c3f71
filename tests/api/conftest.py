"""Fixtures for the API suite: a throwaway PostgreSQL (scripts/pg), a migrated
database, one key per role and a running `bdp serve`, plus an HTTP client.

Only the standard library and pytest. Run with /usr/bin/python3 -m pytest.
BDP_BIN names the binary under test (default build/bdp).
"""

import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG = str(ROOT / "scripts" / "pg")
MAX_BODY = 65536
CORS_ORIGIN = "https://app.example"
SANITIZER_MARKS = ("AddressSanitizer", "runtime error:", "LeakSanitizer")


def bdp_bin():
    b = Path(os.environ.get("BDP_BIN", "build/bdp"))
    if not b.is_absolute():
        b = ROOT / b
    return str(b)


def free_port():
    out = subprocess.run([PG, "free-port"], check=True, capture_output=True, text=True)
    return int(out.stdout.strip())


# --------------------------------------------------------------------------
# HTTP client


class CIDict(dict):
    """Header dict with case-insensitive keys; repeated headers are joined."""

    def __init__(self, pairs=()):
        super().__init__()
        for k, v in pairs:
            lk = k.lower()
            if lk in self:
                super().__setitem__(lk, super().__getitem__(lk) + ", " + v)
            else:
                super().__setitem__(lk, v)

    def __getitem__(self, k):
        return super().__getitem__(k.lower())

    def __contains__(self, k):
        return super().__contains__(k.lower())

    def get(self, k, default=None):
        return super().get(k.lower(), default)


class Response:
    def __init__(self, method, path, status, headers, body):
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers
        self.body = body
        self.json = None
        ctype = headers.get("content-type", "")
        if body and "json" in ctype:
            try:
                self.json = json.loads(body.decode("utf-8"))
            except ValueError:
                self.json = None

    def __iter__(self):
        return iter((self.status, self.headers, self.body, self.json))

    def __repr__(self):
        b = self.body[:600]
        return f"<{self.method} {self.path} -> {self.status} {dict(self.headers)} {b!r}>"


_UNSET = object()


class Stack:
    """One PostgreSQL + one `bdp serve`, and a client for it."""

    def __init__(self, name, env=None):
        self.name = name
        self.extra_env = dict(env or {})  # extra environment for `bdp serve`
        self.tmp = tempfile.mkdtemp(prefix=f"bdp-api-{name}-")
        os.chmod(self.tmp, 0o755)
        self.pgdir = os.path.join(self.tmp, "pg")
        self.pg_port = None
        self.db_url = None
        self.port = None
        self.proc = None
        self.stderr_path = os.path.join(self.tmp, "bdp.stderr")
        self.stderr_file = None
        self.keys = {}
        self.key_names = {}
        self.extra_procs = []
        self.deaths = []  # tests during which bdp serve died

    # -- lifecycle ---------------------------------------------------------

    def start_pg(self):
        if self.pg_port is None:
            self.pg_port = free_port()
        subprocess.run([PG, "start", self.pgdir, str(self.pg_port)], check=True)
        self.db_url = subprocess.run(
            [PG, "url", self.pgdir, str(self.pg_port)],
            check=True, capture_output=True, text=True,
        ).stdout.strip()

    def stop_pg(self):
        subprocess.run([PG, "stop", self.pgdir], check=True)

    def bdp(self, *args, check=True, env=None):
        e = dict(os.environ)
        e["BDP_DATABASE_URL"] = self.db_url
        if env:
            e.update(env)
        r = subprocess.run([bdp_bin(), *args], capture_output=True, text=True, env=e, timeout=60)
        for mark in SANITIZER_MARKS:
            assert mark not in r.stderr, f"bdp {args}: sanitizer report:\n{r.stderr}"
        if check and r.returncode != 0:
            raise AssertionError(f"bdp {' '.join(args)} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
        return r

    def migrate(self):
        self.bdp("migrate")

    def create_keys(self):
        for role in ("reader", "editor", "partner", "admin"):
            name = f"test-{role}-{self.name}"
            args = ["key", "create", "--name", name, "--role", role]
            if role == "partner":
                args += ["--source", "partner-a"]
            key = self.bdp(*args).stdout.strip()
            assert key and "\n" not in key, f"key create printed {key!r}"
            self.keys[role] = key
            self.key_names[role] = name

    def serve_env(self, port):
        e = dict(os.environ)
        e.update(
            BDP_DATABASE_URL=self.db_url,
            BDP_LISTEN=f"127.0.0.1:{port}",
            BDP_CORS_ORIGINS=CORS_ORIGIN,
            BDP_MAX_BODY_BYTES=str(MAX_BODY),
        )
        return e

    def spawn_serve(self, port, stderr_file, env=None):
        e = self.serve_env(port)
        if env:
            e.update(env)
        return subprocess.Popen(
            [bdp_bin(), "serve"], env=e, stdout=stderr_file, stderr=stderr_file,
            stdin=subprocess.DEVNULL,
        )

    def start_bdp(self):
        self.port = free_port()
        self.stderr_file = open(self.stderr_path, "ab")
        self.proc = self.spawn_serve(self.port, self.stderr_file, env=self.extra_env or None)
        wait_healthy(self.port, self.proc, self.stderr_path)

    def start(self):
        self.start_pg()
        self.migrate()
        self.create_keys()
        self.start_bdp()
        return self

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def stop_bdp(self):
        """SIGTERM bdp; returns its exit code (None when it had to be killed)."""
        if self.proc is None:
            return 0
        rc = terminate(self.proc)
        self.proc = None
        if self.stderr_file:
            self.stderr_file.close()
            self.stderr_file = None
        return rc

    def teardown(self):
        problems = []
        try:
            for d in self.deaths:
                problems.append(f"bdp serve died during {d}")
            rc = self.stop_bdp()
            if rc != 0:
                problems.append(f"bdp serve exited {rc} after SIGTERM (expected 0 within 10 s)")
            for p in self.extra_procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            err = self.stderr_text()
            for mark in SANITIZER_MARKS:
                if mark in err:
                    problems.append(f"bdp stderr contains {mark!r}")
            if problems:
                tail = "\n".join(l for l in err.splitlines() if not l.startswith("{"))[-8000:]
                problems.append("bdp stderr (non-log lines):\n" + tail)
        finally:
            subprocess.run([PG, "destroy", self.pgdir], check=False)
            shutil.rmtree(self.tmp, ignore_errors=True)
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)

    # -- database ----------------------------------------------------------

    def psql(self, sql, db_url=None):
        r = subprocess.run(
            ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db_url or self.db_url, "-c", sql],
            capture_output=True, text=True, timeout=30,
        )
        assert r.returncode == 0, f"psql failed: {r.stderr}"
        return r.stdout.strip()

    def row_counts(self):
        """{table: rows} for every table of the application: to prove that a
        rejected request wrote nothing, whatever the schema looks like. The
        search indexer's own tables change in the background, whatever the
        request did, and are left out."""
        out = self.psql(
            "SELECT table_schema || '.' || table_name, "
            "(xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', "
            "table_schema, table_name), false, true, '')))[1]::text "
            "FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema') "
            "AND table_name NOT IN ('search_queue', 'search_word', 'search_title_word') ORDER BY 1"
        )
        counts = {}
        for line in out.splitlines():
            t, c = line.split("|")
            counts[t] = int(c)
        return counts

    # -- HTTP --------------------------------------------------------------

    def request(self, method, path, body=None, headers=None, role=None, key=None,
                content_type=_UNSET, timeout=10, port=None):
        hdrs = {}
        if role is not None:
            hdrs["Authorization"] = f"Bearer {self.keys[role]}"
        if key is not None:
            hdrs["Authorization"] = key
        if body is not None and not isinstance(body, (bytes, bytearray, str)):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
        elif isinstance(body, str):
            body = body.encode("utf-8")
        if content_type is _UNSET:
            if body is not None:
                hdrs["Content-Type"] = "application/json"
        elif content_type is not None:
            hdrs["Content-Type"] = content_type
        for k, v in (headers or {}).items():
            hdrs[k] = v
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return Response(method, path, resp.status, CIDict(resp.getheaders()), data)
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def terminate(proc, timeout=10):
    if proc.poll() is not None:
        return proc.returncode
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


def wait_healthy(port, proc, stderr_path, timeout=20):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        if proc.poll() is not None:
            with open(stderr_path, "rb") as f:
                err = f.read().decode("utf-8", "replace")
            raise AssertionError(f"bdp serve exited {proc.returncode} at start:\n{err[-4000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            conn.close()
            if r.status == 200:
                return
            last = r.status
        except OSError as e:
            last = e
        time.sleep(0.1)
    raise AssertionError(f"bdp serve not healthy on port {port} within {timeout} s: {last}")


# --------------------------------------------------------------------------
# Unique test data

_counter = itertools.count(1)

VOIVODESHIPS = {
    "dolnośląskie": "02", "kujawsko-pomorskie": "04", "lubelskie": "06",
    "lubuskie": "08", "łódzkie": "10", "małopolskie": "12", "mazowieckie": "14",
    "opolskie": "16", "podkarpackie": "18", "podlaskie": "20", "pomorskie": "22",
    "śląskie": "24", "świętokrzyskie": "26", "warmińsko-mazurskie": "28",
    "wielkopolskie": "30", "zachodniopomorskie": "32",
}
VOIV_BY_CODE = {v: k for k, v in VOIVODESHIPS.items()}

_gmina_seq = itertools.count(0)
_powiat_seq = itertools.count(0)
_miasto_seq = itertools.count(0)


def uniq(prefix="t"):
    return f"{prefix}-{os.getpid()}-{next(_counter)}"


def gmina_teryt(kind=1, voiv="22"):
    n = next(_gmina_seq)
    powiat = 1 + (n // 98) % 60
    gmina = 1 + n % 98
    return f"{voiv}{powiat:02d}{gmina:02d}{kind}"


def powiat_teryt(voiv="24"):
    n = next(_powiat_seq)
    return f"{voiv}{1 + n % 60:02d}"


def miasto_teryt(voiv="30"):
    n = next(_miasto_seq)
    return f"{voiv}{61 + n % 39:02d}"


class Api:
    """Convenience layer over a Stack: creates units, practices, contacts."""

    def __init__(self, stack):
        self.s = stack
        self._unit = None

    def __getattr__(self, name):
        return getattr(self.s, name)

    def make_unit(self, **over):
        body = {
            "teryt": gmina_teryt(1, "22"),
            "name": uniq("Gmina"),
            "type": "gmina_miejska",
            "voivodeship": "pomorskie",
            "county": "słupski",
            "population": 12345,
            "population_year": 2020,
        }
        body.update(over)
        body = {k: v for k, v in body.items() if v is not _DROP}
        r = self.s.post("/v1/units", body, role="editor")
        assert r.status == 201, r
        return r.json

    def categories(self):
        r = self.s.get("/v1/categories?limit=200")
        assert r.status == 200, r
        return r.json["items"]

    def sub_category(self):
        for c in self.categories():
            if c.get("parent_id") is not None:
                return c
        raise AssertionError("no sub-area category seeded")

    def make_practice(self, role="editor", **over):
        if "unit_id" not in over:
            over["unit_id"] = self.unit_id()
        body = {"title": uniq("Praktyka"), "status": "published"}
        body.update(over)
        body = {k: v for k, v in body.items() if v is not _DROP}
        r = self.s.post("/v1/practices", body, role=role)
        assert r.status == 201, r
        return r.json

    def unit_id(self):
        """A unit shared by the practices that do not care which."""
        if self._unit is None:
            self._unit = self.make_unit()["id"]
        return self._unit

    def make_contact(self, practice_id, **over):
        body = {"name": uniq("Osoba"), "role": "Dyrektor", "phones": ["59 814 59 59"],
                "email": "osoba@example.pl", "public": True}
        body.update(over)
        r = self.s.post(f"/v1/practices/{practice_id}/contacts", body, role="editor")
        assert r.status == 201, r
        return r.json


_DROP = object()


@pytest.fixture(scope="session")
def drop():
    return _DROP


def running_stack(name, env=None):
    """Starts a Stack (its own PostgreSQL and bdp), yields it, tears it
    down, also when starting failed half-way. env: extra environment for
    `bdp serve` (e.g. BDP_CHANGE_PURGE_SECONDS)."""
    s = Stack(name, env=env)
    try:
        s.start()
    except BaseException:
        s.teardown()
        raise
    yield s
    s.teardown()


@pytest.fixture(scope="session")
def stack():
    if not os.access(bdp_bin(), os.X_OK):
        pytest.exit(f"{bdp_bin()} is not built (set BDP_BIN)", returncode=2)
    yield from running_stack("main")


@pytest.fixture(scope="session")
def api(stack):
    return Api(stack)


def restart_if_dead(s, request, started=None):
    """When bdp serve of stack s died during the test, fail the test, note
    it for the teardown, and start bdp again (then started(s), if given)
    so that the other tests still run."""
    if s.proc is not None and s.proc.poll() is not None:
        rc = s.proc.returncode
        s.deaths.append(f"{request.node.nodeid} (exit {rc})")
        s.stderr_file.close()
        s.proc = None
        s.start_bdp()
        if started:
            started(s)
        pytest.fail(f"bdp serve died during this test (exit status {rc})", pytrace=False)


@pytest.fixture(autouse=True)
def _restart_dead_bdp(request):
    """A test that kills bdp serve fails; the others still run."""
    yield
    if "stack" in request.fixturenames:
        restart_if_dead(request.getfixturevalue("stack"), request)


# --------------------------------------------------------------------------
# Assertions shared by the modules

PROBLEM_KINDS = {
    400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
    405: "method-not-allowed", 409: "conflict", 410: "gone", 412: "precondition-failed",
    413: "payload-too-large", 415: "unsupported-media-type", 422: "validation",
    503: "unavailable", 500: "internal",
}


def assert_problem(r, status, fields=(), any_field=None):
    """r is an RFC 9457 problem with the given status; every name in
    `fields` is an errors[].field (a tuple in it: one of those); with any_field, at least one of them is."""
    assert r.status == status, r
    ctype = r.headers.get("content-type", "")
    assert ctype.split(";")[0].strip() == "application/problem+json", r
    p = r.json
    assert isinstance(p, dict), r
    for k in ("type", "title", "status", "detail", "instance", "request_id", "errors"):
        assert k in p, f"problem lacks {k!r}: {r}"
    assert p["status"] == status, r
    assert p["type"] == f"urn:bdp:problem:{PROBLEM_KINDS[status]}", r
    assert isinstance(p["title"], str) and p["title"], r
    assert isinstance(p["detail"], str), r
    path_only = r.path.split("?")[0]
    assert p["instance"] in (path_only, r.path, urllib.parse.unquote(path_only)), r
    assert p["request_id"] == r.headers.get("x-request-id"), r
    assert isinstance(p["errors"], list), r
    for e in p["errors"]:
        assert isinstance(e, dict) and isinstance(e.get("field"), str) and isinstance(e.get("message"), str), r
    names = [e["field"] for e in p["errors"]]

    def named(f):
        # "category_ids" is also named by "category_ids[1]" or "implementer.fax"
        return any(n == f or n.startswith(f + "[") or n.startswith(f + ".") for n in names)

    for f in fields:
        alternatives = f if isinstance(f, tuple) else (f,)
        assert any(named(a) for a in alternatives), f"expected an error naming {f!r}, got {names}: {r}"
    if any_field:
        assert any(named(f) for f in any_field), f"expected one of {any_field} in {names}: {r}"
    return p


class Unchanged:
    """with Unchanged(stack): ... asserts that no table gained or lost rows."""

    def __init__(self, stack):
        self.s = stack

    def __enter__(self):
        self.before = self.s.row_counts()
        return self

    def __exit__(self, et, ev, tb):
        if et is None:
            after = self.s.row_counts()
            diff = {t: (self.before.get(t), after.get(t)) for t in set(self.before) | set(after)
                    if self.before.get(t) != after.get(t)}
            assert not diff, f"rejected request changed row counts: {diff}"
        return False


@pytest.fixture
def unchanged(stack):
    return lambda: Unchanged(stack)


def raw_http(port, data_parts, pause=0.0, timeout=10, between=None):
    """Sends raw bytes (in parts, with a pause between) and returns
    (status, headers, body) of the answer."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        for i, part in enumerate(data_parts):
            if i and pause:
                time.sleep(pause)
            if i and between:
                between()
            s.sendall(part)
        return read_http_response(s)
    finally:
        s.close()


def read_http_response(s):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before a full answer: {buf!r}")
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = CIDict((l.split(":", 1)[0].strip(), l.split(":", 1)[1].strip()) for l in lines[1:] if ":" in l)
    n = int(headers.get("content-length", "0") or 0)
    while len(rest) < n:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:n]


def parse_link_next(link):
    """The URL of rel="next" in a Link header, or None."""
    if not link:
        return None
    for part in link.split(","):
        part = part.strip()
        if 'rel="next"' in part or "rel=next" in part:
            url = part.split(";")[0].strip()
            assert url.startswith("<") and url.endswith(">"), link
            url = url[1:-1]
            u = urllib.parse.urlsplit(url)
            return u.path + ("?" + u.query if u.query else "")
    return None


def collect_pages(stack, first, role="reader", follow_link=False):
    ids, pages, path = [], 0, first
    total = None
    while path:
        r = stack.get(path, role=role)
        assert r.status == 200, r
        body = r.json
        assert set(body) >= {"items", "next_cursor", "total"}, body
        if total is None:
            total = body["total"]
        assert body["total"] == total, "total changed between pages"
        ids += [i["id"] for i in body["items"]]
        link = parse_link_next(r.headers.get("link"))
        pages += 1
        assert pages < 100
        if body["next_cursor"] is None:
            assert link is None, r
            path = None
        else:
            assert isinstance(body["next_cursor"], str) and link, r
            assert "cursor=" in link
            if follow_link:
                path = link
            else:
                sep = "&" if "?" in first else "?"
                path = f"{first}{sep}cursor={body['next_cursor']}"
    return ids, total, pages
