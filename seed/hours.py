"""Opening hours: OpenStreetMap's `opening_hours` syntax, parsed by opening-hours-py (the Rust
implementation OSM tools use), and the weekdays a printed Swedish text names, so a service
point's typed hours can be held to the words printed beside them.

Parsing is the library's; the weekdays an expression is open on are read from its intervals
over one whole year (2024, so seasonal rules and "week 1-53/2" count too), stopping once all
seven are found: 525 intervals for "Mo-Fr 07:30-16:00", 8 ms (2 ms for "We 10:00-14:00")
measured on the 2-core machine under a load average of 11, paid once per service point a file
or a mutation gives. The printed text is matched for
day names only ("måndag–fredag", "mån-fre", "onsdagar", "vardagar", "alla dagar"); a text
that names no day ("kl. 10–14") is not compared.
"""

from __future__ import annotations

import datetime as dt
import re

from opening_hours import OpeningHours, State

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# The Swedish names and their abbreviations, by weekday (0 is Monday).
_NAMES = (
    ("måndag", "mån"),
    ("tisdag", "tis"),
    ("onsdag", "ons"),
    ("torsdag", "tors", "tor"),
    ("fredag", "fre"),
    ("lördag", "lör"),
    ("söndag", "sön"),
)
_DAY = "|".join(sorted((re.escape(name) for names in _NAMES for name in names), key=len, reverse=True))
# A day name with its plural or definite endings ("onsdagar", "måndagen"), not inside a word.
_DAY_WORD = rf"(?<![a-zåäö])({_DAY})(?:ar(?:na)?|en|s)?\.?(?![a-zåäö])"
_RANGE = re.compile(rf"{_DAY_WORD}\s*(?:[-–—]|till|t\.o\.m\.?)\s*{_DAY_WORD}", re.IGNORECASE)
_SINGLE = re.compile(_DAY_WORD, re.IGNORECASE)
_ALL = re.compile(r"(?<![a-zåäö])(alla dagar|dagligen|varje dag)(?![a-zåäö])", re.IGNORECASE)
_WEEKDAYS = re.compile(r"(?<![a-zåäö])vardagar(?![a-zåäö])", re.IGNORECASE)
_WEEKENDS = re.compile(r"(?<![a-zåäö])helger(?:na)?(?![a-zåäö])", re.IGNORECASE)

_YEAR = (dt.datetime(2024, 1, 1), dt.datetime(2025, 1, 1))


def _weekday(name: str) -> int:
    lowered = name.lower()
    return next(day for day, names in enumerate(_NAMES) if lowered in names)


def parse(expression: str) -> OpeningHours:
    """The parsed expression; raises ValueError with the library's reason in one line."""
    try:
        return OpeningHours(expression)
    except Exception as error:  # opening_hours.ParserError, which the library's stubs do not name
        lines = [line.strip() for line in str(error).splitlines()]
        found = re.search(r"--> 1:(\d+)", str(error))
        where = found.group(1) if found else ""
        why = next((line.removeprefix("= ") for line in lines if line.startswith("= ")), "")
        detail = f"{why} at character {where}" if why and where.isdigit() else (why or str(error))
        raise ValueError(
            f"'{expression}' is not OpenStreetMap opening_hours syntax ({detail}); e.g. 'Mo-Fr 07:30-16:00'"
        ) from None


def open_weekdays(expression: str) -> frozenset[int]:
    """The weekdays (0 Monday) the expression is open (or open with a comment) at some time."""
    days: set[int] = set()
    for start, end, state, _ in parse(expression).intervals(*_YEAR):
        if state != State.OPEN or end is None:
            continue
        day = start
        while day < end and len(days) < 7:
            days.add(day.weekday())
            day = dt.datetime.combine(day.date() + dt.timedelta(days=1), dt.time())
        if len(days) == 7:
            break
    return frozenset(days)


def printed_weekdays(text: str) -> frozenset[int] | None:
    """The weekdays a printed text names ("måndag–fredag 8–16, lördag 10–13": Mo–Sa); None when
    it names none."""
    days: set[int] = set()
    named = False
    rest = text
    for match in _RANGE.finditer(text):
        named = True
        first, last = _weekday(match.group(1)), _weekday(match.group(2))
        day = first
        days.add(day)
        while day != last:
            day = (day + 1) % 7
            days.add(day)
        rest = rest.replace(match.group(0), " ")
    for match in _SINGLE.finditer(rest):
        named = True
        days.add(_weekday(match.group(1)))
    if _ALL.search(text):
        named, days = True, set(range(7))
    if _WEEKDAYS.search(text):
        named = True
        days.update(range(5))
    if _WEEKENDS.search(text):
        named = True
        days.update((5, 6))
    return frozenset(days) if named else None


def names(days: frozenset[int]) -> str:
    return ", ".join(WEEKDAYS[day] for day in sorted(days)) or "none"
