"""Unexpected errors are logged with the request's id and shown as a short masked message."""

from __future__ import annotations

import logging

from graphql import GraphQLError

from models.statement_timeout import is_statement_timeout

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


def timeout_error(
    limit: float | None, request_id: str, error: GraphQLError | None = None, original: Exception | None = None
) -> GraphQLError:
    """What the client sees of a statement stopped by the time limit (models/statement_timeout.py):
    its own doing or the server's load, so said plainly, with the limit, and logged as one line.

    The HTTP status stays 200 (for application/graphql-response+json too, with `data`): the
    request was valid and ran, and GraphQL over HTTP answers a field's error inside the response,
    where the other fields' data stays usable. A 504 would tell a proxy the server is gone."""
    path = (error.path if error else None) or []
    logger.warning("request %s: statement time limit reached at %s", request_id, ".".join(map(str, path)) or "-")
    within = f"the {limit:g} s limit" if limit else "the database's time limit"
    return GraphQLError(
        f"The query took longer than {within} and was stopped. Ask for less (fewer items, a narrower filter)"
        " or try again later.",
        nodes=error.nodes if error else None,
        path=error.path if error else None,
        original_error=original,
        extensions={"code": "TIMEOUT", "requestId": request_id},
    )


def mask_unexpected(
    errors: list[GraphQLError], request_id: str, statement_timeout: float | None = None
) -> list[GraphQLError]:
    """Errors meant for the client as they are; any other is logged and replaced by a short one."""
    masked = []
    for error in errors:
        if is_expected(error):
            masked.append(error)
            continue
        if is_statement_timeout(error.original_error):
            masked.append(timeout_error(statement_timeout, request_id, error))
            continue
        logger.error(
            "request %s: unexpected error at %s",
            request_id,
            ".".join(str(p) for p in error.path or []),
            exc_info=error.original_error,
        )
        masked.append(unexpected(request_id, error))
    return masked
