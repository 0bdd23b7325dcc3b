"""Tortoise's SQLite client, with write transactions that take the write lock when they begin.

Tortoise begins transactions with a plain (deferred) `BEGIN`: the transaction reads on a
snapshot and asks for the write lock only at its first write. When another process (a
`seed load`, a second server) wrote in between, SQLite cannot upgrade the lock and answers
"database is locked" at once, whatever the busy timeout; a transaction that validated what it
read would be writing on stale data anyway. `BEGIN IMMEDIATE` takes the lock first and waits
for it (up to `busy_timeout`, set in models/config.py); then the transaction reads what it
validates against under the lock. Every transaction here writes (reads run outside
transactions), so they all begin this way. WAL journal mode (Tortoise's default) keeps readers
in other processes reading while a writer works.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
