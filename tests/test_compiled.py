"""Reads compiled to SQL (api/compiled/) answer as the reference path does: the same JSON, key
order kept, for the core contract documents, `node`, editorial previews and a generated corpus,
on both databases, with one statement per root field whatever the size of the answer."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from api.app import create_app
from api.editorial.access import Role
from api.http.graphql import GraphQLEndpoint
from api.settings import Settings
from tests.conftest import SHARED, Database, QueryCounter
from tests.content import load_documents, municipality_content
from tests.editorial import PAYLOAD, gid, mutate, token

CORE = SHARED / "contract" / "queries" / "core"


def _endpoint(app: Starlette) -> GraphQLEndpoint:
    endpoint = next(route.endpoint for route in app.routes if getattr(route, "path", "") == "/graphql")  # type: ignore[attr-defined]
    assert isinstance(endpoint, GraphQLEndpoint)
    return endpoint


def _parsed(response: httpx.Response) -> Any:
    """The body as JSON, with the order of keys kept (a list of pairs for every object), without
    the debug extension that names the path."""
    pairs = json.loads(response.content, object_pairs_hook=lambda pairs: pairs)
    return [(key, value) for key, value in pairs if key != "extensions"]


class Paths:
    """One app; a request answered along the compiled path and along the reference path."""

    def __init__(self, client: httpx.AsyncClient, endpoint: GraphQLEndpoint) -> None:
        self.client = client
        self.endpoint = endpoint
        self.compiled = endpoint.planned.compiled

    async def post(self, query: str, variables: dict[str, Any] | None = None, auth: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {auth}"} if auth else {}
        return await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def reference(self, query: str, variables: dict[str, Any] | None = None, auth: str | None = None) -> httpx.Response:
        self.compiled.enabled = False
        try:
            return await self.post(query, variables, auth)
        finally:
            self.compiled.enabled = True

    async def same(self, query: str, variables: dict[str, Any] | None = None, auth: str | None = None) -> Any:
        """Both answers, asserted equal (key order kept); the compiled one must have been compiled."""
        answered = self.compiled.answered
        compiled = await self.post(query, variables, auth)
        assert self.compiled.answered == answered + 1, (query, variables, self.compiled.unsupported.items)
        reference = await self.reference(query, variables, auth)
        assert compiled.status_code == reference.status_code == 200, compiled.text
        assert _parsed(compiled) == _parsed(reference), (query, variables)
        body = compiled.json()
        assert "errors" not in body, body
        assert body.get("extensions") == {"execution": "compiled"}
        return body["data"]


@pytest_asyncio.fixture
async def paths(fresh: Database, tmp_path: Path) -> AsyncIterator[Paths]:
    # Beside the seed documents: a municipality with many promises, commitments and follow-ups.
    await load_documents(tmp_path, {"many": municipality_content("1485", promises=4, commitments=6, prefix="many")})
    app = create_app(Settings(debug_execution=True), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://samverkan.test") as client:
        yield Paths(client, _endpoint(app))


def _core(name: str) -> str:
    return (CORE / f"{name}.graphql").read_text("utf-8")


async def _node_ids(paths: Paths) -> list[str]:
    response = await paths.reference(
        "{ municipalities(first: 3) { edges { node { id county { id } localPoliceArea { id } } } }"
        " citizenPromises(first: 4) { edges { node { id followUps { id } contacts { id }"
        " commitments { id partners { id } } agreement { id parties { id } } } } } }"
    )

    def ids(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [v for k, v in value.items() if k == "id" and v] + [i for v in value.values() for i in ids(v)]
        if isinstance(value, list):
            return [i for v in value for i in ids(v)]
        return []

    found = list(dict.fromkeys(ids(response.json()["data"])))
    # An ID of a type that is not there, and of nothing.
    return [*found, gid("Nothing", "x"), gid("Agreement", "no-such-agreement"), gid("Commitment", "no/such")]


CORE_REQUESTS: list[tuple[str, dict[str, Any]]] = [
    *(
        ("municipality-page", {"code": code, "today": today, "year": year})
        for code, today, year in [
            ("1471", "2019-06-01", 2019),
            ("1471", "2022-06-01", 2021),
            ("1493", "2024-03-01", 2024),
            ("1485", "2025-06-01", 2025),
            ("0114", "2025-06-01", 2025),
            ("9999", "2025-06-01", 2025),
        ]
    ),
    *(("agreements-in-force", {"county": county, "on": on}) for county in ("14", "01", "99") for on in ("2019-06-01", "2025-06-01")),
    *(("regional-list", {"region": region, "year": year}) for region in ("Väst", "Nord") for year in (2019, 2023, 2025)),
]


async def test_core_documents_answer_as_the_reference_path_does(paths: Paths) -> None:
    for name, variables in CORE_REQUESTS:
        await paths.same(_core(name), variables)
    for global_id in await _node_ids(paths):
        await paths.same(_core("node"), {"id": global_id})
    assert paths.compiled.fallbacks == 0
