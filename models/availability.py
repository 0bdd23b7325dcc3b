"""What a failure to use the database means: unreachable, missing, refused, or not migrated.

Each driver says "the database is not there" in its own words. asyncpg raises `OSError`s
(`ConnectionRefusedError`, `socket.gaierror`, `TimeoutError`) or `PostgresError`s that name a
missing database or role; Tortoise wraps some of them in `DBConnectionError` (itself an
`OSError`); SQLite says "unable to open database file", wrapped in Tortoise's
`OperationalError`. A database that was never migrated fails later, on the first table a
statement names ("no such table", `UndefinedTableError`).

This module is the one place that tells them apart. The API answers every one of them 503 with
`Retry-After` (`api/http/unavailable.py`), the CLI exits 3 with a line or two
(`seed/errors.py`); both take their words from here. Applied migrations are the rows Tortoise's
migration recorder keeps in `tortoise_migrations` (app, name); the expected ones are the modules
of `models/migrations/`, as Tortoise's loader reads them.
"""

from __future__ import annotations

import os
import pkgutil
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
from tortoise import Tortoise
from tortoise.exceptions import DBConnectionError

from models.config import database_url
from models.database import is_postgres

MIGRATIONS_APP = "models"
MIGRATE_FIX = "run `samverkan migrate` first"


class DatabaseUnavailable(Exception):
    """The database cannot be used now. `str()` is for the operator (logs, CLI): what is wrong
    and where; `public` is what an API client is told; `fix` what to do, when we can tell."""

    public = "the database is unavailable"
    code = "DATABASE_UNAVAILABLE"

    def __init__(self, detail: str, fix: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fix = fix


class NotMigrated(DatabaseUnavailable):
    public = "database not migrated: run `samverkan migrate`"
    code = "DATABASE_NOT_MIGRATED"

    def __init__(self, missing: list[str], where: str) -> None:
        super().__init__(f"{where} is not migrated (missing: {', '.join(missing)})", MIGRATE_FIX)
        self.missing = missing


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, resolved as SQLite will open it: `sqlite://data/x` is relative
    to the working directory, `sqlite:///srv/x` absolute. None for other URLs and `:memory:`."""
    if not url.startswith("sqlite://") or ":memory:" in url:
        return None
    return Path(os.path.abspath(url.removeprefix("sqlite://").split("?", 1)[0]))


def server_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


def describe(url: str) -> str:
    """Where a URL points, in words: `PostgreSQL database `x` on host:port` or `SQLite file /abs`."""
    path = sqlite_path(url)
    if path is not None:
        return f"the SQLite database {path}"
    if is_postgres(url):
        return f"the PostgreSQL database `{urlsplit(url).path.lstrip('/')}` on {server_of(url)}"
    return "the database"


def open_url() -> str:
    """The URL of the open default connection (what it really uses, whatever the environment
    says); DATABASE_URL when none is open."""
    try:
        connection = Tortoise.get_connection("default")
    except Exception:  # not initialised: nothing is open
        return database_url()
    filename = getattr(connection, "filename", None)
    if filename is not None:
        return f"sqlite://{filename}"
    user, host, port, name = (getattr(connection, a, None) for a in ("user", "host", "port", "database"))
    return f"postgres://{user or 'postgres'}@{host or 'localhost'}:{port or 5432}/{name or ''}"


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, what caused it, and what Tortoise wrapped in its arguments."""
    seen: set[int] = set()
    waiting = [error]
    while waiting and len(seen) < 20:
        current = waiting.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        waiting += [e for e in (current.__cause__, current.__context__) if e is not None]
        waiting += [arg for arg in current.args if isinstance(arg, BaseException)]


def outage(error: BaseException, url: str | None = None) -> DatabaseUnavailable | None:
    """The outage `error` reports, or None when it is some other failure (a bug, bad input).
    Errors a driver words precisely are looked for first, anywhere in the chain; bare network
    errors after them (Tortoise's DBConnectionError is itself an OSError)."""
    url = url or open_url()
    chain = list(_chain(error))
    for cause in chain:
        if isinstance(cause, DatabaseUnavailable):
            return cause
        found = _precise(cause, url)
        if found is not None:
            return found
    for cause in chain:
        found = _network(cause, url)
        if found is not None:
            return found
    return None


def _precise(error: BaseException, url: str) -> DatabaseUnavailable | None:
    server = server_of(url)
    if isinstance(error, asyncpg.InvalidCatalogNameError):
        name = urlsplit(url).path.lstrip("/")
        return DatabaseUnavailable(
            f"the database `{name}` does not exist on {server}",
            f"create it (`createdb -h {server.replace(':', ' -p ')} {name}`) or correct DATABASE_URL,"
            " then run `samverkan migrate`",
        )
    if isinstance(error, asyncpg.InvalidAuthorizationSpecificationError):
        return DatabaseUnavailable(
            f"PostgreSQL on {server} refused the login: {error}",
            "correct the user (and password) in DATABASE_URL, or create the role",
        )
    if isinstance(error, asyncpg.TooManyConnectionsError):
        return DatabaseUnavailable(
            f"PostgreSQL on {server} has no free connections: {error}",
            "lower SAMVERKAN_DB_POOL_SIZE or WORKERS, or raise the server's max_connections",
        )
    if isinstance(
        error,
        asyncpg.CannotConnectNowError
        | asyncpg.AdminShutdownError
        | asyncpg.CrashShutdownError
        | asyncpg.PostgresConnectionError,
    ):
        return DatabaseUnavailable(f"PostgreSQL on {server} is unavailable: {error}")
    if isinstance(error, sqlite3.OperationalError) and "unable to open database file" in str(error):
        return DatabaseUnavailable(
            f"cannot open {describe(url)}",
            "does its folder exist, and may this user write there? (DATABASE_URL=sqlite://a/b is"
            " relative to the working directory, sqlite:///a/b absolute)",
        )
    return None


def _network(error: BaseException, url: str) -> DatabaseUnavailable | None:
    if not is_postgres(url):
        return None
    server = server_of(url)
    if isinstance(error, ConnectionRefusedError):
        return DatabaseUnavailable(
            f"cannot reach PostgreSQL on {server}: connection refused", "is the server running on that port?"
        )
    if isinstance(error, socket.gaierror):
        return DatabaseUnavailable(
            f"cannot reach PostgreSQL on {server}: the host name does not resolve ({error.strerror})",
            "correct the host in DATABASE_URL",
        )
    if isinstance(error, TimeoutError):
        return DatabaseUnavailable(f"PostgreSQL on {server} did not answer in time")
    if isinstance(error, DBConnectionError | OSError):
        return DatabaseUnavailable(f"cannot reach PostgreSQL on {server}: {error}")
    return None


def is_missing_table(error: BaseException) -> bool:
    for cause in _chain(error):
        if isinstance(cause, asyncpg.UndefinedTableError):
            return True
        if isinstance(cause, sqlite3.OperationalError) and str(cause).startswith("no such table"):
            return True
    return False


def expected_migrations() -> list[str]:
    import models.migrations as package

    return sorted(
        name for _, name, is_package in pkgutil.iter_modules(package.__path__) if not is_package and name[0] not in "_~"
    )


async def missing_migrations() -> list[str]:
    """The migrations of `models/migrations/` the open database has not applied, in order.
    One statement; raises the driver's error when the database cannot be reached."""
    connection = Tortoise.get_connection("default")
    try:
        rows = await connection.execute_query_dict(
            f"SELECT name FROM tortoise_migrations WHERE app = '{MIGRATIONS_APP}'"
        )
    except Exception as error:
        if not is_missing_table(error):
            raise
        rows = []
    applied = {row["name"] for row in rows}
    return [name for name in expected_migrations() if name not in applied]


async def check_database(url: str | None = None) -> None:
    """Raise DatabaseUnavailable (NotMigrated when migrations are missing) unless the open
    database is reachable and fully migrated."""
    url = url or open_url()
    try:
        missing = await missing_migrations()
    except Exception as error:
        found = outage(error, url)
        if found is None or found is error:
            raise
        raise found from error
    if missing:
        raise NotMigrated(missing, describe(url))


async def explain(error: BaseException, url: str | None = None) -> DatabaseUnavailable | None:
    """`outage(error)`, and for a missing table whether that is because migrations are missing
    (one statement, only then): otherwise a missing table is a bug, not an outage."""
    found = outage(error, url)
    if found is not None or not is_missing_table(error):
        return found
    try:
        await check_database(url)
    except DatabaseUnavailable as unavailable:
        return unavailable
    return None
