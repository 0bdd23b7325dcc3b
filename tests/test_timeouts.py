"""A statement time limit on both databases, what a client sees when a query reaches it, and
the statement of a client that went away stopped in the database (issue 12, finding 2).

The slow statements are real: a recursive count to 10^9, statistics over 20,000 commitments
under a limit of a millisecond, and a statement waiting for a lock another connection holds.
Assertions are on what happened (errors, statements sent, pg_stat_activity), never on time."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import pytest_asyncio

from api.settings import Settings
from models.config import connection_config
from models.database import close_database, open_database
from models.sql import rows, sql
from models.statement_timeout import is_statement_timeout
from tests.conftest import POSTGRES_SERVER, ROOT, Database, QueryCounter, _Registry, make_client
from tests.servers import free_port, wait_until_up
from tests.test_statistics import STATISTICS

# About 10^9 rows: minutes on either database, unless stopped.
SLOW = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT COUNT(*) AS n FROM c"
)
# Many commitments in one published promise, written in one statement.
BULK = """INSERT INTO commitment (citizen_promise_id, key, actor, text, position, document_order)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {})
SELECT p.id, 'bulk-' || CAST(n.i AS TEXT), 'KOMMUN', 'Massa.', 100000 + n.i, 100000 + n.i
FROM n, (SELECT MIN(id) AS id FROM citizen_promise WHERE status = 'PUBLISHED') p"""
LIMIT = 0.001  # seconds: statistics over the bulk take about a hundred times longer


def _dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def active_statements(url: str, like: str) -> list[str]:
    """Statements running in the database of `url` whose text contains `like`."""
    connection = await asyncpg.connect(_dsn(url))
    try:
        rows = await connection.fetch(
            "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND state = 'active' AND position($1 in query) > 0",
            like,
        )
    finally:
        await connection.close()
    return [row["query"] for row in rows]


async def gone(url: str, like: str) -> bool:
    """Whether no statement containing `like` runs any more, polled a bounded number of times."""
    for _ in range(200):
        if not await active_statements(url, like):
            return True
        await asyncio.sleep(0.05)
    return False


def test_the_limit_is_a_setting_the_server_opens_both_databases_with(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMVERKAN_STATEMENT_TIMEOUT", "2.5")
    assert Settings.from_environment().statement_timeout == 2.5
    monkeypatch.delenv("SAMVERKAN_STATEMENT_TIMEOUT")
    assert Settings.from_environment().statement_timeout == 5
    postgres = connection_config("postgres://postgres@127.0.0.1:5432/x", 2.5)
    assert isinstance(postgres, dict)
    assert postgres["credentials"]["server_settings"]["statement_timeout"] == "2500"
    sqlite = connection_config("sqlite://data/x.sqlite3", 2.5)
    assert isinstance(sqlite, dict)
    assert (sqlite["engine"], sqlite["credentials"]["statement_timeout"]) == ("models.statement_timeout", 2.5)
    # Commands open without one.
    postgres = connection_config("postgres://postgres@127.0.0.1:5432/x")
    assert isinstance(postgres, dict) and "statement_timeout" not in postgres["credentials"]["server_settings"]
    sqlite = connection_config("sqlite://data/x.sqlite3")
    assert (
        isinstance(sqlite, dict)
        and sqlite["engine"] == "models.sqlite"
        and "statement_timeout" not in sqlite["credentials"]
    )


@pytest_asyncio.fixture
async def limited(seeded: Database) -> AsyncIterator[Database]:
    """The seeded database (only read here) opened as the server opens it, with a limit of 0.2 s."""
    await close_database()
    await open_database(seeded.url, statement_timeout=0.2)
    yield seeded


async def test_a_statement_past_the_limit_is_stopped_and_the_connection_serves_the_next_one(
    limited: Database,
) -> None:
    with pytest.raises(Exception) as stopped:
        await rows(sql.raw(SLOW))
    assert is_statement_timeout(stopped.value), repr(stopped.value)
    assert await rows(sql.raw("SELECT 1 AS one")) == [{"one": 1}]


async def test_a_statement_whose_task_is_cancelled_is_stopped_in_the_database(limited: Database) -> None:
    await close_database()
    await open_database(limited.url, statement_timeout=0)  # no limit: only the cancel stops it
    running = asyncio.ensure_future(rows(sql.raw(SLOW)))
    await asyncio.sleep(0.2)
    if limited.backend == "postgres":
        assert await active_statements(limited.url, "x < 1000000000")
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    if limited.backend == "postgres":
        assert await gone(limited.url, "x < 1000000000")
    # SQLite has one connection: had the count gone on, this would wait for it for minutes.
    assert await asyncio.wait_for(rows(sql.raw("SELECT 2 AS two")), 60) == [{"two": 2}]


@pytest_asyncio.fixture
async def bulk(fresh: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The seed content and 20,000 more commitments, served with a limit of a millisecond."""
    await rows(sql(BULK, 20_000))
    await close_database()
    await open_database(fresh.url, statement_timeout=LIMIT)
    async with make_client(Settings(statement_timeout=LIMIT)) as client:
        yield client


async def test_a_query_past_the_limit_gets_a_clear_timeout_error_and_is_not_run_again(
    bulk: httpx.AsyncClient, sql_counter: QueryCounter
) -> None:
    directive = STATISTICS.replace("filter: $filter)", "filter: $filter) @include(if: true)")
    # The compiled path (api/compiled/), whose timeout is not answered again along the reference
    # path, then planned execution and graphql-core's (a directive) with the compiled path off;
    # both media types answer 200: the request was valid and executed, and a field's error is a
    # GraphQL error, not an HTTP one.
    async with make_client(Settings(statement_timeout=LIMIT, compiled_reads=False)) as reference:
        for client, query, accept, path in (
            (bulk, STATISTICS, "application/json", None),
            (bulk, directive, "application/graphql-response+json", None),
            (reference, STATISTICS, "application/json", None),
            (reference, directive, "application/json", ["commitmentStatistics"]),
        ):
            await _times_out(client, sql_counter, query, accept, path)


async def _times_out(
    client: httpx.AsyncClient, sql_counter: QueryCounter, query: str, accept: str, path: list[str] | None
) -> None:
    before = len(sql_counter.statements)
    response = await client.post(
        "/graphql", json={"query": query, "variables": {"groupBy": ["ACTOR"]}}, headers={"accept": accept}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    [error] = body["errors"]
    assert error["message"].startswith(f"The query took longer than the {LIMIT:g} s limit and was stopped.")
    assert error["extensions"]["code"] == "TIMEOUT"
    assert error.get("path") == path
    assert body["data"] is None
    assert len(sql_counter.statements) - before == 1  # one statement, not sent again


@pytest_asyncio.fixture
async def postgres_server(registry: _Registry, tmp_path: Path) -> AsyncIterator[tuple[str, Database, Path]]:
    """uvicorn on a copy of the seeded PostgreSQL database; its log in a file."""
    database = await registry.copy(await registry.seeded_database("postgres"), "disconnect")
    log = tmp_path / "server.log"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database.url, "SAMVERKAN_STATEMENT_TIMEOUT": "120"}
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", "uvicorn", "api.app:create_app", "--factory", "--no-access-log"),
            *("--host", "127.0.0.1", "--port", str(port)),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_until_up(url, "/readyz", exited=lambda: process.returncode)
        yield url, database, log
    finally:
        process.terminate()
        await process.wait()


async def test_a_client_that_goes_away_stops_its_statement_and_is_logged_as_disconnected(
    postgres_server: tuple[str, Database, Path],
) -> None:
    url, database, log = postgres_server
    assert POSTGRES_SERVER  # PostgreSQL only: the statement is looked for in pg_stat_activity
    # Another session holds the commitments: the statistics statement waits in PostgreSQL
    # (as a long one runs) until it is cancelled, or this session lets go.
    holder = await asyncpg.connect(_dsn(database.url))
    try:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("LOCK TABLE commitment IN ACCESS EXCLUSIVE MODE")
        # The request's statement is the only one active in that database (the holder waits idle
        # in its transaction); pg_stat_activity keeps only its first kilobyte
        # (track_activity_query_size), which for the compiled statement is JSON building.
        marker = "SELECT"
        async with httpx.AsyncClient(base_url=url) as client:
            request = asyncio.ensure_future(
                client.post("/graphql", json={"query": STATISTICS, "variables": {"groupBy": ["ACTOR"]}})
            )
            for _ in range(200):
                if await active_statements(database.url, marker):
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the statistics statement did not start: " + log.read_text())
            request.cancel()  # httpx closes the connection: the client is gone
            with pytest.raises(asyncio.CancelledError):
                await request
        assert await gone(database.url, marker), "the statement still runs after its client left"
        await transaction.rollback()
    finally:
        await holder.close()
    async with httpx.AsyncClient(base_url=url) as client:
        response = await client.post("/graphql", json={"query": "{ counties { code } }"})
        assert response.status_code == 200 and len(response.json()["data"]["counties"]) == 21
    for _ in range(100):  # the access line is written once the answer has gone
        lines = log.read_text(encoding="utf-8").splitlines()
        if any('"POST /graphql" 200' in line for line in lines):
            break
        await asyncio.sleep(0.05)
    disconnected = [line for line in lines if '"POST /graphql" client disconnected' in line]
    assert len(disconnected) == 1, lines
    assert not [line for line in lines if '"POST /graphql" 500' in line or "Traceback" in line], lines
    assert [line for line in lines if '"POST /graphql" 200' in line], lines
