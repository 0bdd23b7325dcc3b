"""Unexpected errors are logged with the request's id and shown as a short masked message."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

logger = logging.getLogger("samverkan.errors")


class ClientError(Exception):
    """An error caused by the request; its message is meant for the client."""


def is_expected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is None or isinstance(original, GraphQLError | ClientError)


class MaskUnexpectedErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None) or "-"
        masked = []
        for error in result.errors:
            if is_expected(error):
                masked.append(error)
                continue
            logger.error(
                "request %s: unexpected error at %s",
                request_id,
                ".".join(str(p) for p in error.path or []),
                exc_info=error.original_error,
            )
            masked.append(
                GraphQLError(
                    f"Unexpected error (request id {request_id}); it has been logged.",
                    nodes=error.nodes,
                    path=error.path,
                    extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                )
            )
        result.errors = masked
