"""Timings of the dashboard queries and the open data export on a whole-country database.

    python -m bench.dashboards sqlite://bench/work/bench.sqlite3

Prints the median of several runs per statistics grouping and coverage grouping, and the time
and peak Python memory (tracemalloc) of streaming the full CSV export through an in-process
client, page by page, without keeping it.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import tracemalloc
from typing import Any

import httpx

from api.app import create_app
from api.settings import Settings
from models.database import close_database, open_database

GROUPINGS = [[], ["COUNTY"], ["ACTOR", "YEAR"], ["MUNICIPALITY", "YEAR"], ["TOPIC", "ASSESSMENT", "YEAR"]]
STATISTICS = """query($groupBy: [StatisticsDimension!]!, $filter: CommitmentFilter) {
  commitmentStatistics(groupBy: $groupBy, filter: $filter) { group { key } commitments followedUp }
}"""
COVERAGE = """query($groupBy: StatisticsDimension!) {
  coverage(groupBy: $groupBy, year: 2024) { group { key } withCitizenPromise missing(kind: FOLLOW_UP) { code } }
}"""
RUNS = 5


async def _timed(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": query, "variables": variables})
        times.append(time.perf_counter() - started)
        body = response.json()
        assert "errors" not in body, body
        size = len(next(iter(body["data"].values())))
    return statistics.median(times) * 1000, size


async def main(url: str) -> None:
    await open_database(url)
    app = create_app(Settings(max_cost=10_000_000), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for group_by in GROUPINGS:
            ms, groups = await _timed(client, STATISTICS, {"groupBy": group_by})
            print(f"commitmentStatistics {'+'.join(group_by) or 'total':<24} {groups:>6} groups {ms:8.1f} ms")
        ms, groups = await _timed(
            client, STATISTICS, {"groupBy": ["ACTOR", "YEAR"], "filter": {"policeRegion": "Väst"}}
        )
        print(f"commitmentStatistics ACTOR+YEAR (Väst)      {groups:>6} groups {ms:8.1f} ms")
        for dimension in ("COUNTY", "MUNICIPALITY"):
            ms, groups = await _timed(client, COVERAGE, {"groupBy": dimension})
            print(f"coverage+missing {dimension:<28} {groups:>6} groups {ms:8.1f} ms")
        tracemalloc.start()
        started = time.perf_counter()
        rows = size = 0
        async with client.stream("GET", "/export/commitments.csv") as response:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                rows += chunk.count(b"\r\n")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"export CSV: {rows - 1:,} rows, {size / 1e6:.1f} MB in {elapsed:.2f} s,"
            f" peak Python memory {peak / 1e6:.1f} MB"
        )
    await close_database()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
