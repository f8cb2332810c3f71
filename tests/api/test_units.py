"""Units: CRUD, TERYT rules, 409 for duplicates and for deleting a used unit,
list filters."""

import pytest

from conftest import assert_problem, collect_pages, gmina_teryt, miasto_teryt, powiat_teryt, uniq


def test_unit_crud(stack, api):
    body = {"teryt": gmina_teryt(2, "12"), "name": uniq("Gmina Wiejska"), "type": "gmina_wiejska",
            "voivodeship": "małopolskie", "county": "krakowski", "population": 5000,
            "population_year": 2021}
    r = stack.post("/v1/units", body, role="editor")
    assert r.status == 201, r
    u = r.json
    assert r.headers.get("location") == f"/v1/units/{u['id']}"
    assert r.headers.get("etag") == '"1"'
    for k, v in body.items():
        assert u[k] == v, k
    assert u["parent_id"] is None and u["version"] == 1
    assert "created_at" in u and "updated_at" in u

    path = f"/v1/units/{u['id']}"
    g = stack.get(path)
    assert g.status == 200 and g.json == u, g
    assert stack.get(path, headers={"If-None-Match": '"1"'}).status == 304

    r = stack.patch(path, {"population": 5100, "county": None}, role="editor",
                    content_type="application/merge-patch+json")
    assert r.status == 200, r
    assert r.json["population"] == 5100 and r.json["county"] is None and r.json["version"] == 2
    assert r.json["name"] == body["name"]

    r = stack.put(path, {"teryt": body["teryt"], "name": "Nowa nazwa", "type": "gmina_wiejska",
                         "voivodeship": "małopolskie"}, role="editor")
    assert r.status == 200, r
    assert r.json["name"] == "Nowa nazwa" and r.json["population"] is None and r.json["version"] == 3
    assert_problem(stack.put(path, {"teryt": body["teryt"], "name": "x", "type": "gmina_wiejska",
                                    "voivodeship": "małopolskie"}, role="editor",
                             headers={"If-Match": '"2"'}), 412)

    r = stack.delete(path, role="editor")
    assert r.status == 204, r
    assert_problem(stack.get(path), 404)


@pytest.mark.parametrize("body", [
    {"teryt": "14", "type": "wojewodztwo", "voivodeship": "mazowieckie"},
    {"teryt": powiat_teryt("24"), "type": "powiat_ziemski", "voivodeship": "śląskie"},
    {"teryt": miasto_teryt("30"), "type": "miasto_na_prawach_powiatu", "voivodeship": "wielkopolskie"},
    {"teryt": gmina_teryt(1, "02"), "type": "gmina_miejska", "voivodeship": "dolnośląskie"},
    {"teryt": gmina_teryt(2, "04"), "type": "gmina_wiejska", "voivodeship": "kujawsko-pomorskie"},
    {"teryt": gmina_teryt(3, "10"), "type": "gmina_miejsko_wiejska", "voivodeship": "łódzkie"},
    {"teryt": None, "type": "zwiazek_jst"},
    {"type": "zwiazek_jst", "voivodeship": "opolskie"},
])
def test_valid_teryt_per_type(stack, body):
    r = stack.post("/v1/units", dict(body, name=uniq("JST")), role="editor")
    assert r.status == 201, r
    assert r.json["type"] == body["type"]
    assert r.json["teryt"] == body.get("teryt")


BAD_TERYT = [
    ("2", "wojewodztwo", "pomorskie"),
    ("23", "wojewodztwo", "pomorskie"),
    ("34", "wojewodztwo", "pomorskie"),
    ("00", "wojewodztwo", "pomorskie"),
    ("22a", "powiat_ziemski", "pomorskie"),
    ("2212345", "powiat_ziemski", "pomorskie"),
    ("2200", "powiat_ziemski", "pomorskie"),
    ("2261", "powiat_ziemski", "pomorskie"),
    ("2212", "miasto_na_prawach_powiatu", "pomorskie"),
    ("22 1", "powiat_ziemski", "pomorskie"),
    ("2212012", "gmina_miejska", "pomorskie"),
    ("2212011", "gmina_wiejska", "pomorskie"),
    ("2212014", "gmina_miejsko_wiejska", "pomorskie"),
    ("2212010", "gmina_miejska", "pomorskie"),
    ("2212", "gmina_miejska", "pomorskie"),
    ("22120111", "gmina_miejska", "pomorskie"),
    ("221201１", "gmina_miejska", "pomorskie"),
    ("", "gmina_miejska", "pomorskie"),
    ("2212011", "zwiazek_jst", "pomorskie"),
    ("22", "powiat_ziemski", "pomorskie"),
]


@pytest.mark.parametrize("teryt,typ,voiv", BAD_TERYT)
def test_bad_teryt_422(stack, unchanged, teryt, typ, voiv):
    with unchanged():
        r = stack.post("/v1/units", {"teryt": teryt, "name": uniq("Zła"), "type": typ, "voivodeship": voiv},
                       role="editor")
        assert_problem(r, 422, ["teryt"])


@pytest.mark.parametrize("teryt,typ,voiv", [
    ("2212011", "gmina_miejska", "mazowieckie"),
    ("1412", "powiat_ziemski", "pomorskie"),
    ("30", "wojewodztwo", "lubuskie"),
])
def test_teryt_disagreeing_with_voivodeship_422(stack, unchanged, teryt, typ, voiv):
    with unchanged():
        r = stack.post("/v1/units", {"teryt": teryt, "name": uniq("Zła"), "type": typ, "voivodeship": voiv},
                       role="editor")
        assert_problem(r, 422, any_field=["teryt", "voivodeship"])


@pytest.mark.parametrize("over,field", [
    ({"name": None}, "name"),
    ({"name": 5}, "name"),
    ({"type": "gmina"}, "type"),
    ({"type": None}, "type"),
    ({"voivodeship": "Pomorskie"}, "voivodeship"),
    ({"voivodeship": "pomorskie "}, "voivodeship"),
    ({"voivodeship": None}, "voivodeship"),
    ({"population": -1}, "population"),
    ({"population": "100"}, "population"),
    ({"population": 1.5}, "population"),
    ({"population_year": 1899}, "population_year"),
    ({"population_year": 2101}, "population_year"),
    ({"parent_id": 987654321}, "parent_id"),
    ({"parent_id": "1"}, "parent_id"),
    ({"teryt": 2212011}, "teryt"),
    ({"county": ["a"]}, "county"),
    ({"colour": "red"}, "colour"),
])
def test_unit_validation_422(stack, unchanged, over, field):
    body = {"teryt": "2201991", "name": uniq("Gmina"), "type": "gmina_miejska", "voivodeship": "pomorskie"}
    body.update(over)
    body = {k: v for k, v in body.items() if v is not None}
    with unchanged():
        assert_problem(stack.post("/v1/units", body, role="editor"), 422, [field])


def test_unit_many_bad_fields_all_named(stack, unchanged):
    with unchanged():
        r = stack.post("/v1/units", {"teryt": "x", "type": "zła", "population": -5, "extra": 1}, role="editor")
        assert_problem(r, 422, ["name", "type", "population", "extra"])


def test_duplicate_teryt_409(stack, api, unchanged):
    u = api.make_unit()
    with unchanged():
        r = stack.post("/v1/units", {"teryt": u["teryt"], "name": uniq("Dubel"), "type": u["type"],
                                      "voivodeship": u["voivodeship"]}, role="editor")
        assert_problem(r, 409)
    other = api.make_unit()
    r = stack.patch(f"/v1/units/{other['id']}", {"teryt": u["teryt"]}, role="editor")
    assert_problem(r, 409)
    assert stack.get(f"/v1/units/{other['id']}").json["teryt"] == other["teryt"]


def test_patch_type_must_agree_with_teryt(stack, api):
    u = api.make_unit()
    r = stack.patch(f"/v1/units/{u['id']}", {"type": "gmina_wiejska"}, role="editor")
    assert_problem(r, 422, any_field=["teryt", "type"])


def test_delete_unit_used_by_practice_409(stack, api, unchanged):
    u = api.make_unit()
    p = api.make_practice(unit_id=u["id"])
    with unchanged():
        assert_problem(stack.delete(f"/v1/units/{u['id']}", role="editor"), 409)
    assert stack.get(f"/v1/units/{u['id']}").status == 200
    assert stack.delete(f"/v1/practices/{p['id']}", role="editor").status == 204
    assert stack.delete(f"/v1/units/{u['id']}", role="editor").status == 204


def test_delete_unit_used_as_participant_409(stack, api, unchanged):
    u = api.make_unit()
    api.make_practice(participant_unit_ids=[u["id"]])
    with unchanged():
        assert_problem(stack.delete(f"/v1/units/{u['id']}", role="editor"), 409)


def test_delete_unit_used_as_parent_409(stack, api, unchanged):
    parent = api.make_unit(teryt=powiat_teryt("22"), type="powiat_ziemski")
    child = api.make_unit(parent_id=parent["id"])
    assert child["parent_id"] == parent["id"]
    with unchanged():
        assert_problem(stack.delete(f"/v1/units/{parent['id']}", role="editor"), 409)


def test_unit_filters(stack, api):
    tag = uniq("Filtr")
    a = api.make_unit(name=f"{tag} Alfa", teryt=gmina_teryt(1, "28"), voivodeship="warmińsko-mazurskie")
    b = api.make_unit(name=f"{tag} Beta", teryt=gmina_teryt(2, "28"), type="gmina_wiejska",
                      voivodeship="warmińsko-mazurskie")
    c = api.make_unit(name=f"{tag} Gamma", teryt=gmina_teryt(1, "32"), voivodeship="zachodniopomorskie")

    def ids(q):
        got, total, _ = collect_pages(stack, "/v1/units?" + q, role=None)
        assert total == len(got)
        return set(got)

    import urllib.parse
    qtag = urllib.parse.quote(tag.lower())
    assert ids(f"q={qtag}") == {a["id"], b["id"], c["id"]}
    assert ids(f"q={qtag}&voivodeship=" + urllib.parse.quote("warmińsko-mazurskie")) == {a["id"], b["id"]}
    assert ids(f"q={qtag}&type=gmina_wiejska") == {b["id"]}
    assert ids(f"q={qtag}&teryt=32") == {c["id"]}
    assert ids(f"q={qtag}&teryt={a['teryt']}") == {a["id"]}
    assert ids(f"q={qtag}&teryt={a['teryt'][:4]}") >= {a["id"]}
    assert ids("q=" + urllib.parse.quote(f"{tag} bet".upper())) == {b["id"]}


def test_unit_list_paging_order_by_id(stack, api):
    tag = uniq("Stron")
    made = [api.make_unit(name=f"{tag} {i}") for i in range(7)]
    ids, total, pages = collect_pages(stack, f"/v1/units?q={tag.lower()}&limit=3", role=None)
    assert ids == [u["id"] for u in made]
    assert total == 7 and pages == 3


@pytest.mark.parametrize("q,field", [
    ("type=gmina", "type"),
    ("voivodeship=Pomorskie", "voivodeship"),
])
def test_unit_bad_filter_values_400(stack, q, field):
    r = stack.get("/v1/units?" + q)
    assert r.status in (400, 200), r
    if r.status == 400:
        assert_problem(r, 400, [field])
    else:
        assert r.json["items"] == []
