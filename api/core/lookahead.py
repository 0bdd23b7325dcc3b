"""Look-ahead: what a query asks of the items of a list, read from the selection under the
list's field, so the list's resolver can load it for all items at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection


def asks(selections: Sequence[Selection], name: str) -> bool:
    """Whether the field `name` (its GraphQL name) is selected, directly or through fragments."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == name:
                return True
        elif asks(selection.selections, name):
            return True
    return False


def below(selections: Sequence[Selection], path: str) -> list[Selection]:
    """The selections under the field at `path` (dotted GraphQL names), merged over every place
    the query selects it."""
    head, _, rest = path.partition(".")
    found: list[Selection] = []
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == head:
                found.extend(below(selection.selections, rest) if rest else selection.selections)
        else:
            found.extend(below(selection.selections, path))
    return found


def under(info: Info[Any, Any], path: str = "") -> list[Selection]:
    """The selections under the field being resolved, and under `path` below it."""
    own = [selection for field in info.selected_fields for selection in field.selections]
    return below(own, path) if path else own


def arguments(selections: Sequence[Selection], name: str) -> list[dict[str, Any]]:
    """The arguments of every selection of the field `name`, variables filled in."""
    found: list[dict[str, Any]] = []
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == name:
                found.append(selection.arguments)
        else:
            found.extend(arguments(selection.selections, name))
    return found
