"""The reference path's reads, derived from the declarations (api/compiled/declare.py): a
type's row and each relation's join, order, visibility and arguments are read from
api/<domain>/reads.py, the same description the compiler turns into one statement per root
field. Nothing here is written per relation.

- A row of a declared type is its table's columns (`{c}.*`) plus what the declaration computes
  beside them: the global ID's key when it is not a column (a commitment's
  `promise-slug/key`, as `node_key`) and every declared value that is an SQL expression rather
  than a column (a contact's name from `person`, as `name`; a nested shape's, prefixed with
  its field: a signatory's `person__name`). Columns are converted as the table's model types
  them (dates, timestamps, JSON and booleans, which SQLite keeps as text or integers); a view
  without a model as its declared values' kinds say. A type's `from_row` takes its plain
  fields' values as the declaration reads them (`declared_values`), so a scalar field is its
  declaration and its strawberry field's type and description, nothing more.
- A relation is read for every parent of one level in one statement (`RelationLoader`, a
  per-request DataLoader per relation, keyed by parent and arguments: the fields of one level
  that ask for the relation with different arguments share the statement): the declared source and
  order, the declared join turned into a condition on a set of parent keys bound as one
  parameter, and the declared visibility. A join `X = {p}.column` needs no parent row in
  the statement: the parents' `column` values are matched against `X`. Any other join (two
  parent columns, a condition on the parent, several ways to reach it) is made with the
  parent's table, matched on its row key (`id`, or `code` for municipalities and counties).
- A type found by its key (`node(id:)`, root fields by slug or code) is read with its declared
  lookup and lookup visibility (`LookupLoader`), a batch of keys in one statement.

The statements differ by relation and viewer kind, not by how many parents a batch has, so
PostgreSQL keeps one prepared plan each. On PostgreSQL statements of one level go together
(api/core/sql.py, Batch): the relations one level asks for side by side are one round trip.
Measured (tests/test_api_reads.py, tests/test_execution.py): the municipality page is 12
statements on SQLite and 5 round trips on PostgreSQL, the same for one promise as for ten of ten
commitments (14 and 5 while each set of arguments had its own statement: the page's three
`commitments(actor:)`; 8 and 3 with the hand-written look-ahead this replaced, which joined a
relation into its parent's statement: the county into the municipality's, the commitments into
the promises', the entries into the follow-ups'), the regional list 7 and 4 (4 and 3).
The look-ahead also let a list's items find their relations without awaiting; without it the
reference path's CPU per request on the whole-country regional list (100 commitments) went from
32 to 82 ms (README, Reads compiled to SQL). The compiled path answers that document.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import cache
from string import Formatter
from typing import Any, Self, TypeVar

from strawberry.types.base import StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.private import is_private
from strawberry.utils.str_converters import to_camel_case

from api.compiled.declare import (
    SCOPED_TABLES,
    Everything,
    Listing,
    Nested,
    Related,
    Root,
    Shape,
    Table,
    Value,
    Values,
)
from api.context import Context
from api.core import inputs
from api.core.loaders import BUILDERS, Loader, Maybe, Row, each, optional
from api.core.pagination import paginate
from api.core.relay import Connection, page_request
from api.core.sql import Decode
from models.sql import Fragment, all_of, one_of, sql

# Every declared shape by GraphQL type name (api/compiled/registry.py), filled in when the schema
# is composed (api/schema.py): the domains' types read their relations through here without
# importing the declarations, which import the domains' queries.
DECLARED: dict[str, Shape] = {}
# The declared root fields, by name.
ROOTS: dict[str, Root] = {}

# The tables' models, by table name (filled in with DECLARED): how their columns are typed.
MODELS: dict[str, Any] = {}

# Aliases of the reference path's statements: the child {c}, its join tables {j} and {j2}, the
# parent {p} (only when its table is joined).
ALIASES = {"c": "rc", "j": "rj", "j2": "rj2", "p": "rp"}

_COLUMN = re.compile(r"^\{c\}\.\"?(\w+)\"?$")
# A join on one parent column: `X = {p}.column`, then conditions that do not name the parent.
_KEYED = re.compile(r"^(?P<child>[^=]+?) = \{p\}\.(?P<column>\w+)(?: AND (?P<rest>.+))?$")
_TABLE_OF_C = re.compile(r"(?:^|JOIN )(\w+) \{c\}")


def _declared(type_name: str) -> Shape:
    shape = DECLARED.get(type_name)
    if shape is None:
        raise LookupError(f"{type_name} is not declared (api/<domain>/reads.py), or the schema is not composed")
    return shape


def row_key(shape: Shape) -> str:
    """The column naming a row of the shape's table (as the compiler's `_row_key`)."""
    return "code" if isinstance(shape, Table) and shape.key == "{c}.code" else "id"


# ---------------------------------------------------------------- rows


@dataclass(frozen=True)
class RowShape:
    """What a row of a type is: its select list (alias `{c}`) and how its columns convert."""

    columns: str
    decode: Decode


def _computed(shape: Shape, prefix: str = "") -> list[tuple[str, str, str]]:
    """(name, SQL, kind) of the declared values that are expressions, not columns of the row."""
    found: list[tuple[str, str, str]] = []
    for name, declared in shape.fields.items():
        if isinstance(declared, Value) and not _COLUMN.match(declared.sql):
            found.append((prefix + name, declared.sql, declared.kind))
        elif isinstance(declared, Nested):
            found += _computed(_declared(declared.shape), f"{prefix}{name}__")
    return found


def _declared_kinds(shape: Shape) -> dict[str, str]:
    """The kinds of the declared values that are columns of the row, by column (nested too)."""
    kinds: dict[str, str] = {}
    for declared in shape.fields.values():
        if isinstance(declared, Value) and (match := _COLUMN.match(declared.sql)):
            kinds[match.group(1)] = declared.kind
        elif isinstance(declared, Nested):
            kinds.update(_declared_kinds(_declared(declared.shape)))
    return kinds


def _decode(table: str, shape: Shape, computed: list[tuple[str, str, str]]) -> Decode:
    dates: list[str] = []
    datetimes: list[str] = []
    json: list[str] = []
    booleans: list[str] = []
    model = MODELS.get(table)
    if model is not None:
        for name, field in model._meta.fields_map.items():
            column = getattr(field, "source_field", None) or name
            kind = type(field).__name__
            if kind == "DateField":
                dates.append(column)
            elif kind == "DatetimeField":
                datetimes.append(column)
            elif kind == "JSONField":
                json.append(column)
            elif kind == "BooleanField":
                booleans.append(column)
    kinds = _declared_kinds(shape) | {name: kind for name, _, kind in computed}
    by_kind = {"date": dates, "json": json, "boolean": booleans}
    for column, kind in kinds.items():
        if kind in by_kind and column not in by_kind[kind]:
            by_kind[kind].append(column)
    return Decode(tuple(dates), tuple(datetimes), tuple(json), tuple(booleans))


@cache
def _row_shape(type_name: str, table: str) -> RowShape:
    shape = _declared(type_name)
    computed = _computed(shape)
    parts = ["{c}.*"]
    if isinstance(shape, Table) and not _COLUMN.match(shape.key):
        parts.append(f"{shape.key} AS node_key")
    parts += [f"{expression} AS {name}" for name, expression, _ in computed]
    return RowShape(", ".join(parts), _decode(table, shape, computed))


def row_columns(type_name: str, alias: str, table: str | None = None) -> str:
    """The select list of a row of `type_name` whose table (by default the declared one) is
    aliased `alias`."""
    return _row_shape(type_name, table or _table(type_name)).columns.format(c=alias)


def row_decode(type_name: str, table: str | None = None) -> Decode:
    return _row_shape(type_name, table or _table(type_name)).decode


def _table(type_name: str) -> str:
    shape = _declared(type_name)
    assert isinstance(shape, Table), f"{type_name} has no table of its own"
    return shape.table


# ---------------------------------------------------------------- the types' values


@cache
def _values_of(cls: type) -> tuple[tuple[str, str, Callable[[Any], Any] | None], ...]:
    """(Python name, row column, conversion) of the strawberry type's plain fields that its
    declaration gives a value: a column (`{c}.number`: `number`) or an SQL expression (selected
    under the field's name, see RowShape)."""
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    shape = _declared(definition.name)
    found = []
    for strawberry_field in definition.fields:
        if strawberry_field.base_resolver is not None or is_private(strawberry_field.type_annotation.annotation):
            continue
        name = strawberry_field.graphql_name or to_camel_case(strawberry_field.python_name)
        declared = shape.fields.get(name)
        if not isinstance(declared, Value):
            continue  # nested shapes, rich text and the like: the type builds them
        match = _COLUMN.match(declared.sql)
        type_ = strawberry_field.type
        if isinstance(type_, StrawberryOptional):
            type_ = type_.of_type
        convert = type_.wrapped_cls if isinstance(type_, StrawberryEnumDefinition) else None
        found.append((strawberry_field.python_name, match.group(1) if match else name, convert))
    return tuple(found)


def declared_values(cls: type, row: Row) -> dict[str, Any]:
    """The values of the type's plain fields in `row`, as its declaration reads them (enums as
    the model's enum): what `from_row` need not list field by field."""
    values: dict[str, Any] = {}
    for name, column, convert in _values_of(cls):
        value = row[column]
        values[name] = value if convert is None or value is None else convert(value)
    return values


# ---------------------------------------------------------------- visibility


def visible_as(context: Context, rule: str, alias: str) -> Fragment:
    """The visibility of the row `alias` by the scope rule's alias `rule` (api/context.py), as
    the compiler writes it."""
    if not context.drafts_of:
        return context.visible_sql(alias)
    return sql(
        f"EXISTS (SELECT 1 FROM {SCOPED_TABLES[rule]} {rule} WHERE {rule}.id = {alias}.id AND {{}})",
        context.visible_sql(rule),
    )


# ---------------------------------------------------------------- relations


@dataclass(frozen=True)
class Relation:
    """How one declared relation is read for a batch of parents."""

    parent: str
    field: str
    declared: Related | Values
    # The parent row's column whose value keys the batch.
    parent_column: str
    # The statement's parts, aliases filled in: what the key is matched against, the FROM part
    # (with the parent's table when the join needs it), and the conditions besides the keys.
    matched: str
    source: str
    conditions: str
    order: str
    # The child's type and its table, for a relation to rows.
    target: str | None
    table: str | None


def _source_table(declared: Related) -> str:
    match = _TABLE_OF_C.search(declared.source)
    assert match is not None, f"no {{c}} table in {declared.source!r}"
    return match.group(1)


@cache
def relation(parent: str, field: str) -> Relation:
    shape = _declared(parent)
    declared = shape.fields.get(field)
    if not isinstance(declared, Related | Values):
        raise LookupError(f"{parent}.{field} is not a declared relation")
    keyed = _KEYED.match(declared.where)
    if keyed is not None and "{p}" not in (keyed.group("rest") or "") and " OR " not in keyed.group("child"):
        parent_column = keyed.group("column")
        matched = keyed.group("child").strip().format(**ALIASES)
        source = declared.source.format(**ALIASES)
        conditions = (keyed.group("rest") or "").format(**ALIASES)
    else:
        # The parent's own table, joined by the declared condition, matched on its row key.
        assert isinstance(shape, Table) and shape.table, f"{parent}.{field}: a join on the parent needs its table"
        parent_column = row_key(shape)
        matched = f"{ALIASES['p']}.{parent_column}"
        source = (
            f"{declared.source.format(**ALIASES)} JOIN {shape.table} {ALIASES['p']}"
            f" ON {declared.where.format(**ALIASES)}"
        )
        conditions = ""
    order = declared.order.format(**ALIASES) if declared.order else ""
    if isinstance(declared, Related):
        return Relation(
            parent,
            field,
            declared,
            parent_column,
            matched,
            source,
            conditions,
            order,
            declared.target,
            _source_table(declared),
        )
    return Relation(parent, field, declared, parent_column, matched, source, conditions, order, None, None)


# A relation's arguments as one hashable value: (Python name, value) pairs in name order.
Arguments = tuple[tuple[str, Any], ...]


class RelationLoader(Loader[tuple[Hashable, Arguments], list[Any]]):
    """The rows (or, for `Values`, the scalars) of one relation, per parent key and set of
    arguments, in the declared order: one statement per batch, whatever arguments the batch's
    fields give. The municipality page asks for its promises' commitments three times, once per
    actor (`kommun: commitments(actor: KOMMUN)`, …): one statement reads the three, each row
    with a flag per set of arguments it meets (`arguments__0`, …), instead of one statement each
    (the page: 14 statements on SQLite, 12 with this)."""

    def __init__(self, context: Context, relation: Relation) -> None:
        super().__init__(context)
        self.relation = relation

    @classmethod
    def for_relation(cls, context: Context, relation: Relation) -> RelationLoader:
        key = (cls, relation.parent, relation.field)
        loader = context.loaders.get(key)
        if loader is None:
            loader = context.loaders[key] = cls(context, relation)
        return loader  # type: ignore[no-any-return]

    async def load_batch(
        self, unique: list[tuple[Hashable, Arguments]], keys: list[tuple[Hashable, Arguments]]
    ) -> list[list[Any]]:
        found = self.relation
        declared = found.declared
        parents = list(dict.fromkeys(parent for parent, _ in unique))
        asked = list(dict.fromkeys(arguments for _, arguments in unique))
        where = [one_of(found.matched, parents)]
        if found.conditions:
            where.append(sql.raw(found.conditions))
        flags: list[Fragment] = []
        if isinstance(declared, Related):
            where += [visible_as(self.context, rule, ALIASES[placeholder]) for placeholder, rule in declared.visible]
            if declared.arguments is not None:
                conditions = [all_of(declared.arguments(ALIASES["c"], dict(arguments))) for arguments in asked]
                if len(conditions) == 1:
                    where.append(conditions[0])
                else:
                    # A row for any of the sets asked for, flagged with the sets it meets.
                    where.append(sql("({})", sql.join(conditions, " OR ")))
                    flags = [
                        sql(f"CASE WHEN {{}} THEN 1 ELSE 0 END AS arguments__{index}", condition)
                        for index, condition in enumerate(conditions)
                    ]
            assert found.target is not None and found.table is not None
            selected = row_columns(found.target, ALIASES["c"], found.table)
            decode = row_decode(found.target, found.table)
        else:
            selected = f"{declared.sql.format(**ALIASES)} AS value"
            decode = Decode()
        order = f" ORDER BY {found.order}" if found.order else ""
        rows = await self.context.rows(
            sql(
                f"SELECT {found.matched} AS parent__key, {selected}{{}} FROM {found.source} WHERE {{}}{order}",
                sql.join([sql.raw(""), *flags], ", ") if flags else sql.raw(""),
                all_of(where),
            ),
            decode,
        )
        grouped: dict[tuple[Any, Arguments], list[Any]] = defaultdict(list)
        for row in rows:
            parent_key = row.pop("parent__key")
            value = row if isinstance(declared, Related) else row["value"]
            if not flags:
                for arguments in asked:
                    grouped[(parent_key, arguments)].append(value)
                continue
            met = [row.pop(f"arguments__{index}") for index in range(len(asked))]
            for arguments, meets in zip(asked, met, strict=True):
                if meets:
                    grouped[(parent_key, arguments)].append(value)
        return [grouped.get(key, []) for key in keys]


def _first(build: Callable[[Row], Any]) -> Callable[[list[Row]], Any]:
    one = optional(build)
    return _FIRST.setdefault(build, lambda rows: one(rows[0] if rows else None))


_FIRST: dict[Callable[[Row], Any], Callable[[list[Row]], Any]] = {}


def _scalars(values: list[Any]) -> list[Any]:
    return values


def related(context: Context, parent: str, field: str, row: Row, **arguments: Any) -> Maybe[Any]:
    """The declared relation `field` of the `parent` type's `row`, built as its target's type
    (`BUILDERS`): a list, or the one object or None. At once when this request has read it, else
    an awaitable that joins the level's batch."""
    found = relation(parent, field)
    key = row.get(found.parent_column)
    declared = found.declared
    many = isinstance(declared, Values) or declared.many
    if key is None:
        return [] if many else None
    loader = RelationLoader.for_relation(context, found)
    asked = (key, tuple(sorted(arguments.items())))
    if isinstance(declared, Values):
        return loader.resolve(asked, _scalars)
    build = BUILDERS[declared.target]
    return loader.resolve(asked, each(build) if many else _first(build))


# ---------------------------------------------------------------- lookups by key


def _lookup_parts(table: Table) -> list[tuple[str, str]]:
    """The declared lookup as (SQL, key part) equalities: `{c}.slug = {key}` is one."""
    parts = []
    for condition in table.lookup.split(" AND "):
        expression, _, placeholder = condition.partition(" = ")
        names = [name for _, name, _, _ in Formatter().parse(placeholder) if name]
        assert len(names) == 1, f"{table.name}: lookup {table.lookup!r} is not equalities"
        parts.append((expression.format(**ALIASES), names[0]))
    return parts


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _TableLoader(Loader[K, V]):
    """A loader of one declared Table's rows, one per request and type."""

    def __init__(self, context: Context, type_name: str) -> None:
        super().__init__(context)
        shape = _declared(type_name)
        assert isinstance(shape, Table)
        self.table = shape

    @classmethod
    def for_type(cls, context: Context, type_name: str) -> Self:
        key = (cls, type_name)
        loader = context.loaders.get(key)
        if loader is None:
            loader = context.loaders[key] = cls(context, type_name)
        return loader  # type: ignore[no-any-return]


class LookupLoader(_TableLoader[str, Row | None]):
    """Rows of a type by the key its global IDs and root fields name it by (Table.lookup), with
    the declared lookup visibility; None for a key of no (visible) row."""

    def __init__(self, context: Context, type_name: str) -> None:
        super().__init__(context, type_name)
        self.parts = _lookup_parts(self.table)

    async def load_batch(self, unique: list[str], keys: list[str]) -> list[Row | None]:
        table = self.table
        split = [table.split_key(key) for key in unique]
        where = [one_of(expression, sorted({parts[name] for parts in split})) for expression, name in self.parts]
        where += [visible_as(self.context, rule, ALIASES[placeholder]) for placeholder, rule in table.lookup_visible]
        matched = ", ".join(f"{expression} AS lookup__{name}" for expression, name in self.parts)
        rows = await self.context.rows(
            sql(
                f"SELECT {matched}, {row_columns(table.name, ALIASES['c'])} FROM {table.table} {ALIASES['c']}"
                f" {table.lookup_source.format(**ALIASES)} WHERE {{}}",
                all_of(where),
            ),
            row_decode(table.name),
        )
        by_parts: dict[tuple[Any, ...], Row] = {}
        for row in rows:
            by_parts[tuple(row.pop(f"lookup__{name}") for _, name in self.parts)] = row
        return [by_parts.get(tuple(parts[name] for _, name in self.parts)) for parts in split]


class ByIdLoader(_TableLoader[int, Row | None]):
    """Rows of a type by their id (a search hit), with the declared lookup visibility."""

    async def load_batch(self, unique: list[int], keys: list[int]) -> list[Row | None]:
        table = self.table
        c = ALIASES["c"]
        where = [one_of(f"{c}.id", unique)]
        where += [visible_as(self.context, rule, ALIASES[placeholder]) for placeholder, rule in table.lookup_visible]
        rows = await self.context.rows(
            sql(
                f"SELECT {row_columns(table.name, c)} FROM {table.table} {c} {table.lookup_source.format(**ALIASES)}"
                " WHERE {}",
                all_of(where),
            ),
            row_decode(table.name),
        )
        by_id = {row["id"]: row for row in rows}
        return [by_id.get(key) for key in keys]


async def lookup(context: Context, type_name: str, key: str) -> Any:
    """The object of `type_name` its key names, built (BUILDERS), or None."""
    row = await LookupLoader.for_type(context, type_name).load(key)
    return None if row is None else BUILDERS[type_name](row)


async def by_id(context: Context, type_name: str, id_: int) -> Any:
    row = await ByIdLoader.for_type(context, type_name).load(id_)
    return None if row is None else BUILDERS[type_name](row)


async def everything(context: Context, root: str) -> list[Any]:
    """A declared root list of every row of a table (`Everything`: counties, topics), built."""
    declared = ROOTS[root]
    assert isinstance(declared, Everything)
    c = ALIASES["c"]
    table = _table(declared.target)
    rows = await context.rows(
        sql.raw(f"SELECT {row_columns(declared.target, c)} FROM {table} {c} ORDER BY {declared.order.format(c=c)}"),
        row_decode(declared.target),
    )
    build = BUILDERS[declared.target]
    return [build(row) for row in rows]


async def listing(
    context: Context, root: str, first: int | None, after: str | None, **arguments: Any
) -> Connection[Any]:
    """A declared root list (`Listing`: its tables, conditions and order), one page of it with
    its total, built; `arguments` by Python name, as the compiler passes them to the same
    declaration."""
    declared = ROOTS[root]
    assert isinstance(declared, Listing)
    inputs.check(**arguments)
    keys, tag, tables = declared.order(arguments)
    settings = context.settings
    request = page_request(
        first, after, default=settings.default_page_size, maximum=settings.max_page_size, keys=len(keys), tag=tag
    )
    return await paginate(
        context,
        columns=row_columns(declared.target, declared.alias),
        tables=tables,
        where=declared.where(context.visible_sql, arguments),
        keys=keys,
        request=request,
        build=BUILDERS[declared.target],
        decode=row_decode(declared.target),
        tag=tag,
    )


def compose(shapes: Mapping[str, Shape], roots: Mapping[str, Root], models: Mapping[str, Any]) -> None:
    """Register the declarations and the tables' models (api/schema.py, once)."""
    DECLARED.update(shapes)
    ROOTS.update(roots)
    MODELS.update(models)
