"""Unhappy request bodies: malformed, truncated, invalid UTF-8, duplicate
keys, NUL, huge numbers, deep nesting, too large, wrong content type, empty.
None may produce a 500 or write anything."""

import json
import socket
import time

import pytest

from conftest import MAX_BODY, assert_problem, raw_http, read_http_response


def valid_body(api):
    return json.dumps({"title": "Poprawna", "unit_id": api.unit_id()}).encode()


MALFORMED = [
    b"{",
    b'{"title": "x", "unit_id": ',
    b'{"title": "x", "unit_id": 1',
    b'{"title": "niedoko',
    b"{title: 'x'}",
    b'{"title": "x",}',
    b'{"title": "x"} trailing',
    b'{"title": "x"}{"title": "y"}',
    b"nul",
    b"tru",
    b'{"title": "x", "unit_id": 01}',
    b'{"title": "x", "unit_id": NaN}',
    b'{"title": "x", "unit_id": Infinity}',
    b'{"title": "x\ty", "unit_id": 1}',
    b'{"title": "\\x41", "unit_id": 1}',
    b'{"title": "\\ud800", "unit_id": 1}',
    b'{"title": "\\udc00\\ud800", "unit_id": 1}',
    b"   ",
    b"\x00",
]


@pytest.mark.parametrize("body", MALFORMED, ids=[repr(b)[:40] for b in MALFORMED])
def test_malformed_json_400(stack, unchanged, body):
    with unchanged():
        assert_problem(stack.post("/v1/practices", body, role="editor"), 400)


def test_truncated_valid_body_400(stack, api, unchanged):
    full = json.dumps({"title": "Ucięta", "unit_id": api.unit_id(), "summary": "ą" * 100,
                       "sections": [{"heading": "a", "body": "b"}]}, ensure_ascii=False).encode()
    with unchanged():
        for cut in (1, len(full) // 3, len(full) // 2, len(full) - 1):
            assert_problem(stack.post("/v1/practices", full[:cut], role="editor"), 400)


INVALID_UTF8 = [
    b'{"title": "\xff\xfe", "unit_id": 1}',
    b'{"title": "\xc0\xaf", "unit_id": 1}',
    b'{"title": "\xe2\x82", "unit_id": 1}',
    b'{"title": "\xed\xa0\x80", "unit_id": 1}',
    b'{"title": "\xf4\x90\x80\x80", "unit_id": 1}',
    b'{"tit\x80le": "x", "unit_id": 1}',
    b'{"title": "ok", "unit_id": 1, "summary": "Pomoc spo\xb3eczna"}',
]


@pytest.mark.parametrize("body", INVALID_UTF8, ids=[str(i) for i in range(len(INVALID_UTF8))])
def test_invalid_utf8_400(stack, unchanged, body):
    with unchanged():
        assert_problem(stack.post("/v1/practices", body, role="editor"), 400)


def test_duplicate_keys_400(stack, api, unchanged):
    u = api.unit_id()
    with unchanged():
        b = f'{{"title": "a", "title": "b", "unit_id": {u}}}'.encode()
        assert_problem(stack.post("/v1/practices", b, role="editor"), 400)
        b = f'{{"title": "a", "unit_id": {u}, "implementer": {{"name": "a", "name": "b"}}}}'.encode()
        assert_problem(stack.post("/v1/practices", b, role="editor"), 400)
        b = b'{"name": "a", "type": "zwiazek_jst", "type": "zwiazek_jst"}'
        assert_problem(stack.post("/v1/units", b, role="editor"), 400)


def test_duplicate_keys_in_patch_400(stack, api, unchanged):
    p = api.make_practice()
    with unchanged():
        r = stack.patch(f"/v1/practices/{p['id']}", b'{"title": "a", "title": null}', role="editor")
        assert_problem(r, 400)
    assert stack.get(f"/v1/practices/{p['id']}").json == p


def test_nul_escape_400(stack, api, unchanged):
    u = api.unit_id()
    with unchanged():
        for b in (f'{{"title": "a\\u0000b", "unit_id": {u}}}', f'{{"title": "a", "unit_id": {u}, "summary": "\\u0000"}}',
                  f'{{"title\\u0000": "a", "unit_id": {u}}}'):
            assert_problem(stack.post("/v1/practices", b.encode(), role="editor"), 400)
        assert_problem(stack.post("/v1/practices", b'{"title": "a\x00b", "unit_id": 1}', role="editor"), 400)


@pytest.mark.parametrize("num", [
    b"1e400", b"-1e400", b"99999999999999999999999", b"-99999999999999999999999",
    b"18446744073709551616", b"9223372036854775808",
])
def test_huge_numbers_400(stack, unchanged, num):
    with unchanged():
        b = b'{"title": "Liczby", "unit_id": ' + num + b"}"
        assert_problem(stack.post("/v1/practices", b, role="editor"), 400)
        b = b'{"name": "Liczby", "type": "zwiazek_jst", "population": ' + num + b"}"
        assert_problem(stack.post("/v1/units", b, role="editor"), 400)


def test_big_but_valid_numbers_422(stack, unchanged):
    with unchanged():
        b = b'{"name": "Liczby", "type": "zwiazek_jst", "population_year": 9223372036854775807}'
        assert_problem(stack.post("/v1/units", b, role="editor"), 422, ["population_year"])
        b = b'{"name": "Liczby", "type": "zwiazek_jst", "population": 1e300}'
        assert_problem(stack.post("/v1/units", b, role="editor"), 422, ["population"])


def test_deeply_nested_arrays_400(stack, unchanged):
    depth = 30000  # 60 kB: under the body limit, far over any sane nesting
    with unchanged():
        assert_problem(stack.post("/v1/practices", b"[" * depth + b"]" * depth, role="editor"), 400)
        b = b'{"title": "x", "unit_id": 1, "keywords": ' + b"[" * depth + b"]" * depth + b"}"
        assert_problem(stack.post("/v1/practices", b, role="editor"), 400)
        b = b'{"title": ' + b'{"a":' * 10000 + b"1" + b"}" * 10000 + b"}"
        assert_problem(stack.post("/v1/practices", b, role="editor"), 400)
    assert stack.get("/healthz").status == 200


def test_100000_deep_nested_arrays_no_crash(stack, unchanged):
    depth = 100000
    with unchanged():
        r = stack.post("/v1/practices", b"[" * depth + b"]" * depth, role="editor")
        assert r.status in (400, 413), r
        assert_problem(r, r.status)
        r = stack.post("/v1/practices", b"[" * depth, role="editor")
        assert r.status in (400, 413), r
    assert stack.get("/healthz").status == 200


def test_modest_nesting_is_a_validation_error(stack, api, unchanged):
    with unchanged():
        b = {"title": "x", "unit_id": api.unit_id(), "keywords": [[["a"]]]}
        assert_problem(stack.post("/v1/practices", b, role="editor"), 422, [("keywords[0]", "keywords")])


def test_oversized_body_413(stack, api, unchanged):
    body = json.dumps({"title": "Za duża", "unit_id": api.unit_id(), "summary": "a" * (MAX_BODY + 10)}).encode()
    with unchanged():
        assert_problem(stack.post("/v1/practices", body, role="editor"), 413)
        assert_problem(stack.post("/v1/units", b" " * (MAX_BODY + 1), role="editor"), 413)


def test_body_exactly_at_limit_accepted(stack, api):
    # padded with insignificant whitespace, so no field limit gets in the way
    skeleton = json.dumps({"title": "Na granicy", "unit_id": api.unit_id()}).encode()
    body = skeleton[:-1] + b" " * (MAX_BODY - len(skeleton)) + b"}"
    assert len(body) == MAX_BODY
    r = stack.post("/v1/practices", body, role="editor")
    assert r.status == 201, r
    r = stack.post("/v1/practices", body[:-1] + b" }", role="editor")
    assert_problem(r, 413)


def test_huge_content_length_rejected_before_reading(stack):
    """Only headers are sent: the answer must come without the body."""
    head = (f"POST /v1/practices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {stack.keys['editor']}\r\n"
            "Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n").encode()
    t = time.time()
    status, headers, body = raw_http(stack.port, [head, b'{"title": '], timeout=10)
    assert status == 413, (status, headers, body)
    assert time.time() - t < 5
    assert json.loads(body)["status"] == 413


def test_chunked_oversized_body_413(stack, unchanged):
    with unchanged():
        chunk = b"a" * 8192
        head = (f"POST /v1/practices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {stack.keys['editor']}\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
        parts = [head] + [b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(MAX_BODY // 8192 + 2)]
        parts.append(b"0\r\n\r\n")
        s = socket.create_connection(("127.0.0.1", stack.port), timeout=10)
        try:
            try:
                for p in parts:
                    s.sendall(p)
            except (BrokenPipeError, ConnectionResetError):
                pass
            status, headers, body = read_http_response(s)
        finally:
            s.close()
        assert status in (411, 413), (status, headers, body)
    assert stack.get("/healthz").status == 200


@pytest.mark.parametrize("ctype", [
    None, "text/plain", "application/xml", "application/jsonx", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x", "application/merge-patch+json", "text/json", "",
])
def test_wrong_content_type_415_on_post(stack, api, unchanged, ctype):
    with unchanged():
        r = stack.post("/v1/practices", valid_body(api), role="editor", content_type=ctype)
        assert_problem(r, 415)


@pytest.mark.parametrize("ctype", ["application/json; charset=utf-8", "application/json;charset=UTF-8",
                                   "Application/JSON"])
def test_json_content_type_variants_accepted(stack, api, ctype):
    r = stack.post("/v1/practices", valid_body(api), role="editor", content_type=ctype)
    assert r.status == 201, r


def test_wrong_content_type_415_on_put_patch(stack, api, unchanged):
    p = api.make_practice()
    path = f"/v1/practices/{p['id']}"
    with unchanged():
        assert_problem(stack.put(path, valid_body(api), role="editor", content_type="text/plain"), 415)
        assert_problem(stack.put(path, valid_body(api), role="editor",
                                 content_type="application/merge-patch+json"), 415)
        assert_problem(stack.patch(path, b'{"title": "x"}', role="editor", content_type="text/plain"), 415)
        assert_problem(stack.patch(path, b'{"title": "x"}', role="editor", content_type=None), 415)
    assert stack.get(path).json == p


def test_empty_body_400(stack, api, unchanged):
    p = api.make_practice()
    with unchanged():
        assert_problem(stack.post("/v1/practices", b"", role="editor"), 400)
        assert_problem(stack.post("/v1/units", b"", role="editor"), 400)
        assert_problem(stack.put(f"/v1/practices/{p['id']}", b"", role="editor"), 400)
        assert_problem(stack.patch(f"/v1/practices/{p['id']}", b"", role="editor"), 400)
        assert_problem(stack.post(f"/v1/practices/{p['id']}/contacts", b"", role="editor"), 400)


@pytest.mark.parametrize("body", [b"[]", b'"title"', b"null", b"42", b"true", b'[{"title": "x"}]'])
def test_non_object_json_rejected(stack, unchanged, body):
    with unchanged():
        r = stack.post("/v1/practices", body, role="editor")
        assert r.status in (400, 422), r
        assert_problem(r, r.status)


@pytest.mark.parametrize("path", ["/v1/units", "/v1/categories", "/v1/practices/{p}/contacts"])
def test_malformed_body_on_other_resources_400(stack, api, unchanged, path):
    p = api.make_practice()
    with unchanged():
        assert_problem(stack.post(path.format(p=p["id"]), b'{"name": ', role="editor"), 400)
        assert_problem(stack.post(path.format(p=p["id"]), b'{"name": "\xff"}', role="editor"), 400)


def test_server_survives_garbage_requests(stack):
    for raw in (b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x00\x01\x02\r\n\r\n",
                b"GET /v1/units HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                b"GET /v1/units HTTP/1.1\r\n" + b"X-Big: " + b"a" * 20000 + b"\r\n\r\n"):
        s = socket.create_connection(("127.0.0.1", stack.port), timeout=5)
        try:
            s.sendall(raw)
            try:
                s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                pass
        finally:
            s.close()
    assert stack.get("/healthz").status == 200
    assert stack.get("/v1/units").status == 200
