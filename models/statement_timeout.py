"""A time limit on every SQL statement the API server sends, and stopping a statement whose
request was abandoned: one request must not hold the database for long, whatever it asks.

PostgreSQL: the server's pool sets `statement_timeout` on its connections (`server_settings` in
models/config.py), so PostgreSQL itself cancels any statement that runs past it (time waiting
for a lock counts); asyncpg raises `QueryCanceledError`. A request task that is cancelled while
asyncpg waits for a statement makes asyncpg send PostgreSQL a cancel request for it.

SQLite: one connection serves the whole process, each statement in aiosqlite's thread, so a long
statement makes every other request wait for it. `TimedSqliteClient` arms a timer on the event
loop when a statement starts running (after the connection's lock is taken: waiting for other
statements does not count) and calls `sqlite3.Connection.interrupt()` when it fires, or when the
awaiting task is cancelled. `interrupt()` may be called from any thread and stops the statement
in progress between two of its steps; a call while no statement runs has no effect. A progress
handler would do the same, but it calls into Python every few thousand steps of every statement
from aiosqlite's thread, which must wait for the GIL each time the event loop holds it: up to
5 ms a call under load. The timer costs one `call_later` per statement. Only statements outside
a write's transaction are limited on SQLite: an interrupt inside a transaction rolls it back
behind Tortoise's back, and a write holds the connection for one item's few statements anyway.

On PostgreSQL the limit holds for writes too: an editorial write is one transaction of one
item's few statements, so a write that reaches the limit (waiting for another's lock, say)
rolls back whole and its client gets the same TIMEOUT error; nothing is half-written.

Commands an operator runs (`samverkan seed load`, `migrate`, `search reindex`, exports to disk)
open the database without a limit: a whole-country load or an index rebuild may rightly take
longer, and nobody else is waiting on them.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import aiosqlite
from tortoise.backends.sqlite.client import SqliteClient, translate_exceptions

from models.sqlite import ImmediateSqliteClient

T = TypeVar("T")


class StatementTimeout(Exception):
    """A statement ran longer than the limit and was stopped."""

    def __init__(self, limit: float) -> None:
        super().__init__(f"statement stopped after the {limit:g} s limit")
        self.limit = limit


def is_statement_timeout(error: BaseException | None) -> bool:
    """Whether `error` is, or was raised from, a statement stopped by its time limit, on either
    database."""
    from asyncpg.exceptions import QueryCanceledError

    for _ in range(10):  # the chain of causes, not followed forever
        if error is None:
            return False
        if isinstance(error, StatementTimeout):
            return True
        # 57014 is also a cancel request's code; only the time limit's is the request's doing.
        if isinstance(error, QueryCanceledError) and "statement timeout" in str(error):
            return True
        error = error.__cause__
    return False


class TimedSqliteClient(ImmediateSqliteClient):
    """The SQLite client of models/sqlite.py (BEGIN IMMEDIATE) whose statements outside
    transactions stop at `statement_timeout` seconds (None or 0: no limit) or when the task
    awaiting them is cancelled."""

    def __init__(self, file_path: str, statement_timeout: float | str | None = None, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        self.statement_timeout = float(statement_timeout or 0) or None

    # Seconds between interrupts once a statement is past its limit and still not stopped.
    AGAIN = 0.01

    @translate_exceptions
    async def execute_query(self, query: str, values: list[Any] | None = None) -> tuple[int, Sequence[dict[str, Any]]]:
        query = query.replace("\x00", "'||CHAR(0)||'")
        async with self.acquire_connection() as connection:
            self.log.debug("%s: %s", query, values)
            start = connection.total_changes
            rows = await self._limited(connection, connection.execute_fetchall(query, values))
            return (connection.total_changes - start) or len(rows), rows  # type: ignore[return-value]

    @translate_exceptions
    async def execute_query_dict(self, query: str, values: list[Any] | None = None) -> list[dict[str, Any]]:
        query = query.replace("\x00", "'||CHAR(0)||'")
        async with self.acquire_connection() as connection:
            self.log.debug("%s: %s", query, values)
            return list(map(dict, await self._limited(connection, connection.execute_fetchall(query, values))))

    async def _limited(self, connection: aiosqlite.Connection, statement: Awaitable[T]) -> T:
        raw = connection._conn
        loop = asyncio.get_running_loop()
        expired = False
        timer: asyncio.TimerHandle | None = None

        def expire() -> None:
            nonlocal expired, timer
            expired = True
            raw.interrupt()
            # An interrupt while no statement runs is lost: had aiosqlite's thread not started
            # this one yet, the next interrupt stops it.
            timer = loop.call_later(self.AGAIN, expire)

        if self.statement_timeout:
            timer = loop.call_later(self.statement_timeout, expire)
        try:
            return await statement
        except sqlite3.OperationalError as error:
            if expired and self.statement_timeout:
                raise StatementTimeout(self.statement_timeout) from error
            raise
        except asyncio.CancelledError:
            # Nobody waits for the rows any more: stop the statement rather than let the
            # connection, and every request behind it, wait for its end.
            raw.interrupt()
            raise
        finally:
            if timer is not None:
                timer.cancel()


client_class: Callable[..., SqliteClient] = TimedSqliteClient
