"""Statements over many rows of one model at a time, for writers that change thousands of rows.

Values are encoded by the models' own fields (`to_db_value`, their validators included), so a
row written here reads back exactly as one written through the ORM; only the statements are
fewer: inserts go through models.sql.insert (one binary COPY per table on PostgreSQL, VALUES
lists of 1,000 rows on SQLite and where ON CONFLICT is needed), updates as one `executemany`
(models.sql.many), and a list of keys as one bound value (models.sql.one_of: an array on
PostgreSQL, JSON for `json_each` on SQLite), so it needs no slicing under the databases' limits
on bound parameters. Statements are built from models.sql's fragments, once per statement,
never per row. Inserts return nothing (COPY cannot): give them their ids first
(`insert(..., ids=True)`). Use inside a transaction (the client is the one Tortoise gives for
"default").

Measured on the whole-country load (busy 2-core machine): one execution per inserted row, as
`executemany` did, cost PostgreSQL 13.7 s of its CPU; VALUES lists (with the search index's
changes) brought that to 9.1 s, COPY to 6.9 s. Encoding goes through the fields; it stays, as the
fields' checks do, with the common cases written out in code generated once per model and
columns (`encoder`). Keys bound as one list instead of IN lists of up to 500 placeholders: the
writer's lookup of earlier revisions by slug cost PostgreSQL 0.21 s of its CPU per load, 0.08 s
now (three loads each, the busy machine), with one prepared statement where each length of list
was another; SQLite searches the key's index for each value of `json_each` as it did for each
placeholder (EXPLAIN QUERY PLAN: SEARCH … USING INDEX, LIST SUBQUERY).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields.base import Field
from tortoise.fields.data import CharEnumFieldInstance
from tortoise.models import Model
from tortoise.validators import MaxLengthValidator

from models.sql import Fragment, execute, insert, many, new_ids, one_of, sql
from models.sql import rows as run

Row = dict[str, Any]


def _inline(field: Field[Any], value: str, number: int, env: dict[str, Any]) -> str:
    """Python for `field.to_db_value(<value>, m)` with the common cases written out: a value that
    already is its field's type, in a field whose `to_db_value` is Tortoise's own and whose only
    checks are lengths, is checked here and passed as it is, and a member of an enum field's enum
    becomes its value's text (what those `to_db_value`s do with them); anything else goes
    through the field. `value` must be a plain name; what the code needs goes into `env`."""
    env[f"t{number}"] = field.to_db_value
    through = f"t{number}({value}, m)"
    lengths = [validator.max_length for validator in field.validators if type(validator) is MaxLengthValidator]
    if len(lengths) != len(field.validators) or type(field).validate is not Field.validate:
        return through
    limit = min(lengths, default=None)
    if type(field).to_db_value is CharEnumFieldInstance.to_db_value:
        enum = field.enum_type  # type: ignore[attr-defined]
        texts = {member: str(member.value) for member in enum}
        env[f"x{number}"] = {member: text for member, text in texts.items() if limit is None or len(text) <= limit}
        env[f"k{number}"] = enum
        return f"x{number}[{value}] if {value}.__class__ is k{number} and {value} in x{number} else {through}"
    if type(field).to_db_value is not Field.to_db_value:
        return through
    env[f"k{number}"] = field.field_type
    if limit is None:
        return f"{value} if {value} is None or {value}.__class__ is k{number} else {through}"
    return f"{value} if {value}.__class__ is k{number} and len({value}) <= {int(limit)} else {through}"


@lru_cache(maxsize=256)
def encoder(model: type[Model], names: tuple[str, ...]) -> Callable[[Row], list[Any]]:
    """A function giving a row's values in the order of `names` as their fields' `to_db_value`
    give them (`_inline`), made once per model and columns: generated code with the checks
    written out, instead of a converter call per value (25,651 commitment rows of 10 columns:
    0.28 s with a closure per column, 0.08 s generated, the busy machine)."""
    fields = model._meta.fields_map
    env: dict[str, Any] = {"m": model}
    lines = [f"    v{number} = r[{name!r}]" for number, name in enumerate(names)]
    values = ", ".join(f"({_inline(fields[name], f'v{number}', number, env)})" for number, name in enumerate(names))
    code = "def encode(r):\n" + "\n".join(lines) + f"\n    return [{values}]\n"
    exec(compile(code, f"<encoder of {model.__name__}>", "exec"), env)  # code made here from the model's fields
    return env["encode"]  # type: ignore[no-any-return]


class Rows:
    """Bulk statements on the tables of Tortoise models (fields named as in the models)."""

    def __init__(self, client: BaseDBAsyncClient | None = None) -> None:
        self.client = client or connections.get("default")

    @staticmethod
    def _column(model: type[Model], name: str) -> Fragment:
        return sql.identifier(model._meta.fields_db_projection[name])

    @staticmethod
    def _encode(model: type[Model], names: Sequence[str], rows: Sequence[Row]) -> list[list[Any]]:
        """Each row's values in the order of `names`, through their fields' `to_db_value`
        (`encoder`: made once per model and columns, not once per value)."""
        encode = encoder(model, tuple(names))
        width = len(names)
        for row in rows:
            if len(row) != width:
                raise ValueError(f"{model.__name__}: rows of one statement need the same fields ({', '.join(names)})")
        return [encode(row) for row in rows]

    async def rows(self, statement: Fragment) -> list[Row]:
        """The rows `statement` gives (none for a statement that returns nothing)."""
        return await run(statement, self.client)

    async def insert(
        self, model: type[Model], rows: Sequence[Row], *, unique: str | None = None, ids: bool = False
    ) -> None:
        """Insert rows (dicts of field name to value; every row with the same fields), in as few
        statements as models.sql.insert needs. `unique`: a field with a unique index; a row
        whose value is already there is left out. `ids`: each row gets its new id as `id` first
        (models.sql.new_ids), so nothing needs reading back."""
        if not rows:
            return
        if ids:
            if unique:
                raise ValueError("rows left out by `unique` would keep ids the table never had")
            for row, new_id in zip(rows, await new_ids(model._meta.db_table, len(rows), self.client), strict=True):
                row["id"] = new_id
        names = list(rows[0])
        projection = model._meta.fields_db_projection
        tail = sql(" ON CONFLICT ({}) DO NOTHING", self._column(model, unique)) if unique else None
        await insert(
            model._meta.db_table,
            [projection[name] for name in names],
            self._encode(model, names, rows),
            tail,
            self.client,
        )

    async def update(self, model: type[Model], rows: Sequence[Row], key: str = "id") -> None:
        """Set the fields of each row on the row whose `key` is the row's value for it."""
        if not rows:
            return
        names = [name for name in rows[0] if name != key]
        statement = sql(
            "UPDATE {} SET {} WHERE {} = {}",
            sql.identifier(model._meta.db_table),
            sql.join(sql("{} = {}", self._column(model, name), sql.late(name)) for name in names),
            self._column(model, key),
            sql.late(key),
        )
        every = (*names, key)
        await many(
            statement,
            [dict(zip(every, values, strict=True)) for values in self._encode(model, every, rows)],
            self.client,
            encoded=True,
        )

    async def select(self, model: type[Model], names: Sequence[str], where: str, values: Sequence[Any]) -> list[Row]:
        """The `names` fields of every row whose `where` field is one of `values`."""
        if not values:
            return []
        columns = sql.join(sql("{} AS {}", self._column(model, name), sql.identifier(name)) for name in names)
        return await self.rows(
            sql(
                "SELECT {} FROM {} WHERE {}",
                columns,
                sql.identifier(model._meta.db_table),
                one_of(self._column(model, where), list(values)),
            )
        )

    async def delete(self, model: type[Model], where: str, values: Sequence[Any]) -> None:
        """Delete every row whose `where` field is one of `values`."""
        if not values:
            return
        await execute(
            sql(
                "DELETE FROM {} WHERE {}",
                sql.identifier(model._meta.db_table),
                one_of(self._column(model, where), list(values)),
            ),
            self.client,
        )
