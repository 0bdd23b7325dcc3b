"""Random valid queries over the compiled part of the schema (api/compiled/), for comparing the
compiled path with the reference path (tests/test_compiled.py).

The queries are built from the declarations themselves (api/compiled/registry.py) and the
schema's types: root fields the domains declare and `node`, random subsets of the declared
fields down to a depth, with arguments, aliases, `__typename`, inline and named fragments and
`@include`/`@skip`. Lists stay short (`first` up to 5) so that answers stay small.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from graphql import FieldNode, GraphQLEnumType, GraphQLObjectType, GraphQLSchema, Visitor, get_named_type, parse, visit

from api.compiled import registry
from api.compiled.declare import GlobalId, Nested, Related, Text, Value, Values


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


class Corpus:
    def __init__(self, schema: GraphQLSchema, samples: Samples, seed: int) -> None:
        self.schema = schema
        self.samples = samples
        self.rng = random.Random(seed)
        self.types = registry.types()
        self.fragments: list[str] = []

    def query(self) -> str:
        """A document inside the protection limits (api/protection/): at most 30 aliases."""
        while True:
            self.fragments = []
            roots = [self.root() for _ in range(self.rng.randint(1, 3))]
            body = " ".join(f"r{index}: {root}" for index, root in enumerate(roots))
            text = "{ " + body + " } " + " ".join(self.fragments)
            aliases = _Aliases()
            visit(parse(text), aliases)
            if aliases.count <= 25:
                return text

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, values: list[str]) -> str:
        return self.rng.choice(values)

    def root(self) -> str:
        query_type = self.schema.query_type
        assert query_type is not None
        name = self.pick([*registry.roots(), "node", "node"])
        if name == "node":
            return f'node(id: "{self.pick(self.samples.ids)}") {{ {self.node()} }}'
        field_type = get_named_type(query_type.fields[name].type)
        assert isinstance(field_type, GraphQLObjectType)
        first = self.rng.randint(0, 5)
        date = self.pick(["2019-06-01", "2022-01-01", "2025-06-01"])
        year = self.pick(["2019", "2021", "2025", "2031"])
        if name == "municipality":
            return f'municipality(code: "{self.pick(self.samples.codes)}") {{ {self.selection(field_type, 3)} }}'
        if name in self.samples.slugs:
            return f'{name}(slug: "{self.pick(self.samples.slugs[name])}") {{ {self.selection(field_type, 3)} }}'
        filters = []
        if self.chance(0.3):
            filters.append(f'countyCode: "{self.pick(self.samples.counties)}"')
        if self.chance(0.2):
            filters.append(f'policeRegion: "{self.pick(self.samples.regions)}"')
        if name == "agreements" and self.chance(0.4):
            filters.append(f'activeOn: "{date}"')
        if name in {"citizenPromises", "commitments"} and self.chance(0.4):
            filters.append(f"year: {year}")
        if name == "commitments" and self.chance(0.3):
            filters.append(f"actor: {self.pick(['KOMMUN', 'POLIS', 'TILLSAMMANS'])}")
        if name == "commitments" and self.chance(0.2):
            filters.append(f'topic: "{self.pick(self.samples.topics)}"')
        if name == "municipalities":
            arguments = ", ".join(f.replace("countyCode", "countyCode") for f in filters if "countyCode" in f)
            arguments = f"first: {first}" + (f", {arguments}" if arguments else "")
        else:
            arguments = f"first: {first}" + (f", filter: {{ {', '.join(filters)} }}" if filters else "")
        return f"{name}({arguments}) {{ {self.connection(field_type)} }}"

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

    def node(self) -> str:
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
            parts.append(f"... on {name} {{ {self.selection(object_type, 2, prefix=name + '_')} }}")
        return " ".join(parts)

    def selection(self, object_type: GraphQLObjectType, depth: int, prefix: str = "") -> str:
        shape = self.types[object_type.name]
        names = [name for name in shape.fields if name in object_type.fields]
        leaves = [name for name in names if not isinstance(shape.fields[name], Related | Nested)]
        chosen = self.rng.sample(names, min(len(names), self.rng.randint(1, 4)))
        if depth <= 0:
            chosen = [name for name in chosen if name in leaves] or [self.pick(leaves)]
        parts = [self.field(object_type, name, depth, prefix) for name in chosen]
        # Extras repeat a field without arguments: a repeated field must ask the same.
        plain = [name for name in leaves if not isinstance(shape.fields[name], Text)] or leaves
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
        alias = f"{name}{self.rng.randint(1, 9)}: " if self.chance(0.15) and not plain else ""
        if prefix:
            alias = f"{prefix}{alias.rstrip(': ') or name}: "
        directive = ""
        if self.chance(0.1) and not plain:
            directive = f" @{self.pick(['include', 'skip'])}(if: {self.pick(['true', 'false'])})"
        arguments = ""
        if isinstance(declared, Text) and self.chance(0.3):
            arguments = "(format: MARKDOWN)"
        if isinstance(declared, Related) and declared.arguments is not None and self.chance(0.5):
            if "activeOn" in definition.args:
                arguments = f'(activeOn: "{self.pick(["2019-06-01", "2024-03-01", "2030-01-01"])}")'
            elif "year" in definition.args:
                arguments = f"(year: {self.pick(['2019', '2023', '2025'])})"
            elif "actor" in definition.args:
                arguments = f"(actor: {self.pick(['KOMMUN', 'POLIS', 'TILLSAMMANS'])})"
        head = f"{alias}{name}{arguments}{directive}"
        if isinstance(declared, Value | Text | GlobalId | Values):
            return head
        target = get_named_type(definition.type)
        assert isinstance(target, GraphQLObjectType) and not isinstance(target, GraphQLEnumType)
        return f"{head} {{ {self.selection(target, depth - 1)} }}"
