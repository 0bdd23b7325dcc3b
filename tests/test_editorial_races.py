"""Writes racing each other through a really running server (two uvicorn worker processes,
requests really at the same time), on both databases.

Every race ends as both writes succeeding one after the other, or as CONFLICT or NOT_FOUND,
never as an error; and afterwards the item's revision history is exactly the acknowledged
writes: each acknowledged revision there once with the content it was acknowledged with, no
revision nobody was told of, and no state change that wrote back content older than its own
revision.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio

from api.editorial.access import Role, create_token
from models.database import close_database, open_database
from models.transactions import CONTENT_LOCK
from tests.conftest import BACKENDS, SEED_CONTENT, Database, _Registry, make_client
from tests.editorial import AGREEMENT_GOTENE, PAYLOAD, gid, mutate, seed_form
from tests.servers import ROOT, SAMVERKAN, running_server

CREATE = f"mutation($item: JSON!) {{ agreementCreate(item: $item) {{ {PAYLOAD} }} }}"
UPDATE = f"""mutation($id: ID!, $rev: Int!, $item: JSON!) {{
  agreementUpdate(id: $id, expectedRevision: $rev, item: $item) {{ {PAYLOAD} }} }}"""
DELETE = f"mutation($id: ID!, $rev: Int!) {{ agreementDelete(id: $id, expectedRevision: $rev) {{ {PAYLOAD} }} }}"
STATE_CHANGES = {
    "publish": f"mutation($id: ID!) {{ publish(id: $id) {{ {PAYLOAD} }} }}",
    "unpublish": f"mutation($id: ID!) {{ unpublish(id: $id) {{ {PAYLOAD} }} }}",
    "archive": f"mutation($id: ID!) {{ archive(id: $id) {{ {PAYLOAD} }} }}",
    "revert": f"mutation($id: ID!, $n: Int!) {{ revert(id: $id, revision: $n) {{ {PAYLOAD} }} }}",
}
REVISIONS = "query($id: ID!) { revisions(id: $id) { number author summary deleted snapshot } }"
DONE = {"CREATED", "UPDATED", "UNCHANGED", "DELETED"}
ROUNDS = 4


def agreement(slug: str, title: str) -> dict[str, Any]:
    return {"slug": slug, "title": title, "parties": ["gotene-kommun", "lokalpolisomrade-vastra-skaraborg"]}


@dataclass
class Api:
    client: httpx.AsyncClient
    database_url: str
    # Every acknowledged write (outcome other than UNCHANGED and refusals), per slug.
    acknowledged: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    async def data(self, query: str, variables: dict[str, Any]) -> Any:
        response = await self.client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return next(iter(body["data"].values()))

    async def send(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        payload: dict[str, Any] = await self.data(query, variables)
        if payload["outcome"] in DONE - {"UNCHANGED"}:
            self.acknowledged.setdefault(payload["slug"], []).append(payload)
        return payload

    async def history(self, slug: str) -> list[dict[str, Any]]:
        revisions: list[dict[str, Any]] = await self.data(REVISIONS, {"id": gid("Agreement", slug)})
        return revisions


@pytest_asyncio.fixture(scope="module", params=BACKENDS)
async def api(request: pytest.FixtureRequest, registry: _Registry) -> AsyncIterator[Api]:
    """One server with two worker processes on a private copy of the seeded database."""
    database = await registry.copy(await registry.seeded_database(str(request.param)), "races")
    await open_database(database.url)
    try:
        secret = await create_token("races-admin", Role.ADMIN)
        async with running_server(database.url, workers=2) as url:
            headers = {"Authorization": f"Bearer {secret}"}
            async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
                yield Api(client, database.url)
    finally:
        await close_database()


async def assert_history_is_the_acknowledged_writes(api: Api, slug: str) -> list[dict[str, Any]]:
    revisions = await api.history(slug)
    numbers = [revision["number"] for revision in revisions]
    acknowledged = api.acknowledged.get(slug, [])
    assert numbers == sorted(result["revision"] for result in acknowledged), (numbers, acknowledged)
    by_number = {revision["number"]: revision for revision in revisions}
    for result in acknowledged:
        revision = by_number[result["revision"]]
        assert revision["deleted"] == (result["outcome"] == "DELETED")
        assert revision["snapshot"] == result["item"], revision["number"]
    return revisions


def assert_no_stale_write_back(revisions: list[dict[str, Any]]) -> None:
    """A state change's revision is the revision before it with another status, never content
    from before that (the lost update of issue 13)."""
    for before, after in pairwise(revisions):
        if after["summary"].split(" by ")[0] in {"published", "unpublished", "archived"}:
            ignored = {"status", "published_at"}
            old = {k: v for k, v in before["snapshot"].items() if k not in ignored}
            new = {k: v for k, v in after["snapshot"].items() if k not in ignored}
            assert new == old, (before["number"], after["number"])


async def race(*writes: Awaitable[dict[str, Any]]) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*writes))


@pytest.mark.parametrize("change", ["publish", "unpublish", "archive", "revert", "delete"])
async def test_an_update_racing_a_state_change_or_delete_loses_nothing_acknowledged(api: Api, change: str) -> None:
    slug = f"kapplopning-{change}"
    item = agreement(slug, "Start")
    created = await api.send(CREATE, {"item": item})
    assert created["outcome"] == "CREATED"
    latest = created
    id = gid("Agreement", slug)
    for round in range(ROUNDS):
        new = {**latest["item"], "title": f"Omgång {round}"}
        update = api.send(UPDATE, {"id": id, "rev": latest["revision"], "item": new})
        if change == "delete":
            other = api.send(DELETE, {"id": id, "rev": latest["revision"]})
        elif change == "revert":
            other = api.send(STATE_CHANGES["revert"], {"id": id, "n": 1})
        else:
            other = api.send(STATE_CHANGES[change], {"id": id})
        updated, changed = await race(update, other)
        assert updated["outcome"] in {"UPDATED", "CONFLICT", "NOT_FOUND"}, updated
        assert changed["outcome"] in DONE | {"CONFLICT"}, changed
        assert updated["outcome"] == "UPDATED" or changed["outcome"] in DONE
        if updated["outcome"] in {"CONFLICT", "NOT_FOUND"} and change != "delete":
            assert updated["revision"] == changed["revision"]  # the current one, told with the conflict
        if changed["outcome"] == "DELETED":
            # Bring it back from the revision before the delete, for the next round.
            changed = await api.send(STATE_CHANGES["revert"], {"id": id, "n": changed["revision"] - 1})
            assert changed["outcome"] == "UPDATED" or changed["outcome"] == "CREATED", changed
        latest = max((r for r in (updated, changed) if r["outcome"] in DONE), key=lambda r: r["revision"])
    revisions = await assert_history_is_the_acknowledged_writes(api, slug)
    assert_no_stale_write_back(revisions)
    # What is stored is the last revision.
    last = revisions[-1]["snapshot"]
    assert (await api.send(UPDATE, {"id": id, "rev": revisions[-1]["number"], "item": last}))["outcome"] == "UNCHANGED"


async def test_creates_of_one_slug_at_once_give_one_created_and_conflicts(api: Api) -> None:
    slug = "kapplopning-samma-slug"
    results = await race(*(api.send(CREATE, {"item": agreement(slug, f"Version {n}")}) for n in range(6)))
    outcomes = sorted(result["outcome"] for result in results)
    assert outcomes == ["CONFLICT"] * 5 + ["CREATED"], results
    winner = next(result for result in results if result["outcome"] == "CREATED")
    assert all(r["revision"] == 1 and r["problems"][0]["field"] == "slug" for r in results if r is not winner)
    revisions = await assert_history_is_the_acknowledged_writes(api, slug)
    assert [r["snapshot"]["title"] for r in revisions] == [winner["item"]["title"]]


async def test_creates_of_different_slugs_at_once_all_succeed(api: Api) -> None:
    promise = f"mutation($item: JSON!) {{ citizenPromiseCreate(item: $item) {{ {PAYLOAD} }} }}"
    contact = f"mutation($item: JSON!) {{ contactCreate(item: $item) {{ {PAYLOAD} }} }}"
    writes = []
    for n in range(6):
        writes.append(api.send(CREATE, {"item": agreement(f"kapplopning-ny-{n}", f"Överenskommelse {n}")}))
        promise_item = {
            "slug": f"kapplopning-lofte-{n}",
            "title": f"Medborgarlöfte {2040 + n}",
            "municipality": "1471",
            "agreement": AGREEMENT_GOTENE,
            "period": {"start": f"{2040 + n}-01-01", "end": f"{2040 + n}-12-31", "label": str(2040 + n)},
            "commitments": [{"key": "polis-1", "actor": "POLIS", "text": "Trygghetsvandringar i Götene."}],
            "contacts": ["elisabeth-oliv-kommunpolis-gotene"],
        }
        writes.append(api.send(promise, {"item": promise_item}))
        # The same new person in every contact: created once, shared.
        contact_item = {"slug": f"kapplopning-kontakt-{n}", "role": "Trygghetssamordnare", "name": "Åsa Kapplöp"}
        writes.append(api.send(contact, {"item": {**contact_item, "municipalities": ["1471"]}}))
    results = await race(*writes)
    assert [result["outcome"] for result in results] == ["CREATED"] * len(writes), [
        (r["slug"], r["outcome"], r["problems"]) for r in results if r["outcome"] != "CREATED"
    ]
    assert all(result["revision"] == 1 for result in results)


async def _seed_load(path: Path, database_url: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(SAMVERKAN),
        "seed",
        "load",
        str(path),
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    return int(process.returncode or 0), out.decode()


async def test_seed_loads_racing_api_edits_serialise_and_never_overwrite_an_edit(api: Api, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SEED_CONTENT, content)
    file = content / f"{AGREEMENT_GOTENE}.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("title: ", "title: Från fil – ", 1), encoding="utf-8")
    id = gid("Agreement", AGREEMENT_GOTENE)
    before = (await api.history(AGREEMENT_GOTENE))[-1]
    api.acknowledged[AGREEMENT_GOTENE] = []

    loads = asyncio.gather(_seed_load(content, api.database_url), _seed_load(content, api.database_url))
    latest = before
    edits = 0
    while not loads.done() or edits < 3:
        new = {**latest["snapshot"], "title": f"Redigerad {edits}"}
        result = await api.send(UPDATE, {"id": id, "rev": latest["number"], "item": new})
        assert result["outcome"] in {"UPDATED", "CONFLICT"}, result
        edits += 1
        revisions = await api.history(AGREEMENT_GOTENE)
        latest = revisions[-1]
        await asyncio.sleep(0.02)
    for code, out in await loads:
        assert code == 0, out
        assert "Unexpected" not in out and "Traceback" not in out, out

    revisions = [r for r in await api.history(AGREEMENT_GOTENE) if r["number"] > before["number"]]
    numbers = [r["number"] for r in revisions]
    assert numbers == list(range(before["number"] + 1, before["number"] + 1 + len(revisions)))
    by_number = {r["number"]: r for r in revisions}
    acknowledged = api.acknowledged[AGREEMENT_GOTENE]
    assert acknowledged, "no API edit got through"
    for result in acknowledged:
        assert by_number[result["revision"]]["snapshot"] == result["item"]
    # Every other revision is the loader's, and none comes after an API edit: an edit made
    # after the loader read the item is a conflict for the load, not overwritten.
    authors = ["seed" if r["number"] not in {a["revision"] for a in acknowledged} else "api" for r in revisions]
    assert all(r["author"] == "seed" for r, a in zip(revisions, authors, strict=True) if a == "seed")
    assert authors == sorted(authors, key=lambda a: a == "api"), authors
    assert authors.count("seed") <= 1  # the second load found the first one's work done


async def test_a_write_kept_waiting_past_the_lock_wait_is_a_busy_conflict_and_reads_go_on_meanwhile(
    fresh: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMVERKAN_LOCK_WAIT", "2")
    await close_database()
    await open_database(fresh.url)
    admin = await create_token("busy-admin", Role.ADMIN)
    before = await seed_form("agreements", AGREEMENT_GOTENE)
    # Another process holds the content write lock, as a running `seed load` does.
    if fresh.backend == "sqlite":
        holder = sqlite3.connect(fresh.url.removeprefix("sqlite://"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")

        async def release() -> None:
            holder.close()

    else:
        connection = await asyncpg.connect("postgresql://" + fresh.url.split("://", 1)[1])
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute(f"SELECT pg_advisory_xact_lock({CONTENT_LOCK})")

        async def release() -> None:
            await transaction.rollback()
            await connection.close()

    unpublish = f"mutation($id: ID!) {{ unpublish(id: $id) {{ {PAYLOAD} }} }}"
    variables = {"id": gid("Agreement", AGREEMENT_GOTENE)}
    async with make_client() as client:
        try:
            waiting = asyncio.create_task(mutate(client, unpublish, variables, admin))
            await asyncio.sleep(0.1)
            # The waiting write does not hold up reads in its process (on SQLite: one connection).
            query = f'{{ agreement(slug: "{AGREEMENT_GOTENE}") {{ title }} }}'
            read = await client.post("/graphql", json={"query": query})
            assert read.status_code == 200 and read.json()["data"]["agreement"]["title"] == before["title"]
            assert not waiting.done()
            result = await waiting
        finally:
            await release()
        assert (result["outcome"], result["revision"]) == ("CONFLICT", 1), result
        assert "try again" in result["problems"][0]["message"]
        assert await seed_form("agreements", AGREEMENT_GOTENE) == before
        # Once the other writer is done, the same write goes through: nothing was left locked.
        assert (await mutate(client, unpublish, variables, admin))["outcome"] == "UPDATED"
