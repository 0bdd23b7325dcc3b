"""Query limits whose own cost is linear in the document: depth, aliases, selections, fragment
spreads and an estimated cost, measured in one walk that measures each fragment once.

A fragment spread stands for its fragment written out in place, so a document of 31 fragments
that each spread the previous one twice stands for 2^30 copies of the first. The limits used to
be validation rules that walked every such copy: 2^16 spreads took 0.65 s, 2^20 10 s, 2^30
hours. Here each fragment is measured once, in an order where every fragment it spreads has
been measured before it, and a spread adds the fragment's measures (a count times the number of
places it is spread, never the copies themselves). What a fragment measures depends only on its
own type condition, not on where it is spread, so one measure per fragment serves every spread
of it (a type condition the schema lacks measures its fields as unknown, and graphql-core then
refuses the document). The walk therefore visits every selection of
the document about twice (once to find which fragments each one spreads, once to measure it),
whatever the document says, and without recursion across fragments: a chain of thousands of
fragments is no deeper for Python than one.

The measures, per operation, as if every fragment were written out where it is spread:
- depth: how many fields nest inside each other (introspection fields do not count, as GraphiQL's
  own schema query nests its type references ten levels deep), and nesting: selection sets inside
  each other with fragments written out, which graphql-core cannot validate past 200;
- aliases and selections (fields, spreads and inline fragments) and fragment spreads;
- cost: each field costs 1, and a field returning a list multiplies what is selected under it by
  how many items it can return: the page it asks for (`first`; a variable counts as the largest
  page), the default page for a connection, a fixed factor for a plain list; introspection lists
  by the average length of that list in this schema (`__Schema.types` as many types as the schema
  has, `__Type.fields` the mean number of fields per type, ...), so that asking for the schema 29
  times under aliases costs 29 schemas.

Measured on the development machine (2 shared cores): the 2^30 bomb is refused after visiting 127
nodes in about 2 ms; walking the largest document the token limit admits (10,000 tokens) takes
20-60 ms, a fifth of what parsing it takes.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
)
from graphql.language.parser import MAX_NESTING_DEPTH
from graphql.type import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef

from api.settings import Settings

logger = logging.getLogger("samverkan.protection")

LIST_FACTOR = 5
# Past this many errors (many operations over a limit, many pages out of range) the rest are
# counted, not listed: a small document must not buy a large answer.
MAX_ERRORS = 10


@dataclass(frozen=True)
class QueryLimits:
    max_depth: int
    max_aliases: int
    max_selections: int
    max_spreads: int
    max_cost: int
    default_page: int
    max_page: int

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLimits:
        return cls(
            max_depth=settings.max_depth,
            max_aliases=settings.max_aliases,
            max_selections=settings.max_selections,
            max_spreads=settings.max_fragment_spreads,
            max_cost=settings.max_cost,
            default_page=settings.default_page_size,
            max_page=settings.max_page_size,
        )


@dataclass
class Measure:
    """What a selection set stands for once its fragments are written out."""

    depth: int = 0
    nesting: int = 0  # selection sets inside each other, spreads included: graphql-core's measure
    aliases: int = 0
    selections: int = 0
    spreads: int = 0
    cost: int = 0

    def add(self, other: Measure) -> None:
        self.depth = max(self.depth, other.depth)
        self.nesting = max(self.nesting, other.nesting)
        self.aliases += other.aliases
        self.selections += other.selections
        self.spreads += other.spreads
        self.cost += other.cost


@dataclass
class Analysis:
    """The limits' verdict on one document: errors (empty when every operation is within them),
    each operation's estimated cost (by name; None for an anonymous one), and how many nodes the
    walk visited, so that tests can check it stays a small multiple of the document."""

    errors: list[GraphQLError] = field(default_factory=list)
    costs: dict[str | None, int] = field(default_factory=dict)
    visited: int = 0


def introspection_factors(schema: GraphQLSchema) -> dict[tuple[str, str], int]:
    """How many items each introspection list holds on average in this schema (at least 1), so
    that `types { fields { args } }` costs about as many nodes as it answers."""
    types = list(schema.type_map.values())
    with_fields = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    fields = [f for t in with_fields for f in t.fields.values()]
    directives = list(schema.directives)

    def mean(total: int, count: int) -> int:
        return max(1, math.ceil(total / count)) if count else 1

    return {
        ("__Schema", "types"): len(types),
        ("__Schema", "directives"): len(directives),
        ("__Type", "fields"): mean(len(fields), len(types)),
        ("__Type", "interfaces"): mean(sum(len(t.interfaces) for t in with_fields), len(types)),
        ("__Type", "possibleTypes"): mean(
            sum(len(schema.get_possible_types(t)) for t in types if is_abstract_type(t)),  # type: ignore[arg-type]
            len(types),
        ),
        ("__Type", "enumValues"): mean(sum(len(getattr(t, "values", ())) for t in types), len(types)),
        ("__Type", "inputFields"): mean(
            sum(len(t.fields) for t in types if isinstance(t, GraphQLInputObjectType)), len(types)
        ),
        ("__Field", "args"): mean(sum(len(f.args) for f in fields), len(fields)),
        ("__Directive", "args"): mean(sum(len(d.args) for d in directives), len(directives)),
    }


class DocumentLimits:
    """One per schema: measures documents against the limits."""

    def __init__(self, schema: GraphQLSchema, limits: QueryLimits) -> None:
        self.schema = schema
        self.limits = limits
        self.introspection = introspection_factors(schema)

    def check(self, document: DocumentNode) -> Analysis:
        walk = _Walk(self, document)
        analysis = Analysis(errors=walk.errors)
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                root = self._root(definition.operation)
                if root is None:
                    continue  # an operation type the schema lacks is graphql-core's error
                measure = walk.measure(definition.selection_set, root)
                name = definition.name.value if definition.name else None
                analysis.costs.setdefault(name, measure.cost)
                analysis.errors.extend(self._refusals(definition, measure))
        if len(analysis.errors) > MAX_ERRORS:
            more = len(analysis.errors) - MAX_ERRORS + 1
            analysis.errors[MAX_ERRORS - 1 :] = [GraphQLError(f"... and {more:,} more errors like these.")]
        analysis.visited = walk.visited
        logger.debug("limits walk visited %d nodes", walk.visited, extra={"visited": walk.visited})
        return analysis

    def _root(self, operation: OperationType) -> GraphQLObjectType | None:
        if operation == OperationType.QUERY:
            return self.schema.query_type
        if operation == OperationType.MUTATION:
            return self.schema.mutation_type
        return self.schema.subscription_type

    def _refusals(self, node: OperationDefinitionNode, measure: Measure) -> Iterator[GraphQLError]:
        limits = self.limits
        name = f"'{node.name.value}'" if node.name else "'anonymous'"
        if measure.depth > limits.max_depth:
            yield GraphQLError(
                f"{name} exceeds maximum operation depth of {limits.max_depth}: its fields nest"
                f" {measure.depth:,} levels deep.",
                node,
            )
        if measure.nesting > MAX_NESTING_DEPTH:
            yield GraphQLError(
                f"{name} nests selections {measure.nesting:,} levels deep once its fragments are written"
                f" out; the limit is {MAX_NESTING_DEPTH} levels.",
                node,
            )
        if measure.aliases > limits.max_aliases:
            yield GraphQLError(
                f"{name} has {measure.aliases:,} aliases (fragments counted where they are spread);"
                f" the limit is {limits.max_aliases:,} aliases.",
                node,
            )
        if measure.spreads > limits.max_spreads:
            yield GraphQLError(
                f"{name} spreads fragments {measure.spreads:,} times (counted as if written out);"
                f" the limit is {limits.max_spreads:,} fragment spreads.",
                node,
            )
        if measure.selections > limits.max_selections:
            yield GraphQLError(
                f"{name} has {measure.selections:,} selections once its fragments are written out;"
                f" the limit is {limits.max_selections:,} selections.",
                node,
            )
        if measure.cost > limits.max_cost:
            yield GraphQLError(
                f"{name} is too expensive: estimated cost {measure.cost:,} exceeds the limit of"
                f" {limits.max_cost:,}. Ask for smaller pages ('first') or fewer nested lists.",
                node,
            )


class _Walk:
    """The measures of every fragment of one document, each found once."""

    def __init__(self, limits: DocumentLimits, document: DocumentNode) -> None:
        self.limits = limits.limits
        self.schema = limits.schema
        self.introspection = limits.introspection
        self.errors: list[GraphQLError] = []
        self.visited = 0
        self.fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                self.fragments.setdefault(definition.name.value, definition)
        # A fragment that is not (yet) here adds nothing where it is spread: unknown fragments
        # and cycles are graphql-core's errors, reported after the limits pass.
        self.measures: dict[str, Measure] = {}
        for name in self._dependency_order():
            fragment = self.fragments[name]
            condition = self.schema.get_type(fragment.type_condition.name.value)
            self.measures[name] = self.measure(fragment.selection_set, condition)

    def _spread_names(self, selection_set: SelectionSetNode) -> list[str]:
        names: list[str] = []
        stack = [selection_set]
        while stack:
            for selection in stack.pop().selections:
                self.visited += 1
                if isinstance(selection, FragmentSpreadNode):
                    names.append(selection.name.value)
                elif selection.selection_set is not None:  # type: ignore[attr-defined]
                    stack.append(selection.selection_set)  # type: ignore[attr-defined]
        return names

    def _dependency_order(self) -> list[str]:
        """Every fragment after the fragments it spreads (depth first, without recursion); a spread
        that closes a cycle is left out."""
        spreads = {
            name: [n for n in self._spread_names(fragment.selection_set) if n in self.fragments]
            for name, fragment in self.fragments.items()
        }
        order: list[str] = []
        done: set[str] = set()
        for root in self.fragments:
            if root in done:
                continue
            path = [(root, iter(spreads[root]))]
            on_path = {root}
            while path:
                name, pending = path[-1]
                for spread in pending:
                    if spread not in done and spread not in on_path:
                        path.append((spread, iter(spreads[spread])))
                        on_path.add(spread)
                        break
                else:
                    path.pop()
                    on_path.discard(name)
                    done.add(name)
                    order.append(name)
        return order

    def measure(self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None) -> Measure:
        total = Measure()
        for selection in selection_set.selections:
            self.visited += 1
            total.selections += 1
            if isinstance(selection, FieldNode):
                total.add(self._field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                condition = parent
                if selection.type_condition is not None:
                    condition = self.schema.get_type(selection.type_condition.name.value)
                total.add(self.measure(selection.selection_set, condition))
            elif isinstance(selection, FragmentSpreadNode):
                total.spreads += 1
                spread = self.measures.get(selection.name.value)
                if spread is not None:
                    total.add(spread)
        total.nesting += 1
        return total

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Measure:
        definition = self._definition(node.name.value, parent)
        inner = Measure()
        if node.selection_set is not None:
            child = get_named_type(definition.type) if definition is not None else None
            inner = self.measure(node.selection_set, child)
        multiplier = self._multiplier(node, parent, definition)
        introspection = node.name.value.startswith("__")
        return Measure(
            depth=0 if introspection or node.selection_set is None else 1 + inner.depth,
            nesting=inner.nesting,
            aliases=inner.aliases + (1 if node.alias is not None else 0),
            selections=inner.selections,
            spreads=inner.spreads,
            cost=1 + multiplier * inner.cost,
        )

    def _definition(self, name: str, parent: GraphQLNamedType | None) -> GraphQLField | None:
        if name == "__typename":
            return TypeNameMetaFieldDef
        if parent is self.schema.query_type:
            if name == "__schema":
                return SchemaMetaFieldDef
            if name == "__type":
                return TypeMetaFieldDef
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            found: GraphQLField | None = parent.fields.get(name)
            return found
        return None  # unknown fields and fields on unions are graphql-core's errors

    def _multiplier(self, node: FieldNode, parent: GraphQLNamedType | None, definition: GraphQLField | None) -> int:
        if definition is None:
            return 1
        if parent is not None and parent.name.startswith("__"):
            return self.introspection.get((parent.name, node.name.value), 1)
        for argument in node.arguments or ():
            if argument.name.value == "first":
                return self._page(node, argument.value)
        named = get_named_type(definition.type)
        if named is not None and named.name.endswith("Connection"):
            return self.limits.default_page
        return LIST_FACTOR if _is_list(definition.type) else 1

    def _page(self, node: FieldNode, value: object) -> int:
        max_page = self.limits.max_page
        if not isinstance(value, IntValueNode):
            return max_page  # a variable (or a value of the wrong type, graphql-core's error)
        first = int(value.value)
        if not 0 <= first <= max_page:
            self.errors.append(
                GraphQLError(
                    f"'first' must be between 0 and {max_page} (got {value.value}); page with 'after' for more",
                    node,
                )
            )
        return min(max(first, 0), max_page)


def _is_list(field_type: GraphQLOutputType) -> bool:
    unwrapped = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    return isinstance(unwrapped, GraphQLList)


__all__ = ["Analysis", "DocumentLimits", "QueryLimits"]
