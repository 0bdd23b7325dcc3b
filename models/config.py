"""The Tortoise configuration, read from DATABASE_URL (SQLite file by default)."""

from __future__ import annotations

import os
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

DEFAULT_DATABASE_URL = "sqlite://data/samverkan.sqlite3"
# PostgreSQL connections per process (each worker of `samverkan serve`, each CLI command). A
# server's connections are workers × hosts × pool; they must stay under max_connections (100 by
# default) less a reserve for migrations, backups, psql and superusers: 8 lets 2 hosts × 5 workers
# (80) fit. The benchmark (bench/run.py) runs its servers with 16, as it was measured.
DEFAULT_POOL_SIZE = 8
DEFAULT_LOCK_WAIT = 5.0

MODEL_MODULES = [
    "models.geography",
    "models.people",
    "models.agreements",
    "models.promises",
    "models.followups",
    "models.services",
    "models.editorial",
]


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    # Tortoise spells the asyncpg scheme "postgres"; accept the usual libpq spellings too.
    for alias in ("postgresql://", "postgresql+asyncpg://"):
        if url.startswith(alias):
            url = "postgres://" + url.removeprefix(alias)
    return url


def pool_size() -> int:
    value = os.environ.get("SAMVERKAN_DB_POOL_SIZE", "")
    return int(value) if value.strip() else DEFAULT_POOL_SIZE


async def _keep_session(connection: Any) -> None:
    """asyncpg's pool resets each connection it gets back with a query of its own: a second round
    trip for every statement, since Tortoise takes a pooled connection per statement. Nothing here
    changes session state (no SET, LISTEN, advisory locks or cursors outside transactions, which
    asyncpg rolls back itself), so there is nothing to reset."""


def lock_wait() -> float:
    """Seconds a write waits for a lock another writer holds (a running `seed load`, a write to
    the same item) before it gives up with "busy, try again": SQLite's busy timeout and
    PostgreSQL's lock_timeout."""
    return float(os.environ.get("SAMVERKAN_LOCK_WAIT") or DEFAULT_LOCK_WAIT)


def connection_config(url: str, statement_timeout: float | None = None, *, create: bool = True) -> str | dict[str, Any]:
    """`statement_timeout`: None for commands (no limit); seconds any one statement may run for
    the API server (0: no limit), see models/statement_timeout.py. `create`: whether opening a
    SQLite file that is not there creates it (empty). A URL of neither database is returned as
    it is, for Tortoise to refuse (the CLI explains it first: seed/errors.py)."""
    if not url.startswith(("sqlite://", "postgres://")):
        return url
    config = expand_db_url(url)
    wait_ms = int(lock_wait() * 1000)
    if not url.startswith("postgres://"):
        # BEGIN IMMEDIATE for every transaction (models/sqlite.py), and for the server a time
        # limit on statements (models/statement_timeout.py, built on the same client); WAL is
        # Tortoise's default.
        # The server's client (any `statement_timeout`, 0 too) also stops a cancelled statement.
        config["engine"] = "models.sqlite" if statement_timeout is None else "models.statement_timeout"
        if statement_timeout is not None:
            config["credentials"]["statement_timeout"] = statement_timeout
        config["credentials"].setdefault("busy_timeout", wait_ms)
        config["credentials"]["create"] = create
        return config
    config["credentials"]["reset"] = _keep_session
    # A `maxsize` in the URL's query wins over the setting.
    config["credentials"].setdefault("maxsize", pool_size())
    # Statements are prepared once per connection and their shapes never vary (a set of keys is
    # one array parameter). With PostgreSQL's default it plans most executions again for their
    # values: that planning was about half of the database's time on a municipality page.
    settings = {"plan_cache_mode": "force_generic_plan", "lock_timeout": str(wait_ms)}
    if statement_timeout:
        # In milliseconds; PostgreSQL cancels a statement past it (lock waits included).
        settings["statement_timeout"] = str(max(1, round(statement_timeout * 1000)))
    config["credentials"]["server_settings"] = settings
    return config


def tortoise_config(
    url: str | None = None, statement_timeout: float | None = None, *, create: bool = True
) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(url or database_url(), statement_timeout, create=create)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


TORTOISE_ORM = tortoise_config()
