"""Search in memory (BDP_SEARCH_MEMORY_MIN_DOCS): the snapshot of
practice_search gives exactly the database's total, facets and page, in
every sort, and is never stale.

A stack of its own holds the lexemes that at least 3 practices have (with
their positions), with the answer cache off, so every answer is computed
now: without Cache-Control it may answer from memory (`Server-Timing:
counts;desc="memory"`: the counts and the page's order), with
`Cache-Control: no-cache` it always asks PostgreSQL (`desc="database"`).
A rarer lexeme's postings are fetched from the text index (up to 32 a
query); a phrase is checked in memory when all its words are held.
96 practices with a controlled vocabulary (made-up words in many practices,
others in exactly 3, 2 or 1, Polish forms with several lexemes) are searched
about 240 random ways (words, phrases that occur and that do not, -word,
or; page by page), then each filter alone, rare words, phrases, long
queries, on both paths, whose answers must be the same byte for byte; the
path expected is worked out from `search_query(q)` as PostgreSQL prints it
and how many practices have each lexeme. Writes through the API show in
the very next answer, whichever path it takes, and in the snapshot once it
is loaded again. Every wait polls.
"""

import collections
import datetime
import json
import os
import random
import re
import time
import types
import urllib.parse

import pytest

from conftest import (Api, bdp_bin, gmina_teryt, miasto_teryt, powiat_teryt, restart_if_dead,
                      running_stack)

MIN_DOCS = 3
FACETS = "category,voivodeship,unit_type,year"
NO_CACHE = {"Cache-Control": "no-cache"}
SORTS = ["relevance", "-entered_on", "entered_on", "title", "-updated_at"]
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


TSQ_TOKEN = re.compile(r"\s*(?:'((?:[^'\\]|''|\\.)*)'|(<->|<\d+>)|([()&|!]))")
MAX_FETCHED = 32  # unheld lexemes a query may have for the snapshot to answer it


def tsquery_tree(text):
    """A tsquery as PostgreSQL prints it, as a tree: ("lex", lexeme),
    ("!", a), or (op, a, b) with op "|", "&" or "<->" (any <N>); None when
    it has no lexeme. | binds loosest, then &, then <N>, then !."""
    toks, at = [], 0
    while text[at:].strip():
        m = TSQ_TOKEN.match(text, at)
        assert m, f"tsquery {text!r} at {at}"
        lex, phrase, op = m.groups()
        toks.append(("lex", re.sub(r"''|\\(.)", lambda e: e.group(1) or "'", lex)) if lex is not None
                    else ("<->",) if phrase else (op,))
        at = m.end()
    if not toks:
        return None
    toks.append(("end",))
    k = 0

    def binary(ops, operand):
        nonlocal k
        n = operand()
        while toks[k][0] in ops:
            k += 1
            n = (toks[k - 1][0], n, operand())
        return n

    def unary():
        nonlocal k
        k += 1
        if toks[k - 1][0] == "!":
            return ("!", unary())
        if toks[k - 1][0] == "(":
            n = binary("|", lambda: binary("&", lambda: binary(["<->"], unary)))
            assert toks[k][0] == ")", text
            k += 1
            return n
        assert toks[k - 1][0] == "lex", text
        return toks[k - 1]

    tree = binary("|", lambda: binary("&", lambda: binary(["<->"], unary)))
    assert toks[k][0] == "end", text
    return tree


def lexemes_of(n):
    return [n[1]] if n[0] == "lex" else [x for c in n[1:] for x in lexemes_of(c)]


def phrases_of(n):
    """The outermost phrases of a tree."""
    if n[0] == "<->":
        yield n
    elif n[0] != "lex":
        for c in n[1:]:
            yield from phrases_of(c)


def alternatives(n):
    """A lexeme, or an OR of lexemes (what search_query makes of a word)."""
    return n[0] == "lex" or (n[0] == "|" and alternatives(n[1]) and alternatives(n[2]))


def chain(n):
    """A phrase positions answer: left-deep, each word a lexeme or an OR
    of lexemes (no AND, NOT or phrase on the right)."""
    return alternatives(n) or (n[0] == "<->" and chain(n[1]) and alternatives(n[2]))


class Oracle:
    """The path a q should take, from what PostgreSQL says: the snapshot
    holds the lexemes that at least MIN_DOCS practices' vectors have, with
    their positions, and fetches the postings of up to MAX_FETCHED others.
    Memory: without q; when search_query(q) has a lexeme, at most
    MAX_FETCHED distinct lexemes it does not hold, and each phrase in it is
    a left-deep chain of words (a lexeme or alternatives) all held (a
    fetched lexeme has no positions). Else the database."""

    def __init__(self, stack):
        self.s, self.tsq = stack, {}
        self.held = set(stack.psql("SELECT u.lexeme FROM practice_search s, unnest(s.vector) u"
                                   f" GROUP BY 1 HAVING count(*) >= {MIN_DOCS}").splitlines())

    def tsqueries(self, qs):
        """search_query(q)::text of each q, with one call of psql."""
        new = sorted({q for q in qs if q is not None and q not in self.tsq})
        if new:
            arr = ",".join("$x$" + q + "$x$" for q in new)
            self.tsq.update(zip(new, json.loads(self.s.psql(
                f"SELECT json_agg(search_query(q)::text ORDER BY n)"
                f" FROM unnest(ARRAY[{arr}]::text[]) WITH ORDINALITY t (q, n)"))))
        return [q and self.tsq[q] for q in qs]

    def paths(self, qs):
        """The path of each q (None: no q)."""
        self.tsqueries(qs)
        return [self.path_of(q) for q in qs]

    def path_of(self, q):
        if q is None:
            return "memory"
        tree = tsquery_tree(self.tsq[q])
        if tree is None or len(set(lexemes_of(tree)) - self.held) > MAX_FETCHED:
            return "database"
        phrases = list(phrases_of(tree))
        ok = all(chain(p) and set(lexemes_of(p)) <= self.held for p in phrases)
        return "memory" if ok else "database"

    def has_phrase(self, q):
        tree = q is not None and tsquery_tree(self.tsq[q])
        return bool(tree) and next(phrases_of(tree), None) is not None


def phrase_pool(d):
    """Phrases of 2 or 3 words (no quotes): `adjacent`, of held words next
    to each other in some title, summary and keywords; `apart`, of held
    words next to each other in none; `rare`, next to each other with a
    word fewer than MIN_DOCS practices have (a title's number, duplox)."""
    texts = [" ".join([p["title"], p["summary"]] + p["keywords"]).lower().split() for p in d.practices]
    words = sorted({w for t in texts for w in t})
    held = sorted(w for w, tsq in zip(words, d.oracle.tsqueries(words))
                  if set(lexemes_of(tsquery_tree(tsq))) <= d.oracle.held)
    grams = {" ".join(t[k:k + n]) for t in texts for n in (2, 3) for k in range(len(t) - n + 1)}
    rng, apart = random.Random(5), set()
    while len(apart) < 40:
        g = " ".join(rng.sample(held, rng.choice([2, 2, 3])))
        if g not in grams:
            apart.add(g)
    return types.SimpleNamespace(adjacent=sorted(g for g in grams if set(g.split()) <= set(held)),
                                 rare=sorted(g for g in grams if not set(g.split()) <= set(held)), apart=sorted(apart))


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
    d.phrases = phrase_pool(d)
    return d


@pytest.fixture(autouse=True)
def _restart_dead_bdp_of_mem(request):
    """A test that kills this module's bdp fails; the others still run,
    once bdp has its snapshot again."""
    yield
    if "mem" in request.fixturenames:
        restart_if_dead(request.getfixturevalue("mem").stack, request, settle)


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
    if rng.random() < 0.4:  # a phrase, or two
        pools = [d.phrases.adjacent] * 6 + [d.phrases.apart] * 2 + [d.phrases.rare] * 2
        ph, ph2 = ('"' + rng.choice(rng.choice(pools)) + '"' for _ in range(2))
        q = rng.choice([ph, ph, ph, f"{ph} -{b}", f"-{b} {ph}", f"{ph} or {b}", f"{b} or {ph} -{c}",
                        f"-{ph} {b}", f"{ph} {ph2}", f"{ph} or {ph2}", f"{a} {ph}", f"{ph} or -{ph2}",
                        ph.strip('"').replace(" ", "-")])
    if q is not None:
        params["q"] = q
    if rng.random() < 0.8:
        names = FACETS.split(",")
        params["facets"] = ",".join(names if rng.random() < 0.6 else rng.sample(names, rng.randint(1, 3)))
    params["sort"] = rng.choice(SORTS[1:] + SORTS[:1] * 2 * bool(q))
    params["limit"] = rng.choice([1, 2, 3, 4, 5, 20, 200])
    return params, q, rng.choice([None, "reader"])


def pages(stack, params, role, expect, most=4):
    """The first pages of a search (following next_cursor) on both paths,
    each the same; the first page's body."""
    params, first = dict(params), None
    for _ in range(most):
        a, b = both(stack, path_of(params), role)
        assert a.status == 200, f"{a.path} ({role}): {a.status} {a.body[:300]}"
        assert_same(a, b, expect)
        first = first or a.json
        if not a.json["next_cursor"]:
            break
        params["cursor"] = a.json["next_cursor"]
    return first


def test_memory_gives_the_databases_answers(mem):
    """Random searches, phrases among them, page by page."""
    rng = random.Random(7)
    searches = [random_search(rng, mem) for _ in range(240)]
    expected = mem.oracle.paths([q for _, q, _ in searches])
    seen = collections.Counter()
    for (params, q, role), expect in zip(searches, expected):
        body = pages(mem.stack, params, role, expect)
        kind = "phrase" if mem.oracle.has_phrase(q) else "words"
        seen[kind, expect] += 1
        seen[kind, "found"] += body["total"] > 0
        seen["pages"] += body["total"] > params["limit"]
    # the mix is discriminating: both paths, mostly non-empty answers, several pages
    assert seen["words", "memory"] >= 120 and seen["words", "found"] >= 70, seen
    assert seen["phrase", "memory"] >= 55 and seen["phrase", "database"] >= 20, seen
    assert seen["phrase", "found"] >= 25 and seen["pages"] >= 45, seen


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


def numbers(d, q):
    """q with "{n numbers}" replaced by n words each in one practice (the
    titles' numbers, from 10 on: those of practices without COUNTED's
    words), joined by "or", whose lexemes the snapshot does not hold."""
    def words(m):
        n, held = int(m.group(1)), d.oracle.held
        assert not {str(i) for i in range(10, 10 + n)} & held
        return " or ".join(str(i) for i in range(10, 10 + n))
    return re.sub(r"\{(\d+) numbers\}", words, q)


def totals(mem, q):
    """The total for each role, both paths the same, as expected."""
    out, [expect] = [], mem.oracle.paths([q])
    for role in (None, "reader"):
        a, b = both(mem.stack, path_of({"q": q, "facets": FACETS, "limit": 3}), role)
        assert_same(a, b, expect)
        out.append(a.json["total"])
    return expect, out


@pytest.mark.parametrize("q, total", [
    ("duplox", 2), ("monoxa", 1), ('"duplox"', 2), ("alfor duplox", None), ("alfor or monoxa", ">0"),
    ("-duplox", N - 2), ("duplox or monoxa", 3), ("duplox -monoxa", 2), ("-monoxa -duplox", N - 3),
    (ABSENT, 0), (f"alfor -{ABSENT}", ">0"), (f"{ABSENT} or monoxa", 1), ('duplox "kwintra nr"', 0),
    ('monoxa or "kwintra nr"', 4), ('"kwintra nr" -duplox', 3), ("{32 numbers}", 32),
    ("{31 numbers} or duplox", 33), ("{31 numbers} duplox", 30), ("{32 numbers} or 10 or 41 or 25", 32),
])
def test_rare_words_are_answered_in_memory(mem, q, total):
    """A word in fewer than MIN_DOCS practices, or in none, has its
    postings fetched (up to MAX_FETCHED of them), also beside a phrase of
    held words; the query is answered in memory."""
    q = numbers(mem, q)
    expect, (anyone, reader) = totals(mem, q)
    assert expect == "memory", (q, mem.oracle.tsq[q])
    assert reader >= anyone
    if total is not None:
        assert reader > 0 if total == ">0" else reader == total, (q, reader)


@pytest.mark.parametrize("q, total", [
    ("!!!", 0), ("-", 0), ('"alfor duplox"', 0), ('"duplox dzieci"', ">0"), ('"kwintra nr 0"', 1),
    ('"kwintra nr 0" or alfor', ">0"), ('alfor -"kwintra nr 0"', ">0"), ("kwintra-nr-0", 0),
    ("{33 numbers}", 33), ("{32 numbers} or monoxa", 33), ("{31 numbers} or monoxa or duplox", 34),
    ('"nr 5"', 1), ('"alfor betun" or "nr 5"', ">0"),
])
def test_what_memory_cannot_answer_goes_to_the_database(mem, q, total):
    """A query with no lexeme; a phrase with a word fewer than MIN_DOCS
    practices have (its postings, fetched, have no positions); more than
    MAX_FETCHED lexemes the snapshot does not hold."""
    q = numbers(mem, q)
    expect, (anyone, reader) = totals(mem, q)
    assert expect == "database", (q, mem.oracle.tsq[q])
    assert reader >= anyone
    assert reader > 0 if total == ">0" else reader == total, (q, reader)


@pytest.mark.parametrize("q", [
    " ".join(COMMON * 6), " or ".join(COMMON * 6), "alfor " + " -".join(COMMON * 5),
    '"' + " ".join(COMMON * 5) + '"', '"' + " ".join(["alfor", "betun"] * 10) + '" or cermo',
    "szkoły or {30 numbers}",
])
def test_long_queries(mem, q):
    """Many words (a tree as deep), and a phrase of many held words: the
    snapshot answers what the database does (and its worker survives)."""
    q = numbers(mem, q)
    [expect] = mem.oracle.paths([q])
    assert expect == "memory", (q, mem.oracle.tsq[q])
    for sort in ("relevance", "title"):
        pages(mem.stack, {"q": q, "facets": FACETS, "sort": sort, "limit": 3}, "reader", expect, most=2)


@pytest.mark.parametrize("sort", SORTS)
def test_a_phrase_in_every_sort(mem, sort):
    """A phrase sorted every way, page by page: the database answers 200
    (sorted by title, its counts once failed with 42P22, a collation
    conflict) and the snapshot the same."""
    texts = [" ".join([p["title"], p["summary"]] + p["keywords"]).lower() for p in mem.practices]
    pair, triple = (max((g for g in mem.phrases.adjacent if g.count(" ") == n),
                        key=lambda g: sum(f" {g} " in f" {t} " for t in texts)) for n in (1, 2))
    for q, expect in ((f'"{pair}"', "memory"), (f'"{triple}" or -{pair.split()[0]}', "memory"),
                      (f'"{pair}" or "kwintra nr 0"', "database")):
        assert mem.oracle.paths([q]) == [expect], q
        for role in (None, "reader"):
            first = pages(mem.stack, {"q": q, "facets": FACETS, "sort": sort, "limit": 2}, role, expect, most=3)
            assert first["total"] > 2, (q, first)


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
