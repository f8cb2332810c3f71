"""Operations endpoints and the conventions every response follows:
/healthz, /readyz, /openapi.yaml, X-Request-Id, CORS, 404, 405, HEAD, OPTIONS,
the request log line."""

import json
import time

import pytest

from conftest import CORS_ORIGIN, assert_problem


def test_healthz(stack):
    r = stack.get("/healthz")
    assert r.status == 200, r
    assert r.json == {"status": "ok"}, r


def test_readyz(stack):
    r = stack.get("/readyz")
    assert r.status == 200, r
    assert r.json == {"status": "ready"}, r


def test_openapi_yaml(stack):
    r = stack.get("/openapi.yaml")
    assert r.status == 200, r
    assert "yaml" in r.headers.get("content-type", ""), r
    text = r.body.decode("utf-8")
    assert text.lstrip().startswith("openapi:") or "\nopenapi:" in text, r
    assert "3.1" in text.split("\n", 3)[0] + text[:200], r
    for path in ("/v1/practices", "/v1/units", "/v1/categories", "/v1/contacts"):
        assert path in text, f"openapi.yaml does not describe {path}"


@pytest.mark.parametrize("path", [
    "/nope", "/v1", "/v1/", "/v1/nope", "/v2/practices", "/v1/practices/1/nope",
    "/v1/units/1/2", "/v1/practicesx", "/v1/categories/1/contacts", "/healthz/x",
])
def test_unknown_path_404(stack, path):
    assert_problem(stack.get(path), 404)


@pytest.mark.parametrize("method,path,allowed", [
    ("DELETE", "/v1/practices", {"GET", "POST"}),
    ("PATCH", "/v1/units", {"GET", "POST"}),
    ("PUT", "/v1/categories", {"GET", "POST"}),
    ("POST", "/v1/units/1", {"GET", "PUT", "PATCH", "DELETE"}),
    ("POST", "/v1/practices/1", {"GET", "PUT", "PATCH", "DELETE"}),
    ("POST", "/v1/contacts/1", {"GET", "PUT", "PATCH", "DELETE"}),
    ("DELETE", "/v1/practices/1/contacts", {"GET", "POST"}),
    ("POST", "/healthz", {"GET"}),
    ("DELETE", "/readyz", {"GET"}),
    ("PUT", "/openapi.yaml", {"GET"}),
])
def test_method_not_allowed_405_with_allow(stack, method, path, allowed):
    r = stack.request(method, path, role="editor", body={} if method in ("PUT", "PATCH", "POST") else None)
    assert_problem(r, 405)
    allow = {m.strip().upper() for m in r.headers.get("allow", "").split(",") if m.strip()}
    assert allowed <= allow, f"Allow {allow} lacks {allowed - allow}: {r}"
    assert method not in allow, r


def test_options_204_with_allow(stack):
    r = stack.request("OPTIONS", "/v1/practices")
    assert r.status in (200, 204), r
    allow = {m.strip().upper() for m in r.headers.get("allow", "").split(",")}
    assert {"GET", "POST"} <= allow, r


def test_head_like_get_without_body(stack, api):
    u = api.make_unit()
    g = stack.get(f"/v1/units/{u['id']}")
    h = stack.request("HEAD", f"/v1/units/{u['id']}")
    assert h.status == 200, h
    assert h.body == b"", h
    assert h.headers.get("etag") == g.headers.get("etag"), (g, h)


def test_request_id_echoed(stack):
    rid = "abc-123_X.y"
    r = stack.get("/healthz", headers={"X-Request-Id": rid})
    assert r.headers.get("x-request-id") == rid, r


def test_request_id_echoed_on_problem(stack):
    rid = "req.problem-404"
    r = stack.get("/v1/nope", headers={"X-Request-Id": rid})
    p = assert_problem(r, 404)
    assert p["request_id"] == rid


def test_request_id_generated(stack):
    a = stack.get("/healthz").headers.get("x-request-id")
    b = stack.get("/healthz").headers.get("x-request-id")
    assert a and b and a != b, (a, b)


@pytest.mark.parametrize("bad", ["has space", "x" * 129, "semi;colon", "ü-unicode".encode().decode("latin-1")])
def test_request_id_invalid_is_replaced(stack, bad):
    r = stack.get("/healthz", headers={"X-Request-Id": bad})
    rid = r.headers.get("x-request-id")
    assert rid and rid != bad, r


def test_request_id_128_chars_kept(stack):
    rid = "a" * 128
    assert stack.get("/healthz", headers={"X-Request-Id": rid}).headers.get("x-request-id") == rid


def test_cors_simple_request_allowed_origin(stack):
    r = stack.get("/v1/units", headers={"Origin": CORS_ORIGIN})
    assert r.status == 200, r
    assert r.headers.get("access-control-allow-origin") == CORS_ORIGIN, r
    assert "origin" in r.headers.get("vary", "").lower(), r
    expose = {h.strip().lower() for h in r.headers.get("access-control-expose-headers", "").split(",")}
    assert {"etag", "location", "link", "x-request-id", "retry-after"} <= expose, r


def test_cors_on_error_response(stack):
    r = stack.get("/v1/units/0", headers={"Origin": CORS_ORIGIN})
    assert r.status == 404, r
    assert r.headers.get("access-control-allow-origin") == CORS_ORIGIN, r


def test_cors_disallowed_origin(stack):
    r = stack.get("/v1/units", headers={"Origin": "https://evil.example"})
    assert r.status == 200, r
    assert "access-control-allow-origin" not in r.headers, r
    assert "access-control-expose-headers" not in r.headers, r


def test_cors_preflight_allowed(stack):
    r = stack.request("OPTIONS", "/v1/practices", headers={
        "Origin": CORS_ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key, if-match",
    })
    assert r.status in (200, 204), r
    assert r.headers.get("access-control-allow-origin") == CORS_ORIGIN, r
    methods = {m.strip().upper() for m in r.headers.get("access-control-allow-methods", "").split(",")}
    assert "POST" in methods, r
    hdrs = {h.strip().lower() for h in r.headers.get("access-control-allow-headers", "").split(",")}
    assert {"authorization", "content-type", "if-match", "if-none-match", "idempotency-key",
            "x-request-id"} <= hdrs, r
    assert r.headers.get("access-control-max-age") == "600", r


def test_cors_preflight_on_item_for_patch(stack):
    r = stack.request("OPTIONS", "/v1/practices/1", headers={
        "Origin": CORS_ORIGIN, "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "content-type"})
    assert r.status in (200, 204), r
    assert r.headers.get("access-control-allow-origin") == CORS_ORIGIN, r
    methods = {m.strip().upper() for m in r.headers.get("access-control-allow-methods", "").split(",")}
    assert {"PATCH", "DELETE", "PUT"} <= methods, r


def test_cors_preflight_disallowed_origin(stack):
    r = stack.request("OPTIONS", "/v1/practices", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers, r
    assert "access-control-allow-methods" not in r.headers, r


def test_one_json_log_line_per_request(stack):
    rid = "log-line-check-1"
    stack.get("/v1/units", role="reader", headers={"X-Request-Id": rid})
    deadline = time.time() + 3
    lines = []
    while time.time() < deadline:
        lines = []
        for line in stack.stderr_text().splitlines():
            if rid in line:
                lines.append(json.loads(line))
        if lines:
            break
        time.sleep(0.1)
    assert len(lines) == 1, lines
    entry = lines[0]
    for k in ("time", "request_id", "method", "path", "status", "duration_ms", "key"):
        assert k in entry, entry
    assert entry["request_id"] == rid
    assert entry["method"] == "GET"
    assert entry["path"].startswith("/v1/units")
    assert entry["status"] == 200
    assert entry["key"] == stack.key_names["reader"]
    assert isinstance(entry["duration_ms"], (int, float))


def test_log_line_anonymous_key_null(stack):
    rid = "log-line-check-anon"
    stack.get("/v1/nope", headers={"X-Request-Id": rid})
    time.sleep(0.3)
    entries = [json.loads(l) for l in stack.stderr_text().splitlines() if rid in l]
    assert len(entries) == 1, entries
    assert entries[0]["key"] is None and entries[0]["status"] == 404, entries
