"""Running the read path's SQL: statements built from fragments (models/sql.py), one text for
SQLite and PostgreSQL, their values always bound and never pasted into the text. A set of keys
is one parameter (`models.sql.one_of`), so the text of a statement does not depend on how many
keys a batch has and PostgreSQL reuses its prepared plan.

Rows come back as dicts keyed by column name; `Decode` turns what SQLite keeps as text (dates,
timestamps, JSON, booleans) and what PostgreSQL sends as JSON text into Python values.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from tortoise import Tortoise

from models.sql import Fragment, sql

Row = dict[str, Any]


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


@lru_cache(maxsize=256)
def _converters(decode: Decode, postgres: bool) -> list[tuple[str, Callable[[Any], Any]]]:
    return decode.converters(postgres)


@lru_cache(maxsize=256)
def _json_converters(decode: Decode) -> list[tuple[str, Callable[[Any], Any]]]:
    return decode.json_converters()


def _combined(statements: list[Fragment]) -> Fragment:
    """One SELECT whose columns are the rows of each statement as a JSON array, in its order
    (each statement's values travel inside its fragment: nothing to rename)."""
    return sql(
        "SELECT {}",
        sql.join(
            sql("(SELECT COALESCE(json_agg(t), '[]'::json) FROM ({}) t) AS {}", statement, sql.raw(f"b{index}"))
            for index, statement in enumerate(statements)
        ),
    )


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
        self.waiting: list[tuple[Fragment, Decode, asyncio.Future[list[Row]]]] = []
        self.sending: set[asyncio.Task[None]] = set()

    def rows(self, statement: Fragment, decode: Decode) -> asyncio.Future[list[Row]]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Row]] = loop.create_future()
        if not self.waiting:
            loop.call_soon(self._wait, self.TURNS)
        self.waiting.append((statement, decode, future))
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

    async def _send(self, waiting: list[tuple[Fragment, Decode, asyncio.Future[list[Row]]]]) -> None:
        try:
            if len(waiting) == 1:
                statement, decode, _ = waiting[0]
                found = [_convert(await fetch(statement, True), _converters(decode, True))]
            else:
                (row,) = await fetch(_combined([item[0] for item in waiting]), True)
                found = [
                    _convert(orjson.loads(row[f"b{index}"]), _json_converters(item[1]))
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


async def fetch(statement: Fragment, postgres: bool, **late: Any) -> list[Row]:
    """The rows of a statement on the default connection, as the driver gives them."""
    compiled = statement.compiled(postgres)
    return await Tortoise.get_connection("default").execute_query_dict(compiled.text, compiled.values(**late))


async def rows(statement: Fragment, decode: Decode = NOTHING, batch: Batch | None = None) -> list[Row]:
    """Run a SELECT and convert its columns as `decode` says; with a request's `batch`, on
    PostgreSQL it may go together with others (see Batch)."""
    postgres = default_dialect() == "postgres"
    if batch is not None and postgres:
        return await batch.rows(statement, decode)
    return _convert(await fetch(statement, postgres), _converters(decode, postgres))


def default_dialect() -> str:
    return str(Tortoise.get_connection("default").capabilities.dialect)
