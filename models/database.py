"""Opening, migrating and (for tests and benchmarks) creating and dropping databases."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api import migrate as run_migrations

from models.config import database_url, tortoise_config
from models.rendered import rerender


async def open_database(
    url: str | None = None, *, short_lived: bool = False, statement_timeout: float | None = None, create: bool = True
) -> None:
    """Open the connections. `short_lived`: for a command that runs and exits, whose PostgreSQL
    pool keeps no idle connection in reserve. `statement_timeout`: for the API server, the
    seconds any one statement may run (0: no limit; None, for commands: no limit), see
    models/statement_timeout.py. Without `create` a SQLite file that is not there is not made
    (empty) on first use: the server answers "not migrated" until `migrate` makes it.

    A pool with a reserve reconnects in the background whenever it closes a connection, and
    asyncpg closes one after 50,000 statements (a whole-country load through the ORM ran more
    in its transaction). A reconnect still negotiating when the command closes the pool is
    cancelled, and asyncpg leaves that negotiation's future failed and unread: "Future exception
    was never retrieved ... unexpected connection_lost() call". Without a reserve there is no
    background reconnect; a command connects when it needs to, and waits for it."""
    # The server's lifespan runs in another task than its requests, so the connections must
    # be reachable from every task, not only through the lifespan's context variable.
    # Tortoise caches prepared INSERT statements by connection name, not by dialect; a process
    # that opens SQLite and then PostgreSQL (the test suite) would reuse the wrong placeholders.
    EXECUTOR_CACHE.clear()
    url = url or database_url()
    if short_lived and is_postgres(url):
        url = _with_query(url, minsize="0")
    await Tortoise.init(config=tortoise_config(url, statement_timeout, create=create), _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()


async def migrate(url: str | None = None) -> int:
    """Apply every migration that is not applied yet (creates a SQLite file if needed), then
    render again the rich text of rows an older renderer made (models/rendered.py); returns
    how many rows were rendered."""
    url = url or database_url()
    _ensure_sqlite_folder(url)
    await run_migrations(config=tortoise_config(url))
    try:
        return await rerender()
    finally:
        await Tortoise.close_connections()


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "asyncpg://"))


def _ensure_sqlite_folder(url: str) -> None:
    if url.startswith("sqlite://") and ":memory:" not in url:
        from pathlib import Path

        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)


def _with_query(url: str, **params: str) -> str:
    """`url` with query parameters added (those it already has are kept as given)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    for name, value in params.items():
        query.setdefault(name, value)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def with_database_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


async def create_postgres_database(server_url: str, name: str) -> str:
    """Create an empty database on the server of `server_url`; returns its URL."""
    import asyncpg

    connection = await asyncpg.connect(_asyncpg_dsn(server_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return with_database_name(server_url, name)


async def drop_postgres_database(server_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(_asyncpg_dsn(server_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def _asyncpg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]
