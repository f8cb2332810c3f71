"""Access: anonymous, reader, editor, partner, admin; 401 and 403."""

import pytest

from conftest import assert_problem, uniq


def test_anonymous_reads_published_only(stack, api):
    pub = api.make_practice(status="published")
    draft = api.make_practice(status="draft")
    arch = api.make_practice(status="archived")
    assert stack.get(f"/v1/practices/{pub['id']}").status == 200
    assert_problem(stack.get(f"/v1/practices/{draft['id']}"), 404)
    assert_problem(stack.get(f"/v1/practices/{arch['id']}"), 404)
    for role in ("reader", "editor", "partner", "admin"):
        assert stack.get(f"/v1/practices/{draft['id']}", role=role).status == 200, role
        assert stack.get(f"/v1/practices/{arch['id']}", role=role).status == 200, role
    r = stack.get(f"/v1/practices?unit_id={api.unit_id()}&limit=200")
    assert all(i["status"] == "published" for i in r.json["items"]), r


def test_anonymous_reads_units_and_categories(stack, api):
    u = api.make_unit()
    assert stack.get(f"/v1/units/{u['id']}").status == 200
    assert stack.get("/v1/units").status == 200
    assert stack.get("/v1/categories").status == 200


WRITES = [
    ("POST", "/v1/practices", {"title": "x", "unit_id": 1}),
    ("PUT", "/v1/practices/{p}", {"title": "x", "unit_id": 1}),
    ("PATCH", "/v1/practices/{p}", {"title": "x"}),
    ("DELETE", "/v1/practices/{p}", None),
    ("POST", "/v1/practices/{p}/contacts", {"name": "x"}),
    ("PUT", "/v1/contacts/{c}", {"name": "x"}),
    ("PATCH", "/v1/contacts/{c}", {"name": "x"}),
    ("DELETE", "/v1/contacts/{c}", None),
    ("POST", "/v1/units", {"name": "x", "type": "zwiazek_jst"}),
    ("PUT", "/v1/units/{u}", {"name": "x", "type": "zwiazek_jst"}),
    ("PATCH", "/v1/units/{u}", {"name": "x"}),
    ("DELETE", "/v1/units/{u}", None),
    ("POST", "/v1/categories", {"name": "x"}),
    ("PUT", "/v1/categories/{k}", {"name": "x"}),
    ("PATCH", "/v1/categories/{k}", {"name": "x"}),
    ("DELETE", "/v1/categories/{k}", None),
]


@pytest.fixture(scope="module")
def targets(stack, api):
    u = api.make_unit()
    p = api.make_practice(unit_id=u["id"])
    c = api.make_contact(p["id"])
    k = stack.post("/v1/categories", {"name": uniq("Dostęp")}, role="editor").json
    pv = stack.get(f"/v1/practices/{p['id']}", role="reader").json["version"]
    return {"p": p["id"], "c": c["id"], "u": u["id"], "k": k["id"], "pv": pv}


def fill(path, targets):
    return path.format(**targets)


@pytest.mark.parametrize("method,path,body", WRITES)
def test_write_without_key_401(stack, targets, unchanged, method, path, body):
    with unchanged():
        r = stack.request(method, fill(path, targets), body=body)
        assert_problem(r, 401)
        assert r.headers.get("www-authenticate", "").lower().startswith("bearer"), r


@pytest.mark.parametrize("method,path,body", WRITES)
def test_reader_writing_403(stack, targets, unchanged, method, path, body):
    with unchanged():
        assert_problem(stack.request(method, fill(path, targets), body=body, role="reader"), 403)
    assert stack.get(f"/v1/practices/{targets['p']}", role="reader").json["version"] == targets["pv"]


@pytest.mark.parametrize("auth", [
    "Bearer bdp_" + "0" * 40,
    "Bearer bdp_nothex",
    "Bearer ",
    "Bearer",
    "Basic dXNlcjpwYXNz",
    "bdp_" + "0" * 40,
    "Bearer " + "x" * 5000,
])
@pytest.mark.parametrize("path", ["/v1/units", "/v1/practices", "/v1/categories"])
def test_bad_key_401_even_on_reads(stack, auth, path):
    r = stack.get(path, key=auth)
    assert_problem(r, 401)
    assert r.headers.get("www-authenticate", "").lower().startswith("bearer"), r


def test_bad_key_401_on_write(stack, api, unchanged):
    with unchanged():
        r = stack.post("/v1/practices", {"title": "x", "unit_id": api.unit_id()}, key="Bearer bdp_" + "f" * 40)
        assert_problem(r, 401)


def test_editor_and_admin_write(stack, api):
    for role in ("editor", "admin"):
        r = stack.post("/v1/practices", {"title": uniq(role), "unit_id": api.unit_id()}, role=role)
        assert r.status == 201, r
        r = stack.post("/v1/units", {"name": uniq(role), "type": "zwiazek_jst"}, role=role)
        assert r.status == 201, r


def test_partner_writes_own_source(stack, api):
    r = stack.post("/v1/practices", {"title": uniq("Partnerska"), "unit_id": api.unit_id(),
                                     "external_id": uniq("ext")}, role="partner")
    assert r.status == 201, r
    p = r.json
    assert p["source"] == "partner-a"
    path = f"/v1/practices/{p['id']}"
    r = stack.patch(path, {"title": "Zmieniona przez partnera"}, role="partner")
    assert r.status == 200, r
    r = stack.put(path, {"title": "PUT partnera", "unit_id": api.unit_id()}, role="partner")
    assert r.status == 200 and r.json["source"] == "partner-a", r
    r = stack.post(f"{path}/contacts", {"name": "Kontakt partnera"}, role="partner")
    assert r.status == 201, r
    cpath = f"/v1/contacts/{r.json['id']}"
    assert stack.patch(cpath, {"name": "Inny"}, role="partner").status == 200
    assert stack.delete(cpath, role="partner").status == 204
    assert stack.delete(path, role="partner").status == 204


def test_partner_explicit_own_source_ok(stack, api):
    r = stack.post("/v1/practices", {"title": uniq("P"), "unit_id": api.unit_id(), "source": "partner-a"},
                   role="partner")
    assert r.status == 201, r


def test_partner_other_source_403(stack, api, unchanged):
    foreign = api.make_practice(source="partner-b", external_id=uniq("e"))
    editors = api.make_practice()
    c = api.make_contact(editors["id"])
    own = stack.post("/v1/practices", {"title": uniq("Own"), "unit_id": api.unit_id()}, role="partner").json
    with unchanged():
        r = stack.post("/v1/practices", {"title": "x", "unit_id": api.unit_id(), "source": "partner-b"},
                       role="partner")
        assert_problem(r, 403)
        for p in (foreign, editors):
            path = f"/v1/practices/{p['id']}"
            assert_problem(stack.patch(path, {"title": "x"}, role="partner"), 403)
            assert_problem(stack.put(path, {"title": "x", "unit_id": api.unit_id()}, role="partner"), 403)
            assert_problem(stack.delete(path, role="partner"), 403)
            assert_problem(stack.post(f"{path}/contacts", {"name": "x"}, role="partner"), 403)
        assert_problem(stack.patch(f"/v1/contacts/{c['id']}", {"name": "x"}, role="partner"), 403)
        assert_problem(stack.delete(f"/v1/contacts/{c['id']}", role="partner"), 403)
        # moving its own record to another source
        assert_problem(stack.patch(f"/v1/practices/{own['id']}", {"source": "partner-b"}, role="partner"), 403)
    assert stack.get(f"/v1/practices/{foreign['id']}", role="reader").json["version"] == 1


@pytest.mark.parametrize("method,path,body", [w for w in WRITES if "/units" in w[1] or "/categories" in w[1]])
def test_partner_writing_units_categories_403(stack, targets, unchanged, method, path, body):
    with unchanged():
        assert_problem(stack.request(method, fill(path, targets), body=body, role="partner"), 403)


def test_partner_reads_like_reader(stack, api):
    d = api.make_practice(status="draft")
    assert stack.get(f"/v1/practices/{d['id']}", role="partner").status == 200
