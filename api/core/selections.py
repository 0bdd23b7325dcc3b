"""The fields a selection selects on one object type, merged by response key as graphql-core's
CollectFields does: fragments whose type condition applies to the type, each named fragment
once. Shared by the two executors that walk a document themselves (api/execution.py, planned
execution, and api/compiled/compiler.py, the SQL compiler); each says which selections it keeps
(`included`: the compiler applies @skip/@include, planned execution leaves any directive to
graphql-core) and which exception refuses what it leaves to another path (`refuse`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
)


def applies(schema: GraphQLSchema, condition: str, object_type: GraphQLObjectType) -> bool:
    """Whether a fragment with type condition `condition` applies to an object of `object_type`."""
    conditional = schema.get_type(condition)
    if conditional is object_type:
        return True
    if isinstance(conditional, GraphQLInterfaceType | GraphQLUnionType):
        return schema.is_sub_type(conditional, object_type)
    return False


def collect_fields(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    object_type: GraphQLObjectType,
    selection_sets: list[SelectionSetNode],
    *,
    included: Callable[[SelectionNode], bool],
    refuse: Callable[[str], Exception],
) -> dict[str, list[FieldNode]]:
    fields: dict[str, list[FieldNode]] = {}
    visited: set[str] = set()

    def visit(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if not included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or applies(schema, condition.name.value, object_type):
                    visit(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visited:
                    continue
                visited.add(name)
                fragment = fragments.get(name)
                if fragment is None or fragment.variable_definitions or getattr(selection, "arguments", None):
                    raise refuse("fragment variables")
                if applies(schema, fragment.type_condition.name.value, object_type):
                    visit(fragment.selection_set)

    for selection_set in selection_sets:
        visit(selection_set)
    return fields
