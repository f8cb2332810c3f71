"""Validation of practice bodies: 422 naming each bad field, and nothing
written."""

import pytest

from conftest import assert_problem

MISSING = object()


def base(api):
    return {"title": "Poprawny tytuł", "unit_id": api.unit_id()}


CASES = [
    ({"title": MISSING}, ["title"]),
    ({"unit_id": MISSING}, ["unit_id"]),
    ({"title": MISSING, "unit_id": MISSING}, ["title", "unit_id"]),
    ({"title": 5}, ["title"]),
    ({"title": ""}, ["title"]),
    ({"title": "x" * 501}, ["title"]),
    ({"title": None}, ["title"]),
    ({"title": ["a"]}, ["title"]),
    ({"status": "public"}, ["status"]),
    ({"status": "Published"}, ["status"]),
    ({"status": 1}, ["status"]),
    ({"unit_id": "7"}, ["unit_id"]),
    ({"unit_id": 1.5}, ["unit_id"]),
    ({"unit_id": True}, ["unit_id"]),
    ({"unit_id": 987654321}, ["unit_id"]),
    ({"unit_id": 0}, ["unit_id"]),
    ({"unit_id": -3}, ["unit_id"]),
    ({"unit_id": 9223372036854775807}, ["unit_id"]),
    ({"category_ids": [987654321]}, ["category_ids"]),
    ({"category_ids": "3"}, ["category_ids"]),
    ({"category_ids": ["3"]}, ["category_ids"]),
    ({"participant_unit_ids": [987654321]}, ["participant_unit_ids"]),
    ({"participant_unit_ids": 5}, ["participant_unit_ids"]),
    ({"summary": 5}, ["summary"]),
    ({"sections": {"heading": "a"}}, ["sections"]),
    ({"sections": [{"heading": 5, "body": "b"}]}, ["sections[0].heading"]),
    ({"sections": [{"heading": "a", "body": "b"}, {"heading": "a", "body": None}]}, ["sections[1].body"]),
    ({"sections": [{"heading": "a", "body": "b", "extra": 1}]}, [("sections[0].extra", "sections[0]")]),
    ({"sections": ["text"]}, ["sections[0]"]),
    ({"implementer": "Starostwo"}, ["implementer"]),
    ({"implementer": {"phones": "59"}}, ["implementer.phones"]),
    ({"implementer": {"nazwa": "x"}}, [("implementer.nazwa", "implementer")]),
    ({"partners": "a"}, ["partners"]),
    ({"partners": [1]}, ["partners[0]"]),
    ({"attachments": [{"title": "a"}]}, ["attachments[0].url"]),
    ({"attachments": [{"url": "https://x"}]}, ["attachments[0].title"]),
    ({"attachments": [{"title": "a", "url": "https://x", "size_bytes": -1}]}, ["attachments[0].size_bytes"]),
    ({"attachments": [{"title": "a", "url": "https://x", "size_bytes": "1"}]}, ["attachments[0].size_bytes"]),
    ({"keywords": "a,b"}, ["keywords"]),
    ({"entered_on": "2021-02-30"}, ["entered_on"]),
    ({"entered_on": "2021-13-01"}, ["entered_on"]),
    ({"entered_on": "2021-2-3"}, ["entered_on"]),
    ({"entered_on": "07.01.2008"}, ["entered_on"]),
    ({"entered_on": "2008-01-07T00:00:00Z"}, ["entered_on"]),
    ({"entered_on": "2023-02-29"}, ["entered_on"]),
    ({"entered_on": 20080107}, ["entered_on"]),
    ({"revised_on": "2011-02-30"}, ["revised_on"]),
    ({"revised_on": ""}, ["revised_on"]),
    ({"source": 5}, ["source"]),
    ({"external_id": []}, ["external_id"]),
    ({"colour": "red"}, ["colour"]),
    ({"Title": "x"}, ["Title"]),
    ({"title": 5, "status": "x", "unit_id": "y", "foo": 1}, ["title", "status", "unit_id", "foo"]),
]


@pytest.mark.parametrize("over,fields", CASES, ids=[str(i) for i in range(len(CASES))])
def test_practice_422_names_field(stack, api, unchanged, over, fields):
    body = base(api)
    for k, v in over.items():
        if v is MISSING:
            body.pop(k, None)
        else:
            body[k] = v
    with unchanged():
        assert_problem(stack.post("/v1/practices", body, role="editor"), 422, fields)


def test_entered_on_null_takes_default_or_422(stack, api):
    r = stack.post("/v1/practices", dict(base(api), entered_on=None), role="editor")
    assert r.status in (201, 422), r
    if r.status == 422:
        assert_problem(r, 422, ["entered_on"])
    else:
        assert r.json["entered_on"]


def test_valid_leap_day_accepted(stack, api):
    r = stack.post("/v1/practices", dict(base(api), entered_on="2024-02-29", revised_on="2000-02-29"),
                   role="editor")
    assert r.status == 201, r
    assert r.json["entered_on"] == "2024-02-29"


def test_category_ids_max_20_and_unique(stack, api, unchanged):
    cats = [c["id"] for c in api.categories()]
    with unchanged():
        r = stack.post("/v1/practices", dict(base(api), category_ids=[cats[0], cats[0]]), role="editor")
        assert_problem(r, 422, ["category_ids"])
        r = stack.post("/v1/practices", dict(base(api), category_ids=(cats * 3)[:21]), role="editor")
        assert_problem(r, 422, ["category_ids"])


def test_participant_unit_ids_unique(stack, api, unchanged):
    with unchanged():
        r = stack.post("/v1/practices", dict(base(api), participant_unit_ids=[api.unit_id(), api.unit_id()]),
                       role="editor")
        assert_problem(r, 422, ["participant_unit_ids"])


@pytest.mark.parametrize("over,fields", [
    ({"unit_id": 987654321}, ["unit_id"]),
    ({"category_ids": [987654321]}, ["category_ids"]),
    ({"entered_on": "2021-02-30"}, ["entered_on"]),
    ({"status": "gone"}, ["status"]),
    ({"sections": [{"heading": 1}]}, ["sections[0].heading"]),
    ({"bogus": True}, ["bogus"]),
])
def test_patch_and_put_validate_too(stack, api, unchanged, over, fields):
    p = api.make_practice()
    path = f"/v1/practices/{p['id']}"
    with unchanged():
        assert_problem(stack.patch(path, over, role="editor"), 422, fields)
        assert_problem(stack.put(path, dict(base(api), **over), role="editor"), 422, fields)
    assert stack.get(path).json == p


def test_long_utf8_title_counts_characters(stack, api):
    # 500 characters of two bytes each is still 500 characters
    r = stack.post("/v1/practices", dict(base(api), title="ż" * 500), role="editor")
    assert r.status == 201, r
    assert r.json["title"] == "ż" * 500
