"""SQLite through Tortoise, with one fix: a failed open must not keep the connection's lock.

Tortoise's `ConnectionWrapper` and `SqliteTransactionContext` take the client's lock and then
open the file. When opening fails ("unable to open database file": a folder that is missing,
a file this user may not write) the lock is never released, and every later statement waits
for it forever: a server whose database could not be opened once hung, instead of answering
503 until the database was there. Here the lock is released when opening (or BEGIN) fails.
And with `create` false (the server's connection) a file that is not there is not created
empty on first use: that is a database with no migration applied (NotMigrated), until
`samverkan migrate` makes it. Selected in models/config.py as the engine for sqlite:// URLs.
"""

from __future__ import annotations

import os
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


def _missing(filename: str) -> bool:
    """One stat, once per connection opened: not worth a thread."""
    return filename != ":memory:" and not os.path.exists(filename)


class SqliteClient(TortoiseSqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        self.create = bool(kwargs.pop("create", True))  # not a PRAGMA, as Tortoise takes other keys
        super().__init__(file_path, **kwargs)

    async def create_connection(self, with_db: bool) -> None:
        if not self._connection and not self.create and _missing(self.filename):
            from models.availability import NotMigrated, describe, expected_migrations

            raise NotMigrated(expected_migrations(), describe(f"sqlite://{self.filename}") + " does not exist and")
        await super().create_connection(with_db)

    def acquire_connection(self) -> ConnectionWrapper[Any]:
        return _ConnectionWrapper(self._lock, self)

    def _in_transaction(self) -> _TransactionContext:
        return _TransactionContext(SqliteTransactionWrapper(self), self._lock)


client_class = SqliteClient
