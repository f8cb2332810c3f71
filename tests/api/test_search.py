"""Search: GET /v1/practices with q, filters, sorts, keyset paging, facets,
highlights, Polish stemming, the background indexer, CSV and NDJSON
exports; GET /v1/stats.

The tests share one database with the other modules: every practice made
here carries made-up marker words (lowercase letters only, so that the
text parser keeps each as one word) or a marker source, and every query is
narrowed by them. Search by q is indexed in the background: tests poll
until a write is visible, they never sleep a fixed time and assume.
"""

import collections
import csv
import http.client
import os
import io
import json
import random
import string
import threading
import time
import urllib.parse

import pytest

from conftest import (
    assert_problem,
    collect_pages,
    free_port,
    gmina_teryt,
    miasto_teryt,
    parse_link_next,
    powiat_teryt,
    terminate,
    wait_healthy,
)

INDEX_WAIT = 10.0  # seconds a write may take to become findable by q

_rng = random.Random()


def marker(prefix="qzx"):
    """A made-up word no other test (and no dictionary) has."""
    return prefix + "".join(_rng.choice(string.ascii_lowercase) for _ in range(10))


def qs(**params):
    return urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})


def search(stack, role="reader", headers=None, **params):
    r = stack.get("/v1/practices?" + qs(**params), role=role, headers=headers)
    return r


def ok(r):
    assert r.status == 200, r
    assert r.headers.get("content-type", "").split(";")[0] == "application/json", r
    body = r.json
    assert isinstance(body, dict) and isinstance(body["items"], list), r
    assert isinstance(body["total"], int), r
    return body


def ids_of(r):
    return [i["id"] for i in ok(r)["items"]]


def all_ids(stack, role="reader", **params):
    """Every id of the result, in order, in one page of up to 200."""
    params.setdefault("limit", 200)
    body = ok(search(stack, role=role, **params))
    assert body["next_cursor"] is None, "test data does not fit one page"
    assert body["total"] == len(body["items"]), body
    return [i["id"] for i in body["items"]]


def paged_ids(stack, role="reader", follow_link=False, **params):
    ids, total, pages = collect_pages(stack, "/v1/practices?" + qs(**params), role=role,
                                      follow_link=follow_link)
    return ids, total, pages


def wait_for(stack, q, present=(), absent=(), role="reader", timeout=INDEX_WAIT, **params):
    """Polls GET /v1/practices?q=... until every id of present is found and
    none of absent; returns the found ids (in order)."""
    deadline = time.monotonic() + timeout
    present, absent = set(present), set(absent)
    while True:
        r = search(stack, role=role, q=q, limit=200, **params)
        found = ids_of(r)
        if present <= set(found) and not (absent & set(found)):
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"after {timeout} s, q={q!r} {params} finds {sorted(found)}; "
                        f"expected {sorted(present)} among them and none of {sorted(absent)}")
        time.sleep(0.05)


def assert_406(r):
    assert r.status == 406, r
    assert r.headers.get("content-type", "").split(";")[0] == "application/problem+json", r
    p = r.json
    assert p["status"] == 406 and p["type"].startswith("urn:bdp:problem:"), r
    assert p["request_id"] == r.headers.get("x-request-id"), r


def strip_highlight(item):
    item = dict(item)
    item.pop("highlight", None)
    return item


POLISH = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"


def polish_key(title):
    """Polish alphabetical order of a title's first word."""
    word = title.split()[0].strip(",").lower()
    return [POLISH.index(c) for c in word]


# ----------------------------------------------------------------------------
# The shared data set: units of every type in several voivodeships, a
# category tree of its own, practices of every status. All of them have
# the marker M in their title and the source SRC.


class World:
    pass


def _categories(stack, m):
    def post(body):
        r = stack.post("/v1/categories", body, role="editor")
        assert r.status == 201, r
        return r.json

    a = post({"name": f"Obszar {m}"})
    s1 = post({"name": f"Pierwszy {m}", "parent_id": a["id"]})
    s2 = post({"name": f"Drugi {m}", "parent_id": a["id"]})
    b = post({"name": f"Inny {m}"})
    return a, s1, s2, b


@pytest.fixture(scope="module")
def world(stack, api):
    w = World()
    w.m = marker()
    w.src = "src-" + w.m
    w.area, w.s1, w.s2, w.other = _categories(stack, w.m)
    w.cats = {c["id"]: c for c in (w.area, w.s1, w.s2, w.other)}
    w.units = {
        "pom": api.make_unit(type="gmina_miejska", teryt=gmina_teryt(1, "22"), voivodeship="pomorskie",
                             county="słupski", population=5000),
        "maz": api.make_unit(type="gmina_wiejska", teryt=gmina_teryt(2, "14"), voivodeship="mazowieckie",
                             county="płocki", population=20000),
        "slg": api.make_unit(type="gmina_miejsko_wiejska", teryt=gmina_teryt(3, "24"),
                             voivodeship="śląskie", county="gliwicki", population=80000),
        "wlkp": api.make_unit(type="miasto_na_prawach_powiatu", teryt=miasto_teryt("30"),
                              voivodeship="wielkopolskie", county=None, population=500000),
        "slp": api.make_unit(type="powiat_ziemski", teryt=powiat_teryt("24"), voivodeship="śląskie",
                             county="bielski", population=150000),
        "woj": api.make_unit(type="wojewodztwo", teryt="28", voivodeship="warmińsko-mazurskie",
                             county=None, population=1400000),
        "zw": api.make_unit(type="zwiazek_jst", teryt=None, voivodeship=None, county=None,
                            population=None, population_year=None),
    }
    a, s1, s2, b = w.area["id"], w.s1["id"], w.s2["id"], w.other["id"]
    m = w.m
    spec = [
        # title, unit, categories, entered_on, status, extra
        ("Ala", "pom", [s1], "2008-01-07", "published",
         {"contacts": [{"name": "Jan Jawny", "role": "Wójt", "public": True},
                       {"name": "Anna Ukryta", "role": "Skarbnik", "email": "anna@example.pl",
                        "public": False}]}),
        ("Łódź", "pom", [s2], "2012-05-05", "published", {}),
        ("Ąbc", "maz", [s1, s2], "2012-05-05", "published", {}),
        ("Lato", "slg", [b], "2015-03-03", "published", {}),
        ("Żaba", "wlkp", [a], "2015-03-03", "published", {}),
        ("Zebra", "slp", [s1], "2020-10-10", "published", {}),
        ("Źdźbło", "woj", [], "2020-10-10", "published", {}),
        ("Bzik", "zw", [b], "2012-05-05", "published", {}),
        ("Mama", "maz", [s1], "2015-03-03", "draft", {}),
        ("Ćma", "pom", [b], "2020-10-10", "archived", {}),
        ("Ala", "pom", [s1], "2012-05-05", "published",
         {"participant_unit_ids": [w.units["wlkp"]["id"]]}),
        ("Cebula", "wlkp", [s2], "2008-01-07", "published", {}),
        ('Tytuł, z "cudzysłowem"\ni nową linią', "slg", [s2, a], "2015-03-03", "published",
         {"keywords": ["alfa", "beta, gamma"], "partners": ['Towarzystwo „Nasz Dom”', "Fundacja X"],
          "summary": 'Skrót z przecinkiem, "cudzysłowem"\r\ni nową linią.', "revised_on": "2016-01-02"}),
    ]
    made = []
    for i, (title, unit, cats, entered, status, extra) in enumerate(spec):
        body = dict(title=f"{title} {m}", unit_id=w.units[unit]["id"], category_ids=cats,
                    entered_on=entered, status=status, source=w.src, external_id=f"ext-{i}")
        body.update(extra)
        p = api.make_practice(**body)
        p["_unit"] = unit
        made.append(p)
    # one practice changed after the others: the newest updated_at
    r = stack.patch(f"/v1/practices/{made[3]['id']}", {"summary": "Zmieniony skrót."}, role="editor")
    assert r.status == 200, r
    w.latest = made[3]["id"]
    # the documents as they are now, as a reader and anonymously see them
    w.docs, w.anon_docs = {}, {}
    for p in made:
        g = stack.get(f"/v1/practices/{p['id']}", role="reader")
        assert g.status == 200, g
        w.docs[p["id"]] = g.json
        g = stack.get(f"/v1/practices/{p['id']}")
        if p["status"] == "published":
            assert g.status == 200, g
            w.anon_docs[p["id"]] = g.json
    w.made = made
    w.ids = [p["id"] for p in made]
    w.by_title = {p["title"].split()[0]: p["id"] for p in made}
    wait_for(stack, m, present=w.ids, source=w.src)
    return w


def unit_of(w, pid):
    return w.docs[pid]["unit"]


def cat_closure(w, pid):
    out = set()
    for c in w.docs[pid]["category_ids"]:
        out.add(c)
        if w.cats[c]["parent_id"] is not None:
            out.add(w.cats[c]["parent_id"])
    return out


def visible(w, role):
    return [i for i in w.ids if role is not None or w.docs[i]["status"] == "published"]


def expect(w, role, pred, order="-entered_on"):
    pids = [i for i in visible(w, role) if pred(w.docs[i])]
    return sort_ids(w, pids, order)


def sort_ids(w, pids, order):
    d = w.docs
    if order == "-entered_on":
        return sorted(pids, key=lambda i: (d[i]["entered_on"], i), reverse=True)
    if order == "entered_on":
        return sorted(pids, key=lambda i: (d[i]["entered_on"], i))
    if order == "title":
        return sorted(pids, key=lambda i: (polish_key(d[i]["title"]), i))
    if order == "-updated_at":
        return sorted(pids, key=lambda i: (d[i]["updated_at"], i), reverse=True)
    if order == "id-desc":
        return sorted(pids, reverse=True)
    raise AssertionError(order)


# ----------------------------------------------------------------------------
# Parameters: each bad value is a 400 problem naming the parameter


BAD_PARAMS = [
    ("colour", "red", "colour"),
    ("Q", "x", "Q"),
    ("category", "0", "category"),
    ("category", "-1", "category"),
    ("category", "Usługi", "category"),
    ("category", "a b", "category"),
    ("category", "", "category"),
    ("category", "x" * 300, "category"),
    ("category", "999999999", "category"),
    ("category", "nie-ma-takiej-kategorii-qzx", "category"),
    ("voivodeship", "Pomorskie", "voivodeship"),
    ("voivodeship", "pomorze", "voivodeship"),
    ("voivodeship", "slaskie", "voivodeship"),
    ("voivodeship", "", "voivodeship"),
    ("unit_type", "gmina", "unit_type"),
    ("unit_type", "GMINA_MIEJSKA", "unit_type"),
    ("unit_type", "", "unit_type"),
    ("unit_id", "0", "unit_id"),
    ("unit_id", "-3", "unit_id"),
    ("unit_id", "abc", "unit_id"),
    ("unit_id", "1.5", "unit_id"),
    ("unit_id", "99999999999999", "unit_id"),
    ("teryt", "", "teryt"),
    ("teryt", "12345678", "teryt"),
    ("teryt", "22a", "teryt"),
    ("teryt", "-22", "teryt"),
    ("teryt", "２２", "teryt"),
    ("population_min", "-1", "population_min"),
    ("population_min", "x", "population_min"),
    ("population_max", "1.5", "population_max"),
    ("population_max", "", "population_max"),
    ("entered_from", "2020-13-01", "entered_from"),
    ("entered_from", "2021-02-29", "entered_from"),
    ("entered_to", "20200101", "entered_to"),
    ("entered_to", "2020-1-1", "entered_to"),
    ("entered_to", "", "entered_to"),
    ("updated_since", "2024-05-01", "updated_since"),
    ("updated_since", "2024-05-01T25:00:00Z", "updated_since"),
    ("updated_since", "2024-05-01 00:00:00Z", "updated_since"),
    ("updated_since", "yesterday", "updated_since"),
    ("updated_since", "2024-05-01T00:00:00", "updated_since"),
    ("status", "deleted", "status"),
    ("status", "", "status"),
    ("status", "Published", "status"),
    ("sort", "newest", "sort"),
    ("sort", "-title", "sort"),
    ("sort", "", "sort"),
    ("sort", "relevance", "sort"),
    ("facets", "", "facets"),
    ("facets", "colour", "facets"),
    ("facets", "year,", "facets"),
    ("facets", ",year", "facets"),
    ("facets", "year,colour", "facets"),
    ("facets", "Year", "facets"),
    ("facets", "year category", "facets"),
    ("limit", "0", "limit"),
    ("limit", "201", "limit"),
    ("limit", "ten", "limit"),
    ("cursor", "abc", "cursor"),
    ("cursor", "!!!", "cursor"),
    ("cursor", "", "cursor"),
    ("q", "a" * 1001, "q"),
    ("q", "ą" * 1001, "q"),
]


@pytest.mark.parametrize("name,value,field", BAD_PARAMS,
                         ids=[f"{n}={v[:20]!r}" for n, v, _ in BAD_PARAMS])
@pytest.mark.parametrize("role", [None, "reader"])
def test_bad_parameter_is_400_naming_it(stack, name, value, field, role):
    r = stack.get("/v1/practices?" + urllib.parse.urlencode({name: value}), role=role)
    assert_problem(r, 400, [field])


@pytest.mark.parametrize("name,value", [("q", "dom"), ("category", "1"), ("limit", "5"),
                                        ("sort", "title"), ("facets", "year"), ("unit_id", "1")])
def test_repeated_parameter_is_400(stack, name, value):
    r = stack.get(f"/v1/practices?{name}={value}&{name}={value}")
    assert_problem(r, 400, [name])


def test_relevance_needs_a_query(stack):
    assert_problem(stack.get("/v1/practices?sort=relevance"), 400, ["sort"])
    assert_problem(stack.get("/v1/practices?q=%20%20&sort=relevance"), 400, ["sort"])
    assert ok(stack.get("/v1/practices?q=dom&sort=relevance")) is not None


def test_population_min_above_max_is_400(stack):
    r = stack.get("/v1/practices?population_min=5001&population_max=5000")
    assert_problem(r, 400, any_field=["population_min", "population_max"])
    assert ok(stack.get("/v1/practices?population_min=5000&population_max=5000")) is not None


def test_q_of_1000_characters_is_accepted(stack):
    for q in ["a" * 1000, "ą" * 1000, ("dom dziecka " * 100)[:1000]]:
        assert len(q) == 1000
        ok(search(stack, q=q))


def test_valid_parameter_forms_are_accepted(stack, world):
    for params in [
        {"updated_since": "2024-05-01T00:00:00Z"},
        {"updated_since": "2024-05-01T00:00:00.123456Z"},
        {"updated_since": "2024-05-01T02:00:00+02:00"},
        {"updated_since": "2024-05-01T00:00:00-05:30"},
        {"entered_from": "2020-02-29", "entered_to": "2020-03-01"},
        {"category": world.area["slug"]},
        {"category": str(world.area["id"])},
        {"teryt": "2"},
        {"teryt": "2212345"},
        {"facets": "category,voivodeship,unit_type,year"},
        {"facets": "year"},
        {"sort": "-updated_at"},
        {"status": "archived"},
        {"voivodeship": "śląskie"},
        {"unit_type": "zwiazek_jst"},
        {"population_min": "0"},
        {"limit": "1"},
        {"limit": "200"},
    ]:
        ok(search(stack, source=world.src, **params))


def test_cursor_of_another_sort_is_400(stack, world):
    cur = {}
    for sort in ["-entered_on", "entered_on", "title", "-updated_at"]:
        body = ok(search(stack, source=world.src, sort=sort, limit=1))
        assert body["next_cursor"], body
        cur[sort] = body["next_cursor"]
    body = ok(search(stack, q=world.m, source=world.src, limit=1))
    assert body["next_cursor"], body
    cur["relevance"] = body["next_cursor"]
    for made_for, c in cur.items():
        for sort in ["-entered_on", "entered_on", "title", "-updated_at", "relevance"]:
            if sort == made_for:
                continue
            params = {"source": world.src, "sort": sort, "cursor": c}
            if sort == "relevance":
                params["q"] = world.m
            assert_problem(search(stack, **params), 400, ["cursor"])
    # without sort: -entered_on (no q) and relevance (with q) are the defaults
    assert_problem(search(stack, source=world.src, cursor=cur["relevance"]), 400, ["cursor"])
    assert_problem(search(stack, q=world.m, source=world.src, cursor=cur["-entered_on"]), 400,
                   ["cursor"])
    ok(search(stack, source=world.src, cursor=cur["-entered_on"]))
    ok(search(stack, q=world.m, source=world.src, cursor=cur["relevance"]))


# ----------------------------------------------------------------------------
# The answer's shape


def test_list_shape_vary_and_link(stack, world):
    r = search(stack, source=world.src, limit=2)
    body = ok(r)
    assert set(body) == {"items", "next_cursor", "total"}, body
    assert body["total"] == len(world.ids)
    assert len(body["items"]) == 2
    assert isinstance(body["next_cursor"], str) and body["next_cursor"]
    assert "accept" in r.headers.get("vary", "").lower(), r
    link = parse_link_next(r.headers.get("link"))
    assert link and link.startswith("/v1/practices?"), r
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert q["source"] == [world.src] and q["limit"] == ["2"] and q["cursor"] == [body["next_cursor"]]
    for item in body["items"]:
        assert "highlight" not in item
        assert item == world.docs[item["id"]]

    last = ok(search(stack, source=world.src, limit=200))
    assert last["next_cursor"] is None
    r = search(stack, source=world.src, limit=200)
    assert 'rel="next"' not in r.headers.get("link", "")


def test_empty_result(stack):
    r = search(stack, q=marker())
    body = ok(r)
    assert body == {"items": [], "next_cursor": None, "total": 0}
    r = search(stack, source="src-" + marker(), facets="category,voivodeship,unit_type,year")
    body = ok(r)
    assert body["items"] == [] and body["total"] == 0
    assert body["facets"] == {"category": [], "voivodeship": [], "unit_type": [], "year": []}


def test_blank_q_is_absent(stack, world):
    plain = all_ids(stack, source=world.src)
    for blank in ["", "   ", "\t\n"]:
        body = ok(search(stack, q=blank, source=world.src, limit=200))
        assert [i["id"] for i in body["items"]] == plain
        assert all("highlight" not in i for i in body["items"])
    assert plain == expect(world, "reader", lambda d: True)


# ----------------------------------------------------------------------------
# Filters, alone and together, without and with q


def filter_cases(w):
    u = w.units
    pop = lambda d: unit_of(w, d["id"])["population"]  # noqa: E731
    return {
        "category-area-id": ({"category": str(w.area["id"])},
                             lambda d: w.area["id"] in cat_closure(w, d["id"])),
        "category-area-slug": ({"category": w.area["slug"]},
                               lambda d: w.area["id"] in cat_closure(w, d["id"])),
        "category-sub-slug": ({"category": w.s1["slug"]}, lambda d: w.s1["id"] in d["category_ids"]),
        "category-sub-id": ({"category": str(w.s2["id"])}, lambda d: w.s2["id"] in d["category_ids"]),
        "category-other": ({"category": w.other["slug"]}, lambda d: w.other["id"] in d["category_ids"]),
        "voivodeship-pomorskie": ({"voivodeship": "pomorskie"},
                                  lambda d: d["unit"]["voivodeship"] == "pomorskie"),
        "voivodeship-slaskie": ({"voivodeship": "śląskie"},
                                lambda d: d["unit"]["voivodeship"] == "śląskie"),
        "voivodeship-wielkopolskie-lead-only": ({"voivodeship": "wielkopolskie"},
                                                lambda d: d["unit"]["voivodeship"] == "wielkopolskie"),
        "voivodeship-none": ({"voivodeship": "lubuskie"}, lambda d: False),
        **{f"unit_type-{t}": ({"unit_type": t}, (lambda t: lambda d: d["unit"]["type"] == t)(t))
           for t in ["gmina_miejska", "gmina_wiejska", "gmina_miejsko_wiejska",
                     "miasto_na_prawach_powiatu", "powiat_ziemski", "wojewodztwo", "zwiazek_jst"]},
        "unit_id-lead-only": ({"unit_id": str(u["wlkp"]["id"])}, lambda d: d["unit_id"] == u["wlkp"]["id"]),
        "unit_id-pom": ({"unit_id": str(u["pom"]["id"])}, lambda d: d["unit_id"] == u["pom"]["id"]),
        "teryt-voivodeship": ({"teryt": "24"}, lambda d: (d["unit"]["teryt"] or "").startswith("24")),
        "teryt-one-digit": ({"teryt": "2"}, lambda d: (d["unit"]["teryt"] or "").startswith("2")),
        "teryt-powiat": ({"teryt": u["slp"]["teryt"]},
                         lambda d: (d["unit"]["teryt"] or "").startswith(u["slp"]["teryt"])),
        "teryt-full": ({"teryt": u["pom"]["teryt"]}, lambda d: d["unit"]["teryt"] == u["pom"]["teryt"]),
        "teryt-woj": ({"teryt": "28"}, lambda d: (d["unit"]["teryt"] or "").startswith("28")),
        "population_min": ({"population_min": "20000"}, lambda d: (pop(d) or -1) >= 20000),
        "population_max": ({"population_max": "20000"}, lambda d: pop(d) is not None and pop(d) <= 20000),
        "population-range": ({"population_min": "20000", "population_max": "150000"},
                             lambda d: pop(d) is not None and 20000 <= pop(d) <= 150000),
        "population-exact": ({"population_min": "5000", "population_max": "5000"},
                             lambda d: pop(d) == 5000),
        "entered_from": ({"entered_from": "2015-03-03"}, lambda d: d["entered_on"] >= "2015-03-03"),
        "entered_to": ({"entered_to": "2012-05-05"}, lambda d: d["entered_on"] <= "2012-05-05"),
        "entered-range": ({"entered_from": "2012-05-05", "entered_to": "2015-03-03"},
                          lambda d: "2012-05-05" <= d["entered_on"] <= "2015-03-03"),
        "entered-one-day": ({"entered_from": "2008-01-07", "entered_to": "2008-01-07"},
                            lambda d: d["entered_on"] == "2008-01-07"),
        "entered-empty-range": ({"entered_from": "2013-01-01", "entered_to": "2014-12-31"},
                                lambda d: False),
        "updated_since-latest": ({"updated_since": w.docs[w.latest]["updated_at"]},
                                 lambda d: d["id"] == w.latest),
        "updated_since-all": ({"updated_since": w.docs[w.ids[0]]["created_at"]}, lambda d: True),
        "updated_since-future": ({"updated_since": "2100-01-01T00:00:00Z"}, lambda d: False),
        "status-draft": ({"status": "draft"}, lambda d: d["status"] == "draft"),
        "status-archived": ({"status": "archived"}, lambda d: d["status"] == "archived"),
        "status-published": ({"status": "published"}, lambda d: d["status"] == "published"),
        "external_id": ({"external_id": "ext-4"}, lambda d: d["external_id"] == "ext-4"),
        "combined-area-pomorskie-since-2010": (
            {"category": w.area["slug"], "voivodeship": "pomorskie", "entered_from": "2010-01-01"},
            lambda d: w.area["id"] in cat_closure(w, d["id"]) and d["unit"]["voivodeship"] == "pomorskie"
            and d["entered_on"] >= "2010-01-01"),
        "combined-type-population": (
            {"unit_type": "gmina_miejska", "population_max": "10000"},
            lambda d: d["unit"]["type"] == "gmina_miejska" and pop(d) is not None and pop(d) <= 10000),
        "combined-teryt-category-status": (
            {"teryt": "2", "category": w.s1["slug"], "status": "published"},
            lambda d: (d["unit"]["teryt"] or "").startswith("2") and w.s1["id"] in d["category_ids"]
            and d["status"] == "published"),
        "combined-many": (
            {"category": w.area["slug"], "voivodeship": "śląskie", "unit_type": "gmina_miejsko_wiejska",
             "teryt": "24", "population_min": "1", "population_max": "100000",
             "entered_from": "2015-01-01", "entered_to": "2015-12-31",
             "updated_since": "2000-01-01T00:00:00Z", "status": "published"},
            lambda d: w.area["id"] in cat_closure(w, d["id"]) and d["unit"]["voivodeship"] == "śląskie"
            and d["unit"]["type"] == "gmina_miejsko_wiejska" and d["entered_on"].startswith("2015")
            and d["status"] == "published"),
        "combined-contradiction": ({"voivodeship": "pomorskie", "unit_type": "powiat_ziemski"},
                                   lambda d: False),
    }


FILTER_NAMES = [
    "category-area-id", "category-area-slug", "category-sub-slug", "category-sub-id", "category-other",
    "voivodeship-pomorskie", "voivodeship-slaskie", "voivodeship-wielkopolskie-lead-only",
    "voivodeship-none",
    "unit_type-gmina_miejska", "unit_type-gmina_wiejska", "unit_type-gmina_miejsko_wiejska",
    "unit_type-miasto_na_prawach_powiatu", "unit_type-powiat_ziemski", "unit_type-wojewodztwo",
    "unit_type-zwiazek_jst", "unit_id-lead-only", "unit_id-pom",
    "teryt-voivodeship", "teryt-one-digit", "teryt-powiat", "teryt-full", "teryt-woj",
    "population_min", "population_max", "population-range", "population-exact",
    "entered_from", "entered_to", "entered-range", "entered-one-day", "entered-empty-range",
    "updated_since-latest", "updated_since-all", "updated_since-future",
    "status-draft", "status-archived", "status-published", "external_id",
    "combined-area-pomorskie-since-2010", "combined-type-population",
    "combined-teryt-category-status", "combined-many", "combined-contradiction",
]


@pytest.mark.parametrize("with_q", [False, True], ids=["no-q", "q"])
@pytest.mark.parametrize("role", ["reader", None], ids=["reader", "anonymous"])
@pytest.mark.parametrize("case", FILTER_NAMES)
def test_filter(stack, world, case, role, with_q):
    params, pred = filter_cases(world)[case]
    want = expect(world, role, pred, order="id-desc" if with_q else "-entered_on")
    extra = {"q": world.m} if with_q else {}
    got = all_ids(stack, role=role, source=world.src, **params, **extra)
    assert got == want, (case, params)


def test_filter_cases_are_discriminating(world):
    # the data set is such that most filters keep some and drop some
    cases = filter_cases(world)
    for name in FILTER_NAMES:
        _, pred = cases[name]
        kept = expect(world, "reader", pred)
        if name in ("voivodeship-none", "entered-empty-range", "updated_since-future",
                    "combined-contradiction", "updated_since-all"):
            continue
        assert 0 < len(kept) < len(world.ids), name


def test_source_filter_is_exact(stack, world):
    assert all_ids(stack, source=world.src[:-1]) == []
    assert all_ids(stack, source=world.src.upper()) == []
    assert sorted(all_ids(stack, source=world.src)) == sorted(world.ids)
    assert all_ids(stack, source=world.src, external_id="ext-") == []


# ----------------------------------------------------------------------------
# Sorts and keyset paging


SORTS = ["-entered_on", "entered_on", "title", "-updated_at"]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("role", ["reader", None], ids=["reader", "anonymous"])
def test_sort_order_with_id_tie_break(stack, world, sort, role):
    want = sort_ids(world, visible(world, role), sort)
    assert all_ids(stack, role=role, source=world.src, sort=sort) == want
    # the same with q: an explicit sort overrides relevance
    assert all_ids(stack, role=role, source=world.src, sort=sort, q=world.m) == want


def test_default_sort_without_q_is_newest_entered(stack, world):
    want = sort_ids(world, world.ids, "-entered_on")
    assert all_ids(stack, source=world.src) == want
    # ties on entered_on exist in the data and go to the higher id
    dates = [world.docs[i]["entered_on"] for i in want]
    assert len(set(dates)) < len(dates)


def test_title_sort_is_polish_alphabetical(stack, world):
    got = all_ids(stack, source=world.src, sort="title")
    words = [world.docs[i]["title"].split()[0].strip(",") for i in got]
    assert words == ["Ala", "Ala", "Ąbc", "Bzik", "Cebula", "Ćma", "Lato", "Łódź", "Mama", "Tytuł",
                     "Zebra", "Źdźbło", "Żaba"], words
    # equal titles: ascending id
    assert got[0] < got[1]


def test_relevance_ties_break_by_id_descending(stack, world):
    # every title is "<word> <marker>": the same rank for all
    got = all_ids(stack, q=world.m, source=world.src)
    assert got == sorted(world.ids, reverse=True)
    assert all_ids(stack, q=world.m, source=world.src, sort="relevance") == got


@pytest.mark.parametrize("sort", SORTS + ["relevance"])
@pytest.mark.parametrize("limit", [1, 2, 5])
def test_paging_has_no_gaps_or_duplicates(stack, world, sort, limit):
    params = {"source": world.src, "sort": sort}
    if sort == "relevance":
        params["q"] = world.m
    whole = all_ids(stack, **params)
    ids, total, pages = paged_ids(stack, limit=limit, **params)
    assert ids == whole
    assert total == len(whole) == len(world.ids)
    assert pages == -(-len(whole) // limit)


def test_paging_follows_link_with_odd_q(stack, world):
    # quotes, ampersand, equals sign, Polish quotation marks: all must
    # survive the round trip through the Link header
    q = f'„{world.m}” & "{world.m}" {world.m}='
    whole = all_ids(stack, q=q, source=world.src)
    assert sorted(whole) == sorted(world.ids)
    ids, total, _ = paged_ids(stack, follow_link=True, q=q, source=world.src, limit=3)
    assert ids == whole and total == len(whole)


def test_paging_anonymous_skips_drafts(stack, world):
    ids, total, _ = paged_ids(stack, role=None, source=world.src, limit=2)
    assert ids == sort_ids(world, visible(world, None), "-entered_on")
    assert total == len(visible(world, None)) < len(world.ids)


def test_paging_with_facets_and_filters_keeps_them(stack, world):
    params = dict(source=world.src, category=world.area["slug"], facets="voivodeship", limit=2)
    first = ok(search(stack, **params))
    link = parse_link_next(search(stack, **params).headers.get("link"))
    second = ok(stack.get(link, role="reader"))
    assert second["facets"] == first["facets"]
    assert second["total"] == first["total"]
    assert not ({i["id"] for i in first["items"]} & {i["id"] for i in second["items"]})


def test_title_sort_pages_through_long_titles(stack, api):
    """A title of up to 500 characters is valid; paging by title must not
    choke on the cursor such a title makes."""
    unit = api.make_unit()
    m = marker()
    made = [api.make_practice(unit_id=unit["id"], status="published",
                              title=f"{m} {i} " + "Żółć gęślą jaźń " * 29)["id"] for i in range(3)]
    assert all(len(stack.get(f"/v1/practices/{p}").json["title"]) <= 500 for p in made)
    whole = all_ids(stack, unit_id=unit["id"], sort="title")
    assert whole == made
    ids, total, _ = paged_ids(stack, unit_id=unit["id"], sort="title", limit=1)
    assert ids == whole and total == 3


# ----------------------------------------------------------------------------
# Relevance


@pytest.fixture(scope="module")
def ranked(stack, api):
    r = marker()
    unit = api.make_unit(name=f"Gmina {r}")  # the marker only in the unit's name (weight D)
    other_unit = api.make_unit()
    body_heavy = " ".join([r] * 30)
    made = {
        "title": api.make_practice(unit_id=other_unit["id"], status="published",
                                   title=f"Tytuł z {r}", summary="Nic więcej."),
        "title_body": api.make_practice(unit_id=other_unit["id"], status="published",
                                        title=f"{r} i jeszcze raz {r}", summary=f"Skrót {r}."),
        "body_heavy": api.make_practice(unit_id=other_unit["id"], status="published",
                                        title="Bez słowa w tytule", summary=body_heavy,
                                        keywords=[r, r], sections=[{"heading": r, "body": body_heavy}]),
        "body_once": api.make_practice(unit_id=other_unit["id"], status="published",
                                       title="Bez słowa w tytule", summary=f"Raz {r}."),
        "partner": api.make_practice(unit_id=other_unit["id"], status="published",
                                     title="Bez słowa w tytule", partners=[f"Fundacja {r}"]),
        "unit_name": api.make_practice(unit_id=unit["id"], status="published",
                                       title="Bez słowa w tytule"),
    }
    ids = {k: v["id"] for k, v in made.items()}
    wait_for(stack, r, present=ids.values())
    return r, ids


def test_title_match_ranks_above_body_matches(stack, ranked):
    r, ids = ranked
    got = all_ids(stack, q=r)
    assert set(got) == set(ids.values())
    # the two whose title has the word first, the one with it twice first
    assert got[:2] == [ids["title_body"], ids["title"]], got
    # the body repeated 30 times (summary, keywords, sections) stays below
    # a single occurrence in the title; so do the other fields
    assert set(got[2:]) == {ids["body_heavy"], ids["body_once"], ids["partner"], ids["unit_name"]}


@pytest.mark.parametrize("limit", [1, 2, 4])
def test_relevance_paging_matches_unpaged(stack, ranked, limit):
    r, ids = ranked
    whole = all_ids(stack, q=r)
    got, total, _ = paged_ids(stack, q=r, limit=limit)
    assert got == whole and total == len(ids)


@pytest.fixture(scope="module")
def phrased(stack, api):
    """Practices with the phrase "<a> <b>" (two made-up words) in the title, the
    summary or a section, with dates, titles and years that differ; and some
    with both words apart or the other way round, which the phrase must not
    find."""
    a, b = marker(), marker()
    found, apart = [], []
    for i, (title, summary, entered) in enumerate([
            (f"{a} {b} pierwszy", "Nic.", "2009-02-02"),
            (f"Drugi {a} {b}", f"Też {a} {b}.", "2014-06-06"),
            ("Trzeci", f"W skrócie {a} {b} raz.", "2014-06-06"),
            ("Czwarty", "Nic.", "2021-01-01"),
            (f"Piąty {a} {b} {a} {b}", "Nic.", "2009-02-02"),
            (f"{a} {b}", "Nic.", "2021-01-01")]):
        sections = [{"heading": "Opis", "body": f"Sekcja z {a} {b}."}] if i == 3 else None
        body = dict(status="published", title=title, summary=summary, entered_on=entered)
        if sections:
            body["sections"] = sections
        found.append(api.make_practice(**body))
    for title in (f"{b} {a} odwrotnie", f"{a} przerwa {b}"):
        apart.append(api.make_practice(status="published", title=title, summary="Nic."))
    wait_for(stack, a, present=[p["id"] for p in found + apart])
    return f'"{a} {b}"', found, apart


@pytest.mark.parametrize("sort", SORTS + ["relevance"])
@pytest.mark.parametrize("limit", [1, 2, 4])
def test_phrase_pages_in_every_sort(stack, phrased, sort, limit):
    # the page's rows come from the same pass as the counts (one check of
    # the positions): every sort and its cursor must hold there too
    q, found, apart = phrased
    whole = all_ids(stack, q=q, sort=sort)
    assert set(whole) == {p["id"] for p in found}
    got, total, pages = paged_ids(stack, q=q, sort=sort, limit=limit)
    assert got == whole and total == len(found)
    assert pages == -(-len(found) // limit)
    if sort == "-entered_on":
        by = {p["id"]: p for p in found}
        assert whole == sorted(whole, key=lambda i: (by[i]["entered_on"], i), reverse=True)


def test_phrase_facets_and_title_matches_first(stack, phrased):
    q, found, apart = phrased
    body = ok(search(stack, q=q, facets="year", limit=2))
    assert body["total"] == len(found) and len(body["items"]) == 2
    years = {}
    for p in found:
        years[int(p["entered_on"][:4])] = years.get(int(p["entered_on"][:4]), 0) + 1
    assert {e["value"]: e["count"] for e in body["facets"]["year"]} == years
    # relevance: the four with the phrase in the title before the two without
    whole = all_ids(stack, q=q)
    in_title = {p["id"] for p in found if q.strip('"') in p["title"]}
    assert set(whole[:len(in_title)]) == in_title and len(in_title) == 4
    # each hit's highlight marks both words
    for item in body["items"]:
        assert item["highlight"]["title"].count("<mark>") >= 2, item["highlight"]


def test_relevance_paging_with_nearly_equal_ranks(stack, api):
    """Two hits whose ranks differ only in the last bits of a float: the
    one ranked lower must still be on the next page."""
    ma, mb = marker(), marker()
    unit = api.make_unit()

    def practice(pos_a, pos_b):
        # a title of 20 words, ma and mb at the given positions (1-based)
        words = ["x"] * 20
        for i in pos_a:
            words[i - 1] = ma
        for i in pos_b:
            words[i - 1] = mb
        return api.make_practice(unit_id=unit["id"], status="published", title=" ".join(words))["id"]

    higher = practice([17, 20], [1, 3])  # ts_rank 0.21782626 (weights A)
    lower = practice([1, 3], [17, 20])   # ts_rank 0.21782625
    q = f"{ma} {mb}"
    wait_for(stack, q, present=[higher, lower])
    # Ranks are compared as the cursor keeps them (real): these two may tie,
    # and then the newer id comes first; paged, the order is the same.
    whole = all_ids(stack, q=q)
    assert sorted(whole) == sorted([higher, lower])
    got, total, pages = paged_ids(stack, q=q, limit=1)
    assert total == 2
    assert got == whole, f"paging by relevance returned {got} in {pages} pages, unpaged {whole}"


def test_relevance_paging_over_many_varied_hits(stack, api):
    m = marker()
    unit = api.make_unit()
    made = []
    for i in range(14):
        a, b, c = i % 3, (i * 5) % 7, (i * 3) % 4
        made.append(api.make_practice(
            unit_id=unit["id"], status="published",
            title=" ".join([m] * a + ["Tytuł", str(i)]), summary=" ".join([m] * b + ["skrót"]),
            sections=[{"heading": "Cele", "body": " ".join([m] * c + ["sekcja"])}],
            keywords=[m] if a + b + c == 0 else [])["id"])
    wait_for(stack, m, present=made)
    whole = all_ids(stack, q=m)
    assert sorted(whole) == sorted(made)
    for limit in (1, 3, 4):
        got, total, _ = paged_ids(stack, q=m, limit=limit)
        assert got == whole, limit
        assert total == len(made)


# ----------------------------------------------------------------------------
# Polish: stems, diacritics, fields, operators


@pytest.fixture(scope="module")
def polish(stack, api):
    w = World()
    w.src = "src-" + marker()
    w.words = {k: marker() for k in ("section", "heading", "keyword", "impl_name", "impl_locality",
                                      "partner", "county", "unit_name")}
    zory = api.make_unit(name="Żory", type="miasto_na_prawach_powiatu", teryt=miasto_teryt("24"),
                         voivodeship="śląskie", county=None, population=62000)
    fields_unit = api.make_unit(name=f"Gmina {w.words['unit_name']}", county=w.words["county"])
    plain_unit = api.make_unit()
    w.dom = api.make_practice(
        unit_id=plain_unit["id"], status="published", source=w.src,
        title="Przekształcenie Domu Dziecka w nowoczesną instytucję opiekuńczą",
        summary="W powiecie zlikwidowano placówkę, a dzieci trafiły do rodziny zastępcze "
                "i rodzinnych domów.")["id"]
    w.road = api.make_practice(
        unit_id=plain_unit["id"], status="published", source=w.src,
        title="Remont drogi gminnej", summary="Budowa chodnika wzdłuż szkoły.")["id"]
    w.zory = api.make_practice(
        unit_id=zory["id"], status="published", source=w.src,
        title="Ścieżki rowerowe", summary="Sieć tras w mieście.")["id"]
    w.fields = api.make_practice(
        unit_id=fields_unit["id"], status="published", source=w.src,
        title="Budżet obywatelski", summary="Mieszkańcy wybierają projekty.",
        keywords=["partycypacja", w.words["keyword"]],
        sections=[{"heading": f"Cele {w.words['heading']}", "body": f"Opis {w.words['section']}."}],
        implementer={"name": f"Urząd {w.words['impl_name']}", "locality": w.words["impl_locality"]},
        partners=[f"Stowarzyszenie {w.words['partner']}"])["id"]
    w.all = [w.dom, w.road, w.zory, w.fields]
    # every practice indexed: each is found by a word of its own
    wait_for(stack, "dziecka", present=[w.dom], source=w.src)
    wait_for(stack, "drogi", present=[w.road], source=w.src)
    wait_for(stack, "rowerowe", present=[w.zory], source=w.src)
    wait_for(stack, w.words["keyword"], present=[w.fields], source=w.src)
    return w


@pytest.mark.parametrize("q,who", [
    ("dziecko", "dom"),                     # "Domu Dziecka"
    ("Dziecko", "dom"),
    ("DZIECI", "dom"),
    ("dom dziecka", "dom"),
    ("rodzina zastępcza", "dom"),           # "rodziny zastępcze"
    ("rodziny zastępczej", "dom"),
    ("opiekuncza", "dom"),                  # "opiekuńczą", typed without diacritics
    ("opiekuńcza", "dom"),
    ("instytucja", "dom"),
    ("przeksztalcenie", "dom"),
    ("zory", "zory"),                       # the unit's name "Żory"
    ("Żory", "zory"),
    ("ścieżka", "zory"),                    # "Ścieżki"
    ("sciezki", "zory"),
    ("droga", "road"),
    ("szkoła", "road"),
    ("budzet obywatelski", "fields"),
])
def test_polish_forms_find_each_other(stack, polish, q, who):
    want = getattr(polish, who)
    got = all_ids(stack, q=q, source=polish.src)
    assert got == [want], (q, got)


@pytest.mark.parametrize("field", ["section", "heading", "keyword", "impl_name", "impl_locality",
                                   "partner", "county", "unit_name"])
def test_every_searched_field_is_found(stack, polish, field):
    assert all_ids(stack, q=polish.words[field], source=polish.src) == [polish.fields]
    # the same word is not found elsewhere
    assert all_ids(stack, q=polish.words[field]) == [polish.fields]


@pytest.mark.parametrize("q,who", [
    ('"domu dziecka"', ["dom"]),
    ('"dom dziecko"', ["dom"]),             # a phrase of stems
    ('"dziecka domu"', []),                 # the words, but not in this order
    ('"przekształcenie dziecka"', []),      # both words, not adjacent
    ("dziecka -opiekuńczą", []),
    ("-dziecko", ["road", "zory", "fields"]),
    ("-dziecko -rowerowe", ["road", "fields"]),
    ("dziecko or rowerowe", ["dom", "zory"]),
    ("drogi or ścieżki or budżet", ["road", "zory", "fields"]),
    ("dziecko rowerowe", []),               # words are ANDed
    ("dziecko droga", []),
    ('"remont drogi" -szkoła', []),
    ('"remont drogi" -szpital', ["road"]),
])
def test_operators(stack, polish, q, who):
    want = sorted(getattr(polish, k) for k in who)
    got = sorted(all_ids(stack, q=q, source=polish.src))
    assert got == want, (q, got)


def test_zory_only_by_its_unit(stack, polish):
    # "zory" is in no title or summary: the unit's name is what matched
    body = ok(search(stack, q="zory", source=polish.src))
    assert [i["id"] for i in body["items"]] == [polish.zory]
    item = body["items"][0]
    assert item["unit"]["name"] == "Żory"
    assert "<mark>" not in item["highlight"]["title"]
    assert "<mark>" not in item["highlight"]["summary"]


# ----------------------------------------------------------------------------
# Typos in title words: a query word that matches no indexed word and is no
# Polish word is looked for as the title words most like it too (pg_trgm);
# other words are searched as they are.


def other_letter(c):
    return "e" if c == "a" else "a"


@pytest.fixture(scope="module")
def typos(stack, api):
    w = World()
    w.src = "src-" + marker()
    w.t = marker("tpo")                                     # 13 letters of a title
    w.t_end = w.t[:-1] + other_letter(w.t[-1])              # another title's word, like t
    w.t_body = w.t[:6] + other_letter(w.t[6]) + w.t[7:]     # a word of a summary, like t
    w.t_typo = w.t[:9] + w.t[10:]                           # t with a letter missing

    def make(title, summary=""):
        return api.make_practice(status="published", source=w.src, title=title,
                                 summary=summary)["id"]

    w.rynek = make("Rewitalizacja rynku", "Nowa nawierzchnia i zieleń.")
    w.centrum = make("Przebudowa śródmieścia", "Szersze chodniki.")
    w.both = make("Rewitalizacja śródmieścia", "Kamienice i podwórka.")
    w.a = make(f"Program {w.t}")
    w.c = make(f"Program {w.t_end}")
    w.b = make("Inny program", f"Opis {w.t_body}.")
    w.t_num = marker("tpn") + "7"                           # a title word with a digit
    w.numbered = make(f"Etap {w.t_num}")
    wait_for(stack, "rynku", present=[w.rynek], source=w.src)
    wait_for(stack, "przebudowa", present=[w.centrum], source=w.src)
    wait_for(stack, "kamienice", present=[w.both], source=w.src)
    wait_for(stack, w.t, present=[w.a])
    wait_for(stack, w.t_end, present=[w.c])
    wait_for(stack, w.t_body, present=[w.b])
    wait_for(stack, w.t_num, present=[w.numbered])
    return w


@pytest.mark.parametrize("q,who", [
    ("rewitalizajca", ["rynek", "both"]),                   # two letters swapped
    ("Rewitalizcja", ["rynek", "both"]),                    # a letter missing
    ("rewitalizaccja", ["rynek", "both"]),                  # a letter too many
    ("rewitalizajca rynku", ["rynek"]),                     # words are still ANDed
    ("srodmiescai", ["centrum", "both"]),                   # no diacritics, letters swapped
    ("przebudwa srodmiescia", ["centrum"]),
    ('"rewitalizajca srodmiescia"', ["both"]),              # in a phrase too
    ("rewitalizajca or przebudwa", ["rynek", "centrum", "both"]),
    ("srodmiescai -rewitalizajca", ["centrum", "both"]),    # not under "-": excludes nothing
])
def test_typo_in_a_title_word_is_tolerated(stack, typos, q, who):
    want = sorted(getattr(typos, k) for k in who)
    got = sorted(all_ids(stack, q=q, source=typos.src))
    assert got == want, (q, got)


def test_typo_highlights_the_title_word_it_stands_for(stack, typos):
    body = ok(search(stack, q="rewitalizajca rynku", source=typos.src))
    assert [i["id"] for i in body["items"]] == [typos.rynek]
    assert body["items"][0]["highlight"]["title"] == "<mark>Rewitalizacja</mark> <mark>rynku</mark>"


def test_a_known_title_word_is_not_corrected(stack, typos):
    # the typo finds the title it is like (and maybe the other one)
    got = all_ids(stack, q=typos.t_typo)
    assert typos.a in got, got
    # each of two similar title words finds its own practice alone
    assert all_ids(stack, q=typos.t) == [typos.a]
    assert all_ids(stack, q=typos.t_end) == [typos.c]
    assert sorted(all_ids(stack, q="rewitalizacja", source=typos.src)) == sorted([typos.rynek,
                                                                               typos.both])


def test_a_polish_word_in_no_practice_is_not_corrected(stack, typos):
    assert sorted(all_ids(stack, q="rewitalizajca", source=typos.src)) == sorted([typos.rynek,
                                                                               typos.both])
    # as like "rewitalizacja" as the typo, but a word of the dictionary
    # (another stem): spelt right, so it finds what has it, here nothing
    assert all_ids(stack, q="rewitalizacyjny", source=typos.src) == []
    assert all_ids(stack, q="rewitalizacyjny przebudwa", source=typos.src) == []


def test_a_word_only_in_a_body_is_not_corrected(stack, typos):
    # corrections come from titles only: the summary's word is not among them
    got = all_ids(stack, q=typos.t_typo)
    assert typos.a in got and typos.b not in got, got
    # and a word found in a summary is known: it finds that practice alone,
    # not the title it is like
    assert all_ids(stack, q=typos.t_body) == [typos.b]


@pytest.mark.parametrize("q", [
    "rewitalizajca'", "'rewitalizajca'", "rewitalizajca\\", "rewitalizajca:*", "rewitalizajca & !",
    "(rewitalizajca)", "rewitalizajca <->", '"rewitalizajca', "rewitalizajca -", "REWITALIZAJCA!!!",
    "rewitalizajca 😀", "rewitalizajca;--",
])
def test_typo_in_odd_input(stack, typos, q):
    r = search(stack, q=q, source=typos.src, limit=200)
    assert r.status == 200, r
    got = sorted(i["id"] for i in r.json["items"])
    assert got == sorted([typos.rynek, typos.both]), (q, got)


def test_only_words_that_may_be_typos_are_looked_up(stack, typos):
    # words with a digit, and words of fewer than four letters, are not
    # looked up: however many, they leave the typo its turn among the three
    # words a query may have looked up
    others = [f"{marker('tpz')}{i}" for i in range(40)] + ["qzw", "xq", "zzz"]
    q = " or ".join(others + ["rewitalizajca"])
    assert sorted(all_ids(stack, q=q, source=typos.src)) == sorted([typos.rynek, typos.both])
    # a title word with a digit: another number is not it
    assert all_ids(stack, q=typos.t_num) == [typos.numbered]
    assert all_ids(stack, q=typos.t_num[:-1] + "8") == []
    # a long query of unknown words: at most three are looked up, and which
    # ones is not said; the answer is still the search's
    unknown = [marker("tpz") for _ in range(60)]
    q = " or ".join(["rewitalizajca"] + unknown)
    r = search(stack, q=q[:q.rfind(" or ", 0, 1000)], source=typos.src, limit=200)
    assert r.status == 200, r
    assert {i["id"] for i in r.json["items"]} <= {typos.rynek, typos.both}


# ----------------------------------------------------------------------------
# Highlights


def unmark(s):
    return s.replace("<mark>", "").replace("</mark>", "")


def html_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def test_highlight_escapes_and_marks(stack, api):
    h = marker()
    title = f'Dom Dziecka & „Nasz Dom” <b>x</b> "cytat" \'apostrof\' {h}'
    summary = f"Skrót: 1 < 2 & 3 > 2, dziecku {h}."
    p = api.make_practice(status="published", title=title, summary=summary)
    wait_for(stack, h, present=[p["id"]])
    body = ok(search(stack, q=f"{h} dziecko"))
    assert [i["id"] for i in body["items"]] == [p["id"]]
    hl = body["items"][0]["highlight"]
    assert set(hl) == {"title", "summary"}
    assert hl["title"] == (f"Dom <mark>Dziecka</mark> &amp; „Nasz Dom” &lt;b&gt;x&lt;/b&gt; "
                           f"&quot;cytat&quot; &#39;apostrof&#39; <mark>{h}</mark>"), hl
    assert hl["summary"] == f"Skrót: 1 &lt; 2 &amp; 3 &gt; 2, <mark>dziecku</mark> <mark>{h}</mark>.", hl
    assert unmark(hl["title"]) == html_escape(title)
    # the item is otherwise the practice document
    assert strip_highlight(body["items"][0]) == stack.get(f"/v1/practices/{p['id']}").json


def test_highlight_marks_stems_and_diacritic_free_forms(stack, polish):
    body = ok(search(stack, q="rodzina zastępcza opiekuncza", source=polish.src))
    assert [i["id"] for i in body["items"]] == [polish.dom]
    hl = body["items"][0]["highlight"]
    assert hl["title"] == "Przekształcenie Domu Dziecka w nowoczesną instytucję <mark>opiekuńczą</mark>"
    assert "<mark>rodziny</mark> <mark>zastępcze</mark>" in hl["summary"], hl
    assert hl["summary"].count("<mark>") == 2, hl
    body = ok(search(stack, q="dziecko", source=polish.src))
    hl = body["items"][0]["highlight"]
    assert hl["title"] == "Przekształcenie Domu <mark>Dziecka</mark> w nowoczesną instytucję opiekuńczą"
    # "dzieci" is another stem than "dziecko" in the dictionary, or the same:
    # either way, whatever is marked is a form of the query word
    for marked in hl["summary"].split("<mark>")[1:]:
        assert marked.split("</mark>")[0].lower() in ("dzieci", "dziecka", "dziecko")


def test_highlight_of_a_match_only_in_the_body(stack, polish):
    body = ok(search(stack, q=polish.words["section"]))
    item = body["items"][0]
    assert item["highlight"] == {"title": "Budżet obywatelski", "summary": "Mieszkańcy wybierają projekty."}


def test_no_highlight_without_q(stack, polish):
    for item in ok(search(stack, source=polish.src))["items"]:
        assert "highlight" not in item


def test_every_hit_has_a_highlight(stack, polish):
    body = ok(search(stack, q="-nieistniejącesłowo", source=polish.src))
    assert len(body["items"]) == len(polish.all)
    for item in body["items"]:
        assert set(item["highlight"]) == {"title", "summary"}
        assert unmark(item["highlight"]["title"]) == html_escape(item["title"])


def _words(n, start=0):
    return [f"wyraz{chr(97 + (i // 26) % 26)}{chr(97 + i % 26)}" for i in range(start, start + n)]


def _check_window(hl, summary, lead, trail):
    text = hl
    if lead:
        assert text.startswith("… "), hl
        text = text[2:]
    else:
        assert not text.startswith("…"), hl
    if trail:
        assert text.endswith(" …"), hl
        text = text[:-2]
    else:
        assert not text.endswith("…"), hl
    plain = unmark(text)
    assert plain in summary, (plain, summary)
    n = len(plain.split())
    assert 30 <= n <= 50, f"{n} words in the cut summary: {hl}"
    return plain


def test_summary_cut_around_the_first_match(stack, api):
    h = marker()
    words = _words(100)
    words[60] = h
    words[75] = h
    summary = " ".join(words)
    p = api.make_practice(status="published", title="Długi skrót", summary=summary)
    wait_for(stack, h, present=[p["id"]])
    hl = ok(search(stack, q=h))["items"][0]["highlight"]
    plain = _check_window(hl["summary"], summary, lead=True, trail=True)
    assert f"<mark>{h}</mark>" in hl["summary"]
    # the first match is in the window, with some words before it
    before = plain.split(h)[0].split()
    assert 1 <= len(before) <= 30, hl
    assert hl["title"] == "Długi skrót"


def test_summary_cut_match_near_the_start_and_end(stack, api):
    h = marker()
    start = _words(100)
    start[2] = h
    end = _words(100)
    end[98] = h
    p1 = api.make_practice(status="published", title="Początek", summary=" ".join(start))
    p2 = api.make_practice(status="published", title="Koniec", summary=" ".join(end))
    wait_for(stack, h, present=[p1["id"], p2["id"]])
    items = {i["id"]: i for i in ok(search(stack, q=h))["items"]}
    s1 = items[p1["id"]]["highlight"]["summary"]
    _check_window(s1, " ".join(start), lead=False, trail=True)
    assert s1.startswith(f"wyrazaa wyrazab <mark>{h}</mark>"), s1
    s2 = items[p2["id"]]["highlight"]["summary"]
    _check_window(s2, " ".join(end), lead=True, trail=False)
    assert s2.endswith(f"<mark>{h}</mark> wyrazdv"), s2


def test_short_summary_is_not_cut(stack, api):
    h = marker()
    summary = " ".join(_words(35)) + f" {h}"
    p = api.make_practice(status="published", title="Krótki", summary=summary)
    wait_for(stack, h, present=[p["id"]])
    hl = ok(search(stack, q=h))["items"][0]["highlight"]
    assert hl["summary"] == " ".join(_words(35)) + f" <mark>{h}</mark>"


def test_summary_without_match_is_cut_too(stack, api):
    h = marker()
    summary = " ".join(_words(100))
    p = api.make_practice(status="published", title=f"Tytuł {h}", summary=summary)
    wait_for(stack, h, present=[p["id"]])
    hl = ok(search(stack, q=h))["items"][0]["highlight"]
    assert hl["title"] == f"Tytuł <mark>{h}</mark>"
    assert "<mark>" not in hl["summary"]
    assert len(hl["summary"]) < len(summary)
    assert hl["summary"].startswith("wyrazaa"), hl
    _check_window(hl["summary"], summary, lead=False, trail=True)


def test_highlight_next_to_symbols(stack, api):
    """A matched word is marked also when a symbol that is not a letter
    (→, ™, €, an emoji) touches it: search found it as a word."""
    h = marker()
    p = api.make_practice(status="published", title=f"Plan {h}→rozwój",
                          summary=f"Koszt 20€{h} oraz {h}™ i {h}😀 koniec")
    wait_for(stack, h, present=[p["id"]])
    hl = ok(search(stack, q=h))["items"][0]["highlight"]
    assert hl["title"] == f"Plan <mark>{h}</mark>→rozwój", hl
    assert hl["summary"] == (f"Koszt 20€<mark>{h}</mark> oraz <mark>{h}</mark>™ i "
                             f"<mark>{h}</mark>😀 koniec"), hl


# ----------------------------------------------------------------------------
# The index follows writes


def test_created_practice_is_listed_at_once_and_found_soon(stack, api):
    unit = api.make_unit()
    m = marker()
    p = api.make_practice(unit_id=unit["id"], status="published", title=f"Nowa {m}")
    # filters and sorts need no indexer: at once, for everyone
    assert all_ids(stack, unit_id=unit["id"]) == [p["id"]]
    assert all_ids(stack, role=None, unit_id=unit["id"], sort="title") == [p["id"]]
    body = ok(search(stack, unit_id=unit["id"], facets="unit_type"))
    assert body["facets"]["unit_type"] == [{"value": "gmina_miejska", "count": 1}]
    # by q within the bound
    t0 = time.monotonic()
    wait_for(stack, m, present=[p["id"]])
    wait_for(stack, m, present=[p["id"]], role=None)
    assert time.monotonic() - t0 < INDEX_WAIT


def test_title_update_is_reflected(stack, api):
    unit = api.make_unit()
    old, new = marker(), marker()
    p = api.make_practice(unit_id=unit["id"], status="published", title=f"Stary {old}")
    wait_for(stack, old, present=[p["id"]])
    r = stack.patch(f"/v1/practices/{p['id']}", {"title": f"Nowy {new}"}, role="editor")
    assert r.status == 200, r
    # without q: the new title at once
    body = ok(search(stack, unit_id=unit["id"], sort="title"))
    assert [i["title"] for i in body["items"]] == [f"Nowy {new}"]
    wait_for(stack, new, present=[p["id"]])
    wait_for(stack, old, absent=[p["id"]])
    body = ok(search(stack, q=new))
    assert body["items"][0]["highlight"]["title"] == f"Nowy <mark>{new}</mark>"
    assert body["items"][0]["version"] == 2


def test_summary_and_sections_update_are_reflected(stack, api):
    unit = api.make_unit()
    old, new = marker(), marker()
    p = api.make_practice(unit_id=unit["id"], status="published", title="Bez zmian",
                          sections=[{"heading": "Cele", "body": old}])
    wait_for(stack, old, present=[p["id"]])
    r = stack.put(f"/v1/practices/{p['id']}", {"title": "Bez zmian", "unit_id": unit["id"],
                                                "status": "published", "summary": new},
                  role="editor")
    assert r.status == 200, r
    wait_for(stack, new, present=[p["id"]])
    wait_for(stack, old, absent=[p["id"]])


def test_deleted_practice_disappears(stack, api):
    unit = api.make_unit()
    m = marker()
    p = api.make_practice(unit_id=unit["id"], status="published", title=f"Do usunięcia {m}")
    keep = api.make_practice(unit_id=unit["id"], status="published", title=f"Zostaje {m}")
    wait_for(stack, m, present=[p["id"], keep["id"]])
    r = stack.delete(f"/v1/practices/{p['id']}", role="editor")
    assert r.status == 204, r
    assert all_ids(stack, unit_id=unit["id"]) == [keep["id"]]
    assert ok(search(stack, unit_id=unit["id"], facets="year"))["facets"]["year"][0]["count"] == 1
    wait_for(stack, m, present=[keep["id"]], absent=[p["id"]])
    assert all_ids(stack, q=m) == [keep["id"]]


def test_unit_rename_makes_practice_findable_by_new_name(stack, api):
    old = marker()
    new_word = "żółw" + marker("")  # with diacritics: found typed without them
    unit = api.make_unit(name=f"Gmina {old}")
    t = marker()
    p = api.make_practice(unit_id=unit["id"], status="published", title=f"Praktyka {t}")
    wait_for(stack, old, present=[p["id"]])
    r = stack.patch(f"/v1/units/{unit['id']}", {"name": f"Gmina {new_word.capitalize()}"}, role="editor")
    assert r.status == 200, r
    wait_for(stack, new_word, present=[p["id"]])
    wait_for(stack, old, absent=[p["id"]])
    wait_for(stack, "zolw" + new_word[4:], present=[p["id"]])
    body = ok(search(stack, q=t))
    assert body["items"][0]["unit"]["name"] == f"Gmina {new_word.capitalize()}"


def test_unit_changes_apply_to_filters_at_once(stack, api):
    unit = api.make_unit(population=1000)
    p = api.make_practice(unit_id=unit["id"], status="published")
    assert all_ids(stack, unit_id=unit["id"], population_max=1000) == [p["id"]]
    r = stack.patch(f"/v1/units/{unit['id']}", {"population": 3000}, role="editor")
    assert r.status == 200, r
    assert all_ids(stack, unit_id=unit["id"], population_max=1000) == []
    assert all_ids(stack, unit_id=unit["id"], population_min=3000) == [p["id"]]


def test_practice_moved_to_another_unit_is_filtered_at_once(stack, api):
    a = api.make_unit(voivodeship="pomorskie")
    b = api.make_unit(teryt=gmina_teryt(2, "12"), type="gmina_wiejska", voivodeship="małopolskie")
    p = api.make_practice(unit_id=a["id"], status="published")
    r = stack.patch(f"/v1/practices/{p['id']}", {"unit_id": b["id"]}, role="editor")
    assert r.status == 200, r
    assert all_ids(stack, unit_id=a["id"]) == []
    assert all_ids(stack, unit_id=b["id"], voivodeship="małopolskie", unit_type="gmina_wiejska") == [p["id"]]


def test_status_and_categories_changes_apply_at_once(stack, api, world):
    unit = api.make_unit()
    m = marker()
    p = api.make_practice(unit_id=unit["id"], status="published", title=f"Status {m}",
                          category_ids=[world.s1["id"]])
    wait_for(stack, m, present=[p["id"]], role=None)
    r = stack.patch(f"/v1/practices/{p['id']}", {"status": "draft", "category_ids": [world.other["id"]]},
                    role="editor")
    assert r.status == 200, r
    assert all_ids(stack, role=None, unit_id=unit["id"]) == []
    assert all_ids(stack, role=None, q=m) == []
    assert all_ids(stack, unit_id=unit["id"], category=world.area["slug"]) == []
    assert all_ids(stack, unit_id=unit["id"], category=world.other["slug"]) == [p["id"]]
    assert all_ids(stack, unit_id=unit["id"], status="draft") == [p["id"]]


def test_concurrent_writes_succeed_while_the_indexer_runs(stack, api):
    """Writers each changing their own practice, while the indexer drains
    the queue: every write succeeds (no deadlock between the writing
    transaction's search triggers and the indexer)."""
    unit = api.make_unit()
    made = [api.make_practice(unit_id=unit["id"], status="published", title=f"Pisarz {k}")["id"]
            for k in range(4)]
    statuses = collections.Counter()
    failures = []

    def writer(k):
        for i in range(40):
            r = stack.patch(f"/v1/practices/{made[k]}", {"title": f"Pisarz {k} wersja {i}"},
                            role="editor")
            statuses[r.status] += 1
            if r.status != 200 and len(failures) < 3:
                failures.append(r)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == {200: 160}, (dict(statuses), failures)
    last = marker()
    r = stack.patch(f"/v1/practices/{made[0]}", {"title": f"Pisarz {last}"}, role="editor")
    assert r.status == 200, r
    wait_for(stack, last, present=[made[0]])


# ----------------------------------------------------------------------------
# Facets


def expected_facets(w, pids):
    cat, voiv, utype, year = (collections.Counter() for _ in range(4))
    for i in pids:
        d = w.docs[i]
        for c in cat_closure(w, i):
            cat[c] += 1
        voiv[d["unit"]["voivodeship"]] += 1
        utype[d["unit"]["type"]] += 1
        year[int(d["entered_on"][:4])] += 1
    return {
        "category": {w.cats[c]["slug"]: (c, w.cats[c]["name"], n) for c, n in cat.items()},
        "voivodeship": dict(voiv),
        "unit_type": dict(utype),
        "year": dict(year),
    }


def check_facet_order(entries):
    counts = [e["count"] for e in entries]
    assert counts == sorted(counts, reverse=True), entries
    for a, b in zip(entries, entries[1:]):
        if a["count"] == b["count"] and isinstance(a["value"], (str, int)) and isinstance(b["value"], (str, int)):
            if isinstance(a["value"], int) or (a["value"].isascii() and b["value"].isascii()):
                assert a["value"] < b["value"], entries


def check_facets(w, facets, pids, names):
    want = expected_facets(w, pids)
    assert set(facets) == set(names), facets
    for name in names:
        entries = facets[name]
        assert isinstance(entries, list)
        check_facet_order(entries)
        if name == "category":
            got = {e["value"]: (e["id"], e["name"], e["count"]) for e in entries}
            for e in entries:
                assert set(e) == {"value", "id", "name", "count"}, e
        else:
            got = {e["value"]: e["count"] for e in entries}
            for e in entries:
                assert set(e) == {"value", "count"}, e
        if name == "year":
            assert all(isinstance(e["value"], int) for e in entries), entries
        assert got == want[name], (name, got, want[name])


@pytest.mark.parametrize("role", ["reader", None], ids=["reader", "anonymous"])
@pytest.mark.parametrize("with_q", [False, True], ids=["no-q", "q"])
def test_facets_count_the_whole_result(stack, world, role, with_q):
    extra = {"q": world.m} if with_q else {}
    body = ok(search(stack, role=role, source=world.src, limit=1,
                     facets="category,voivodeship,unit_type,year", **extra))
    vis = visible(world, role)
    assert len(body["items"]) == 1 and body["total"] == len(vis) > 5
    check_facets(world, body["facets"], vis, ["category", "voivodeship", "unit_type", "year"])
    # a practice in a sub-area counts for the sub-area and for its area
    cat = {e["value"]: e["count"] for e in body["facets"]["category"]}
    assert cat[world.area["slug"]] > cat[world.s1["slug"]] > 0
    assert sum(e["count"] for e in body["facets"]["voivodeship"]) == body["total"]
    assert sum(e["count"] for e in body["facets"]["year"]) == body["total"]


@pytest.mark.parametrize("case", ["category-area-slug", "voivodeship-slaskie", "entered-range",
                                  "combined-area-pomorskie-since-2010", "entered-empty-range"])
def test_facets_follow_the_filters(stack, world, case):
    params, pred = filter_cases(world)[case]
    pids = expect(world, "reader", pred)
    body = ok(search(stack, source=world.src, limit=1, facets="category,voivodeship,unit_type,year",
                     **params))
    assert body["total"] == len(pids)
    check_facets(world, body["facets"], pids, ["category", "voivodeship", "unit_type", "year"])


def test_only_requested_facets(stack, world):
    body = ok(search(stack, source=world.src))
    assert "facets" not in body
    for names in (["year"], ["category"], ["voivodeship", "unit_type"], ["unit_type", "year", "category"]):
        body = ok(search(stack, source=world.src, facets=",".join(names), limit=3))
        check_facets(world, body["facets"], world.ids, names)
        assert len(body["items"]) == 3
    body = ok(search(stack, source=world.src, facets="year,year"))
    assert list(body["facets"]) == ["year"]


def test_facets_of_a_query(stack, polish):
    body = ok(search(stack, q="-dziecko", source=polish.src, limit=1, facets="voivodeship,unit_type"))
    assert body["total"] == 3
    vo = {e["value"]: e["count"] for e in body["facets"]["voivodeship"]}
    assert vo == {"pomorskie": 2, "śląskie": 1}, body["facets"]
    ut = {e["value"]: e["count"] for e in body["facets"]["unit_type"]}
    assert ut == {"gmina_miejska": 2, "miasto_na_prawach_powiatu": 1}, body["facets"]


# ----------------------------------------------------------------------------
# Exports: CSV and NDJSON

CSV_HEADER = ("id,title,status,category_slugs,unit_id,unit_teryt,unit_name,unit_type,voivodeship,"
              "population,summary,keywords,partners,entered_on,revised_on,source,external_id,"
              "version,updated_at")


def export(stack, accept, role="reader", **params):
    return stack.get("/v1/practices?" + qs(**params), role=role, headers={"Accept": accept})


def parse_csv(r):
    assert r.status == 200, r
    assert r.headers.get("content-type", "").split(";")[0].strip() == "text/csv", r
    assert "accept" in r.headers.get("vary", "").lower(), r
    text = r.body.decode("utf-8")
    assert text.startswith(CSV_HEADER + "\r\n"), text[:300]
    assert text.endswith("\r\n"), text[-100:]
    # outside quoted fields every line ends with CRLF
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == "\n" and not quoted:
            assert text[i - 1] == "\r", f"bare LF at {i}: {text[max(0, i - 80):i + 1]!r}"
        elif ch == "\r" and not quoted:
            assert text[i + 1] == "\n", f"bare CR at {i}"
    assert not quoted
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == CSV_HEADER.split(",")
    for row in rows[1:]:
        assert len(row) == len(rows[0]), row
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def parse_ndjson(r):
    assert r.status == 200, r
    assert r.headers.get("content-type", "").split(";")[0].strip() == "application/x-ndjson", r
    assert "accept" in r.headers.get("vary", "").lower(), r
    text = r.body.decode("utf-8")
    if not text:
        return []
    assert text.endswith("\n"), text[-100:]
    return [json.loads(line) for line in text[:-1].split("\n")]


def expected_csv_row(w, d):
    s = lambda v: "" if v is None else str(v)  # noqa: E731
    slugs = {c["id"]: c["slug"] for c in w.cats.values()}
    return {
        "id": str(d["id"]), "title": d["title"], "status": d["status"],
        "category_slugs": "|".join(slugs[c] for c in d["category_ids"]),
        "unit_id": str(d["unit_id"]), "unit_teryt": s(d["unit"]["teryt"]),
        "unit_name": d["unit"]["name"], "unit_type": d["unit"]["type"],
        "voivodeship": s(d["unit"]["voivodeship"]), "population": s(d["unit"]["population"]),
        "summary": d["summary"], "keywords": "|".join(d["keywords"]),
        "partners": "|".join(d["partners"]), "entered_on": d["entered_on"],
        "revised_on": s(d["revised_on"]), "source": s(d["source"]), "external_id": s(d["external_id"]),
        "version": str(d["version"]), "updated_at": d["updated_at"],
    }


@pytest.mark.parametrize("sort", SORTS)
def test_csv_export_rows_and_order(stack, world, sort):
    rows = parse_csv(export(stack, "text/csv", source=world.src, sort=sort))
    want = sort_ids(world, world.ids, sort)
    assert [int(r["id"]) for r in rows] == want
    for row in rows:
        assert row == expected_csv_row(world, world.docs[int(row["id"])]), row


def test_csv_quoting_round_trips(stack, world):
    r = export(stack, "text/csv", source=world.src, sort="title")
    rows = parse_csv(r)
    tricky = [row for row in rows if row["title"].startswith("Tytuł,")]
    assert len(tricky) == 1
    row = tricky[0]
    assert row["title"] == f'Tytuł, z "cudzysłowem"\ni nową linią {world.m}'
    assert row["summary"] == 'Skrót z przecinkiem, "cudzysłowem"\r\ni nową linią.'
    assert row["keywords"] == "alfa|beta, gamma"
    assert row["partners"] == "Towarzystwo „Nasz Dom”|Fundacja X"
    assert row["category_slugs"] == f"{world.s2['slug']}|{world.area['slug']}"
    assert row["revised_on"] == "2016-01-02"
    raw = r.body.decode("utf-8")
    assert f'"Tytuł, z ""cudzysłowem""\ni nową linią {world.m}"' in raw
    # empty values are empty fields: the association has no TERYT, voivodeship, population
    bzik = [row for row in rows if row["title"].startswith("Bzik")][0]
    assert bzik["unit_teryt"] == "" and bzik["voivodeship"] == "" and bzik["population"] == ""
    assert bzik["revised_on"] == "" and bzik["category_slugs"] == world.other["slug"]


def test_csv_export_ignores_limit(stack, world):
    rows = parse_csv(export(stack, "text/csv", source=world.src, limit=1))
    assert sorted(int(r["id"]) for r in rows) == sorted(world.ids)


def test_exports_ignore_the_cursor(stack, world):
    """The export is the whole result: a cursor does not cut its start."""
    cursor = ok(search(stack, source=world.src, limit=2))["next_cursor"]
    assert cursor
    rows = parse_csv(export(stack, "text/csv", source=world.src, limit=2, cursor=cursor))
    assert [int(r["id"]) for r in rows] == sort_ids(world, world.ids, "-entered_on")
    docs = parse_ndjson(export(stack, "application/x-ndjson", source=world.src, limit=2, cursor=cursor))
    assert [d["id"] for d in docs] == sort_ids(world, world.ids, "-entered_on")


@pytest.mark.parametrize("role", ["reader", None], ids=["reader", "anonymous"])
def test_ndjson_export_is_the_practice_documents(stack, world, role):
    docs = parse_ndjson(export(stack, "application/x-ndjson", role=role, source=world.src))
    assert [d["id"] for d in docs] == sort_ids(world, visible(world, role), "-entered_on")
    for d in docs:
        assert d == (world.docs if role else world.anon_docs)[d["id"]], d
    ala = [d for d in docs if d["id"] == world.ids[0]][0]
    names = {c["name"] for c in ala["contacts"]}
    assert names == ({"Jan Jawny", "Anna Ukryta"} if role else {"Jan Jawny"})


@pytest.mark.parametrize("case", ["category-area-slug", "voivodeship-slaskie", "unit_type-zwiazek_jst",
                                  "combined-area-pomorskie-since-2010", "status-draft",
                                  "entered-empty-range", "updated_since-latest"])
@pytest.mark.parametrize("fmt", ["text/csv", "application/x-ndjson"])
def test_exports_honour_filters(stack, world, case, fmt):
    params, pred = filter_cases(world)[case]
    for role in ("reader", None):
        r = export(stack, fmt, role=role, source=world.src, sort="title", **params)
        got = [int(x["id"]) for x in parse_csv(r)] if fmt == "text/csv" else [d["id"] for d in parse_ndjson(r)]
        assert got == expect(world, role, pred, order="title"), (case, role)


@pytest.mark.parametrize("fmt", ["text/csv", "application/x-ndjson"])
def test_exports_with_q_in_relevance_order(stack, ranked, polish, fmt):
    r, ids = ranked
    want = all_ids(stack, q=r)
    resp = export(stack, fmt, q=r)
    got = [int(x["id"]) for x in parse_csv(resp)] if fmt == "text/csv" else [d["id"] for d in parse_ndjson(resp)]
    assert got == want
    resp = export(stack, fmt, q="dziecko or rowerowe", source=polish.src, sort="title")
    got = [int(x["id"]) for x in parse_csv(resp)] if fmt == "text/csv" else [d["id"] for d in parse_ndjson(resp)]
    assert got == [polish.dom, polish.zory]


def test_export_of_nothing(stack):
    rows = parse_csv(export(stack, "text/csv", source="src-" + marker()))
    assert rows == []
    assert parse_ndjson(export(stack, "application/x-ndjson", source="src-" + marker())) == []


def test_accept_negotiation(stack, world):
    base = dict(source=world.src, limit=1)
    assert len(parse_ndjson(export(stack, "text/csv;q=0.5, application/x-ndjson", **base))) == len(world.ids)
    assert len(parse_csv(export(stack, "application/x-ndjson;q=0.2, text/csv;q=0.9", **base))) == len(world.ids)
    assert len(parse_csv(export(stack, "application/json;q=0, text/csv;q=0.1", **base))) == len(world.ids)
    for accept in ["application/json", "*/*", "application/*", "application/json, text/csv;q=0.5", None]:
        r = stack.get("/v1/practices?" + qs(**base), role="reader",
                      headers={"Accept": accept} if accept else None)
        assert len(ok(r)["items"]) == 1, accept
    for accept in ["application/xml", "text/html", "text/csv;q=0", "image/*"]:
        assert_406(export(stack, accept, **base))


def test_export_with_a_bad_parameter_is_a_problem(stack, world):
    for fmt in ["text/csv", "application/x-ndjson"]:
        assert_problem(export(stack, fmt, source=world.src, voivodeship="nowhere"), 400, ["voivodeship"])
        assert_problem(export(stack, fmt, colour="red"), 400, ["colour"])
        assert_problem(export(stack, fmt, q="x" * 1001), 400, ["q"])


def test_export_anonymous_sees_only_published(stack, world):
    rows = parse_csv(export(stack, "text/csv", role=None, source=world.src, status="draft"))
    assert rows == []
    rows = parse_csv(export(stack, "text/csv", role=None, source=world.src))
    assert {int(r["id"]) for r in rows} == set(visible(world, None))
    assert {r["status"] for r in rows} == {"published"}


# ----------------------------------------------------------------------------
# Access


def test_anonymous_never_sees_drafts(stack, world):
    draft = world.by_title["Mama"]
    archived = world.by_title["Ćma"]
    for params in [{}, {"status": "draft"}, {"status": "archived"}, {"q": world.m},
                   {"q": world.m, "status": "draft"}, {"q": "mama " + world.m}]:
        got = all_ids(stack, role=None, source=world.src, **params)
        assert draft not in got and archived not in got, params
    assert all_ids(stack, role=None, source=world.src, status="draft") == []
    assert all_ids(stack, role="reader", source=world.src, status="draft") == [draft]
    assert all_ids(stack, role="editor", source=world.src, status="archived") == [archived]
    assert all_ids(stack, role="reader", q="mama " + world.m) == [draft]


def test_items_are_the_documents_the_caller_may_see(stack, world):
    ala = world.ids[0]
    for role, docs in (("reader", world.docs), (None, world.anon_docs)):
        for params in ({}, {"q": world.m}):
            body = ok(search(stack, role=role, source=world.src, limit=200, **params))
            for item in body["items"]:
                assert ("highlight" in item) == ("q" in params)
                assert strip_highlight(item) == docs[item["id"]], (role, item["id"])
            item = [i for i in body["items"] if i["id"] == ala][0]
            assert ("Anna Ukryta" in {c["name"] for c in item["contacts"]}) == (role is not None)


def test_a_bad_key_is_401(stack):
    r = stack.get("/v1/practices?q=dom", key="Bearer bdp_nonsense")
    assert_problem(r, 401)


# ----------------------------------------------------------------------------
# Hostile q: 200 or a 400 problem, never a 500; the server stays up

HOSTILE = [
    "& | ! <->", "&&", "||", "!", "<->", "<2>", "a <-> b", "!!!'''", ":*", "a:*", "a:AB", "a & b",
    '"', '"unbalanced', 'a "b', '""', '" "', '"a" "', '"-a"',
    "-", "--", "- -", "-a -b", "or", "or or", "-or", "a or", "or a", "OR", "a OR -b",
    "'; DROP TABLE practice;--", "' OR 1=1 --", "'", "''", "\\", "\\\\", "a\\b", "\\'", "'\\",
    "(", ")", "(a", "a)", "%", "_", "*", "?", "$1", "${x}", "%s%s%s",
    "<script>alert(1)</script>", "<b>dom</b>", "&amp;", "&#0;",
    "😀", "😀" * 50, "👨‍👩‍👧", "zażółć gęślą jaźń", "ZAŻÓŁĆ", "\u200b", "\u0301", "a\u0301",
    "ﬀ", "İstanbul", "ß", "שלום", "中文", "\u00a0", "\u2028", "\ufeff", "\x01", "\x7f",
    " ".join(f"słowo{i}" for i in range(200))[:1000],
    ("ą" * 1000), ("a " * 500)[:1000], ('"a b" ' * 200)[:1000], ("-a " * 400)[:1000],
    ("a or " * 250)[:1000], ("dom " * 250)[:1000],
]


@pytest.fixture
def cancel_slow_searches(stack):
    """After the test, cancels any search statement still running in the
    database: a client that gave up must not leave the server busy for the
    tests that follow (nor delay its shutdown)."""
    yield
    stack.psql("SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity "
               "WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%search_query(%'")


@pytest.mark.parametrize("q", HOSTILE, ids=[repr(q[:24]) + f"#{i}" for i, q in enumerate(HOSTILE)])
def test_hostile_q(stack, q, cancel_slow_searches):
    t0 = time.monotonic()
    try:
        r = search(stack, q=q, limit=5, facets="year")
    except OSError as e:
        pytest.fail(f"no answer after {time.monotonic() - t0:.1f} s: {e!r}")
    assert r.status in (200, 400), r
    if r.status == 400:
        assert_problem(r, 400, ["q"])
    else:
        body = ok(r)
        for item in body["items"]:
            assert set(item["highlight"]) == {"title", "summary"}
            assert "<script" not in item["highlight"]["title"]


@pytest.mark.parametrize("raw", ["%00", "a%00b", "%C3%28", "%FF", "%C0%AF", "%ED%A0%80", "%F4%90%80%80",
                                 "%E2%82", "%", "%zz", "%%"])
def test_malformed_q_encoding_is_400(stack, raw):
    r = stack.get("/v1/practices?q=" + raw)
    assert_problem(r, 400, ["q"])


def test_q_too_long_is_400_also_for_an_export(stack):
    assert_problem(search(stack, q="dom " * 250 + "x"), 400, ["q"])
    assert_problem(export(stack, "application/x-ndjson", q="ż" * 1001), 400, ["q"])


def test_hostile_q_in_exports_and_the_server_survives(stack, world):
    for q in ["'; DROP TABLE practice;--", "& | ! <->", '"', "\\", "😀", "-"]:
        for fmt in ["text/csv", "application/x-ndjson"]:
            r = export(stack, fmt, q=q, source=world.src)
            assert r.status == 200, r
    r = stack.get("/healthz")
    assert r.status == 200, r
    assert sorted(all_ids(stack, q=world.m, source=world.src)) == sorted(world.ids)
    # the table is still there
    assert stack.psql("SELECT count(*) FROM practice WHERE source = '%s'" % world.src) == str(len(world.ids))


@pytest.fixture(scope="module")
def many(stack, api):
    """More practices (drafts of one unit, with a marker of their own),
    all of which one query matches. Kept small: the change feed's tests
    (test_sigterm) read the feed in one page of 1000."""
    unit = api.make_unit()
    m = marker()
    made = [api.make_practice(unit_id=unit["id"], status="draft", title=f"Wypełniacz {i} {m}",
                              summary="Tekst do wypełnienia tabeli.")["id"] for i in range(60)]
    deadline = time.monotonic() + INDEX_WAIT
    while ok(search(stack, q=m, limit=1))["total"] != len(made):
        assert time.monotonic() < deadline, "the filler practices were not indexed in time"
        time.sleep(0.05)
    return m, made


def test_long_query_is_answered_in_time(stack, many, cancel_slow_searches):
    """1000 characters of words (here: a marker and many excluded made-up
    words, so that dozens of practices match): a 200 in a few seconds, not
    a query that runs until the database gives up."""
    m, made = many
    rng = random.Random(7)
    words = [m]
    while True:
        w = "-" + "".join(rng.choice("bcdfghjklmnprstwz") for _ in range(4))
        if len(" ".join(words + [w])) > 1000:
            break
        words.append(w)
    q = " ".join(words)
    t0 = time.monotonic()
    try:
        r = stack.get("/v1/practices?" + qs(q=q, limit=5), role="reader", timeout=10)
    except OSError as e:
        pytest.fail(f"no answer within 10 s to a q of {len(q)} characters: {e!r}")
    elapsed = time.monotonic() - t0
    assert r.status == 200, (round(elapsed, 1), r)
    assert ok(r)["total"] == len(made)
    assert elapsed < 8, f"{elapsed:.1f} s for a q of {len(q)} characters"


def test_pure_negation_is_answered(stack, world):
    got = all_ids(stack, q=f"-{marker()}", source=world.src)
    assert sorted(got) == sorted(world.ids)
    # Every practice of the world has the marker: excluding it leaves none
    # (polled: another test's write may have queued some to be indexed again).
    wait_for(stack, f"-{world.m}", absent=world.ids, source=world.src)


# ----------------------------------------------------------------------------
# GET /v1/stats


def stats(stack, role=None):
    r = stack.get("/v1/stats", role=role)
    assert r.status == 200, r
    assert r.headers.get("content-type", "").split(";")[0] == "application/json", r
    body = r.json
    assert set(body) == {"total", "category", "voivodeship", "unit_type", "year"}, body
    return body


def as_counts(entries, key="value"):
    return {e[key]: e["count"] for e in entries}


def test_stats_shape_and_order(stack, world):
    body = stats(stack)
    assert isinstance(body["total"], int) and body["total"] >= len(visible(world, None))
    for name in ("category", "voivodeship", "unit_type", "year"):
        check_facet_order(body[name])
    for e in body["category"]:
        assert set(e) == {"value", "id", "name", "count"}, e
    assert all(isinstance(e["value"], int) for e in body["year"])
    assert sum(e["count"] for e in body["voivodeship"]) == body["total"]
    assert sum(e["count"] for e in body["unit_type"]) == body["total"]
    assert sum(e["count"] for e in body["year"]) == body["total"]
    # areas only
    subs = {c["id"] for c in stack.get("/v1/categories?limit=200").json["items"] if c["parent_id"]}
    assert not ({e["id"] for e in body["category"]} & subs), body["category"]
    assert world.s1["id"] not in {e["id"] for e in body["category"]}
    area = [e for e in body["category"] if e["id"] == world.area["id"]]
    assert area and area[0]["value"] == world.area["slug"] and area[0]["name"] == world.area["name"]
    assert area[0]["count"] == sum(1 for i in visible(world, None) if world.area["id"] in cat_closure(world, i))


def test_stats_count_published_only(stack, api, world):
    before = {role: stats(stack, role) for role in (None, "editor")}
    assert before[None] == before["editor"]
    area = stack.post("/v1/categories", {"name": f"Statystyka {marker()}"}, role="editor").json
    sub = stack.post("/v1/categories", {"name": f"Pod {marker()}", "parent_id": area["id"]},
                     role="editor").json
    pom, maz = world.units["pom"]["id"], world.units["maz"]["id"]
    for unit, cats, entered, status in [
        (pom, [sub["id"]], "1999-01-01", "published"),
        (maz, [area["id"]], "1999-06-01", "published"),
        (pom, [], "1998-01-01", "published"),
        (pom, [area["id"]], "1999-02-02", "draft"),
        (maz, [sub["id"]], "1998-03-03", "archived"),
    ]:
        api.make_practice(unit_id=unit, category_ids=cats, entered_on=entered, status=status)
    after = {role: stats(stack, role) for role in (None, "editor")}
    assert after[None] == after["editor"], "drafts are not counted, not even for an editor"
    b, a = before[None], after[None]
    assert a["total"] - b["total"] == 3
    cat = as_counts(a["category"], "id")
    assert cat[area["id"]] == 2
    assert sub["id"] not in cat

    def delta(name, value):
        return as_counts(a[name]).get(value, 0) - as_counts(b[name]).get(value, 0)

    assert delta("voivodeship", "pomorskie") == 2
    assert delta("voivodeship", "mazowieckie") == 1
    assert delta("unit_type", "gmina_miejska") == 2
    assert delta("unit_type", "gmina_wiejska") == 1
    assert delta("year", 1999) == 2
    assert delta("year", 1998) == 1


@pytest.mark.parametrize("query", ["x=1", "voivodeship=pomorskie", "limit=1", "q=dom", "facets=year",
                                   "status=draft"])
def test_stats_refuses_parameters(stack, query):
    r = stack.get(f"/v1/stats?{query}")
    assert_problem(r, 400, [query.split("=")[0]])


# --------------------------------------------------------------------------
# The answer cache: the same page at the same data generation is served
# from memory (X-Cache: hit); any committed change or indexer batch makes
# every cached answer stale.


def cache_of(r):
    return r.headers.get("x-cache")


def test_repeated_search_is_served_from_the_cache(stack, api):
    m = marker()
    p = api.make_practice(status="published", title=f"Buforowana {m}")
    wait_for(stack, m, present=[p["id"]])
    params = {"q": m, "facets": "category,year"}
    first = search(stack, **params)
    second = search(stack, **params)
    assert first.status == 200 and second.status == 200
    assert cache_of(second) == "hit", second
    assert second.body == first.body
    # Visibility is part of the key: anonymous gets its own answer.
    anon = search(stack, role=None, **params)
    assert cache_of(anon) == "miss", anon


def test_request_cache_directives(stack, api):
    # A client that knows of a write the server may not have heard of yet
    # (bdp import, another bdp) asks for an answer computed now.
    m = marker()
    p = api.make_practice(status="published", title=f"Świeża {m}")
    wait_for(stack, m, present=[p["id"]])
    first = search(stack, q=m)
    assert cache_of(search(stack, q=m)) == "hit"
    for headers in ({"Cache-Control": "no-cache"}, {"Cache-Control": "max-age=0"},
                    {"Cache-Control": "foo=1 , NO-CACHE"}, {"Pragma": "no-cache"}):
        r = search(stack, q=m, headers=headers)
        assert cache_of(r) == "miss", (headers, r)
        assert r.body == first.body
    # Cache-Control wins over Pragma; other directives leave the cache be
    for headers in ({"Cache-Control": "max-age=60", "Pragma": "no-cache"},
                    {"Cache-Control": "no-cachex, max-age=01"}, {"Pragma": "nocache"}):
        assert cache_of(search(stack, q=m, headers=headers)) == "hit", headers
    # no-store: computed now and not kept
    assert cache_of(search(stack, q=m, limit=3, headers={"Cache-Control": "no-store"})) == "miss"
    assert cache_of(search(stack, q=m, limit=3)) == "miss"
    assert cache_of(search(stack, q=m, limit=3)) == "hit"


def test_a_write_makes_cached_answers_stale(stack, api):
    m = marker()
    a = api.make_practice(status="published", title=f"Pierwsza {m}")
    wait_for(stack, m, present=[a["id"]])
    search(stack, q=m)
    assert cache_of(search(stack, q=m)) == "hit"
    b = api.make_practice(status="published", title=f"Druga {m}")
    # A browse list reflects the write at once, never a stale cached page.
    listed = ids_of(search(stack, unit_id=b["unit_id"], limit=200))
    assert b["id"] in listed
    found = wait_for(stack, m, present=[a["id"], b["id"]])
    assert set(found) == {a["id"], b["id"]}
    # Unpublishing takes it out of the anonymous answer, cached or not.
    search(stack, role=None, q=m)
    r = stack.patch(f"/v1/practices/{b['id']}", {"status": "draft"}, role="editor")
    assert r.status == 200, r
    assert ids_of(search(stack, role=None, q=m)) == [a["id"]]


def test_cache_off_sends_no_cache_header(stack):
    port = free_port()
    path = os.path.join(stack.tmp, f"bdp-nocache-{port}.stderr")
    with open(path, "ab") as f:
        proc = stack.spawn_serve(port, f, env={"BDP_SEARCH_CACHE_MB": "0"})
        stack.extra_procs.append(proc)
        try:
            wait_healthy(port, proc, path)
            for _ in range(2):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/v1/practices?q=dom")
                r = conn.getresponse()
                r.read()
                assert r.status == 200
                assert r.getheader("X-Cache") is None
                conn.close()
        finally:
            terminate(proc)
