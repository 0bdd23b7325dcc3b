"""SQLite through Tortoise, with one fix: a failed open must not keep the connection's lock.

Tortoise's `ConnectionWrapper` and `SqliteTransactionContext` take the client's lock and then
open the file. When opening fails ("unable to open database file": a folder that is missing,
a file this user may not write) the lock is never released, and every later statement waits
for it forever: a server whose database could not be opened once hung, instead of answering
503 until the database was there. Here the lock is released when opening (or BEGIN) fails.
Selected in models/config.py as the engine for sqlite:// URLs.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import ConnectionWrapper, TransactionalDBClient
from tortoise.backends.sqlite.client import SqliteClient as TortoiseSqliteClient
from tortoise.backends.sqlite.client import SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.connection import get_connections


class _ConnectionWrapper(ConnectionWrapper[Any]):
    async def __aenter__(self) -> Any:
        await self._lock.acquire()
        try:
            await self.ensure_connection()
        except BaseException:
            self._lock.release()
            raise
        return self.connection


class _TransactionContext(SqliteTransactionContext):
    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        return self.connection  # type: ignore[no-any-return]


class SqliteClient(TortoiseSqliteClient):
    def acquire_connection(self) -> ConnectionWrapper[Any]:
        return _ConnectionWrapper(self._lock, self)

    def _in_transaction(self) -> _TransactionContext:
        return _TransactionContext(SqliteTransactionWrapper(self), self._lock)


client_class = SqliteClient
