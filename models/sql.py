"""SQL built from fragments that carry their own values, compiled once per dialect.

One way of writing SQL for storage, content and the API, in the manner of PostGraphile's
pg-sql2: `sql("c.actor = {}", actor)` is a fragment whose text has a hole where `actor` is
bound; a fragment given for a hole is spliced in with its own values (`sql("{} AND {}", a, b)`),
so nested pieces never name their parameters and two of them cannot clash. Compiling walks
nothing: a fragment keeps its text as the strings between its values (flattened as it is
built), and the dialect's placeholders (`?` on SQLite, `$1 … $n` on PostgreSQL) go between them
once, when the fragment is compiled (`compiled`, kept on the fragment per dialect). Before this,
statements named their parameters (`:year`) and a regular expression rewrote them for each
dialect and renamed them to combine statements; fragments from two helpers binding the same
name with different values failed at run time.

- `sql.value(x)` is one bound value; used twice it is one PostgreSQL parameter (`$1` twice)
  and on SQLite bound twice. A value is adapted to the dialect when compiled: SQLite gets dates
  as ISO text, timestamps as Tortoise writes them (UTC, text order is time order) and a list as
  JSON text (for `json_each`); PostgreSQL gets them as they are.
- `sql.identifier("a", "b")` is `"a"."b"`, quoted; `sql.raw(text)` is code's own text as it is.
- `sql.join(parts, ", ")`, and `+` to append.
- `sql.either(postgres=…, sqlite=…)`: text that differs by dialect around the same values.
- `sql.late(name)`: a value given when the statement runs (`Compiled.values(now=…)`), for
  statements kept and run again at another moment (api/compiled/reads.py) and for one statement
  run over many rows (`many`).

`one_of`, `year_of` and `visible` are SQL both databases need written differently or that
every path must write the same (the visibility rule); `rows`, `execute` and `many` run a fragment
on the "default" connection (inside `in_transaction()`, the transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from models.enums import PublicationStatus


@dataclass(frozen=True, slots=True)
class Either:
    """Text that differs by dialect."""

    postgres: str
    sqlite: str

    def __add__(self, other: str | Either) -> Either:
        if isinstance(other, Either):
            return Either(self.postgres + other.postgres, self.sqlite + other.sqlite)
        return Either(self.postgres + other, self.sqlite + other)

    def __radd__(self, other: str) -> Either:
        return Either(other + self.postgres, other + self.sqlite)


Text = str | Either


class Param:
    """One bound value (compared by identity: the same Param twice is one PostgreSQL parameter)."""

    __slots__ = ("late", "value")

    def __init__(self, value: Any, late: bool = False) -> None:
        self.value = value
        self.late = late

    def __repr__(self) -> str:
        return f"Param({'late ' if self.late else ''}{self.value!r})"


def _join_text(left: Text, right: Text) -> Text:
    if not right:
        return left
    if not left:
        return right
    return left + right  # type: ignore[operator]


class Fragment:
    """A piece of SQL with its values: `strings[0] value strings[1] value … strings[-1]`."""

    __slots__ = ("_compiled", "params", "strings")

    def __init__(self, strings: tuple[Text, ...], params: tuple[Param, ...]) -> None:
        assert len(strings) == len(params) + 1
        self.strings = strings
        self.params = params
        self._compiled: dict[bool, Compiled] = {}

    def __add__(self, other: Fragment) -> Fragment:
        return _concat([self, other])

    def __bool__(self) -> bool:
        return bool(self.params) or any(self.strings)

    def __repr__(self) -> str:
        return f"sql({self.compiled(postgres=False).text!r}, {[p.value for p in self.params]!r})"

    def __eq__(self, other: object) -> bool:
        # Equal as SQL: the same text and the same values in the same places.
        return (
            isinstance(other, Fragment)
            and self.strings == other.strings
            and [p.value for p in self.params] == [p.value for p in other.params]
            and _pattern(self.params) == _pattern(other.params)
        )

    def __hash__(self) -> int:
        return hash(self.strings)

    def compiled(self, postgres: bool) -> Compiled:
        """The text with the dialect's placeholders and the values in their order (kept)."""
        found = self._compiled.get(postgres)
        if found is None:
            found = self._compiled[postgres] = _compile(self.strings, self.params, postgres)
        return found


def _concat(parts: Iterable[Fragment]) -> Fragment:
    strings: list[Text] = [""]
    params: list[Param] = []
    for part in parts:
        strings[-1] = _join_text(strings[-1], part.strings[0])
        strings.extend(part.strings[1:])
        params.extend(part.params)
    return Fragment(tuple(strings), tuple(params))


@lru_cache(maxsize=4096)
def _template(template: str) -> tuple[str, ...]:
    return tuple(template.split("{}"))


class _Builder:
    """`sql(template, *parts)`: the template's `{}` holes filled in order; a Fragment is spliced
    in, anything else is bound as a value."""

    def __call__(self, template: str, *parts: Any) -> Fragment:
        texts = _template(template)
        if len(texts) != len(parts) + 1:
            raise ValueError(f"the template has {len(texts) - 1} holes for {len(parts)} parts: {template!r}")
        if not parts:
            return Fragment(texts, ())
        pieces: list[Fragment] = []
        for text, part in zip(texts, parts, strict=False):
            pieces.append(Fragment((text,), ()))
            pieces.append(part if isinstance(part, Fragment) else self.value(part))
        pieces.append(Fragment((texts[-1],), ()))
        return _concat(pieces)

    @staticmethod
    def raw(text: str) -> Fragment:
        """Code's own SQL text, as it is (never a value from a request or a file)."""
        return Fragment((text,), ())

    @staticmethod
    def value(value: Any) -> Fragment:
        return Fragment(("", ""), (Param(value),))

    @staticmethod
    def late(name: str) -> Fragment:
        """A value given when the compiled statement runs (`Compiled.values(name=…)`)."""
        return Fragment(("", ""), (Param(name, late=True),))

    @staticmethod
    def identifier(*names: str) -> Fragment:
        return Fragment((".".join('"' + name.replace('"', '""') + '"' for name in names),), ())

    @staticmethod
    def join(parts: Iterable[Fragment], separator: str = ", ") -> Fragment:
        pieces: list[Fragment] = []
        glue = Fragment((separator,), ())
        for part in parts:
            if pieces:
                pieces.append(glue)
            pieces.append(part)
        return _concat(pieces)

    @staticmethod
    def either(*, postgres: Fragment, sqlite: Fragment) -> Fragment:
        """Text that differs by dialect around the same values, in the same order."""
        if len(postgres.params) != len(sqlite.params) or any(
            a is not b for a, b in zip(postgres.params, sqlite.params, strict=True)
        ):
            raise ValueError("either: both dialects' fragments must bind the same values in the same order")
        strings = tuple(
            p if p == s else Either(_text_of(p, True), _text_of(s, False))
            for p, s in zip(postgres.strings, sqlite.strings, strict=True)
        )
        return Fragment(strings, postgres.params)


def _text_of(text: Text, postgres: bool) -> str:
    if isinstance(text, Either):
        return text.postgres if postgres else text.sqlite
    return text


sql = _Builder()

TRUE = sql.raw("1 = 1")


def all_of(conditions: Iterable[Fragment]) -> Fragment:
    """The conditions joined by AND; none: true."""
    listed = [condition for condition in conditions if condition]
    return sql.join(listed, " AND ") if listed else TRUE


def _pattern(params: Sequence[Param]) -> tuple[int, ...]:
    """Each value's number: the first place the same Param appears."""
    seen: dict[int, int] = {}
    return tuple(seen.setdefault(id(param), len(seen)) for param in params)


@dataclass(frozen=True, slots=True)
class Compiled:
    text: str
    # The values in placeholder order; a late one is its Param, filled in by `values`.
    bound: tuple[Any, ...]
    late: bool
    postgres: bool

    def values(self, **given: Any) -> list[Any]:
        if not self.late:
            return list(self.bound)
        return [adapt(given[value.value], self.postgres) if isinstance(value, Param) else value for value in self.bound]


def _compile(strings: tuple[Text, ...], params: tuple[Param, ...], postgres: bool) -> Compiled:
    late = any(param.late for param in params)
    if postgres:
        pattern = _pattern(params)
        text = _text(strings, pattern, True)
        unique: dict[int, Param] = {}
        for param in params:
            unique.setdefault(id(param), param)
        bound = tuple(param if param.late else adapt(param.value, True) for param in unique.values())
    else:
        text = _text(strings, (), False)
        bound = tuple(param if param.late else adapt(param.value, False) for param in params)
    return Compiled(text, bound, late, postgres)


@lru_cache(maxsize=2048)
def _text(strings: tuple[Text, ...], pattern: tuple[int, ...], postgres: bool) -> str:
    """The statement's text, kept by its strings so that a text compiled again is the same object."""
    texts = [_text_of(text, postgres) for text in strings]
    if postgres:
        return texts[0] + "".join(f"${number + 1}{text}" for number, text in zip(pattern, texts[1:], strict=True))
    return "?".join(texts)


def adapt(value: Any, postgres: bool) -> Any:
    """A value as the dialect's driver takes it (see the module's docstring)."""
    if postgres:
        return value
    if isinstance(value, dt.datetime):
        # As Tortoise writes timestamps into SQLite, so text comparison orders them.
        return str(value.astimezone(dt.UTC)) if value.tzinfo is not None else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return orjson.dumps(list(value)).decode()
    return value


# ---------------------------------------------------------------- SQL both databases share


def one_of(column: str | Fragment, values: Sequence[Any] | Fragment) -> Fragment:
    """`column` is one of `values`, all of them bound as one parameter (or given as one
    `sql.value` of a list), so the text does not depend on how many there are (PostgreSQL
    keeps one prepared plan)."""
    bound = values if isinstance(values, Fragment) else sql.value(list(values))
    if isinstance(column, str):
        column = sql.raw(column)
    return sql.either(
        postgres=sql("{} = ANY({})", column, bound),
        sqlite=sql("{} IN (SELECT value FROM json_each({}))", column, bound),
    )


def year_of(column: str) -> Fragment:
    """The calendar year of a date or timestamp column, as an integer (NULL stays NULL).

    asyncpg stores Python's largest and smallest dates and timestamps (9999-12-31, 0001-01-01)
    as PostgreSQL's `infinity` and `-infinity`, whose year does not cast to an integer: one such
    row failed every statement reading years. They read as 9999 and 1, the years Python reads
    them back as and SQLite keeps (as ISO text)."""
    return sql.either(
        postgres=sql.raw(
            f"CAST(CASE WHEN {column} = 'infinity' THEN 9999 WHEN {column} = '-infinity' THEN 1"
            f" ELSE EXTRACT(YEAR FROM {column}) END AS INTEGER)"
        ),
        sqlite=sql.raw(f"CAST(SUBSTR({column}, 1, 4) AS INTEGER)"),
    )


_PUBLISHED = sql.value(PublicationStatus.PUBLISHED.value)


def visible(alias: str, at: dt.datetime | Fragment | None) -> Fragment:
    """The visibility rule: the row of `alias` is published and inside its publishing window
    at `at`; `at=None` (an editorial preview of everything) sees every row."""
    if at is None:
        return TRUE
    moment = at if isinstance(at, Fragment) else sql.value(at)
    a = sql.raw(alias)
    return sql(
        "({}.status = {} AND ({}.publish_at IS NULL OR {}.publish_at <= {})"
        " AND ({}.unpublish_at IS NULL OR {}.unpublish_at > {}))",
        a,
        _PUBLISHED,
        a,
        a,
        moment,
        a,
        a,
        moment,
    )


# ---------------------------------------------------------------- running


def client_postgres(client: BaseDBAsyncClient | None = None) -> bool:
    return bool((client or connections.get("default")).capabilities.dialect == "postgres")


async def rows(statement: Fragment, client: BaseDBAsyncClient | None = None) -> list[dict[str, Any]]:
    client = client or connections.get("default")
    compiled = statement.compiled(client.capabilities.dialect == "postgres")
    return await client.execute_query_dict(compiled.text, compiled.values())


async def execute(statement: Fragment, client: BaseDBAsyncClient | None = None) -> None:
    client = client or connections.get("default")
    compiled = statement.compiled(client.capabilities.dialect == "postgres")
    await client.execute_query(compiled.text, compiled.values())


async def many(statement: Fragment, rows: Sequence[Mapping[str, Any]], client: BaseDBAsyncClient | None = None) -> None:
    """One statement run for each of `rows`, its late values (`sql.late(name)`) from the row:
    compiled once, sent as one `execute_many`."""
    if not rows:
        return
    client = client or connections.get("default")
    compiled = statement.compiled(client.capabilities.dialect == "postgres")
    await client.execute_many(compiled.text, [compiled.values(**row) for row in rows])


# ---------------------------------------------------------------- the seed writer's bulk statements


class Sql:
    """`?` text made `$n` for PostgreSQL, for seed/rows.py's bulk writes (`execute_many` of one
    text over many rows), until they are built from fragments too."""

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


def placeholders(values: Sequence[Any]) -> str:
    """`?, ?, ?` for an IN list (never empty: callers skip empty lists)."""
    return ", ".join("?" for _ in values)


def json_value(value: Any) -> Any:
    """JSON columns come back as text from raw SQL on both databases."""
    if isinstance(value, str | bytes):
        return orjson.loads(value)
    return value
