"""Random valid queries over the compiled part of the schema (api/compiled/), for comparing the
compiled path with the reference path (tests/test_compiled.py).

The documents are built from the declarations themselves (api/compiled/registry.py) and the
schema's types: root fields the domains declare and `node` (statistics and coverage grouped by
random dimensions), random subsets of the declared fields down to a depth, with arguments,
aliases, `__typename`, inline and named fragments and `@include`/`@skip`. Every argument but
`first` and every directive condition is a variable of the type the schema gives it, so one
document is asked with several random sets of values (`Query.values`): validating a random
document costs graphql-core about 20 ms, most of a query's cost here, and the compiled path's
statement differs with which optional arguments are given anyway. Lists stay short (`first` up
to 5) so that answers stay small. The documents are asked without a token, so the roots only
some viewers read (`admits`: the editorial reads, tests/test_editorial_reads.py) are left out.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    parse,
    visit,
)

from api.compiled import registry
from api.compiled.declare import (
    Derived,
    Elements,
    ElementText,
    Everything,
    GlobalId,
    Group,
    Grouped,
    Nested,
    NodeRef,
    Related,
    Text,
    Value,
    Values,
)

Draw = Callable[[random.Random], Any]


class _Aliases(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def enter_field(self, node: FieldNode, *_: object) -> None:
        self.count += node.alias is not None


@dataclass
class Samples:
    """Values the content has, so that queries find something (and some that find nothing)."""

    codes: list[str]
    counties: list[str]
    regions: list[str]
    slugs: dict[str, list[str]]  # by root field: agreement, citizenPromise, followUp
    ids: list[str]
    topics: list[str] = field(default_factory=lambda: ["narkotika", "trafik", "otrygghet", "inget"])
    dates: list[str] = field(default_factory=lambda: ["2019-06-01", "2022-01-01", "2024-03-01", "2030-01-01"])
    years: list[int] = field(default_factory=lambda: [2019, 2021, 2023, 2025, 2031])


@dataclass
class Query:
    text: str
    variables: dict[str, Draw]

    def values(self, rng: random.Random) -> dict[str, Any]:
        """One random set of values for the document's variables."""
        return {name: draw(rng) for name, draw in self.variables.items()}


class Corpus:
    def __init__(self, schema: GraphQLSchema, samples: Samples, seed: int, grouped: float = 1.0) -> None:
        """`grouped`: how often a statistics or coverage root drawn is kept (1: always), for content
        where each costs a second or more (the whole country grouped by municipality)."""
        self.schema = schema
        self.samples = samples
        self.rng = random.Random(seed)
        self.grouped = grouped
        self.types = registry.types()
        self.fragments: list[str] = []
        self.variables: dict[str, tuple[str, Draw]] = {}

    def query(self) -> Query:
        """A document inside the protection limits (api/protection/): at most 30 aliases."""
        while True:
            self.fragments = []
            self.variables = {}
            roots = [self.root() for _ in range(self.rng.randint(1, 3))]
            body = " ".join(f"r{index}: {root}" for index, root in enumerate(roots))
            declared = ", ".join(f"${name}: {type_}" for name, (type_, _) in self.variables.items())
            head = f"query ({declared}) " if declared else ""
            text = head + "{ " + body + " } " + " ".join(self.fragments)
            aliases = _Aliases()
            visit(parse(text), aliases)
            if aliases.count <= 25:
                return Query(text, {name: draw for name, (_, draw) in self.variables.items()})

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, values: list[str]) -> str:
        return self.rng.choice(values)

    def variable(self, type_: str, draw: Draw) -> str:
        name = f"v{len(self.variables)}"
        self.variables[name] = (type_, draw)
        return f"${name}"

    def argument(self, argument: GraphQLArgument, draw: Draw) -> str:
        return self.variable(str(argument.type), draw)

    def root(self) -> str:
        query_type = self.schema.query_type
        assert query_type is not None
        names = [*_public_roots(), "node", "node"]
        name = self.pick(names)
        while self.grouped < 1 and isinstance(registry.roots().get(name), Grouped) and self.chance(1 - self.grouped):
            name = self.pick(names)
        definition = query_type.fields[name]
        samples = self.samples
        if name == "node":
            id_ = self.argument(definition.args["id"], lambda rng: rng.choice(samples.ids))
            return f"node(id: {id_}) {{ {self.node()} }}"
        field_type = get_named_type(definition.type)
        assert isinstance(field_type, GraphQLObjectType)
        if isinstance(registry.roots()[name], Everything):
            return f"{name} {{ {self.selection(field_type, 3)} }}"
        if isinstance(registry.roots()[name], Grouped):
            return f"{name}({self.grouping(name, definition)}) {{ {self.selection(field_type, 2)} }}"
        if name == "municipality":
            code = self.argument(definition.args["code"], lambda rng: rng.choice(samples.codes))
            return f"municipality(code: {code}) {{ {self.selection(field_type, 3)} }}"
        if name in samples.slugs:
            slugs = samples.slugs[name]
            slug = self.argument(definition.args["slug"], lambda rng: rng.choice(slugs))
            return f"{name}(slug: {slug}) {{ {self.selection(field_type, 3)} }}"
        # A literal: the cost limit (api/protection/limits.py) reads page sizes from the document.
        arguments = [f"first: {self.rng.randint(0, 5)}"]
        if "filter" in definition.args:
            filter_type = get_named_type(definition.args["filter"].type)
            assert isinstance(filter_type, GraphQLInputObjectType)
            draw = self.filter(set(filter_type.fields))
            arguments.append(f"filter: {self.argument(definition.args['filter'], draw)}")
        for place in ("countyCode", "policeRegion"):
            if place in definition.args and self.chance(0.4):
                values = samples.counties if place == "countyCode" else samples.regions
                arguments.append(f"{place}: {self.argument(definition.args[place], _maybe(values))}")
        if "orderBy" in definition.args and self.chance(0.5):
            order_type = get_named_type(definition.args["orderBy"].type)
            assert isinstance(order_type, GraphQLEnumType)
            orders = list(order_type.values)
            arguments.append(f"orderBy: {self.argument(definition.args['orderBy'], lambda rng: rng.choice(orders))}")
        return f"{name}({', '.join(arguments)}) {{ {self.connection(field_type)} }}"

    def grouping(self, name: str, definition: Any) -> str:
        """Statistics' and coverage's arguments: up to two dimensions (statistics, each allowed
        for that root: a refused grouping is the reference path's error) or one (coverage)."""
        samples = self.samples
        if name == "coverage":
            groups = ["POLICE_REGION", "COUNTY", "MUNICIPALITY", "AREA"]
            arguments = [
                f"groupBy: {self.argument(definition.args['groupBy'], lambda rng: rng.choice(groups))}",
                f"year: {self.argument(definition.args['year'], lambda rng: rng.choice(samples.years))}",
            ]
            for place in ("countyCode", "policeRegion"):
                if self.chance(0.4):
                    values = samples.counties if place == "countyCode" else samples.regions
                    arguments.append(f"{place}: {self.argument(definition.args[place], _maybe(values))}")
            return ", ".join(arguments)
        dimensions = ["POLICE_REGION", "COUNTY", "MUNICIPALITY", "ACTOR", "YEAR", "TOPIC", "AREA"]
        dimensions.append("ASSESSMENT" if name == "commitmentStatistics" else "COUNTED")
        group_by = self.argument(
            definition.args["groupBy"], lambda rng: rng.sample(dimensions, rng.choice([0, 1, 1, 2, 2]))
        )
        arguments = [f"groupBy: {group_by}"]
        if self.chance(0.7):
            filter_type = get_named_type(definition.args["filter"].type)
            assert isinstance(filter_type, GraphQLInputObjectType)
            draw = self.filter(set(filter_type.fields))
            arguments.append(f"filter: {self.argument(definition.args['filter'], draw)}")
        return ", ".join(arguments)

    def filter(self, fields: set[str]) -> Draw:
        """A random filter of the fields the input type has (or none at all), drawn anew per set."""
        samples = self.samples
        choices: dict[str, tuple[float, Draw]] = {
            "countyCode": (0.3, lambda rng: rng.choice(samples.counties)),
            "policeRegion": (0.2, lambda rng: rng.choice(samples.regions)),
            "municipalityCode": (0.15, lambda rng: rng.choice(samples.codes)),
            "activeOn": (0.4, lambda rng: rng.choice(samples.dates)),
            "year": (0.4, lambda rng: rng.choice(samples.years)),
            "actor": (0.3, lambda rng: rng.choice(["KOMMUN", "POLIS", "TILLSAMMANS"])),
            "topic": (0.2, lambda rng: rng.choice(samples.topics)),
        }

        def draw(rng: random.Random) -> dict[str, Any] | None:
            if rng.random() < 0.2:
                return None
            return {name: value(rng) for name, (p, value) in choices.items() if name in fields and rng.random() < p}

        return draw

    def connection(self, connection_type: GraphQLObjectType) -> str:
        parts = []
        if self.chance(0.6):
            parts.append("totalCount")
        if self.chance(0.5):
            info = ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"]
            parts.append("pageInfo { " + " ".join(self.rng.sample(info, self.rng.randint(1, 4))) + " }")
        node_type = get_named_type(get_named_type(connection_type.fields["edges"].type).fields["node"].type)  # type: ignore[union-attr]
        assert isinstance(node_type, GraphQLObjectType)
        edge = ["cursor"] if self.chance(0.5) else []
        edge.append(f"node {{ {self.selection(node_type, 2)} }}")
        parts.append("edges { " + " ".join(edge) + " }")
        if self.chance(0.1):
            parts.append("__typename")
        self.rng.shuffle(parts)
        return " ".join(parts)

    def node(self, depth: int = 2) -> str:
        parts = ["id"] if self.chance(0.7) else ["__typename"]
        for name in self.rng.sample(
            [
                "Agreement",
                "CitizenPromise",
                "Commitment",
                "FollowUp",
                "Municipality",
                "County",
                "PoliceUnit",
                "Organisation",
                "Contact",
                "ServiceAgreement",
            ],
            3,
        ):
            object_type = self.schema.get_type(name)
            assert isinstance(object_type, GraphQLObjectType)
            # Each type's fields under their own names: fields of one name must agree across types.
            parts.append(f"... on {name} {{ {self.selection(object_type, depth, prefix=name + '_')} }}")
        return " ".join(parts)

    def selection(self, object_type: GraphQLObjectType, depth: int, prefix: str = "") -> str:
        shape = self.types.get(object_type.name)
        if shape is None:  # a group's coordinates (DimensionValue, Group): declared per dimension
            return " ".join(self.rng.sample(list(object_type.fields), self.rng.randint(1, len(object_type.fields))))
        names = [name for name in shape.fields if name in object_type.fields]
        leaves = [
            name
            for name in names
            if not isinstance(shape.fields[name], Related | Nested | Group | Derived | Elements | NodeRef)
        ]
        chosen = self.rng.sample(names, min(len(names), self.rng.randint(1, 4)))
        if depth <= 0:
            chosen = [name for name in chosen if name in leaves] or [self.pick(leaves)]
        # A link's target is a lookup per Node type, a large statement for each new document to
        # plan (16 ms more on PostgreSQL): asked for now and then, not at every link.
        chosen = [name for name in chosen if not isinstance(shape.fields[name], NodeRef) or self.chance(0.15)]
        chosen = chosen or [self.pick(leaves)]
        parts = [self.field(object_type, name, depth, prefix) for name in chosen]
        # Extras repeat a field without arguments: a repeated field must ask the same.
        plain = [name for name in leaves if not isinstance(shape.fields[name], Text | ElementText)] or leaves
        if prefix:
            return " ".join(parts)
        if self.chance(0.1):
            parts.append("__typename")
        if self.chance(0.1):
            parts.append(f"... on {object_type.name} {{ {self.field(object_type, self.pick(plain), 0, plain=True)} }}")
        if self.chance(0.1):
            fragment = f"F{len(self.fragments)}"
            repeated = self.field(object_type, self.pick(plain), 0, plain=True)
            self.fragments.append(f"fragment {fragment} on {object_type.name} {{ {repeated} }}")
            parts.append(f"...{fragment}")
        return " ".join(parts)

    def field(
        self, object_type: GraphQLObjectType, name: str, depth: int, prefix: str = "", plain: bool = False
    ) -> str:
        declared = self.types[object_type.name].fields[name]
        definition = object_type.fields[name]
        samples = self.samples
        alias = f"{name}{self.rng.randint(1, 9)}: " if self.chance(0.15) and not plain else ""
        if prefix:
            alias = f"{prefix}{alias.rstrip(': ') or name}: "
        directive = ""
        if self.chance(0.1) and not plain:
            condition = self.variable("Boolean!", lambda rng: rng.random() < 0.5)
            directive = f" @{self.pick(['include', 'skip'])}(if: {condition})"
        arguments = ""
        if isinstance(declared, Text | ElementText) and self.chance(0.6):
            # Every format is a stored column (models/rendered.py), asked for as a variable.
            text_format = self.argument(definition.args["format"], _maybe(["MARKDOWN", "HTML", "PLAIN"]))
            arguments = f"(format: {text_format})"
        if isinstance(declared, Related) and declared.arguments is not None and self.chance(0.5):
            draws: dict[str, Draw] = {
                "activeOn": _maybe(samples.dates),
                "year": _maybe(samples.years),
                "actor": _maybe(["KOMMUN", "POLIS", "TILLSAMMANS"]),
            }
            given = [
                f"{argument}: {self.argument(definition.args[argument], draw)}"
                for argument, draw in draws.items()
                if argument in definition.args
            ]
            arguments = f"({', '.join(given)})" if given else ""
        if isinstance(declared, Derived):  # coverage's missing municipalities: of a kind, always given
            kinds = ["AGREEMENT", "CITIZEN_PROMISE", "FOLLOW_UP"]
            arguments = f"(kind: {self.argument(definition.args['kind'], lambda rng: rng.choice(kinds))})"
        head = f"{alias}{name}{arguments}{directive}"
        if isinstance(declared, Value | Text | ElementText | GlobalId | Values):
            return head
        if isinstance(declared, NodeRef):  # any Node: its fields' leaves, by type
            return f"{head} {{ {self.node(0)} }}"
        target = get_named_type(definition.type)
        assert isinstance(target, GraphQLObjectType) and not isinstance(target, GraphQLEnumType)
        return f"{head} {{ {self.selection(target, depth - 1)} }}"


class _Asked(Visitor):
    def __init__(self, type_info: TypeInfo, found: set[tuple[str, str]]) -> None:
        super().__init__()
        self.type_info = type_info
        self.found = found

    def enter_field(self, node: FieldNode, *_: object) -> None:
        parent = self.type_info.get_parent_type()
        if parent is not None:
            self.found.add((parent.name, node.name.value))


def fields_asked(schema: GraphQLSchema, text: str) -> set[tuple[str, str]]:
    """The (type, field) pairs a document asks for, fragments' type conditions included."""
    found: set[tuple[str, str]] = set()
    type_info = TypeInfo(schema)
    visit(parse(text), TypeInfoVisitor(type_info, _Asked(type_info, found)))
    return found


def _maybe(values: list[Any]) -> Draw:
    """One of `values`, or now and then null (the argument not given)."""
    return lambda rng: None if rng.random() < 0.25 else rng.choice(values)


def _public_roots() -> list[str]:
    """The declared root fields every viewer reads."""
    return [name for name, root in registry.roots().items() if getattr(root, "admits", None) is None]
