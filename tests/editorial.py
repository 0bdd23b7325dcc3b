"""Helpers for the editorial tests: tokens, authenticated GraphQL calls, global IDs."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from api.core.relay import to_global_id
from api.editorial.access import Role, create_token
from seed.export import EXPORTERS
from seed.format import dump

AGREEMENT_GOTENE = "gotene-samverkansoverenskommelse-2020-2023"
AGREEMENT_ANGE = "ange-samverkansoverenskommelse-2023-2026"
PROMISE_GOTENE_2019 = "gotene-medborgarlofte-2019"

PAYLOAD = "outcome ok id slug revision status item problems { field message }"

UPDATE_AGREEMENT = f"""
mutation($id: ID!, $rev: Int!, $item: JSON!) {{
  agreementUpdate(id: $id, expectedRevision: $rev, item: $item) {{ {PAYLOAD} }}
}}"""
PUBLISH = f"mutation($id: ID!) {{ publish(id: $id) {{ {PAYLOAD} }} }}"
UNPUBLISH = f"mutation($id: ID!) {{ unpublish(id: $id) {{ {PAYLOAD} }} }}"
SUBMIT = f"mutation($id: ID!, $rev: Int!) {{ submitForReview(id: $id, expectedRevision: $rev) {{ {PAYLOAD} }} }}"
APPROVE = f"mutation($id: ID!, $rev: Int!) {{ approve(id: $id, revision: $rev) {{ {PAYLOAD} }} }}"


async def token(role: Role, municipalities: list[str] | None = None, police_units: list[str] | None = None) -> str:
    name = f"{role.value}-{'-'.join((municipalities or []) + (police_units or [])) or 'all'}-{uuid.uuid4().hex[:4]}"
    return await create_token(name, role, municipalities, police_units)


def gid(type_name: str, slug: str) -> str:
    return str(to_global_id(type_name, slug))


async def call(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    """POST with an optional bearer token; returns the whole body (data and errors)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def mutate(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    """A mutation's payload (its only root field); asserts no GraphQL errors."""
    body = await call(client, query, variables, token)
    assert "errors" not in body, body["errors"]
    return next(iter(body["data"].values()))  # type: ignore[no-any-return]


async def seed_form(kind: str, slug: str) -> dict[str, Any]:
    return dump((await EXPORTERS[kind]([slug]))[slug].item)
