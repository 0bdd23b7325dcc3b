"""Look-ahead: what a query asks of the items of a list, read from the selection under the
list's field, so the list's resolver can load it for all items at once.

It reads the document's own syntax tree, through fragments, and names fields by their GraphQL
names. Strawberry's `info.selected_fields` would first copy the whole tree below the field,
with every argument and directive converted, which cost 6% of a municipality page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionNode
from strawberry.types import Info
from strawberry.types.nodes import convert_value


class Selections:
    """Selections under one or more fields (all the places a query selects them), with what is
    needed to follow fragments and fill in variables."""

    __slots__ = ("info", "nodes")

    def __init__(self, nodes: Sequence[SelectionNode], info: Any) -> None:
        self.nodes = nodes
        self.info = info  # graphql-core's resolve info: fragments and variables

    def __bool__(self) -> bool:
        return bool(self.nodes)

    def fields(self) -> Iterator[FieldNode]:
        """The fields selected here, fragments spread (each fragment once)."""
        seen: set[str] = set()

        def walk(nodes: Sequence[SelectionNode]) -> Iterator[FieldNode]:
            for node in nodes:
                if isinstance(node, FieldNode):
                    yield node
                elif isinstance(node, InlineFragmentNode):
                    yield from walk(node.selection_set.selections)
                elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                    seen.add(node.name.value)
                    fragment = self.info.fragments.get(node.name.value)
                    if fragment is not None:
                        yield from walk(fragment.selection_set.selections)

        return walk(self.nodes)


def asks(selections: Selections, name: str) -> bool:
    """Whether the field `name` (its GraphQL name) is selected, directly or through fragments."""
    return any(field.name.value == name for field in selections.fields())


def below(selections: Selections, path: str) -> Selections:
    """The selections under the field at `path` (dotted GraphQL names), merged over every place
    the query selects it."""
    head, _, rest = path.partition(".")
    found: list[SelectionNode] = []
    for field in selections.fields():
        if field.name.value == head and field.selection_set is not None:
            found.extend(field.selection_set.selections)
    under_head = Selections(found, selections.info)
    return below(under_head, rest) if rest else under_head


def under(info: Info[Any, Any], path: str = "") -> Selections:
    """The selections under the field being resolved, and under `path` below it."""
    raw = info._raw_info
    own = Selections(
        [selection for node in raw.field_nodes if node.selection_set for selection in node.selection_set.selections],
        raw,
    )
    return below(own, path) if path else own


def arguments(selections: Selections, name: str) -> list[dict[str, Any]]:
    """The arguments of every selection of the field `name`, variables filled in (a literal in
    the document comes as its text, as strawberry gives it)."""
    return [
        {argument.name.value: convert_value(selections.info, argument.value) for argument in field.arguments or ()}
        for field in selections.fields()
        if field.name.value == name
    ]
