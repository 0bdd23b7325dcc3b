"""Compiled reads against the reference path, in one process, on the whole-country content.

    python -m bench.inprocess [--requests N]

Loads the benchmark's content (bench/generate.py) into a throwaway PostgreSQL database and a
SQLite file, then sends each core document's requests (the variables `make bench` rotates
through) to the app in-process, once along the compiled path (api/compiled/) and once along the
reference path (planned execution), one request at a time. Prints, per document and database,
the client CPU per request of each path (the server process's own time: parsing, compiling,
executing, encoding; the database's time is not in it) and the wall time, and checks that both
paths gave the same JSON, key order kept, for every request. Figures, never assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from bench.generate import generate
from bench.queries import build_queries
from models.database import close_database, create_postgres_database, drop_postgres_database, open_database

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
SAMVERKAN = ROOT / ".venv" / "bin" / "samverkan"
POSTGRES_SERVER = os.environ.get("SAMVERKAN_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
NAME = f"samverkan_inprocess_{os.getpid()}"


def _load(url: str, content: Path) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([str(SAMVERKAN), "migrate"], env=env, check=True, cwd=ROOT, capture_output=True)
    subprocess.run([str(SAMVERKAN), "seed", "load", str(content)], env=env, check=True, cwd=ROOT, capture_output=True)


def _parsed(response: httpx.Response) -> Any:
    body = json.loads(response.content, object_pairs_hook=lambda pairs: pairs)
    return [(key, value) for key, value in body if key != "extensions"]


async def _measure(url: str, postgres_url: str, requests: int) -> list[dict[str, Any]]:
    from api.app import create_app
    from api.http.graphql import GraphQLEndpoint
    from api.settings import Settings

    await open_database(url)
    try:
        app = create_app(Settings(debug_execution=True, rate_limits=False), manage_database=False)
        endpoint = next(r.endpoint for r in app.routes if getattr(r, "path", "") == "/graphql")  # type: ignore[attr-defined]
        assert isinstance(endpoint, GraphQLEndpoint)
        queries = await build_queries(postgres_url)
        rows = []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for query in queries:
                variables = query.samverkan_variables[:requests]
                answers: dict[bool, list[Any]] = {}
                row: dict[str, Any] = {"query": query.name, "requests": len(variables)}
                for compiled in (True, False):
                    endpoint.planned.compiled.enabled = compiled
                    for values in variables[:5]:  # warm: plans, prepared statements
                        await client.post("/graphql", json={"query": query.samverkan, "variables": values})
                    answers[compiled] = []
                    paths = set()
                    cpu, wall = time.process_time(), time.perf_counter()
                    for values in variables:
                        response = await client.post("/graphql", json={"query": query.samverkan, "variables": values})
                        answers[compiled].append(_parsed(response))
                        paths.add(response.json()["extensions"]["execution"])
                    label = "compiled" if compiled else "reference"
                    row[f"{label}_cpu_ms"] = round((time.process_time() - cpu) * 1000 / len(variables), 2)
                    row[f"{label}_wall_ms"] = round((time.perf_counter() - wall) * 1000 / len(variables), 2)
                    row[f"{label}_paths"] = sorted(paths)
                row["differences"] = sum(a != b for a, b in zip(answers[True], answers[False], strict=True))
                rows.append(row)
        return rows
    finally:
        await close_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=100, help="requests per document and path")
    arguments = parser.parse_args()
    content = WORK / "content"
    if not any(content.glob("*.yaml")):
        generate(content)
    sqlite_path = WORK / "inprocess.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    postgres_url = asyncio.run(create_postgres_database(POSTGRES_SERVER, NAME))
    try:
        _load(postgres_url, content)
        _load(f"sqlite://{sqlite_path}", content)
        for label, url in (("postgresql", postgres_url), ("sqlite", f"sqlite://{sqlite_path}")):
            for row in asyncio.run(_measure(url, postgres_url, arguments.requests)):
                print(json.dumps({"database": label, **row}, ensure_ascii=False), flush=True)
    finally:
        asyncio.run(drop_postgres_database(POSTGRES_SERVER, NAME))


if __name__ == "__main__":
    main()
