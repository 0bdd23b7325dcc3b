"""While the database cannot be used every request says so (503, a JSON GraphQL error, Retry-After),
/readyz names what is wrong, and the API recovers without a restart (both databases)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from api.app import report_database
from models.availability import expected_migrations
from models.database import close_database, open_database
from tests.conftest import POSTGRES_SERVER, Database, _Registry, make_client

QUERY = '{ municipality(code: "1471") { name } }'
MUTATION = 'mutation { publish(id: "QWdyZWVtZW50OngK") { status } }'
TOKEN = {"authorization": "Bearer svk_not-a-real-token"}
NOT_MIGRATED = "database not migrated: run `samverkan migrate`"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the socket goes: nothing listens there


def unreachable_url(backend: str, tmp_path: Path) -> str:
    """PostgreSQL on a port where nothing listens; a SQLite file in a folder that does not exist."""
    if backend == "postgres":
        return POSTGRES_SERVER.rsplit("@", 1)[0] + f"@127.0.0.1:{_closed_port()}/samverkan"
    return f"sqlite://{tmp_path / 'no-such-folder' / 'samverkan.sqlite3'}"


@pytest_asyncio.fixture
async def unreachable(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    url = unreachable_url(backend, tmp_path)
    await open_database(url)
    yield url
    await close_database()


@pytest_asyncio.fixture
async def unmigrated(registry: _Registry, backend: str) -> AsyncIterator[Database]:
    database = await registry.empty(backend, "unmigrated")
    await open_database(database.url)
    yield database
    await close_database()


def migrate_elsewhere(url: str) -> None:
    """`samverkan migrate` in its own process, as an operator would run it beside the server."""
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [str(Path(sys.executable).parent / "samverkan"), "migrate"], env=env, check=True, capture_output=True
    )


def assert_unavailable(response: httpx.Response, message: str = "the database is unavailable") -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["cache-control"] == "no-store"
    error = response.json()["errors"][0]
    assert error["message"] == message
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    assert "Unexpected error" not in response.text


async def test_every_kind_of_request_answers_503_with_retry_after_while_the_database_is_unreachable(
    unreachable: str,
) -> None:
    async with make_client() as client:
        requests = [
            client.get("/graphql", params={"query": QUERY}),
            client.post("/graphql", json={"query": QUERY}),
            client.post("/graphql", json={"query": QUERY}, headers=TOKEN),
            client.get("/graphql", params={"query": QUERY}, headers=TOKEN),
            client.post("/graphql", json={"query": MUTATION}, headers=TOKEN),
            client.post("/graphql", json={"query": '{ search(query: "narkotika") { totalCount } }'}),
            client.get("/export/commitments.csv"),
            client.get("/export/commitments.json"),
        ]
        for request in requests:
            assert_unavailable(await request)
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["database"] == "unreachable"
        assert (await client.get("/healthz")).status_code == 200


async def test_the_outage_is_logged_in_one_line_with_where_and_no_traceback(
    unreachable: str, caplog: pytest.LogCaptureFixture, backend: str
) -> None:
    async with make_client() as client:
        response = await client.post("/graphql", json={"query": QUERY}, headers={"x-request-id": "abc-123"})
    assert_unavailable(response)
    records = [r for r in caplog.records if r.name == "samverkan.database"]
    assert len(records) == 1 and records[0].exc_info is None
    where = "connection refused" if backend == "postgres" else "no-such-folder"
    assert "abc-123" in records[0].getMessage() and where in records[0].getMessage()
    assert not [r for r in caplog.records if r.name == "samverkan.errors"]  # not masked as unexpected


async def test_an_unmigrated_database_is_not_ready_and_names_the_missing_migrations(unmigrated: Database) -> None:
    async with make_client() as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json() == {
            "status": "unavailable",
            "database": "not migrated",
            "missing": expected_migrations(),
            "fix": "run `samverkan migrate` first",
        }
        for response in (
            await client.post("/graphql", json={"query": QUERY}),
            await client.post("/graphql", json={"query": QUERY}, headers=TOKEN),
            await client.get("/export/commitments.csv"),
        ):
            assert_unavailable(response, NOT_MIGRATED)


async def test_start_up_says_which_migrations_are_missing(
    unmigrated: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await report_database()
    assert "is not migrated (missing: 0001_initial," in caplog.text
    assert "run `samverkan migrate` first; answering 503 until it is ready" in caplog.text


async def test_migrating_a_running_server_s_database_makes_it_ready_without_a_restart(
    unmigrated: Database,
) -> None:
    async with make_client() as client:
        assert (await client.get("/readyz")).status_code == 503
        migrate_elsewhere(unmigrated.url)
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["migrations"] == "applied"
        response = await client.post("/graphql", json={"query": QUERY})
        assert response.status_code == 200 and response.json() == {"data": {"municipality": None}}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_sqlite_database_that_appears_is_used_without_a_restart(unreachable: str) -> None:
    async with make_client() as client:
        assert_unavailable(await client.post("/graphql", json={"query": QUERY}))
        migrate_elsewhere(unreachable)  # makes the folder and the database
        assert (await client.get("/readyz")).status_code == 200
        assert (await client.post("/graphql", json={"query": QUERY})).status_code == 200


async def test_a_ready_database_says_so(client: httpx.AsyncClient) -> None:
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "reachable", "migrations": "applied"}


async def test_the_server_does_not_create_a_missing_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'samverkan.sqlite3'}"
    await open_database(url, create=False)  # as the server's start-up opens it
    try:
        async with make_client() as client:
            ready = await client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["missing"] == expected_migrations()
            assert_unavailable(await client.post("/graphql", json={"query": QUERY}), NOT_MIGRATED)
            assert not (tmp_path / "samverkan.sqlite3").exists()
            migrate_elsewhere(url)
            assert (await client.get("/readyz")).status_code == 200
    finally:
        await close_database()
