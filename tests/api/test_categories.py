"""Categories: the seeded two-level tree, slugs, practice_count, CRUD,
409 for duplicate slugs and for deleting a used category."""

import pytest

from conftest import assert_problem, collect_pages, uniq

AREAS = ["Usługi społeczne", "Usługi techniczne", "Rozwój instytucjonalny",
         "Efektywność energetyczna", "Współpraca JST-NGO", "Współpraca między JST", "Dialog społeczny"]
SOCIAL = ["Kultura", "Pomoc społeczna", "Oświata", "Ochrona zdrowia", "Sport i rekreacja"]


def all_categories(stack):
    ids, _, _ = collect_pages(stack, "/v1/categories?limit=200", role=None)
    r = {}
    for cid in ids:
        g = stack.get(f"/v1/categories/{cid}")
        assert g.status == 200, g
        r[cid] = g.json
    return r


def test_seeded_tree(stack):
    cats = all_categories(stack)
    by_name = {}
    for c in cats.values():
        by_name.setdefault(c["name"], []).append(c)
        for k in ("id", "name", "parent_id", "slug", "path", "practice_count", "position", "version"):
            assert k in c, c
    for a in AREAS:
        assert a in by_name, f"area {a} not seeded"
        area = [c for c in by_name[a] if c["parent_id"] is None]
        assert area and area[0]["path"] == [a], by_name[a]
    social = [c for c in by_name["Usługi społeczne"] if c["parent_id"] is None][0]
    assert social["slug"] == "uslugi-spoleczne"
    for s in SOCIAL:
        sub = [c for c in by_name.get(s, []) if c["parent_id"] == social["id"]]
        assert sub, f"sub-area {s} not under Usługi społeczne"
        assert sub[0]["path"] == ["Usługi społeczne", s]
    pomoc = [c for c in by_name["Pomoc społeczna"] if c["parent_id"] == social["id"]][0]
    assert pomoc["slug"] == "uslugi-spoleczne-pomoc-spoleczna"


def test_list_filter_parent_id(stack):
    cats = all_categories(stack)
    social = [c for c in cats.values() if c["name"] == "Usługi społeczne" and c["parent_id"] is None][0]
    r = stack.get(f"/v1/categories?parent_id={social['id']}&limit=200")
    assert r.status == 200, r
    assert {c["name"] for c in r.json["items"]} >= set(SOCIAL)
    assert all(c["parent_id"] == social["id"] for c in r.json["items"])
    assert r.json["total"] == len(r.json["items"])


def test_category_crud_and_slug_derivation(stack):
    n = uniq("x").split("-", 1)[1]
    r = stack.post("/v1/categories", {"name": f"Żółć Gęślą Jaźń {n}"}, role="editor")
    assert r.status == 201, r
    area = r.json
    assert r.headers.get("location") == f"/v1/categories/{area['id']}"
    assert area["slug"] == f"zolc-gesla-jazn-{n}", area
    assert area["parent_id"] is None and area["path"] == [f"Żółć Gęślą Jaźń {n}"]
    assert area["position"] == 0 and area["practice_count"] == 0 and area["version"] == 1

    r = stack.post("/v1/categories", {"name": "Łódź Ćma Ńą", "parent_id": area["id"], "position": 3},
                   role="editor")
    assert r.status == 201, r
    sub = r.json
    assert sub["slug"] == f"zolc-gesla-jazn-{n}-lodz-cma-na", sub
    assert sub["path"] == [area["name"], "Łódź Ćma Ńą"]
    assert sub["position"] == 3

    path = f"/v1/categories/{sub['id']}"
    r = stack.patch(path, {"position": 5}, role="editor")
    assert r.status == 200 and r.json["position"] == 5 and r.json["version"] == 2, r
    assert r.headers.get("etag") == '"2"'
    assert stack.get(path, headers={"If-None-Match": '"2"'}).status == 304
    r = stack.put(path, {"name": "Inna nazwa", "parent_id": area["id"], "slug": f"inna-{n}"}, role="editor",
                  headers={"If-Match": '"2"'})
    assert r.status == 200, r
    assert r.json["name"] == "Inna nazwa" and r.json["slug"] == f"inna-{n}" and r.json["position"] == 0

    assert_problem(stack.delete(f"/v1/categories/{area['id']}", role="editor"), 409)
    assert stack.delete(path, role="editor").status == 204
    assert_problem(stack.get(path), 404)
    assert stack.delete(f"/v1/categories/{area['id']}", role="editor").status == 204


def test_duplicate_slug_409(stack, unchanged):
    name = uniq("Kategoria")
    r = stack.post("/v1/categories", {"name": name}, role="editor")
    assert r.status == 201, r
    with unchanged():
        assert_problem(stack.post("/v1/categories", {"name": name}, role="editor"), 409)
        assert_problem(stack.post("/v1/categories", {"name": "Coś innego", "slug": r.json["slug"]},
                                  role="editor"), 409)


def test_parent_must_be_an_area(stack, unchanged):
    area = stack.post("/v1/categories", {"name": uniq("Obszar")}, role="editor").json
    sub = stack.post("/v1/categories", {"name": "Pod", "parent_id": area["id"]}, role="editor").json
    with unchanged():
        r = stack.post("/v1/categories", {"name": "Trzeci poziom", "parent_id": sub["id"]}, role="editor")
        assert_problem(r, 422, ["parent_id"])
        r = stack.post("/v1/categories", {"name": "Sierota", "parent_id": 987654321}, role="editor")
        assert_problem(r, 422, ["parent_id"])
    other = stack.post("/v1/categories", {"name": uniq("Obszar")}, role="editor").json
    # an area with children cannot become a sub-area
    r = stack.patch(f"/v1/categories/{area['id']}", {"parent_id": other["id"]}, role="editor")
    assert_problem(r, 422, ["parent_id"])
    # a category cannot be its own parent
    r = stack.patch(f"/v1/categories/{other['id']}", {"parent_id": other["id"]}, role="editor")
    assert_problem(r, 422, ["parent_id"])


@pytest.mark.parametrize("body,field", [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": 7}, "name"),
    ({"name": "ok", "position": "1"}, "position"),
    ({"name": "ok", "parent_id": "x"}, "parent_id"),
    ({"name": "ok", "slug": 5}, "slug"),
    ({"name": "ok", "colour": "red"}, "colour"),
])
def test_category_validation_422(stack, unchanged, body, field):
    with unchanged():
        assert_problem(stack.post("/v1/categories", body, role="editor"), 422, [field])


def test_practice_count_and_delete_used_409(stack, api, unchanged):
    area = stack.post("/v1/categories", {"name": uniq("Liczone")}, role="editor").json
    sub = stack.post("/v1/categories", {"name": "Sub", "parent_id": area["id"]}, role="editor").json
    api.make_practice(category_ids=[sub["id"]], status="published")
    api.make_practice(category_ids=[sub["id"]], status="draft")
    p3 = api.make_practice(category_ids=[area["id"]], status="published")
    assert stack.get(f"/v1/categories/{sub['id']}").json["practice_count"] == 1
    assert stack.get(f"/v1/categories/{area['id']}").json["practice_count"] == 2
    with unchanged():
        assert_problem(stack.delete(f"/v1/categories/{sub['id']}", role="editor"), 409)
    assert stack.get(f"/v1/categories/{sub['id']}").status == 200
    assert stack.delete(f"/v1/practices/{p3['id']}", role="editor").status == 204
    assert stack.get(f"/v1/categories/{area['id']}").json["practice_count"] == 1


def test_practice_embeds_category_path(stack, api):
    area = stack.post("/v1/categories", {"name": uniq("Osadzona")}, role="editor").json
    sub = stack.post("/v1/categories", {"name": "Pomoc", "parent_id": area["id"]}, role="editor").json
    p = api.make_practice(category_ids=[sub["id"], area["id"]])
    assert p["category_ids"] == [sub["id"], area["id"]], "order (primary first) must be kept"
    assert p["categories"][0]["path"] == [area["name"], "Pomoc"]
    assert p["categories"][1]["id"] == area["id"]
