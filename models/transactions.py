"""Write transactions that are serialisable in effect, on both databases.

Every write reads what it validates against inside its transaction, after taking the locks
that keep it true until the commit:

- SQLite has one writer at a time: every transaction begins with `BEGIN IMMEDIATE`
  (models/sqlite.py), so everything a write reads is read under the write lock.
- PostgreSQL (READ COMMITTED) locks rows: the item a write changes `FOR NO KEY UPDATE` (`FOR
  UPDATE` to delete it), the items it refers to `FOR KEY SHARE` (they must go on existing) or
  `FOR SHARE` (their content matters too: a follow-up names its promise's commitments).
  References follow the content model's order (organisations, contacts and agreements before
  promises, promises before follow-ups), so two writes never wait on each other in a circle.
  A seed load changes thousands of rows in that order and more; instead of row locks it takes
  an exclusive advisory lock (`write_transaction(exclusive=True)`; so do erasure and the
  search reindex), and every API write the shared one: a load never interleaves with API
  writes, and two loads go one after the other.

A lock held by another writer is waited for up to `SAMVERKAN_LOCK_WAIT` seconds
(models/config.py); after that the write fails with `Busy` and nothing is written. Deadlocks and
serialisation failures (PostgreSQL detects them and aborts one side) are `Busy` too, so callers
can retry them a bounded number of times.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from enum import StrEnum
from typing import Any

from tortoise import connections
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.config import lock_wait

# The advisory lock key of content writes ("samverkan" in ASCII, truncated to 64 bits).
CONTENT_LOCK = 0x73616D7665726B61

# Set while an exclusive transaction runs (in its task): no other content write runs then.
_EXCLUSIVE: ContextVar[bool] = ContextVar("exclusive_write", default=False)


def in_exclusive_write() -> bool:
    """Whether this runs inside `write_transaction(exclusive=True)`: no other content write
    can run until it ends."""
    return _EXCLUSIVE.get()


# An exclusive transaction (a seed load) waits this long for another one to finish.
LOAD_WAIT = 120.0

# SQLSTATEs of a lock not had in time (55P03), a deadlock (40P01), a serialisation failure (40001).
_BUSY_STATES = {"55P03", "40P01", "40001"}
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")


class Lock(StrEnum):
    UPDATE = "FOR UPDATE"
    NO_KEY_UPDATE = "FOR NO KEY UPDATE"
    SHARE = "FOR SHARE"
    KEY_SHARE = "FOR KEY SHARE"


class Busy(Exception):
    """Another writer held what this write needed for longer than the wait (or a deadlock)."""

    def __init__(self, waited: float) -> None:
        super().__init__(
            "the content is being written by someone else (a seed load or another edit), and did not"
            f" become free within {waited:g} s; nothing was changed, try again"
        )


def busy_cause(error: BaseException) -> BaseException | None:
    """The database's "busy" error behind `error` (as Tortoise wraps it), or None."""
    seen: BaseException | None = error
    while seen is not None:
        if getattr(seen, "sqlstate", None) in _BUSY_STATES:
            return seen
        if any(text in str(seen).lower() for text in _SQLITE_BUSY):
            return seen
        seen = seen.__cause__ or (seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None)
    return None


def postgres() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")


@asynccontextmanager
async def write_transaction(*, exclusive: bool = False) -> AsyncIterator[None]:
    """One write as one transaction. `exclusive`: one that rewrites content in bulk (seed load,
    erasure, search reindex) and excludes every other content write while it runs.
    Raises Busy when a lock was not had in time (nothing written)."""
    client = connections.get("default")
    on_postgres = client.capabilities.dialect == "postgres"
    try:
        if exclusive and not on_postgres:
            await client.execute_script(f"PRAGMA busy_timeout = {int(LOAD_WAIT * 1000)}")
        async with in_transaction() as transaction:
            if on_postgres:
                if exclusive:
                    await transaction.execute_script(f"SET LOCAL lock_timeout = '{int(LOAD_WAIT)}s'")
                function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
                await transaction.execute_query(f"SELECT {function}({CONTENT_LOCK})")
            token = _EXCLUSIVE.set(exclusive)
            try:
                yield
            finally:
                _EXCLUSIVE.reset(token)
    except Exception as error:
        cause = busy_cause(error)
        if cause is None:
            raise
        raise Busy(LOAD_WAIT if exclusive else lock_wait()) from error
    finally:
        if exclusive and not on_postgres:
            await client.execute_script(f"PRAGMA busy_timeout = {int(lock_wait() * 1000)}")


async def lock_rows(model: type[Model], slugs: Sequence[str], lock: Lock | None) -> list[dict[str, Any]]:
    """The id, slug and revision (when the model has one) of the rows with these slugs; with
    `lock`, locked until the transaction ends on PostgreSQL (SQLite's write lock covers the
    whole database)."""
    if not slugs:
        return []
    client = connections.get("default")
    columns = '"id", "slug"' + (', "revision"' if "revision" in model._meta.fields_map else "")
    found: list[dict[str, Any]] = []
    wanted = sorted(set(slugs))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        table = f'"{model._meta.db_table}"'
        if client.capabilities.dialect == "postgres":
            mode = lock.value if lock else ""
            statement = f'SELECT {columns} FROM {table} WHERE "slug" = ANY($1::text[]) ORDER BY "id" {mode}'
            found += await client.execute_query_dict(statement, [chunk])
        else:
            marks = ", ".join("?" for _ in chunk)
            found += await client.execute_query_dict(f'SELECT {columns} FROM {table} WHERE "slug" IN ({marks})', chunk)
    return found
