"""Planned execution (api/execution.py) answers byte for byte as graphql-core does, and hands
graphql-core what it does not cover; statements sent together (api/core/sql.py, Batch) give
the same answers as sent one by one (both databases, through the real endpoint)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from tortoise import Tortoise

from api.app import create_app
from api.http.graphql import GraphQLEndpoint
from api.settings import Settings
from tests.conftest import SHARED, Database, QueryCounter
from tests.content import load_documents, municipality_content

CORE = SHARED / "contract" / "queries" / "core"


def _endpoint(app: Starlette) -> GraphQLEndpoint:
    endpoint = next(route.endpoint for route in app.routes if getattr(route, "path", "") == "/graphql")  # type: ignore[attr-defined]
    assert isinstance(endpoint, GraphQLEndpoint)
    return endpoint


class Servers:
    """One app; each document is sent once along its plan and once through graphql-core."""

    def __init__(self, client: httpx.AsyncClient, endpoint: GraphQLEndpoint, backend: str) -> None:
        self.client = client
        self.endpoint = endpoint
        self.backend = backend

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.post("/graphql", json={"query": query, "variables": variables or {}})

    async def by_graphql_core(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        self.endpoint.planned.enabled = False
        try:
            return await self.post(query, variables)
        finally:
            self.endpoint.planned.enabled = True

    async def unbatched(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        self.endpoint.batch_statements = False
        try:
            return await self.post(query, variables)
        finally:
            self.endpoint.batch_statements = True

    async def both(self, query: str, variables: dict[str, Any] | None = None) -> tuple[dict[str, Any], bytes, bytes]:
        planned = await self.post(query, variables)
        reference = await self.by_graphql_core(query, variables)
        assert planned.status_code == reference.status_code == 200, planned.text
        return planned.json(), planned.content, reference.content


@pytest_asyncio.fixture
async def servers(fresh: Database, tmp_path: Path) -> AsyncIterator[Servers]:
    # Beside the seed documents: a municipality with many promises, commitments and follow-ups.
    await load_documents(tmp_path, {"many": municipality_content("1485", promises=4, commitments=6, prefix="many")})
    # Planned execution against graphql-core: reads compiled to SQL (tests/test_compiled.py) stay out.
    app = create_app(Settings(compiled_reads=False, rate_limits=False), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://samverkan.test") as client:
        yield Servers(client, _endpoint(app), fresh.backend)


def _core(name: str) -> str:
    return (CORE / f"{name}.graphql").read_text("utf-8")


async def core_requests(servers: Servers) -> list[tuple[str, dict[str, Any]]]:
    pages = [
        {"code": code, "today": today, "year": year}
        for code, today, year in [
            ("1471", "2019-06-01", 2019),
            ("1493", "2024-03-01", 2024),
            ("1485", "2025-06-01", 2025),
        ]
    ]
    requests: list[tuple[str, dict[str, Any]]] = [("municipality-page", variables) for variables in pages]
    requests += [("agreements-in-force", {"county": "14", "on": on}) for on in ("2019-06-01", "2025-06-01")]
    requests += [("regional-list", {"region": "Väst", "year": year}) for year in (2019, 2025)]
    ids = await servers.post(
        "{ municipalities(first: 3) { edges { node { id } } } citizenPromises(first: 3) { edges { node { id } } } }"
    )
    for connection in ids.json()["data"].values():
        requests += [("node", {"id": edge["node"]["id"]}) for edge in connection["edges"]]
    return requests


async def test_core_documents_answer_as_graphql_core_does(servers: Servers) -> None:
    requests = await core_requests(servers)
    for name, variables in requests:
        data, planned, reference = await servers.both(_core(name), variables)
        assert planned == reference, (name, variables)
        assert "errors" not in data
    assert servers.endpoint.planned.detours == 0
    # Each document was planned, not handed to graphql-core.
    assert len(servers.endpoint.planned.plans.items) == 5
    assert all(not isinstance(plan, Exception) for plan in servers.endpoint.planned.plans.items.values())


async def test_a_page_of_lists_comes_out_the_same(servers: Servers) -> None:
    data, planned, reference = await servers.both(_core("regional-list"), {"region": "Väst", "year": 2025})
    assert planned == reference
    edges = data["data"]["commitments"]["edges"]
    assert len(edges) >= 24
    assert {edge["node"]["citizenPromise"]["municipality"]["code"] for edge in edges} >= {"1485"}


async def test_a_resolver_error_is_answered_by_graphql_core(servers: Servers) -> None:
    query = 'query ($id: ID!) { node(id: $id) { id } municipality(code: "1471") { name } }'
    planned = await servers.post(query, {"id": "not-a-global-id"})
    reference = await servers.by_graphql_core(query, {"id": "not-a-global-id"})
    assert planned.content == reference.content
    body = planned.json()
    assert body["data"] == {"node": None, "municipality": {"name": "Götene"}}
    assert [error["path"] for error in body["errors"]] == [["node"]]
    assert servers.endpoint.planned.detours == 1

    # An id of nothing is a null without an error, and stays on the plan.
    missing = await servers.post(query, {"id": "Q29tbWl0bWVudDo5OTk5OTk5"})
    assert missing.json() == {"data": {"node": None, "municipality": {"name": "Götene"}}}
    assert servers.endpoint.planned.detours == 1


INCLUDE = 'query ($full: Boolean!) { municipality(code: "1471") { name county @include(if: $full) { name } } }'


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (INCLUDE, {"full": True}),
        (INCLUDE, {"full": False}),
        ('{ __schema { queryType { name } } municipality(code: "1471") { name } }', None),
        ('{ __type(name: "Municipality") { name } }', None),
    ],
)
async def test_what_plans_do_not_cover_goes_to_graphql_core(
    servers: Servers, query: str, variables: dict[str, Any] | None
) -> None:
    data, planned, reference = await servers.both(query, variables)
    assert planned == reference
    assert "errors" not in data
    assert servers.endpoint.planned.detours == 0
    assert all(isinstance(plan, Exception) for plan in servers.endpoint.planned.plans.items.values())


async def test_typenames_aliases_and_fragments_on_abstract_types(servers: Servers) -> None:
    ids = await servers.post(
        '{ municipality(code: "1471") { id citizenPromises(year: 2019) { id commitments { id } } } }'
    )
    municipality = ids.json()["data"]["municipality"]
    query = """
        query ($a: ID!, $b: ID!, $c: ID!) {
          a: node(id: $a) { ...Any }
          b: node(id: $b) { ...Any }
          c: node(id: $c) { ...Any }
        }
        fragment Any on Node {
          __typename
          kind: __typename
          ...Named
          ... on CitizenPromise { title again: title commitments(actor: POLIS) { __typename actor } }
          ... on Commitment { actor position }
        }
        fragment Named on Municipality { code name }
    """
    promise = municipality["citizenPromises"][0]
    variables = {"a": municipality["id"], "b": promise["id"], "c": promise["commitments"][0]["id"]}
    data, planned, reference = await servers.both(query, variables)
    assert planned == reference
    kinds = [data["data"][key]["__typename"] for key in "abc"]
    assert kinds == ["Municipality", "CitizenPromise", "Commitment"]
    assert servers.endpoint.planned.detours == 0


async def test_statements_sent_together_answer_as_sent_alone(servers: Servers, sql_counter: QueryCounter) -> None:
    counts: dict[str, tuple[int, int]] = {}
    for name, variables in await core_requests(servers):
        sql_counter.statements.clear()
        batched = await servers.post(_core(name), variables)
        together = len(sql_counter.statements)
        sql_counter.statements.clear()
        unbatched = await servers.unbatched(_core(name), variables)
        counts[name] = (together, len(sql_counter.statements))
        assert batched.content == unbatched.content, (name, variables)
        assert "errors" not in batched.json()
    if servers.backend == "postgres":
        # The municipality, then its relations, then theirs: one statement per level.
        assert counts["municipality-page"] == (5, 12)
        assert counts["regional-list"] == (4, 7)
    else:  # SQLite answers in-process: nothing to save by sending statements together
        assert all(together == alone for together, alone in counts.values()), counts


@pytest.mark.parametrize("backend", ["postgres"])
async def test_postgres_plans_each_statement_once(seeded: Database) -> None:
    """Statements are prepared per connection; planning them again for every execution was half
    of PostgreSQL's time on a municipality page."""
    rows = await Tortoise.get_connection("default").execute_query_dict("SHOW plan_cache_mode")
    assert rows == [{"plan_cache_mode": "force_generic_plan"}]
