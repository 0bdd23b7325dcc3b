"""While the database cannot be used, every request says so: 503, a JSON GraphQL error, Retry-After.

Without this an outage looked like success or like a bug: queries answered 200 with a masked
"Unexpected error", requests with a token a text/plain 500 (the token look-up's
ConnectionRefusedError), a server on an unmigrated database "Unexpected error" for everything.
Whatever raises (a resolver through graphql-core, the token look-up, an export's first page)
is recognised by `models.availability.explain` and answered here, in one shape for every route.
Nothing is cached or retried: the next request tries the database again, so the API recovers
as soon as the database is back, without a restart.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

from api.http.request_id import request_id_for
from models.availability import DatabaseUnavailable, NotMigrated

logger = logging.getLogger("samverkan.database")

# Seconds a client should wait before trying again: a restarting PostgreSQL is back in a few;
# a database that needs migrating needs a person.
RETRY_AFTER = 5
RETRY_AFTER_NOT_MIGRATED = 30


def _body(unavailable: DatabaseUnavailable, request_id: str) -> bytes:
    error = {"message": unavailable.public, "extensions": {"code": unavailable.code, "requestId": request_id}}
    return orjson.dumps({"errors": [error]})


def _headers(unavailable: DatabaseUnavailable, request_id: str) -> list[tuple[bytes, bytes]]:
    retry = RETRY_AFTER_NOT_MIGRATED if isinstance(unavailable, NotMigrated) else RETRY_AFTER
    return [
        (b"content-type", b"application/json"),
        (b"retry-after", str(retry).encode()),
        (b"cache-control", b"no-store"),
        (b"x-request-id", request_id.encode()),
    ]


class _WithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg, record.args = f"{record.getMessage()}: {record.exc_info[1]!r}", None
            record.exc_info = None
        return True


def quiet_driver_logs() -> None:
    """asyncpg's pool logs a traceback each time it fails to reconnect its idle connections
    while PostgreSQL is away ("Failed to restore the pool connection floor"); one line says it."""
    pool = logging.getLogger("asyncpg.pool")
    if not any(isinstance(existing, _WithoutTraceback) for existing in pool.filters):
        pool.addFilter(_WithoutTraceback())


def answer_unavailable(unavailable: DatabaseUnavailable, scope: Any) -> list[dict[str, Any]]:
    """The ASGI messages of the 503 for a request that met `unavailable`, which is logged. The
    request layer (api/http/guard.py) sends them for whatever escaped the app before its answer
    started."""
    request_id = scope.get("state", {}).get("request_id") or request_id_for(None)
    logger.warning("request %s %s: %s", request_id, scope["path"], unavailable)
    body = _body(unavailable, request_id)
    headers = [*_headers(unavailable, request_id), (b"content-length", str(len(body)).encode())]
    return [
        {"type": "http.response.start", "status": 503, "headers": headers},
        {"type": "http.response.body", "body": body},
    ]
