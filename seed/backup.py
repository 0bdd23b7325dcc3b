"""`samverkan backup FILE` and `samverkan restore FILE`: the whole database in one portable file.

Why this shape:
- One format for both databases, so a backup taken on SQLite restores on PostgreSQL and back:
  gzip'd JSON lines. Line 1 is the header (format version, the migrations the source had
  applied, every table with its key and typed columns); then pages of rows, a table at a time in
  dependency order (a row's references are restored before it); the last line counts the rows
  per table, so a cut-off file is refused instead of restored in part. Values are typed
  portably: datetimes and dates ISO 8601 (datetimes in UTC), decimals as text, JSON as JSON,
  bytes as base64.
- The tables and columns come from the Tortoise models' metadata (and their many-to-many
  through tables), so a model added later is backed up without touching this file. Tables that
  are not models are the migration record (written in the header, never copied: the target has
  its own) and the search index, which is derived from the content and rebuilt on restore by the
  same code as `samverkan search reindex` (copying it would copy PostgreSQL's tsvectors or
  SQLite's FTS5 internals, neither of which the other database can read). A table in the
  database that is none of these makes `backup` refuse: it would be lost otherwise.
- Rich text is backed up as its Markdown only: the stored renderings and their version
  (`<field>_html`, `<field>_plain`, `render_version`, models/rendered.py) are left out and
  rendered again in the restore's transaction, by the current renderer, before the search index
  (which reads the plain text) is rebuilt.
- Bounded memory: rows are read in keyset pages (by primary key) and written as they come; a
  restore inserts page by page. The backup reads inside one transaction (REPEATABLE READ on
  PostgreSQL), so a backup taken while the server writes is one consistent moment.
- A restore is one transaction: it refuses a database that holds anything unless told to
  replace it (then it empties it inside the same transaction), and refuses a backup from a
  newer schema (migrations the target lacks). A backup from an older schema restores into the
  current one when every column it has still exists; columns it lacks take their database
  defaults (a required column without one stops the restore, naming the table), and the restore
  says which migrations the backup did not have. Data migrations the backup missed are not run
  again: the search index is rebuilt anyway, and a later migration that fills content must say
  whether a restore needs it too.

Measured on the whole-country content of bench/generate.py (112,426 rows): a backup from SQLite
takes 1.7 s and 1.4 MB, peak RSS 86 MB; a restore into PostgreSQL 15.7 s with the index rebuilt,
peak RSS 92 MB (README "Backups").
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from tortoise import Tortoise, fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.fields.relational import ForeignKeyFieldInstance, ManyToManyFieldInstance, OneToOneFieldInstance
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.rendered import rendered_columns, rerender

FORMAT = "samverkan-backup"
VERSION = 1
PAGE = 1000
MIGRATIONS_TABLE = "tortoise_migrations"
# Derived from the content and rebuilt on restore (migration 0003; `search_text` is SQLite's
# FTS5 table, whose shadow tables are named after it).
DERIVED_TABLES = ("search_document", "search_place", "search_text")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; `code` is the command's exit code
    (1: the file's content, 2: usage, 3: the database's setup)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------------------------
# The tables, from the models


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # int, float, text, bool, datetime, date, time, json, decimal, bytes, uuid
    # The model's field (typed as object: mypy reads a Field attribute as a descriptor);
    # None for a through table's key column (an int).
    model_field: object = None
    references: str | None = None  # the table a foreign key points to


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    generated_key: bool = False  # an integer key from a sequence (reset on PostgreSQL)
    depends_on: frozenset[str] = frozenset()

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def _kind(value_field: fields.Field[Any]) -> str:
    """The portable type of a model field's column; a field type not known here is an error,
    so a new kind of column gets a decision instead of a silent guess."""
    kinds: list[tuple[type[fields.Field[Any]], str]] = [
        (fields.JSONField, "json"),
        (fields.BooleanField, "bool"),
        (fields.DatetimeField, "datetime"),
        (fields.DateField, "date"),
        (fields.TimeField, "time"),
        (fields.DecimalField, "decimal"),
        (fields.FloatField, "float"),
        (fields.BinaryField, "bytes"),
        (fields.UUIDField, "uuid"),
        (fields.IntField, "int"),
        (fields.BigIntField, "int"),
        (fields.SmallIntField, "int"),
        (fields.CharField, "text"),
        (fields.TextField, "text"),
    ]
    # A foreign key's own column (`municipality_id`) has the referenced key's field class.
    for field_class, kind in kinds:
        if isinstance(value_field, field_class):
            return kind
    raise BackupError(f"backup: no portable type for {type(value_field).__name__} ({value_field.model_field_name})", 3)


def _models() -> list[type[Model]]:
    return [model for app in Tortoise.apps.values() for model in app.values() if not model._meta.abstract]


def tables() -> list[Table]:
    """Every table the models have (through tables of many-to-many fields included), in
    dependency order: a table comes after every table it references."""
    found: dict[str, Table] = {}
    through: dict[str, Table] = {}
    for model in _models():
        meta = model._meta
        references: dict[str, str] = {}
        for name in meta.fk_fields | meta.o2o_fields:
            relation = meta.fields_map[name]
            assert isinstance(relation, ForeignKeyFieldInstance | OneToOneFieldInstance)
            assert relation.source_field is not None
            references[relation.source_field] = relation.related_model._meta.db_table
        columns = []
        derived = rendered_columns(meta.db_table)
        for field_name, column_name in meta.fields_db_projection.items():
            if column_name in derived:
                continue  # rendered again on restore
            value_field = meta.fields_map[field_name]
            source = value_field.source_field or field_name
            kind = _kind(value_field)
            columns.append(Column(column_name, kind, value_field, references.get(source) or references.get(field_name)))
        pk = meta.pk
        found[meta.db_table] = Table(
            meta.db_table,
            (meta.fields_db_projection[meta.pk_attr],),
            tuple(columns),
            generated_key=bool(pk.generated),
            depends_on=frozenset(references.values()),
        )
        for name in meta.m2m_fields:
            m2m = meta.fields_map[name]
            assert isinstance(m2m, ManyToManyFieldInstance)
            if m2m._generated:
                continue  # the other side's field, made by Tortoise for the declared one
            related = m2m.related_model._meta.db_table
            through[m2m.through] = Table(
                m2m.through,
                (m2m.backward_key, m2m.forward_key),
                (
                    Column(m2m.backward_key, _kind(pk), references=meta.db_table),
                    Column(m2m.forward_key, _kind(m2m.related_model._meta.pk), references=related),
                ),
                depends_on=frozenset({meta.db_table, related}),
            )
    # A through table declared as a model is backed up as that model.
    return _in_dependency_order(through | found)


def _in_dependency_order(found: dict[str, Table]) -> list[Table]:
    ordered: list[Table] = []
    done: set[str] = set()
    pending = dict(sorted(found.items()))
    while pending:
        ready = [t for t in pending.values() if t.depends_on - {t.name} <= done]
        if not ready:
            raise BackupError(f"backup: the tables {', '.join(pending)} reference each other in a cycle", 3)
        for table in ready:
            ordered.append(table)
            done.add(table.name)
            del pending[table.name]
    return ordered


async def database_tables(client: BaseDBAsyncClient) -> set[str]:
    """The tables that exist in the database (SQLite's own and FTS5's shadow tables left out)."""
    if _dialect(client) == "postgres":
        rows = await client.execute_query_dict(
            "SELECT table_name AS name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        return {row["name"] for row in rows}
    rows = await client.execute_query_dict("SELECT name FROM sqlite_master WHERE type = 'table'")
    shadows = {
        f"{table}_{part}" for table in DERIVED_TABLES for part in ("data", "idx", "docsize", "config", "content")
    }
    return {row["name"] for row in rows if not row["name"].startswith("sqlite_") and row["name"] not in shadows}


async def uncovered_tables(client: BaseDBAsyncClient) -> list[str]:
    """Tables in the database that a backup would neither copy nor rebuild."""
    covered = {table.name for table in tables()} | set(DERIVED_TABLES) | {MIGRATIONS_TABLE}
    return sorted(await database_tables(client) - covered)


async def applied_migrations(client: BaseDBAsyncClient) -> list[str]:
    if MIGRATIONS_TABLE not in await database_tables(client):
        return []
    rows = await client.execute_query_dict(f"SELECT app, name FROM {MIGRATIONS_TABLE} ORDER BY app, name")
    return [f"{row['app']}/{row['name']}" for row in rows]


def _dialect(client: BaseDBAsyncClient) -> str:
    return str(client.capabilities.dialect)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------------------------------------
# Values, portably


def _portable(kind: str, value: Any) -> Any:
    """A value as read from either database, as JSON."""
    if value is None:
        return None
    if kind == "datetime":
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).isoformat()
    if kind in ("date", "time"):
        return value.isoformat() if isinstance(value, dt.date | dt.time) else str(value)
    if kind == "json":
        return json.loads(value) if isinstance(value, str | bytes) else value
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind in ("decimal", "uuid"):
        return str(value)
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def _python(kind: str, value: Any) -> Any:
    """A portable value back as the Python value its field writes."""
    if value is None:
        return None
    if kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "time":
        return dt.time.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    if kind == "uuid":
        return UUID(value)
    if kind == "bytes":
        return base64.b64decode(value)
    return value


def _writer(column: Column) -> Callable[[Any], Any]:
    """How a portable value becomes a statement parameter: the field's own conversion (as the
    ORM writes it), except JSON, which is always encoded (the field would take a JSON string
    value for JSON text)."""
    value_field = column.model_field
    if column.kind == "json":
        assert isinstance(value_field, fields.JSONField)
        encoder = value_field.encoder
        return lambda value: None if value is None else encoder(value)
    if not isinstance(value_field, fields.Field):
        return lambda value: value
    convert = value_field.to_db_value
    kind = column.kind
    return lambda value: None if value is None else convert(_python(kind, value), None)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Backup


@dataclass
class BackupSummary:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        total = sum(self.rows.values())
        busy = ", ".join(f"{name} {count:,}" for name, count in self.rows.items() if count)
        return [
            f"{total:,} rows in {len(self.rows)} tables ({busy})",
            f"backup written to {self.path} ({self.path.stat().st_size:,} bytes)",
        ]


def _header(source: str, migrations: list[str], table_list: list[Table]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "source": source,
        "migrations": migrations,
        "tables": [
            {"name": t.name, "key": list(t.key), "columns": [{"name": c.name, "type": c.kind} for c in t.columns]}
            for t in table_list
        ],
        "rebuilt_on_restore": list(DERIVED_TABLES),
    }


async def _read_pages(client: BaseDBAsyncClient, table: Table, page: int) -> AsyncIterator[list[dict[str, Any]]]:
    """Keyset pages of a table's rows, in key order."""
    postgres = _dialect(client) == "postgres"
    columns = ", ".join(_quote(c.name) for c in table.columns)
    key = ", ".join(_quote(k) for k in table.key)
    after: list[Any] | None = None
    while True:
        if after is None:
            where, values = "", []
        else:
            marks = ", ".join(f"${i + 1}" if postgres else "?" for i in range(len(after)))
            where, values = f" WHERE ({key}) > ({marks})", after
        rows = await client.execute_query_dict(
            f"SELECT {columns} FROM {_quote(table.name)}{where} ORDER BY {key} LIMIT {page}", values
        )
        if not rows:
            return
        yield rows
        if len(rows) < page:
            return
        after = [rows[-1][k] for k in table.key]


async def backup(path: Path, *, page: int = PAGE) -> BackupSummary:
    """Write the whole database to `path` (a new file; written beside it, then renamed)."""
    _must_be_new(path)
    summary = BackupSummary(path)
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        async with in_transaction() as client:
            if _dialect(client) == "postgres":
                await client.execute_script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            migrations = await applied_migrations(client)
            if not migrations:
                raise BackupError("the database has no migrations applied: run `samverkan migrate` first", 3)
            if missing := await uncovered_tables(client):
                raise BackupError(
                    f"the database has tables the backup does not know: {', '.join(missing)};"
                    " nothing was written (they would be lost: back them up in seed/backup.py)",
                    3,
                )
            table_list = tables()
            with gzip.open(partial, "wt", encoding="utf-8", compresslevel=6) as out:
                _line(out, _header(_dialect(client), migrations, table_list))
                for table in table_list:
                    kinds = [c.kind for c in table.columns]
                    names = [c.name for c in table.columns]
                    count = 0
                    async for rows in _read_pages(client, table, page):
                        values = [[_portable(k, row[n]) for k, n in zip(kinds, names, strict=True)] for row in rows]
                        _line(out, {"table": table.name, "rows": values})
                        count += len(values)
                    summary.rows[table.name] = count
                _line(out, {"end": True, "rows": summary.rows})
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _must_be_new(path: Path) -> None:
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new file name (a backup never overwrites one)", 2)
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder", 2)


def _must_exist(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path}: no such file", 2)


def _line(out: IO[str], value: Any) -> None:
    out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


# ---------------------------------------------------------------------------------------------
# Restore


@dataclass
class RestoreSummary:
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    replaced: bool = False
    rendered: int = 0
    index: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        total = sum(self.rows.values())
        done = "replaced the database's content" if self.replaced else "restored"
        return [
            *self.notes,
            f"{done}: {total:,} rows in {len(self.rows)} tables",
            f"rich text rendered: {self.rendered:,} rows",
            f"search index rebuilt: {sum(self.index.values()):,} documents",
        ]


def _records(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            for number, line in enumerate(source, 1):
                try:
                    record = json.loads(line)
                except ValueError:
                    raise BackupError(f"{path}: line {number} is not JSON; the file is damaged", 1) from None
                if not isinstance(record, dict):
                    raise BackupError(f"{path}: line {number} is not a record; the file is damaged", 1)
                yield record
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise BackupError(f"{path}: not a readable backup ({error})", 1) from None


def _check_header(path: Path, header: dict[str, Any], target: list[str]) -> list[str]:
    """Refuse what cannot be restored here; returns notes on what can."""
    if header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Samverkan backup (its first line has no format '{FORMAT}')", 1)
    if header.get("version") != VERSION:
        raise BackupError(
            f"{path} is a backup of format version {header.get('version')}; this Samverkan reads version {VERSION}", 1
        )
    if not target:
        raise BackupError("the database has no migrations applied: run `samverkan migrate` first, then restore", 3)
    theirs = list(header.get("migrations") or [])
    if newer := [name for name in theirs if name not in target]:
        raise BackupError(
            f"{path} comes from a newer schema: it has migrations this database lacks ({', '.join(newer)})."
            " Restore it with the Samverkan version that made it, or upgrade this one and run"
            " `samverkan migrate` first; nothing was written",
            3,
        )
    if older := [name for name in target if name not in theirs]:
        return [
            f"note: the backup comes from an older schema (without {', '.join(older)}); restored into the"
            " current one, columns it does not have take their defaults"
        ]
    return []


async def restore(path: Path, *, replace: bool = False) -> RestoreSummary:
    """Restore `path` into the database in one transaction (see the module docstring)."""
    _must_exist(path)
    from models.search.index import rebuild

    records = _records(path)
    header = next(records, None)
    if header is None:
        raise BackupError(f"{path} is empty", 1)
    summary = RestoreSummary(replaced=replace)
    ours = {table.name: table for table in tables()}
    async with in_transaction() as client:
        postgres = _dialect(client) == "postgres"
        summary.notes = _check_header(path, header, await applied_migrations(client))
        plan = _plan(path, header, ours)
        held = [name for name in ours if await _has_rows(client, name)]
        if held and not replace:
            raise BackupError(
                f"the database is not empty ({', '.join(held[:4])}{', …' if len(held) > 4 else ''} hold rows);"
                " restore into an empty database, or pass --replace to replace its content; nothing was written",
                2,
            )
        if held:
            await _empty(client, list(ours.values()), postgres)
        inserts = {name: _Inserter(client, ours[name], columns, postgres) for name, columns in plan.items()}
        ended: dict[str, Any] | None = None
        for record in records:
            if ended is not None:
                raise BackupError(f"{path}: rows after the end record; the file is damaged", 1)
            if record.get("end"):
                ended = record
                continue
            inserter = inserts.get(str(record.get("table")))
            if inserter is None:
                raise BackupError(f"{path}: rows of table '{record.get('table')}', not in its header", 1)
            await inserter.add(record.get("rows") or [])
        if ended is None:
            raise BackupError(f"{path} is incomplete (no end record: was it cut off?); nothing was written", 1)
        for inserter in inserts.values():
            await inserter.finish()
        summary.rows = {name: inserter.count for name, inserter in inserts.items()}
        if summary.rows != ended.get("rows"):
            raise BackupError(f"{path}: row counts do not match its end record; the file is damaged", 1)
        if postgres:
            await _reset_sequences(client, [ours[name] for name in plan])
        summary.rendered = await rerender(client)
        summary.index = await rebuild(client)
    await Tortoise.get_connection("default").execute_script("ANALYZE")
    return summary


def _plan(path: Path, header: dict[str, Any], ours: dict[str, Table]) -> dict[str, list[Column]]:
    """The backup's tables (in its order) with the columns to write, checked against ours."""
    plan: dict[str, list[Column]] = {}
    for described in header.get("tables") or []:
        name = described["name"]
        if name not in ours:
            raise BackupError(f"{path} has table '{name}', which this database's schema does not have", 3)
        table = ours[name]
        known = {column.name: column for column in table.columns}
        columns = []
        for column in described["columns"]:
            if column["name"] not in known:
                raise BackupError(f"{path}: column {name}.{column['name']} does not exist in this schema", 3)
            columns.append(known[column["name"]])
        plan[name] = columns
    return plan


async def _has_rows(client: BaseDBAsyncClient, table: str) -> bool:
    rows = await client.execute_query_dict(f"SELECT 1 AS found FROM {_quote(table)} LIMIT 1")
    return bool(rows)


async def _empty(client: BaseDBAsyncClient, table_list: list[Table], postgres: bool) -> None:
    """Delete every row (the search index's too), inside the restore's transaction."""
    names = [*(table.name for table in table_list), *DERIVED_TABLES[:2]]
    if postgres:
        await client.execute_script(f"TRUNCATE {', '.join(_quote(n) for n in names)} RESTART IDENTITY")
        return
    # SQLite checks ON DELETE RESTRICT row by row: dependants go first, and a table's
    # references to itself (a police unit's parent) are cleared before its rows go.
    for table in reversed(table_list):
        for column in table.columns:
            if column.references == table.name:
                await client.execute_script(f"UPDATE {_quote(table.name)} SET {_quote(column.name)} = NULL")
    for name in reversed(names):
        await client.execute_script(f"DELETE FROM {_quote(name)}")


class _Inserter:
    """Writes one table's rows page by page. A row referring to a row of its own table that is
    not written yet (a police unit's parent with a higher key) is written without that
    reference first and completed when the table is done."""

    def __init__(self, client: BaseDBAsyncClient, table: Table, columns: list[Column], postgres: bool) -> None:
        self.client = client
        self.table = table
        self.columns = columns
        self.writers = [_writer(column) for column in columns]
        marks = ", ".join(f"${i + 1}" if postgres else "?" for i in range(len(columns)))
        names = ", ".join(_quote(column.name) for column in columns)
        self.statement = f"INSERT INTO {_quote(table.name)} ({names}) VALUES ({marks})"
        self.count = 0
        own = [i for i, column in enumerate(columns) if column.references == table.name]
        self.own_references = own
        key_positions = [next(i for i, c in enumerate(columns) if c.name == k) for k in table.key]
        self.key_positions = key_positions
        self.seen: set[tuple[Any, ...]] = set()
        self.later: list[tuple[list[Any], int, Any]] = []  # (key values, column position, value)
        self.postgres = postgres

    async def add(self, rows: list[list[Any]]) -> None:
        values = []
        for row in rows:
            if len(row) != len(self.columns):
                raise BackupError(
                    f"a row of {self.table.name} has {len(row)} values for {len(self.columns)} columns", 1
                )
            row = list(row)
            if self.own_references:
                self.seen.add(tuple(row[i] for i in self.key_positions))
                for position in self.own_references:
                    if row[position] is not None and (row[position],) not in self.seen:
                        self.later.append(([row[i] for i in self.key_positions], position, row[position]))
                        row[position] = None
            values.append([write(value) for write, value in zip(self.writers, row, strict=True)])
        if values:
            try:
                await self.client.execute_many(self.statement, values)
            except (IntegrityError, OperationalError) as error:
                raise BackupError(
                    f"rows of {self.table.name} cannot be written here ({error}); nothing was written", 1
                ) from error
        self.count += len(values)

    async def finish(self) -> None:
        for key, position, value in self.later:
            column = self.columns[position]
            marks = [f"${i + 1}" if self.postgres else "?" for i in range(len(key) + 1)]
            where = " AND ".join(f"{_quote(k)} = {mark}" for k, mark in zip(self.table.key, marks[1:], strict=True))
            key_writers = [self.writers[i] for i in self.key_positions]
            await self.client.execute_query(
                f"UPDATE {_quote(self.table.name)} SET {_quote(column.name)} = {marks[0]} WHERE {where}",
                [self.writers[position](value), *(w(k) for w, k in zip(key_writers, key, strict=True))],
            )


async def _reset_sequences(client: BaseDBAsyncClient, restored: list[Table]) -> None:
    """Rows came with their keys: the next generated key must come after them."""
    for table in restored:
        if not table.generated_key:
            continue
        key = table.key[0]
        await client.execute_query(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key}'),"
            f" COALESCE((SELECT MAX({_quote(key)}) FROM {_quote(table.name)}), 0) + 1, false)"
        )
