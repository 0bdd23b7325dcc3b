"""Keyset pagination in SQL: the cursor holds the sort key of the last row given out, so pages
stay stable while content changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from api.core.inputs import BadInput
from api.core.loaders import Row
from api.core.relay import Connection, PageRequest, connection, encode_cursor
from api.core.sql import NOTHING, Decode, Statement
from models import bounds

T = TypeVar("T")


@dataclass(frozen=True)
class SortKey:
    """One column of a list's order: its SQL expression and the name it is selected as."""

    expression: str
    name: str
    descending: bool = False
    is_date: bool = False
    is_number: bool = False

    def bind(self, statement: Statement, index: int, value: Any) -> str:
        """Dates travel in cursors as ISO text; compare them as dates on every database. A value
        of another type than the column's (a cursor of another list, or made up) is refused
        here rather than by the database."""
        if value is None:
            return statement.bind(f"after_{index}", value)
        if self.is_date and isinstance(value, str):
            try:
                return statement.date(f"after_{index}", bounds.date(dt.date.fromisoformat(value)))
            except ValueError:
                raise _not_a_cursor() from None
        if self.is_number and isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**31:
            return statement.bind(f"after_{index}", value)
        if not self.is_date and not self.is_number and isinstance(value, str) and "\x00" not in value:
            return statement.bind(f"after_{index}", value)
        raise _not_a_cursor()


def _not_a_cursor() -> BadInput:
    return BadInput("after", "is not a cursor this list gave out")


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _after(statement: Statement, keys: Sequence[SortKey], values: Sequence[Any]) -> str:
    """Rows after the cursor's: the first key beyond it, or equal on it and beyond on the next…"""
    bound = [key.bind(statement, index, value) for index, (key, value) in enumerate(zip(keys, values, strict=True))]
    clauses = []
    for index, key in enumerate(keys):
        equal = [f"{keys[i].expression} = {bound[i]}" for i in range(index)]
        beyond = f"{key.expression} {'<' if key.descending else '>'} {bound[index]}"
        clauses.append("(" + " AND ".join([*equal, beyond]) + ")")
    return "(" + " OR ".join(clauses) + ")"


async def paginate(
    statement: Statement,
    *,
    columns: str,
    tables: str,
    where: Sequence[str],
    keys: Sequence[SortKey],
    request: PageRequest,
    build: Callable[[Row], T],
    decode: Decode = NOTHING,
    prefetch: Callable[[list[Row]], Awaitable[None]] | None = None,
) -> Connection[T]:
    """One statement for the page (one row more, to know if there is a next page) and the total;
    then `prefetch` loads what the query asks of the page's items (api/prefetch.py)."""
    condition = " AND ".join(where) or "1 = 1"
    # Uncorrelated, so the database counts once per statement, not per row.
    count = f"(SELECT COUNT(*) FROM {tables} WHERE {condition})"
    page = condition
    if request.after is not None:
        page += f" AND {_after(statement, keys, request.after)}"
    order = ", ".join(f"{key.expression}{' DESC' if key.descending else ''}" for key in keys)
    sort_columns = ", ".join(f"{key.expression} AS {key.name}" for key in keys)
    limit = statement.bind("limit", request.first + 1)
    rows = await statement.rows(
        f"SELECT {columns}, {sort_columns}, {count} AS total_count FROM {tables}"
        f" WHERE {page} ORDER BY {order} LIMIT {limit}",
        decode + Decode(dates=tuple(key.name for key in keys if key.is_date)),
    )
    if rows:
        total = rows[0]["total_count"]
    elif request.after is None:
        total = 0  # nothing matches at all
    else:
        total = (await statement.rows(f"SELECT {count} AS total_count"))[0]["total_count"]
    has_next = len(rows) > request.first
    rows = rows[: request.first]
    if prefetch is not None:
        await prefetch(rows)
    cursors = [encode_cursor([_json_value(row[key.name]) for key in keys]) for row in rows]
    return connection([build(row) for row in rows], cursors, request=request, has_next=has_next, total=int(total))
