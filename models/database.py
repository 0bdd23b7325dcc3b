"""Opening, migrating and (for tests and benchmarks) creating and dropping databases."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api import migrate as run_migrations

from models.config import database_url, tortoise_config


async def open_database(url: str | None = None) -> None:
    # The server's lifespan runs in another task than its requests, so the connections must
    # be reachable from every task, not only through the lifespan's context variable.
    # Tortoise caches prepared INSERT statements by connection name, not by dialect; a process
    # that opens SQLite and then PostgreSQL (the test suite) would reuse the wrong placeholders.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url or database_url()), _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()


async def migrate(url: str | None = None) -> None:
    """Apply every migration that is not applied yet (creates a SQLite file if needed)."""
    url = url or database_url()
    _ensure_sqlite_folder(url)
    await run_migrations(config=tortoise_config(url))
    await Tortoise.close_connections()


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "asyncpg://"))


def _ensure_sqlite_folder(url: str) -> None:
    if url.startswith("sqlite://") and ":memory:" not in url:
        from pathlib import Path

        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)


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
