"""The schema documents itself: every type, field, argument, input field and enum value has a
description (GraphiQL's docs pane and generated clients show them). Checked twice: here over the
schema built from the code, naming each undocumented member, and by graphql-schema-linter's
description rules over the committed schema.graphql (npm, tests/schema/; `make test-tools`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from enum import StrEnum
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    build_schema,
)

from api.core.enums import described_enum
from api.schema import print_schema
from tests.conftest import IN_CI, ROOT

LINTER_DIR = ROOT / "tests" / "schema"
LINTER = LINTER_DIR / "node_modules" / "graphql-schema-linter" / "lib" / "cli.js"
RULES = [
    "types-have-descriptions",
    "fields-have-descriptions",
    "arguments-have-descriptions",
    "input-object-values-have-descriptions",
    "enum-values-have-descriptions",
    "defined-types-are-used",
]
BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def undocumented(sdl: str) -> list[str]:
    """Schema coordinates (Type, Type.field, Type.field(argument:), Enum.VALUE) without a description."""
    missing = []
    for name, named in build_schema(sdl).type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        missing += _members(named)
    return missing


def _members(named: GraphQLNamedType) -> list[str]:
    name = named.name
    missing = [] if named.description else [name]
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        for field_name, field in named.fields.items():
            missing += [] if field.description else [f"{name}.{field_name}"]
            missing += [f"{name}.{field_name}({arg}:)" for arg, value in field.args.items() if not value.description]
    elif isinstance(named, GraphQLInputObjectType):
        missing += [f"{name}.{field_name}" for field_name, field in named.fields.items() if not field.description]
    elif isinstance(named, GraphQLEnumType):
        missing += [f"{name}.{value_name}" for value_name, value in named.values.items() if not value.description]
    return missing


def test_every_type_field_argument_input_field_and_enum_value_of_the_schema_is_described() -> None:
    assert undocumented(print_schema()) == []


def test_the_check_names_each_member_without_a_description() -> None:
    sdl = '"""Root."""\ntype Query {\n  """Described."""\n  a(x: Int): E\n  b: Int\n}\n"""An enum."""\nenum E { ONE }\n'
    assert undocumented(sdl) == ["Query.a(x:)", "Query.b", "E.ONE"]


def test_a_model_enum_must_describe_exactly_its_values() -> None:
    class Colour(StrEnum):
        RED = "RED"
        BLUE = "BLUE"

    with pytest.raises(TypeError, match="BLUE"):
        described_enum(Colour, "A colour.", {"RED": "Red."})


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None or not LINTER.exists():
        reason = "node or the graphql-schema-linter npm package is missing (run `make test-tools`)"
        if IN_CI:
            pytest.fail(reason + " under CI=true")
        pytest.skip(reason)
    return subprocess.run(
        [node, str(LINTER), "--format", "json", "--rules", ",".join(RULES), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_graphql_schema_linter_description_rules_pass_on_schema_graphql() -> None:
    result = _lint(ROOT / "schema.graphql")
    report = json.loads(result.stdout)
    assert report["errors"] == [], [error["message"] for error in report["errors"]]
    assert result.returncode == 0, result.stderr


def test_graphql_schema_linter_reports_an_undescribed_field(tmp_path: Path) -> None:
    # The rules are named right and run: a schema with one gap fails them.
    schema = tmp_path / "gap.graphql"
    schema.write_text('"""Root."""\ntype Query {\n  """Described."""\n  a: Int\n  b: Int\n}\n', encoding="utf-8")
    result = _lint(schema)
    messages = [error["message"] for error in json.loads(result.stdout)["errors"]]
    assert result.returncode != 0
    assert len(messages) == 1 and "Query.b" in messages[0], messages
