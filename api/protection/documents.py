"""Parsed and validated documents, cached by their text, with every limit as a validation rule.

Clients send the same few documents over and over. Keying the caches by the query text (not by
the parsed tree, whose hash walks the whole tree) and keeping the validation rules the same
objects across requests makes a repeated document cost one dictionary lookup per step.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Generic, TypeVar

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules, validate
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

K = TypeVar("K")
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """A least-recently-used map with a fixed size, so unique queries cannot grow memory."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


class DocumentCache:
    """One per schema: its rules and caches live as long as the schema does."""

    def __init__(
        self,
        schema: GraphQLSchema,
        rules: Sequence[type[ASTValidationRule]],
        *,
        max_tokens: int,
        size: int,
        suggestions: bool,
    ) -> None:
        self.schema = schema
        self.suggestions = suggestions
        # graphql-core's rules, the two strawberry adds for its own input types, then ours.
        self.rules = (*specified_rules, MaybeNullValidationRule, OneOfInputValidationRule, *rules)
        self.max_tokens = max_tokens
        self.parsed: Bounded[str, DocumentNode] = Bounded(size)
        self.validated: Bounded[str, list[GraphQLError]] = Bounded(size)

    def prepare(self, query: str) -> tuple[DocumentNode | None, list[GraphQLError]]:
        """The parsed document and its validation errors; (None, [syntax error]) if it does not parse."""
        document = self.parsed.get(query)
        if document is None:
            try:
                document = parse(query, max_tokens=self.max_tokens)
            except GraphQLError as error:
                return None, [error]
            self.parsed.put(query, document)
        errors = self.validated.get(query)
        if errors is None:
            errors = validate(self.schema, document, self.rules)
            if not self.suggestions:
                for problem in errors:
                    # "Cannot query field 'x' on type 'Y'. Did you mean 'z'?" reveals the schema.
                    problem.message = problem.message.split(" Did you mean")[0]
            self.validated.put(query, errors)
        return document, errors
