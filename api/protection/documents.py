"""Parsed and validated documents, cached by their text, with every limit as a validation rule.

Clients send the same few documents over and over. Keying the caches by the query text (not by
the parsed tree, whose hash walks the whole tree) and keeping the validation rules the same
objects across requests makes a repeated document cost one dictionary lookup per step.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar

from graphql import ASTValidationRule, DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

K = TypeVar("K")
V = TypeVar("V")


class _Bounded(Generic[K, V]):
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

    def __init__(self, rules: Sequence[type[ASTValidationRule]], *, max_tokens: int, size: int) -> None:
        self.rules = tuple(rules)
        self.max_tokens = max_tokens
        self.parsed: _Bounded[str, DocumentNode] = _Bounded(size)
        self.validated: _Bounded[str, list[GraphQLError]] = _Bounded(size)

    def extension(self) -> SchemaExtension:
        return _CachedDocuments(self)


class _CachedDocuments(SchemaExtension):
    def __init__(self, cache: DocumentCache) -> None:
        super().__init__()
        self.cache = cache

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = (*context.validation_rules, *self.cache.rules)
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            document = self.cache.parsed.get(context.query)
            if document is None:
                document = parse(context.query, max_tokens=self.cache.max_tokens)
                self.cache.parsed.put(context.query, document)
            context.graphql_document = document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        key = context.query
        cached = self.cache.validated.get(key) if key is not None else None
        if cached is not None:
            context.pre_execution_errors = cached
        yield
        if cached is None and key is not None and context.pre_execution_errors is not None:
            self.cache.validated.put(key, context.pre_execution_errors)
