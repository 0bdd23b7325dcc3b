"""Fixtures for tests on both databases.

Each run (each pytest-xdist worker) migrates one SQLite file and one PostgreSQL database once
(created for the run, dropped after it) and seeds a copy of each. Reading tests share the seeded
ones; writing tests get a fresh copy of them (`fresh`), and tests that need a migrated database
without content a copy of the migrated one (`empty`, `registry.migrated`). Copies, not
migrations: `samverkan migrate` of an empty database costs about 1.5 s of CPU (Tortoise replays
every operation's model state, 152 operations; models/database.py), a copy a few milliseconds
(SQLite: the file; PostgreSQL: CREATE DATABASE … TEMPLATE). A test's own copy is dropped when the
test ends, in a thread beside the next tests (`_Registry.release`). Without a reachable
PostgreSQL its tests skip, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import pytest_asyncio

from api.app import create_app
from api.settings import Settings
from models.database import (
    close_database,
    create_postgres_database,
    drop_postgres_database,
    migrate,
    open_database,
    with_database_name,
)
from seed.load import known_data, load_bundle
from seed.validate import read_files, seed_files, validate_documents
from tests import country
from tests.differential import Differential

ROOT = Path(__file__).resolve().parent.parent
SEED_CONTENT = ROOT / "seed" / "content"
SHARED = ROOT.parent / "shared"
POSTGRES_SERVER = os.environ.get("SAMVERKAN_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
RUN_ID = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
BACKENDS = ["sqlite", "postgres"]


@dataclass
class Database:
    backend: str
    url: str


async def _postgres_reachable() -> str | None:
    import asyncpg

    try:
        connection = await asyncpg.connect("postgresql://" + POSTGRES_SERVER.split("://", 1)[1], timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        return str(error)
    await connection.close()
    return None


async def load_seed_content(path: Path = SEED_CONTENT) -> None:
    parsed, problems = read_files(seed_files(path), base=ROOT)
    bundle, more = validate_documents(parsed, await known_data())
    assert not problems + more, [str(p) for p in problems + more]
    await load_bundle(bundle)


class _Registry:
    """Databases made during the run, dropped at its end."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.postgres: list[str] = []
        self.seeded: dict[str, Database] = {}
        self.templates: dict[str, Database] = {}
        self.postgres_problem: str | bool | None = False  # False: not checked yet
        self._released: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._dropper: threading.Thread | None = None

    async def require(self, backend: str) -> None:
        if backend != "postgres":
            return
        if self.postgres_problem is False:
            self.postgres_problem = await _postgres_reachable()
        if self.postgres_problem:
            message = f"PostgreSQL at {POSTGRES_SERVER} is not reachable: {self.postgres_problem}"
            if IN_CI:
                pytest.fail(message + " (CI=true: database tests must run on PostgreSQL too)")
            pytest.skip(message)

    async def empty(self, backend: str, label: str) -> Database:
        await self.require(backend)
        name = f"samverkan_test_{RUN_ID}_{label}_{uuid.uuid4().hex[:6]}"
        if backend == "sqlite":
            return Database("sqlite", f"sqlite://{self.tmp / (name + '.sqlite3')}")
        url = await create_postgres_database(POSTGRES_SERVER, name)
        self.postgres.append(name)
        return Database("postgres", url)

    async def migrated(self, backend: str, label: str) -> Database:
        """A private migrated database without content (reference data not loaded either)."""
        if backend not in self.templates:
            template = await self.empty(backend, "migrated")
            await migrate(template.url)
            self.templates[backend] = template
        return await self.copy(self.templates[backend], label)

    async def seeded_database(self, backend: str) -> Database:
        if backend not in self.seeded:
            database = await self.migrated(backend, "seeded")
            await open_database(database.url)
            try:
                await load_seed_content()
            finally:
                await close_database()
            self.seeded[backend] = database
        return self.seeded[backend]

    async def copy(self, source: Database, label: str) -> Database:
        name = f"samverkan_test_{RUN_ID}_{label}_{uuid.uuid4().hex[:6]}"
        if source.backend == "sqlite":
            target = self.tmp / (name + ".sqlite3")
            shutil.copyfile(source.url.removeprefix("sqlite://"), target)
            return Database("sqlite", f"sqlite://{target}")
        import asyncpg

        source_name = source.url.rsplit("/", 1)[1]
        connection = await asyncpg.connect("postgresql://" + POSTGRES_SERVER.split("://", 1)[1])
        try:
            await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source_name}"')
        finally:
            await connection.close()
        self.postgres.append(name)
        return Database("postgres", with_database_name(POSTGRES_SERVER, name))

    def release(self, database: Database) -> None:
        """A test's own copy is no longer needed: a PostgreSQL one is dropped now, in a thread of
        its own, while the next tests run. Each DROP DATABASE waits for a checkpoint of the whole
        server (0.3-4 s here), which at the run's end, for a worker's 70-odd copies, came after
        the last test (11-18 s even eight at a time); during the run it waits beside them."""
        if database.backend == "sqlite":
            Path(database.url.removeprefix("sqlite://")).unlink(missing_ok=True)
            return
        name = database.url.rsplit("/", 1)[1]
        self.postgres.remove(name)
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_released, daemon=True)
            self._dropper.start()
        self._released.put(name)

    def _drop_released(self) -> None:
        while (name := self._released.get()) is not None:
            try:
                asyncio.run(drop_postgres_database(POSTGRES_SERVER, name))
            except Exception:  # dropped again, with the rest, at the end
                self.postgres.append(name)

    async def drop_all(self) -> None:
        """Waits for the released databases, then drops every one of the run still there, eight at
        a time (drops waiting together share one checkpoint)."""
        if self._dropper is not None:
            self._released.put(None)
            await asyncio.to_thread(self._dropper.join)
        limit = asyncio.Semaphore(8)

        async def drop(name: str) -> None:
            async with limit:
                await drop_postgres_database(POSTGRES_SERVER, name)

        await asyncio.gather(*(drop(name) for name in self.postgres))


@pytest_asyncio.fixture(scope="session")
async def registry(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[_Registry]:
    registry = _Registry(tmp_path_factory.mktemp("databases"))
    yield registry
    await registry.drop_all()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--differential",
        choices=("on", "off"),
        default=os.environ.get("SAMVERKAN_TEST_DIFFERENTIAL", "on"),
        help="answer every query the compiled path answers along the reference path too, and compare"
        " (tests/differential.py; default on)",
    )


_DIFFERENTIAL = Differential()


@pytest.fixture(scope="session", autouse=True)
def differential(pytestconfig: pytest.Config) -> Iterator[Differential]:
    _DIFFERENTIAL.enabled = pytestconfig.getoption("differential") == "on"
    with pytest.MonkeyPatch.context() as patch:
        _DIFFERENTIAL.install(patch)
        yield _DIFFERENTIAL


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """A request of the test (or of its fixtures) that the compiled path answered differently
    from the reference path fails the test (tests/differential.py)."""
    try:
        result = yield
    finally:
        failures = list(_DIFFERENTIAL.failures)
        _DIFFERENTIAL.failures.clear()
    if failures:
        pytest.fail(
            f"{len(failures)} request(s) answered differently by the compiled and the reference path:\n\n"
            + "\n\n".join(failures[:3]),
            pytrace=False,
        )
    return result


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _DIFFERENTIAL.enabled and _DIFFERENTIAL.compared:
        terminalreporter.write_line(
            f"differential check: {_DIFFERENTIAL.compared} compiled answers compared with the reference path"
            f" in {_DIFFERENTIAL.seconds:.1f} s ({_DIFFERENTIAL.raced} raced a mutation and were not compared;"
            f" {', '.join(f'{kind} {count}' for kind, count in sorted(_DIFFERENTIAL.kinds.items()))})"
        )


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest_asyncio.fixture
async def seeded(registry: _Registry, backend: str) -> AsyncIterator[Database]:
    """The seed content, read-only: shared by every test of the run on that backend."""
    database = await registry.seeded_database(backend)
    await open_database(database.url)
    yield database
    await close_database()


@pytest_asyncio.fixture(scope="session")
async def country_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The whole country in SQLite (tests/country.py), built once and cached; read only."""
    return await country.country_database(tmp_path_factory.mktemp("country"))


@pytest_asyncio.fixture
async def fresh(registry: _Registry, backend: str) -> AsyncIterator[Database]:
    """A private copy of the seeded database, for tests that write."""
    source = await registry.seeded_database(backend)
    database = await registry.copy(source, "fresh")
    await open_database(database.url)
    yield database
    await close_database()
    registry.release(database)


@pytest_asyncio.fixture
async def empty(registry: _Registry, backend: str) -> AsyncIterator[Database]:
    """A migrated database without content (reference data not loaded either)."""
    database = await registry.migrated(backend, "empty")
    await open_database(database.url)
    yield database
    await close_database()
    registry.release(database)


def make_client(settings: Settings | None = None) -> httpx.AsyncClient:
    """The app in process. Without settings, rate limits are off: tests send hundreds of requests a
    second from one address (fuzzing, loops of mutations); tests/test_rates.py tests the limits."""
    app = create_app(settings or Settings(rate_limits=False), manage_database=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://samverkan.test")


@pytest_asyncio.fixture
async def client(seeded: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as client:
        yield client


class QueryCounter(logging.Handler):
    """Counts SQL statements sent through Tortoise's connections (and models.sql's COPY)."""

    VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "COPY")

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().lstrip()
        if message.upper().startswith(self.VERBS):
            self.statements.append(message)


H = TypeVar("H", bound=logging.Handler)


@contextmanager
def capturing(logger_name: str, handler: H) -> Iterator[H]:
    """`handler` sees every record of that logger, DEBUG included, while the block runs."""
    logger = logging.getLogger(logger_name)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


@pytest.fixture
def sql_counter() -> Iterator[QueryCounter]:
    with capturing("tortoise.db_client", QueryCounter()) as counter:
        yield counter


async def graphql(client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST a document; assert HTTP 200 and no errors; return `data`."""
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]  # type: ignore[no-any-return]
