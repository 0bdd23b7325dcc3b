"""Opening, migrating and (for tests and benchmarks) creating and dropping databases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import tortoise.models
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.filters import FilterInfoDict
from tortoise.migrations.api import migrate as run_migrations
from tortoise.migrations.schema_generator.state import ModelState
from tortoise.migrations.schema_generator.state_apps import StateApps

from models.config import database_url, tortoise_config
from models.rendered import rerender

T = TypeVar("T")


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
    with _state_only_replay():
        await run_migrations(config=tortoise_config(url))
    try:
        return await rerender()
    finally:
        await Tortoise.close_connections()


# Set while Tortoise makes a historical model class (the migrations' state), never for the app's own.
_REPLAYING: ContextVar[bool] = ContextVar("replaying_migration_state", default=False)


@contextmanager
def _state_only_replay() -> Iterator[None]:
    """Tortoise replays the model state of every operation before it (152 here) to write its
    DDL: before each one it clones the state, making every model class again, and each new class
    gets its query filters (about twenty per field, `tortoise.filters.get_filters_for_field`) and
    its querysets (`StateApps._build_initial_querysets`). The DDL needs neither; only ORM queries
    on the historical models would, and our migrations' `RunPython` steps write SQL through
    `schema_editor.client` instead (a new one must too). Tortoise itself skips the querysets when
    it has no database (its "state-only mode"); this skips both while migrations run, for the
    historical classes only: the app's own models, set up by the same run's `Tortoise.init` (and
    used afterwards in the same process, as the tests do), keep their filters. Measured
    2026-12-01 on an empty database: 12.5 s of CPU to 3.0 s on SQLite, 13.1 s to 3.5 s on
    PostgreSQL (machine loaded; about 6 s to 1.5 s idle), with the schema (SQLite's
    `sqlite_master`, `pg_dump --schema-only`) and the applied migrations identical to what stock
    Tortoise makes. It reaches into Tortoise's internals, which is why pyproject.toml pins
    Tortoise to its minor version."""
    module = vars(tortoise.models)  # ModelMeta and MetaInfo look the function up there
    filters = module["get_filters_for_field"]
    render, relations, querysets = ModelState.render, StateApps._init_relations, StateApps._build_initial_querysets

    def filters_unless_replaying(field_name: str, field: Any, source_field: str) -> dict[str, FilterInfoDict]:
        return {} if _REPLAYING.get() else filters(field_name, field, source_field)  # type: ignore[no-any-return]

    def replaying(method: Callable[..., T]) -> Callable[..., T]:
        def replayed(*args: Any, **kwargs: Any) -> T:
            token = _REPLAYING.set(True)
            try:
                return method(*args, **kwargs)
            finally:
                _REPLAYING.reset(token)

        return replayed

    module["get_filters_for_field"] = filters_unless_replaying
    ModelState.render = replaying(render)  # type: ignore[method-assign]
    StateApps._init_relations = replaying(relations)  # type: ignore[method-assign]
    StateApps._build_initial_querysets = lambda self: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        module["get_filters_for_field"] = filters
        ModelState.render = render  # type: ignore[method-assign]
        StateApps._init_relations = relations  # type: ignore[method-assign]
        StateApps._build_initial_querysets = querysets  # type: ignore[method-assign]


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
