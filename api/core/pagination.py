"""Keyset pagination in SQL: the cursor holds the sort key of the last row given out, so pages
stay stable while content changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import GraphQLError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api.core.loaders import Row
from api.core.relay import Connection, PageRequest, connection, encode_cursor

T = TypeVar("T")


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False
    is_date: bool = False

    def parse(self, value: Any) -> Any:
        """Dates travel in cursors as ISO text; compare them as dates on every database."""
        if self.is_date and isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise GraphQLError("'after' is not a cursor this list gave out") from None
        return value


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _after(keys: Sequence[SortKey], values: Sequence[Any]) -> Q:
    clauses = []
    for index, key in enumerate(keys):
        equal = {keys[i].field: values[i] for i in range(index)}
        op = "lt" if key.descending else "gt"
        clauses.append(Q(**equal, **{f"{key.field}__{op}": values[index]}))
    result = clauses[0]
    for clause in clauses[1:]:
        result |= clause
    return result


async def paginate(
    queryset: QuerySet[Any],
    *,
    keys: Sequence[SortKey],
    fields: Sequence[str],
    request: PageRequest,
    build: Callable[[Row], T],
    count_queryset: QuerySet[Any] | None = None,
) -> Connection[T]:
    """One query for the page (one row more, to know if there is a next page), one for the total."""
    total = await (count_queryset or queryset).count()
    page = queryset
    if request.after is not None:
        page = page.filter(_after(keys, [key.parse(value) for key, value in zip(keys, request.after, strict=True)]))
    order = [f"-{key.field}" if key.descending else key.field for key in keys]
    key_fields = [key.field for key in keys if key.field not in fields]
    rows = await page.order_by(*order).limit(request.first + 1).values(*fields, *key_fields)
    has_next = len(rows) > request.first
    rows = rows[: request.first]
    cursors = [encode_cursor([_json_value(row[key.field]) for key in keys]) for row in rows]
    return connection([build(row) for row in rows], cursors, request=request, has_next=has_next, total=total)
