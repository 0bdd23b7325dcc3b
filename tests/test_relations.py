"""The reference path's reads come from the declarations (api/core/relations.py): every declared
relation has a statement, and every relation field of the schema is read through it. What they
answer is compared with the compiled path by the differential check and the generated corpus
(tests/test_compiled.py); these checks need no database."""

from __future__ import annotations

import inspect

from graphql import GraphQLInterfaceType, GraphQLObjectType
from strawberry.schema.schema_converter import GraphQLCoreConverter

from api.compiled import registry
from api.compiled.declare import Related, Table, Values
from api.core import relations
from api.core.loaders import BUILDERS
from api.core.relay import NODE_RESOLVERS
from api.schema import build_schema


def test_node_finds_and_builds_every_node_type_of_the_schema_without_a_list() -> None:
    schema = build_schema()._schema
    node = schema.get_type("Node")
    assert isinstance(node, GraphQLInterfaceType)
    names = sorted(object_type.name for object_type in schema.get_possible_types(node))
    assert sorted(NODE_RESOLVERS) == names
    assert all(name in BUILDERS and isinstance(registry.types()[name], Table) for name in names)


def test_every_declared_relation_has_a_reference_statement() -> None:
    build_schema()  # registers the row builders
    joined_on_parent = []
    for name, shape in registry.types().items():
        for field, declared in shape.fields.items():
            if not isinstance(declared, Related | Values):
                continue
            found = relations.relation(name, field)
            assert "{" not in found.source + found.matched + found.conditions + found.order, (name, field)
            if found.matched.startswith(f"{relations.ALIASES['p']}."):
                joined_on_parent.append(f"{name}.{field}")
                assert isinstance(shape, Table) and shape.table, (name, field)
            if isinstance(declared, Related):
                assert declared.target in BUILDERS, f"{declared.target} has no row builder"
                assert "{c}" not in relations.row_columns(declared.target, "x", found.table)
    # Only the joins that are not `X = {p}.column` read the parent's table.
    assert sorted(joined_on_parent) == [
        "PoliceUnit.municipalities",
        "Succession.citizenPromise",
        "Succession.commitment",
    ]


def test_every_relation_field_is_read_from_its_declaration() -> None:
    schema = build_schema()._schema
    for name, shape in registry.types().items():
        object_type = schema.get_type(name)
        assert isinstance(object_type, GraphQLObjectType), name
        for field, declared in shape.fields.items():
            if not isinstance(declared, Related | Values):
                continue
            strawberry_field = (object_type.fields[field].extensions or {})[GraphQLCoreConverter.DEFINITION_BACKREF]
            assert strawberry_field.base_resolver is not None, f"{name}.{field} has no resolver"
            source = inspect.getsource(strawberry_field.base_resolver.wrapped_func)
            assert f'related(info.context, "{name}", "{field}", self.row' in source, f"{name}.{field}"
