"""Keyset pagination in SQL: the cursor holds the sort key of the last row given out, so pages
stay stable while content changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from api.context import Context
from api.core.inputs import BadInput
from api.core.loaders import Row
from api.core.relay import Connection, PageRequest, connection, encode_cursor
from api.core.sql import NOTHING, Decode
from models import bounds
from models.sql import Fragment, all_of, sql

T = TypeVar("T")


@dataclass(frozen=True)
class SortKey:
    """One column of a list's order: its SQL expression and the name it is selected as."""

    expression: str | Fragment
    name: str
    descending: bool = False
    is_date: bool = False
    is_number: bool = False

    @property
    def sql(self) -> Fragment:
        return sql.raw(self.expression) if isinstance(self.expression, str) else self.expression

    @property
    def ordered(self) -> Fragment:
        """The key as ORDER BY takes it."""
        return self.sql + sql.raw(" DESC") if self.descending else self.sql

    def bind(self, value: Any) -> Fragment:
        """Dates travel in cursors as ISO text; compare them as dates on every database. A value
        of another type than the column's (a cursor of another list, or made up) is refused
        here rather than by the database."""
        if value is None:
            return sql.value(value)
        if self.is_date and isinstance(value, str):
            try:
                return sql.value(bounds.date(dt.date.fromisoformat(value)))
            except ValueError:
                raise _not_a_cursor() from None
        if self.is_number and isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**31:
            return sql.value(value)
        if not self.is_date and not self.is_number and isinstance(value, str) and "\x00" not in value:
            return sql.value(value)
        raise _not_a_cursor()


def _not_a_cursor() -> BadInput:
    return BadInput("after", "is not a cursor this list gave out")


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def after_sql(keys: Sequence[SortKey], values: Sequence[Any]) -> Fragment:
    """Rows after the cursor's: the first key beyond it, or equal on it and beyond on the next…"""
    bound = [key.bind(value) for key, value in zip(keys, values, strict=True)]
    clauses = []
    for index, key in enumerate(keys):
        equal = [sql("{} = {}", keys[i].sql, bound[i]) for i in range(index)]
        beyond = sql("{} {} {}", key.sql, sql.raw("<" if key.descending else ">"), bound[index])
        clauses.append(sql("({})", sql.join([*equal, beyond], " AND ")))
    return sql("({})", sql.join(clauses, " OR "))


def order_by(keys: Sequence[SortKey]) -> Fragment:
    return sql.join(key.ordered for key in keys)


async def paginate(
    context: Context,
    *,
    columns: str,
    tables: str,
    where: Sequence[Fragment],
    keys: Sequence[SortKey],
    request: PageRequest,
    build: Callable[[Row], T],
    decode: Decode = NOTHING,
    tag: str | None = None,
) -> Connection[T]:
    """One statement for the page (one row more, to know if there is a next page) and the total.
    What the query asks of the page's items is read by their relations, for the whole page at
    once (api/core/relations.py)."""
    condition = all_of(where)
    # Uncorrelated, so the database counts once per statement, not per row.
    count = sql("(SELECT COUNT(*) FROM {} WHERE {})", sql.raw(tables), condition)
    page = condition
    if request.after is not None:
        page = sql("{} AND {}", condition, after_sql(keys, request.after))
    sort_columns = sql.join(sql("{} AS {}", key.sql, sql.raw(key.name)) for key in keys)
    rows = await context.rows(
        sql(
            "SELECT {}, {}, {} AS total_count FROM {} WHERE {} ORDER BY {} LIMIT {}",
            sql.raw(columns),
            sort_columns,
            count,
            sql.raw(tables),
            page,
            order_by(keys),
            request.first + 1,
        ),
        decode + Decode(dates=tuple(key.name for key in keys if key.is_date)),
    )
    if rows:
        total = rows[0]["total_count"]
    elif request.after is None:
        total = 0  # nothing matches at all
    else:
        total = (await context.rows(sql("SELECT {} AS total_count", count)))[0]["total_count"]
    has_next = len(rows) > request.first
    rows = rows[: request.first]
    cursors = [encode_cursor([_json_value(row[key.name]) for key in keys], tag) for row in rows]
    return connection([build(row) for row in rows], cursors, request=request, has_next=has_next, total=int(total))
