"""A query over the declared read model (api/compiled/declare.py), compiled to one SQL statement
per root field that builds that field's JSON in the database.

Covered: the root fields the domains declare (`ROOTS` in api/<domain>/reads.py: objects by key
and Relay connections with `first`/`after`, `pageInfo`, `totalCount`, the contract's filters
and, where a list has several, its orders with their tagged cursors; grouped roots, the rows of
a statistics or coverage GROUP BY statement, api/dashboards/reads.py; picked roots, the rows
of one table the arguments pick, such as an item's revisions, api/editorial/reads.py) and
`node(id:)`; below them every declared field and relation, with fragments, inline fragments,
aliases, variables, `__typename` and `@include`/`@skip`. Anything else raises
`Unsupported`, and the reference path (api/execution.py, graphql-core) answers instead: fields
not declared, introspection, search, the editorial reads of seed forms,
mutations, a refused argument (its error is the reference path's to word). A root that admits
only some viewers (`admits`) declines the others (`Declined`, not kept as unsupported), and the
reference path words their refusal.

What SQL cannot give as the reference path does is finished in Python once the statement has
run (`Step`, api/compiled/reads.py): a `Computed` value (a snapshot's keys in order) and a
picked root's `finish` (a diff of two revisions, shaped by the document's selection). Only those
answers are decoded and encoded again; every other answer goes out as the database's text.

Lists held as JSON arrays in a column (sections, links, problem areas: `Elements`) are read
element by element inside the same statement (SQLite `json_each`, PostgreSQL
`jsonb_array_elements … WITH ORDINALITY`), in the array's order, each element an object of the
fields asked (api/compiled/dialect.py); a link's target (`NodeRef`) is a CASE over the declared
Node types, each branch the lookup `node(id:)` makes. Measured in one process on the seed
content (50 requests each, load average 5-8, so rough): a municipality's agreements with their
sections, governance, problem areas and links, its promises' sections and links and their
follow-ups' timestamps (tests/test_compiled.py, JSON_HELD) are 1 statement and 2.2-4.2 ms on
SQLite, where the reference path sends 5 and takes 6.5-7.0 ms, and 1 statement and 2.2-3.5 ms
on PostgreSQL against 3 round trips and 9-38 ms; seven links with their targets 1.4 ms against
4.2 ms (SQLite) and 8.4 ms against 9.2 ms (PostgreSQL, the statement itself 2.5 ms).

Visibility is part of each relation's SQL, as the loaders apply it: published and inside its
schedule at the request's moment; in an editorial preview also the rows the token may edit
drafts of (the scope rule, `Context.visible_sql`, with the scope bound as one parameter); for
admins and reviewers without a scope, everything.

The statement's text depends on the document, the viewer kind (public, scoped preview, full
preview) and which optional arguments are given, not on their values, so each database keeps
one prepared statement per such shape (asyncpg caches them by text; PostgreSQL keeps one
generic plan each). Building the text is a walk over the selection, done per request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from string import Formatter
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import get_argument_values, get_directive_values
from strawberry import Schema
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from api.compiled import registry
from api.compiled.declare import (
    SCOPED_TABLES,
    ByKey,
    Computed,
    Derived,
    Element,
    Elements,
    ElementText,
    Everything,
    GlobalId,
    Group,
    Grouped,
    Grouping,
    Listing,
    Nested,
    NodeRef,
    Picked,
    Related,
    Shape,
    Table,
    Text,
    Value,
    Values,
)
from api.compiled.dialect import Dialect
from api.core import inputs
from api.core.pagination import after_sql, order_by
from api.core.relay import from_global_id, page_request
from api.core.selections import collect_fields
from models.sql import Fragment, all_of, sql, visible

# json_build_object takes at most 100 arguments in PostgreSQL.
MAX_KEYS = 50


class Unsupported(Exception):
    """The document or request uses something the compiler does not cover."""


class Declined(Exception):
    """The viewer may not read the root field: the reference path words the refusal. Not kept
    as `Unsupported` is, since another viewer may read the same document."""


# A root field's answer: a statement giving one row with its JSON as column `j`, or the JSON
# text itself when no statement is needed (`node` of a type nothing has). The request's moment
# is left to be bound when it runs (`MOMENT`), so a kept statement serves later requests.
Answer = Fragment | str
MOMENT = "now"

# What Python finishes in a root field's JSON once its statement has run (`Computed`, `Picked`):
# the value at a path of response keys (lists on the way: each item's), and the function.
Step = tuple[tuple[str, ...], Callable[[Any], Any]]


def finish(value: Any, path: tuple[str, ...], step: Callable[[Any], Any]) -> Any:
    """`value` with `step` applied at `path` (each item's, through lists; a null object has nothing)."""
    if not path:
        return step(value)
    if isinstance(value, list):
        return [finish(item, path, step) for item in value]
    if isinstance(value, dict) and path[0] in value:
        value[path[0]] = finish(value[path[0]], path[1:], step)
    return value


class Compiler:
    """Compiles the root fields of one request's operation."""

    def __init__(
        self,
        schema: Schema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variable_values: Any,
        context: Any,
        postgres: bool,
    ) -> None:
        self.schema = schema
        self.graphql_schema = schema._schema
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self.operation = operation
        self.variable_values = variable_values
        self.context = context
        self.dialect = Dialect(postgres)
        self.types = registry.types()
        self.roots = registry.roots()
        self.count = 0
        self.moment = sql.late(MOMENT)
        # While a grouped root compiles: its request and the dimensions it groups by.
        self.grouping: Grouping | None = None
        self.dimensions: list[str] = []
        # The response keys down to the field being compiled, and the root field's steps.
        self.path: list[str] = []
        self.steps: list[Step] = []
        # The JSON value of each array element being read (`Elements`): its row and its index.
        self.owners: dict[str, tuple[str, str]] = {}

    # ------------------------------------------------------------ the operation

    def root_fields(self) -> dict[str, list[FieldNode]]:
        query_type = self.graphql_schema.query_type
        assert query_type is not None
        return self.collect(query_type, [self.operation.selection_set])

    def asks_preview(self) -> tuple[bool, bool]:
        """Whether the operation asks for a preview anywhere (as api/editorial/preview.py reads
        it: every field, whatever its directives), and whether a field that runs does."""
        anywhere = False

        def visit(selection_set: SelectionSetNode | None, seen: frozenset[str]) -> None:
            nonlocal anywhere
            for selection in selection_set.selections if selection_set else ():
                if isinstance(selection, FieldNode):
                    for argument in selection.arguments or ():
                        if argument.name.value == "preview" and self._true(argument.value):
                            anywhere = True
                elif isinstance(selection, InlineFragmentNode):
                    visit(selection.selection_set, seen)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name not in seen and name in self.fragments:
                        visit(self.fragments[name].selection_set, seen | {name})

        visit(self.operation.selection_set, frozenset())
        running = False
        query_type = self.graphql_schema.query_type
        assert query_type is not None
        for nodes in self.root_fields().values():
            definition = query_type.fields.get(nodes[0].name.value)
            if definition is not None and "preview" in definition.args:
                running = running or bool(
                    get_argument_values(definition, nodes[0], self.variable_values).get("preview")
                )
        return anywhere, running

    def _true(self, value: Any) -> bool:
        from graphql import BooleanValueNode, VariableNode

        if isinstance(value, BooleanValueNode):
            return bool(value.value)
        if isinstance(value, VariableNode):
            return self.variable_values.coerced.get(value.name.value) is True
        return False

    def root(self, nodes: list[FieldNode]) -> Answer:
        """The root field's answer; what Python finishes in it is then in `steps`."""
        self.path, self.steps = [], []
        node = nodes[0]
        name = node.name.value
        if name == "__typename":
            return '"Query"'
        query_type = self.graphql_schema.query_type
        assert query_type is not None
        definition = query_type.fields[name]
        arguments = self.arguments(definition, node)
        arguments.pop("preview", None)
        inputs.check(**arguments)
        if name == "node":
            return self.node(definition, nodes, arguments["id"])
        declared = self.roots.get(name)
        if isinstance(declared, ByKey):
            return self.by_key(declared, definition, nodes, arguments[declared.argument])
        if isinstance(declared, Listing):
            if declared.admits is not None and not declared.admits(self.context.viewer):
                raise Declined(name)
            return self.listing(declared, definition, nodes, arguments)
        if isinstance(declared, Everything):
            return self.everything(declared, definition, nodes)
        if isinstance(declared, Grouped):
            return self.grouped(declared, definition, nodes, arguments)
        if isinstance(declared, Picked):
            if declared.admits is not None and not declared.admits(self.context.viewer):
                raise Declined(name)
            return self.picked(declared, definition, nodes, arguments)
        raise Unsupported(f"the root field {name} is not declared")

    def node(self, definition: GraphQLField, nodes: list[FieldNode], global_id: str) -> Answer:
        type_name, key = from_global_id(global_id)
        found = self.graphql_schema.get_type(type_name)
        node_interface = self.graphql_schema.get_type("Node")
        table = self.types.get(type_name)
        if (
            not isinstance(found, GraphQLObjectType)
            or not any(interface is node_interface for interface in found.interfaces)
            or not isinstance(table, Table)
        ):
            return "null"  # as api/node.py: an ID of no type here names nothing
        return self.lookup(table, found, nodes, key)

    def by_key(self, declared: ByKey, definition: GraphQLField, nodes: list[FieldNode], key: str) -> Answer:
        table = self.types[declared.target]
        object_type = get_named_type(definition.type)
        assert isinstance(object_type, GraphQLObjectType)
        return self.lookup(table, object_type, nodes, key)

    def lookup(self, table: Shape, object_type: GraphQLObjectType, nodes: list[FieldNode], key: str) -> Answer:
        assert isinstance(table, Table)
        found = self.found(
            table, object_type, nodes, {name: sql.value(part) for name, part in table.split_key(key).items()}
        )
        return sql("SELECT {} AS j", found)

    def found(
        self, table: Table, object_type: GraphQLObjectType, nodes: list[FieldNode], parts: Mapping[str, Fragment]
    ) -> Fragment:
        """The JSON object of the visible row of `table` its lookup finds by the key's `parts`, or NULL."""
        c, j = self.alias(), self.alias()
        item = self.object(table, c, object_type, nodes)
        where = [_filled(table.lookup, {"c": c, "j": j}, parts)]
        where += [self.visible(rule, {"c": c, "j": j}[placeholder]) for placeholder, rule in table.lookup_visible]
        source = sql.raw(f"{table.table} {c} {table.lookup_source.format(c=c, j=j)}")
        return sql("(SELECT {} FROM {} WHERE {})", item, source, sql.join(where, " AND "))

    def node_ref(self, declared: NodeRef, alias: str, definition: GraphQLField, nodes: list[FieldNode]) -> Fragment:
        """The object a type and a key held in the row name (a link's target), as `node(id:)`
        finds it: NULL when it is not here or not visible, or names no declared type of the
        field's interface."""
        interface = get_named_type(definition.type)
        assert isinstance(interface, GraphQLInterfaceType)
        type_name = sql.raw(declared.type.format(c=alias))
        key = declared.key.format(c=alias)
        branches: list[Fragment] = []
        for object_type in self.graphql_schema.get_possible_types(interface):
            name = object_type.name
            table = self.types.get(name)
            if not isinstance(table, Table):
                continue
            names = [part for _, part, _, _ in Formatter().parse(table.lookup) if part and part not in ("c", "j")]
            parts = (
                {names[0]: sql.raw(key)}
                if len(names) == 1
                else {
                    part: self.dialect.key_part(f"replace({key}, '#', '/')", index) for index, part in enumerate(names)
                }
            )
            found = self.found(table, object_type, nodes, parts)
            branches.append(sql(f"WHEN '{name}' THEN {{}}", found))
        return self.dialect.nested(sql("CASE {} {} END", type_name, sql.join(branches, " ")))

    def everything(self, declared: Everything, definition: GraphQLField, nodes: list[FieldNode]) -> Answer:
        table = self.types[declared.target]
        assert isinstance(table, Table)
        item_type = get_named_type(definition.type)
        assert isinstance(item_type, GraphQLObjectType)
        c = self.alias()
        item = self.object(table, c, item_type, nodes)
        rows = self.dialect.array(
            item, sql.raw(f"{table.table} {c}"), sql.raw("1 = 1"), sql.raw(declared.order.format(c=c))
        )
        return sql("SELECT {} AS j", rows)

    def grouped(
        self, declared: Grouped, definition: GraphQLField, nodes: list[FieldNode], arguments: Mapping[str, Any]
    ) -> Answer:
        """The rows of the root's own statement (statistics, coverage), each as its Shape, in
        the statement's order (its column `n`). Statistics count published content, or in a
        preview that sees everything every draft too, as the reference path does."""
        shape = self.types[declared.target]
        item_type = get_named_type(definition.type)
        assert isinstance(item_type, GraphQLObjectType)
        moment = None if self.context.sees_everything else self.moment
        self.grouping = Grouping(arguments, moment, self.context.now)
        self.dimensions = declared.dimensions(arguments)
        try:
            s = self.alias()
            item = self.object(shape, s, item_type, nodes)
            source = sql(f"({{}}) {s}", declared.statement(self.grouping))
            rows = self.dialect.array(item, source, sql.raw("1 = 1"), sql.raw(f"{s}.n"))
        finally:
            self.grouping, self.dimensions = None, []
        return sql("SELECT {} AS j", rows)

    def picked(
        self, declared: Picked, definition: GraphQLField, nodes: list[FieldNode], arguments: Mapping[str, Any]
    ) -> Answer:
        table = self.types[declared.target]
        assert isinstance(table, Table)
        item_type = get_named_type(definition.type)
        assert isinstance(item_type, GraphQLObjectType)
        source, where, order, guard = declared.rows(arguments, self.context.viewer)
        c = declared.alias
        if declared.finish is None:
            item = self.object(table, c, item_type, nodes)
        else:
            read = [table.fields[name] for name in declared.reads]
            assert all(isinstance(value, Value | Computed) for value in read)
            item = self.dialect.object(
                [
                    (name, self.dialect.value(sql.raw(value.sql.format(c=c)), value.kind))
                    for name, value in zip(declared.reads, read, strict=True)
                    if isinstance(value, Value | Computed)
                ]
            )
            self.steps.append(((), _shaped(declared.finish, arguments, self.shape(item_type, nodes), item_type.name)))
        rows = self.dialect.array(item, source, where, sql.raw(order))
        if guard is not None:
            rows = sql("CASE WHEN {} THEN {} END", guard, rows)
            self.steps.insert(0, ((), _present))
        return sql("SELECT {} AS j", rows)

    def shape(self, object_type: GraphQLObjectType, nodes: list[FieldNode]) -> list[tuple[str, str | None]]:
        """The response keys of a Python-computed object of `object_type` and the field each
        gives (None: `__typename`); its fields must be scalars."""
        keys: list[tuple[str, str | None]] = []
        for key, field_nodes in self.collect(object_type, _selections(nodes)).items():
            name = field_nodes[0].name.value
            if name == "__typename":
                keys.append((key, None))
            elif field_nodes[0].selection_set is not None or object_type.fields[name].args:
                raise Unsupported(f"{object_type.name}.{name} of a computed object")
            else:
                keys.append((key, name))
        return keys

    def listing(
        self, declared: Listing, definition: GraphQLField, nodes: list[FieldNode], arguments: Mapping[str, Any]
    ) -> Answer:
        given = {argument.name.value for node in nodes for argument in node.arguments or ()}
        if undeclared := given - declared.accepts:
            raise Unsupported(f"the arguments {', '.join(sorted(undeclared))}")
        settings = self.context.settings
        keys, tag, tables = declared.order(arguments)
        request = page_request(
            arguments.get("first"),
            arguments.get("after"),
            default=settings.default_page_size,
            maximum=settings.max_page_size,
            keys=len(keys),
            tag=tag,
        )
        condition = all_of(declared.where(lambda alias: self.context.visible_sql(alias, self.moment), arguments))
        page = condition
        if request.after is not None:
            page = sql("{} AND {}", condition, after_sql(keys, request.after))
        order = order_by(keys)
        sort_columns = sql.join(sql(f"{{}} AS k{index}", key.sql) for index, key in enumerate(keys))
        first = sql.value(request.first)
        table = self.types[declared.target]
        assert isinstance(table, Table)
        row_key = _row_key(table).format(c=declared.alias)

        connection_type = get_named_type(definition.type)
        assert isinstance(connection_type, GraphQLObjectType)
        cursor = self.dialect.cursor([f"pg.k{index}" for index in range(len(keys))], tag)
        pairs: list[tuple[str, Fragment]] = []
        for key, field_nodes in self.collect(connection_type, _selections(nodes)).items():
            name = field_nodes[0].name.value
            if name == "__typename":
                pairs.append((key, sql.raw(f"'{connection_type.name}'")))
            elif name == "totalCount":
                pairs.append((key, sql("(SELECT COUNT(*) FROM {} WHERE {})", sql.raw(tables), condition)))
            elif name == "edges":
                self.path.append(key)
                pairs.append((key, self.edges(table, connection_type.fields[name], field_nodes, cursor, first)))
                self.path.pop()
            elif name == "pageInfo":
                pairs.append((key, self.page_info(connection_type.fields[name], field_nodes, cursor, first, request)))
            else:
                raise Unsupported(f"{connection_type.name}.{name}")
        return sql(
            f"WITH page AS (SELECT {row_key} AS id, {{}}, ROW_NUMBER() OVER (ORDER BY {{}}) AS n"
            f" FROM {tables} WHERE {{}} ORDER BY {{}} LIMIT {{}}) SELECT {{}} AS j",
            sort_columns,
            order,
            page,
            order,
            request.first + 1,
            self.dialect.object(pairs),
        )

    def edges(
        self, table: Table, definition: GraphQLField, nodes: list[FieldNode], cursor: Fragment, first: Fragment
    ) -> Fragment:
        edge_type = get_named_type(definition.type)
        assert isinstance(edge_type, GraphQLObjectType)
        c = self.alias()
        pairs: list[tuple[str, Fragment]] = []
        for key, field_nodes in self.collect(edge_type, _selections(nodes)).items():
            name = field_nodes[0].name.value
            if name == "__typename":
                pairs.append((key, sql.raw(f"'{edge_type.name}'")))
            elif name == "cursor":
                pairs.append((key, cursor))
            elif name == "node":
                node_type = get_named_type(edge_type.fields[name].type)
                assert isinstance(node_type, GraphQLObjectType)
                self.path.append(key)
                pairs.append((key, self.object(table, c, node_type, field_nodes)))
                self.path.pop()
            else:
                raise Unsupported(f"{edge_type.name}.{name}")
        source = sql.raw(f"page pg JOIN {table.table} {c} ON {_row_key(table).format(c=c)} = pg.id")
        return self.dialect.nested(
            self.dialect.array(self.dialect.object(pairs), source, sql("pg.n <= {}", first), sql.raw("pg.n"))
        )

    def page_info(
        self, definition: GraphQLField, nodes: list[FieldNode], cursor: Fragment, first: Fragment, request: Any
    ) -> Fragment:
        info_type = get_named_type(definition.type)
        assert isinstance(info_type, GraphQLObjectType)
        pairs: list[tuple[str, Fragment]] = []
        for key, field_nodes in self.collect(info_type, _selections(nodes)).items():
            name = field_nodes[0].name.value
            if name == "__typename":
                pairs.append((key, sql.raw(f"'{info_type.name}'")))
            elif name == "hasNextPage":
                pairs.append((key, self.dialect.value(sql("(SELECT COUNT(*) FROM page) > {}", first), "boolean")))
            elif name == "hasPreviousPage":
                previous = sql.raw("1 = 1" if request.after is not None else "1 = 0")
                pairs.append((key, self.dialect.value(previous, "boolean")))
            elif name == "startCursor":
                pairs.append((key, sql("(SELECT {} FROM page pg WHERE pg.n = 1 AND pg.n <= {})", cursor, first)))
            elif name == "endCursor":
                last = sql("(SELECT {} FROM page pg WHERE pg.n <= {} ORDER BY pg.n DESC LIMIT 1)", cursor, first)
                pairs.append((key, last))
            else:
                raise Unsupported(f"{info_type.name}.{name}")
        return self.dialect.nested(self.dialect.object(pairs))

    # ------------------------------------------------------------ objects and fields

    def object(self, shape: Shape, alias: str, object_type: GraphQLObjectType, nodes: list[FieldNode]) -> Fragment:
        """The JSON object of the row `alias` as `shape`, for the fields `nodes` select."""
        pairs: list[tuple[str, Fragment]] = []
        for key, field_nodes in self.collect(object_type, _selections(nodes)).items():
            name = field_nodes[0].name.value
            if name == "__typename":
                pairs.append((key, sql.raw(f"'{object_type.name}'")))
                continue
            declared = shape.fields.get(name)
            if declared is None or name.startswith("__"):
                raise Unsupported(f"{object_type.name}.{name} is not declared")
            self.path.append(key)
            pairs.append((key, self.field(shape, declared, alias, object_type.fields[name], field_nodes)))
            self.path.pop()
        if len(pairs) > MAX_KEYS:
            raise Unsupported("too many fields in one object")
        return self.dialect.object(pairs)

    def field(
        self, shape: Shape, declared: Any, alias: str, definition: GraphQLField, nodes: list[FieldNode]
    ) -> Fragment:
        arguments = self.arguments(definition, nodes[0]) if definition.args else {}
        if isinstance(declared, Value):
            value = sql.raw(declared.sql.format(c=alias))
            anchor = _row_key(shape).format(c=alias)
            enum = get_named_type(definition.type)
            if isinstance(enum, GraphQLEnumType):
                # A value the enum does not have is an error of the reference path's.
                value = self.dialect.enum(value, [str(member.value) for member in enum.values.values()], anchor)
            if declared.may_be_null and isinstance(definition.type, GraphQLNonNull):
                value = self.dialect.fail_if_null(value, anchor, json_value=False)
            return self.dialect.value(value, declared.kind)
        if isinstance(declared, Computed):
            self.steps.append((tuple(self.path), declared.compute))
            return self.dialect.value(sql.raw(declared.sql.format(c=alias)), declared.kind)
        if isinstance(declared, Text):
            # Every format is a stored column (models/rendered.py), as the reference path reads it.
            text_format = arguments.get("format")
            text = declared.column(None if text_format is None else str(getattr(text_format, "value", text_format)))
            text = text.format(c=alias)
            return sql.raw(text if declared.default is None else f"COALESCE({text}, '{declared.default}')")
        if isinstance(declared, GlobalId):
            if declared.of is not None:
                typed = f"{declared.of} || ':' || {declared.key}"
                return self.dialect.base64(sql.raw(typed.format(c=alias)))
            assert isinstance(shape, Table)
            return self.dialect.global_id(shape.name, sql.raw(shape.key.format(c=alias)))
        if isinstance(declared, Nested):
            nested_type = get_named_type(definition.type)
            assert isinstance(nested_type, GraphQLObjectType)
            item = self.object(self.types[declared.shape], alias, nested_type, nodes)
            if declared.present is not None:
                present = sql.raw(declared.present.format(c=alias))
                item = sql("CASE WHEN {} IS NULL THEN NULL ELSE {} END", present, item)
            return self.dialect.nested(item)
        if isinstance(declared, Values):
            j = self.alias()
            return self.dialect.nested(
                self.dialect.scalars(
                    sql.raw(declared.sql.format(j=j)),
                    sql.raw(declared.source.format(j=j)),
                    sql.raw(declared.where.format(j=j, p=alias)),
                    sql.raw(declared.order.format(j=j)),
                )
            )
        if isinstance(declared, Related):
            return self.related(shape, declared, alias, definition, nodes, arguments)
        if isinstance(declared, Elements):
            return self.elements(declared, alias, definition, nodes)
        if isinstance(declared, NodeRef):
            return self.node_ref(declared, alias, definition, nodes)
        if isinstance(declared, ElementText):
            owner, index = self.owners[alias]
            text_format = arguments.get("format")
            text_format = None if text_format is None else str(getattr(text_format, "value", text_format))
            if text_format in (None, "MARKDOWN"):
                return sql.raw(f"COALESCE({alias} ->> '{declared.key}', '')")
            rendering = sql.raw(f"{declared.renderings.format(p=owner)}_{text_format.lower()}")
            return sql("COALESCE({}, '')", self.dialect.element_at(rendering, index))
        if isinstance(declared, Group):
            item_type = get_named_type(definition.type)
            assert isinstance(item_type, GraphQLObjectType)
            items = [
                self.object(declared.shape(index, dimension), alias, item_type, nodes)
                for index, dimension in enumerate(self.dimensions)
            ]
            return self.dialect.nested(self.dialect.listed(items))
        if isinstance(declared, Derived):
            if self.grouping is None:
                raise Unsupported(f"{definition} outside its grouped root")
            target = self.types[declared.target]
            target_type = get_named_type(definition.type)
            assert isinstance(target_type, GraphQLObjectType)
            source, where, order = declared.rows(self.grouping, alias, arguments)
            item = self.object(target, declared.alias, target_type, nodes)
            return self.dialect.nested(self.dialect.array(item, source, where, sql.raw(order)))
        raise Unsupported(f"a field of kind {type(declared).__name__}")

    def related(
        self,
        shape: Shape,
        declared: Related,
        parent: str,
        definition: GraphQLField,
        nodes: list[FieldNode],
        arguments: Mapping[str, Any],
    ) -> Fragment:
        target = self.types[declared.target]
        assert isinstance(target, Table)
        names = {"c": self.alias(), "j": self.alias(), "j2": self.alias()}
        c = names["c"]
        target_type = get_named_type(definition.type)
        if not isinstance(target_type, GraphQLObjectType):
            raise Unsupported(f"{definition.type} is not an object type")
        if arguments:
            inputs.check(**arguments)
        where = [sql.raw(declared.where.format(p=parent, **names))]
        where += [self.visible(rule, names[placeholder]) for placeholder, rule in declared.visible]
        if declared.arguments is not None:
            where += declared.arguments(c, arguments)
        elif any(value is not None for value in arguments.values()):
            raise Unsupported(f"arguments of {definition}")
        source = sql.raw(declared.source.format(**names))
        item = self.object(target, c, target_type, nodes)
        condition = sql.join(where, " AND ")
        if _is_list(definition.type):
            order = sql.raw(declared.order.format(**names))
            return self.dialect.nested(self.dialect.array(item, source, condition, order))
        one = sql("(SELECT {} FROM {} WHERE {} LIMIT 1)", item, source, condition)
        if declared.required:
            one = self.dialect.fail_if_null(one, _row_key(shape).format(c=parent), json_value=True)
        return self.dialect.nested(one)

    def elements(self, declared: Elements, parent: str, definition: GraphQLField, nodes: list[FieldNode]) -> Fragment:
        """The objects of a JSON array column of the row `parent`, in the array's order."""
        target = self.types[declared.target]
        assert isinstance(target, Element)
        target_type = get_named_type(definition.type)
        assert isinstance(target_type, GraphQLObjectType)
        e = self.alias()
        value, index = self.dialect.element(e)
        self.owners[value] = (parent, index)
        item = self.object(target, value, target_type, nodes)
        source = self.dialect.elements(sql.raw(declared.array.format(c=parent)), e)
        where = sql.raw(declared.where.format(c=value) if declared.where else "1 = 1")
        return self.dialect.nested(self.dialect.array(item, source, where, sql.raw(index)))

    # ------------------------------------------------------------ helpers

    def alias(self) -> str:
        self.count += 1
        return f"t{self.count}"

    def visible(self, rule: str, alias: str) -> Fragment:
        """The visibility of the row `alias` by the scope rule's alias `rule` (api/context.py)."""
        if not self.context.drafts_of:
            return visible(alias, None if self.context.visible_at is None else self.moment)
        table = SCOPED_TABLES[rule]
        own = self.context.visible_sql(rule, self.moment)
        return sql(f"EXISTS (SELECT 1 FROM {table} {rule} WHERE {rule}.id = {alias}.id AND {{}})", own)

    def arguments(self, definition: GraphQLField, node: FieldNode) -> dict[str, Any]:
        """The field's arguments as its resolver would get them (Python names and types)."""
        raw = get_argument_values(definition, node, self.variable_values)
        strawberry_field = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if not isinstance(strawberry_field, StrawberryField):
            raise Unsupported(f"{definition} is not a strawberry field")
        scalars = self.schema.schema_converter.scalar_registry
        return convert_arguments(raw, list(strawberry_field.arguments), scalars, self.schema.config)

    def collect(
        self, object_type: GraphQLObjectType, selection_sets: list[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        """The fields selected on an object of `object_type`, by response key, with @skip and
        @include applied (api/core/selections.py)."""
        return collect_fields(
            self.graphql_schema,
            self.fragments,
            object_type,
            selection_sets,
            included=self.included,
            refuse=Unsupported,
        )

    def included(self, selection: SelectionNode) -> bool:
        for directive in selection.directives or ():
            if directive.name.value not in {"skip", "include"}:
                raise Unsupported(f"the directive @{directive.name.value}")
        skip = get_directive_values(GraphQLSkipDirective, selection, self.variable_values)  # type: ignore[arg-type]
        if skip and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, selection, self.variable_values)  # type: ignore[arg-type]
        return not (include and include.get("if") is False)


def _filled(template: str, aliases: Mapping[str, str], values: Mapping[str, Fragment]) -> Fragment:
    """A declaration's template with its aliases' names and its values (fragments) written in."""
    parts: list[Fragment] = []
    for literal, name, _, _ in Formatter().parse(template):
        parts.append(sql.raw(literal))
        if name is not None:
            parts.append(sql.raw(aliases[name]) if name in aliases else values[name])
    return sql.join(parts, "")


def _present(value: Any) -> Any:
    """A root list the statement gave as null: its guard refused (`Picked`)."""
    if value is None:
        raise Declined("the statement's guard")
    return value


def _shaped(
    compute: Callable[[list[Any], Mapping[str, Any]], list[dict[str, Any]]],
    arguments: Mapping[str, Any],
    keys: list[tuple[str, str | None]],
    type_name: str,
) -> Callable[[Any], Any]:
    """The step of a `Picked.finish`: its objects with the response keys the document asks."""

    def step(rows: Any) -> Any:
        return [
            {key: type_name if name is None else found[name] for key, name in keys}
            for found in compute(rows, arguments)
        ]

    return step


def _selections(nodes: list[FieldNode]) -> list[SelectionSetNode]:
    return [node.selection_set for node in nodes if node.selection_set]


def _row_key(shape: Shape) -> str:
    """The column that names a row of the shape's table (municipalities and counties: their code;
    a shape of no table of its own: its anchor)."""
    if isinstance(shape, Table):
        return "{c}.code" if shape.key == "{c}.code" else "{c}.id"
    return shape.anchor


def _is_list(type_: GraphQLOutputType) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)
