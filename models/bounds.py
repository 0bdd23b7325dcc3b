"""The bounds of every value Samverkan takes in: what both databases store exactly.

One set of rules for the seed files, the editorial mutations (through seed/format.py) and the
API's arguments (through api/core/inputs.py), kept here, below both, so that a value the
loader accepts is one every filter can ask for, and the other way round.

- Text: no NUL character. PostgreSQL refuses `\\x00` in text outright (SQLite would store it, so
  the two databases would disagree about what content is); a client sending one gets a clear
  error instead of a failed statement.
- Dates and years: 1900-01-01 to 2199-12-31. Content is about the present (agreements run a few
  years; the seed's earliest date is in 2011); the margin is wide enough for any real document,
  narrow enough that every date survives both databases exactly: asyncpg stores Python's
  `date.max` as PostgreSQL `infinity`, far years overflow Python's own date arithmetic
  ("the next day", "the first of January"), and a year filter of 2^31 would ask statistics for
  two billion groups.
- Times: their UTC date in the same range.

Each check returns the value or raises `OutOfBounds` with a message that completes a sentence
starting with the field's name ("must be a year from 1900 to 2199 (got 0)").
"""

from __future__ import annotations

import datetime as dt

FIRST_YEAR = 1900
LAST_YEAR = 2199
FIRST_DATE = dt.date(FIRST_YEAR, 1, 1)
LAST_DATE = dt.date(LAST_YEAR, 12, 31)


class OutOfBounds(ValueError):
    """A value outside what Samverkan stores; the message names the bound, not the field."""


def text(value: str, max_length: int | None = None) -> str:
    if "\x00" in value:
        raise OutOfBounds(
            f"must not contain a NUL character (\\x00, at position {value.index(chr(0))}): the database cannot store it"
        )
    if max_length is not None and len(value) > max_length:
        raise OutOfBounds(f"must be at most {max_length:,} characters long (got {len(value):,})")
    return value


def year(value: int) -> int:
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise OutOfBounds(f"must be a year from {FIRST_YEAR} to {LAST_YEAR} (got {value})")
    return value


def date(value: dt.date) -> dt.date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise OutOfBounds(f"must be a date from {FIRST_DATE} to {LAST_DATE} (got {value.isoformat()})")
    return value


def timestamp(value: dt.datetime) -> dt.datetime:
    """A time whose UTC date is in bounds (checked on the year first: converting a time at
    the end of Python's calendar to UTC can itself overflow)."""
    if FIRST_YEAR <= value.year <= LAST_YEAR:
        utc = value.astimezone(dt.UTC) if value.tzinfo is not None else value
        if FIRST_DATE <= utc.date() <= LAST_DATE:
            return value
    raise OutOfBounds(f"must be a time from {FIRST_DATE}T00:00:00Z to {LAST_DATE}T23:59:59Z (got {value.isoformat()})")
