"""Search counts in memory (BDP_SEARCH_MEMORY_MIN_DOCS): the snapshot of
practice_search gives exactly the database's total and facets, and is never
stale.

A stack of its own holds the lexemes that at least 3 practices have, with the
answer cache off, so every answer is computed now: without Cache-Control it
may count in memory (`Server-Timing: counts;desc="memory"`), with
`Cache-Control: no-cache` it always asks PostgreSQL (`desc="database"`).
96 practices with a controlled vocabulary (made-up words in many practices,
others in exactly 3, 2 or 1, Polish forms with several lexemes) are searched
about 200 random ways, then each filter alone, on both paths, whose answers
must be the same byte for byte; the path expected is worked out in SQL from
`search_query(q)` and how many practices have each lexeme. Writes through
the API show in the very next answer, whichever path it takes, and in the
snapshot once it is loaded again. Every wait polls.
"""

import datetime
import json
import os
import random
import re
import time
import types
import urllib.parse

import pytest

from conftest import Api, bdp_bin, gmina_teryt, miasto_teryt, powiat_teryt, running_stack

MIN_DOCS = 3
FACETS = "category,voivodeship,unit_type,year"
NO_CACHE = {"Cache-Control": "no-cache"}
COMMON = ["alfor", "betun", "cermo", "dakla", "erpio", "fusta"]
POLISH = ["szkoła", "szkoły", "dzieci", "dziecka", "zdrowie", "zdrowia"]
COUNTED = {"kwintra": [0, 1, 2], "duplox": [3, 4], "monoxa": [5]}  # in exactly these practices
ABSENT = "qxw"  # in no practice; too short to be taken for a typo
N = 96
UNITS = [  # voivodeship, type, teryt, population, name
    ("pomorskie", "gmina_miejska", lambda: gmina_teryt(1, "22"), 5000, "Lipowo"),
    ("pomorskie", "gmina_wiejska", lambda: gmina_teryt(2, "22"), 12000, "Dębina"),
    ("mazowieckie", "gmina_miejsko_wiejska", lambda: gmina_teryt(3, "14"), 20000, "Zielonka"),
    ("łódzkie", "gmina_wiejska", lambda: gmina_teryt(2, "10"), 8000, "Łąki"),
    ("śląskie", "powiat_ziemski", lambda: powiat_teryt("24"), 150000, "Bielski"),
    ("śląskie", "gmina_miejska", lambda: gmina_teryt(1, "24"), 80000, "Żory"),
    ("wielkopolskie", "miasto_na_prawach_powiatu", lambda: miasto_teryt("30"), 500000, "Kalisz"),
    ("warmińsko-mazurskie", "wojewodztwo", lambda: "28", 1400000, "Warmia"),
    (None, "zwiazek_jst", lambda: None, None, "Związek"),
]


def counts_source(r):
    m = re.search(r'counts;desc="(\w+)"', r.headers.get("server-timing") or "")
    return m and m.group(1)


def path_of(params):
    return "/v1/practices?" + urllib.parse.urlencode(params)


def both(stack, path, role=None):
    """The answer without Cache-Control, then the database's."""
    return stack.get(path, role=role), stack.get(path, role=role, headers=NO_CACHE)


def assert_same(mem, db, expect=None):
    """Both answers are the same (byte for byte when 200); the second came
    from the database, the first from `expect` (when given)."""
    where = f"{mem.path} ({mem.headers.get('server-timing')})"
    assert mem.status == db.status, (mem, db)
    if db.status != 200:
        return
    assert counts_source(db) == "database", db
    assert expect is None or counts_source(mem) == expect, f"{where}: expected {expect}"
    a, b = mem.json, db.json
    assert a["total"] == b["total"], f"{where}: total {a['total']} != database {b['total']}"
    assert a.get("facets") == b.get("facets"), f"{where}: facets\n{a.get('facets')}\n!= database\n{b.get('facets')}"
    assert mem.body == db.body, f"{where}: bodies differ\n{mem.body[:800]}\n{db.body[:800]}"


def settle(stack, timeout=15.0):
    """Waits until every practice is indexed and nothing is queued, then (from
    200 ms on: the indexer's last NOTIFY has arrived) until the snapshot
    answers a search without q."""
    deadline, idle_since = time.monotonic() + timeout, None
    while True:
        pending = stack.psql("SELECT (SELECT count(*) FROM search_queue)"
                             " + (SELECT count(*) FROM practice_search WHERE vector IS NULL)")
        now = time.monotonic()
        idle_since = (idle_since or now) if pending == "0" else None
        if idle_since and now - idle_since >= 0.2 and counts_source(stack.get("/v1/practices?limit=1")) == "memory":
            return
        assert now < deadline, f"no snapshot within {timeout} s (pending {pending})"
        time.sleep(0.05)


class Oracle:
    """The path a q should take, from what PostgreSQL says: memory when every
    lexeme of search_query(q) is held (in at least MIN_DOCS practices'
    vectors) and it has no phrase; memory without q."""

    def __init__(self, stack):
        self.s, self.tsq = stack, {}
        self.held = set(stack.psql("SELECT u.lexeme FROM practice_search s, unnest(s.vector) u"
                                   f" GROUP BY 1 HAVING count(*) >= {MIN_DOCS}").splitlines())

    def paths(self, qs):
        """The path of each q (None: no q), with one call of psql."""
        new = sorted({q for q in qs if q is not None and q not in self.tsq})
        if new:
            arr = ",".join("$x$" + q + "$x$" for q in new)
            self.tsq.update(zip(new, json.loads(self.s.psql(
                f"SELECT json_agg(search_query(q)::text ORDER BY n)"
                f" FROM unnest(ARRAY[{arr}]::text[]) WITH ORDINALITY t (q, n)"))))
        return [self.path_of(q) for q in qs]

    def path_of(self, q):
        if q is None:
            return "memory"
        tsq = self.tsq[q]
        lexemes = [x.replace("''", "'") for x in re.findall(r"'((?:[^']|'')*)'", tsq)]
        phrase = "<" in re.sub(r"'(?:[^']|'')*'", "", tsq)
        return "memory" if lexemes and not phrase and set(lexemes) <= self.held else "database"


@pytest.fixture(scope="module")
def mem():
    if not os.access(bdp_bin(), os.X_OK):
        pytest.exit(f"{bdp_bin()} is not built (set BDP_BIN)", returncode=2)
    env = {"BDP_SEARCH_MEMORY_MIN_DOCS": str(MIN_DOCS), "BDP_SEARCH_CACHE_MB": "0"}
    for stack in running_stack("memory", env=env):
        yield build(stack)


def build(stack):
    api, rng, d = Api(stack), random.Random(20261124), types.SimpleNamespace(stack=stack)

    def category(name, parent=None):
        r = stack.post("/v1/categories", {"name": name, "parent_id": parent}, role="editor")
        assert r.status == 201, r
        return r.json

    areas = [category("Obszar pamięci"), category("Obszar źródeł")]
    d.categories = areas + [category(n, areas[i]["id"]) for n, i in
                            (("Podobszar ąę", 0), ("Podobszar zet", 0), ("Podobszar łódki", 1))]
    d.units = [api.make_unit(type=typ, teryt=teryt(), voivodeship=voiv, name=f"Gmina {name}", population=pop,
                             county="kociewski" if typ.startswith(("gmina", "powiat")) else None,
                             population_year=2020 if pop else None)
               for voiv, typ, teryt, pop, name in UNITS]
    d.practices = []
    for i in range(N):
        words = rng.sample(COMMON, rng.randint(1, 3)) + [w for w, ids in COUNTED.items() if i in ids]
        words += [rng.choice(POLISH)] if rng.random() < 0.6 else []
        source = rng.choice(["src-a", "src-b", "src-ą", None])
        d.practices.append(api.make_practice(
            title=" ".join(words[:2]).capitalize() + f" nr {i}", summary=" ".join(words[2:]),
            keywords=[rng.choice(COMMON)], unit_id=rng.choice(d.units)["id"],
            category_ids=[c["id"] for c in rng.sample(d.categories, rng.choice([0, 1, 1, 2, 3]))],
            entered_on=f"{rng.randint(2005, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            status=rng.choice(["published"] * 6 + ["draft"] * 2 + ["archived"]),
            source=source, external_id=f"ext-{i}" if source else None))
    for p in d.practices[10:20]:  # some later updated_at
        r = stack.patch(f"/v1/practices/{p['id']}", {"revised_on": "2024-01-01"}, role="editor")
        assert r.status == 200, r
        p.update(r.json)
    settle(stack)
    d.oracle = Oracle(stack)
    return d


def stamp(rng, d):
    """updated_since at a practice's updated_at, 1 µs or 1 ms around it, in
    RFC 3339 with various offsets and 0-6 fraction digits."""
    at = datetime.datetime.fromisoformat(rng.choice(d.practices)["updated_at"].replace("Z", "+00:00"))
    at += datetime.timedelta(microseconds=rng.choice([0, 0, 1, -1, 1000, -1000]))
    local = at.astimezone(datetime.timezone(datetime.timedelta(minutes=rng.choice([0, 120, -330, 345, -600, 59]))))
    s = local.strftime("%Y-%m-%dT%H:%M:%S") + "." + f"{local.microsecond:06d}"[:rng.choice([0, 1, 3, 6, 6])]
    off = local.strftime("%z")
    return s.rstrip(".") + (rng.choice(["Z", "z", "+00:00", "-00:00"]) if off == "+0000" else f"{off[:3]}:{off[3:]}")


def random_search(rng, d):
    teryts = [u["teryt"] for u in d.units if u["teryt"]]
    cats = [str(c["id"]) for c in d.categories] + [c["slug"] for c in d.categories]
    population = lambda: str(rng.choice([0, 4999, 5000, 12000, 80000, 150001, 1400000]))  # noqa: E731
    day = lambda: f"{rng.randint(2004, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"  # noqa: E731
    gen = {
        "category": lambda: rng.choice(cats), "teryt": lambda: rng.choice(teryts)[:rng.randint(1, 7)],
        "population_min": population, "population_max": population, "entered_from": day, "entered_to": day,
        "voivodeship": lambda: rng.choice(["pomorskie", "śląskie", "łódzkie", "opolskie"]),
        "unit_type": lambda: rng.choice([u["type"] for u in d.units]),
        "unit_id": lambda: str(rng.choice(d.units)["id"]),
        "updated_since": lambda: stamp(rng, d),
        "status": lambda: rng.choice(["published", "draft", "archived"]),
        "source": lambda: rng.choice(["src-a", "src-b", "src-ą", "src-x"]),
        "external_id": lambda: f"ext-{rng.randrange(N + 4)}",
    }
    params = {k: gen[k]() for k in rng.sample(sorted(gen), rng.choice([0, 1, 1, 1, 2, 2, 3, 4]))}
    if int(params.get("population_min", 0)) > int(params.get("population_max", 1 << 31)):
        params["population_min"], params["population_max"] = params["population_max"], params["population_min"]
    a, b, c = rng.sample(COMMON * 4 + POLISH + list(COUNTED) + [ABSENT], 3)
    q = rng.choice([None, None, a, a, f"{a} {b}", f"{a} or {b}", f"{a} -{b}", f"-{a} {b}", f"-{a}",
                    f"{a} or {b} -{c}", f"{a} {b} or -{c}", f"-{a} -{b}", f"{a} or {b} or {c}",
                    f"{a} {b} {c}", f"{a.upper()}  {b}!"])
    if q is not None:
        params["q"] = q
    if rng.random() < 0.8:
        names = FACETS.split(",")
        params["facets"] = ",".join(names if rng.random() < 0.6 else rng.sample(names, rng.randint(1, 3)))
    params["sort"] = rng.choice(["-entered_on", "entered_on", "title", "-updated_at"] + ["relevance"] * 2 * bool(q))
    params["limit"] = rng.choice([1, 5, 20, 200])
    return params, q, rng.choice([None, "reader"])


def test_memory_gives_the_databases_answers(mem):
    rng = random.Random(7)
    searches = [random_search(rng, mem) for _ in range(200)]
    expected = mem.oracle.paths([q for _, q, _ in searches])
    nonempty = 0
    for (params, q, role), expect in zip(searches, expected):
        a, b = both(mem.stack, path_of(params), role)
        assert a.status == 200, a
        assert_same(a, b, expect)
        nonempty += a.json["total"] > 0
    # the mix is discriminating: both paths, mostly non-empty answers
    assert expected.count("memory") >= 120 and expected.count("database") >= 15, expected
    assert nonempty >= 80, nonempty


def filter_values(d):
    """Every filter with values that select something, or nothing."""
    for c in d.categories:
        yield from (("category", str(c["id"])), ("category", c["slug"]))
    for u in d.units:
        yield from (("unit_id", str(u["id"])), ("unit_type", u["type"]), ("voivodeship", u["voivodeship"]))
        yield from (("teryt", u["teryt"][:n]) for n in (1, 2, 4, 7) if u["teryt"] and n <= len(u["teryt"]))
    for v in ("0", "5000", "5001", "80000", "1400000"):
        yield from (("population_min", v), ("population_max", v))
    for day in ("2005-01-01", "2012-06-15", "2019-12-31", "2024-12-31"):
        yield from (("entered_from", day), ("entered_to", day))
    yield from (("updated_since", p["updated_at"]) for p in d.practices[::10])
    yield from (("status", v) for v in ("published", "draft", "archived"))
    yield from (("source", v) for v in ("src-a", "src-ą", "src-x"))
    yield from (("external_id", f"ext-{i}") for i in (0, 1, 2, N + 1))


def test_each_filter_alone(mem):
    values = list(dict.fromkeys(v for v in filter_values(mem) if v[1] is not None))
    for i, (name, value) in enumerate(values):
        for q in ({}, {"q": "alfor or dakla -betun"}):
            params = {name: value, "facets": FACETS, "limit": 2, **q}
            assert_same(*both(mem.stack, path_of(params), (None, "reader")[i % 2]), "memory")


def test_updated_since_to_the_microsecond(mem):
    tz = datetime.timezone(-datetime.timedelta(hours=5, minutes=30))
    for p in mem.practices[::7]:
        at, totals = datetime.datetime.fromisoformat(p["updated_at"].replace("Z", "+00:00")), []
        for delta in (0, 1):
            since = (at + datetime.timedelta(microseconds=delta)).astimezone(tz).isoformat()
            a, b = both(mem.stack, path_of({"updated_since": since, "facets": "year"}), "reader")
            assert_same(a, b, "memory")
            totals.append(a.json["total"])
        same = sum(x["updated_at"] == p["updated_at"] for x in mem.practices)
        assert totals[0] - totals[1] == same, (p["updated_at"], totals)


def test_single_held_words_count_what_the_data_set_has(mem):
    for word in COMMON + ["kwintra"]:  # kwintra: in exactly MIN_DOCS practices
        for role in (None, "reader"):
            a, b = both(mem.stack, path_of({"q": word, "facets": FACETS, "limit": 200}), role)
            assert_same(a, b, "memory")
            want = [p["id"] for p in mem.practices if (role or p["status"] == "published") and
                    word in " ".join([p["title"], p["summary"]] + p["keywords"]).lower()]
            assert a.json["total"] == len(want) > 0, (word, role)
            assert sorted(i["id"] for i in a.json["items"]) == sorted(want)


@pytest.mark.parametrize("role", [None, "reader", "admin"])
def test_stats_are_the_same_on_both_paths(mem, role):
    a, b = both(mem.stack, "/v1/stats", role)
    assert a.status == 200, a
    assert_same(a, b, "memory")
    assert a.json["total"] == sum(p["status"] == "published" for p in mem.practices)


@pytest.mark.parametrize("q, total", [
    ("duplox", 2), ("monoxa", 1), ("alfor duplox", None), ("alfor or monoxa", ">0"), ("-duplox", ">0"),
    ("{title}", ">0"), ("{title} -duplox", ">0"), (ABSENT, 0), (f"alfor -{ABSENT}", ">0"), ("!!!", 0),
])
def test_what_memory_cannot_answer_goes_to_the_database(mem, q, total):
    """A word in fewer than MIN_DOCS practices, a phrase ({title}: the first
    two words of a title, quoted), a word in none, no word at all."""
    title = next(p["title"] for p in mem.practices if p["status"] == "published" and len(p["title"].split()) > 3)
    q = q.replace("{title}", '"' + " ".join(title.split()[:2]) + '"')
    assert mem.oracle.paths([q]) == ["database"], q
    for role in (None, "reader"):
        a, b = both(mem.stack, path_of({"q": q, "facets": FACETS}), role)
        assert_same(a, b, "database")
        if role == "reader" and total is not None:
            assert a.json["total"] > 0 if total == ">0" else a.json["total"] == total, (q, a)


@pytest.mark.parametrize("headers", [NO_CACHE, {"Cache-Control": "max-age=0"},
                                     {"Cache-Control": "no-store"}, {"Pragma": "no-cache"}])
@pytest.mark.parametrize("path", ["/v1/practices?q=alfor&facets=year", "/v1/practices?limit=2", "/v1/stats"])
def test_no_cache_always_asks_the_database(mem, headers, path):
    assert counts_source(mem.stack.get(path)) == "memory"
    r = mem.stack.get(path, headers=headers)
    assert r.status == 200, r
    assert counts_source(r) == "database", r


@pytest.mark.parametrize("since", ["2100-01-01T00:00:00+20:00", "2100-01-01T00:00:00+05:99",
                                   "2100-01-01T00:00:00-16:00"])
def test_an_offset_postgresql_refuses_is_refused_on_both_paths(mem, since):
    """PostgreSQL takes offsets up to ±15:59: beyond, no path may answer 200."""
    a, b = both(mem.stack, path_of({"updated_since": since}))
    assert a.status == b.status, (a, b)
    assert a.status == 400, a


# ----------------------------------------------------------------------------
# Never stale: each write shows in the very next answer, then in the snapshot

PROBES = [(path_of({"facets": FACETS, "limit": 3}), None), (path_of({"facets": FACETS, "limit": 3}), "reader"),
          (path_of({"q": "alfor", "facets": FACETS}), None), (path_of({"status": "draft", "limit": 1}), "reader"),
          ("/v1/stats", None)]


def look(stack, expect=None, indexing=False):
    """Every probe on both paths, the same (for q while the indexer may be
    at work: only once it is done); {(path, role): body}."""
    out = {}
    for path, role in PROBES:
        a, b = both(stack, path, role)
        assert a.status == 200, a
        if not (indexing and "q=" in path):
            assert_same(a, b, expect)
        out[(path, role)] = a.json
    return out


def change(b, a, probe, name=None, value=None, key="value"):
    """How a probe's total (or a facet value's count) moved from b to a."""
    if name is None:
        return a[probe]["total"] - b[probe]["total"]
    count = lambda body: sum(e["count"] for e in body.get("facets", body)[name] if e[key] == value)  # noqa
    return count(a[probe]) - count(b[probe])


def check_write(stack, write, deltas, indexing=False):
    """deltas(before, after, settled) compares the answers before a write with
    those just after it (settled False), then with those of the snapshot
    loaded after it (settled True)."""
    settle(stack)
    before = look(stack, "memory")
    write()
    deltas(before, look(stack, indexing=indexing), False)
    settle(stack)
    deltas(before, look(stack, "memory"), True)


def test_writes_are_never_stale(mem):
    s, made = mem.stack, {}
    browse, browse_key, q_alfor, drafts, stats = PROBES
    unit, area, sub = mem.units[0], mem.categories[0], mem.categories[2]

    def write(method, path, body=None, status=200):
        def send():
            r = s.request(method, path.format(**made), body=body, role="editor")
            assert r.status == status, r
            made.setdefault("id", r.json and r.json["id"])
        return send

    def created(b, a, settled):
        for k in (browse, browse_key, stats):
            assert (change(b, a, k), change(b, a, k, "year", 2003),
                    change(b, a, k, "category", area["id"], "id")) == (1, 1, 1), k
        # found by q once indexed: maybe already, surely once settled
        assert change(b, a, q_alfor) in ((1,) if settled else (0, 1))

    check_write(s, write("POST", "/v1/practices", {"title": "Alfor nowa", "unit_id": unit["id"], "status": "published",
                                                   "entered_on": "2003-03-03", "category_ids": [sub["id"]]}, 201),
                created, indexing=True)

    def published(sign):
        def deltas(b, a, settled):
            for k in (browse, q_alfor, stats):
                assert (change(b, a, k), change(b, a, k, "voivodeship", "pomorskie"),
                        change(b, a, k, "year", 2003)) == (sign, sign, sign), k
            assert (change(b, a, browse_key), change(b, a, drafts)) == (0, -sign)
        return deltas

    check_write(s, write("PATCH", "/v1/practices/{id}", {"status": "draft"}), published(-1))
    check_write(s, write("PATCH", "/v1/practices/{id}", {"status": "published"}), published(+1))

    def moved(b, a, settled):
        for k in (browse, q_alfor, stats):
            assert change(b, a, k) == 0, k
            assert change(b, a, k, "voivodeship", "opolskie") == -change(b, a, k, "voivodeship", "pomorskie") > 0, k
        assert change(b, a, browse, "voivodeship", "opolskie") == 1 + sum(
            x["unit_id"] == unit["id"] and x["status"] == "published" for x in mem.practices)

    check_write(s, write("PATCH", f"/v1/units/{unit['id']}", {"voivodeship": "opolskie",
                                                                "teryt": gmina_teryt(1, "16")}), moved)

    def deleted(b, a, settled):
        for k in (browse, browse_key, q_alfor, stats):
            assert (change(b, a, k), change(b, a, k, "year", 2003)) == (-1, -1), k

    check_write(s, write("DELETE", "/v1/practices/{id}", status=204), deleted)

    def renamed(b, a, settled):
        entries = [e for e in a[browse_key]["facets"]["category"] if e["id"] == sub["id"]]
        assert [e["name"] for e in entries] == ["Podobszar nowy"], entries

    check_write(s, write("PATCH", f"/v1/categories/{sub['id']}", {"name": "Podobszar nowy"}), renamed)
