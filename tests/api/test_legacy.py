"""`bdp legacy FILE...`: pages of the old site to NDJSON on stdout, one
"bdp legacy: FILE: reason" line on stderr for each page it cannot read, and
the exit status. Needs no database."""

import json
import shutil
import subprocess

from conftest import ROOT, SANITIZER_MARKS, bdp_bin

DATA = ROOT / "tests" / "data" / "legacy"
SLUPSK = str(DATA / "slupsk-dom-dziecka.txt")
ZORY = str(DATA / "zory-rodzicielstwo-zastepcze.txt")
NOT_PRACTICE = str(DATA / "not-practice.txt")


def legacy(*args, cwd=None):
    r = subprocess.run([bdp_bin(), "legacy", *args], capture_output=True, timeout=30, cwd=cwd)
    out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")
    for mark in SANITIZER_MARKS:
        assert mark not in err, err
    return r.returncode, out, err


def records(out):
    assert out == "" or out.endswith("\n"), repr(out[-50:])
    return [json.loads(line) for line in out.splitlines()]


def test_converts_every_page_in_order():
    rc, out, err = legacy(ZORY, SLUPSK, str(DATA / "three-contacts.txt"))
    assert (rc, err) == (0, ""), err
    recs = records(out)
    assert [r["external_id"] for r in recs] == ["zory-rodzicielstwo-zastepcze",
                                                "slupsk-dom-dziecka", "three-contacts"]
    zory, slupsk, three = recs
    assert list(zory) == ["source", "external_id", "title", "status", "category_path", "summary",
                          "entered_on", "revised_on", "unit", "implementer", "contacts"]
    assert zory["source"] == "legacy" and zory["status"] == "published"
    assert zory["title"].startswith("Bo ważny jest dom - kompleksowy")
    assert zory["unit"] == {"type": "gmina_miejska", "name": "Żory", "county": "żorski",
                            "voivodeship": "śląskie", "population": 60444}
    assert zory["implementer"]["phones"] == ["32 43 42 412", "32 43 43 713"]
    assert "fax" not in zory["implementer"]
    assert slupsk["unit"]["name"] == "słupski" and slupsk["implementer"]["fax"] == "59 842-71-11"
    assert slupsk["contacts"] == [{
        "name": "Iwona Niemasz",
        "role": "Dyrektor Domów dla Dzieci Towarzystwa Nasz Dom w Słupsku i Ustce",
        "phones": ["59 814 59 59"], "email": "dzieciakiustka@poczta.onet.pl"}]
    assert [c["name"] for c in three["contacts"]] == [
        "Ewa Wiśniewska", "dr Tomasz Lewandowski", "Katarzyna Wójcik"]


def test_lines_are_compact_utf8():
    rc, out, _ = legacy(SLUPSK)
    assert rc == 0
    line = out.rstrip("\n")
    assert "\n" not in line
    assert line.startswith('{"source":"legacy","external_id":"slupsk-dom-dziecka","title":')
    assert '"name":"słupski"' in line, "UTF-8 escaped or not compact"
    assert "\\u" not in line and "\u00a0" not in line


def test_bad_pages_are_reported_and_skipped(tmp_path):
    latin2 = tmp_path / "latin2.txt"
    latin2.write_bytes(open(SLUPSK, "rb").read().decode("utf-8").encode("iso-8859-2",
                                                                         errors="replace"))
    missing = str(tmp_path / "missing.txt")
    rc, out, err = legacy(SLUPSK, NOT_PRACTICE, missing, str(latin2), ZORY)
    assert rc == 1
    assert [r["external_id"] for r in records(out)] == ["slupsk-dom-dziecka",
                                                        "zory-rodzicielstwo-zastepcze"]
    assert err.splitlines() == [
        f'bdp legacy: {NOT_PRACTICE}: not a practice page: no "Metryka praktyki"',
        f"bdp legacy: {missing}: No such file or directory",
        f"bdp legacy: {latin2}: not UTF-8 text (byte 8)"  # the "ł" of "Strona główna",
    ]


def test_only_bad_pages():
    rc, out, err = legacy(NOT_PRACTICE)
    assert (rc, out) == (1, "")
    assert err.startswith(f"bdp legacy: {NOT_PRACTICE}: ")


def test_usage_errors():
    for args in [(), ("--",), ("-x", SLUPSK)]:
        rc, out, err = legacy(*args)
        assert (rc, out) == (2, ""), args
        assert "bdp legacy" in err or "usage" in err, err


def test_dash_dash_ends_options(tmp_path):
    shutil.copy(ZORY, tmp_path / "-page.txt")
    rc, out, err = legacy("--", "-page.txt", cwd=tmp_path)
    assert (rc, err) == (0, "")
    assert records(out)[0]["external_id"] == "-page"
