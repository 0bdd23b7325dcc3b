"""How each database builds JSON, for the compiler (api/compiled/compiler.py).

PostgreSQL: `json_build_object` and `json_agg(… ORDER BY …)`; `json`, never `jsonb`, so keys
keep the order the query asks for them in. SQLite 3.40: `json_object` and `json_group_array`,
which has no ORDER BY of its own: a list is aggregated from an *ordered subquery*
(`SELECT json_group_array(json(x.j)) FROM (SELECT … AS j … ORDER BY …) x`). SQLite does not
flatten a subquery with an ORDER BY into an aggregate query, so the aggregate sees the rows in
that order (tests/test_compiled.py asserts nested lists keep it). A JSON value loses its JSON
subtype when it leaves a subquery, so SQLite wraps every nested object and list in `json()`.

A JSON array column's elements are rows: SQLite `json_each(…)` (the element `value`, its index
`key`), PostgreSQL `jsonb_array_elements(…) WITH ORDINALITY` (from 1); both read an element's
members with `->>`. Timestamps are written as the reference path's DateTime gives them
(Python's `isoformat()`): SQLite keeps that text with a space for the `T`; PostgreSQL's is
composed in UTC, the fraction only when there is one, as asyncpg reads it.

Global IDs and cursors are base64: PostgreSQL's `encode(…, 'base64')` made URL-safe without
padding; SQLite has no base64 function, so the compiled path registers one on its connection.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from api.compiled.declare import Kind
from models.sql import Fragment, sql


def b64url(text: str | None) -> str | None:
    """As api/core/relay.py encodes IDs and cursors."""
    if text is None:
        return None
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@dataclass(frozen=True)
class Dialect:
    postgres: bool

    def object(self, pairs: list[tuple[str, Fragment]]) -> Fragment:
        function = "json_build_object" if self.postgres else "json_object"
        # Response keys and type names are GraphQL names: letters, digits and underscores only.
        return sql(function + "({})", sql.join(sql(f"'{key}', {{}}", value) for key, value in pairs))

    def nested(self, fragment: Fragment) -> Fragment:
        """A JSON object or list from a subquery, as a JSON value of its parent."""
        return fragment if self.postgres else sql("json({})", fragment)

    def value(self, fragment: Fragment, kind: Kind) -> Fragment:
        if kind == "boolean":
            return (
                sql("({})", fragment)
                if self.postgres
                else sql("json(CASE WHEN {} THEN 'true' ELSE 'false' END)", fragment)
            )
        if kind == "json":
            return sql("CAST({} AS json)", fragment) if self.postgres else sql("json({})", fragment)
        if kind == "timestamp":
            if not self.postgres:
                return sql("replace({}, ' ', 'T')", fragment)
            utc = sql("({} AT TIME ZONE 'UTC')", fragment)
            return sql(
                "CASE WHEN {} = 'infinity' THEN '9999-12-31T23:59:59.999999+00:00'"
                " WHEN {} = '-infinity' THEN '0001-01-01T00:00:00+00:00'"
                " ELSE to_char({}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
                " || CASE WHEN date_trunc('second', {}) = {} THEN '' ELSE to_char({}, '.US') END || '+00:00' END",
                fragment,
                fragment,
                utc,
                fragment,
                fragment,
                utc,
            )
        if kind == "date" and self.postgres:
            # PostgreSQL's ±infinity (what asyncpg stores for date.max and date.min, written by
            # hand: the API refuses such dates) read as asyncpg reads them, as the reference path does.
            return sql(
                "CASE WHEN {} = 'infinity' THEN DATE '9999-12-31'"
                " WHEN {} = '-infinity' THEN DATE '0001-01-01' ELSE {} END",
                fragment,
                fragment,
                fragment,
            )
        return fragment

    def listed(self, items: list[Fragment]) -> Fragment:
        """A JSON list of the given JSON values, in that order."""
        if self.postgres:
            return sql("json_build_array({})", sql.join(items))
        return sql("json_array({})", sql.join(sql("json({})", item) for item in items))

    def array(self, item: Fragment, source: Fragment, where: Fragment, order: Fragment) -> Fragment:
        """The JSON list of `item` over the rows of `source` that match `where`, in `order`."""
        ordered = sql(" ORDER BY {}", order) if order else order
        if self.postgres:
            return sql("COALESCE((SELECT json_agg({}{}) FROM {} WHERE {}), '[]'::json)", item, ordered, source, where)
        return sql(
            "(SELECT json_group_array(json(x.j)) FROM (SELECT {} AS j FROM {} WHERE {}{}) x)",
            item,
            source,
            where,
            ordered,
        )

    def scalars(self, item: Fragment, source: Fragment, where: Fragment, order: Fragment) -> Fragment:
        """A JSON list of scalars (no json() around each: they are text or numbers)."""
        if self.postgres:
            return sql(
                "COALESCE((SELECT json_agg({} ORDER BY {}) FROM {} WHERE {}), '[]'::json)", item, order, source, where
            )
        return sql(
            "(SELECT json_group_array(x.j) FROM (SELECT {} AS j FROM {} WHERE {} ORDER BY {}) x)",
            item,
            source,
            where,
            order,
        )

    def elements(self, array: Fragment, alias: str) -> Fragment:
        """The elements of a JSON array (NULL: none) as the rows `alias` (see `element`)."""
        if self.postgres:
            return sql(f"jsonb_array_elements(CAST({{}} AS jsonb)) WITH ORDINALITY AS {alias}(value, n)", array)
        return sql(f"json_each({{}}) {alias}", array)

    def element(self, alias: str) -> tuple[str, str]:
        """An element row's JSON value and its index in the array, from 0 (its order)."""
        return f"{alias}.value", (f"CAST({alias}.n - 1 AS integer)" if self.postgres else f"{alias}.key")

    def element_at(self, array: Fragment, index: str) -> Fragment:
        """The text at `index` of a JSON array of texts (NULL: past its end, or no array)."""
        return sql(f"({{}} ->> {index})", array)

    def key_part(self, key: str, index: int) -> Fragment:
        """Part `index` (0 or 1) of a key split at its first '/', as Python's `partition` splits
        it (no '/': the whole key, then '')."""
        at = f"strpos({key}, '/')" if self.postgres else f"instr({key}, '/')"
        if index == 0:
            return sql.raw(f"(CASE WHEN {at} > 0 THEN substr({key}, 1, {at} - 1) ELSE {key} END)")
        return sql.raw(f"(CASE WHEN {at} > 0 THEN substr({key}, {at} + 1) ELSE '' END)")

    def base64(self, text: Fragment) -> Fragment:
        if self.postgres:
            return sql(
                "translate(rtrim(replace(encode(convert_to({}, 'UTF8'), 'base64'), chr(10), ''), '='), '+/', '-_')",
                text,
            )
        return sql("samverkan_b64url({})", text)

    def global_id(self, type_name: str, key: Fragment) -> Fragment:
        return self.base64(sql(f"'{type_name}:' || {{}}", key))

    def cursor(self, values: list[str], tag: str | None = None) -> Fragment:
        """A cursor as api/core/relay.py encodes one: base64 of the compact JSON list of the sort
        values, after the order's tag when the list's order has one. Tags are enum names."""
        if self.postgres:
            parts = " || ',' || ".join(f"CAST(to_json({value}) AS text)" for value in values)
            head = f'["{tag}",' if tag else "["
            return self.base64(sql.raw(f"'{head}' || {parts} || ']'"))
        tagged = [f"'{tag}'", *values] if tag else values
        return self.base64(sql.raw(f"json_array({', '.join(tagged)})"))

    def fail_if_null(self, fragment: Fragment, anchor: str, json_value: bool) -> Fragment:
        """`fragment`, and when it is NULL an error from the database: evaluated only then, and
        tied to a column so that no planner folds it early."""
        if self.postgres:
            failure = f"CAST(CAST({anchor} AS text) || ' is null' AS integer)"
            return sql(
                "COALESCE({}, {})",
                fragment,
                sql.raw(f"to_json({failure})" if json_value else f"CAST({failure} AS text)"),
            )
        return sql(f"COALESCE({{}}, json(CAST({anchor} AS TEXT) || ' is null'))", fragment)

    def enum(self, fragment: Fragment, values: list[str], anchor: str) -> Fragment:
        """`fragment`, an enum's value as text, and an error from the database when it is not
        one of `values` (the reference path then answers with the spec's error). SQLite's parser
        has a fixed stack that deep selections nearly fill, so there the check is one function call."""
        if self.postgres:
            listed = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
            failure = f"CAST(CAST(CAST({anchor} AS text) || ' is out of range' AS integer) AS text)"
            return sql(
                f"CASE WHEN {{}} IS NULL OR {{}} IN ({listed}) THEN {{}} ELSE {failure} END",
                fragment,
                fragment,
                fragment,
            )
        return sql(f"samverkan_enum({{}}, '{' '.join(values)}')", fragment)


def enum_value(value: str | None, values: str) -> str | None:
    """SQLite's enum check (Dialect.enum): the value, or an error for the statement."""
    if value is not None and value not in values.split(" "):
        raise ValueError("a value the enum does not have")
    return value
