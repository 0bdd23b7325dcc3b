"""Connections under `samverkan serve`: read timeouts for headers and bodies, a cap per worker.

uvicorn reads without a deadline. Its only timer is keep-alive (armed after an answer, and
disarmed by any byte that arrives), so a client that connects and sends nothing, or sends a
header line every few seconds, or declares a body and trickles it, holds a connection and its
memory for as long as it likes; a few hundred such clients are all the connections a worker
has. Two deadlines, neither of which more bytes can postpone:

- headers (`SAMVERKAN_HEADER_TIMEOUT`, 10 s): from the moment a connection opens, or its previous
  answer is sent, the request line and every header must be in. A protocol class on top of
  uvicorn's own (httptools, or h11 without it) keeps the timer; when it fires the connection
  is closed, after `408 Request Timeout` if part of a request had come.
- body (`SAMVERKAN_BODY_TIMEOUT`, 30 s): from the headers, the whole body. The request's ASGI
  layer (api/http/guard.py) limits the app's waiting for body messages (`receive_within`); it
  answers 408 with `Connection: close`, which makes uvicorn close the connection.

And uvicorn's `limit_concurrency` (`SAMVERKAN_CONNECTION_LIMIT`, 200 per worker): past that many
open connections or running requests, new requests are answered 503 at once instead of waiting.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import math
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from api.settings import Settings

_TOO_LATE = b"The request headers did not arrive in time."
REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TOO_LATE), _TOO_LATE)
)


@functools.cache
def _header_timeout() -> float:
    return Settings.from_environment().header_timeout


class _HeaderDeadline:
    """Mixed into a uvicorn HTTP protocol: the request line and headers must arrive within the
    header timeout. A request is under way once the protocol has made a new request cycle."""

    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any
    _header_timer: asyncio.TimerHandle | None = None
    _cycle_before: Any = None
    _partial = False

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._await_headers()

    def data_received(self, data: bytes) -> None:
        self._partial = True
        super().data_received(data)  # type: ignore[misc]
        if self._header_timer is not None and self.cycle is not self._cycle_before:
            self._header_timer.cancel()
            self._header_timer = None

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
            self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().connection_lost(exc)  # type: ignore[misc]

    def _await_headers(self) -> None:
        timeout = _header_timeout()
        if self._header_timer is not None:
            self._header_timer.cancel()
        self._header_timer = None
        self._cycle_before, self._partial = self.cycle, False
        if timeout > 0:
            self._header_timer = self.loop.call_later(timeout, self._headers_too_late)

    def _headers_too_late(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        if self._partial:
            self.transport.write(REQUEST_TIMEOUT)
        self.transport.close()


class H11WithDeadlines(_HeaderDeadline, H11Protocol):  # type: ignore[misc]
    pass


if importlib.util.find_spec("httptools") is not None:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class HttpToolsWithDeadlines(_HeaderDeadline, HttpToolsProtocol):  # type: ignore[misc]
        pass

    PROTOCOL = "api.http.server:HttpToolsWithDeadlines"
else:  # pragma: no cover - uvicorn[standard] brings httptools
    PROTOCOL = "api.http.server:H11WithDeadlines"


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What `samverkan serve` gives uvicorn besides where to listen."""
    return {"http": PROTOCOL, "limit_concurrency": settings.connection_limit or None}


class BodyTimeout(Exception):
    """The request's body did not arrive within the body timeout."""


def receive_within(receive: Any, timeout: float) -> Any:
    """`receive`, raising BodyTimeout once `timeout` seconds have passed (from now) while the
    request's body has not all arrived. After the body only a disconnect can come: that is
    waited for as long as it takes. One timer per wait, as `asyncio.timeout_at` would set, with
    less of its machinery (it was 10 Python calls of a `node` request)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    body_done = False

    async def receive_in_time() -> Any:
        nonlocal body_done
        if body_done:
            return await receive()
        task = asyncio.current_task()
        assert task is not None
        cancelling = task.cancelling()
        expired = False

        def expire() -> None:
            nonlocal expired
            expired = True
            task.cancel()

        timer = loop.call_at(deadline, expire)
        try:
            message = await receive()
        except asyncio.CancelledError:
            if expired and task.uncancel() <= cancelling:
                raise BodyTimeout from None
            raise
        finally:
            timer.cancel()
        if message["type"] != "http.request" or not message.get("more_body", False):
            body_done = True
        return message

    return receive_in_time


def request_timeout(timeout: float) -> list[dict[str, Any]]:
    """The ASGI messages of the answer to a body that did not arrive in time: 408 and
    `Connection: close`, which makes uvicorn close the connection."""
    body = f"The request body did not arrive within {_seconds(timeout)}.".encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    return [
        {"type": "http.response.start", "status": 408, "headers": headers},
        {"type": "http.response.body", "body": body},
    ]


def _seconds(value: float) -> str:
    return f"{value:g} second{'s' if not math.isclose(value, 1) else ''}"
