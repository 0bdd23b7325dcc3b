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

import orjson
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

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

    async def insert(self, head: str, rows: Sequence[Sequence[Any]], tail: str = "") -> list[dict[str, Any]]:
        """`head` ("INSERT INTO t (a, b)") with the rows as one VALUES list, in as few statements
        as the parameter limit allows, then `tail` (ON CONFLICT …, RETURNING …); the rows that
        RETURNING gives. Where `many` runs the statement once per row, this runs it once per
        1,000 rows: PostgreSQL starts its executor (and SQLite its statement,
        with the search index's virtual table) once per statement instead of per row."""
        found: list[dict[str, Any]] = []
        if not rows:
            return found
        width = len(rows[0])
        per_statement = min(ROWS_PER_STATEMENT, MAX_PARAMETERS // width)
        row_marks = f"({placeholders(rows[0])})"
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = [value for row in chunk for value in row]
            if len(values) != width * len(chunk):
                raise ValueError(f"{head}: every row of one statement needs {width} values")
            statement = f"{head} VALUES {', '.join(row_marks for _ in chunk)}{tail}"
            found += await self.rows(statement, values)
        return found


def placeholders(values: Sequence[Any]) -> str:
    """`?, ?, ?` for an IN list (never empty: callers skip empty lists)."""
    return ", ".join("?" for _ in values)


def json_value(value: Any) -> Any:
    """JSON columns come back as text from raw SQL on both databases."""
    if isinstance(value, str | bytes):
        return orjson.loads(value)
    return value
