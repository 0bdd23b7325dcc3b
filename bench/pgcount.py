"""A PostgreSQL wire-protocol proxy that counts the statements clients execute.

pg_stat_statements needs a server restart to load, and the server is shared; counting Execute
('E') and simple Query ('Q') messages between client and server measures any client the same
way (asyncpg for Samverkan, node-postgres for PostGraphile).
"""

from __future__ import annotations

import asyncio
import struct
import threading

SSL_REQUEST = 80877103
GSS_REQUEST = 80877104


class StatementCounter:
    def __init__(self, upstream_port: int = 5432, host: str = "127.0.0.1") -> None:
        self.host = host
        self.upstream_port = upstream_port
        self.port = 0
        self.statements = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.Server | None = None

    def start(self) -> int:
        self._thread.start()
        self._ready.wait(10)
        return self.port

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._client, self.host, 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _client(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(self.host, self.upstream_port)
        backward = asyncio.ensure_future(_pipe(server_reader, client_writer))
        try:
            await self._forward(client_reader, server_writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            server_writer.close()
            backward.cancel()
            client_writer.close()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Startup messages have no type byte; an SSL or GSS request is followed by another one.
        while True:
            header = await reader.readexactly(8)
            length, code = struct.unpack("!ii", header)
            writer.write(header + await reader.readexactly(length - 8))
            await writer.drain()
            if code not in (SSL_REQUEST, GSS_REQUEST):
                break
        while True:
            kind = await reader.readexactly(1)
            raw_length = await reader.readexactly(4)
            (length,) = struct.unpack("!i", raw_length)
            writer.write(kind + raw_length + await reader.readexactly(length - 4))
            await writer.drain()
            if kind in (b"E", b"Q"):
                self.statements += 1


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()
