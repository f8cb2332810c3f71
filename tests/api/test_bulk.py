"""Bulk uploads (issue 4) and their partner scoping (issue 5):
POST /v1/bulk/practices | units | categories.

The body is NDJSON, a JSON array or CSV (for units also the GUS TERC
register); atomic mode writes all or nothing (422 with the report), partial
mode writes every good record (200), dry_run writes nothing; records upsert
on their natural keys (source + external_id, TERYT, slug) and an upload of
the same data again is "unchanged": no new version, nothing in the change
feed. A partner uploads practices of its own source only: another source
anywhere in the upload is 403 and nothing is written. BDP_MAX_BULK_BYTES
caps the body (413): tested on a database and `bdp serve` of their own, with
a small limit, which also take the TERC sample (its TERYT codes are fixed).
"""

import http.client
import json
import os
import random
import shutil
import socket
import string
import time
import urllib.parse

import pytest

from conftest import (
    ROOT,
    SANITIZER_MARKS,
    CIDict,
    Response,
    Stack,
    Unchanged,
    assert_problem,
    read_http_response,
    gmina_teryt,
    powiat_teryt,
    uniq,
)

NDJSON = "application/x-ndjson"
JSON = "application/json"
CSV = "text/csv"
REPORT_KEYS = {"received", "created", "updated", "unchanged", "failed", "dry_run", "errors"}
SMALL_LIMIT = 4096
TERC_SAMPLE = ROOT / "tests" / "data" / "terc-sample.csv"


# --------------------------------------------------------------------------
# helpers


def marker():
    """A random lowercase word: unique data, and a search term found nowhere else."""
    return "zq" + "".join(random.choices(string.ascii_lowercase, k=10))


def nd(records, end="\n"):
    """NDJSON of records (dicts are dumped, strings taken as the line)."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return ("\n".join(lines) + end).encode("utf-8")


def bulk(stack, kind, body, ctype=NDJSON, role="editor", query=None, **kw):
    if isinstance(body, list):
        body = nd(body) if ctype == NDJSON else json.dumps(body, ensure_ascii=False).encode()
    path = f"/v1/bulk/{kind}"
    if query:
        path += "?" + urllib.parse.urlencode(query)
    return stack.post(path, body=body, role=role, content_type=ctype, **kw)


def check_errors(errors):
    assert isinstance(errors, list), errors
    for e in errors:
        assert isinstance(e, dict) and set(e) == {"line", "field", "message"}, e
        assert isinstance(e["line"], int) and e["line"] >= 1, e
        assert e["field"] is None or (isinstance(e["field"], str) and e["field"]), e
        assert isinstance(e["message"], str) and e["message"], e


def report(r, created=0, updated=0, unchanged=0, failed=0, dry_run=False, received=None):
    """r is a 200 report with exactly these counts; returns it."""
    assert r.status == 200, r
    assert r.headers.get("content-type", "").split(";")[0].strip() == "application/json", r
    body = r.json
    assert isinstance(body, dict) and set(body) == REPORT_KEYS, r
    check_errors(body["errors"])
    if received is None:
        received = created + updated + unchanged + failed
    want = dict(received=received, created=created, updated=updated, unchanged=unchanged,
                failed=failed, dry_run=dry_run)
    assert {k: body[k] for k in want} == want, r
    assert len({e["line"] for e in body["errors"]}) == failed, f"failed {failed} but errors on lines {body['errors']}"
    return body


def refusal(r, status, failed, received, dry_run=False):
    """r is a problem (422 or 403) carrying the report, with nothing written."""
    kinds = {422: "validation", 403: "forbidden"}
    assert r.status == status, r
    assert r.headers.get("content-type", "").split(";")[0].strip() == "application/problem+json", r
    p = r.json
    assert isinstance(p, dict), r
    for k in ("type", "title", "status", "detail", "instance", "request_id"):
        assert k in p, f"problem lacks {k!r}: {r}"
    assert p["type"] == f"urn:bdp:problem:{kinds[status]}" and p["status"] == status, r
    assert p["instance"] == r.path.split("?")[0], r
    assert p["request_id"] == r.headers.get("x-request-id"), r
    assert set(p) >= REPORT_KEYS, f"the refusal lacks the report's members: {r}"
    check_errors(p["errors"])
    want = dict(received=received, created=0, updated=0, unchanged=0, failed=failed, dry_run=dry_run)
    assert {k: p[k] for k in want} == want, r
    return p


def lines_of(body):
    """{line: [fields]} of a report's errors."""
    out = {}
    for e in body["errors"]:
        out.setdefault(e["line"], []).append(e["field"])
    return out


def names(fields, want):
    """One of fields is want (or want[...] / want.x); want None: a field-less error."""
    if want is None:
        return None in fields
    return any(f is not None and (f == want or f.startswith(want + "[") or f.startswith(want + "."))
               for f in fields)


def expect_errors(body, want):
    """The errors are on exactly the lines of want ({line: field or [fields]})."""
    got = lines_of(body)
    assert set(got) == set(want), f"errors on lines {sorted(got)}, expected {sorted(want)}: {body['errors']}"
    for line, fields in want.items():
        for f in fields if isinstance(fields, list) else [fields]:
            assert names(got[line], f), f"line {line}: expected an error naming {f!r}, got {got[line]}: {body['errors']}"


def by_source(stack, source, **q):
    """The practices of source (editor's view), up to 200."""
    q = {"source": source, "limit": 200, **q}
    r = stack.get("/v1/practices?" + urllib.parse.urlencode(q), role="editor")
    assert r.status == 200, r
    return r.json["items"]


def one(stack, source, ext):
    items = by_source(stack, source, external_id=ext)
    assert len(items) == 1, f"{source}/{ext}: {len(items)} practices"
    r = stack.get(f"/v1/practices/{items[0]['id']}", role="editor")
    assert r.status == 200, r
    return r.json


def categories(stack):
    r = stack.get("/v1/categories?limit=200")
    assert r.status == 200, r
    return {c["slug"]: c for c in r.json["items"]}


def cat_by_path(stack, *path):
    for c in categories(stack).values():
        if c["path"] == list(path):
            return c
    raise AssertionError(f"no category {path}")


def feed_after(stack, after):
    """Every change-feed entry after the cursor `after` (None: from the start), and the last cursor."""
    out = []
    for _ in range(1000):
        q = {"limit": 1000}
        if after is not None:
            q["after"] = after
        r = stack.get("/v1/changes?" + urllib.parse.urlencode(q), role="reader")
        assert r.status == 200, r
        entries = r.json["changes"]
        if not entries:
            return out, after
        out += entries
        after = r.json["next_cursor"]
    raise AssertionError("the change feed never ended")


def feed_through_sentinel(stack, after):
    """Every entry after `after` up to a sentinel unit written now, and the
    cursor after it. The feed holds entries back while older transactions
    run: once the sentinel shows, everything written before it has."""
    r = stack.post("/v1/units", {"name": uniq("Wartownik"), "type": "zwiazek_jst"}, role="editor")
    assert r.status == 201, r
    sid = r.json["id"]
    out, cursor = [], after
    deadline = time.time() + 10
    while True:
        entries, cursor = feed_after(stack, cursor)
        out += entries
        if any(e["resource"] == "unit" and e["id"] == sid for e in out):
            return [e for e in out if not (e["resource"] == "unit" and e["id"] == sid)], cursor
        assert time.time() < deadline, "the sentinel never showed in the change feed"
        time.sleep(0.1)


_feed_cursor = {}


def feed_end(stack):
    """A cursor after everything written so far."""
    cursor = feed_through_sentinel(stack, _feed_cursor.get(id(stack)))[1]
    _feed_cursor[id(stack)] = cursor
    return cursor


def feed_since(stack, after):
    """The entries written since the cursor `after`."""
    return feed_through_sentinel(stack, after)[0]


@pytest.fixture(scope="module")
def unit(api):
    """A gmina with a TERYT code, for the practices that do not care."""
    return api.make_unit()


# --------------------------------------------------------------------------
# the endpoint: kinds, access, parameters, content types


def test_unknown_kind_is_404_and_get_is_405(stack, unchanged):
    with unchanged():
        for kind in ("contacts", "practice", "Practices", "keys", "units/1"):
            assert_problem(bulk(stack, kind, []), 404)
        r = stack.get("/v1/bulk/practices", role="editor")
        assert_problem(r, 405)
        assert "POST" in r.headers.get("allow", "")


def test_access_by_role(stack, unchanged):
    with unchanged():
        for kind in ("practices", "units", "categories"):
            assert_problem(bulk(stack, kind, [], JSON, role=None), 401)
            assert_problem(bulk(stack, kind, [], JSON, role="reader"), 403)
            assert_problem(bulk(stack, kind, [], JSON, key="Bearer bdp_" + "0" * 40), 401)
            for role in ("editor", "admin"):
                report(bulk(stack, kind, [], JSON, role=role))
        report(bulk(stack, "practices", [], JSON, role="partner"))
        for kind in ("units", "categories"):
            assert_problem(bulk(stack, kind, [], JSON, role="partner"), 403)


def test_partner_units_and_categories_write_nothing(stack, unchanged):
    m = marker()
    with unchanged():
        r = bulk(stack, "units", [{"name": f"Związek {m}", "type": "zwiazek_jst"}], role="partner")
        assert_problem(r, 403)
        r = bulk(stack, "categories", [{"name": f"Kategoria {m}"}], role="partner")
        assert_problem(r, 403)


BAD_QUERIES = [
    ("mode=all", "mode"),
    ("mode=", "mode"),
    ("mode=ATOMIC", "mode"),
    ("dry_run=yes", "dry_run"),
    ("dry_run=1", "dry_run"),
    ("dry_run=", "dry_run"),
    ("dryrun=true", "dryrun"),
    ("limit=5", "limit"),
    ("mode=partial&source=x", "source"),
]


def labelled(label, check, *args, **kw):
    """check(*args, **kw), its failure prefixed with label."""
    try:
        return check(*args, **kw)
    except AssertionError as e:
        raise AssertionError(f"{label}: {e}") from None


def test_bad_query_is_400_naming_it(stack, unit, unchanged):
    body = nd([{"title": "Nie zapisze się", "unit_id": unit["id"]}])
    with unchanged():
        for query, field in BAD_QUERIES:
            r = stack.post(f"/v1/bulk/practices?{query}", body=body, role="editor", content_type=NDJSON)
            labelled(query, assert_problem, r, 400, fields=[field])


def test_mode_and_dry_run_values_accepted(stack):
    for q in ({"mode": "atomic"}, {"mode": "partial"}, {"dry_run": "true"}, {"dry_run": "false"},
              {"mode": "partial", "dry_run": "true"}):
        body = report(bulk(stack, "practices", [], JSON, query=q), dry_run=q.get("dry_run") == "true")
        assert body["errors"] == []


def test_other_content_types_are_415(stack, unit, unchanged):
    body = nd([{"title": "Nie zapisze się", "unit_id": unit["id"]}])
    with unchanged():
        for ctype in ["text/plain", "application/xml", "application/merge-patch+json",
                      "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/csvx",
                      "application/jsonl", "json", "", None]:
            for kind in ("practices", "units"):
                r = stack.post(f"/v1/bulk/{kind}", body=body, role="editor", content_type=ctype)
                labelled(f"{kind} {ctype!r}", assert_problem, r, 415)


def test_content_type_parameters_and_case(stack, unit):
    src = marker()
    rec = {"title": "Typ treści", "unit_id": unit["id"], "source": src}
    report(bulk(stack, "practices", nd([dict(rec, external_id="1")]), "application/x-ndjson; charset=utf-8"),
           created=1)
    report(bulk(stack, "practices", [dict(rec, external_id="2")], "Application/JSON"), created=1)
    csv = f"title,unit_id,source,external_id\r\nTyp treści,{unit['id']},{src},3\r\n".encode()
    report(bulk(stack, "practices", csv, "text/csv; charset=utf-8; header=present"), created=1)
    assert sorted(p["external_id"] for p in by_source(stack, src)) == ["1", "2", "3"]


# --------------------------------------------------------------------------
# practices: NDJSON, the ways of naming a unit and categories, contacts


def test_ndjson_practices_every_way_of_naming_references(stack, api, unit):
    src = marker()
    other = api.make_unit(voivodeship="pomorskie")
    by_name = api.make_unit(teryt=None, type="zwiazek_jst", voivodeship="śląskie", name=f"Związek {src}")
    kult = cat_by_path(stack, "Usługi społeczne", "Kultura")
    pomoc = cat_by_path(stack, "Usługi społeczne", "Pomoc społeczna")
    dialog = cat_by_path(stack, "Dialog społeczny")
    rozwoj = cat_by_path(stack, "Rozwój instytucjonalny")
    new_unit = {"type": "gmina_wiejska", "name": f"Nowa Wieś {src}", "voivodeship": "lubuskie",
                "county": "krośnieński", "population": 4321, "population_year": 2021}
    t = gmina_teryt(3, "06")
    new_teryt_unit = {"type": "gmina_miejsko_wiejska", "teryt": t, "name": f"Miasteczko {src}",
                      "voivodeship": "lubelskie"}
    recs = [
        {"source": src, "external_id": "by-id", "title": f"Po id {src}", "status": "published",
         "unit_id": unit["id"], "category_ids": [kult["id"], dialog["id"]],
         "participant_unit_ids": [other["id"]], "summary": "Skrót.\n\nDrugi akapit.",
         "sections": [{"heading": "Cele", "body": "Cel pierwszy."}],
         "implementer": {"name": "Urząd", "phones": ["1 2 3"], "email": "urzad@example.pl"},
         "partners": ["Fundacja „Jakaś”"], "keywords": ["jeden", "dwa"],
         "attachments": [{"title": "Plik", "url": "https://example.pl/a.pdf"}],
         "entered_on": "2009-03-04", "revised_on": "2010-05-06",
         "contacts": [{"name": "Iwona Niemasz", "role": "Dyrektor", "phones": ["59 814 59 59"],
                       "email": "iwona@example.pl"},
                      {"name": "Jan Ukryty", "public": False}]},
        {"source": src, "external_id": "by-teryt", "title": f"Po TERYT {src}",
         "unit_teryt": other["teryt"], "category_slugs": [pomoc["slug"], rozwoj["slug"]]},
        {"source": src, "external_id": "inline-new", "title": f"Nowa jednostka {src}", "unit": new_unit,
         "category_path": ["Usługi społeczne", "Pomoc społeczna"]},
        {"source": src, "external_id": "inline-again", "title": f"Ta sama nowa {src}", "unit": new_unit,
         "category_path": ["Rozwój instytucjonalny"]},
        {"source": src, "external_id": "inline-teryt-existing", "title": f"Inline z TERYT {src}",
         "unit": {"type": unit["type"], "teryt": unit["teryt"], "name": unit["name"],
                  "voivodeship": unit["voivodeship"]}},
        {"source": src, "external_id": "inline-teryt-new", "title": f"Inline nowy TERYT {src}",
         "unit": new_teryt_unit},
        {"source": src, "external_id": "inline-by-name", "title": f"Inline po nazwie {src}",
         "unit": {"type": "zwiazek_jst", "name": by_name["name"], "voivodeship": "śląskie"}},
    ]
    units_before = stack.get("/v1/units?limit=1", role="reader").json["total"]
    report(bulk(stack, "practices", recs), created=len(recs))
    units_after = stack.get("/v1/units?limit=1", role="reader").json["total"]
    assert units_after == units_before + 2, "exactly the two new inline units are created"

    p = one(stack, src, "by-id")
    assert p["title"] == f"Po id {src}" and p["status"] == "published"
    assert p["unit_id"] == unit["id"] and p["unit"]["teryt"] == unit["teryt"]
    assert p["category_ids"] == [kult["id"], dialog["id"]]
    assert [c["path"] for c in p["categories"]] == [["Usługi społeczne", "Kultura"], ["Dialog społeczny"]]
    assert p["participant_unit_ids"] == [other["id"]]
    assert p["summary"] == "Skrót.\n\nDrugi akapit."
    assert p["sections"] == [{"heading": "Cele", "body": "Cel pierwszy."}]
    assert p["implementer"]["name"] == "Urząd" and p["implementer"]["phones"] == ["1 2 3"]
    assert p["implementer"]["email"] == "urzad@example.pl"
    assert p["partners"] == ["Fundacja „Jakaś”"] and p["keywords"] == ["jeden", "dwa"]
    assert p["attachments"][0]["title"] == "Plik" and p["attachments"][0]["url"] == "https://example.pl/a.pdf"
    assert (p["entered_on"], p["revised_on"]) == ("2009-03-04", "2010-05-06")
    assert (p["source"], p["external_id"]) == (src, "by-id")
    assert [(c["name"], c["role"], c["phones"], c["email"], c["public"]) for c in p["contacts"]] == [
        ("Iwona Niemasz", "Dyrektor", ["59 814 59 59"], "iwona@example.pl", True),
        ("Jan Ukryty", None, [], None, False)]
    r = stack.get(f"/v1/practices/{p['id']}/contacts", role="reader")
    assert r.status == 200 and len(r.json["items"]) == 2, r
    anon = stack.get(f"/v1/practices/{p['id']}")
    assert anon.status == 200, anon
    assert [c["name"] for c in anon.json["contacts"]] == ["Iwona Niemasz"], "a non-public contact shown to anonymous"

    p = one(stack, src, "by-teryt")
    assert p["unit_id"] == other["id"]
    assert p["category_ids"] == [pomoc["id"], rozwoj["id"]]
    assert p["status"] == "draft", "status defaults to draft as in POST /v1/practices"
    assert p["contacts"] == [] and p["summary"] == "" and p["revised_on"] is None

    a, b = one(stack, src, "inline-new"), one(stack, src, "inline-again")
    assert a["unit_id"] == b["unit_id"], "one inline unit named twice became two units"
    u = stack.get(f"/v1/units/{a['unit_id']}", role="reader").json
    assert {k: u[k] for k in new_unit} == new_unit and u["teryt"] is None
    assert a["category_ids"] == [pomoc["id"]] and b["category_ids"] == [rozwoj["id"]]

    assert one(stack, src, "inline-teryt-existing")["unit_id"] == unit["id"]
    c = one(stack, src, "inline-teryt-new")
    assert c["unit"]["teryt"] == t and c["unit"]["type"] == "gmina_miejsko_wiejska"
    assert c["unit"]["name"] == new_teryt_unit["name"]
    assert one(stack, src, "inline-by-name")["unit_id"] == by_name["id"]

    # the same upload again: every record unchanged, no unit created
    report(bulk(stack, "practices", recs), unchanged=len(recs))
    assert stack.get("/v1/units?limit=1", role="reader").json["total"] == units_after


def test_created_practice_is_version_1_like_post(stack, unit):
    """A practice a bulk upload creates is at version 1 and in the change
    feed once, contacts or not, as one created by POST /v1/practices."""
    src = marker()
    posted = stack.post("/v1/practices", {"title": "Przez POST", "unit_id": unit["id"],
                                          "contacts": [{"name": "Ala Kot"}]}, role="editor")
    assert posted.status == 201 and posted.json["version"] == 1, posted
    after = feed_end(stack)
    report(bulk(stack, "practices", [
        {"source": src, "external_id": "plain", "title": "Bez kontaktów", "unit_id": unit["id"]},
        {"source": src, "external_id": "with", "title": "Z kontaktem", "unit_id": unit["id"],
         "contacts": [{"name": "Ala Kot"}, {"name": "Ola Kot"}]},
    ]), created=2)
    plain, withc = one(stack, src, "plain"), one(stack, src, "with")
    assert plain["version"] == 1, plain
    entries = feed_since(stack, after)
    practice_entries = [(e["id"], e["version"]) for e in entries if e["resource"] == "practice"]
    assert practice_entries.count((plain["id"], 1)) == 1, practice_entries
    assert withc["version"] == 1, (
        f"bulk-created practice with 2 inline contacts is at version {withc['version']}, "
        f"POST /v1/practices with contacts gives 1")
    assert [p for p in practice_entries if p[0] == withc["id"]] == [(withc["id"], 1)], (
        f"feed entries of the created practice: {practice_entries}")


def test_reupload_is_unchanged_no_version_no_feed(stack, unit):
    src = marker()
    pomoc = cat_by_path(stack, "Usługi społeczne", "Pomoc społeczna")
    recs = [
        {"source": src, "external_id": "a", "title": f"Stała {src}", "status": "published",
         "unit_id": unit["id"], "category_slugs": [pomoc["slug"]], "keywords": ["k"],
         "implementer": {"name": "Urząd"}, "entered_on": "2011-01-02",
         "contacts": [{"name": "Jan Stały", "phones": ["1"], "email": "jan@example.pl"}]},
        {"source": src, "external_id": "b", "title": f"Stała druga {src}", "unit_teryt": unit["teryt"],
         "category_path": ["Dialog społeczny"]},
        {"source": src, "external_id": "c", "title": f"Bez daty {src}", "unit_id": unit["id"]},
    ]
    report(bulk(stack, "practices", recs), created=3)
    before = {p["external_id"]: (p["id"], p["version"], p["updated_at"]) for p in by_source(stack, src)}
    contacts_before = one(stack, src, "a")["contacts"]
    cursor = feed_end(stack)
    report(bulk(stack, "practices", recs), unchanged=3)
    report(bulk(stack, "practices", list(reversed(recs)), JSON), unchanged=3)
    after = {p["external_id"]: (p["id"], p["version"], p["updated_at"]) for p in by_source(stack, src)}
    assert after == before, "an unchanged record was written"
    assert one(stack, src, "a")["contacts"] == contacts_before
    entries = feed_since(stack, cursor)
    assert entries == [], f"unchanged uploads wrote to the change feed: {entries}"


def test_changed_content_is_updated_version_plus_one(stack, unit, api):
    src = marker()
    base = {"source": src, "title": f"Przed {src}", "unit_id": unit["id"], "status": "draft",
            "category_path": ["Dialog społeczny"], "keywords": ["a"], "summary": "S"}
    recs = {k: dict(base, external_id=k) for k in ("title", "cats", "unit", "kw", "status", "date", "same")}
    report(bulk(stack, "practices", list(recs.values())), created=len(recs))
    v0 = {p["external_id"]: p for p in by_source(stack, src)}
    other = api.make_unit()
    recs["title"]["title"] = f"Po {src}"
    recs["cats"]["category_path"] = ["Usługi społeczne", "Oświata"]
    recs["unit"]["unit_id"] = other["id"]
    recs["kw"]["keywords"] = ["a", "b"]
    recs["status"]["status"] = "published"
    recs["date"]["revised_on"] = "2020-02-02"
    cursor = feed_end(stack)
    report(bulk(stack, "practices", list(recs.values())), updated=6, unchanged=1)
    for ext, old in v0.items():
        p = one(stack, src, ext)
        assert p["id"] == old["id"], ext
        want = old["version"] + (ext != "same")
        assert p["version"] == want, f"{ext}: version {old['version']} -> {p['version']}, expected {want}"
    assert one(stack, src, "title")["title"] == f"Po {src}"
    oswiata = cat_by_path(stack, "Usługi społeczne", "Oświata")
    assert one(stack, src, "cats")["category_ids"] == [oswiata["id"]]
    assert one(stack, src, "unit")["unit_id"] == other["id"]
    assert one(stack, src, "kw")["keywords"] == ["a", "b"]
    assert one(stack, src, "status")["status"] == "published"
    assert one(stack, src, "date")["revised_on"] == "2020-02-02"
    entries = feed_since(stack, cursor)
    ids = {p["id"]: ext for ext, p in v0.items()}
    got = sorted((ids[e["id"]], e["version"]) for e in entries if e["resource"] == "practice" and e["id"] in ids)
    assert got == sorted((ext, p["version"] + 1) for ext, p in v0.items() if ext != "same"), got


def test_changed_contacts_are_updated_version_plus_one(stack, unit):
    src = marker()
    rec = {"source": src, "external_id": "k", "title": f"Kontakty {src}", "unit_id": unit["id"],
           "contacts": [{"name": "Jan Pierwszy", "phones": ["1"]}]}
    report(bulk(stack, "practices", [rec]), created=1)
    v1 = one(stack, src, "k")["version"]
    rec["contacts"] = [{"name": "Jan Pierwszy", "phones": ["2"]}, {"name": "Ewa Druga"}]
    report(bulk(stack, "practices", [rec]), updated=1)
    p = one(stack, src, "k")
    assert [(c["name"], c["phones"]) for c in p["contacts"]] == [("Jan Pierwszy", ["2"]), ("Ewa Druga", [])]
    assert p["version"] == v1 + 1, (
        f"contacts changed by a bulk upload: version {v1} -> {p['version']}, expected {v1 + 1}")
    report(bulk(stack, "practices", [rec]), unchanged=1)
    assert one(stack, src, "k")["version"] == p["version"]


def test_contacts_keep_their_ids_in_their_places(stack, unit):
    """An update replaces contacts by place: the n-th contact stays the same
    contact (same id; a new version only when it changed), extra ones are
    added after, missing ones removed."""
    src = marker()
    rec = {"source": src, "external_id": "k", "title": f"Miejsca {src}", "unit_id": unit["id"],
           "contacts": [{"name": "Adam", "phones": ["1"]}, {"name": "Beata"}]}
    report(bulk(stack, "practices", [rec]), created=1)
    pid = one(stack, src, "k")["id"]

    def contacts():
        r = stack.get(f"/v1/practices/{pid}/contacts", role="reader")
        assert r.status == 200, r
        return [(c["id"], c["name"], c["phones"], c["version"]) for c in r.json["items"]]

    (a, _, _, _), (b, _, _, _) = before = contacts()
    rec["contacts"] = [{"name": "Adam", "phones": ["2"]}, {"name": "Beata"}, {"name": "Cezary"}]
    cursor = feed_end(stack)
    report(bulk(stack, "practices", [rec]), updated=1)
    got = contacts()
    assert got[:2] == [(a, "Adam", ["2"], 2), (b, "Beata", [], 1)], (before, got)
    assert got[2][1:] == ("Cezary", [], 1) and got[2][0] > b, got
    c = got[2][0]
    changed = sorted((e["resource"], e["id"]) for e in feed_since(stack, cursor))
    assert changed == sorted([("contact", a), ("contact", c), ("practice", pid)]), changed
    rec["contacts"] = [{"name": "Adam", "phones": ["2"]}]
    report(bulk(stack, "practices", [rec]), updated=1)
    assert contacts() == [(a, "Adam", ["2"], 2)]
    report(bulk(stack, "practices", [rec]), unchanged=1)
    rec["contacts"] = []
    report(bulk(stack, "practices", [rec]), updated=1)
    assert contacts() == []


def test_records_without_source_or_external_id_are_always_created(stack, unit):
    m = marker()
    recs = [{"title": f"Bez klucza {m}", "unit_id": unit["id"]},
            {"title": f"Bez klucza {m}", "unit_id": unit["id"], "source": m}]
    report(bulk(stack, "practices", recs), created=2)
    report(bulk(stack, "practices", recs), created=2)
    assert len(by_source(stack, m)) == 2


def test_same_key_twice_in_one_upload_the_later_fails(stack, unit):
    src = marker()
    u = unit["id"]
    recs = [
        {"source": src, "external_id": "x", "title": "Pierwszy", "unit_id": u},
        {"source": src, "external_id": "y", "title": "Inny", "unit_id": u},
        {"source": src, "external_id": "x", "title": "Drugi", "unit_id": u},
        {"source": src + "-b", "external_id": "x", "title": "Inne źródło", "unit_id": u},
    ]
    refusal(bulk(stack, "practices", recs), 422, failed=1, received=4)
    body = report(bulk(stack, "practices", recs, query={"mode": "partial"}), created=3, failed=1)
    expect_errors(body, {3: "external_id"})
    assert one(stack, src, "x")["title"] == "Pierwszy"
    assert one(stack, src + "-b", "x")["title"] == "Inne źródło"


def test_same_key_twice_far_apart_in_one_upload_the_later_fails(stack, unit):
    """The rule holds however far apart the two records are (here 700
    lines: more than the server writes in one statement)."""
    src = marker()
    recs = [{"source": src, "external_id": f"r{i}", "title": f"Rekord {i}", "unit_id": unit["id"]}
            for i in range(1, 701)]
    recs[699] = {"source": src, "external_id": "r1", "title": "Powtórka", "unit_id": unit["id"]}
    body = report(bulk(stack, "practices", recs, query={"mode": "partial", "dry_run": "true"}),
                  created=699, failed=1, dry_run=True)
    expect_errors(body, {700: "external_id"})


def test_malformed_lines_are_errors_of_their_line(stack, unit):
    src = marker()
    u = unit["id"]
    ok = lambda ext: json.dumps({"source": src, "external_id": ext, "title": f"Dobry {ext}", "unit_id": u})
    lines = [
        ok("1"),                                       # 1
        "",                                            # 2 blank: skipped
        "   ",                                         # 3 blank: skipped
        "{not json",                                   # 4
        "[1, 2]",                                      # 5
        "42",                                          # 6
        '"napis"',                                     # 7
        "null",                                        # 8
        ok("9") + "\r",                                # 9 CRLF
        json.dumps({"title": "x", "unit_id": u, "bogus": 1}),                    # 10
        json.dumps({"title": 5, "unit_id": u, "status": "zły", "entered_on": "2020-13-01"}),  # 11
        json.dumps({"title": "x", "unit": {"type": "wioska", "name": "N"}}),    # 12
        '{"title": "a", "title": "b", "unit_id": %d}' % u,                       # 13 duplicate key
        json.dumps({"title": "x", "unit_id": "7"}),                             # 14
        json.dumps({"title": "", "unit_id": u}),                                # 15
        json.dumps({"title": "x", "unit_id": u, "keywords": "a"}),              # 16
        json.dumps({"title": "x", "unit_id": u, "revised_on": "wczoraj"}),      # 17
        json.dumps({"title": "x", "unit_id": u, "contacts": [{"role": "bez nazwiska"}]}),  # 18
        json.dumps({"title": "x", "unit_id": u, "sections": [{"heading": "h"}]}),  # 19
        ok("20"),                                      # 20, no newline at the end
    ]
    body_bytes = "\n".join(lines).encode()
    with Unchanged(stack):
        r = bulk(stack, "practices", body_bytes)
        p = refusal(r, 422, failed=15, received=18)
    assert by_source(stack, src) == []
    body = report(bulk(stack, "practices", body_bytes, query={"mode": "partial"}), created=3, failed=15)
    expect_errors(body, {
        4: None, 5: None, 6: None, 7: None, 8: None,
        10: "bogus", 11: ["title", "status", "entered_on"], 12: "unit.type", 13: None,
        14: "unit_id", 15: "title", 16: "keywords", 17: "revised_on", 18: "contacts", 19: "sections",
    })
    assert lines_of(p) == lines_of(body)
    assert sorted(x["external_id"] for x in by_source(stack, src)) == ["1", "20", "9"]


def test_reference_errors_name_their_field(stack, unit, api):
    src = marker()
    u = unit["id"]
    lines = [
        {"title": "a", "unit_teryt": "2299999"},                                 # 1
        {"title": "a", "unit_id": 2_000_000_000},                                # 2
        {"title": "a"},                                                          # 3
        {"title": "a", "unit_id": u, "unit_teryt": unit["teryt"]},              # 4
        {"title": "a", "unit_id": u, "unit": {"type": "zwiazek_jst", "name": "Z"}},  # 5
        {"title": "a", "unit_id": u, "category_slugs": ["nie-ma-takiej-kategorii"]},  # 6
        {"title": "a", "unit_id": u, "category_slugs": ["dialog-spoleczny", "nie-ma"]},  # 7
        {"title": "a", "unit_id": u, "category_path": ["Nie ma takiego obszaru"]},  # 8
        {"title": "a", "unit_id": u, "category_path": ["Dialog społeczny", "Pomoc społeczna"]},  # 9
        {"title": "a", "unit_id": u, "category_path": ["Pomoc społeczna"]},     # 10: a sub-area alone
        {"title": "a", "unit_id": u, "category_path": ["Usługi społeczne", "Kultura", "Teatr"]},  # 11
        {"title": "a", "unit_id": u, "category_path": []},                       # 12
        {"title": "a", "unit_id": u, "category_ids": [2_000_000_000]},           # 13
        {"title": "a", "unit_id": u, "category_ids": [1], "category_slugs": ["dialog-spoleczny"]},  # 14
        {"title": "a", "unit_id": u, "participant_unit_ids": [2_000_000_000]},  # 15
        {"title": "a", "unit_id": u, "external_id": "bez-zrodla"},               # 16
        {"title": "a", "unit": {"type": "gmina_miejska", "teryt": "2201012", "name": "Zły rodzaj",
                                "voivodeship": "pomorskie"}},                     # 17
        {"title": "a", "unit_teryt": "22a"},                                     # 18
        {"title": "a", "unit_id": u, "participant_unit_ids": [u]},               # 19
        {"title": "a", "unit": {"name": "Bez typu"}},                            # 20
        {"source": src, "external_id": "dobry", "title": "a", "unit_id": u},    # 21
    ]
    with Unchanged(stack):
        refusal(bulk(stack, "practices", lines), 422, failed=20, received=21)
    body = report(bulk(stack, "practices", lines, query={"mode": "partial"}), created=1, failed=20)
    expect_errors(body, {
        1: "unit_teryt", 2: "unit_id", 3: "unit_id", 4: "unit_id", 5: "unit_id",
        6: "category_slugs", 7: "category_slugs", 8: "category_path", 9: "category_path",
        10: "category_path", 11: "category_path", 12: "category_path", 13: "category_ids",
        14: "category_ids", 15: "participant_unit_ids", 16: "external_id", 17: "unit",
        18: "unit_teryt", 19: "participant_unit_ids", 20: "unit.type",
    })
    assert [p["external_id"] for p in by_source(stack, src)] == ["dobry"]


def test_inline_unit_follows_the_unit_rules(stack, unchanged):
    """An inline unit without TERYT is still a unit: a gmina needs its
    voivodeship, as in POST /v1/units."""
    m = marker()
    unit = {"type": "gmina_miejska", "name": f"Bez województwa {m}"}
    r = stack.post("/v1/units", unit, role="editor")
    assert_problem(r, 422, fields=["voivodeship"])
    recs = [{"title": "Jednostka bez województwa", "unit": unit},
            {"title": "Ujemna ludność", "unit": {"type": "zwiazek_jst", "name": f"Z {m}", "population": -1}}]
    with unchanged():
        p = refusal(bulk(stack, "practices", recs, query={"dry_run": "true"}), 422, failed=2, received=2,
                    dry_run=True)
    expect_errors(p, {1: "unit", 2: "unit"})


def test_a_body_cut_short_writes_nothing(stack, unit, unchanged):
    """A client that declares more than it sends and stops: 400, and
    nothing of what did arrive is written, in partial mode too."""
    src = marker()
    body = nd([{"source": src, "external_id": str(i), "title": f"Urwany {i}", "unit_id": unit["id"]}
               for i in range(20)])
    head = (f"POST /v1/bulk/practices?mode=partial HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: Bearer {stack.keys['editor']}\r\nContent-Type: {NDJSON}\r\n"
            f"Content-Length: {len(body) + 500}\r\nConnection: close\r\n\r\n").encode()
    with unchanged():
        s = socket.create_connection(("127.0.0.1", stack.port), timeout=15)
        try:
            s.sendall(head + body)
            s.shutdown(socket.SHUT_WR)
            status, headers, data = read_http_response(s)
        except (ConnectionError, AssertionError):
            status = None  # the server may close without an answer: fine, if nothing is written
        finally:
            s.close()
        assert status in (None, 400), (status, data)
    assert by_source(stack, src) == []


def test_a_record_the_database_refuses_names_its_field(stack, unit):
    """category_slugs naming one category twice: the record fails naming
    category_slugs (as category_ids with a repeated id does), and in
    partial mode the records around it are written."""
    src = marker()
    recs = [
        {"source": src, "external_id": "1", "title": "Przed", "unit_id": unit["id"]},
        {"source": src, "external_id": "2", "title": "Powtórzona kategoria", "unit_id": unit["id"],
         "category_slugs": ["dialog-spoleczny", "dialog-spoleczny"]},
        {"source": src, "external_id": "3", "title": "Po", "unit_id": unit["id"]},
    ]
    body = report(bulk(stack, "practices", recs, query={"mode": "partial"}), created=2, failed=1)
    assert sorted(p["external_id"] for p in by_source(stack, src)) == ["1", "3"]
    expect_errors(body, {2: "category_slugs"})


def test_atomic_any_error_writes_nothing(stack, unit, unchanged):
    src = marker()
    recs = [{"source": src, "external_id": str(i), "title": f"Atomowy {i} {src}", "unit_id": unit["id"],
             "status": "published", "contacts": [{"name": "Jan Atom"}]} for i in range(5)]
    recs.append({"source": src, "external_id": "zly", "title": "Zły", "unit_teryt": "2299998"})
    with unchanged():
        p = refusal(bulk(stack, "practices", recs), 422, failed=1, received=6)
        expect_errors(p, {6: "unit_teryt"})
        p = refusal(bulk(stack, "practices", recs, query={"mode": "atomic"}), 422, failed=1, received=6)
        p = refusal(bulk(stack, "practices", recs, JSON), 422, failed=1, received=6)
        expect_errors(p, {6: "unit_teryt"})
    assert by_source(stack, src) == []
    r = stack.get("/v1/practices?" + urllib.parse.urlencode({"q": src}))
    assert r.status == 200 and r.json["total"] == 0, r


def test_atomic_error_after_many_records_writes_nothing(stack, unit, unchanged):
    """An upload larger than BDP_MAX_BODY_BYTES (bulk has its own limit)
    and than one write batch: all of it goes in; with one bad record at the
    end, none of it does."""
    src = marker()
    pad = "x" * 60
    recs = [{"source": src, "external_id": f"e{i}", "title": f"Duży {i} {pad}", "unit_id": unit["id"]}
            for i in range(1200)]
    good = nd(recs)
    assert len(good) > 65536
    bad = nd(recs + [{"source": src, "external_id": "zly", "title": "Zły", "unit_id": 2_000_000_000}])
    with unchanged():
        refusal(bulk(stack, "practices", bad), 422, failed=1, received=1201)
    assert by_source(stack, src) == []
    report(bulk(stack, "practices", good), created=1200)
    r = stack.get("/v1/practices?" + urllib.parse.urlencode({"source": src, "limit": 1}), role="editor")
    assert r.json["total"] == 1200, r
    report(bulk(stack, "practices", good), unchanged=1200)


def test_errors_are_listed_in_line_order_across_batches(stack, unit):
    """The database's errors of one batch arrive after the checks of the
    next batch (bdp reads ahead while PostgreSQL writes): the report still
    lists the errors by line."""
    src = marker()
    recs = [{"source": src, "external_id": f"o{i}", "title": f"Kolejność {i}", "unit_id": unit["id"]}
            for i in range(1100)]
    recs[9]["unit_teryt"] = "2299999"  # line 10: found wrong by the database
    del recs[9]["unit_id"]
    recs[549]["title"] = 5  # line 550: found wrong by the check, in the next batch
    recs[1049]["unit_id"] = 2_000_000_000  # line 1050: the database, in the last batch
    recs[1099]["status"] = "nie"  # line 1100: the check
    body = report(bulk(stack, "practices", recs, query={"mode": "partial"}), created=1096, failed=4)
    assert [e["line"] for e in body["errors"]] == [10, 550, 1050, 1100], body["errors"]
    assert [e["field"] for e in body["errors"]] == ["unit_teryt", "title", "unit_id", "status"], body["errors"]


def test_dry_run_reports_and_writes_nothing(stack, unit, unchanged):
    src = marker()
    u = unit["id"]
    existing = [{"source": src, "external_id": "same", "title": "Bez zmian", "unit_id": u},
                {"source": src, "external_id": "chg", "title": "Przed zmianą", "unit_id": u}]
    report(bulk(stack, "practices", existing), created=2)
    before = {p["external_id"]: (p["version"], p["title"]) for p in by_source(stack, src)}
    recs = [existing[0], dict(existing[1], title="Po zmianie"),
            {"source": src, "external_id": "new", "title": "Nowy", "unit_id": u,
             "contacts": [{"name": "Jan Suchy"}]},
            {"source": src, "external_id": "new-unit", "title": "Nowa jednostka",
             "unit": {"type": "zwiazek_jst", "name": f"Związek {src}"}},
            {"title": "Zły", "unit_id": u, "status": "nieznany"}]
    with unchanged():
        body = report(bulk(stack, "practices", recs, query={"mode": "partial", "dry_run": "true"}),
                      created=2, updated=1, unchanged=1, failed=1, dry_run=True)
        expect_errors(body, {5: "status"})
        refusal(bulk(stack, "practices", recs, query={"dry_run": "true"}), 422, failed=1, received=5,
                dry_run=True)
        report(bulk(stack, "practices", recs[:4], query={"dry_run": "true"}), created=2, updated=1,
               unchanged=1, dry_run=True)
        report(bulk(stack, "categories", [{"name": f"Sucha {src}"}], query={"dry_run": "true"}),
               created=1, dry_run=True)
        report(bulk(stack, "units", [{"name": f"Suchy {src}", "type": "zwiazek_jst"}],
                    query={"dry_run": "true"}), created=1, dry_run=True)
    after = {p["external_id"]: (p["version"], p["title"]) for p in by_source(stack, src)}
    assert after == before
    assert stack.get("/v1/units?" + urllib.parse.urlencode({"q": f"Związek {src}"}),
                     role="reader").json["total"] == 0
    # dry_run=false writes
    report(bulk(stack, "practices", recs[:4], query={"dry_run": "false"}), created=2, updated=1, unchanged=1)
    assert one(stack, src, "chg")["title"] == "Po zmianie"


# --------------------------------------------------------------------------
# JSON arrays


def test_json_array_lines_are_positions(stack, unit):
    src = marker()
    u = unit["id"]
    items = [
        {"source": src, "external_id": "1", "title": "Pierwszy", "unit_id": u},
        {"title": "Bez jednostki"},
        7,
        {"source": src, "external_id": "4", "title": "Czwarty", "unit_id": u, "status": "published"},
        {"title": "x", "unit_id": u, "entered_on": "2020-02-30"},
        [],
        {"source": src, "external_id": "7", "title": "Siódmy, z ] i } w tekście \" \\", "unit_id": u},
    ]
    # pretty-printed: the lines of the body are not the positions
    text = json.dumps(items, ensure_ascii=False, indent=2).encode()
    with Unchanged(stack):
        refusal(bulk(stack, "practices", text, JSON), 422, failed=4, received=7)
    body = report(bulk(stack, "practices", text, JSON, query={"mode": "partial"}), created=3, failed=4)
    expect_errors(body, {2: "unit_id", 3: None, 5: "entered_on", 6: None})
    assert one(stack, src, "7")["title"] == "Siódmy, z ] i } w tekście \" \\"
    assert sorted(p["external_id"] for p in by_source(stack, src)) == ["1", "4", "7"]


NOT_ARRAYS = [
    b'{"title": "obiekt, nie tablica", "unit_id": 1}',
    b'[{"title": "urwana", "unit_id": 1}',
    b'[{"title": "urwana", "unit_id": 1},',
    b'[{"title": "urwany', b"",
    b"   \n",
    b'[{"title": "a", "unit_id": 1}] [1]',
    b'[{"title": "a", "unit_id": 1}] x',
    b'[{"title": "a", "unit_id": 1},,{"title": "b", "unit_id": 1}]',
    b"[,]",
    b"nie json",
    b"\"napis\"",
]


def test_json_body_that_is_not_an_array_is_400(stack, unchanged):
    with unchanged():
        for text in NOT_ARRAYS:
            for kind in ("practices", "categories"):
                labelled(f"{kind} {text!r}", assert_problem, bulk(stack, kind, text, JSON), 400)


def test_empty_arrays_and_bodies(stack):
    report(bulk(stack, "practices", b"[]", JSON))
    report(bulk(stack, "practices", b" [ \n ] \n", JSON))
    report(bulk(stack, "practices", b"", NDJSON))
    report(bulk(stack, "practices", b"\n\n  \n", NDJSON))
    report(bulk(stack, "units", b"[]", JSON))
    report(bulk(stack, "categories", b"", NDJSON))


# --------------------------------------------------------------------------
# CSV


def test_csv_practices_quoting_lists_and_lines(stack, unit):
    src = marker()
    u = unit["id"]
    pomoc = cat_by_path(stack, "Usługi społeczne", "Pomoc społeczna")
    dialog = cat_by_path(stack, "Dialog społeczny")
    rows = [
        "title,status,unit_teryt,category_slugs,keywords,partners,summary,entered_on,revised_on,source,external_id",
        f'"Tytuł, z przecinkiem i ""cudzysłowem""",published,{unit["teryt"]},'
        f'{pomoc["slug"]}|{dialog["slug"]}, jeden | dwa ,"Fundacja A|Stowarzyszenie ""B""",'
        f'"Pierwszy akapit, z przecinkiem.\n\nDrugi akapit.",2008-01-07,2011-02-26,{src},q1',  # lines 2-4
        f"Zły status,nieznany,{unit['teryt']},,,,,,,{src},q2",                              # line 5
        f"Prosty,draft,{unit['teryt']},,,,,,,{src},q3",                                     # line 6
        "Za mało pól,draft",                                                                # line 7
        f"Zła data,draft,{unit['teryt']},,,,,2008-02-30,,{src},q4",                         # line 8
        f"Brak TERYT,draft,2299997,,,,,,,{src},q5",                                         # line 9
        f"Nieznana kategoria,draft,{unit['teryt']},nie-ma-jej,,,,,,{src},q6",              # line 10
    ]
    text = ("\r\n".join(rows) + "\r\n").encode()
    with Unchanged(stack):
        refusal(bulk(stack, "practices", text, CSV), 422, failed=5, received=7)
    body = report(bulk(stack, "practices", text, CSV, query={"mode": "partial"}), created=2, failed=5)
    expect_errors(body, {5: "status", 7: None, 8: "entered_on", 9: "unit_teryt", 10: "category_slugs"})
    p = one(stack, src, "q1")
    assert p["title"] == 'Tytuł, z przecinkiem i "cudzysłowem"'
    assert p["status"] == "published" and p["unit_id"] == u
    assert p["category_ids"] == [pomoc["id"], dialog["id"]]
    assert p["keywords"] == ["jeden", "dwa"]
    assert p["partners"] == ["Fundacja A", 'Stowarzyszenie "B"']
    assert p["summary"] == "Pierwszy akapit, z przecinkiem.\n\nDrugi akapit."
    assert (p["entered_on"], p["revised_on"]) == ("2008-01-07", "2011-02-26")
    q3 = one(stack, src, "q3")
    assert q3["keywords"] == [] and q3["category_ids"] == [] and q3["summary"] == ""
    report(bulk(stack, "practices", text, CSV, query={"mode": "partial"}), unchanged=2, failed=5)


def test_csv_every_column(stack, unit, api):
    src = marker()
    other = api.make_unit()
    kult = cat_by_path(stack, "Usługi społeczne", "Kultura")
    header = ("title,status,unit_id,category_ids,participant_unit_ids,summary,partners,keywords,"
              "entered_on,revised_on,source,external_id")
    text = (f"{header}\n"
            f"Wszystkie kolumny,archived,{unit['id']},{kult['id']}|1,{other['id']},S,P1|P2,k1,"
            f"2001-02-03,2004-05-06,{src},all\n"
            f"Po ścieżce,,,,,,,,,,{src},path\n")
    # the second record names no unit: an error; then with unit_teryt and category_path
    body = report(bulk(stack, "practices", text.encode(), CSV, query={"mode": "partial"}), created=1, failed=1)
    expect_errors(body, {3: "unit_id"})
    p = one(stack, src, "all")
    assert p["status"] == "archived" and p["unit_id"] == unit["id"]
    assert p["category_ids"] == [kult["id"], 1] and p["participant_unit_ids"] == [other["id"]]
    assert (p["summary"], p["partners"], p["keywords"]) == ("S", ["P1", "P2"], ["k1"])
    assert (p["entered_on"], p["revised_on"]) == ("2001-02-03", "2004-05-06")
    text2 = ("title,unit_teryt,category_path,source,external_id\n"
             f"Po ścieżce,{unit['teryt']},Usługi społeczne | Kultura,{src},path\n"
             f"Obszar,{unit['teryt']},Rozwój instytucjonalny,{src},area\n")
    report(bulk(stack, "practices", text2.encode(), CSV), created=2)
    assert one(stack, src, "path")["category_ids"] == [kult["id"]]
    assert one(stack, src, "area")["categories"][0]["path"] == ["Rozwój instytucjonalny"]


def test_csv_values_of_the_wrong_type(stack, unit):
    src = marker()
    text = ("title,unit_id,category_ids,participant_unit_ids,source,external_id\n"
            f"A,siedem,,,{src},1\n"
            f"B,{unit['id']},x|y,,{src},2\n"
            f"C,{unit['id']},,1|,{src},3\n"
            f"D,{unit['id']},,,{src},4\n"
            f"E,{unit['id']},,,{src},5,nadmiarowe\n")
    with Unchanged(stack):
        refusal(bulk(stack, "practices", text.encode(), CSV), 422, failed=4, received=5)
    body = report(bulk(stack, "practices", text.encode(), CSV, query={"mode": "partial"}), created=1, failed=4)
    expect_errors(body, {2: "unit_id", 3: "category_ids", 4: "participant_unit_ids", 6: None})


UNREADABLE_CSV = [
    "title,unit_id,bogus\nA,1,2\n",
    "id,title,unit_id\n1,A,1\n",
    "title,unit_name,unit_id\nA,Słupsk,1\n",
    "title,unit_id,version\nA,1,1\n",
    "title,title,unit_id\nA,B,1\n",
    "title,,unit_id\nA,,1\n",
    'title,unit_id\n"A, niezamknięty,1\n',
    "",
    "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n02;;;;DOLNOŚLĄSKIE;województwo;2024-01-01\n",
]


def test_csv_body_that_cannot_be_read_is_400(stack, unchanged):
    with unchanged():
        for text in UNREADABLE_CSV:
            labelled(repr(text), assert_problem, bulk(stack, "practices", text.encode(), CSV), 400)


def test_csv_export_columns_are_refused_not_ignored(stack, unit, unchanged):
    """The CSV export has columns bulk does not take: uploading it is 400."""
    src = marker()
    report(bulk(stack, "practices", [{"source": src, "external_id": "1", "title": "Eksport",
                                      "unit_id": unit["id"]}]), created=1)
    r = stack.get("/v1/practices?" + urllib.parse.urlencode({"source": src}), role="editor",
                  headers={"Accept": "text/csv"})
    assert r.status == 200 and b",unit_name," in r.body.split(b"\n")[0], r
    with unchanged():
        assert_problem(bulk(stack, "practices", r.body, CSV), 400)


# --------------------------------------------------------------------------
# units


def test_units_upsert_on_teryt_and_parent_links(stack):
    m = marker()
    pt = powiat_teryt("04")
    g1, g2 = pt + "011", pt + "022"
    recs = [
        {"teryt": pt, "name": f"powiat {m}", "type": "powiat_ziemski", "voivodeship": "kujawsko-pomorskie",
         "county": f"powiat {m}", "population": 5000, "population_year": 2020},
        {"teryt": g1, "name": f"Miasto {m}", "type": "gmina_miejska", "voivodeship": "kujawsko-pomorskie",
         "county": f"powiat {m}", "population": 1000, "parent_teryt": pt},          # the parent came first
        {"teryt": g2, "name": f"Wieś {m}", "type": "gmina_wiejska", "voivodeship": "kujawsko-pomorskie",
         "parent_teryt": pt},
        {"name": f"Związek {m}", "type": "zwiazek_jst"},
    ]
    report(bulk(stack, "units", recs), created=4)
    r = stack.get(f"/v1/units?teryt={pt}&limit=10", role="reader")
    got = {x["teryt"]: x for x in r.json["items"]}
    assert set(got) == {pt, g1, g2}, got
    assert got[g1]["parent_id"] == got[pt]["id"] and got[g2]["parent_id"] == got[pt]["id"]
    assert got[pt]["parent_id"] is None
    assert (got[g1]["name"], got[g1]["population"], got[g1]["county"]) == (f"Miasto {m}", 1000, f"powiat {m}")
    assert got[pt]["population_year"] == 2020
    report(bulk(stack, "units", recs), unchanged=4)
    report(bulk(stack, "units", recs, JSON), unchanged=4)
    zw = stack.get("/v1/units?" + urllib.parse.urlencode({"q": f"Związek {m}"}), role="reader").json
    assert zw["total"] == 1, "a unit without TERYT upserts on type, name and voivodeship"

    recs[1] = dict(recs[1], population=1100)
    cursor = feed_end(stack)
    report(bulk(stack, "units", recs), updated=1, unchanged=3)
    u = stack.get(f"/v1/units/{got[g1]['id']}", role="reader").json
    assert u["population"] == 1100 and u["version"] == got[g1]["version"] + 1
    assert u["parent_id"] == got[pt]["id"]
    entries = feed_since(stack, cursor)
    assert [(e["resource"], e["id"], e["version"]) for e in entries] == [("unit", u["id"], u["version"])]


def test_units_created_with_a_parent_are_written_once(stack):
    """A unit given its parent is one write: version 1 and one feed entry
    when created, version + 1 and one entry when updated."""
    m = marker()
    pt = powiat_teryt("04")
    recs = [{"teryt": pt, "name": f"powiat {m}", "type": "powiat_ziemski", "voivodeship": "kujawsko-pomorskie"},
            {"teryt": pt + "011", "name": f"Raz {m}", "type": "gmina_miejska",
             "voivodeship": "kujawsko-pomorskie", "parent_teryt": pt}]
    cursor = feed_end(stack)
    report(bulk(stack, "units", recs), created=2)
    got = {x["teryt"]: x for x in stack.get(f"/v1/units?teryt={pt}&limit=10", role="reader").json["items"]}
    assert [got[t]["version"] for t in (pt, pt + "011")] == [1, 1], got
    entries = [(e["id"], e["version"]) for e in feed_since(stack, cursor) if e["resource"] == "unit"]
    assert sorted(entries) == sorted((got[t]["id"], 1) for t in (pt, pt + "011")), entries
    recs[1]["name"] = f"Dwa {m}"
    recs[1]["parent_teryt"] = None  # null: no parent
    cursor = feed_end(stack)
    report(bulk(stack, "units", recs), updated=1, unchanged=1)
    u = stack.get(f"/v1/units/{got[pt + '011']['id']}", role="reader").json
    assert (u["name"], u["parent_id"], u["version"]) == (f"Dwa {m}", None, 2), u
    assert [(e["id"], e["version"]) for e in feed_since(stack, cursor)] == [(u["id"], 2)]
    report(bulk(stack, "units", recs), unchanged=2)


def test_unit_parent_id_is_applied(stack, api, unchanged):
    """parent_id names an existing unit as the parent (null: none); an
    unknown one fails naming it; parent_id with parent_teryt is refused."""
    m = marker()
    parent = api.make_unit()
    pt = powiat_teryt("06")
    rec = {"teryt": pt + "011", "name": f"Dziecko {m}", "type": "gmina_miejska",
           "voivodeship": "lubelskie", "parent_id": parent["id"]}
    report(bulk(stack, "units", [rec]), created=1)
    u = stack.get(f"/v1/units?teryt={pt}011", role="reader").json["items"][0]
    assert u["parent_id"] == parent["id"], u
    report(bulk(stack, "units", [rec]), unchanged=1)
    other = api.make_unit()
    report(bulk(stack, "units", [dict(rec, parent_id=other["id"])]), updated=1)
    u = stack.get(f"/v1/units/{u['id']}", role="reader").json
    assert (u["parent_id"], u["version"]) == (other["id"], 2), u
    report(bulk(stack, "units", [dict(rec, parent_id=None)]), updated=1)
    assert stack.get(f"/v1/units/{u['id']}", role="reader").json["parent_id"] is None
    report(bulk(stack, "units", [{k: v for k, v in rec.items() if k != "parent_id"}]), unchanged=1)
    with unchanged():
        p = refusal(bulk(stack, "units", [dict(rec, parent_id=2_000_000_000)]), 422, failed=1, received=1)
        expect_errors(p, {1: "parent_id"})
        p = refusal(bulk(stack, "units", [dict(rec, parent_teryt=pt[:2])]), 422, failed=1, received=1)
        expect_errors(p, {1: "parent_id"})


def test_unit_with_unknown_parent_fails_and_is_not_written(stack, unchanged):
    m = marker()
    pt = powiat_teryt("04")
    recs = [
        {"teryt": pt, "name": f"powiat {m}", "type": "powiat_ziemski", "voivodeship": "kujawsko-pomorskie"},
        {"teryt": pt + "011", "name": f"Sierota {m}", "type": "gmina_miejska",
         "voivodeship": "kujawsko-pomorskie", "parent_teryt": "0499"},
    ]
    with unchanged():
        p = refusal(bulk(stack, "units", recs), 422, failed=1, received=2)
        expect_errors(p, {2: "parent_teryt"})
    body = report(bulk(stack, "units", recs, query={"mode": "partial"}), created=1, failed=1)
    expect_errors(body, {2: "parent_teryt"})
    got = stack.get(f"/v1/units?teryt={pt}&limit=10", role="reader").json["items"]
    assert [u["teryt"] for u in got] == [pt], (
        f"partial mode reported the unit of line 2 as failed but wrote it: {[u['teryt'] for u in got]}")


def test_unit_parent_must_come_first(stack):
    """A parent must exist or come earlier in the upload (as the TERC
    register orders them), wherever the batches of 500 fall: right after
    its child, or 700 records after it, it is too late; 700 records before
    it, it is found."""
    m = marker()
    pt = powiat_teryt("04")
    child = {"teryt": pt + "011", "name": f"Miasto {m}", "type": "gmina_miejska",
             "voivodeship": "kujawsko-pomorskie", "parent_teryt": pt}
    parent = {"teryt": pt, "name": f"powiat {m}", "type": "powiat_ziemski", "voivodeship": "kujawsko-pomorskie"}
    filler = [{"name": f"Związek {m} {i}", "type": "zwiazek_jst"} for i in range(700)]
    with Unchanged(stack):
        for recs in ([child, parent], [child] + filler + [parent]):
            body = report(bulk(stack, "units", recs, query={"mode": "partial", "dry_run": "true"}),
                          created=len(recs) - 1, failed=1, dry_run=True)
            expect_errors(body, {1: "parent_teryt"})
        body = report(bulk(stack, "units", [parent] + filler + [child],
                           query={"mode": "partial", "dry_run": "true"}),
                      created=702, dry_run=True)
    assert body["errors"] == []


def test_unit_fields_left_out_keep_their_values(stack):
    """A unit record without population, county, ... leaves them as they
    are (the TERC register has no populations: loading it again keeps them)."""
    m = marker()
    t = gmina_teryt(2, "22")
    full = {"teryt": t, "name": f"Wieś {m}", "type": "gmina_wiejska", "voivodeship": "pomorskie",
            "county": "słupski", "population": 4321, "population_year": 2019}
    report(bulk(stack, "units", [full]), created=1)
    u0 = stack.get(f"/v1/units?teryt={t}", role="reader").json["items"][0]
    short = {"teryt": t, "name": f"Wieś {m}", "type": "gmina_wiejska", "voivodeship": "pomorskie"}
    report(bulk(stack, "units", [short]), unchanged=1)
    u1 = stack.get(f"/v1/units/{u0['id']}", role="reader").json
    assert {k: u1[k] for k in full} == full and u1["version"] == u0["version"]
    report(bulk(stack, "units", [dict(short, population=5000)]), updated=1)
    u2 = stack.get(f"/v1/units/{u0['id']}", role="reader").json
    assert (u2["population"], u2["population_year"], u2["county"]) == (5000, 2019, "słupski")
    assert u2["version"] == u0["version"] + 1


def test_units_validation_errors(stack, api, unchanged):
    m = marker()
    existing = api.make_unit(voivodeship="pomorskie")
    t = gmina_teryt(1, "22")
    recs = [
        {"teryt": t, "name": f"A {m}", "type": "gmina_wiejska", "voivodeship": "pomorskie"},       # 1 kind digit
        {"teryt": gmina_teryt(1, "22"), "name": f"B {m}", "type": "gmina_miejska",
         "voivodeship": "śląskie"},                                                                # 2 voivodeship
        {"teryt": "22a", "name": f"C {m}", "type": "powiat_ziemski", "voivodeship": "pomorskie"},  # 3
        {"name": f"D {m}", "type": "wioska"},                                                       # 4
        {"name": f"E {m}", "type": "zwiazek_jst", "bogus": True},                                   # 5
        {"type": "zwiazek_jst"},                                                                     # 6
        {"name": f"G {m}", "type": "zwiazek_jst", "population": -1},                                # 7
        "nie json",                                                                                  # 8
        {"teryt": existing["teryt"], "name": existing["name"], "type": existing["type"],
         "voivodeship": "pomorskie", "county": existing["county"], "population": existing["population"],
         "population_year": existing["population_year"]},                                           # 9 unchanged
        {"teryt": existing["teryt"], "name": "Powtórka", "type": existing["type"],
         "voivodeship": "pomorskie"},                                                                # 10 repeats 9
        {"name": f"K {m}", "type": "zwiazek_jst", "parent_teryt": "22x"},                           # 11
    ]
    with unchanged():
        refusal(bulk(stack, "units", recs), 422, failed=10, received=11)
        body = report(bulk(stack, "units", recs, query={"mode": "partial", "dry_run": "true"}),
                      unchanged=1, failed=10, dry_run=True)
    expect_errors(body, {1: "teryt", 2: "voivodeship", 3: "teryt", 4: "type", 5: "bogus", 6: "name",
                         7: "population", 8: None, 10: "teryt", 11: "parent_teryt"})


def test_units_csv(stack):
    m = marker()
    pt = powiat_teryt("04")
    text = ("teryt,name,type,voivodeship,county,population,population_year,parent_teryt\n"
            f"{pt},powiat {m},powiat_ziemski,kujawsko-pomorskie,powiat {m},7000,2022,\n"
            f'{pt}032,"Wieś, {m}",gmina_wiejska,kujawsko-pomorskie,powiat {m},700,2022,{pt}\n'
            f"{pt}043,Zła,gmina_miejska,kujawsko-pomorskie,,dużo,,{pt}\n")
    body = report(bulk(stack, "units", text.encode(), CSV, query={"mode": "partial"}), created=2, failed=1)
    expect_errors(body, {4: ["population"]})
    got = {u["teryt"]: u for u in stack.get(f"/v1/units?teryt={pt}", role="reader").json["items"]}
    assert set(got) == {pt, pt + "032"}
    assert got[pt + "032"]["name"] == f"Wieś, {m}" and got[pt + "032"]["parent_id"] == got[pt]["id"]
    assert got[pt]["population"] == 7000 and got[pt]["population_year"] == 2022
    with Unchanged(stack):
        assert_problem(bulk(stack, "units", b"teryt,name,type,bogus\n", CSV), 400)


# --------------------------------------------------------------------------
# categories


def test_categories_upsert_on_slug_with_parents(stack):
    m = marker()
    area = f"Obszar Źdźbło {m}"
    slug = f"obszar-zdzblo-{m}"
    dialog = cat_by_path(stack, "Dialog społeczny")
    recs = [
        {"name": area, "position": 9},                                          # slug from the name
        {"name": f"Pod {m}", "parent_slug": slug, "slug": f"pod-{m}"},
        {"name": f"Pod dialogiem {m}", "parent_id": dialog["id"]},
    ]
    report(bulk(stack, "categories", recs), created=3)
    cats = categories(stack)
    assert cats[slug]["name"] == area and cats[slug]["parent_id"] is None and cats[slug]["position"] == 9
    assert cats[f"pod-{m}"]["parent_id"] == cats[slug]["id"]
    assert cats[f"pod-{m}"]["path"] == [area, f"Pod {m}"]
    pd = cats[f"pod-dialogiem-{m}"]
    assert pd["parent_id"] == dialog["id"] and pd["path"] == ["Dialog społeczny", f"Pod dialogiem {m}"]
    report(bulk(stack, "categories", recs), unchanged=3)

    recs[1] = dict(recs[1], name=f"Pod zmieniona {m}")
    report(bulk(stack, "categories", recs), updated=1, unchanged=2)
    c = stack.get(f"/v1/categories/{cats[f'pod-{m}']['id']}", role="reader").json
    assert c["name"] == f"Pod zmieniona {m}" and c["version"] == cats[f"pod-{m}"]["version"] + 1
    assert c["slug"] == f"pod-{m}", "the slug is the key: a rename keeps it"

    bad = [
        {"name": f"Sierota {m}", "parent_slug": f"nie-ma-{m}"},   # 1
        {"name": f"Sierota2 {m}", "parent_id": 2_000_000_000},    # 2
        {"name": f"X {m}", "bogus": 1},                            # 3
        {"slug": f"bez-nazwy-{m}"},                                # 4
        {"name": 5},                                               # 5
        "[]",                                                      # 6
        {"name": f"Dobra {m}"},                                    # 7
    ]
    with Unchanged(stack):
        refusal(bulk(stack, "categories", bad), 422, failed=6, received=7)
    body = report(bulk(stack, "categories", bad, query={"mode": "partial"}), created=1, failed=6)
    expect_errors(body, {1: "parent_slug", 2: "parent_id", 3: "bogus", 4: "name", 5: "name", 6: None})
    assert f"dobra-{m}" in categories(stack)


def test_categories_tree_has_two_levels(stack, unchanged):
    """As POST /v1/categories, a bulk category's parent must be an area."""
    m = marker()
    pomoc = cat_by_path(stack, "Usługi społeczne", "Pomoc społeczna")
    posted = stack.post("/v1/categories", {"name": f"Trzeci {m}", "parent_id": pomoc["id"]}, role="editor")
    assert_problem(posted, 422, fields=["parent_id"])
    recs = [{"name": f"Trzeci {m}", "parent_slug": pomoc["slug"]},
            {"name": f"Czwarty {m}", "parent_id": pomoc["id"]}]
    with unchanged():
        # a dry run first: a server that takes them leaves no third level behind
        p = refusal(bulk(stack, "categories", recs, query={"dry_run": "true"}), 422, failed=2, received=2,
                    dry_run=True)
        expect_errors(p, {1: "parent_slug", 2: "parent_id"})
        p = refusal(bulk(stack, "categories", recs, query={"mode": "atomic"}), 422, failed=2, received=2)
        expect_errors(p, {1: "parent_slug", 2: "parent_id"})


def test_an_area_with_sub_areas_cannot_become_a_sub_area(stack, unchanged):
    """Moving an area that has sub-areas under another area would make a
    third level: refused, as PUT /v1/categories/{id} refuses it."""
    m = marker()
    report(bulk(stack, "categories", [{"name": f"Obszar {m}", "slug": f"obszar-{m}"},
                                      {"name": f"Pod {m}", "slug": f"pod-{m}", "parent_slug": f"obszar-{m}"}]),
           created=2)
    area = categories(stack)[f"obszar-{m}"]
    dialog = cat_by_path(stack, "Dialog społeczny")
    r = stack.put(f"/v1/categories/{area['id']}", {"name": area["name"], "slug": area["slug"],
                                                   "parent_id": dialog["id"]}, role="editor")
    assert_problem(r, 422, fields=["parent_id"])
    with unchanged():
        p = refusal(bulk(stack, "categories", [{"name": f"Obszar {m}", "slug": f"obszar-{m}",
                                                "parent_slug": dialog["slug"]}],
                         query={"dry_run": "true"}), 422, failed=1, received=1, dry_run=True)
        expect_errors(p, {1: "parent_slug"})
        p = refusal(bulk(stack, "categories", [{"name": f"Obszar {m}", "slug": f"obszar-{m}",
                                                "parent_id": dialog["id"]}]), 422, failed=1, received=1)
        expect_errors(p, {1: "parent_id"})
    assert categories(stack)[f"pod-{m}"]["path"] == [f"Obszar {m}", f"Pod {m}"]


def test_categories_csv(stack):
    m = marker()
    text = (f"name,slug,parent_slug,position\n"
            f"Obszar CSV {m},obszar-{m},,3\n"
            f'"Pod, CSV {m}",,obszar-{m},\n')
    report(bulk(stack, "categories", text.encode(), CSV), created=2)
    cats = categories(stack)
    assert cats[f"obszar-{m}"]["position"] == 3
    sub = cats[f"pod-csv-{m}"]
    assert sub["parent_id"] == cats[f"obszar-{m}"]["id"] and sub["name"] == f"Pod, CSV {m}"


# --------------------------------------------------------------------------
# partners: their own source only


def test_partner_uploads_practices_of_its_own_source(stack, unit):
    m = marker()
    recs = [
        {"external_id": f"{m}-1", "title": f"Bez źródła {m}", "unit_id": unit["id"]},
        {"source": None, "external_id": f"{m}-2", "title": f"Źródło null {m}", "unit_id": unit["id"]},
        {"source": "partner-a", "external_id": f"{m}-3", "title": f"Swoje źródło {m}", "unit_id": unit["id"]},
        {"title": f"Bez klucza {m}", "unit_id": unit["id"]},
    ]
    report(bulk(stack, "practices", recs, role="partner"), created=4)
    for i in (1, 2, 3):
        p = one(stack, "partner-a", f"{m}-{i}")
        assert p["source"] == "partner-a"
    mine = [p for p in by_source(stack, "partner-a", sort="-updated_at", limit=50)
            if p["title"] == f"Bez klucza {m}"]
    assert len(mine) == 1, "a partner's record without source or external_id gets the key's source"
    report(bulk(stack, "practices", recs[:3], role="partner"), unchanged=3)
    recs[0]["title"] = f"Zmieniony {m}"
    report(bulk(stack, "practices", recs[:3], JSON, role="partner"), updated=1, unchanged=2)
    assert one(stack, "partner-a", f"{m}-1")["title"] == f"Zmieniony {m}"


@pytest.mark.parametrize("query", [{}, {"mode": "partial"}, {"dry_run": "true"},
                                   {"mode": "partial", "dry_run": "true"}])
def test_partner_naming_another_source_is_403_and_writes_nothing(stack, unit, unchanged, query):
    m = marker()
    theirs = f"other-{m}"
    stack_rec = {"source": theirs, "external_id": "t", "title": f"Cudzy {m}", "unit_id": unit["id"]}
    report(bulk(stack, "practices", [stack_rec]), created=1)  # an editor writes any source
    recs = [
        {"external_id": f"{m}-1", "title": f"Mój {m}", "unit_id": unit["id"]},
        dict(stack_rec, title=f"Przejęty {m}"),
        {"source": "partner-a", "external_id": f"{m}-3", "title": f"Mój {m}", "unit_id": unit["id"]},
        {"source": "partner-b", "external_id": f"{m}-4", "title": f"Cudzy {m}", "unit_id": unit["id"]},
    ]
    with unchanged():
        p = refusal(bulk(stack, "practices", recs, role="partner", query=query), 403, failed=2, received=4,
                    dry_run=query.get("dry_run") == "true")
        expect_errors(p, {2: "source", 4: "source"})
        p = refusal(bulk(stack, "practices", recs, JSON, role="partner", query=query), 403, failed=2,
                    received=4, dry_run=query.get("dry_run") == "true")
        expect_errors(p, {2: "source", 4: "source"})
    assert one(stack, theirs, "t")["title"] == f"Cudzy {m}"
    assert by_source(stack, "partner-a", external_id=f"{m}-1") == []


def test_partner_csv_without_source_column_gets_its_source(stack, unit):
    m = marker()
    text = f"title,unit_teryt,external_id\nZ CSV {m},{unit['teryt']},{m}\n"
    report(bulk(stack, "practices", text.encode(), CSV, role="partner"), created=1)
    assert one(stack, "partner-a", m)["title"] == f"Z CSV {m}"
    text = f"title,unit_teryt,source,external_id\nZ CSV {m},{unit['teryt']},partner-c,{m}\n"
    with Unchanged(stack):
        refusal(bulk(stack, "practices", text.encode(), CSV, role="partner"), 403, failed=1, received=1)


# --------------------------------------------------------------------------
# search index and change feed


def wait_search(stack, word, present, timeout=20):
    deadline = time.time() + timeout
    while True:
        r = stack.get("/v1/practices?" + urllib.parse.urlencode({"q": word, "limit": 50}))
        assert r.status == 200, r
        ids = {p["id"] for p in r.json["items"]}
        if ids == set(present) or time.time() > deadline:
            return ids
        time.sleep(0.2)


def test_search_index_picks_up_bulk_creates_and_updates(stack, unit):
    src = marker()
    w1, w2, w3 = marker(), marker(), marker()
    recs = [{"source": src, "external_id": "1", "title": f"Wyszukiwana {w1}", "unit_id": unit["id"],
             "status": "published"},
            {"source": src, "external_id": "2", "title": "Druga wyszukiwana", "unit_id": unit["id"],
             "status": "published", "summary": f"W skrócie słowo {w1} i {w3}."}]
    report(bulk(stack, "practices", recs), created=2)
    ids = {p["external_id"]: p["id"] for p in by_source(stack, src)}
    assert wait_search(stack, w1, [ids["1"], ids["2"]]) == {ids["1"], ids["2"]}
    recs[0]["title"] = f"Wyszukiwana {w2}"
    report(bulk(stack, "practices", recs), updated=1, unchanged=1)
    assert wait_search(stack, w2, [ids["1"]]) == {ids["1"]}
    assert wait_search(stack, w1, [ids["2"]]) == {ids["2"]}
    r = stack.get("/v1/practices?" + urllib.parse.urlencode({"q": w1}))
    assert "<mark>" in json.dumps(r.json["items"][0].get("highlight", {})), r
    # CSV and JSON uploads too
    w4 = marker()
    text = f"title,unit_id,status,source,external_id\nCSV {w4},{unit['id']},published,{src},3\n"
    report(bulk(stack, "practices", text.encode(), CSV), created=1)
    assert len(wait_search(stack, w4, [one(stack, src, "3")["id"]])) == 1


def test_search_filters_see_bulk_writes_at_once(stack, unit, api):
    """practice_search is brought up to date in the upload's transaction
    (once a batch), for creates and for updates of categories, unit and status."""
    src = marker()
    recs = [{"source": src, "external_id": str(i), "title": f"Filtry {src} {i}", "unit_id": unit["id"],
             "status": "draft", "category_path": ["Dialog społeczny"]} for i in range(3)]
    recs[2]["category_path"] = None  # no category at all
    del recs[2]["category_path"]
    report(bulk(stack, "practices", recs), created=3)
    dialog = cat_by_path(stack, "Dialog społeczny")["id"]
    exts = lambda **q: sorted(p["external_id"] for p in by_source(stack, src, **q))
    assert exts() == ["0", "1", "2"]
    assert exts(category=dialog) == ["0", "1"]
    assert exts(status="draft", unit_id=unit["id"]) == ["0", "1", "2"]
    other = api.make_unit()
    recs[0].update(category_path=["Usługi społeczne", "Oświata"], status="published", unit_id=other["id"])
    recs[2]["category_path"] = ["Dialog społeczny"]
    report(bulk(stack, "practices", recs), updated=2, unchanged=1)
    area = cat_by_path(stack, "Usługi społeczne")["id"]
    oswiata = cat_by_path(stack, "Usługi społeczne", "Oświata")["id"]
    assert exts(category=dialog) == ["1", "2"]
    assert exts(category=oswiata) == ["0"]
    assert exts(category=area) == ["0"]  # an area takes in its sub-areas
    assert exts(status="published") == ["0"]
    assert exts(unit_id=other["id"]) == ["0"]
    assert exts(unit_id=unit["id"]) == ["1", "2"]


def test_change_feed_records_bulk_writes(stack, unit):
    src = marker()
    cursor = feed_end(stack)
    m = marker()
    report(bulk(stack, "categories", [{"name": f"Kategoria feed {m}"}]), created=1)
    report(bulk(stack, "units", [{"name": f"Związek feed {m}", "type": "zwiazek_jst"}]), created=1)
    recs = [{"source": src, "external_id": str(i), "title": f"Zmiana {i}", "unit_id": unit["id"],
             "status": "published"} for i in range(3)]
    report(bulk(stack, "practices", recs), created=3)
    entries, cursor2 = feed_through_sentinel(stack, cursor)
    ids = {p["external_id"]: p["id"] for p in by_source(stack, src)}
    practice = [(e["id"], e["op"], e["version"]) for e in entries if e["resource"] == "practice"]
    assert practice == [(ids[str(i)], "upsert", 1) for i in range(3)], practice
    for e in entries:
        if e["resource"] == "practice":
            assert e["data"]["title"] == f"Zmiana {[k for k, v in ids.items() if v == e['id']][0]}"
    assert [e["data"]["name"] for e in entries if e["resource"] == "category"] == [f"Kategoria feed {m}"]
    assert [e["data"]["name"] for e in entries if e["resource"] == "unit"] == [f"Związek feed {m}"]
    recs[1]["title"] = "Zmiana 1 bis"
    report(bulk(stack, "practices", recs), updated=1, unchanged=2)
    entries = feed_since(stack, cursor2)
    assert [(e["resource"], e["id"], e["op"], e["version"]) for e in entries] == [
        ("practice", ids["1"], "upsert", 2)], entries
    assert entries[0]["data"]["title"] == "Zmiana 1 bis"


# --------------------------------------------------------------------------
# a stack of its own: the body limit, and the TERC sample (fixed TERYT codes)


def side_stack(main, name, env=None):
    """A Stack on a database of its own in main's PostgreSQL, with its own
    `bdp serve` (env: extra environment for it) and an editor key only: a
    fresh database for fixed data, cheaper than a cluster. Yields it; drops
    it after."""
    s = Stack(name, env=env)
    db = f"bdp_{name.replace('-', '_')}_{os.getpid()}"
    admin = main.db_url.rsplit("/", 1)[0] + "/postgres"
    main.psql(f"DROP DATABASE IF EXISTS {db}", db_url=admin)
    main.psql(f"CREATE DATABASE {db}", db_url=admin)
    s.pgdir, s.pg_port = main.pgdir, main.pg_port
    s.db_url = main.db_url.rsplit("/", 1)[0] + "/" + db
    problems = []
    try:
        s.migrate()
        s.keys["editor"] = s.bdp("key", "create", "--name", f"test-editor-{name}", "--role",
                                 "editor").stdout.strip()
        s.start_bdp()
        yield s
    finally:
        rc = s.stop_bdp()
        if rc != 0:
            problems.append(f"bdp serve ({name}) exited {rc} after SIGTERM")
        err = s.stderr_text()
        problems += [f"bdp serve ({name}) stderr contains {m!r}" for m in SANITIZER_MARKS if m in err]
        main.psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", db_url=admin)
        shutil.rmtree(s.tmp, ignore_errors=True)
    if problems:
        tail = "\n".join(l for l in err.splitlines() if not l.startswith("{"))[-4000:]
        pytest.fail("\n".join(problems) + "\n" + tail, pytrace=False)


@pytest.fixture(scope="module")
def small(stack):
    yield from side_stack(stack, "bulk-small", env={"BDP_MAX_BULK_BYTES": str(SMALL_LIMIT)})


@pytest.fixture(scope="module")
def terc_upload(small):
    """The TERC sample uploaded once (the first upload of those codes there)."""
    before = small.row_counts()
    r = bulk(small, "units", TERC_SAMPLE.read_bytes(), CSV)
    return r, before


def small_records(n, src, pad=0):
    return [{"source": src, "external_id": str(i), "title": f"Mały {i} " + "x" * pad,
             "unit": {"type": "zwiazek_jst", "name": f"Związek {src}"}} for i in range(n)]


def test_body_over_the_bulk_limit_is_413(small):
    src = marker()
    body = nd(small_records(60, src, pad=40))
    assert len(body) > SMALL_LIMIT
    with Unchanged(small):
        for kind in ("practices", "units", "categories"):
            r = bulk(small, kind, body)
            assert_problem(r, 413)
    # the server is fine afterwards, and a body under the limit goes in
    fits = nd(small_records(20, src))
    assert len(fits) < SMALL_LIMIT
    report(bulk(small, "practices", fits), created=20)


def chunked_post(stack, path, parts, ctype=NDJSON, role="editor"):
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=15)
    try:
        conn.request("POST", path, body=iter(parts), encode_chunked=True,
                     headers={"Authorization": f"Bearer {stack.keys[role]}", "Content-Type": ctype})
        resp = conn.getresponse()
        data = resp.read()
        return Response("POST", path, resp.status, CIDict(resp.getheaders()), data)
    finally:
        conn.close()


def test_chunked_body_over_the_bulk_limit_is_413_nothing_written(small):
    src = marker()
    lines = [l + b"\n" for l in nd(small_records(60, src, pad=40)).split(b"\n") if l]
    assert sum(map(len, lines)) > SMALL_LIMIT
    with Unchanged(small):
        r = chunked_post(small, "/v1/bulk/practices?mode=partial", lines)
        assert_problem(r, 413)
    fits = [l + b"\n" for l in nd(small_records(10, src)).split(b"\n") if l]
    r = chunked_post(small, "/v1/bulk/practices", fits)
    report(r, created=10)


TERC_UNITS = [
    # teryt, type, name, parent teryt, county
    ("02", "wojewodztwo", "dolnośląskie", None, None),
    ("0201", "powiat_ziemski", "bolesławiecki", "02", "bolesławiecki"),
    ("0201011", "gmina_miejska", "Bolesławiec", "0201", "bolesławiecki"),
    ("0201022", "gmina_wiejska", "Bolesławiec", "0201", "bolesławiecki"),
    ("0201032", "gmina_wiejska", "Gromadka", "0201", "bolesławiecki"),
    ("0201043", "gmina_miejsko_wiejska", "Nowogrodziec", "0201", "bolesławiecki"),
    ("0201052", "gmina_wiejska", "Osiecznica", "0201", "bolesławiecki"),
    ("0201062", "gmina_wiejska", "Warta Bolesławiecka", "0201", "bolesławiecki"),
    ("0202", "powiat_ziemski", "dzierżoniowski", "02", "dzierżoniowski"),
    ("0202011", "gmina_miejska", "Bielawa", "0202", "dzierżoniowski"),
    ("0202021", "gmina_miejska", "Dzierżoniów", "0202", "dzierżoniowski"),
    ("0202032", "gmina_wiejska", "Dzierżoniów", "0202", "dzierżoniowski"),
    ("0202043", "gmina_miejsko_wiejska", "Niemcza", "0202", "dzierżoniowski"),
    ("0202051", "gmina_miejska", "Piława Górna", "0202", "dzierżoniowski"),
    ("0264", "miasto_na_prawach_powiatu", "Wrocław", "02", "Wrocław"),
    ("0264011", "gmina_miejska", "Wrocław", "0264", "Wrocław"),
    ("12", "wojewodztwo", "małopolskie", None, None),
    ("1201", "powiat_ziemski", "bocheński", "12", "bocheński"),
    ("1201011", "gmina_miejska", "Bochnia", "1201", "bocheński"),
    ("1201022", "gmina_wiejska", "Bochnia", "1201", "bocheński"),
    ("1201032", "gmina_wiejska", "Drwinia", "1201", "bocheński"),
    ("1201042", "gmina_wiejska", "Lipnica Murowana", "1201", "bocheński"),
    ("1201052", "gmina_wiejska", "Łapanów", "1201", "bocheński"),
    ("1201063", "gmina_miejsko_wiejska", "Nowy Wiśnicz", "1201", "bocheński"),
    ("1261", "miasto_na_prawach_powiatu", "Kraków", "12", "Kraków"),
    ("1261011", "gmina_miejska", "Kraków", "1261", "Kraków"),
    ("14", "wojewodztwo", "mazowieckie", None, None),
    ("1465", "miasto_na_prawach_powiatu", "Warszawa", "14", "Warszawa"),
    ("1465011", "gmina_miejska", "Warszawa", "1465", "Warszawa"),
]
VOIV = {"02": "dolnośląskie", "12": "małopolskie", "14": "mazowieckie"}


def terc_units(stack):
    out = {}
    for prefix in VOIV:
        r = stack.get(f"/v1/units?teryt={prefix}&limit=200", role="editor")
        assert r.status == 200, r
        out.update({u["teryt"]: u for u in r.json["items"]})
    return out


def test_terc_sample_creates_exactly_its_units(small, terc_upload):
    r, before = terc_upload
    report(r, created=len(TERC_UNITS))
    units = terc_units(small)
    assert sorted(units) == sorted(t[0] for t in TERC_UNITS)
    by_id = {u["id"]: u["teryt"] for u in units.values()}
    for teryt, typ, name, parent, county in TERC_UNITS:
        u = units[teryt]
        got = (u["type"], u["name"], by_id.get(u["parent_id"]), u["county"], u["voivodeship"])
        assert got == (typ, name, parent, county, VOIV[teryt[:2]]), f"{teryt}: {got}"
    # nothing else: the skipped rows (RODZ 4, 5, 8, 9) are no units
    after = small.row_counts()
    assert after["public.unit"] - before["public.unit"] == len(TERC_UNITS)
    for name in ("Wrocław-Krzyki", "Bemowo", "Kraków-Nowa Huta"):
        q = small.get("/v1/units?" + urllib.parse.urlencode({"q": name}), role="editor")
        assert all(u["name"] != name for u in q.json["items"]), q


def test_terc_sample_again_is_unchanged(small, terc_upload):
    # a population set since: the register has none, and loading it again keeps it
    g = terc_units(small)["0201011"]
    r = small.patch(f"/v1/units/{g['id']}", {"population": 39000, "population_year": 2023}, role="editor")
    assert r.status == 200, r
    units = terc_units(small)
    with Unchanged(small):
        report(bulk(small, "units", TERC_SAMPLE.read_bytes(), CSV), unchanged=len(TERC_UNITS))
        report(bulk(small, "units", TERC_SAMPLE.read_bytes(), CSV, query={"dry_run": "true"}),
               unchanged=len(TERC_UNITS), dry_run=True)
    after = terc_units(small)
    assert {t: u["version"] for t, u in after.items()} == {t: u["version"] for t, u in units.items()}
    assert (after["0201011"]["population"], after["0201011"]["population_year"]) == (39000, 2023)


def test_terc_bad_rows_and_other_kinds(small, terc_upload):
    text = ("WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n"
            "32;;;;ZACHODNIOPOMORSKIE;województwo;2024-01-01\n"       # 2
            "32;01;;;białogardzki;powiat;2024-01-01\n"                 # 3
            "32;01;01;7;Białogard;gmina;2024-01-01\n"                  # 4 RODZ 7
            "33;;;;NIEISTNIEJĄCE;województwo;2024-01-01\n"             # 5 WOJ
            "32;01;02;2;;gmina wiejska;2024-01-01\n"                   # 6 NAZWA
            "32;02;;;x;gmina;2024-01-01\n"                             # 7 NAZWA_DOD
            "32;01;03;2;Tychowo;gmina wiejska;2024-01-01\n"            # 8
            "32;01;03;5;Tychowo;obszar wiejski;2024-01-01\n")          # 9 skipped
    with Unchanged(small):
        refusal(bulk(small, "units", text.encode(), CSV), 422, failed=4, received=7)
    body = report(bulk(small, "units", text.encode(), CSV, query={"mode": "partial"}), created=3, failed=4)
    expect_errors(body, {4: "RODZ", 5: "WOJ", 6: "NAZWA", 7: "NAZWA_DOD"})
    units = {u["teryt"]: u for u in small.get("/v1/units?teryt=32", role="editor").json["items"]}
    assert sorted(units) == ["32", "3201", "3201032"]
    assert units["3201032"]["parent_id"] == units["3201"]["id"]
    with Unchanged(small):
        assert_problem(bulk(small, "practices", TERC_SAMPLE.read_bytes(), CSV), 400)
        assert_problem(bulk(small, "categories", TERC_SAMPLE.read_bytes(), CSV), 400)
