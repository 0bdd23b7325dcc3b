"""The model's enums (models/enums.py) as GraphQL enums, with a description for every value.

The models and the seed format share those enums and know nothing of GraphQL, so the values'
descriptions cannot be written with `strawberry.enum_value` where the values are declared; they
are given here, beside the API's types, and must name every value exactly (a value added to a
model enum without a description fails at import, before the schema linter would)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=type[Enum])


def described_enum(cls: E, description: str, values: Mapping[str, str], name: str | None = None) -> E:
    """`strawberry.enum(cls)` with `values[member name]` as each value's description."""
    members = {member.name for member in cls}  # type: ignore[attr-defined]
    if members != set(values):
        raise TypeError(f"{cls.__name__}: describe exactly its values {sorted(members)}, not {sorted(values)}")
    wrapped = strawberry.enum(cls, name=name, description=description)
    for value in wrapped.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]
    return wrapped
