"""The one ASGI layer around every HTTP request: its access line, 503 while the database is away,
and the deadline of its body.

- The access line (api/http/access_log.py): method, path, status, time taken, request id; "client
  disconnected" instead of a status when the client left first (api/http/disconnect.py).
- An error escaping the app that means the database is not there, before the answer started,
  is answered 503 (api/http/unavailable.py); any other error goes on to the server.
- The app waits for the request body at most the body timeout after the headers, in all; then it
  is answered 408 (api/http/server.py).

These were three middlewares, each a coroutine level of its own with its own `send` wrapper that
every response message went through: 15 of the 428 Python calls of a `node` request. One layer
with one wrapper does the same work.
"""

from __future__ import annotations

import time
from typing import Any

from api.http.access_log import AccessLog
from api.http.disconnect import ClientDisconnected
from api.http.server import BodyTimeout, receive_within, request_timeout
from api.http.unavailable import answer_unavailable
from models.availability import explain


class RequestGuard:
    def __init__(self, app: Any, *, body_timeout: float, access: AccessLog | None = None) -> None:
        self.app = app
        self.body_timeout = body_timeout
        self.access = access or AccessLog()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status = "500"
        request_id = "-"
        started = False

        async def send_noting(message: Any) -> None:
            nonlocal status, request_id, started
            if message["type"] == "http.response.start":
                started = True
                status = str(message["status"])
                for name, value in message.get("headers", ()):
                    if name == b"x-request-id":
                        request_id = value.decode("latin-1")
            await send(message)

        try:
            try:
                await self.app(
                    scope, receive_within(receive, self.body_timeout) if self.body_timeout > 0 else receive, send_noting
                )
            except ClientDisconnected:
                raise
            except BodyTimeout:
                if started:
                    raise
                for message in request_timeout(self.body_timeout):
                    await send_noting(message)
            except Exception as error:
                unavailable = await explain(error)
                if unavailable is None or started:
                    raise  # a bug, or an answer already under way (a streamed export): the server aborts it
                for message in answer_unavailable(unavailable, scope):
                    await send_noting(message)
        except ClientDisconnected:
            status = "client disconnected"
            request_id = str(scope.get("state", {}).get("request_id", request_id))
        finally:
            client = scope.get("client")
            self.access.write(
                client[0] if client else "-",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - began) * 1000,
                request_id,
            )
