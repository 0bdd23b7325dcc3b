"""Raw SQL written once with `?` placeholders for both databases: the search tables and the
writers' bulk statements (seed/rows.py). Storage, so the content layer and the API both use it.

The search index is dialect-specific (a tsvector column on PostgreSQL, an FTS5 table on SQLite),
so it is read and written with SQL rather than through models. The client is whatever Tortoise gives
for "default" at the time: inside `in_transaction()` that is the transaction, so the index is
written in the same transaction as the content.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
import orjson
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError, OperationalError

# Bound parameters one statement may carry: SQLite allows 32,766 (since 3.32), asyncpg 32,767.
MAX_PARAMETERS = 32_766
# Rows one multi-row INSERT carries at most: past a few hundred the statement's own cost per row
# no longer falls, while SQLite's compiled statement (kept in its cache) grows with every row.
ROWS_PER_STATEMENT = 1_000


class Sql:
    def __init__(self, client: BaseDBAsyncClient | None = None) -> None:
        self.client = client or connections.get("default")
        self.postgres = self.client.capabilities.dialect == "postgres"

    def _text(self, statement: str) -> str:
        if not self.postgres:
            return statement
        parts = statement.split("?")
        return parts[0] + "".join(f"${number}{part}" for number, part in enumerate(parts[1:], start=1))

    async def rows(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return await self.client.execute_query_dict(self._text(statement), list(params))

    async def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        await self.client.execute_query(self._text(statement), list(params))

    async def many(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            await self.client.execute_many(self._text(statement), [list(row) for row in rows])

    async def insert(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], tail: str = ""
    ) -> list[dict[str, Any]]:
        """Insert the rows (values in the order of `columns`) into `table`, then `tail`
        (ON CONFLICT …, RETURNING …); the rows that RETURNING gives.

        PostgreSQL without a `tail`: one COPY (binary) of all the rows. Otherwise the rows as
        multi-row VALUES lists of up to ROWS_PER_STATEMENT rows, under both databases' limits
        on parameters. Either starts PostgreSQL's executor, and SQLite its statement with the
        search index's virtual table, once per statement where `many` does so once per row.
        Measured on PostgreSQL, 40,000 rows of 5 columns: one INSERT per row 0.22 s in this
        process and 0.58 s in the database, VALUES lists 0.51 s and 0.45 s, COPY 0.11 s and 0.16 s.
        Constraints, triggers and foreign keys hold for COPY as for INSERT; its errors are
        raised as Tortoise's, as the other statements' are."""
        if not rows:
            return []
        if self.postgres and not tail:
            await self._copy(table, columns, rows)
            return []
        width = len(columns)
        names = ", ".join(f'"{column}"' for column in columns)
        row_marks = f"({', '.join('?' for _ in columns)})"
        found: list[dict[str, Any]] = []
        for start in range(0, len(rows), min(ROWS_PER_STATEMENT, MAX_PARAMETERS // width)):
            chunk = rows[start : start + min(ROWS_PER_STATEMENT, MAX_PARAMETERS // width)]
            values = [value for row in chunk for value in row]
            if len(values) != width * len(chunk):
                raise ValueError(f"{table}: every row needs a value for each of {names}")
            statement = f'INSERT INTO "{table}" ({names}) VALUES {", ".join(row_marks for _ in chunk)}{tail}'
            found += await self.rows(statement, values)
        return found

    async def _copy(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.client.log.debug("COPY %s (%s): %d rows", table, ", ".join(columns), len(rows))
        async with self.client.acquire_connection() as connection:
            try:
                await connection.copy_records_to_table(table, columns=list(columns), records=rows)
            except asyncpg.IntegrityConstraintViolationError as error:
                raise IntegrityError(error) from error
            except (asyncpg.SyntaxOrAccessError, asyncpg.DataError) as error:
                raise OperationalError(error) from error


def placeholders(values: Sequence[Any]) -> str:
    """`?, ?, ?` for an IN list (never empty: callers skip empty lists)."""
    return ", ".join("?" for _ in values)


def json_value(value: Any) -> Any:
    """JSON columns come back as text from raw SQL on both databases."""
    if isinstance(value, str | bytes):
        return orjson.loads(value)
    return value
