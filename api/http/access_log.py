"""One log line per request: method, path, status, time taken and the request id.

A request whose client went away before its answer (api/http/disconnect.py) has no status: its
line says "client disconnected" instead, and nothing else is logged of it (it is not an error of
ours, and there is nobody to send a 500 to).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from api.http.disconnect import ClientDisconnected

logger = logging.getLogger("samverkan.access")


class AccessLogMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = "500"
        request_id = "-"

        async def send_and_note(message: Any) -> None:
            nonlocal status, request_id
            if message["type"] == "http.response.start":
                status = str(message["status"])
                for name, value in message.get("headers", []):
                    if name == b"x-request-id":
                        request_id = value.decode("latin-1")
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        except ClientDisconnected:
            status = "client disconnected"
            request_id = str(scope.get("state", {}).get("request_id", request_id))
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            logger.info(
                '%s "%s %s" %s %.1fms request_id=%s',
                scope.get("client", ("-",))[0] if scope.get("client") else "-",
                scope["method"],
                scope["path"],
                status,
                elapsed,
                request_id,
            )
