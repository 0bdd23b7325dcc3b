"""`node`'s request path in one process: Python calls and CPU per request, beside the limit app.

    python -m bench.requestpath [--database URL] [--blocks 7] [--requests 1000] [--document node]

Both applications are called as ASGI apps directly (a uvicorn-like scope, a `receive` that
holds the body and then waits, a `send` that keeps the messages): no HTTP client, no sockets, so
what is measured is the application and the driver, which is what separates us from the limit
app (bench/limit.py) on the same stack. Per app it prints
- the Python function calls per request counted by cProfile (deterministic, unlike timings on
  a shared machine), and the functions that make most of them;
- the CPU of this process per request (`time.process_time`) in blocks of `--requests`, the two
  apps' blocks interleaved; best and median block. The database's own time is not in it.

On the seed content (`seed/content`, loaded into a throwaway PostgreSQL database unless
`--database` names one already loaded), with the node IDs bench/queries.py draws from it. The
access lines go to /dev/null through the same logging configuration the server uses.
Figures, never assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import logging
import os
import pstats
import statistics
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMVERKAN = ROOT / ".venv" / "bin" / "samverkan"
POSTGRES_SERVER = os.environ.get("SAMVERKAN_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
NAME = f"samverkan_requestpath_{os.getpid()}"

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def _scope(body: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 51000),
        "scheme": "http",
        "method": "POST",
        "root_path": "",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "state": {},
    }


async def call(app: App, body: bytes) -> tuple[int, bytes]:
    """One request through `app`: its status and body."""
    delivered = False
    never: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await never  # type: ignore[no-any-return]

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(body), receive, send)
    never.cancel()
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def _block(app: App, bodies: list[bytes], count: int) -> float:
    """CPU µs per request over `count` requests."""
    started = time.process_time()
    for index in range(count):
        status, _ = await call(app, bodies[index % len(bodies)])
        assert status == 200
    return (time.process_time() - started) * 1e6 / count


async def _calls(app: App, bodies: list[bytes], count: int, arguments: argparse.Namespace) -> tuple[float, list[str]]:
    profile = cProfile.Profile()
    profile.enable()
    for index in range(count):
        await call(app, bodies[index % len(bodies)])
    profile.disable()
    stats = pstats.Stats(profile)
    top = sorted(stats.stats.items(), key=lambda item: item[1][1], reverse=True)  # type: ignore[attr-defined]
    lines = [
        f"{calls / count:6.1f}  {func[0].split('site-packages/')[-1]}:{func[1]}({func[2]})"
        for func, (_, calls, *_) in top[: arguments.top]
    ]
    return stats.total_calls / count, lines  # type: ignore[attr-defined]


async def _measure(url: str, arguments: argparse.Namespace) -> dict[str, Any]:
    import asyncpg

    import bench.limit as limit
    from api.app import create_app
    from api.settings import Settings
    from bench.queries import build_queries
    from models.database import close_database, open_database

    os.environ.setdefault("SAMVERKAN_DB_POOL_SIZE", "16")
    await open_database(url)
    ours = create_app(Settings(rate_limits=False, graphiql=False), manage_database=False)
    devnull = open(os.devnull, "w")  # noqa: SIM115, ASYNC230 - the access lines, for the whole run
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(devnull)
    limit.pool = await asyncpg.create_pool("postgresql://" + url.split("://", 1)[1], min_size=4, max_size=16)
    try:
        [query] = [q for q in await build_queries(url) if q.name == arguments.document]
        bodies = [json.dumps({"query": query.samverkan, "variables": v}).encode() for v in query.samverkan_variables]
        apps: dict[str, App] = {"samverkan": ours, "limit": limit.app}
        for name, app in apps.items():  # warm: plans, prepared statements; and both give the same
            answers = [await call(app, body) for body in bodies]
            assert all(status == 200 for status, _ in answers), (name, answers[:3])
        same = [await call(ours, body) for body in bodies] == [await call(limit.app, body) for body in bodies]
        gc.collect()
        gc.freeze()
        gc.set_threshold(10_000, 10, 10)
        result: dict[str, Any] = {"document": query.name, "ids": len(bodies), "same_answers": same}
        for name, app in apps.items():
            calls, top = await _calls(app, bodies, 200, arguments)
            result[f"{name}_calls"] = round(calls, 1)
            if arguments.top:
                print(f"--- {name}: {calls:.1f} calls per request; most called:")
                print("\n".join(top))
        blocks: dict[str, list[float]] = {name: [] for name in apps}
        for _ in range(arguments.blocks):
            for name, app in apps.items():
                blocks[name].append(await _block(app, bodies, arguments.requests))
        for name, values in blocks.items():
            result[f"{name}_cpu_us_best"] = round(min(values))
            result[f"{name}_cpu_us_median"] = round(statistics.median(values))
        result["ratio_cpu_best"] = round(result["samverkan_cpu_us_best"] / result["limit_cpu_us_best"], 2)
        result["load_average"] = [round(x, 1) for x in os.getloadavg()]
        return result
    finally:
        await limit.pool.close()
        await close_database()


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when it is installed, as uvicorn chooses it."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", help="a PostgreSQL database with the seed content already loaded")
    parser.add_argument("--blocks", type=int, default=7)
    parser.add_argument("--requests", type=int, default=1000, help="requests per block")
    parser.add_argument("--document", default="node", help="the core document (bench/queries.py's name)")
    parser.add_argument("--top", type=int, default=0, help="print this many of the most called functions")
    arguments = parser.parse_args()
    from models.database import create_postgres_database, drop_postgres_database

    url = arguments.database
    if url is None:
        url = asyncio.run(create_postgres_database(POSTGRES_SERVER, NAME))
        env = {**os.environ, "DATABASE_URL": url}
        for command in (["migrate"], ["seed", "load", str(ROOT / "seed" / "content")]):
            subprocess.run([str(SAMVERKAN), *command], env=env, check=True, cwd=ROOT, capture_output=True)
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:  # the server's loop
            print(json.dumps(runner.run(_measure(url, arguments))), flush=True)
    finally:
        if arguments.database is None:
            asyncio.run(drop_postgres_database(POSTGRES_SERVER, NAME))


if __name__ == "__main__":
    main()
