"""Drafts: never shown without an editorial token and `preview: true`, on any path; scheduled
content appears and disappears at its publishAt / unpublishAt with no job running."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from api.editorial.access import Role
from tests.conftest import Database, make_client
from tests.editorial import AGREEMENT_GOTENE, PAYLOAD, call, gid, mutate, token

DRAFT = "gotene-medborgarlofte-2030"
CREATE = f"mutation($item: JSON!) {{ citizenPromiseCreate(item: $item) {{ {PAYLOAD} }} }}"
UPDATE = f"""mutation($id: ID!, $rev: Int!, $item: JSON!) {{
  citizenPromiseUpdate(id: $id, expectedRevision: $rev, item: $item) {{ {PAYLOAD} }}
}}"""

EVERY_PATH = """
query($slug: String!, $agreement: String!, $id: ID!, $commitment: ID!, $preview: Boolean!) {
  citizenPromise(slug: $slug, preview: $preview) { slug status }
  citizenPromises(first: 100, preview: $preview) { totalCount edges { node { slug } } }
  commitments(first: 100, preview: $preview) { totalCount }
  municipality(code: "1471", preview: $preview) { citizenPromises { slug } }
  agreement(slug: $agreement, preview: $preview) { citizenPromises { slug } }
  node(id: $id) { id }
  commitment: node(id: $commitment) { id }
}"""


def _promise(**changes: Any) -> dict[str, Any]:
    return {
        "slug": DRAFT,
        "title": "Medborgarlöfte 2030",
        "municipality": "1471",
        "agreement": AGREEMENT_GOTENE,
        "period": {"start": "2030-01-01", "end": "2030-12-31", "label": "2030"},
        "commitments": [
            {"key": "polis-1", "actor": "POLIS", "text": "Patrullera i centrum."},
            {"key": "kommun-1", "actor": "KOMMUN", "text": "Belysa gångvägar."},
        ],
        **changes,
    }


async def _every_path(client: httpx.AsyncClient, auth: str | None, preview: bool) -> dict[str, Any]:
    variables = {
        "slug": DRAFT,
        "agreement": AGREEMENT_GOTENE,
        "id": gid("CitizenPromise", DRAFT),
        "commitment": gid("Commitment", f"{DRAFT}/polis-1"),
        "preview": preview,
    }
    return await call(client, EVERY_PATH, variables, auth)


def _seen(data: dict[str, Any]) -> dict[str, Any]:
    """Where the draft shows up in the answer to EVERY_PATH."""
    return {
        "one": data["citizenPromise"] is not None,
        "list": DRAFT in [edge["node"]["slug"] for edge in data["citizenPromises"]["edges"]],
        "municipality": DRAFT in [p["slug"] for p in data["municipality"]["citizenPromises"]],
        "agreement": DRAFT in [p["slug"] for p in data["agreement"]["citizenPromises"]],
        "node": data["node"] is not None,
        "commitment": data["commitment"] is not None,
    }


async def test_a_draft_never_reaches_anonymous_readers_on_any_path(fresh: Database) -> None:
    admin = await token(Role.ADMIN)
    reviewer = await token(Role.REVIEWER)
    async with make_client() as client:
        before = (await _every_path(client, None, False))["data"]
        created = await mutate(client, CREATE, {"item": _promise()}, admin)
        assert (created["outcome"], created["status"]) == ("CREATED", "DRAFT")

        anonymous = (await _every_path(client, None, False))["data"]
        assert not any(_seen(anonymous).values())
        assert anonymous["citizenPromises"]["totalCount"] == before["citizenPromises"]["totalCount"]
        assert anonymous["commitments"]["totalCount"] == before["commitments"]["totalCount"]

        # Asking for preview without a token is refused and shows nothing.
        asked = await _every_path(client, None, True)
        assert "editorial token" in asked["errors"][0]["message"]
        assert asked.get("data") is None

        # A reviewer sees drafts only when asking for them.
        plain = (await _every_path(client, reviewer, False))["data"]
        assert not any(_seen(plain).values())
        previewed = await _every_path(client, reviewer, True)
        assert "errors" not in previewed
        assert all(_seen(previewed["data"]).values())
        assert previewed["data"]["citizenPromises"]["totalCount"] == before["citizenPromises"]["totalCount"] + 1
        assert previewed["data"]["commitments"]["totalCount"] == before["commitments"]["totalCount"] + 2


async def test_scheduled_content_appears_and_disappears_on_time(fresh: Database) -> None:
    admin = await token(Role.ADMIN)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def at(delta: dt.timedelta) -> str:
        return (now + delta).isoformat()

    query = f'{{ citizenPromise(slug: "{DRAFT}") {{ slug }} }}'
    hour = dt.timedelta(hours=1)
    async with make_client() as client:
        scheduled = _promise(status="PUBLISHED", publish_at=at(hour))
        assert (await mutate(client, CREATE, {"item": scheduled}, admin))["outcome"] == "CREATED"
        assert (await call(client, query))["data"]["citizenPromise"] is None

        showing = _promise(status="PUBLISHED", publish_at=at(-hour), unpublish_at=at(hour))
        result = await mutate(client, UPDATE, {"id": gid("CitizenPromise", DRAFT), "rev": 1, "item": showing}, admin)
        assert result["outcome"] == "UPDATED"
        assert (await call(client, query))["data"]["citizenPromise"] == {"slug": DRAFT}

        ended = _promise(status="PUBLISHED", publish_at=at(-2 * hour), unpublish_at=at(-dt.timedelta(minutes=1)))
        result = await mutate(client, UPDATE, {"id": gid("CitizenPromise", DRAFT), "rev": 2, "item": ended}, admin)
        assert result["outcome"] == "UPDATED"
        assert (await call(client, query))["data"]["citizenPromise"] is None
