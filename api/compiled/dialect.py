"""How each database builds JSON, for the compiler (api/compiled/compiler.py).

PostgreSQL: `json_build_object` and `json_agg(… ORDER BY …)`; `json`, never `jsonb`, so keys
keep the order the query asks for them in. SQLite 3.40: `json_object` and `json_group_array`,
which has no ORDER BY of its own: a list is aggregated from an *ordered subquery*
(`SELECT json_group_array(json(x.j)) FROM (SELECT … AS j … ORDER BY …) x`). SQLite does not
flatten a subquery with an ORDER BY into an aggregate query, so the aggregate sees the rows in
that order (tests/test_compiled.py asserts nested lists keep it). A JSON value loses its JSON
subtype when it leaves a subquery, so SQLite wraps every nested object and list in `json()`.

Global IDs and cursors are base64: PostgreSQL's `encode(…, 'base64')` made URL-safe without
padding; SQLite has no base64 function, so the compiled path registers one on its connection.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from api.compiled.declare import Kind


def b64url(text: str | None) -> str | None:
    """As api/core/relay.py encodes IDs and cursors."""
    if text is None:
        return None
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@dataclass(frozen=True)
class Dialect:
    postgres: bool

    def object(self, pairs: list[tuple[str, str]]) -> str:
        function = "json_build_object" if self.postgres else "json_object"
        # Response keys and type names are GraphQL names: letters, digits and underscores only.
        return function + "(" + ", ".join(f"'{key}', {value}" for key, value in pairs) + ")"

    def nested(self, sql: str) -> str:
        """A JSON object or list from a subquery, as a JSON value of its parent."""
        return sql if self.postgres else f"json({sql})"

    def value(self, sql: str, kind: Kind) -> str:
        if kind == "boolean":
            return f"({sql})" if self.postgres else f"json(CASE WHEN {sql} THEN 'true' ELSE 'false' END)"
        if kind == "json":
            return f"CAST({sql} AS json)" if self.postgres else f"json({sql})"
        if kind == "date" and self.postgres:
            # PostgreSQL's ±infinity (what asyncpg stores for date.max and date.min, written by
            # hand: the API refuses such dates) read as asyncpg reads them, as the reference path does.
            return (
                f"CASE WHEN {sql} = 'infinity' THEN DATE '9999-12-31'"
                f" WHEN {sql} = '-infinity' THEN DATE '0001-01-01' ELSE {sql} END"
            )
        return sql

    def array(self, item: str, source: str, where: str, order: str) -> str:
        """The JSON list of `item` over the rows of `source` that match `where`, in `order`."""
        if self.postgres:
            ordered = f" ORDER BY {order}" if order else ""
            return f"COALESCE((SELECT json_agg({item}{ordered}) FROM {source} WHERE {where}), '[]'::json)"
        ordered = f" ORDER BY {order}" if order else ""
        return f"(SELECT json_group_array(json(x.j)) FROM (SELECT {item} AS j FROM {source} WHERE {where}{ordered}) x)"

    def scalars(self, item: str, source: str, where: str, order: str) -> str:
        """A JSON list of scalars (no json() around each: they are text or numbers)."""
        if self.postgres:
            return f"COALESCE((SELECT json_agg({item} ORDER BY {order}) FROM {source} WHERE {where}), '[]'::json)"
        return (
            f"(SELECT json_group_array(x.j) FROM (SELECT {item} AS j FROM {source} WHERE {where} ORDER BY {order}) x)"
        )

    def base64(self, text_sql: str) -> str:
        if self.postgres:
            return (
                "translate(rtrim(replace(encode(convert_to(" + text_sql + ", 'UTF8'), 'base64'), chr(10), ''),"
                " '='), '+/', '-_')"
            )
        return f"samverkan_b64url({text_sql})"

    def global_id(self, type_name: str, key_sql: str) -> str:
        return self.base64(f"'{type_name}:' || {key_sql}")

    def cursor(self, values: list[str], tag: str | None = None) -> str:
        """A cursor as api/core/relay.py encodes one: base64 of the compact JSON list of the sort
        values, after the order's tag when the list's order has one. Tags are enum names."""
        if self.postgres:
            parts = " || ',' || ".join(f"CAST(to_json({value}) AS text)" for value in values)
            head = f'["{tag}",' if tag else "["
            return self.base64(f"'{head}' || {parts} || ']'")
        tagged = [f"'{tag}'", *values] if tag else values
        return self.base64(f"json_array({', '.join(tagged)})")

    def fail_if_null(self, sql: str, anchor: str, json_value: bool) -> str:
        """`sql`, and when it is NULL an error from the database: evaluated only then, and tied
        to a column so that no planner folds it early."""
        if self.postgres:
            failure = f"CAST(CAST({anchor} AS text) || ' is null' AS integer)"
            return f"COALESCE({sql}, {f'to_json({failure})' if json_value else f'CAST({failure} AS text)'})"
        return f"COALESCE({sql}, json(CAST({anchor} AS TEXT) || ' is null'))"

    def enum(self, sql: str, values: list[str], anchor: str) -> str:
        """`sql`, an enum's value as text, and an error from the database when it is not one of
        `values` (the reference path then answers with the spec's error). SQLite's parser has a
        fixed stack that deep selections nearly fill, so there the check is one function call."""
        if self.postgres:
            listed = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
            failure = f"CAST(CAST(CAST({anchor} AS text) || ' is out of range' AS integer) AS text)"
            return f"CASE WHEN {sql} IS NULL OR {sql} IN ({listed}) THEN {sql} ELSE {failure} END"
        return f"samverkan_enum({sql}, '{' '.join(values)}')"


def enum_value(value: str | None, values: str) -> str | None:
    """SQLite's enum check (Dialect.enum): the value, or an error for the statement."""
    if value is not None and value not in values.split(" "):
        raise ValueError("a value the enum does not have")
    return value
