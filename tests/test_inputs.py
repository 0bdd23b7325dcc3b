"""Bounded inputs (models/bounds.py, api/core/inputs.py): every value the databases cannot hold
or that would drive unbounded work is refused at the edge, with a message naming the field, on
both databases; refused writes change nothing; the export refuses before its first byte."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.editorial.access import Role
from models import Agreement, Revision
from seed.load import known_data
from seed.validate import read_files, validate_documents
from tests.conftest import SEED_CONTENT, Database, make_client
from tests.editorial import AGREEMENT_GOTENE, PAYLOAD, UPDATE_AGREEMENT, gid, mutate, seed_form, token

NUL = "14\x0071"
AFTER_OF_ANOTHER_SHAPE = base64.urlsafe_b64encode(b"[1,2,3]").decode().rstrip("=")


async def refused(client: httpx.AsyncClient, query: str, variables: dict[str, Any], argument: str) -> str:
    """The one error of a refused query: BAD_USER_INPUT naming `argument`; returns its message."""
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["errors"]) == 1, body
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}, error
    assert error["message"].startswith(f"'{argument}' "), error
    assert "Unexpected error" not in error["message"]
    return str(error["message"])


@pytest.mark.parametrize(
    ("query", "variables", "argument"),
    [
        ("query($v: String!) { agreement(slug: $v) { title } }", {"v": "gotene\x00"}, "slug"),
        ("query($v: String!) { citizenPromise(slug: $v) { title } }", {"v": "\x00"}, "slug"),
        ("query($v: String!) { followUp(slug: $v) { title } }", {"v": "a\x00"}, "slug"),
        ("query($v: String!) { municipality(code: $v) { name } }", {"v": NUL}, "code"),
        ("query($v: String) { municipalities(countyCode: $v) { totalCount } }", {"v": NUL}, "countyCode"),
        (
            "query($v: String) { commitments(filter: {countyCode: $v}) { totalCount } }",
            {"v": NUL},
            "filter.countyCode",
        ),
        ("query($v: String) { commitments(filter: {topic: $v}) { totalCount } }", {"v": "\x00"}, "filter.topic"),
        (
            "query($v: String) { agreements(filter: {policeRegion: $v}) { totalCount } }",
            {"v": "V\x00st"},
            "filter.policeRegion",
        ),
        (
            "query($v: String) { coverage(groupBy: COUNTY, year: 2023, countyCode: $v) { municipalities } }",
            {"v": NUL},
            "countyCode",
        ),
        ("query($v: String!) { search(query: $v) { totalCount } }", {"v": "trygg\x00het"}, "query"),
        (
            'query($v: String) { search(query: "trygghet", filter: {municipalityCode: $v}) { totalCount } }',
            {"v": NUL},
            "filter.municipalityCode",
        ),
        ("query($v: ID!) { node(id: $v) { id } }", {"v": str(gid("Agreement", "gotene\x00"))}, "id"),
        ("query($v: ID!) { node(id: $v) { id } }", {"v": "\x00"}, "id"),
    ],
)
async def test_a_nul_byte_in_any_argument_is_refused_naming_it(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], argument: str
) -> None:
    message = await refused(client, query, variables, argument)
    assert "NUL" in message or "is not a Samverkan ID" in message


YEARS = [0, -1, 1899, 2200, 10000, 2**31 - 1, -(2**31)]


@pytest.mark.parametrize("year", YEARS)
async def test_a_year_outside_1900_to_2199_is_refused_in_every_year_argument(
    client: httpx.AsyncClient, year: int
) -> None:
    bound = f"must be a year from 1900 to 2199 (got {year})"
    for query, argument in [
        ("query($y: Int) { commitmentStatistics(groupBy: [YEAR], filter: {year: $y}) { commitments } }", "filter.year"),
        ("query($y: Int) { citizenPromises(filter: {year: $y}) { totalCount } }", "filter.year"),
        ("query($y: Int) { commitments(filter: {year: $y}) { totalCount } }", "filter.year"),
        ("query($y: Int!) { coverage(groupBy: COUNTY, year: $y) { municipalities } }", "year"),
        ('query($y: Int) { municipality(code: "1471") { citizenPromises(year: $y) { slug } } }', "year"),
    ]:
        assert bound in await refused(client, query, {"y": year}, argument)


async def test_the_years_at_the_bounds_are_answered(client: httpx.AsyncClient) -> None:
    for year in (1900, 2199):
        response = await client.post(
            "/graphql",
            json={
                "query": "query($y: Int) { commitments(filter: {year: $y}) { totalCount }"
                " commitmentStatistics(groupBy: [YEAR], filter: {year: $y}) { commitments } }",
                "variables": {"y": year},
            },
        )
        assert "errors" not in response.json(), response.json()


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"])
async def test_an_active_on_date_beyond_what_the_databases_store_is_refused(
    client: httpx.AsyncClient, date: str
) -> None:
    bound = f"must be a date from 1900-01-01 to 2199-12-31 (got {date})"
    query = "query($d: Date) { agreements(filter: {activeOn: $d}) { totalCount } }"
    assert bound in await refused(client, query, {"d": date}, "filter.activeOn")
    nested = 'query($d: Date) { municipality(code: "1471") { agreements(activeOn: $d) { slug } } }'
    assert bound in await refused(client, nested, {"d": date}, "activeOn")


@pytest.mark.parametrize(
    ("field", "after"),
    [
        ("commitments", AFTER_OF_ANOTHER_SHAPE),  # three values, but numbers where the order has a date and a slug
        ("agreements", AFTER_OF_ANOTHER_SHAPE),  # three values where the order has two
        ("municipalities", base64.urlsafe_b64encode(b"[1]").decode()),  # a number for a kommunkod
        ("citizenPromises", base64.urlsafe_b64encode(b'["9999-12-31","x"]').decode()),
        ("citizenPromises", base64.urlsafe_b64encode(b'["2023-01-01","a\\u0000"]').decode()),
        ("commitments", "not base64 at all!"),
        ("commitments", "\x00"),
    ],
)
async def test_a_cursor_this_list_did_not_give_out_is_refused_naming_after(
    client: httpx.AsyncClient, field: str, after: str
) -> None:
    query = f"query($a: String) {{ {field}(after: $a) {{ totalCount }} }}"
    await refused(client, query, {"a": after}, "after")


async def test_the_cursors_a_list_gives_out_still_page_it(client: httpx.AsyncClient) -> None:
    query = "query($a: String) { commitments(first: 2, after: $a) { edges { cursor node { key } } } }"
    first = (await client.post("/graphql", json={"query": query})).json()["data"]["commitments"]["edges"]
    response = await client.post("/graphql", json={"query": query, "variables": {"a": first[-1]["cursor"]}})
    second = response.json()["data"]["commitments"]["edges"]
    assert second and second[0]["node"]["key"] not in {edge["node"]["key"] for edge in first}


async def test_a_page_size_beyond_the_maximum_is_refused_naming_first(client: httpx.AsyncClient) -> None:
    message = await refused(
        client, "query($n: Int) { commitments(first: $n) { totalCount } }", {"n": 2**31 - 1}, "first"
    )
    assert "between 0 and 100" in message


async def _stored() -> tuple[int, list[tuple[str, int]]]:
    rows = await Agreement.all().order_by("slug").values_list("slug", "revision")
    return await Revision.all().count(), [(str(slug), int(revision)) for slug, revision in rows]


CREATE_AGREEMENT = (
    "mutation($item: JSON!, $document: String, $summary: String) {"
    f" agreementCreate(item: $item, document: $document, summary: $summary) {{ {PAYLOAD} }} }}"
)


# Values out of bounds in an item, the field each names, and words of its message.
ITEM_VALUES: list[tuple[dict[str, Any], str, str]] = [
    ({"publish_at": "9999-12-31T23:59:59+00:00"}, "publish_at", "must be a time from"),
    ({"publish_at": "9999-12-31T23:59:59-12:00"}, "publish_at", "must be a time from"),
    ({"unpublish_at": "0001-01-01T00:00:00+14:00"}, "unpublish_at", "must be a time from"),
    ({"period": {"start": "9999-12-31", "label": "för alltid"}}, "period.start", "must be a date from"),
    ({"signed_on": "0001-01-01"}, "signed_on", "must be a date from"),
    ({"title": "Samverkan\x00"}, "title", "NUL"),
    ({"summary": "Text med \x00 i"}, "summary", "NUL"),
    ({"source_url": "https://polisen.se/\x00"}, "source_url", "NUL"),
    ({"summary": "a" * 990_000}, "summary", "at most 100000 characters"),
]


async def test_an_item_with_a_value_out_of_bounds_is_invalid_naming_the_field_and_nothing_is_written(
    fresh: Database,
) -> None:
    admin = await token(Role.ADMIN)
    stored = await seed_form("agreements", AGREEMENT_GOTENE)
    before = await _stored()
    async with make_client() as client:
        for change, field, words in ITEM_VALUES:
            item = {**stored, **change}
            updated = await mutate(
                client, UPDATE_AGREEMENT, {"id": gid("Agreement", AGREEMENT_GOTENE), "rev": 1, "item": item}, admin
            )
            created = await mutate(client, CREATE_AGREEMENT, {"item": {**item, "slug": "ny-overenskommelse"}}, admin)
            for payload in (updated, created):
                assert payload["outcome"] == "INVALID", payload
                assert [problem["field"] for problem in payload["problems"]] == [field], payload
                assert words in payload["problems"][0]["message"].replace(",", ""), payload
    assert await _stored() == before


ARGUMENT_VALUES: list[tuple[dict[str, Any], str, str]] = [
    ({"document": "a" * 990_000}, "document", "at most 200 characters"),
    ({"document": "../../etc/passwd"}, "document", "without a path"),
    ({"document": "gotene\x00"}, "document", "NUL"),
    ({"summary": "\x00"}, "summary", "NUL"),
    ({"summary": "s" * 501}, "summary", "at most 500 characters"),
]


async def test_a_mutation_argument_out_of_bounds_is_invalid_naming_it_and_nothing_is_written(
    fresh: Database,
) -> None:
    admin = await token(Role.ADMIN)
    item = {**await seed_form("agreements", AGREEMENT_GOTENE), "slug": "ny-overenskommelse"}
    before = await _stored()
    async with make_client() as client:
        for variables, argument, words in ARGUMENT_VALUES:
            payload = await mutate(client, CREATE_AGREEMENT, {"item": item, **variables}, admin)
            assert payload["outcome"] == "INVALID", payload
            assert payload["problems"][0]["field"] == argument
            assert words in payload["problems"][0]["message"]
    assert await _stored() == before


async def test_a_mutation_on_an_id_that_does_not_decode_is_invalid_naming_id(fresh: Database) -> None:
    admin = await token(Role.ADMIN)
    before = await _stored()
    async with make_client() as client:
        for id in ("\x00", "%%%", str(gid("Agreement", "gotene\x00"))):
            payload = await mutate(
                client, "mutation($id: ID!) { publish(id: $id) { " + PAYLOAD + " } }", {"id": id}, admin
            )
            assert payload["outcome"] == "INVALID", payload
            assert payload["problems"][0]["field"] == "id"
    assert await _stored() == before


async def test_the_seed_loader_refuses_the_same_values_with_file_line_and_field(
    seeded: Database, tmp_path: Path
) -> None:
    source = (SEED_CONTENT / f"{AGREEMENT_GOTENE}.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        source.replace("slug: gotene-samverkansoverenskommelse-2020-2023", "slug: gotene-kopia", 1)
        .replace("title: ", "publish_at: 9999-12-31T23:59:59+00:00\n    title: ", 1)
        .replace("period: {start: 2020-01-01,", "period: {start: 9999-12-31,", 1)
        .replace("signed_place: Götene", 'signed_place: "Göt\\0ene"', 1)
    )
    parsed, unreadable = read_files([bad])
    assert not unreadable
    _, problems = validate_documents(parsed, await known_data())
    assert sorted((problem.field, problem.message.split(" (")[0]) for problem in problems) == [
        ("agreements[0].period.start", "must be a date from 1900-01-01 to 2199-12-31"),
        ("agreements[0].publish_at", "must be a time from 1900-01-01T00:00:00Z to 2199-12-31T23:59:59Z"),
        ("agreements[0].signed_place", "must not contain a NUL character"),
    ], problems
    assert all(problem.line > 1 for problem in problems)


async def test_the_export_refuses_a_nul_parameter_with_400_before_any_row(client: httpx.AsyncClient) -> None:
    for path in ("/export/commitments.csv", "/export/commitments.json"):
        for name, value in [("countyCode", NUL), ("policeRegion", "\x00"), ("topic", "a\x00"), ("year", "0001")]:
            response = await client.get(path, params={name: value})
            assert response.status_code == 400, response.text
            assert response.headers["content-type"] == "application/json"
            body = response.json()
            assert body["parameter"] == name
            assert name in body["error"]
            assert "content-disposition" not in response.headers
