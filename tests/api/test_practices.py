"""Practices: create, read, replace, merge patch, delete, ETags and
preconditions, Idempotency-Key, listing with filters and keyset paging."""

import datetime
import re

import pytest

from conftest import assert_problem, collect_pages, parse_link_next, uniq

SEED_LIKE = {
    "status": "published",
    "summary": "W powiecie słupskim przeprowadzono restrukturyzację placówki opiekuńczo-wychowawczej.",
    "sections": [
        {"heading": "Opis sytuacji przed wdrożeniem", "body": "Dom Dziecka w Ustce ..."},
        {"heading": "Rezultaty", "body": "Rodzinne domy dziecka."},
    ],
    "implementer": {
        "name": "Starostwo Powiatowe w Słupsku", "street": "ul. Szarych Szeregów 14",
        "postal_code": "76-200", "post_office": "Słupsk", "locality": "Słupsk",
        "phones": ["59 841-85-00"], "fax": "59 842-71-11",
        "websites": ["www.pcprslupsk.mojbip.pl", "www.towarzystwonaszdom.pl"],
        "email": "starostwo@powiat.slupsk.pl",
    },
    "partners": ["Towarzystwo „Nasz Dom”"],
    "attachments": [{"title": "Prezentacja", "url": "https://example.pl/a.pdf",
                     "media_type": "application/pdf", "size_bytes": 1024}],
    "keywords": ["dom dziecka", "piecza zastępcza"],
    "entered_on": "2008-01-07",
    "revised_on": "2011-02-26",
}

TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$")


def full_practice(api, **over):
    cat = api.sub_category()
    body = dict(SEED_LIKE, title=uniq("Przekształcenie Domu Dziecka"), unit_id=api.unit_id(),
                category_ids=[cat["id"]])
    body.update(over)
    return body


def test_create_returns_201_location_and_document(stack, api):
    body = full_practice(api)
    body["contacts"] = [{"name": "Iwona Niemasz", "role": "Dyrektor", "phones": ["59 814 59 59"],
                         "email": "dzieciakiustka@poczta.onet.pl", "public": True}]
    r = stack.post("/v1/practices", body, role="editor")
    assert r.status == 201, r
    p = r.json
    assert isinstance(p["id"], int) and p["id"] > 0
    assert r.headers.get("location") == f"/v1/practices/{p['id']}", r
    assert r.headers.get("etag") == '"1"', r
    assert p["version"] == 1
    for k in ("title", "status", "summary", "sections", "implementer", "partners",
              "attachments", "keywords", "entered_on", "revised_on", "unit_id", "category_ids"):
        assert p[k] == body[k], (k, p[k], body[k])
    assert p["unit"]["id"] == body["unit_id"]
    assert p["unit"]["voivodeship"] == "pomorskie"
    assert p["categories"][0]["id"] == body["category_ids"][0]
    assert len(p["categories"][0]["path"]) == 2
    assert p["participant_unit_ids"] == []
    assert p["source"] is None and p["external_id"] is None
    assert TS.match(p["created_at"]) and TS.match(p["updated_at"]), p
    assert len(p["contacts"]) == 1
    c = p["contacts"][0]
    assert c["name"] == "Iwona Niemasz" and c["public"] is True and isinstance(c["id"], int)

    g = stack.get(f"/v1/practices/{p['id']}")
    assert g.status == 200, g
    assert g.json == p, (g.json, p)
    assert g.headers.get("etag") == '"1"'
    assert g.headers.get("content-type", "").startswith("application/json")


def test_create_minimal_applies_defaults(stack, api):
    r = stack.post("/v1/practices", {"title": "Minimalna", "unit_id": api.unit_id()}, role="editor")
    assert r.status == 201, r
    p = r.json
    assert p["status"] == "draft"
    assert p["summary"] == ""
    assert p["sections"] == [] and p["partners"] == [] and p["keywords"] == []
    assert p["attachments"] == [] and p["category_ids"] == [] and p["contacts"] == []
    assert p["revised_on"] is None
    today = datetime.date.today()
    entered = datetime.date.fromisoformat(p["entered_on"])
    assert abs((entered - today).days) <= 1, p


def test_participant_units(stack, api):
    u2 = api.make_unit()
    p = api.make_practice(participant_unit_ids=[u2["id"]])
    assert p["participant_unit_ids"] == [u2["id"]]


def test_put_replaces(stack, api):
    p = api.make_practice(**full_practice(api))
    new = {"title": "Zastąpiona", "unit_id": p["unit_id"]}
    r = stack.put(f"/v1/practices/{p['id']}", new, role="editor")
    assert r.status == 200, r
    q = r.json
    assert q["title"] == "Zastąpiona" and q["version"] == 2
    assert r.headers.get("etag") == '"2"'
    assert q["summary"] == "" and q["sections"] == [] and q["keywords"] == []
    assert q["partners"] == [] and q["attachments"] == [] and q["category_ids"] == []
    assert q["status"] == "draft" and q["revised_on"] is None
    assert q["created_at"] == p["created_at"]
    assert stack.get(f"/v1/practices/{p['id']}", role="reader").json == q


def test_put_roundtrip_of_get_document_ignores_read_only_fields(stack, api):
    p = api.make_practice(**full_practice(api))
    doc = dict(p)
    doc.pop("contacts")
    doc["version"] = 999
    doc["id"] = 424242
    r = stack.put(f"/v1/practices/{p['id']}", doc, role="editor")
    assert r.status == 200, r
    assert r.json["id"] == p["id"] and r.json["version"] == 2
    for k in ("title", "summary", "sections", "implementer", "keywords", "entered_on"):
        assert r.json[k] == p[k]


def test_put_and_patch_with_contacts_is_422(stack, api, unchanged):
    p = api.make_practice()
    with unchanged():
        r = stack.put(f"/v1/practices/{p['id']}", {"title": "x", "unit_id": p["unit_id"], "contacts": []},
                      role="editor")
        assert_problem(r, 422, ["contacts"])
        r = stack.patch(f"/v1/practices/{p['id']}", {"contacts": []}, role="editor")
        assert_problem(r, 422, ["contacts"])
    assert stack.get(f"/v1/practices/{p['id']}").json["version"] == 1


def test_put_missing_required_is_422(stack, api):
    p = api.make_practice()
    r = stack.put(f"/v1/practices/{p['id']}", {"summary": "bez tytułu"}, role="editor")
    assert_problem(r, 422, ["title", "unit_id"])


def test_merge_patch(stack, api):
    p = api.make_practice(**full_practice(api))
    path = f"/v1/practices/{p['id']}"
    r = stack.patch(path, {"title": "Nowy tytuł"}, role="editor", content_type="application/merge-patch+json")
    assert r.status == 200, r
    q = r.json
    assert q["title"] == "Nowy tytuł" and q["version"] == 2
    assert r.headers.get("etag") == '"2"'
    for k in ("summary", "sections", "implementer", "keywords", "revised_on", "category_ids"):
        assert q[k] == p[k], k

    # plain application/json is the same merge patch
    r = stack.patch(path, {"keywords": ["nowe"]}, role="editor")
    assert r.status == 200, r
    assert r.json["keywords"] == ["nowe"] and r.json["title"] == "Nowy tytuł"
    assert r.json["version"] == 3


def test_merge_patch_null_removes_or_resets(stack, api):
    p = api.make_practice(**full_practice(api))
    path = f"/v1/practices/{p['id']}"
    r = stack.patch(path, {"revised_on": None, "summary": None, "keywords": None, "status": None},
                    role="editor", content_type="application/merge-patch+json")
    assert r.status == 200, r
    q = r.json
    assert q["revised_on"] is None
    assert q["summary"] == ""
    assert q["keywords"] == []
    assert q["status"] == "draft"
    assert q["title"] == p["title"]


def test_merge_patch_nested_objects_merge(stack, api):
    p = api.make_practice(**full_practice(api))
    path = f"/v1/practices/{p['id']}"
    r = stack.patch(path, {"implementer": {"fax": None, "email": "nowy@powiat.slupsk.pl"}},
                    role="editor", content_type="application/merge-patch+json")
    assert r.status == 200, r
    impl = r.json["implementer"]
    assert impl.get("fax") is None
    assert impl["email"] == "nowy@powiat.slupsk.pl"
    assert impl["name"] == p["implementer"]["name"]
    assert impl["street"] == p["implementer"]["street"]
    assert impl["websites"] == p["implementer"]["websites"]


def test_merge_patch_null_on_required_is_422(stack, api, unchanged):
    p = api.make_practice()
    with unchanged():
        r = stack.patch(f"/v1/practices/{p['id']}", {"title": None}, role="editor")
        assert_problem(r, 422, ["title"])
        r = stack.patch(f"/v1/practices/{p['id']}", {"unit_id": None}, role="editor")
        assert_problem(r, 422, ["unit_id"])
        r = stack.patch(f"/v1/practices/{p['id']}", {"colour": "red"}, role="editor")
        assert_problem(r, 422, ["colour"])
    assert stack.get(f"/v1/practices/{p['id']}").json == p


def test_patch_with_nonobject_body(stack, api):
    p = api.make_practice()
    r = stack.patch(f"/v1/practices/{p['id']}", [1, 2], role="editor")
    assert r.status in (400, 422), r
    assert_problem(r, r.status)
    assert stack.get(f"/v1/practices/{p['id']}").json["version"] == 1


def test_empty_merge_patch_is_harmless(stack, api):
    p = api.make_practice()
    r = stack.patch(f"/v1/practices/{p['id']}", {}, role="editor")
    assert r.status == 200, r
    assert r.json["title"] == p["title"]


def test_delete(stack, api, unchanged):
    p = api.make_practice()
    path = f"/v1/practices/{p['id']}"
    r = stack.delete(path, role="editor")
    assert r.status == 204, r
    assert r.body == b""
    assert_problem(stack.get(path, role="reader"), 404)
    with unchanged():
        assert_problem(stack.delete(path, role="editor"), 404)
        assert_problem(stack.patch(path, {"title": "x"}, role="editor"), 404)
        assert_problem(stack.put(path, {"title": "x", "unit_id": p["unit_id"]}, role="editor"), 404)


def test_delete_practice_removes_its_contacts(stack, api):
    p = api.make_practice()
    c = api.make_contact(p["id"])
    assert stack.delete(f"/v1/practices/{p['id']}", role="editor").status == 204
    assert_problem(stack.get(f"/v1/contacts/{c['id']}", role="reader"), 404)


# ---------------------------------------------------------------- ETags


def test_if_none_match_304(stack, api):
    p = api.make_practice()
    path = f"/v1/practices/{p['id']}"
    r = stack.get(path, headers={"If-None-Match": '"1"'})
    assert r.status == 304, r
    assert r.body == b""
    assert r.headers.get("etag") == '"1"'
    r = stack.get(path, headers={"If-None-Match": '"7"'})
    assert r.status == 200, r
    r = stack.get(path, headers={"If-None-Match": '"5", "1"'})
    assert r.status == 304, r
    r = stack.get(path, headers={"If-None-Match": 'W/"1"'})
    assert r.status == 304, r


def test_if_match_412_when_stale(stack, api, unchanged):
    p = api.make_practice()
    path = f"/v1/practices/{p['id']}"
    r = stack.patch(path, {"title": "v2"}, role="editor", headers={"If-Match": '"1"'})
    assert r.status == 200, r
    with unchanged():
        assert_problem(stack.patch(path, {"title": "v3"}, role="editor", headers={"If-Match": '"1"'}), 412)
        assert_problem(stack.put(path, {"title": "v3", "unit_id": p["unit_id"]}, role="editor",
                                 headers={"If-Match": '"1"'}), 412)
        assert_problem(stack.delete(path, role="editor", headers={"If-Match": '"1"'}), 412)
    g = stack.get(path)
    assert g.json["title"] == "v2" and g.json["version"] == 2
    r = stack.put(path, {"title": "v3", "unit_id": p["unit_id"], "status": "published"}, role="editor",
                  headers={"If-Match": 'W/"2"'})
    assert r.status == 200, r
    r = stack.patch(path, {"title": "v4"}, role="editor", headers={"If-Match": "*"})
    assert r.status == 200 and r.json["version"] == 4, r
    r = stack.delete(path, role="editor", headers={"If-Match": '"4"'})
    assert r.status == 204, r


def test_if_match_star_on_missing_is_404_or_412(stack):
    r = stack.patch("/v1/practices/987654321", {"title": "x"}, role="editor", headers={"If-Match": "*"})
    assert r.status in (404, 412), r


@pytest.mark.parametrize("bad", ["1", "abc", '"1', '"x"', "W/1"])
def test_malformed_if_match_400(stack, api, bad, unchanged):
    p = api.make_practice()
    with unchanged():
        r = stack.patch(f"/v1/practices/{p['id']}", {"title": "x"}, role="editor", headers={"If-Match": bad})
        assert_problem(r, 400)
    assert stack.get(f"/v1/practices/{p['id']}").json["version"] == 1


# ------------------------------------------------------- Idempotency-Key


def test_idempotency_key_replays(stack, api):
    body = {"title": uniq("Idempotentna"), "unit_id": api.unit_id(), "status": "published"}
    key = uniq("idem")
    r1 = stack.post("/v1/practices", body, role="editor", headers={"Idempotency-Key": key})
    assert r1.status == 201, r1
    before = stack.row_counts()
    r2 = stack.post("/v1/practices", body, role="editor", headers={"Idempotency-Key": key})
    assert r2.status == 201, r2
    assert r2.headers.get("location") == r1.headers.get("location")
    assert r2.json == r1.json
    assert r2.body == r1.body
    assert stack.row_counts() == before
    lst = stack.get(f"/v1/practices?unit_id={body['unit_id']}&limit=200", role="reader")
    assert sum(1 for i in lst.json["items"] if i["title"] == body["title"]) == 1


def test_idempotency_key_other_body_422(stack, api, unchanged):
    key = uniq("idem")
    body = {"title": uniq("Idem"), "unit_id": api.unit_id()}
    assert stack.post("/v1/practices", body, role="editor", headers={"Idempotency-Key": key}).status == 201
    with unchanged():
        r = stack.post("/v1/practices", dict(body, title="inna"), role="editor", headers={"Idempotency-Key": key})
        assert_problem(r, 422, ["Idempotency-Key"])


def test_idempotency_key_is_per_api_key(stack, api):
    key = uniq("idem")
    body = {"title": uniq("Idem"), "unit_id": api.unit_id()}
    r1 = stack.post("/v1/practices", body, role="editor", headers={"Idempotency-Key": key})
    r2 = stack.post("/v1/practices", body, role="admin", headers={"Idempotency-Key": key})
    assert r1.status == 201 and r2.status == 201, (r1, r2)
    assert r1.json["id"] != r2.json["id"]


def test_idempotency_key_on_units(stack, api):
    key = uniq("idem")
    body = {"teryt": None, "name": uniq("Związek"), "type": "zwiazek_jst"}
    r1 = stack.post("/v1/units", body, role="editor", headers={"Idempotency-Key": key})
    r2 = stack.post("/v1/units", body, role="editor", headers={"Idempotency-Key": key})
    assert r1.status == 201 and r2.status == 201, (r1, r2)
    assert r1.json == r2.json and r1.headers.get("location") == r2.headers.get("location")


@pytest.mark.parametrize("bad", ["", "k" * 256])
def test_idempotency_key_bad_length(stack, api, bad, unchanged):
    with unchanged():
        r = stack.post("/v1/practices", {"title": "x", "unit_id": api.unit_id()}, role="editor",
                       headers={"Idempotency-Key": bad})
        assert r.status in (400, 422), r
        assert_problem(r, r.status)


# ------------------------------------------------------------- listing


@pytest.fixture(scope="module")
def paged(api):
    unit = api.make_unit()
    made = []
    for i in range(23):
        p = api.make_practice(unit_id=unit["id"], entered_on=f"2015-01-{1 + i % 5:02d}",
                              status="published" if i % 3 else "draft")
        made.append(p)
    return unit, made


def test_list_shape_and_default_limit(stack, paged):
    unit, made = paged
    r = stack.get(f"/v1/practices?unit_id={unit['id']}", role="reader")
    assert r.status == 200, r
    assert len(r.json["items"]) == 20
    assert r.json["total"] == 23
    assert r.json["next_cursor"]
    assert parse_link_next(r.headers.get("link"))


@pytest.mark.parametrize("limit", [1, 7, 23, 200])
def test_cursor_paging_no_duplicates_no_gaps(stack, paged, limit):
    unit, made = paged
    ids, total, pages = collect_pages(stack, f"/v1/practices?unit_id={unit['id']}&limit={limit}")
    assert total == 23
    assert len(ids) == len(set(ids)), "duplicates across pages"
    assert set(ids) == {p["id"] for p in made}
    assert pages == -(-23 // limit)


def test_cursor_paging_via_link_header(stack, paged):
    unit, made = paged
    ids, total, _ = collect_pages(stack, f"/v1/practices?unit_id={unit['id']}&limit=5", follow_link=True)
    assert sorted(ids) == sorted(p["id"] for p in made)


def test_list_order_entered_on_desc_id_desc(stack, paged):
    unit, made = paged
    ids, _, _ = collect_pages(stack, f"/v1/practices?unit_id={unit['id']}&limit=4")
    by_id = {p["id"]: p for p in made}
    keys = [(by_id[i]["entered_on"], i) for i in ids]
    assert keys == sorted(keys, reverse=True)


def test_list_anonymous_sees_only_published(stack, paged):
    unit, made = paged
    published = {p["id"] for p in made if p["status"] == "published"}
    ids, total, _ = collect_pages(stack, f"/v1/practices?unit_id={unit['id']}&limit=6", role=None)
    assert set(ids) == published and total == len(published)
    ids, total, _ = collect_pages(stack, f"/v1/practices?unit_id={unit['id']}&status=draft", role=None)
    assert set(ids) <= published
    assert not (set(ids) & {p["id"] for p in made if p["status"] == "draft"})


def test_list_filter_status(stack, paged):
    unit, made = paged
    drafts = {p["id"] for p in made if p["status"] == "draft"}
    ids, total, _ = collect_pages(stack, f"/v1/practices?unit_id={unit['id']}&status=draft&limit=3")
    assert set(ids) == drafts and total == len(drafts)


def test_list_filter_source_and_external_id(stack, api):
    src = uniq("src")
    a = api.make_practice(source=src, external_id="A-1")
    b = api.make_practice(source=src, external_id="B-2")
    r = stack.get(f"/v1/practices?source={src}", role="reader")
    assert r.status == 200, r
    assert {i["id"] for i in r.json["items"]} == {a["id"], b["id"]}
    assert r.json["total"] == 2
    r = stack.get(f"/v1/practices?source={src}&external_id=B-2", role="reader")
    assert [i["id"] for i in r.json["items"]] == [b["id"]]


def test_source_external_id_unique_409(stack, api, unchanged):
    src = uniq("src")
    api.make_practice(source=src, external_id="X")
    with unchanged():
        r = stack.post("/v1/practices", {"title": "dup", "unit_id": api.unit_id(), "source": src,
                                          "external_id": "X"}, role="editor")
        assert_problem(r, 409)


def test_list_empty(stack, api):
    unit = api.make_unit()
    r = stack.get(f"/v1/practices?unit_id={unit['id']}")
    assert r.status == 200, r
    assert r.json["items"] == [] and r.json["total"] == 0 and r.json["next_cursor"] is None
    assert "link" not in r.headers or 'rel="next"' not in r.headers["link"]


def test_list_items_are_practice_documents(stack, paged):
    unit, made = paged
    r = stack.get(f"/v1/practices?unit_id={unit['id']}&limit=1", role="reader")
    item = r.json["items"][0]
    for k in ("id", "title", "status", "unit_id", "version", "created_at", "updated_at"):
        assert k in item, item


def test_practice_contacts_list(stack, api):
    p = api.make_practice()
    made = [api.make_contact(p["id"]) for _ in range(5)]
    ids, total, pages = collect_pages(stack, f"/v1/practices/{p['id']}/contacts?limit=2")
    assert ids == [c["id"] for c in sorted(made, key=lambda c: c["id"])]
    assert total == 5 and pages == 3
