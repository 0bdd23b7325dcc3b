"""Previews: drafts and scheduled content for editorial tokens, asked for by the request header
`Samverkan-Preview: true` (honoured only with an editorial token; `preview_header` below) or,
deprecated for one release, by `preview: true` on a root query field (not on `node`: Relay
requires exactly `node(id: ID!): Node`).

The decision is made for the whole operation (any root field asking for it) before a loader
reads anything, so nested fields, `node` and totals follow the same visibility. A caller without
an editorial token who asks gets an error on that field and never drafts, on any path. What a
token's preview shows beyond published content is the scope rule's (`Context.visible_sql`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.annotation import StrawberryAnnotation
from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.field import StrawberryField

from api.context import Context

ARGUMENT = "preview"
# The request header that asks for a preview of the whole operation (api/http/graphql.py).
HEADER = "Samverkan-Preview"
DESCRIPTION = (
    "Show drafts and scheduled content too, in this whole operation. Needs an editorial token"
    " (Authorization: Bearer …) with the role editor, reviewer or admin. Published content shows as always;"
    " unpublished content only of items concerning a municipality in the token's scope (admins and reviewers"
    " without a scope: all)."
)


class PreviewArgument(FieldExtension):
    def apply(self, field: StrawberryField) -> None:
        if any(argument.python_name == ARGUMENT for argument in field.arguments):
            return  # the schema is built more than once per process (tests)
        field.arguments = [
            *field.arguments,
            StrawberryArgument(
                python_name=ARGUMENT,
                graphql_name=None,
                type_annotation=StrawberryAnnotation(bool),
                default=False,
                description=DESCRIPTION,
                deprecation_reason=f"Send the request header '{HEADER}: true' instead (one release more).",
            ),
        ]

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info[Context, Any], **kwargs: Any) -> Any:
        _enter(info, bool(kwargs.pop(ARGUMENT, False)))
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Context, Any], **kwargs: Any
    ) -> Any:
        _enter(info, bool(kwargs.pop(ARGUMENT, False)))
        result = next_(source, info, **kwargs)
        return await result if isawaitable(result) else result


def _enter(info: Info[Context, Any], asked: bool) -> None:
    context = info.context
    if asked and not context.viewer.can_preview:
        raise GraphQLError(
            "preview: true needs an editorial token (role editor, reviewer or admin) in"
            " 'Authorization: Bearer <token>'; without one only published content is shown"
        )
    if context.viewer.can_preview and not context.preview and _operation_asks(info):
        context.preview = True


def _operation_asks(info: Info[Context, Any]) -> bool:
    fragments = info._raw_info.fragments
    variables = info.variable_values

    def asks(selection_set: SelectionSetNode | None, seen: frozenset[str]) -> bool:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                for argument in selection.arguments or ():
                    if argument.name.value != ARGUMENT:
                        continue
                    value = argument.value
                    if isinstance(value, BooleanValueNode) and value.value:
                        return True
                    if isinstance(value, VariableNode) and variables.get(value.name.value) is True:
                        return True
            elif isinstance(selection, InlineFragmentNode):
                if asks(selection.selection_set, seen):
                    return True
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments and asks(fragments[name].selection_set, seen | {name}):
                    return True
        return False

    return asks(info.operation.selection_set, frozenset())


def add_preview_argument(query: type) -> type:
    """Give every root query field but `node` the (deprecated) `preview` argument: Relay needs
    exactly `node(id: ID!): Node`, and the request header says it for every field."""
    for field in query.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if field.python_name == "node":
            continue
        if not any(isinstance(extension, PreviewArgument) for extension in field.extensions):
            field.extensions.append(PreviewArgument())
    return query


def preview_header(value: str | None, can_preview: bool) -> bool:
    """Whether the request's `Samverkan-Preview` header asks for a preview it may have: "true"
    with an editorial token; without one the header is not honoured (published content only).
    Raises ValueError for a value other than true or false."""
    if value is None:
        return False
    text = value.strip().lower()
    if text not in {"true", "false"}:
        raise ValueError(f"The {HEADER} header is 'true' or 'false' (got '{value[:40]}').")
    return text == "true" and can_preview
