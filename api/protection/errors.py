"""Unexpected errors are logged with the request's id and shown as a short masked message."""

from __future__ import annotations

import logging

from graphql import GraphQLError

logger = logging.getLogger("samverkan.errors")


class ClientError(Exception):
    """An error caused by the request; its message is meant for the client."""


def is_expected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is None or isinstance(original, GraphQLError | ClientError)


def unexpected(request_id: str, error: GraphQLError | None = None) -> GraphQLError:
    """The short error shown in place of one we did not mean to show (at its place, if any)."""
    return GraphQLError(
        f"Unexpected error (request id {request_id}); it has been logged.",
        nodes=error.nodes if error else None,
        path=error.path if error else None,
        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    )


def mask_unexpected(errors: list[GraphQLError], request_id: str) -> list[GraphQLError]:
    """Errors meant for the client as they are; any other is logged and replaced by a short one."""
    masked = []
    for error in errors:
        if is_expected(error):
            masked.append(error)
            continue
        logger.error(
            "request %s: unexpected error at %s",
            request_id,
            ".".join(str(p) for p in error.path or []),
            exc_info=error.original_error,
        )
        masked.append(unexpected(request_id, error))
    return masked
