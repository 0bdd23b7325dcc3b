"""Reading through the API: paging, visibility, SQL statements per request (both databases)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from api.core.relay import to_global_id
from api.settings import Settings
from models import CitizenPromise, Commitment
from models.enums import PublicationStatus
from tests.conftest import SHARED, Database, QueryCounter, graphql, make_client
from tests.content import load_documents, municipality_content


async def test_municipalities_page_with_stable_cursors(client: httpx.AsyncClient) -> None:
    query = """query($after: String) { municipalities(first: 100, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { code } } } }"""
    codes: list[str] = []
    after = None
    pages = 0
    while True:
        connection = (await graphql(client, query, {"after": after}))["municipalities"]
        pages += 1
        assert connection["totalCount"] == 290
        assert connection["pageInfo"]["hasPreviousPage"] == (after is not None)
        codes.extend(edge["node"]["code"] for edge in connection["edges"])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert pages == 3
    assert len(codes) == 290 == len(set(codes))
    assert codes == sorted(codes)


async def test_default_page_size_and_limits(client: httpx.AsyncClient) -> None:
    default = await graphql(client, "{ municipalities { edges { node { code } } } }")
    assert len(default["municipalities"]["edges"]) == 20
    for first in (101, 100000, -1):
        response = await client.post(
            "/graphql", json={"query": f"{{ municipalities(first: {first}) {{ totalCount }} }}"}
        )
        body = response.json()
        assert body["errors"][0]["message"].startswith("'first' must be between 0 and 100"), body
    bad = await client.post("/graphql", json={"query": '{ municipalities(after: "not-a-cursor") { totalCount } }'})
    assert "not a cursor" in bad.json()["errors"][0]["message"]


async def test_cursor_stays_valid_when_content_is_added(fresh: Database, tmp_path: Path) -> None:
    query = """query($after: String) {
        citizenPromises(first: 1, after: $after) { edges { node { slug } } pageInfo { endCursor } } }"""
    async with make_client() as client:
        first = (await graphql(client, query))["citizenPromises"]
        await load_documents(tmp_path, {"extra": municipality_content("1480", promises=1, commitments=2, prefix="gbg")})
        after = first["pageInfo"]["endCursor"]
        second = (await graphql(client, query, {"after": after}))["citizenPromises"]
    # The new promise (2025) sorts before the cursor; the next page goes on after the one seen.
    assert first["edges"][0]["node"]["slug"] == "gotene-medborgarlofte-2023-2024"
    assert second["edges"][0]["node"]["slug"] == "gullspang-medborgarlofte-2023-2024"


async def test_a_draft_is_invisible_on_every_path(fresh: Database) -> None:
    promise = await CitizenPromise.get(slug="gotene-medborgarlofte-2019")
    commitment = await Commitment.filter(citizen_promise_id=promise.id).first()
    assert commitment is not None
    async with make_client() as client:
        ids = await graphql(client, '{ citizenPromise(slug: "gotene-medborgarlofte-2019") { id commitments { id } } }')
        await CitizenPromise.filter(id=promise.id).update(status=PublicationStatus.DRAFT)
        data = await graphql(
            client,
            """query($promise: ID!, $commitment: ID!) {
                 citizenPromise(slug: "gotene-medborgarlofte-2019") { id }
                 citizenPromises(filter: { municipalityCode: "1471" }) { totalCount edges { node { slug } } }
                 commitments(filter: { municipalityCode: "1471", year: 2019 }) { totalCount }
                 municipality(code: "1471") { citizenPromises { slug } }
                 promiseNode: node(id: $promise) { id }
                 commitmentNode: node(id: $commitment) { id }
               }""",
            {"promise": ids["citizenPromise"]["id"], "commitment": ids["citizenPromise"]["commitments"][0]["id"]},
        )
    assert data["citizenPromise"] is None
    assert data["citizenPromises"]["totalCount"] == 1
    assert [e["node"]["slug"] for e in data["citizenPromises"]["edges"]] == ["gotene-medborgarlofte-2023-2024"]
    assert data["commitments"]["totalCount"] == 0
    assert [p["slug"] for p in data["municipality"]["citizenPromises"]] == ["gotene-medborgarlofte-2023-2024"]
    assert data["promiseNode"] is None and data["commitmentNode"] is None


async def _statements(
    counter: QueryCounter, client: httpx.AsyncClient, query: str, variables: dict[str, object]
) -> int:
    counter.statements.clear()
    data = await graphql(client, query, variables)
    assert data
    return len(counter.statements)


CONTRACT = SHARED / "contract" / "queries" / "core"


async def test_the_reference_path_reads_each_contract_document_in_as_many_statements_for_1_item_as_for_100(
    fresh: Database, tmp_path: Path, sql_counter: QueryCounter
) -> None:
    """The reference path's statements per contract document (the compiled path's:
    tests/test_compiled.py): one per relation the document asks for, each for all parents of its
    level and every set of arguments (api/core/relations.py), so a municipality of one promise
    and one of ten promises of ten commitments cost the same."""
    await load_documents(
        tmp_path,
        {
            "small": municipality_content("0180", promises=1, commitments=1, prefix="small"),
            "large": municipality_content("1485", promises=10, commitments=10, prefix="large"),
        },
    )
    today: dict[str, object] = {"today": "2025-06-01", "year": 2025}
    requests: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
        # the municipality; its county, agreements, promises, service agreements and contacts;
        # the agreements' parties and signatories, the promises' commitments (one statement for
        # the three actors the page asks for) and follow-ups; the entries; their commitments.
        "municipality-page": ({"code": "0180", **today}, {"code": "1485", **today}),
        # the page with its total; the agreements' municipalities and parties
        "agreements-in-force": ({"county": "01", "on": "2025-06-01"}, {"county": "14", "on": "2025-06-01"}),
        # the page with its total; the commitments' topics, promises and follow-up entries; the
        # promises' municipalities and the entries' follow-ups; the municipalities' counties
        "regional-list": ({"region": "Stockholm", "year": 2025}, {"region": "Väst", "year": 2025}),
        "node": ({"id": to_global_id("Municipality", "0180")}, {"id": to_global_id("Municipality", "1485")}),
    }
    counts: dict[str, tuple[int, int]] = {}
    answers: dict[str, dict[str, Any]] = {}
    async with make_client(Settings(compiled_reads=False, rate_limits=False)) as client:
        for name, (small, large) in requests.items():
            document = (CONTRACT / f"{name}.graphql").read_text("utf-8")
            counts[name] = (
                await _statements(sql_counter, client, document, small),
                await _statements(sql_counter, client, document, large),
            )
            answers[name] = await graphql(client, document, large)
    page = answers["municipality-page"]["municipality"]
    assert sum(len(p["kommun"]) + len(p["polis"]) + len(p["tillsammans"]) for p in page["citizenPromises"]) == 100
    assert len(page["agreements"]) == 10
    assert len(answers["regional-list"]["commitments"]["edges"]) == 100
    assert answers["agreements-in-force"]["agreements"]["totalCount"] >= 10
    # On PostgreSQL the statements of one level go as one (api/core/sql.py, Batch).
    expected = {"municipality-page": 12, "agreements-in-force": 3, "regional-list": 7, "node": 1}
    if fresh.backend == "postgres":
        expected = {"municipality-page": 5, "agreements-in-force": 2, "regional-list": 4, "node": 1}
    assert counts == {name: (count, count) for name, count in expected.items()}, sql_counter.statements


async def test_fragments_and_aliases_cost_no_more_statements(seeded: Database, sql_counter: QueryCounter) -> None:
    """Nested fields inside fragments and under aliases are read in the same batches as written
    out: the answer is the plain query's, for no more statements."""
    fragments = """
        query($region: String!, $year: Int!) {
          commitments(filter: { policeRegion: $region, year: $year }, first: 100) {
            edges { node { ...Row } }
          }
        }
        fragment Row on Commitment {
          actor
          ... on Commitment { subjects: topics }
          promise: citizenPromise { title place: municipality { ... on Municipality { code county { name } } } }
          followUpEntries { followUp { year } }
        }
    """
    plain = """
        query($region: String!, $year: Int!) {
          commitments(filter: { policeRegion: $region, year: $year }, first: 100) {
            edges { node {
              actor subjects: topics
              promise: citizenPromise { title place: municipality { code county { name } } }
              followUpEntries { followUp { year } }
            } }
          }
        }
    """
    variables = {"region": "Väst", "year": 2023}
    async with make_client() as client:
        through_fragments = await _statements(sql_counter, client, fragments, variables)
        direct = await _statements(sql_counter, client, plain, variables)
        assert await graphql(client, fragments, variables) == await graphql(client, plain, variables)
        data = await graphql(client, plain, variables)
    nodes = [edge["node"] for edge in data["commitments"]["edges"]]
    assert nodes and all(node["promise"]["place"]["county"]["name"] for node in nodes)
    assert any(node["followUpEntries"] for node in nodes)
    assert through_fragments == direct, sql_counter.statements


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_unexpected_errors_are_masked_with_a_request_id(
    fresh: Database, caplog: pytest.LogCaptureFixture
) -> None:
    from tortoise import Tortoise

    await Tortoise.get_connection("default").execute_query(
        "UPDATE commitment SET actor = 'OKÄND' WHERE key = 'polis-1'"
    )
    async with make_client() as client:
        response = await client.post(
            "/graphql",
            json={"query": '{ citizenPromise(slug: "gotene-medborgarlofte-2019") { commitments { actor } } }'},
            headers={"x-request-id": "test-request-1"},
        )
    body = response.json()
    [error] = body["errors"]
    assert error["message"] == "Unexpected error (request id test-request-1); it has been logged."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "test-request-1"}
    assert "OKÄND" not in response.text and "Traceback" not in response.text and "SELECT" not in response.text
    assert response.headers["x-request-id"] == "test-request-1"
    assert any("test-request-1" in record.getMessage() for record in caplog.records)


async def test_commitment_filters_combine(client: httpx.AsyncClient) -> None:
    query = """query($filter: CommitmentFilter) { commitments(filter: $filter, first: 100) {
        totalCount edges { node { actor topics citizenPromise { municipality { code } } } } } }"""
    everything = (await graphql(client, query, {"filter": {}}))["commitments"]
    narcotics = (await graphql(client, query, {"filter": {"topic": "narkotika"}}))["commitments"]
    police_narcotics_gotene = (
        await graphql(
            client,
            query,
            {"filter": {"topic": "narkotika", "actor": "POLIS", "municipalityCode": "1471", "countyCode": "14"}},
        )
    )["commitments"]
    nodes = [edge["node"] for edge in everything["edges"]]
    expected = [
        n
        for n in nodes
        if "narkotika" in n["topics"]
        and n["actor"] == "POLIS"
        and n["citizenPromise"]["municipality"]["code"] == "1471"
    ]
    assert everything["totalCount"] == len(nodes) == 23  # 9 + 10 + 4 commitments in the seed content
    assert narcotics["totalCount"] == sum("narkotika" in n["topics"] for n in nodes)
    assert police_narcotics_gotene["totalCount"] == len(expected) > 0
    assert all(edge["node"]["actor"] == "POLIS" for edge in police_narcotics_gotene["edges"])
    elsewhere = await graphql(client, query, {"filter": {"topic": "narkotika", "countyCode": "22"}})
    assert elsewhere["commitments"]["totalCount"] == 0
