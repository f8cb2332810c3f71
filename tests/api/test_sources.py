"""PUT /v1/sources/{source}/practices/{external_id}: partners create and
replace their own records by their own ids; other sources are 403."""

from urllib.parse import quote

from conftest import assert_problem, uniq


def path(source, ext):
    return f"/v1/sources/{quote(source, safe='')}/practices/{quote(ext, safe='')}"


def test_partner_creates_then_replaces(stack, api):
    ext = uniq("ext")
    body = {"title": uniq("Z partnera"), "unit_id": api.unit_id(), "status": "published"}
    r = stack.put(path("partner-a", ext), body, role="partner")
    assert r.status == 201, r
    p = r.json
    assert p["source"] == "partner-a" and p["external_id"] == ext and p["version"] == 1
    assert r.headers.get("location") == f"/v1/practices/{p['id']}"
    assert r.headers.get("etag") == '"1"'

    body["title"] = "Zmieniony tytuł"
    r = stack.put(path("partner-a", ext), body, role="partner")
    assert r.status == 200, r
    assert r.json["id"] == p["id"] and r.json["version"] == 2
    assert r.json["title"] == "Zmieniony tytuł"
    assert stack.get(f"/v1/practices/{p['id']}").json["title"] == "Zmieniony tytuł"

    # the same pair again with a stale If-Match
    assert_problem(stack.put(path("partner-a", ext), body, role="partner",
                             headers={"If-Match": '"1"'}), 412)
    # the body may repeat the path's values
    body.update(source="partner-a", external_id=ext)
    assert stack.put(path("partner-a", ext), body, role="partner",
                     headers={"If-Match": '"2"'}).status == 200


def test_editor_may_write_any_source(stack, api):
    r = stack.put(path("partner-z", uniq("e")), {"title": "T", "unit_id": api.unit_id()},
                  role="editor")
    assert r.status == 201, r
    assert r.json["source"] == "partner-z"


def test_refusals_write_nothing(stack, api, unchanged):
    ext = uniq("ext")
    body = {"title": "T", "unit_id": api.unit_id()}
    with unchanged():
        assert_problem(stack.put(path("partner-b", ext), body, role="partner"), 403)
        assert_problem(stack.put(path("partner-a", ext), body, role="reader"), 403)
        assert_problem(stack.put(path("partner-a", ext), body), 401)
        assert_problem(stack.put(path("partner-a", ext), dict(body, external_id="other"),
                                 role="partner"), 422, fields=["external_id"])
        assert_problem(stack.put(path("partner-a", ext), dict(body, source="partner-b"),
                                 role="partner"), 422, fields=["source"])
        assert_problem(stack.put(path("partner-a", ext), dict(body, bogus=1), role="partner"),
                       422, fields=["bogus"])
        assert_problem(stack.put(path("partner-a", ext), {"title": "T", "unit_id": 99999999},
                                 role="partner"), 422, fields=["unit_id"])
        assert_problem(stack.put(path("partner-a", ext), body, role="partner",
                                 headers={"If-Match": '"1"'}), 412)
        assert_problem(stack.put(path("partner-a", ext) + "?x=1", body, role="partner"), 400,
                       fields=["x"])


def test_partner_cannot_take_over_another_sources_record(stack, api):
    ext = uniq("ext")
    r = stack.put(path("partner-b", ext), {"title": "B", "unit_id": api.unit_id()},
                  role="editor")
    assert r.status == 201, r
    assert_problem(stack.put(path("partner-b", ext), {"title": "A", "unit_id": api.unit_id()},
                             role="partner"), 403)
    assert stack.get(f"/v1/practices/{r.json['id']}", role="reader").json["title"] == "B"


def test_other_methods_and_shapes(stack):
    r = stack.get(path("partner-a", "x"))
    assert_problem(r, 405)
    assert "PUT" in r.headers.get("allow", "")
    assert_problem(stack.put("/v1/sources/partner-a/practices/", {"title": "T"}, role="partner"),
                   404)
