"""A really running API (`samverkan serve`, uvicorn with one or more worker processes) on a
database, for tests and the soak run that need requests really at the same time."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SAMVERKAN = Path(sys.executable).parent / "samverkan"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_until_up(url: str, path: str = "/readyz", *, exited: Callable[[], int | None] | None = None) -> None:
    """Until `path` of the server at `url` answers 200 (30 s at most); `exited`: the process's
    return code, so a server that died is told at once."""
    async with httpx.AsyncClient() as client:
        for _ in range(600):
            if exited is not None and (code := exited()) is not None:
                raise AssertionError(f"the server exited with {code}")
            try:
                if (await client.get(f"{url}{path}")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError(f"the server did not answer {path}")


def wait_until_up_blocking(url: str, path: str = "/readyz") -> None:
    """`wait_until_up` for synchronous tests."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}{path}", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the server did not answer {path}")


@asynccontextmanager
async def running_server(database_url: str, *, workers: int = 1, log: Path | None = None) -> AsyncIterator[str]:
    """The server's base URL while it runs; stopped (all its processes) on leaving."""
    port = free_port()
    # Rate limits off: these servers take concurrent writers from one address on purpose (races,
    # the soak); tests/test_rates.py tests the limits.
    env = {**os.environ, "DATABASE_URL": database_url, "SAMVERKAN_RATE_LIMITS": "false"}
    output = log.open("wb") if log else None
    process = await asyncio.create_subprocess_exec(
        str(SAMVERKAN),
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        cwd=ROOT,
        env=env,
        stdout=output or asyncio.subprocess.DEVNULL,
        stderr=output or asyncio.subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # /readyz: the database is reachable from a worker.
        await wait_until_up(url, "/readyz", exited=lambda: process.returncode)
        yield url
    finally:
        if process.returncode is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                os.killpg(process.pid, signal.SIGKILL)
                await process.wait()
        if output:
            output.close()
