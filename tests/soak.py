"""The soak run (`make soak`, not part of `make test`): PostgreSQL, two API processes, 16 readers
and 4 writers for a minute, with publishes and unpublishes racing updates and creates racing
each other; then every acknowledged write must be in the revision history exactly once.

    .venv/bin/python -m tests.soak [--seconds 60] [--readers 16] [--writers 4]

It makes a throwaway database on the PostgreSQL server (SAMVERKAN_TEST_POSTGRES, default
127.0.0.1:5432), loads the seed content, serves it with `samverkan serve --workers 2`, and drops
the database afterwards. Readers send the four core contract queries; writers pick one of a
few shared agreements (so they collide) and update it with the revision they last saw, publish
it, unpublish it, or create one of a few shared new slugs. Afterwards:

- no answer was a 5xx, a transport error or a GraphQL error (a masked "Unexpected error");
- every write outcome is one a race may end in (CREATED, UPDATED, UNCHANGED, CONFLICT);
- every item's revision numbers are exactly the acknowledged writes' (none lost, none twice,
  none nobody was told of), each with the content it was acknowledged with, and the item as
  stored is its last revision;
- a publish or unpublish changed the status of the revision before it and nothing else (no
  acknowledged update silently reverted).

Prints counts and latency percentiles (client side: includes this process's own time, on the
same machine as the servers and the database). Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from api.core.relay import to_global_id
from api.editorial.access import Role, create_token
from models.database import (
    close_database,
    create_postgres_database,
    drop_postgres_database,
    migrate,
    open_database,
    with_database_name,
)
from seed import format as fmt
from seed.export import EXPORTERS
from seed.pipeline import load_path
from tests.servers import ROOT, running_server

SERVER = os.environ.get("SAMVERKAN_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
CONTRACT = ROOT.parent / "shared" / "contract" / "queries" / "core"
PAYLOAD = "outcome revision slug item problems { field message }"
UPDATE = f"""mutation($id: ID!, $rev: Int!, $item: JSON!) {{
  agreementUpdate(id: $id, expectedRevision: $rev, item: $item) {{ {PAYLOAD} }} }}"""
CREATE = f"mutation($item: JSON!) {{ agreementCreate(item: $item) {{ {PAYLOAD} }} }}"
PUBLISH = f"mutation($id: ID!) {{ publish(id: $id) {{ {PAYLOAD} }} }}"
UNPUBLISH = f"mutation($id: ID!) {{ unpublish(id: $id) {{ {PAYLOAD} }} }}"
REVISIONS = "query($id: ID!) { revisions(id: $id) { number deleted snapshot } }"
ACKNOWLEDGED = {"CREATED", "UPDATED", "DELETED"}
RACE_OUTCOMES = ACKNOWLEDGED | {"UNCHANGED", "CONFLICT"}
SHARED_ITEMS = 6
PARTIES = ["gotene-kommun", "lokalpolisomrade-vastra-skaraborg"]


@dataclass
class Tally:
    read_ms: list[float] = field(default_factory=list)
    write_ms: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    # slug -> revision -> the acknowledged payloads with that revision (must be one each).
    acknowledged: dict[str, dict[int, list[dict[str, Any]]]] = field(default_factory=dict)
    # What writers last saw of each shared item: (revision, item).
    latest: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)


def _reads() -> list[tuple[str, dict[str, Any]]]:
    def read(name: str) -> str:
        return (CONTRACT / f"{name}.graphql").read_text(encoding="utf-8")

    page, agreements, node, regional = (
        read(n) for n in ("municipality-page", "agreements-in-force", "node", "regional-list")
    )
    ids = [to_global_id("Agreement", s) for s in ("gotene-samverkansoverenskommelse-2020-2023",)]
    ids += [to_global_id("Municipality", code) for code in ("1471", "2260", "1493")]
    return [
        *((page, {"code": code, "today": "2024-06-15", "year": 2023}) for code in ("1471", "2260", "1493", "1447")),
        *((agreements, {"county": county, "on": "2024-01-01"}) for county in ("14", "22")),
        *((node, {"id": str(id)}) for id in ids),
        *((regional, {"region": "Väst", "year": year}) for year in (2019, 2023)),
    ]


async def _post(client: httpx.AsyncClient, tally: Tally, query: str, variables: dict[str, Any]) -> Any:
    try:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    except httpx.HTTPError as error:
        tally.failures.append(f"transport error: {error!r}")
        return None
    if response.status_code != 200:
        tally.failures.append(f"HTTP {response.status_code}: {response.text[:200]}")
        return None
    body = response.json()
    if "errors" in body:
        tally.failures.append(f"GraphQL errors: {body['errors']}"[:300])
        return None
    return body["data"]


async def reader(client: httpx.AsyncClient, tally: Tally, until: float, seed: int) -> None:
    reads = _reads()
    rng = random.Random(seed)
    while time.monotonic() < until:
        query, variables = rng.choice(reads)
        start = time.perf_counter()
        await _post(client, tally, query, variables)
        tally.read_ms.append((time.perf_counter() - start) * 1000)


def _record(tally: Tally, payload: dict[str, Any], operation: str) -> None:
    payload = {**payload, "operation": operation}
    outcome = payload["outcome"]
    # Which conflict: a stale expectedRevision, a slug created at the same time, or busy ((item)).
    tally.outcomes[f"CONFLICT ({payload['problems'][0]['field']})" if outcome == "CONFLICT" else outcome] += 1
    if outcome not in RACE_OUTCOMES:
        tally.failures.append(f"unexpected outcome {outcome}: {payload['problems']}")
    if outcome in ACKNOWLEDGED:
        by_revision = tally.acknowledged.setdefault(payload["slug"], {})
        by_revision.setdefault(payload["revision"], []).append(payload)
    seen = tally.latest.get(payload["slug"])
    if outcome in ACKNOWLEDGED | {"UNCHANGED"} and seen is not None and payload["revision"] > seen[0]:
        tally.latest[payload["slug"]] = (payload["revision"], payload["item"])


async def writer(client: httpx.AsyncClient, tally: Tally, until: float, seed: int, run: str) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        slug = rng.choice(sorted(tally.latest))
        id = str(to_global_id("Agreement", slug))
        revision, item = tally.latest[slug]
        roll = rng.random()
        operation = "update" if roll < 0.4 else "publish" if roll < 0.6 else "unpublish" if roll < 0.8 else "create"
        if roll < 0.4:
            query, variables = (
                UPDATE,
                {"id": id, "rev": revision, "item": {**item, "title": f"Soak {uuid.uuid4().hex}"}},
            )
        elif roll < 0.6:
            query, variables = PUBLISH, {"id": id}
        elif roll < 0.8:
            query, variables = UNPUBLISH, {"id": id}
        else:
            # A few new slugs, so creates of one slug meet each other.
            new = f"soak-{run}-ny-{rng.randrange(40)}"
            query, variables = CREATE, {"item": {"slug": new, "title": f"Ny {new}", "parties": PARTIES}}
        start = time.perf_counter()
        data = await _post(client, tally, query, variables)
        tally.write_ms.append((time.perf_counter() - start) * 1000)
        if data is not None:
            _record(tally, next(iter(data.values())), operation)


async def check_history(client: httpx.AsyncClient, tally: Tally) -> int:
    """Every acknowledged write is in the history exactly once, with its content, and nothing
    else is; each item is stored as its last revision. Returns how many revisions were checked."""
    checked = 0
    for slug, by_revision in sorted(tally.acknowledged.items()):
        data = await _post(client, tally, REVISIONS, {"id": str(to_global_id("Agreement", slug))})
        if data is None:
            continue
        revisions = data["revisions"]
        numbers = [revision["number"] for revision in revisions]
        if numbers != sorted(by_revision):
            tally.failures.append(f"{slug}: revisions {numbers}, acknowledged {sorted(by_revision)}")
        for revision in revisions:
            told = by_revision.get(revision["number"], [])
            if len(told) != 1:
                tally.failures.append(f"{slug}: revision {revision['number']} acknowledged {len(told)} times")
            elif told[0]["item"] != revision["snapshot"]:
                tally.failures.append(f"{slug}: revision {revision['number']} is not what was acknowledged")
            elif told[0]["operation"] in {"publish", "unpublish"} and not _only_status_changed(revisions, revision):
                tally.failures.append(f"{slug}: {told[0]['operation']} wrote back content older than its revision")
            checked += 1
        stored = (await EXPORTERS["agreements"]([slug]))[slug]
        if revisions and fmt.dump(stored.item) != revisions[-1]["snapshot"]:
            tally.failures.append(f"{slug}: stored content is not its last revision")
    return checked


def _only_status_changed(revisions: list[dict[str, Any]], revision: dict[str, Any]) -> bool:
    """A state change is the revision before it with another status (and publication time)."""
    before = next((r for r in revisions if r["number"] == revision["number"] - 1), None)
    if before is None:
        return False
    ignored = {"status", "published_at"}
    old = {key: value for key, value in before["snapshot"].items() if key not in ignored}
    return old == {key: value for key, value in revision["snapshot"].items() if key not in ignored}


def percentiles(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    ordered = sorted(samples)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    return f"p50 {at(0.50):.1f} ms, p95 {at(0.95):.1f} ms, p99 {at(0.99):.1f} ms"


async def soak(seconds: float, readers: int, writers: int, log: Path) -> int:
    name = f"samverkan_soak_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = await create_postgres_database(SERVER, name)
    try:
        await migrate(url)
        await open_database(url, short_lived=True)
        summary, checked = await load_path(ROOT / "seed" / "content")
        assert summary is not None, [str(p) for p in checked.problems]
        secret = await create_token("soak-admin", Role.ADMIN)
        tally = Tally()
        run = uuid.uuid4().hex[:4]
        # Small pools: the PostgreSQL server is shared.
        serving = with_database_name(SERVER, name) + "?maxsize=6"
        async with running_server(serving, workers=2, log=log) as base:
            limits = httpx.Limits(max_connections=readers + writers + 4)
            headers = {"Authorization": f"Bearer {secret}"}
            async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60, limits=limits) as client:
                for n in range(SHARED_ITEMS):
                    slug = f"soak-{run}-delad-{n}"
                    data = await _post(
                        client, tally, CREATE, {"item": {"slug": slug, "title": slug, "parties": PARTIES}}
                    )
                    assert data is not None, tally.failures
                    payload = data["agreementCreate"]
                    tally.latest[slug] = (payload["revision"], payload["item"])
                    _record(tally, payload, "create")
                started = time.monotonic()
                until = started + seconds
                await asyncio.gather(
                    *(reader(client, tally, until, n) for n in range(readers)),
                    *(writer(client, tally, until, 1000 + n, run) for n in range(writers)),
                )
                elapsed = time.monotonic() - started
                revisions = await check_history(client, tally)
        await close_database()
    finally:
        await drop_postgres_database(SERVER, name)

    reads, writes = len(tally.read_ms), len(tally.write_ms)
    print(f"soak: {seconds:g} s, PostgreSQL, 2 API processes, {readers} readers, {writers} writers")
    print(f"reads:  {reads:,} ({reads / elapsed:,.0f}/s), {percentiles(tally.read_ms)}")
    print(f"writes: {writes:,} ({writes / elapsed:,.0f}/s), {percentiles(tally.write_ms)}")
    print("write outcomes: " + ", ".join(f"{k} {v:,}" for k, v in sorted(tally.outcomes.items())))
    print(f"history: {revisions:,} revisions of {len(tally.acknowledged)} items checked against the acknowledgements")
    failures = tally.failures
    print(f"failures (5xx, transport or GraphQL errors, lost or unacknowledged writes): {len(failures)}")
    for failure in failures[:20]:
        print("  " + failure)
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 60)))
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--log", type=Path, default=Path("/tmp") / f"samverkan-soak-{os.getpid()}.log")
    arguments = parser.parse_args()
    sys.exit(asyncio.run(soak(arguments.seconds, arguments.readers, arguments.writers, arguments.log)))


if __name__ == "__main__":
    main()
