"""Hand-written SQL for the read path, written once for SQLite and PostgreSQL.

Statements use named parameters (`:year`); `Statement.rows` turns them into the dialect's
placeholders (`?` or `$1`), so values are always bound and never pasted into the text. A set of
keys is one parameter (`= ANY(:ids)` on PostgreSQL, `json_each` on SQLite), so the text of a
statement does not depend on how many keys a batch has and PostgreSQL reuses its prepared plan.

Rows come back as dicts keyed by column name; `Decode` turns what SQLite keeps as text (dates,
timestamps, JSON, booleans) and what PostgreSQL sends as JSON text into Python values.
"""

from __future__ import annotations

import asyncio
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

    def json_converters(self) -> list[tuple[str, Callable[[Any], Any]]]:
        """For rows PostgreSQL sent as JSON (see Batch): dates and timestamps are text there,
        JSON columns and booleans are already values."""
        return [
            *((name, _json_date) for name in self.dates),
            *((name, _utc_timestamp) for name in self.datetimes),
        ]

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


# asyncpg stores Python's largest and smallest dates and timestamps as PostgreSQL's infinity and
# -infinity and reads them back as those values; JSON spells them "infinity" and "-infinity".
_INFINITE_DATES = {"infinity": dt.date.max, "-infinity": dt.date.min}
_INFINITE_TIMESTAMPS = {"infinity": datetime.max.replace(tzinfo=UTC), "-infinity": datetime.min.replace(tzinfo=UTC)}


def _json_date(text: str) -> dt.date:
    return _INFINITE_DATES.get(text) or dt.date.fromisoformat(text)


def _utc_timestamp(text: str) -> datetime:
    # As asyncpg gives timestamps: in UTC, whatever the session's time zone.
    return _INFINITE_TIMESTAMPS.get(text) or datetime.fromisoformat(text).astimezone(UTC)


def _convert(rows: list[Row], converters: list[tuple[str, Callable[[Any], Any]]]) -> list[Row]:
    if converters:
        for row in rows:
            for name, convert in converters:
                value = row.get(name)
                if value is not None:
                    row[name] = convert(value)
    return rows


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
def _json_converters(decode: Decode) -> list[tuple[str, Callable[[Any], Any]]]:
    return decode.json_converters()


@lru_cache(maxsize=256)
def _combined(texts: tuple[str, ...]) -> str:
    """One SELECT whose columns are the rows of each statement as a JSON array, in its order;
    each statement's parameters renamed so that theirs cannot meet."""
    parts = []
    for index, text in enumerate(texts):
        renamed = _NAMED.sub(lambda match, index=index: f":b{index}_{match.group(1)}", text)  # type: ignore[misc]
        parts.append(f"(SELECT COALESCE(json_agg(t), '[]'::json) FROM ({renamed}) t) AS b{index}")
    return "SELECT " + ", ".join(parts)


class Batch:
    """The SELECTs one request asks for at the same moment, sent to PostgreSQL as one statement.

    Loading ahead asks for independent relations side by side (a municipality's agreements,
    promises, service agreements and contacts). Each statement is a round trip and about 90 µs
    of client CPU however small its answer. A statement waits a few turns of the event loop for
    others, then all go as one SELECT that returns each one's rows as a JSON array. The rows are
    the same as sent one by one: the columns read this way are text, numbers, booleans, dates,
    timestamps and JSON. A statement alone goes as it is.
    """

    # Turns of the event loop a first statement waits for others: loaders that start together
    # reach their statements within a few turns of each other.
    TURNS = 3

    def __init__(self) -> None:
        self.waiting: list[tuple[str, dict[str, Any], Decode, asyncio.Future[list[Row]]]] = []
        self.sending: set[asyncio.Task[None]] = set()

    def rows(self, sql: str, values: dict[str, Any], decode: Decode) -> asyncio.Future[list[Row]]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Row]] = loop.create_future()
        if not self.waiting:
            loop.call_soon(self._wait, self.TURNS)
        self.waiting.append((sql, values, decode, future))
        return future

    def _wait(self, turns: int) -> None:
        loop = asyncio.get_running_loop()
        if turns:
            loop.call_soon(self._wait, turns - 1)
            return
        waiting, self.waiting = self.waiting, []
        task = loop.create_task(self._send(waiting))
        self.sending.add(task)  # a task nobody holds may be collected before it ends
        task.add_done_callback(self.sending.discard)

    def cancel(self) -> None:
        """The request is abandoned: stop its statements on their way (asyncpg then cancels the
        one running in PostgreSQL) and those still waiting to go."""
        for task in self.sending:
            task.cancel()
        for *_, future in self.waiting:
            future.cancel()
        self.waiting = []

    async def _send(self, waiting: list[tuple[str, dict[str, Any], Decode, asyncio.Future[list[Row]]]]) -> None:
        try:
            if len(waiting) == 1:
                sql, values, decode, _ = waiting[0]
                found = [_convert(await _fetch(sql, values, True), _converters(decode, True))]
            else:
                merged = {
                    f"b{index}_{name}": value for index, item in enumerate(waiting) for name, value in item[1].items()
                }
                (row,) = await _fetch(_combined(tuple(item[0] for item in waiting)), merged, True)
                found = [
                    _convert(orjson.loads(row[f"b{index}"]), _json_converters(item[2]))
                    for index, item in enumerate(waiting)
                ]
        except Exception as error:  # every statement of the batch fails with it
            for *_, future in waiting:
                if not future.done():
                    future.set_exception(error)
            return
        for (*_, future), rows in zip(waiting, found, strict=True):
            if not future.done():  # its request may have been cancelled meanwhile
                future.set_result(rows)


async def _fetch(sql: str, values: dict[str, Any], postgres: bool) -> list[Row]:
    text, names = _compile(sql, postgres)
    return await Tortoise.get_connection("default").execute_query_dict(text, [values[name] for name in names])


@lru_cache(maxsize=256)
def columns(alias: str, names: tuple[str, ...], prefix: str = "") -> str:
    """`alias.name AS prefixname, …` for a SELECT list (kept: loaders ask for the same lists)."""
    return ", ".join(f"{alias}.{name} AS {prefix}{name}" for name in names)


@dataclass
class Statement:
    """SQL text being built, with the values of its named parameters."""

    dialect: str
    values: dict[str, Any] = field(default_factory=dict)
    # A request's batch: its SELECTs then go to PostgreSQL together with others (see Batch).
    batch: Batch | None = None

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
        """The calendar year of a date or timestamp column, as an integer (NULL stays NULL).

        asyncpg stores Python's largest and smallest dates and timestamps (9999-12-31,
        0001-01-01) as PostgreSQL's `infinity` and `-infinity`, whose year does not cast to an
        integer: one such row failed every statement reading years. They read as 9999 and 1,
        the years Python reads them back as and SQLite keeps."""
        if self.postgres:
            return (
                f"CAST(CASE WHEN {column} = 'infinity' THEN 9999 WHEN {column} = '-infinity' THEN 1"
                f" ELSE EXTRACT(YEAR FROM {column}) END AS INTEGER)"
            )
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

    async def run(self, sql: str) -> list[Row]:
        return await _fetch(sql, self.values, self.postgres)

    async def rows(self, sql: str, decode: Decode = NOTHING) -> list[Row]:
        """Run a SELECT and convert its columns as `decode` says."""
        if self.batch is not None and self.postgres:
            return await self.batch.rows(sql, self.values, decode)
        return _convert(await self.run(sql), _converters(decode, self.postgres))


def default_dialect() -> str:
    return str(Tortoise.get_connection("default").capabilities.dialect)
