"""Tortoise's SQLite client, with write transactions that take the write lock when they begin,
and wait for it without holding up the process's reads.

Tortoise begins transactions with a plain (deferred) `BEGIN`: the transaction reads on a
snapshot and asks for the write lock only at its first write. When another process (a
`seed load`, a second server) wrote in between, SQLite cannot upgrade the lock and answers
"database is locked" at once, whatever the busy timeout; a transaction that validated what it
read would be writing on stale data anyway. `BEGIN IMMEDIATE` takes the lock first; then the
transaction reads what it validates against under the lock. Every transaction here writes
(reads run outside transactions), so they all begin this way. WAL journal mode (Tortoise's
default) keeps readers in other processes reading while a writer works.

Tortoise's SQLite client has one connection per process behind one asyncio lock. Waiting for
the write lock inside `BEGIN IMMEDIATE` (SQLite's busy handler) would hold that lock, and every
read of the process would wait with it, for as long as a `seed load` in another process runs.
So a transaction tries `BEGIN IMMEDIATE` without waiting, and while another process has the
lock it lets go of the connection, sleeps a little and tries again, up to the connection's
busy timeout (models/config.py); then it fails with "database is locked" (models.transactions
makes that "busy, try again").

Two more fixes of Tortoise's client. Its `ConnectionWrapper` takes the client's lock and then
opens the file; when opening fails ("unable to open database file": a missing folder, a file
this user may not write) the lock is never released, and every later statement would wait for
it forever: a server whose database could not be opened once would hang instead of answering
503 until the database is there. Here the lock is released when opening (or BEGIN) fails. And
with `create` false (the server's connection) a file that is not there is not created empty on
first use: that is a database with no migration applied (NotMigrated) until `samverkan migrate`
makes it.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from typing import Any

from tortoise.backends.base.client import ConnectionWrapper, TransactionalDBClient, TransactionContext
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError

from models.availability import NotMigrated, describe, expected_migrations

# Between tries while another process writes: from 2 ms, doubling, at most 50 ms.
_FIRST_PAUSE = 0.002
_LONGEST_PAUSE = 0.05


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def try_begin(self) -> bool:
        """BEGIN IMMEDIATE if the write lock is free now; False if another process holds it."""
        connection = self._connection
        await connection.commit()
        async with connection.execute("PRAGMA busy_timeout") as cursor:
            row = await cursor.fetchone()
        wait_ms = int(row[0]) if row else 0
        await connection.execute("PRAGMA busy_timeout = 0")
        try:
            await connection.execute("BEGIN IMMEDIATE")
            return True
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return False
            raise TransactionManagementError(exc) from exc
        finally:
            await connection.execute(f"PRAGMA busy_timeout = {wait_ms}")

    async def busy_timeout(self) -> float:
        async with self._connection.execute("PRAGMA busy_timeout") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) / 1000 if row else 0.0


class ImmediateTransactionContext(SqliteTransactionContext):
    connection: ImmediateTransactionWrapper

    async def __aenter__(self) -> TransactionalDBClient:
        pause = _FIRST_PAUSE
        deadline: float | None = None
        while True:
            await self._trxlock.acquire()
            try:
                await self.ensure_connection()
                if deadline is None:
                    deadline = time.monotonic() + await self.connection.busy_timeout()
                if await self.connection.try_begin():
                    break
            except BaseException:
                self._trxlock.release()
                raise
            self._trxlock.release()
            if time.monotonic() >= deadline:
                raise TransactionManagementError("database is locked (by another process, past the busy timeout)")
            await asyncio.sleep(pause)
            pause = min(pause * 2, _LONGEST_PAUSE)
        self.token = get_connections().set(self.connection_name, self.connection)
        return self.connection


class _ConnectionWrapper(ConnectionWrapper[Any]):
    async def __aenter__(self) -> Any:
        await self._lock.acquire()
        try:
            await self.ensure_connection()
        except BaseException:
            self._lock.release()
            raise
        return self.connection


def _missing(filename: str) -> bool:
    """One stat, once per connection opened: not worth a thread."""
    return filename != ":memory:" and not os.path.exists(filename)


class ImmediateSqliteClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        self.create = bool(kwargs.pop("create", True))  # not a PRAGMA, as Tortoise takes other keys
        super().__init__(file_path, **kwargs)

    async def create_connection(self, with_db: bool) -> None:
        if not self._connection and not self.create and _missing(self.filename):
            raise NotMigrated(expected_migrations(), describe(f"sqlite://{self.filename}") + " does not exist and")
        await super().create_connection(with_db)

    def acquire_connection(self) -> ConnectionWrapper[Any]:
        return _ConnectionWrapper(self._lock, self)

    def _in_transaction(self) -> TransactionContext:
        return ImmediateTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
