"""SQL built from fragments that carry their own values, compiled once per dialect.

One way of writing SQL for storage, content and the API, in the manner of PostGraphile's
pg-sql2: `sql("c.actor = {}", actor)` is a fragment whose text has a hole where `actor` is
bound; a fragment given for a hole is spliced in with its own values (`sql("{} AND {}", a, b)`),
so nested pieces never name their parameters and two of them cannot clash. A fragment keeps its
parts (small ones copied in, larger ones by reference); compiling walks them once and puts the
dialect's placeholders (`?` on SQLite, `$1 … $n` on PostgreSQL) where the values are, and the
result is kept on the fragment per dialect (`compiled`). Before this, statements named their
parameters (`:year`) and a regular expression rewrote them for each dialect and renamed them to
combine statements; two helpers binding one name with different values failed at run time.

Cost: building and compiling the largest statement (commitment statistics by YEAR and TOPIC with
three filters, 4.6 kB, 10 values) takes about 6 times as long as the f-strings and the cached
regex it replaces: 160 against 25 times a `sum(range(100))`, measured side by side on the shared
machine under load (0.5–1.8 ms against 0.07–0.2 ms there). A loader's statement is a few
fragments; the compiled path keeps its statements compiled, so a page asked for again compiles
nothing.

- `sql.value(x)` is one bound value; used twice it is one PostgreSQL parameter (`$1` twice)
  and on SQLite bound twice. A value is adapted to the dialect when compiled: SQLite gets dates
  as ISO text, timestamps as Tortoise writes them (UTC, text order is time order) and a list as
  JSON text (for `json_each`); PostgreSQL gets them as they are.
- `sql.identifier("a", "b")` is `"a"."b"`, quoted; `sql.raw(text)` is code's own text as it is.
- `sql.join(parts, ", ")`, and `+` to append.
- `sql.either(postgres=…, sqlite=…)`: SQL that differs by dialect.
- `sql.late(name)`: a value given when the statement runs (`Compiled.values(now=…)`), for
  statements kept and run again at another moment (api/compiled/reads.py) and for one statement
  run over many rows (`many`).
- `sql.values(rows)`: a multi-row VALUES list, for bulk writes: its rows' values are bound as
  they are (encoded by the models' fields, seed/rows.py), and it is one part however many rows
  it has, so compiling a statement of 1,000 rows walks one part, not 10,000 Params. Building and
  compiling a 1,000-row INSERT of 10 columns costs what the `?` text it replaced did: 0.32–0.35
  ms on SQLite against 0.33–0.35, 3.0–3.4 ms numbered for PostgreSQL against 3.5–4.2 (where
  only an INSERT with ON CONFLICT takes it; other inserts are a COPY).

`one_of`, `year_of` and `visible` are SQL both databases need written differently or that
every path must write the same (the visibility rule); `rows`, `execute` and `many` run a fragment
on the "default" connection (inside `in_transaction()`, the transaction). `insert` and `new_ids`
are the bulk writes' (seed/rows.py, the search index): a COPY on PostgreSQL, VALUES lists on
SQLite, and ids taken before the rows go in.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any

import asyncpg
import orjson
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.exceptions import IntegrityError, OperationalError

from models.enums import PublicationStatus
from models.transactions import in_exclusive_write

# Bound parameters one statement may carry: SQLite allows 32,766 (since 3.32), asyncpg 32,767.
MAX_PARAMETERS = 32_766
# Rows one multi-row INSERT carries at most: past a few hundred the statement's own cost per row
# no longer falls, while SQLite's compiled statement (kept in its cache) grows with every row.
ROWS_PER_STATEMENT = 1_000


class Param:
    """One bound value (compared by identity: the same Param twice is one PostgreSQL parameter)."""

    __slots__ = ("late", "value")

    def __init__(self, value: Any, late: bool = False) -> None:
        self.value = value
        self.late = late

    def __repr__(self) -> str:
        return f"Param({'late ' if self.late else ''}{self.value!r})"


class Fragment:
    """A piece of SQL with its values: `texts[0] parts[0] texts[1] … parts[-1] texts[-1]`, each
    part a Param, a Fragment or a dialect's choice of two. Building one only keeps its parts
    (no copying, however deep the nesting); compiling walks them once per dialect."""

    __slots__ = ("_compiled", "parts", "texts")

    def __init__(self, texts: tuple[str, ...], parts: tuple[Part, ...]) -> None:
        self.texts = texts
        self.parts = parts
        self._compiled: dict[bool, Compiled] | None = None

    def __add__(self, other: Fragment) -> Fragment:
        return Fragment(("", "", ""), (self, other))

    def __bool__(self) -> bool:
        return bool(self.parts) or any(self.texts)

    def __repr__(self) -> str:
        compiled = self.compiled(postgres=False)
        return f"sql({compiled.text!r}, {list(compiled.bound)!r})"

    def compiled(self, postgres: bool) -> Compiled:
        """The text with the dialect's placeholders and the values in their order (kept)."""
        if self._compiled is None:
            self._compiled = {}
        found = self._compiled.get(postgres)
        if found is None:
            found = self._compiled[postgres] = _compile(self, postgres)
        return found


class _Choice:
    """Text that differs by dialect (`sql.either`)."""

    __slots__ = ("postgres", "sqlite")

    def __init__(self, postgres: Fragment, sqlite: Fragment) -> None:
        self.postgres = postgres
        self.sqlite = sqlite


class _Values:
    """Rows of values (`sql.values`), bound as they are given."""

    __slots__ = ("rows", "width")

    def __init__(self, rows: Sequence[Sequence[Any]], width: int) -> None:
        self.rows = rows
        self.width = width


Part = Param | Fragment | _Choice | _Values


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
        return _built(texts, parts)

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
        listed = tuple(parts)
        if not listed:
            return Fragment(("",), ())
        return _built(("", *(separator for _ in listed[1:]), ""), listed)

    @staticmethod
    def either(*, postgres: Fragment, sqlite: Fragment) -> Fragment:
        """SQL that differs by dialect."""
        return Fragment(("", ""), (_Choice(postgres, sqlite),))

    @staticmethod
    def values(rows: Sequence[Sequence[Any]]) -> Fragment:
        """`(a, b), (c, d)`, a multi-row VALUES list: one placeholder per value, all the rows of
        one width. The values are bound as they are given, not adapted: they are a bulk write's,
        encoded already by the models' fields (seed/rows.py), which the dialect's driver takes."""
        if not rows:
            raise ValueError("a VALUES list needs a row")
        width = len(rows[0])
        if width == 0 or any(len(row) != width for row in rows):
            raise ValueError(f"every row of a VALUES list needs {width or 'a'} value(s)")
        return Fragment(("", ""), (_Values(rows, width),))


# A fragment with at most this many parts is copied into the one it is given to, so the tree
# compiling walks stays shallow (text alone always is); larger ones are kept by reference, so
# building never copies more than this per part.
_INLINE = 8


def _built(texts: tuple[str, ...], parts: Sequence[Any]) -> Fragment:
    out_texts = [texts[0]]
    out_parts: list[Part] = []
    for part, text in zip(parts, texts[1:], strict=True):
        if part.__class__ is Fragment:
            inner: tuple[Part, ...] = part.parts
            if len(inner) <= _INLINE:
                inner_texts = part.texts
                out_texts[-1] += inner_texts[0]
                out_parts.extend(inner)
                out_texts.extend(inner_texts[1:])
                out_texts[-1] += text
                continue
            out_parts.append(part)
        else:
            out_parts.append(Param(part))
        out_texts.append(text)
    return Fragment(tuple(out_texts), tuple(out_parts))


sql = _Builder()

TRUE = sql.raw("1 = 1")


def all_of(conditions: Iterable[Fragment]) -> Fragment:
    """The conditions joined by AND; none: true."""
    listed = [condition for condition in conditions if condition]
    return sql.join(listed, " AND ") if listed else TRUE


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

    def encoded(self, given: Mapping[str, Any]) -> list[Any]:
        """The values with the late ones from `given` as they are (not adapted: see `many`)."""
        return [given[value.value] if value.__class__ is Param else value for value in self.bound]


def _flatten(fragment: Fragment, postgres: bool, out: list[str | Param | _Values]) -> None:
    texts = fragment.texts
    out.append(texts[0])
    for index, part in enumerate(fragment.parts, start=1):
        if part.__class__ is Param or part.__class__ is _Values:
            out.append(part)  # type: ignore[arg-type]
        elif part.__class__ is _Choice:
            _flatten(part.postgres if postgres else part.sqlite, postgres, out)  # type: ignore[union-attr]
        else:
            _flatten(part, postgres, out)  # type: ignore[arg-type]
        out.append(texts[index])


def _compile(fragment: Fragment, postgres: bool) -> Compiled:
    pieces: list[str | Param | _Values] = []
    _flatten(fragment, postgres, pieces)
    text: list[str] = []
    bound: list[Any] = []
    late = False
    numbers: dict[int, int] = {}
    for piece in pieces:
        if piece.__class__ is str:
            text.append(piece)  # type: ignore[arg-type]
            continue
        if isinstance(piece, _Values):
            text.append(_values_text(piece, len(bound) + 1 if postgres else 0))
            bound.extend(chain.from_iterable(piece.rows))
            continue
        assert isinstance(piece, Param)
        late = late or piece.late
        value = piece if piece.late else adapt(piece.value, postgres)
        if not postgres:
            text.append("?")
            bound.append(value)
            continue
        number = numbers.get(id(piece))
        if number is None:
            number = numbers[id(piece)] = len(bound) + 1  # one bound value per number
            bound.append(value)
        text.append(f"${number}")
    return Compiled("".join(text), tuple(bound), late, postgres)


def _values_text(values: _Values, first: int) -> str:
    """The placeholders of a VALUES list: `(?, ?), (?, ?)`, or numbered from `first` (PostgreSQL)."""
    width = values.width
    if not first:
        return ", ".join(["(" + ", ".join(["?"] * width) + ")"] * len(values.rows))
    numbers = [f"${number}" for number in range(first, first + width * len(values.rows))]
    return ", ".join("(" + ", ".join(numbers[start : start + width]) + ")" for start in range(0, len(numbers), width))


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


async def many(
    statement: Fragment,
    rows: Sequence[Mapping[str, Any]],
    client: BaseDBAsyncClient | None = None,
    *,
    encoded: bool = False,
) -> None:
    """One statement run for each of `rows`, its late values (`sql.late(name)`) from the row:
    compiled once, sent as one `execute_many`. `encoded`: the rows' values are as the driver
    takes them already (the models' fields encoded them, seed/rows.py) and are bound as they
    are, as `sql.values` binds them."""
    if not rows:
        return
    client = client or connections.get("default")
    compiled = statement.compiled(client.capabilities.dialect == "postgres")
    if encoded:
        await client.execute_many(compiled.text, [compiled.encoded(row) for row in rows])
        return
    await client.execute_many(compiled.text, [compiled.values(**row) for row in rows])


# ---------------------------------------------------------------- bulk writes


async def new_ids(table: str, count: int, client: BaseDBAsyncClient | None = None) -> list[int]:
    """`count` ids for rows about to be inserted into `table` (its integer key `id`), so a bulk
    insert need not read them back (COPY returns nothing; RETURNING makes SQLite hand every row
    back). PostgreSQL: from the table's sequence, in one statement, safe beside any concurrent
    insert. SQLite: after the largest id the table has had (its AUTOINCREMENT counter, or its
    largest id); only inside a write transaction, which on SQLite (`BEGIN IMMEDIATE`,
    models/transactions.py) has no other writer until it ends. Measured on the whole-country
    load: reading the ids of new items, commitments, targets and follow-up entries back by their
    keys cost PostgreSQL 0.6 s of its CPU. Inside an exclusive write (a seed load,
    models/transactions.py) PostgreSQL takes the whole block in one step."""
    if count <= 0:
        return []
    client = client or connections.get("default")
    sequence = f'"{table}"'
    if client_postgres(client) and in_exclusive_write():
        # No other content write takes ids until this transaction ends: the block is taken
        # in one step (nextval for each id cost PostgreSQL 0.37 s of a whole-country load).
        (block,) = await rows(
            sql(
                "SELECT setval(s, nextval(s) + {} - 1) AS last FROM pg_get_serial_sequence({}, 'id') s",
                count,
                sequence,
            ),
            client,
        )
        return list(range(int(block["last"]) - count + 1, int(block["last"]) + 1))
    if client_postgres(client):
        found = await rows(
            sql("SELECT nextval(pg_get_serial_sequence({}, 'id')) AS id FROM generate_series(1, {})", sequence, count),
            client,
        )
        return [int(row["id"]) for row in found]
    (last,) = await rows(
        sql(
            'SELECT MAX(COALESCE((SELECT "seq" FROM "sqlite_sequence" WHERE "name" = {}), 0),'
            ' COALESCE((SELECT MAX("id") FROM {}), 0)) AS "last"',
            table,
            sql.identifier(table),
        ),
        client,
    )
    start = int(last["last"]) + 1
    return list(range(start, start + count))


async def insert(
    table: str,
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    tail: Fragment | None = None,
    client: BaseDBAsyncClient | None = None,
) -> list[dict[str, Any]]:
    """Insert the rows `values` (each in the order of `columns`, as the driver takes them: see
    `sql.values`) into `table`, then `tail` (ON CONFLICT …, RETURNING …); the rows that
    RETURNING gives.

    PostgreSQL without a `tail`: one COPY (binary) of all the rows. Otherwise the rows as
    multi-row VALUES lists of up to ROWS_PER_STATEMENT rows, under both databases' limits on
    parameters. Either starts PostgreSQL's executor, and SQLite its statement with the search
    index's virtual table, once per statement where `many` does so once per row. Measured on
    PostgreSQL, 40,000 rows of 5 columns: one INSERT per row 0.22 s in this process and 0.58 s
    in the database, VALUES lists 0.51 s and 0.45 s, COPY 0.11 s and 0.16 s. Constraints,
    triggers and foreign keys hold for COPY as for INSERT; its errors are raised as Tortoise's,
    as the other statements' are."""
    if not values:
        return []
    client = client or connections.get("default")
    if client_postgres(client) and tail is None:
        await _copy(client, table, columns, values)
        return []
    width = len(columns)
    if any(len(row) != width for row in values):
        raise ValueError(f"{table}: every row needs a value for each of {', '.join(columns)}")
    into = sql("INSERT INTO {} ({}) VALUES ", sql.identifier(table), sql.join(sql.identifier(c) for c in columns))
    found: list[dict[str, Any]] = []
    size = min(ROWS_PER_STATEMENT, MAX_PARAMETERS // width)
    for start in range(0, len(values), size):
        statement = into + sql.values(values[start : start + size])
        found += await rows(statement + tail if tail is not None else statement, client)
    return found


async def _copy(client: BaseDBAsyncClient, table: str, columns: Sequence[str], values: Sequence[Sequence[Any]]) -> None:
    client.log.debug("COPY %s (%s): %d rows", table, ", ".join(columns), len(values))
    pending = _BEHIND.get()
    if pending is not None and isinstance(client, TransactionalDBClient):
        await _copy_ahead(client, table, columns, values, pending)
        return
    async with client.acquire_connection() as connection:
        await _copy_on(connection, table, columns, values)


async def _copy_on(connection: Any, table: str, columns: Sequence[str], records: Iterable[Sequence[Any]]) -> None:
    try:
        await connection.copy_records_to_table(table, columns=list(columns), records=records)
    except asyncpg.IntegrityConstraintViolationError as error:
        raise IntegrityError(error) from error
    except (asyncpg.SyntaxOrAccessError, asyncpg.DataError) as error:
        raise OperationalError(error) from error


# The COPYs sent ahead inside `writes_behind`, not yet known to be written.
_BEHIND: ContextVar[list[asyncio.Task[None]] | None] = ContextVar("writes_behind", default=None)


@asynccontextmanager
async def writes_behind() -> AsyncIterator[None]:
    """Inside a PostgreSQL transaction: a COPY (`insert` without a tail) returns once its rows
    are sent, and the caller builds its next rows while the database checks and writes them,
    on the other core. The transaction's statements still run one after the other in the order
    they were given (Tortoise's transaction takes its connection's lock for each, first come
    first served), so whatever runs next, a read included, runs after the COPY; leaving the
    block waits for every COPY sent, and one that failed fails the block with its own error
    (the statements after it failed only because the transaction was aborted). For writers
    that send thousands of rows between reads: the seed load. Elsewhere, and on SQLite, an
    insert returns when it is written, as outside the block."""
    pending: list[asyncio.Task[None]] = []
    token = _BEHIND.set(pending)
    try:
        yield
    except BaseException as error:
        failure = await _settle(pending)
        if failure is not None:
            raise failure from error
        raise
    else:
        failure = await _settle(pending)
        if failure is not None:
            raise failure
    finally:
        _BEHIND.reset(token)


async def _settle(pending: list[asyncio.Task[None]]) -> BaseException | None:
    """Wait for the COPYs sent ahead; the first one's error, if one failed."""
    first: BaseException | None = None
    for task in pending:
        try:
            await task
        except BaseException as error:
            first = first or error
    pending.clear()
    return first


async def _copy_ahead(
    client: TransactionalDBClient,
    table: str,
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    pending: list[asyncio.Task[None]],
) -> None:
    """Take the connection in this statement's turn, hand the COPY to a task that keeps it
    until the database has answered, and return once the task has sent the last row."""
    wrapper = client.acquire_connection()
    connection = await wrapper.__aenter__()
    sent = asyncio.Event()

    def records() -> Iterator[Sequence[Any]]:
        yield from values
        sent.set()

    async def copy() -> None:
        try:
            await _copy_on(connection, table, columns, records())
        finally:
            sent.set()
            await wrapper.__aexit__(None, None, None)

    task = asyncio.get_running_loop().create_task(copy())
    pending.append(task)
    waiting = asyncio.ensure_future(sent.wait())
    try:
        await asyncio.wait([task, waiting], return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()


def json_value(value: Any) -> Any:
    """JSON columns come back as text from raw SQL on both databases."""
    if isinstance(value, str | bytes):
        return orjson.loads(value)
    return value
