"""Parsed and validated documents, cached by their text, with every limit checked before
graphql-core's own validation.

Clients send the same few documents over and over. Keying the cache by the query text (not by
the parsed tree, whose hash walks the whole tree) and keeping the validation rules the same
objects across requests makes a repeated document cost one dictionary lookup.

A new document is parsed (at most `max_tokens` tokens), measured against the query limits
(api/protection/limits.py, linear in the document) and only then validated by graphql-core, so
a document the limits refuse never reaches rules whose work can grow faster than the document.
One of them does: OverlappingFieldsCanBeMergedRule compares fields of the same response name
pairwise, so 400 copies of `counties { code }` took 0.8-1.2 s and the largest document the token
limit admits about 2 s. graphql-core meters that work with a budget; it is set here from
`max_field_comparisons` (10,000 comparisons: at most about 50 ms on the development machine,
while every contract query needs fewer than 30) and its refusal says what it means.
Everything else in parsing and validation is linear in the document, bounded by `max_tokens`.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import OverlappingFieldsCanBeMergedRule, ValidationContext
from graphql.validation.validate import ValidationAbortedError
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from api.protection.limits import DocumentLimits

K = TypeVar("K")
V = TypeVar("V")

logger = logging.getLogger("samverkan.protection")


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


@dataclass(frozen=True)
class Prepared:
    """A document (None if it does not parse), its errors, and each operation's estimated cost."""

    document: DocumentNode | None
    errors: list[GraphQLError]
    costs: dict[str | None, int] = field(default_factory=dict)
    # The operations found by name (None: the only one), as `get_operation_ast` finds them.
    operations: dict[str | None, OperationDefinitionNode] = field(default_factory=dict)

    def cost(self, operation_name: str | None) -> int:
        return self.costs.get(operation_name, 0)

    def operation(self, operation_name: str | None) -> OperationDefinitionNode | None:
        """The operation a request names; kept only when found, so names that are not in the
        document cost no memory."""
        found = self.operations.get(operation_name)
        if found is None and self.document is not None:
            found = get_operation_ast(self.document, operation_name)
            if found is not None:
                self.operations[operation_name] = found
        return found


def bounded_merging_rule(comparisons: int) -> type[ASTValidationRule]:
    """graphql-core's OverlappingFieldsCanBeMergedRule with a budget of `comparisons` field
    comparisons (graphql-core counts two units for each) instead of its default 250,000."""

    class BoundedOverlappingFieldsRule(OverlappingFieldsCanBeMergedRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.rule_context.remaining_complexity_budget = 2 * comparisons

        def enter_selection_set(self, *args: Any) -> None:
            try:
                super().enter_selection_set(*args)
            except ValidationAbortedError:
                if self.rule_context.remaining_complexity_budget >= 0:
                    raise
                raise ValidationAbortedError(
                    f"The document repeats fields of the same name too often to check that they can be"
                    f" merged (more than {comparisons:,} comparisons): select each field once, or spread"
                    " fewer fragments side by side."
                ) from None

    return BoundedOverlappingFieldsRule


class DocumentCache:
    """One per schema: its rules and caches live as long as the schema does."""

    def __init__(
        self,
        schema: GraphQLSchema,
        rules: Sequence[type[ASTValidationRule]],
        *,
        limits: DocumentLimits,
        max_tokens: int,
        max_field_comparisons: int,
        size: int,
        suggestions: bool,
    ) -> None:
        self.schema = schema
        self.limits = limits
        self.suggestions = suggestions
        merging = bounded_merging_rule(max_field_comparisons)
        core = [merging if rule is OverlappingFieldsCanBeMergedRule else rule for rule in specified_rules]
        # graphql-core's rules, the two strawberry adds for its own input types, then ours.
        self.rules = (*core, MaybeNullValidationRule, OneOfInputValidationRule, *rules)
        self.max_tokens = max_tokens
        self.prepared: Bounded[str, Prepared] = Bounded(size)

    def prepare(self, query: str) -> Prepared:
        """The parsed document, its errors (a syntax error, the limits it exceeds, or graphql-core's
        validation errors) and its operations' costs; cached by the query text."""
        prepared = self.prepared.get(query)
        if prepared is None:
            prepared = self._prepare(query)
            self.prepared.put(query, prepared)
        return prepared

    def _prepare(self, query: str) -> Prepared:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError as error:
            return Prepared(None, [error])
        analysis = self.limits.check(document)
        if analysis.errors:
            return Prepared(document, analysis.errors, analysis.costs)
        try:
            errors = validate(self.schema, document, self.rules)
        except GraphQLError as error:  # a rule that reports errors while it is set up
            errors = [error]
        if not self.suggestions:
            for problem in errors:
                # "Cannot query field 'x' on type 'Y'. Did you mean 'z'?" reveals the schema.
                problem.message = problem.message.split(" Did you mean")[0]
        return Prepared(document, errors, analysis.costs)
