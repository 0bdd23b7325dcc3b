"""A static cost estimate of a document, refused above a limit before anything runs.

Each field costs 1; a field returning a list multiplies what is selected under it by the page
size it asks for (`first`, or the default page size; a variable counts as the maximum), and a
plain list by a fixed factor.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
)

LIST_FACTOR = 5


def cost_rule(max_cost: int, default_page: int, max_page: int) -> type[ValidationRule]:
    class QueryCostRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragments = {
                d.name.value: d for d in context.document.definitions if isinstance(d, FragmentDefinitionNode)
            }

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            schema = self.context.schema
            root = {
                "query": schema.query_type,
                "mutation": schema.mutation_type,
                "subscription": schema.subscription_type,
            }[node.operation.value]
            if root is None:
                return
            cost = self._selection_cost(node.selection_set, root, set())
            if cost > max_cost:
                name = f" '{node.name.value}'" if node.name else ""
                self.report_error(
                    GraphQLError(
                        f"Query{name} is too expensive: estimated cost {cost:,} exceeds the limit of"
                        f" {max_cost:,}. Ask for smaller pages ('first') or fewer nested lists.",
                        node,
                    )
                )

        def _selection_cost(self, selection_set: SelectionSetNode | None, parent: Any, seen: set[str]) -> int:
            if selection_set is None:
                return 0
            total = 0
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    total += self._field_cost(selection, parent, seen)
                elif isinstance(selection, InlineFragmentNode):
                    condition = parent
                    if selection.type_condition is not None:
                        condition = self.context.schema.get_type(selection.type_condition.name.value) or parent
                    total += self._selection_cost(selection.selection_set, condition, seen)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None or name in seen:
                        continue  # unknown or cyclic fragments are other rules' errors
                    condition = self.context.schema.get_type(fragment.type_condition.name.value) or parent
                    total += self._selection_cost(fragment.selection_set, condition, seen | {name})
            return total

        def _field_cost(self, node: FieldNode, parent: Any, seen: set[str]) -> int:
            fields = getattr(parent, "fields", None)
            if not fields or node.name.value not in fields:
                return 1
            field = fields[node.name.value]
            child = get_named_type(field.type)
            inner = self._selection_cost(node.selection_set, child, seen)
            return 1 + self._multiplier(node, field.type) * inner

        def _multiplier(self, node: FieldNode, field_type: Any) -> int:
            arguments = {argument.name.value: argument.value for argument in node.arguments or ()}
            if "first" in arguments:
                value = arguments["first"]
                if not isinstance(value, IntValueNode):
                    return max_page
                if not 0 <= int(value.value) <= max_page:
                    self.report_error(
                        GraphQLError(
                            f"'first' must be between 0 and {max_page} (got {value.value}); page with 'after' for more",
                            node,
                        )
                    )
                return min(max(int(value.value), 0), max_page)
            named = get_named_type(field_type)
            if named is not None and named.name.endswith("Connection"):
                return default_page
            unwrapped = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
            return LIST_FACTOR if isinstance(unwrapped, GraphQLList) else 1

    return QueryCostRule
