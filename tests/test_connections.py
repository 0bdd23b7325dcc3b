"""Connection hygiene of `samverkan serve` (a real uvicorn, timeouts set to 1 s): slow headers and
slow bodies are cut off, connections per worker are capped; request ids are validated; public
answers are cached as configured; the PostgreSQL pool size is a setting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.settings import Settings
from models.config import DEFAULT_POOL_SIZE, connection_config
from tests.conftest import ROOT, Database, make_client
from tests.servers import free_port, wait_until_up_blocking

QUERY = '{ municipality(code: "1471") { name } }'
TYPENAME = "{ __typename }"
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # HTTP behaviour: one database is enough


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """`samverkan serve` with 1 s timeouts and at most 3 connections, on a free loopback port.
    Its database does not matter here: nothing below reaches it."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path_factory.mktemp('connections') / 'unused.sqlite3'}",
        "SAMVERKAN_HEADER_TIMEOUT": "1",
        "SAMVERKAN_BODY_TIMEOUT": "1",
        "SAMVERKAN_CONNECTION_LIMIT": "3",
    }
    samverkan = str(Path(sys.executable).parent / "samverkan")
    process = subprocess.Popen(
        [samverkan, "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_until_up_blocking(f"http://127.0.0.1:{port}", "/healthz")
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _connect(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=10)  # a safety net only: the server closes first


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (raises on the 10 s net)."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def _drip(sock: socket.socket, data: bytes, pause: float) -> bool:
    """Send `data` a byte at a time; True when the server closed the connection before the end."""
    for byte in data:
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            return True
        time.sleep(pause)
    return False


def test_a_client_that_sends_nothing_is_disconnected(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        assert _read_until_closed(sock) == b""


def test_slow_headers_are_cut_off_with_408_even_when_bytes_keep_coming(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: samverkan.test\r\n")
        answer = _read_until_closed(sock)
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        assert answer.endswith(b"The request headers did not arrive in time.")
    with _connect(server) as sock:
        # A header line of 40 bytes at 0.1 s a byte would take 4 s; the server stops listening at 1 s.
        closed = _drip(sock, b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 40 + b"\r\n\r\n", 0.1)
        assert closed or _read_until_closed(sock).startswith(b"HTTP/1.1 408")


def test_the_header_deadline_starts_again_after_each_answer_on_a_kept_alive_connection(
    server: tuple[str, int],
) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: samverkan.test\r\n\r\n")
        first = b""
        while b'{"status":"ok"}' not in first:
            first += sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 OK")
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        assert _read_until_closed(sock).startswith(b"HTTP/1.1 408")


def test_a_slow_body_is_cut_off_with_408_and_the_connection_closed(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        body = b'{"query": "{ counties { code } }"}'
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: samverkan.test\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body[:10])
        )
        answer = _read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"connection: close" in answer.lower()
    assert answer.endswith(b"The request body did not arrive within 1 second.")


def test_a_whole_request_in_time_is_answered(server: tuple[str, int]) -> None:
    response = httpx.post(f"http://{server[0]}:{server[1]}/graphql", json={"query": TYPENAME})
    assert response.status_code == 200 and response.json() == {"data": {"__typename": "Query"}}


def test_past_the_connection_limit_requests_get_503_at_once(server: tuple[str, int]) -> None:
    url = f"http://{server[0]}:{server[1]}/healthz"
    idle = [_connect(server) for _ in range(3)]  # each is closed by the header deadline after 1 s
    try:
        time.sleep(0.05)  # the server accepts them
        crowded = httpx.get(url)
        assert crowded.status_code == 503
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.1)
    assert httpx.get(url).status_code == 200


@sqlite_only
async def test_a_safe_request_id_is_kept_and_anything_else_replaced(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    kept = await client.post("/graphql", json={"query": QUERY}, headers={"x-request-id": "trace-01.AB_c"})
    assert kept.headers["x-request-id"] == "trace-01.AB_c"
    for unsafe in (b"a" * 65, b"x y", b'id" forged=1', "åäö".encode(), b"\x1b[31mred", b""):
        response = await client.post("/graphql", json={"query": QUERY}, headers={b"x-request-id": unsafe})
        replaced = response.headers["x-request-id"]
        assert len(replaced) == 32 and int(replaced, 16) >= 0  # a fresh UUID
        assert not unsafe or unsafe.decode("latin-1") not in caplog.text


@sqlite_only
async def test_public_answers_are_cached_briefly_by_default_and_as_configured(seeded: Database) -> None:
    async with make_client() as client:
        response = await client.get("/graphql", params={"query": QUERY})
        assert response.headers["cache-control"] == "public, max-age=10"
    configured = Settings(cache_max_age=30, cache_stale_while_revalidate=120)
    async with make_client(configured) as client:
        response = await client.get("/graphql", params={"query": QUERY})
        assert response.headers["cache-control"] == "public, max-age=30, stale-while-revalidate=120"


def test_the_postgresql_pool_size_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgres://postgres@127.0.0.1:5432/samverkan"

    def maxsize(url: str) -> int:
        config = connection_config(url)
        assert isinstance(config, dict)
        return int(config["credentials"]["maxsize"])

    monkeypatch.delenv("SAMVERKAN_DB_POOL_SIZE", raising=False)
    assert maxsize(url) == DEFAULT_POOL_SIZE == 8
    monkeypatch.setenv("SAMVERKAN_DB_POOL_SIZE", "5")
    assert maxsize(url) == 5
    assert maxsize(url + "?maxsize=3") == 3  # the URL's own wins
