"""Contacts: add, read, replace, patch, delete (erased for real), the public
flag, visibility through the practice, and the practice version bump."""

import pytest

from conftest import assert_problem, uniq


def test_contact_crud(stack, api):
    p = api.make_practice()
    body = {"name": "Iwona Niemasz", "role": "Dyrektor", "phones": ["59 814 59 59", "600 100 200"],
            "email": "dzieciakiustka@poczta.onet.pl", "public": True}
    r = stack.post(f"/v1/practices/{p['id']}/contacts", body, role="editor")
    assert r.status == 201, r
    c = r.json
    assert r.headers.get("location") == f"/v1/contacts/{c['id']}"
    assert r.headers.get("etag") == '"1"'
    for k, v in body.items():
        assert c[k] == v, k
    assert c["practice_id"] == p["id"] and c["version"] == 1

    path = f"/v1/contacts/{c['id']}"
    g = stack.get(path)
    assert g.status == 200 and g.json == c, g
    assert stack.get(path, headers={"If-None-Match": '"1"'}).status == 304

    r = stack.patch(path, {"role": None, "phones": ["1"]}, role="editor",
                    content_type="application/merge-patch+json")
    assert r.status == 200, r
    assert r.json["role"] is None and r.json["phones"] == ["1"] and r.json["version"] == 2
    assert r.json["name"] == body["name"]

    r = stack.put(path, {"name": "Jan Kowalski"}, role="editor", headers={"If-Match": '"2"'})
    assert r.status == 200, r
    assert r.json["name"] == "Jan Kowalski" and r.json["public"] is True and r.json["phones"] == []
    assert r.json["email"] is None and r.json["practice_id"] == p["id"]

    assert_problem(stack.delete(path, role="editor", headers={"If-Match": '"1"'}), 412)
    r = stack.delete(path, role="editor")
    assert r.status == 204, r
    assert_problem(stack.get(path, role="reader"), 404)
    assert stack.get(f"/v1/practices/{p['id']}").json["contacts"] == []


def test_deleted_contact_is_erased_from_database(stack, api):
    p = api.make_practice()
    marker = uniq("erase-me").replace("-", "") + "@example.pl"
    c = api.make_contact(p["id"], email=marker, name="Do Usunięcia")
    assert stack.delete(f"/v1/contacts/{c['id']}", role="editor").status == 204
    # Nothing in any table may still hold the e-mail (RODO: erased for real),
    # except in the change feed's tombstone which must not carry data.
    out = stack.psql(
        "SELECT string_agg(table_name, ',') FROM information_schema.columns c "
        "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb') "
        "AND (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I WHERE %I::text LIKE %L', "
        f"table_schema, table_name, column_name, '%{marker}%'), false, true, '')))[1]::text::int > 0"
    )
    assert out == "", f"deleted contact's e-mail still stored in: {out}"


def test_contact_changes_bump_practice_version(stack, api):
    p = api.make_practice()
    c = api.make_contact(p["id"])
    v1 = stack.get(f"/v1/practices/{p['id']}").json["version"]
    assert v1 == 2, "adding a contact changes the practice document"
    stack.patch(f"/v1/contacts/{c['id']}", {"name": "Zmieniona"}, role="editor")
    g = stack.get(f"/v1/practices/{p['id']}")
    assert g.json["version"] == 3 and g.headers.get("etag") == '"3"'
    assert g.json["contacts"][0]["name"] == "Zmieniona"
    stack.delete(f"/v1/contacts/{c['id']}", role="editor")
    assert stack.get(f"/v1/practices/{p['id']}").json["version"] == 4


def test_non_public_contact_hidden_from_anonymous(stack, api):
    p = api.make_practice(status="published")
    pub = api.make_contact(p["id"], public=True)
    priv = api.make_contact(p["id"], public=False)
    anon = stack.get(f"/v1/practices/{p['id']}").json
    assert [c["id"] for c in anon["contacts"]] == [pub["id"]]
    reader = stack.get(f"/v1/practices/{p['id']}", role="reader").json
    assert {c["id"] for c in reader["contacts"]} == {pub["id"], priv["id"]}
    assert_problem(stack.get(f"/v1/contacts/{priv['id']}"), 404)
    assert stack.get(f"/v1/contacts/{priv['id']}", role="reader").status == 200
    assert stack.get(f"/v1/contacts/{pub['id']}").status == 200
    r = stack.get(f"/v1/practices/{p['id']}/contacts")
    assert [c["id"] for c in r.json["items"]] == [pub["id"]] and r.json["total"] == 1
    r = stack.get(f"/v1/practices/{p['id']}/contacts", role="reader")
    assert r.json["total"] == 2


def test_contacts_of_draft_practice_hidden_from_anonymous(stack, api):
    p = api.make_practice(status="draft")
    c = api.make_contact(p["id"], public=True)
    assert_problem(stack.get(f"/v1/practices/{p['id']}"), 404)
    assert_problem(stack.get(f"/v1/contacts/{c['id']}"), 404)
    assert_problem(stack.get(f"/v1/practices/{p['id']}/contacts"), 404)
    assert stack.get(f"/v1/contacts/{c['id']}", role="reader").status == 200
    assert stack.get(f"/v1/practices/{p['id']}/contacts", role="reader").json["total"] == 1


@pytest.mark.parametrize("body,field", [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": 1}, "name"),
    ({"name": "x", "email": "bez-malpy"}, "email"),
    ({"name": "x", "email": 5}, "email"),
    ({"name": "x", "phones": "59 814"}, "phones"),
    ({"name": "x", "phones": [1]}, "phones[0]"),
    ({"name": "x", "public": "yes"}, "public"),
    ({"name": "x", "public": 1}, "public"),
    ({"name": "x", "pesel": "123"}, "pesel"),
])
def test_contact_validation_422(stack, api, unchanged, body, field):
    p = api.make_practice()
    with unchanged():
        assert_problem(stack.post(f"/v1/practices/{p['id']}/contacts", body, role="editor"), 422, [field])


def test_contact_for_unknown_practice_404(stack, unchanged):
    with unchanged():
        assert_problem(stack.post("/v1/practices/987654321/contacts", {"name": "x"}, role="editor"), 404)
    assert_problem(stack.get("/v1/practices/987654321/contacts", role="reader"), 404)


def test_contact_patch_validation(stack, api, unchanged):
    p = api.make_practice()
    c = api.make_contact(p["id"])
    with unchanged():
        assert_problem(stack.patch(f"/v1/contacts/{c['id']}", {"name": None}, role="editor"), 422, ["name"])
        assert_problem(stack.patch(f"/v1/contacts/{c['id']}", {"email": "nope"}, role="editor"), 422, ["email"])
    assert stack.get(f"/v1/contacts/{c['id']}").json == c


def test_inline_contacts_on_create_validated(stack, api, unchanged):
    with unchanged():
        r = stack.post("/v1/practices", {"title": "x", "unit_id": api.unit_id(),
                                          "contacts": [{"name": "ok"}, {"email": "zły"}]}, role="editor")
        assert_problem(r, 422, any_field=["contacts[1].name", "contacts[1].email"])
