"""A search page's documents are put together by bdp from practice_rows'
columns (migrations/0010, src/practice_doc.c) and must be the same bytes
as GET /v1/practices/{id}, which practice_json renders in PostgreSQL: with
every kind of value (nulls, contacts public and private, participant
units, an implementer, dates, a source) and strings that need escaping
(quotes, backslashes, control characters, <, non-ASCII, emoji), for each
role (anonymous: public contacts only), with and without q, from the snapshot in memory and from the
database. A hit's highlight is the only thing a page adds."""

import json
import random
import string
import time
import urllib.parse

import pytest

from conftest import gmina_teryt, uniq

ODD = 'cytat "w cudzysłowie", ukośnik \\ i /, \b\f\n\r\t\x01\x1f <b>&amp; zażółć 🙂 \u2028'


def marker():
    return "qdoc" + "".join(random.choice(string.ascii_lowercase) for _ in range(10))


def raw_items(body):
    """Each item of a page as the bytes it has in the body."""
    text = body.decode("utf-8")
    dec = json.JSONDecoder()
    i = text.index('"items":[') + len('"items":[')
    items = []
    while text[i] != "]":
        _, end = dec.raw_decode(text, i)
        items.append(text[i:end])
        i = end + (text[end] == ",")
    return items


def without_highlight(item):
    at = item.rfind(',"highlight":{')
    return item if at < 0 else item[:at] + "}"


@pytest.fixture(scope="module")
def docs(stack, api):
    m = marker()
    unit = api.make_unit(teryt=gmina_teryt(2, "22"), type="gmina_wiejska", population=None, county=None)
    other = api.make_unit(teryt=gmina_teryt(1, "22"), name=f"Gmina {ODD}")
    cats = [c["id"] for c in api.categories()][:2]
    made = [
        api.make_practice(title=f"{m} najprostsza", unit_id=unit["id"]),
        api.make_practice(
            title=f"{m} {ODD}", unit_id=unit["id"], summary=f"Skrót {m}: {ODD}",
            sections=[{"heading": f"Nagłówek {ODD}", "body": f"Treść {ODD}"},
                      {"heading": "Pusty", "body": ""}],
            implementer={"name": f"Realizator {ODD}", "street": None, "phones": ["1 2"],
                         "email": "a@example.pl"},
            partners=[f"Partner {ODD}"], keywords=["słowo", ODD],
            attachments=[{"title": ODD, "url": "https://example.pl/a?b=c&d=\"e\"",
                          "media_type": "application/pdf", "size_bytes": 12}],
            participant_unit_ids=[other["id"]], category_ids=cats,
            entered_on="2009-02-03", revised_on="2024-12-31"),
        api.make_practice(title=f"{m} z kontaktami", unit_id=unit["id"],
                          summary="Kontakty: jeden jawny, jeden nie."),
    ]
    api.make_contact(made[2]["id"], name=f"Jawna {ODD}", public=True)
    api.make_contact(made[2]["id"], name="Niejawna", public=False, phones=[])
    ext = uniq("ext")
    r = stack.put(f"/v1/sources/partner-a/practices/{urllib.parse.quote(ext)}",
                  {"title": f"{m} od partnera", "unit_id": unit["id"], "status": "published"},
                  role="partner")
    assert r.status == 201, r
    made.append(r.json)
    ids = {p["id"] for p in made}
    deadline = time.monotonic() + 15
    while True:  # indexed, and in the snapshot when there is one
        r = stack.get(f"/v1/practices?q={m}&limit=200")
        if r.status == 200 and {i["id"] for i in r.json["items"]} == ids:
            break
        assert time.monotonic() < deadline, r
        time.sleep(0.05)
    return m, unit, ids


@pytest.mark.parametrize("role", [None, "reader"], ids=["anonymous", "reader"])
@pytest.mark.parametrize("headers", [None, {"Cache-Control": "no-cache"}], ids=["any", "database"])
@pytest.mark.parametrize("with_q", [True, False], ids=["q", "no-q"])
def test_search_documents_are_get_documents(stack, docs, role, headers, with_q):
    m, unit, ids = docs
    params = {"q": m} if with_q else {"teryt": unit["teryt"]}
    r = stack.get("/v1/practices?" + urllib.parse.urlencode(dict(params, limit=200)), role=role,
                  headers=headers)
    assert r.status == 200, r
    items = raw_items(r.body)
    assert {json.loads(i)["id"] for i in items} == ids, r
    for item in items:
        pid = json.loads(item)["id"]
        g = stack.get(f"/v1/practices/{pid}", role=role)
        assert g.status == 200, g
        assert without_highlight(item) == g.body.decode("utf-8")
        assert ("highlight" in json.loads(item)) == with_q
    contacts = [c["name"] for i in items for c in json.loads(i)["contacts"]]
    assert ("Niejawna" in contacts) == (role is not None), contacts
