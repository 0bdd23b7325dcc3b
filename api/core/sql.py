"""Hand-written SQL for the read path, written once for SQLite and PostgreSQL.

Statements use named parameters (`:year`); `Statement.rows` turns them into the dialect's
placeholders (`?` or `$1`), so values are always bound and never pasted into the text. A set of
keys is one parameter (`= ANY(:ids)` on PostgreSQL, `json_each` on SQLite), so the text of a
statement does not depend on how many keys a batch has and PostgreSQL reuses its prepared plan.

Rows come back as dicts keyed by column name; `Decode` turns what SQLite keeps as text (dates,
timestamps, JSON, booleans) and what PostgreSQL sends as JSON text into Python values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from tortoise import Tortoise

from models.enums import PublicationStatus

Row = dict[str, Any]

_NAMED = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class Decode:
    """Which columns of a result need converting from what the driver returns."""

    dates: tuple[str, ...] = ()
    datetimes: tuple[str, ...] = ()
    json: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()

    def __add__(self, other: Decode) -> Decode:
        return Decode(
            self.dates + other.dates,
            self.datetimes + other.datetimes,
            self.json + other.json,
            self.booleans + other.booleans,
        )

    def prefixed(self, prefix: str) -> Decode:
        """The same conversions for columns selected as `prefix` + name (from a join)."""
        return Decode(
            *(
                tuple(prefix + name for name in names)
                for names in (self.dates, self.datetimes, self.json, self.booleans)
            )
        )

    def converters(self, postgres: bool) -> list[tuple[str, Callable[[Any], Any]]]:
        # asyncpg decodes dates, timestamps and booleans itself and sends JSON as text.
        if postgres:
            return [(name, orjson.loads) for name in self.json]
        return [
            *((name, dt.date.fromisoformat) for name in self.dates),
            *((name, datetime.fromisoformat) for name in self.datetimes),
            *((name, orjson.loads) for name in self.json),
            *((name, bool) for name in self.booleans),
        ]


NOTHING = Decode()


@lru_cache(maxsize=1024)
def _compile(sql: str, postgres: bool) -> tuple[str, tuple[str, ...]]:
    """The text with the dialect's placeholders, and the parameter names in placeholder order."""
    if postgres:
        numbers: dict[str, int] = {}

        def numbered(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in numbers:
                numbers[name] = len(numbers) + 1
            return f"${numbers[name]}"

        text = _NAMED.sub(numbered, sql)
        return text, tuple(sorted(numbers, key=numbers.__getitem__))
    names: list[str] = []

    def positional(match: re.Match[str]) -> str:
        names.append(match.group(1))
        return "?"

    return _NAMED.sub(positional, sql), tuple(names)


@lru_cache(maxsize=256)
def _converters(decode: Decode, postgres: bool) -> list[tuple[str, Callable[[Any], Any]]]:
    return decode.converters(postgres)


@lru_cache(maxsize=256)
def columns(alias: str, names: tuple[str, ...], prefix: str = "") -> str:
    """`alias.name AS prefixname, …` for a SELECT list (kept: loaders ask for the same lists)."""
    return ", ".join(f"{alias}.{name} AS {prefix}{name}" for name in names)


@dataclass
class Statement:
    """SQL text being built, with the values of its named parameters."""

    dialect: str
    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_default_connection(cls) -> Statement:
        return cls(default_dialect())

    @property
    def postgres(self) -> bool:
        return self.dialect == "postgres"

    def bind(self, name: str, value: Any) -> str:
        """Register a value; returns its placeholder for the text."""
        if name in self.values and self.values[name] != value:
            raise ValueError(f"parameter :{name} bound twice with different values")
        self.values[name] = value
        return f":{name}"

    def bind_list(self, name: str, values: list[Any]) -> str:
        """Placeholders for an IN (...) list; an empty list matches nothing."""
        if not values:
            return "(NULL)"
        return "(" + ", ".join(self.bind(f"{name}_{index}", value) for index, value in enumerate(values)) + ")"

    def any(self, column: str, name: str, values: Sequence[Any]) -> str:
        """`column` is one of `values`, with all of them bound as one parameter."""
        if self.postgres:
            return f"{column} = ANY({self.bind(name, list(values))})"
        return f"{column} IN (SELECT value FROM json_each({self.bind(name, orjson.dumps(list(values)).decode())}))"

    def date(self, name: str, value: dt.date) -> str:
        return self.bind(name, value if self.postgres else value.isoformat())

    def timestamp(self, name: str, value: datetime) -> str:
        return self.bind(name, self._timestamp(value))

    def year_of(self, column: str) -> str:
        """The calendar year of a date or timestamp column, as an integer (NULL stays NULL)."""
        if self.postgres:
            return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"
        # SQLite keeps dates and timestamps as ISO text.
        return f"CAST(SUBSTR({column}, 1, 4) AS INTEGER)"

    def visible(self, alias: str, now: datetime | None) -> str:
        """Published and inside its publishing window; `now=None` (editorial preview) sees everything."""
        if now is None:
            return "1 = 1"
        status = self.bind("published", PublicationStatus.PUBLISHED.value)
        stamp = self.bind("now", self._timestamp(now))
        return (
            f"({alias}.status = {status}"
            f" AND ({alias}.publish_at IS NULL OR {alias}.publish_at <= {stamp})"
            f" AND ({alias}.unpublish_at IS NULL OR {alias}.unpublish_at > {stamp}))"
        )

    def _timestamp(self, value: datetime) -> Any:
        if self.postgres:
            return value
        # As Tortoise writes timestamps into SQLite, so text comparison orders them.
        return str(value.astimezone(UTC))

    def render(self, sql: str) -> tuple[str, list[Any]]:
        """The text with the dialect's placeholders, and the values in their order."""
        text, names = _compile(sql, self.postgres)
        return text, [self.values[name] for name in names]

    async def run(self, sql: str) -> list[Row]:
        text, values = self.render(sql)
        return await Tortoise.get_connection("default").execute_query_dict(text, values)

    async def rows(self, sql: str, decode: Decode = NOTHING) -> list[Row]:
        """Run a SELECT and convert its columns as `decode` says."""
        rows = await self.run(sql)
        converters = _converters(decode, self.postgres)
        if converters:
            for row in rows:
                for name, convert in converters:
                    value = row.get(name)
                    if value is not None:
                        row[name] = convert(value)
        return rows


def default_dialect() -> str:
    return str(Tortoise.get_connection("default").capabilities.dialect)
