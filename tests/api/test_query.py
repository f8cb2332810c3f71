"""Query strings and ids: unknown parameters, bad limit and cursor, bad
filter values, ids that do not exist or are not ids."""

import base64

import pytest

from conftest import assert_problem

LISTS = ["/v1/practices", "/v1/units", "/v1/categories", "/v1/practices/{p}/contacts"]


@pytest.fixture(scope="module")
def pid(api):
    return api.make_practice(status="published")["id"]


def lp(path, pid):
    return path.format(p=pid)


@pytest.mark.parametrize("path", LISTS)
def test_unknown_query_parameter_400(stack, pid, path):
    r = stack.get(lp(path, pid) + "?colour=red")
    p = assert_problem(r, 400, ["colour"])
    assert p["errors"][0]["field"] == "colour"
    r = stack.get(lp(path, pid) + "?limit=5&Limit=5")
    assert_problem(r, 400, ["Limit"])


@pytest.mark.parametrize("path", ["/v1/practices/{p}", "/v1/units/{u}", "/v1/categories/{k}"])
def test_unknown_query_parameter_on_single_resource_400(stack, api, pid, path):
    u = api.unit_id()
    k = api.categories()[0]["id"]
    r = stack.get(path.format(p=pid, u=u, k=k) + "?expand=all")
    assert_problem(r, 400, ["expand"])


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("limit", ["0", "201", "x", "-1", "", "1.5", "99999999999999999999", "20abc"])
def test_bad_limit_400(stack, pid, path, limit):
    assert_problem(stack.get(lp(path, pid) + f"?limit={limit}"), 400, ["limit"])


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("limit", ["1", "200"])
def test_limit_bounds_accepted(stack, pid, path, limit):
    r = stack.get(lp(path, pid) + f"?limit={limit}")
    assert r.status == 200, r
    assert len(r.json["items"]) <= int(limit)


def b64(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


BAD_CURSORS = ["!!!", "abc", "%00", "x" * 2000, b64(b"garbage"), b64(b'{"id": "x"}'), b64(b"\xff\xfe\x00"),
               b64(b"-1"), b64(b"9999999999999999999999999"), "====", "%E2%82%AC"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("cursor", BAD_CURSORS, ids=[str(i) for i in range(len(BAD_CURSORS))])
def test_malformed_cursor_400(stack, pid, path, cursor):
    assert_problem(stack.get(lp(path, pid) + f"?cursor={cursor}"), 400, ["cursor"])


def test_cursor_from_another_list_is_safe(stack, api):
    for _ in range(3):
        api.make_unit()
    r = stack.get("/v1/units?limit=1")
    cur = r.json["next_cursor"]
    assert cur
    r = stack.get(f"/v1/practices?cursor={cur}")
    assert r.status in (200, 400), r


@pytest.mark.parametrize("q,field", [
    ("unit_id=abc", "unit_id"),
    ("unit_id=1.5", "unit_id"),
    ("unit_id=99999999999999999999", "unit_id"),
    ("status=bogus", "status"),
])
def test_bad_practice_filter_values_400(stack, q, field):
    assert_problem(stack.get("/v1/practices?" + q, role="reader"), 400, [field])


def test_bad_category_filter_400(stack):
    assert_problem(stack.get("/v1/categories?parent_id=abc"), 400, ["parent_id"])


def test_percent_encoded_query(stack, api):
    u = api.make_unit(name="Gmina Łódź-Test")
    r = stack.get("/v1/units?q=%C5%81%C3%B3d%C5%BA-test")
    assert r.status == 200, r
    assert u["id"] in [i["id"] for i in r.json["items"]]


BAD_IDS = ["0", "-1", "99999999999", "abc", "1.5", "99999999999999999999999", "1e3", "%20", "01x", "0x10"]


@pytest.mark.parametrize("res", ["practices", "units", "categories", "contacts"])
@pytest.mark.parametrize("bad", BAD_IDS)
def test_unknown_or_malformed_ids_404(stack, res, bad):
    assert_problem(stack.get(f"/v1/{res}/{bad}", role="reader"), 404)


@pytest.mark.parametrize("res", ["practices", "units", "categories", "contacts"])
@pytest.mark.parametrize("bad", ["0", "-1", "99999999999", "abc"])
def test_writes_to_unknown_ids_404(stack, unchanged, res, bad):
    with unchanged():
        assert_problem(stack.delete(f"/v1/{res}/{bad}", role="editor"), 404)
        body = {"title": "x"} if res == "practices" else {"name": "x"}
        assert_problem(stack.patch(f"/v1/{res}/{bad}", body, role="editor"), 404)


@pytest.mark.parametrize("bad", ["0", "-1", "99999999999", "abc"])
def test_contacts_of_unknown_practice_404(stack, unchanged, bad):
    assert_problem(stack.get(f"/v1/practices/{bad}/contacts", role="reader"), 404)
    with unchanged():
        assert_problem(stack.post(f"/v1/practices/{bad}/contacts", {"name": "x"}, role="editor"), 404)
