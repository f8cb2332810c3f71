"""`bdp import [--mode atomic|partial] [--dry-run] [--resource KIND] FILE...`
(issue 4): NDJSON, JSON, CSV and TERC files and the old site's pages (.txt,
converted as `bdp legacy` does and imported together as practices) through
the bulk upload. Errors on stderr as "bdp import: FILE:LINE: field: message"
("bdp import: PAGE: ..." for pages), one summary line at the end, exit 0
when everything was written, 1 when anything failed or was refused, 2 for
usage errors.

The module runs against a database and `bdp serve` of its own: the seed
pages' records (source "legacy") and the TERC sample's TERYT codes are
fixed, and their first import must be the first.
"""

import json
import os
import random
import re
import string
import subprocess
import urllib.parse

import pytest

from conftest import ROOT, SANITIZER_MARKS, Unchanged, bdp_bin, gmina_teryt, powiat_teryt
from test_bulk import TERC_UNITS, side_stack

DATA = ROOT / "tests" / "data" / "legacy"
SLUPSK = str(DATA / "slupsk-dom-dziecka.txt")
ZORY = str(DATA / "zory-rodzicielstwo-zastepcze.txt")
NOT_PRACTICE = str(DATA / "not-practice.txt")
TWO_CONTACTS = str(DATA / "two-contacts.txt")  # its category is not seeded
CRLF = str(DATA / "crlf.txt")  # Żory again, with CRLF line ends
TERC = str(ROOT / "tests" / "data" / "terc-sample.csv")

SUMMARY = re.compile(
    r"bdp import: (\d+) records from (\d+) files?( \([^)]*\))?: (\d+) created, (\d+) updated, "
    r"(\d+) unchanged, (\d+) failed in \d+(\.\d+)? s \(\d+(\.\d+)? records/s\)")


def marker():
    return "zq" + "".join(random.choices(string.ascii_lowercase, k=10))


class Run:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err
        self.lines = err.splitlines()

    def __repr__(self):
        return f"<bdp import exit {self.rc}\nstdout: {self.out!r}\nstderr:\n{self.err}>"

    def summary(self):
        """(received, files, created, updated, unchanged, failed) of the one summary line, the last."""
        found = [l for l in self.lines if SUMMARY.fullmatch(l)]
        assert len(found) == 1 and self.lines[-1] == found[0], f"one summary line at the end: {self}"
        m = SUMMARY.fullmatch(found[0])
        return tuple(int(m.group(i)) for i in (1, 2, 4, 5, 6, 7))

    def errors(self):
        """The lines before the summary."""
        return self.lines[:-1]


def run_import(stack, *args, db=True, cwd=None):
    env = dict(os.environ)
    env.pop("BDP_DATABASE_URL", None)
    if db:
        env["BDP_DATABASE_URL"] = stack.db_url
    r = subprocess.run([bdp_bin(), "import", *args], capture_output=True, env=env, timeout=60, cwd=cwd)
    out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")
    for mark in SANITIZER_MARKS:
        assert mark not in err, err
    res = Run(r.returncode, out, err)
    assert out == "", f"bdp import wrote to stdout: {res}"
    return res


# bdp import writes from another process: the server's answer cache hears
# of it when the NOTIFY arrives, so the searches here ask for a fresh answer.
FRESH = {"Cache-Control": "no-cache"}


def one(stack, source, ext, role="editor"):
    q = urllib.parse.urlencode({"source": source, "external_id": ext})
    r = stack.get(f"/v1/practices?{q}", role="editor", headers=FRESH)
    assert r.status == 200, r
    assert r.json["total"] == 1, f"{source}/{ext}: {r}"
    r = stack.get(f"/v1/practices/{r.json['items'][0]['id']}", role=role)
    assert r.status == 200, r
    return r.json


def absent(stack, source, ext):
    q = urllib.parse.urlencode({"source": source, "external_id": ext})
    r = stack.get(f"/v1/practices?{q}", role="editor", headers=FRESH)
    assert r.status == 200, r
    return r.json["total"] == 0


def unit_count(stack):
    r = stack.get("/v1/units?limit=1", role="editor")
    assert r.status == 200, r
    return r.json["total"]


def variant_page(tmp_path, m, title=None, category="\u00a0 Usługi społeczne : Oświata", name=None):
    """two-contacts.txt made into a page of another gmina, category and title."""
    text = open(TWO_CONTACTS, encoding="utf-8").read()
    old = "\u00a0 Usługi techniczne : Gospodarka odpadami"
    assert old in text
    text = text.replace(old, category)
    text = text.replace("Selektywna zbiórka odpadów w gminie wiejskiej", title or f"Zbiórka {m} w gminie")
    text = text.replace("Dębnica Kaszubska", name or f"Wólka {m.capitalize()}")
    text = text.replace("2009-05-11", "2014-03-02").replace("2010-01-20", "2015-04-03")
    path = tmp_path / f"wariant-{m}.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def imp(stack):
    yield from side_stack(stack, "import")


@pytest.fixture(scope="module")
def terc(imp):
    """The TERC sample, imported once: its units are the ones the files below name."""
    return run_import(imp, TERC)


@pytest.fixture(scope="module")
def seeded(imp):
    """The two seed pages, imported first thing into the fresh database."""
    before = unit_count(imp)
    return run_import(imp, SLUPSK, ZORY), before


# --------------------------------------------------------------------------
# the old site's pages


def test_seed_pages_import_and_read_back(imp, seeded):
    res, units_before = seeded
    assert res.rc == 0, res
    assert res.summary() == (2, 2, 2, 0, 0, 0), res
    assert res.errors() == [], res
    assert unit_count(imp) == units_before + 2

    p = one(imp, "legacy", "slupsk-dom-dziecka", role=None)  # published: anonymous reads it
    assert p["title"] == "Przekształcenie Domu Dziecka w nowoczesną instytucję opiekuńczą"
    assert p["status"] == "published"
    assert [c["path"] for c in p["categories"]] == [["Usługi społeczne", "Pomoc społeczna"]]
    paras = p["summary"].split("\n\n")
    assert len(paras) == 3, p["summary"]
    assert paras[0].startswith("W powiecie słupskim przeprowadzono głęboką restrukturyzację")
    assert paras[0].endswith("powiat współpracował z Towarzystwem „Nasz Dom\".")
    assert paras[1].startswith("Powstał zespół interdyscyplinarny")
    assert paras[2].startswith("Inicjatywa słupska") and paras[2].endswith("do 15 w 2007.")
    assert (p["entered_on"], p["revised_on"]) == ("2008-01-07", "2011-02-26")
    u = p["unit"]
    assert (u["type"], u["name"], u["voivodeship"], u["county"], u["population"], u["teryt"]) == (
        "powiat_ziemski", "słupski", "pomorskie", "słupski", 92045, None)
    impl = {k: v for k, v in p["implementer"].items() if v is not None}
    assert impl == {
        "name": "Starostwo Powiatowe w Słupsku", "street": "ul. Szarych Szeregów 14",
        "postal_code": "76-200", "post_office": "Słupsk", "locality": "Słupsk",
        "phones": ["59 841-85-00"], "fax": "59 842-71-11",
        "websites": ["www.pcprslupsk.mojbip.pl", "www.towarzystwonaszdom.pl"],
        "email": "starostwo@powiat.slupsk.pl"}
    assert [(c["name"], c["role"], c["phones"], c["email"], c["public"]) for c in p["contacts"]] == [
        ("Iwona Niemasz", "Dyrektor Domów dla Dzieci Towarzystwa Nasz Dom w Słupsku i Ustce",
         ["59 814 59 59"], "dzieciakiustka@poczta.onet.pl", True)]
    assert (p["source"], p["external_id"]) == ("legacy", "slupsk-dom-dziecka")
    slupsk_version = p["version"]

    z = one(imp, "legacy", "zory-rodzicielstwo-zastepcze")
    assert z["title"] == ("Bo ważny jest dom - kompleksowy i efektywny system wspierania "
                          "rodzicielstwa zastępczego")
    assert [c["path"] for c in z["categories"]] == [["Usługi społeczne", "Pomoc społeczna"]]
    paras = z["summary"].split("\n\n")
    assert len(paras) == 3 and paras[0].startswith("Celem projektu adresowanego") and \
        paras[2].startswith("Średni koszt umieszczenia dziecka"), z["summary"]
    assert (z["entered_on"], z["revised_on"]) == ("2012-06-04", "2013-07-09")
    u = z["unit"]
    assert (u["type"], u["name"], u["voivodeship"], u["county"], u["population"]) == (
        "gmina_miejska", "Żory", "śląskie", "żorski", 60444)
    assert z["implementer"]["name"] == "Miejski Ośrodek Pomocy Społecznej w Żorach"
    assert z["implementer"]["phones"] == ["32 43 42 412", "32 43 43 713"]
    assert z["implementer"].get("fax") is None
    assert [(c["name"], c["role"], c["phones"], c["email"]) for c in z["contacts"]] == [
        ("Agnieszka Szewczyk", "Wydział Strategii i Rozwoju Miasta", ["32 434 82 34"], "sir@um.zory.pl")]
    assert (slupsk_version, z["version"]) == (1, 1), "a new practice (with one contact each) is not at version 1"


def test_seed_pages_again_are_unchanged(imp, seeded):
    assert seeded[0].rc == 0, seeded[0]
    before = {ext: one(imp, "legacy", ext)["version"] for ext in ("slupsk-dom-dziecka",
                                                                   "zory-rodzicielstwo-zastepcze")}
    with Unchanged(imp):
        res = run_import(imp, ZORY, SLUPSK)
        assert (res.rc, res.summary(), res.errors()) == (0, (2, 2, 0, 0, 2, 0), []), res
    after = {ext: one(imp, "legacy", ext)["version"] for ext in before}
    assert after == before


def test_variant_pages_units_matched_or_created(imp, seeded, tmp_path):
    """Each page's unit (inline, without TERYT) is matched by type, name and
    voivodeship, also to a unit that has a TERYT code, or created once."""
    m = marker()
    name = f"Wólka {m.capitalize()}"
    a = variant_page(tmp_path, m)
    b = variant_page(tmp_path, m + "b", title=f"Druga {m} praktyka", name=name)
    known_name = f"Gmina {m.capitalize()}"
    known = imp.post("/v1/units", {"teryt": gmina_teryt(2, "22"), "name": known_name, "type": "gmina_wiejska",
                                   "voivodeship": "pomorskie"}, role="editor")
    assert known.status == 201, known
    c = variant_page(tmp_path, m + "c", name=known_name)
    units = unit_count(imp)
    res = run_import(imp, str(a), str(b), CRLF, str(c))
    assert (res.rc, res.summary(), res.errors()) == (0, (4, 4, 4, 0, 0, 0), []), res
    assert unit_count(imp) == units + 1, "the two pages of one gmina made two units, or a unit was not matched"
    assert one(imp, "legacy", f"wariant-{m}c")["unit_id"] == known.json["id"]

    p = one(imp, "legacy", f"wariant-{m}")
    assert p["title"] == f"Zbiórka {m} w gminie" and p["status"] == "published"
    assert [c["path"] for c in p["categories"]] == [["Usługi społeczne", "Oświata"]]
    assert p["summary"] == "Mieszkańcy segregują odpady u źródła.\n\nZbiórka objęła 1 200 gospodarstw."
    assert (p["entered_on"], p["revised_on"]) == ("2014-03-02", "2015-04-03")
    u = p["unit"]
    assert (u["type"], u["name"], u["voivodeship"], u["county"], u["population"], u["teryt"]) == (
        "gmina_wiejska", name, "pomorskie", "słupski", 9800, None)
    assert p["implementer"]["name"] == f"Urząd Gminy {name}"
    assert p["implementer"]["phones"] == ["59 811 60 31", "59 811 60 32"]
    assert p["implementer"]["fax"] == "59 811 60 33"
    assert [(c["name"], c["role"], c["phones"], c["email"]) for c in p["contacts"]] == [
        ("Jan Kowalski", "Kierownik Referatu Gospodarki Komunalnej", ["59 811 60 40", "600 100 200"],
         "j.kowalski@debnicakaszubska.pl"),
        ("Anna Nowak", "Referat Ochrony Środowiska", ["59 811 60 41"], None)]
    q = one(imp, "legacy", f"wariant-{m}b")
    assert q["title"] == f"Druga {m} praktyka" and q["unit_id"] == p["unit_id"]
    zory = one(imp, "legacy", "zory-rodzicielstwo-zastepcze")
    assert one(imp, "legacy", "crlf")["unit_id"] == zory["unit_id"]

    # the page revised: its record is updated, by one version
    variant_page(tmp_path, m, title=f"Zbiórka {m} poprawiona")
    res = run_import(imp, str(a), str(b))
    assert (res.rc, res.summary()) == (0, (2, 2, 0, 1, 1, 0)), res
    p2 = one(imp, "legacy", f"wariant-{m}")
    assert p2["title"] == f"Zbiórka {m} poprawiona"
    assert p2["id"] == p["id"] and len(p2["contacts"]) == 2
    assert p2["version"] == p["version"] + 1, f"revised page: version {p['version']} -> {p2['version']}"


def test_bad_pages_atomic_write_nothing(imp, seeded, tmp_path):
    m = marker()
    page = variant_page(tmp_path, m)
    missing = str(tmp_path / "nie-ma.txt")
    with Unchanged(imp):
        res = run_import(imp, SLUPSK, NOT_PRACTICE, str(page), TWO_CONTACTS, missing)
    assert res.rc == 1, res
    assert res.summary() == (5, 5, 0, 0, 0, 3), res
    errs = res.errors()
    assert f'bdp import: {NOT_PRACTICE}: not a practice page: no "Metryka praktyki"' in errs, res
    assert f"bdp import: {TWO_CONTACTS}: category_path: names no category" in errs, res
    assert f"bdp import: {missing}: No such file or directory" in errs, res
    assert not any(str(page) in l or SLUPSK in l for l in errs), res
    assert absent(imp, "legacy", f"wariant-{m}")


def test_bad_pages_partial_the_others_go_on(imp, seeded, tmp_path):
    m = marker()
    page = variant_page(tmp_path, m)
    res = run_import(imp, "--mode", "partial", SLUPSK, NOT_PRACTICE, str(page), TWO_CONTACTS, ZORY)
    assert res.rc == 1, res
    assert res.summary() == (5, 5, 1, 0, 2, 2), res
    assert sorted(res.errors()) == sorted([
        f'bdp import: {NOT_PRACTICE}: not a practice page: no "Metryka praktyki"',
        f"bdp import: {TWO_CONTACTS}: category_path: names no category"]), res
    assert one(imp, "legacy", f"wariant-{m}")["title"] == f"Zbiórka {m} w gminie"
    assert absent(imp, "legacy", "two-contacts") and absent(imp, "legacy", "not-practice")


# --------------------------------------------------------------------------
# TERC, NDJSON, JSON, CSV


def test_terc_sample(imp, terc):
    res = terc
    assert (res.rc, res.summary(), res.errors()) == (0, (29, 1, 29, 0, 0, 0), []), res
    assert len(TERC_UNITS) == 29
    units = {}
    for prefix in ("02", "12", "14"):
        r = imp.get(f"/v1/units?teryt={prefix}&limit=200", role="editor")
        units.update({u["teryt"]: u for u in r.json["items"]})
    by_id = {u["id"]: u["teryt"] for u in units.values()}
    got = sorted((t, u["type"], u["name"], by_id.get(u["parent_id"]), u["county"]) for t, u in units.items())
    assert got == sorted(TERC_UNITS)
    with Unchanged(imp):
        res = run_import(imp, TERC)
        assert (res.rc, res.summary()) == (0, (29, 1, 0, 0, 29, 0)), res


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_ndjson_file_with_bad_lines(imp, seeded, terc, tmp_path):
    src = marker()
    path = write(tmp_path, "dane.ndjson", "\n".join([
        json.dumps({"source": src, "external_id": "1", "title": "Pierwszy", "unit_teryt": "0201011"}),
        "{zepsuty",
        json.dumps({"source": src, "external_id": "3", "title": "Trzeci", "unit_teryt": "0201011",
                    "status": "nieznany"}),
        "",
        json.dumps({"source": src, "external_id": "5", "title": "Piąty", "unit_teryt": "0201011",
                    "contacts": [{"name": "Jan Plik"}]}),
        json.dumps({"source": src, "external_id": "6", "title": "Szósty", "unit_teryt": "9999999"}),
    ]) + "\n")
    with Unchanged(imp):
        res = run_import(imp, path)
    assert res.rc == 1, res
    assert res.summary() == (5, 1, 0, 0, 0, 3), res
    errs = res.errors()
    assert any(l.startswith(f"bdp import: {path}:2: ") and "JSON" in l for l in errs), res
    assert f"bdp import: {path}:3: status: must be one of: draft, published, archived" in errs, res
    assert any(l.startswith(f"bdp import: {path}:6: unit_teryt: ") for l in errs), res
    assert absent(imp, src, "1")

    res = run_import(imp, "--mode", "partial", path)
    assert res.rc == 1 and res.summary() == (5, 1, 2, 0, 0, 3), res
    assert one(imp, src, "1")["unit"]["teryt"] == "0201011"
    assert [c["name"] for c in one(imp, src, "5")["contacts"]] == ["Jan Plik"]
    assert absent(imp, src, "3") and absent(imp, src, "6")


def test_dry_run_writes_nothing(imp, seeded, terc, tmp_path):
    src = marker()
    m = marker()
    nd = write(tmp_path, "suche.jsonl", "\n".join(
        json.dumps({"source": src, "external_id": str(i), "title": f"Suchy {i}", "unit_teryt": "1201011"})
        for i in range(3)) + "\n")
    page = variant_page(tmp_path, m)
    with Unchanged(imp):
        res = run_import(imp, "--dry-run", nd, str(page), SLUPSK)
    assert res.rc == 0 and res.summary() == (5, 3, 4, 0, 1, 0), res
    assert absent(imp, src, "0") and absent(imp, "legacy", f"wariant-{m}")
    res = run_import(imp, nd)
    assert res.rc == 0 and res.summary() == (3, 1, 3, 0, 0, 0), res


def test_json_csv_and_resources(imp, seeded, terc, tmp_path):
    src = marker()
    m = marker()
    pt = powiat_teryt("08")
    files = [
        write(tmp_path, "tablica.json", json.dumps([
            {"source": src, "external_id": "j1", "title": "Z tablicy", "unit_teryt": "0264011",
             "category_path": ["Usługi społeczne", "Kultura"]}], ensure_ascii=False)),
        write(tmp_path, "arkusz.csv",
              "title,unit_teryt,category_slugs,keywords,source,external_id\n"
              f'"Z arkusza, z przecinkiem",1465011,dialog-spoleczny,a|b,{src},c1\n'),
        write(tmp_path, "linie.NDJSON", json.dumps({"source": src, "external_id": "n1", "title": "Z linii",
                                                    "unit_teryt": "1261011"}) + "\n"),
    ]
    res = run_import(imp, *files)
    assert (res.rc, res.summary(), res.errors()) == (0, (3, 3, 3, 0, 0, 0), []), res
    assert one(imp, src, "j1")["categories"][0]["path"] == ["Usługi społeczne", "Kultura"]
    c1 = one(imp, src, "c1")
    assert c1["title"] == "Z arkusza, z przecinkiem" and c1["keywords"] == ["a", "b"]
    assert c1["unit"]["name"] == "Warszawa" and c1["categories"][0]["slug"] == "dialog-spoleczny"
    assert one(imp, src, "n1")["unit"]["teryt"] == "1261011"

    units = write(tmp_path, "jednostki.ndjson", "\n".join(json.dumps(u, ensure_ascii=False) for u in [
        {"teryt": pt, "name": f"powiat {m}", "type": "powiat_ziemski", "voivodeship": "lubuskie"},
        {"teryt": pt + "011", "name": f"Miasto {m}", "type": "gmina_miejska", "voivodeship": "lubuskie",
         "parent_teryt": pt}]))
    units_csv = write(tmp_path, "jednostki.csv", "name,type\n" f"Związek {m},zwiazek_jst\n")
    cats = write(tmp_path, "kategorie.json", json.dumps([
        {"name": f"Obszar {m}"}, {"name": f"Pod {m}", "parent_slug": f"obszar-{m}"}]))
    res = run_import(imp, "--resource", "units", units, units_csv)
    assert (res.rc, res.summary()) == (0, (3, 2, 3, 0, 0, 0)), res
    got = {u["teryt"]: u for u in imp.get(f"/v1/units?teryt={pt}", role="editor").json["items"]}
    assert got[pt + "011"]["parent_id"] == got[pt]["id"]
    res = run_import(imp, "--resource", "categories", cats)
    assert (res.rc, res.summary()) == (0, (2, 1, 2, 0, 0, 0)), res
    r = imp.get("/v1/categories?limit=200")
    paths = [c["path"] for c in r.json["items"]]
    assert [f"Obszar {m}", f"Pod {m}"] in paths


def test_each_file_is_its_own_upload_and_bad_files_are_reported(imp, seeded, terc, tmp_path):
    """In atomic mode a file with an error writes nothing of itself, and
    the files after it still go in; a file that cannot be read or is of no
    known kind is reported by name."""
    src = marker()
    good = write(tmp_path, "dobry.ndjson", json.dumps({"source": src, "external_id": "g", "title": "Dobry",
                                                       "unit_teryt": "0201011"}) + "\n")
    bad = write(tmp_path, "zly.ndjson", "\n".join(json.dumps(r) for r in [
        {"source": src, "external_id": "b1", "title": "Dobry w złym pliku", "unit_teryt": "0201011"},
        {"source": src, "external_id": "b2", "title": "Zły", "unit_teryt": "0201011", "bogus": 1}]))
    missing = str(tmp_path / "brak.ndjson")
    other = write(tmp_path, "dane.xml", "<a/>")
    unreadable_csv = write(tmp_path, "zle.csv", "title,bogus\nA,1\n")
    cut = write(tmp_path, "urwana.json", '[{"title": "A", "unit_teryt": "0201011"}')
    res = run_import(imp, bad, missing, other, unreadable_csv, cut, good)
    assert res.rc == 1, res
    assert res.summary() == (3, 6, 1, 0, 0, 1), res
    errs = res.errors()
    assert f"bdp import: {bad}:2: bogus: is not a known field" in errs, res
    assert f"bdp import: {missing}: No such file or directory" in errs, res
    assert any(l.startswith(f"bdp import: {other}: ") for l in errs), res
    assert any(l.startswith(f"bdp import: {unreadable_csv}: ") and "bogus" in l for l in errs), res
    assert any(l.startswith(f"bdp import: {cut}: ") for l in errs), res
    assert one(imp, src, "g")["title"] == "Dobry"
    assert absent(imp, src, "b1") and absent(imp, src, "b2")


USAGE_ERRORS = [
    [],
    ["--mode", "partial"],
    ["--dry-run"],
    ["--mode", "bogus", "x.ndjson"],
    ["--mode"],
    ["--resource", "contacts", "x.ndjson"],
    ["--resource"],
    ["--frob", "x.ndjson"],
    ["-x", "x.ndjson"],
]


def test_usage_errors_exit_2(imp, seeded, tmp_path):
    page = str(variant_page(tmp_path, marker()))
    with Unchanged(imp):
        for args in USAGE_ERRORS:
            res = run_import(imp, *[page if a == "x.ndjson" else a for a in args])
            assert res.rc == 2 and res.err.strip(), res


def test_database_url_flag_and_unreachable_database(imp, seeded, terc, tmp_path):
    src = marker()
    path = write(tmp_path, "flaga.ndjson", json.dumps({"source": src, "external_id": "f", "title": "Flaga",
                                                       "unit_teryt": "0201011"}) + "\n")
    res = run_import(imp, "--database-url", imp.db_url, path, db=False)
    assert res.rc == 0 and res.summary() == (1, 1, 1, 0, 0, 0), res
    res = run_import(imp, "--database-url", "postgresql://postgres@127.0.0.1:1/nope", path, db=False)
    assert res.rc == 1 and res.err.strip(), res
