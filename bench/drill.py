"""`make drill`: break Samverkan the way machines break, and print what held.

Not part of `make test` (it takes a few minutes and a PostgreSQL cluster of its own):

(a) kill -9 of `samverkan seed load` of the whole-country content (bench/generate.py) at
    several points of its transaction, on SQLite and PostgreSQL: the database must then hold
    either nothing of the load or all of it (every table counted), SQLite's file must pass
    `PRAGMA integrity_check`, and the same load run again must complete.
(b) kill -9 of the server during a burst of concurrent writes (contact creations through the
    API with an admin token): after a restart every acknowledged write must be there, whole
    (the contact, its person, its municipality link, its revision), and every write that was
    not acknowledged must be there whole or not at all.
(c) PostgreSQL stopped (`pg_ctl stop -m immediate`) and started again under readers: how long
    until requests fail, what the failures look like, and how long until answers come back
    after PostgreSQL does.

PostgreSQL runs as a throwaway cluster (initdb into a temporary folder, a spare port on
127.0.0.1, run as the `postgres` OS user when the drill runs as root), never the machine's
shared server; it is removed at the end, also when the drill fails. Every request goes to
127.0.0.1; every loop is bounded in count and time. Figures go to bench/results/drill.json.

    python -m bench.drill [--parts abc]
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.generate import generate
from models.database import close_database, open_database

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "drill"
RESULTS = ROOT / "bench" / "results" / "drill.json"
SAMVERKAN = Path(sys.executable).parent / "samverkan"
PROGRESS = "  … "


def say(line: str = "") -> None:
    print(line, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---------------------------------------------------------------- a throwaway PostgreSQL


def _postgres_bin() -> Path:
    wanted = os.environ.get("PG_BIN")
    found = [wanted] if wanted else sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in found:
        if folder and (Path(folder) / "initdb").exists():
            return Path(folder)
    raise SystemExit("initdb not found (set PG_BIN to PostgreSQL's bin folder)")


class Cluster:
    """A PostgreSQL cluster in a temporary folder on a free port, removed by `remove`."""

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="samverkan-drill-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        command = [*self.as_user, str(self.bin / args[0]), *args[1:]]
        result = subprocess.run(command, cwd=self.folder, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")

    def start(self, wait: bool = True) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=60"
        log = str(self.folder / "log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w" if wait else "-W", "start")

    async def wait_accepting(self, within: float = 60) -> float:
        """Poll until PostgreSQL accepts a connection and answers; returns when it did."""
        import asyncpg

        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                connection = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", timeout=2)
            except (TimeoutError, OSError, asyncpg.PostgresError):
                await asyncio.sleep(0.01)
                continue
            await connection.close()
            return time.monotonic()
        raise RuntimeError(f"PostgreSQL did not come back within {within:.0f} s; see {self.folder / 'log'}")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        async def create() -> None:
            import asyncpg

            connection = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres")
            try:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await connection.execute(f'CREATE DATABASE "{name}"')
            finally:
                await connection.close()

        asyncio.run(create())
        return self.url(name)

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop("immediate")
            except RuntimeError as error:
                say(f"  (stopping the throwaway cluster: {error})")
        shutil.rmtree(self.folder, ignore_errors=True)


# ---------------------------------------------------------------- helpers


def samverkan(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(SAMVERKAN), *args], cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"samverkan {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def sqlite_database(name: str) -> str:
    path = WORK / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite://{path}"


def row_counts(url: str) -> dict[str, int]:
    """Rows in every table the models have, and in the search index."""
    from seed.backup import DERIVED_TABLES, tables

    async def count() -> dict[str, int]:
        await open_database(url)
        try:
            from tortoise import Tortoise

            client = Tortoise.get_connection("default")
            names = [table.name for table in tables()] + list(DERIVED_TABLES[:2])
            counts = {}
            for name in names:
                rows = await client.execute_query_dict(f'SELECT COUNT(*) AS n FROM "{name}"')
                counts[name] = int(rows[0]["n"])
            return counts
        finally:
            await close_database()

    return asyncio.run(count())


def sqlite_integrity(url: str) -> str:
    connection = sqlite3.connect(url.removeprefix("sqlite://"))
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


@dataclass
class Server:
    url: str  # the database
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, log: Path) -> None:
        # Rate limits off: the write burst comes from one address on purpose.
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WORKERS": "1",
            "SAMVERKAN_RATE_LIMITS": "false",
        }
        self.process = subprocess.Popen(
            [str(SAMVERKAN), "serve"],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {log}")
            try:
                if httpx.get(f"{self.endpoint}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not become ready; see {log}")

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def admin_token(url: str, name: str) -> str:
    return samverkan(url, "token", "create", "--role", "admin", "--name", name).stdout.strip().splitlines()[-1]


@contextmanager
def running(server: Server, log: Path) -> Iterator[Server]:
    server.start(log)
    try:
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------- (a) kill -9 during a load


def drill_load(backends: dict[str, Any], content: Path) -> dict[str, Any]:
    say("(a) kill -9 during `samverkan seed load` of the whole-country content")
    results: dict[str, Any] = {}
    for backend, make_url in backends.items():
        reference_url = make_url("load_full")
        samverkan(reference_url, "migrate")
        started = time.monotonic()
        full_run = samverkan(reference_url, "seed", "load", str(content))
        seconds = time.monotonic() - started
        progress_lines = sum(1 for line in full_run.stderr.splitlines() if line.startswith(PROGRESS))
        full = row_counts(reference_url)
        say(
            f"  {backend}: a whole load takes {seconds:.1f} s, writes {sum(full.values()):,} rows,"
            f" reports progress {progress_lines} times"
        )
        kills = []
        # Right after the first batch, half-way, and after the last batch (before the commit);
        # content too small to report progress is killed at a half and at nine tenths of the time.
        if progress_lines:
            targets: list[tuple[int, float]] = [(n, 0.0) for n in sorted({1, progress_lines // 2 or 1, progress_lines})]
        else:
            targets = [(0, seconds * 0.5), (0, seconds * 0.9)]
        for index, (line, at) in enumerate(targets):
            url = make_url(f"load_kill_{index}")
            samverkan(url, "migrate")
            before = row_counts(url)
            seen, elapsed = _kill_load(url, content, line, at)
            after = row_counts(url)
            state = "nothing" if after == before else "all" if after == full else "PARTIAL"
            integrity = sqlite_integrity(url) if backend == "sqlite" else "-"
            kills.append(
                {"after_progress_line": seen, "seconds": round(elapsed, 2), "found": state, "integrity": integrity}
            )
            point = f"progress line {seen}/{progress_lines}, " if line else ""
            say(
                f"  {backend}: killed at {point}{elapsed:.1f} s: the database holds {state} of the load"
                + (f"; integrity_check: {integrity}" if backend == "sqlite" else "")
            )
            last_url = url
        samverkan(last_url, "seed", "load", str(content))
        completed = row_counts(last_url) == full
        say(f"  {backend}: the same load run again after the kill: {'complete' if completed else 'INCOMPLETE'}")
        held = all(k["found"] in ("nothing", "all") and k["integrity"] in ("ok", "-") for k in kills) and completed
        results[backend] = {
            "load_seconds": round(seconds, 1),
            "rows": sum(full.values()),
            "kills": kills,
            "reload_complete": completed,
            "held": held,
        }
    return results


def _kill_load(url: str, content: Path, line: int, at: float) -> tuple[int, float]:
    """Start a load; kill -9 it when it has reported progress `line` times, or after `at` s."""
    started = time.monotonic()
    process = subprocess.Popen(
        [str(SAMVERKAN), "seed", "load", str(content)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr is not None
    seen = 0
    if line:
        for text in process.stderr:
            if text.startswith(PROGRESS):
                seen += 1
                if seen >= line:
                    break
    else:
        time.sleep(at)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(60)
    return seen, time.monotonic() - started


# ---------------------------------------------------------------- (b) kill -9 during writes

CREATE_CONTACT = """mutation($item: JSON!) { contactCreate(item: $item) { outcome ok slug revision } }"""


def _contact(number: int) -> dict[str, Any]:
    return {
        "slug": f"drill-kontakt-{number}",
        "status": "DRAFT",
        "role": "Kommunpolis",
        "name": f"Övningsperson {number}",
        "email": f"ovning{number}@polisen.se",
        "organisation": "lokalpolisomrade-vastra-skaraborg",
        "municipalities": ["1471"],
    }


async def _write_burst(server: Server, token: str, concurrency: int, kill_after: int) -> dict[str, set[int]]:
    """Concurrent contact creations; the server is killed once `kill_after` are acknowledged."""
    sent: set[int] = set()
    acknowledged: set[int] = set()
    refused: set[int] = set()
    numbers = iter(range(1, 100_000))
    deadline = time.monotonic() + 60
    killed = asyncio.Event()

    async def writer(client: httpx.AsyncClient) -> None:
        while not killed.is_set() and time.monotonic() < deadline:
            number = next(numbers)
            sent.add(number)
            try:
                response = await client.post(
                    "/graphql",
                    json={"query": CREATE_CONTACT, "variables": {"item": _contact(number)}},
                    headers={"Authorization": f"Bearer {token}"},
                )
            except httpx.HTTPError:
                return  # the server is gone: this write was not acknowledged
            body = response.json() if response.headers.get("content-type", "").startswith("application/") else {}
            payload = (body.get("data") or {}).get("contactCreate") or {}
            if response.status_code == 200 and payload.get("outcome") == "CREATED":
                acknowledged.add(number)
                if len(acknowledged) >= kill_after and not killed.is_set():
                    killed.set()
                    server.kill()
            else:
                refused.add(number)

    async with httpx.AsyncClient(base_url=server.endpoint, timeout=10) as client:
        await asyncio.gather(*(writer(client) for _ in range(concurrency)))
    return {"sent": sent, "acknowledged": acknowledged, "refused": refused}


def _contact_state(url: str, numbers: set[int]) -> dict[int, str]:
    """Each write as found: 'whole' (contact, person, link, revision 1), 'absent', or what is odd."""
    from models import Contact, ContactMunicipality, Person, Revision
    from seed.format import person_key

    async def look() -> dict[int, str]:
        await open_database(url)
        try:
            slugs = {f"drill-kontakt-{n}": n for n in numbers}
            contacts = {c.slug: c for c in await Contact.filter(slug__in=list(slugs))}
            linked = ContactMunicipality.filter(contact__slug__in=list(slugs)).values_list("contact__slug", flat=True)
            links: Counter[str] = Counter(str(slug) for slug in await linked)
            recorded = Revision.filter(item_type="contacts", item_slug__in=list(slugs)).values_list(
                "item_slug", flat=True
            )
            revisions: Counter[str] = Counter(str(slug) for slug in await recorded)
            keys = {person_key(f"Övningsperson {n}"): n for n in numbers}
            found = await Person.filter(key__in=list(keys)).values_list("key", flat=True)
            people = {keys[str(key)] for key in found}
            states = {}
            for slug, number in slugs.items():
                parts = (slug in contacts, number in people, links[slug] == 1, revisions[slug] == 1)
                states[number] = "whole" if all(parts) else "absent" if not any(parts) else f"PARTIAL {parts}"
            return states
        finally:
            await close_database()

    return asyncio.run(look())


def drill_writes(backends: dict[str, Any]) -> dict[str, Any]:
    say("(b) kill -9 of the server during a burst of concurrent writes (admin token, contactCreate)")
    results: dict[str, Any] = {}
    for backend, make_url in backends.items():
        url = make_url("writes")
        samverkan(url, "migrate")
        samverkan(url, "seed", "load")
        token = admin_token(url, "drill-admin")
        server = Server(url)
        log = WORK / f"server-writes-{backend}.log"
        server.start(log)
        try:
            burst = asyncio.run(_write_burst(server, token, concurrency=16, kill_after=150))
        finally:
            server.stop()
        unacknowledged = burst["sent"] - burst["acknowledged"] - burst["refused"]
        with running(Server(url), log):
            states = _contact_state(url, burst["sent"])
        lost = sorted(n for n in burst["acknowledged"] if states[n] != "whole")
        partial = sorted(n for n, state in states.items() if state.startswith("PARTIAL"))
        in_flight = Counter(states[n] for n in unacknowledged)
        held = not lost and not partial
        results[backend] = {
            "sent": len(burst["sent"]),
            "acknowledged": len(burst["acknowledged"]),
            "refused": len(burst["refused"]),
            "unacknowledged": len(unacknowledged),
            "unacknowledged_found": dict(in_flight),
            "acknowledged_missing": lost,
            "partial": partial,
            "held": held,
        }
        say(
            f"  {backend}: {len(burst['sent'])} writes sent by 16 clients, {len(burst['acknowledged'])} acknowledged"
            f" before kill -9, {len(burst['refused'])} refused, {len(unacknowledged)} unanswered"
        )
        say(
            f"  {backend}: after the restart: acknowledged and present whole"
            f" {len(burst['acknowledged']) - len(lost)}/{len(burst['acknowledged'])};"
            f" unanswered ones found {dict(in_flight) or 'none'}; partly written: {len(partial)}"
        )
    return results


# ---------------------------------------------------------------- (c) PostgreSQL stop/start

READ = "{ municipalities(first: 20) { edges { node { code name } } } }"


@dataclass
class Sample:
    reader: str
    sent: float
    done: float
    outcome: str  # ok, or what the failure looked like
    detail: str = ""


async def _readers(
    server: Server, token: str, done: asyncio.Event, samples: list[Sample], concurrency: int = 3
) -> None:
    deadline = time.monotonic() + 120

    async def read(name: str, headers: dict[str, str], path: str) -> None:
        async with httpx.AsyncClient(base_url=server.endpoint, timeout=5) as client:
            for _ in range(100_000):
                if done.is_set() or time.monotonic() >= deadline:
                    return
                sent = time.monotonic()
                try:
                    if path == "/readyz":
                        response = await client.get(path)
                    else:
                        response = await client.post(path, json={"query": READ}, headers=headers)
                    outcome, detail = _outcome(response, path)
                except httpx.TimeoutException:
                    outcome, detail = "timeout (5 s)", ""
                except httpx.HTTPError as error:
                    outcome, detail = f"connection error ({type(error).__name__})", ""
                samples.append(Sample(name, sent, time.monotonic(), outcome, detail))
                await asyncio.sleep(0.02)

    bearer = {"Authorization": f"Bearer {token}"}
    tasks = [read(f"anonymous-{i}", {}, "/graphql") for i in range(concurrency)]
    tasks += [read(f"token-{i}", bearer, "/graphql") for i in range(concurrency)]
    tasks.append(read("readyz", {}, "/readyz"))
    await asyncio.gather(*tasks)


def _outcome(response: httpx.Response, path: str) -> tuple[str, str]:
    kind = response.headers.get("content-type", "").split(";")[0]
    text = response.text[:160]
    if path == "/readyz":
        return ("ok" if response.status_code == 200 else f"HTTP {response.status_code} {kind}"), text
    if response.status_code == 200 and kind.endswith("json"):
        body = response.json()
        if body.get("errors"):
            message = str(body["errors"][0].get("message", ""))
            return f"HTTP 200 with an error ({message.split(' (')[0]})", text
        return "ok", ""
    retry = response.headers.get("retry-after")
    return f"HTTP {response.status_code} {kind}" + (f", Retry-After {retry}" if retry else ""), text


def drill_outage(cluster: Cluster) -> dict[str, Any]:
    say("(c) PostgreSQL stopped (pg_ctl stop -m immediate) and started again under readers")
    url = cluster.create_database("outage")
    samverkan(url, "migrate")
    samverkan(url, "seed", "load")
    token = admin_token(url, "drill-reader")
    # Crash recovery replays the WAL written since the last checkpoint (here that would include
    # part (a)'s loads); a checkpoint first makes the recovery time this part's own.
    asyncio.run(_checkpoint(cluster))
    samples: list[Sample] = []
    marks: dict[str, float] = {}

    async def scenario(server: Server) -> None:
        done = asyncio.Event()
        readers = asyncio.create_task(_readers(server, token, done, samples))
        await asyncio.sleep(3)
        marks["stop"] = time.monotonic()
        await asyncio.to_thread(cluster.stop, "immediate")
        marks["stopped"] = time.monotonic()
        await asyncio.sleep(4)
        marks["start"] = time.monotonic()
        await asyncio.to_thread(cluster.start, False)  # returns at once; readiness is polled
        marks["started"] = await cluster.wait_accepting()
        # Read on until every reader has had ok answers for 3 s (at most 60 s).
        until = time.monotonic() + 60
        while time.monotonic() < until:
            await asyncio.sleep(0.5)
            recent = [s for s in samples if s.sent >= time.monotonic() - 3]
            if time.monotonic() - marks["started"] > 3 and recent and all(s.outcome == "ok" for s in recent):
                break
        done.set()
        await readers

    with running(Server(url), WORK / "server-outage.log") as server:
        asyncio.run(scenario(server))
    return _outage_figures(samples, marks)


async def _checkpoint(cluster: Cluster) -> None:
    import asyncpg

    connection = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres")
    try:
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()


def _outage_figures(samples: list[Sample], marks: dict[str, float]) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "pg_stop_seconds": round(marks["stopped"] - marks["stop"], 2),
        "pg_down_seconds": round(marks["start"] - marks["stopped"], 2),
        "pg_ready_after_start_seconds": round(marks["started"] - marks["start"], 2),
    }
    say(
        f"  pg_ctl stop -m immediate took {figures['pg_stop_seconds']:.2f} s; down for"
        f" {figures['pg_down_seconds']:.1f} s; after pg_ctl start PostgreSQL accepted connections in"
        f" {figures['pg_ready_after_start_seconds']:.2f} s (crash recovery)"
    )
    for kind in ("anonymous", "token", "readyz"):
        mine = [s for s in samples if s.reader.startswith(kind)]
        before = [s for s in mine if s.done < marks["stop"]]
        down = [s for s in mine if s.sent >= marks["stopped"] and s.done <= marks["start"]]
        first_failure = next((s for s in mine if s.done >= marks["stop"] and s.outcome != "ok"), None)
        first_back = next((s for s in mine if s.sent >= marks["start"] and s.outcome == "ok"), None)
        after_ready = [s for s in mine if s.sent >= marks["started"]]
        last_failure = max((s.done for s in mine if s.sent >= marks["started"] and s.outcome != "ok"), default=None)
        outcomes = Counter(s.outcome for s in down)
        slowest = max((s.done - s.sent for s in down), default=0.0)
        example = next((s.detail for s in down if s.outcome != "ok"), "")
        entry = {
            "requests_before": len(before),
            "ok_before": sum(1 for s in before if s.outcome == "ok"),
            "time_to_fail": round(first_failure.done - marks["stop"], 3) if first_failure else None,
            "while_down": dict(outcomes),
            "slowest_answer_while_down": round(slowest, 3),
            "example_while_down": example,
            "time_to_recover_after_start": round(first_back.done - marks["start"], 3) if first_back else None,
            "failures_after_ready": sum(1 for s in mine if s.sent >= marks["started"] and s.outcome != "ok"),
            "last_failure_after_ready": round(last_failure - marks["started"], 3) if last_failure else None,
        }
        figures[kind] = entry
        say(
            f"  {kind}: {entry['ok_before']}/{entry['requests_before']} ok before the stop;"
            f" first failed answer {entry['time_to_fail']} s after the stop;"
            f" while down: {dict(outcomes)} (slowest answer {slowest:.2f} s)"
        )
        if example:
            say(f"    e.g. {example!r}")
        failed = entry["failures_after_ready"]
        say(
            f"  {kind}: first ok answer {entry['time_to_recover_after_start']} s after pg_ctl start"
            f" (PostgreSQL itself: {figures['pg_ready_after_start_seconds']:.2f} s);"
            + (
                f" {failed} of {len(after_ready)} answers sent after PostgreSQL was up failed, the last"
                f" {entry['last_failure_after_ready']} s after"
                if failed
                else f" none of the {len(after_ready)} answers sent after PostgreSQL was up failed"
            )
        )
    return figures


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="abc", help="which parts to run (a, b, c)")
    parser.add_argument("--limit", type=int, default=None, help="municipalities of content for (a) (default all)")
    options = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    cluster = Cluster()
    result: dict[str, Any] = {"postgres": f"throwaway cluster on 127.0.0.1:{cluster.port} ({cluster.bin})"}
    try:
        say(f"throwaway PostgreSQL cluster: {cluster.folder}, port {cluster.port}")
        cluster.init()
        cluster.start()
        backends = {
            "sqlite": sqlite_database,
            "postgresql": lambda name: cluster.create_database(f"drill_{name}"),
        }
        if "a" in options.parts:
            content = WORK / "content"
            counts = generate(content, options.limit)
            say(f"generated {counts.files} files, {counts.commitments:,} commitments into {content}")
            result["load"] = drill_load(backends, content)
        if "b" in options.parts:
            result["writes"] = drill_writes(backends)
        if "c" in options.parts:
            result["outage"] = drill_outage(cluster)
    finally:
        cluster.remove()
        say(f"throwaway cluster removed ({cluster.folder} exists: {cluster.folder.exists()})")
    result["seconds"] = round(time.monotonic() - started, 1)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    held = [result[part][backend]["held"] for part in ("load", "writes") if part in result for backend in result[part]]
    say(
        f"drill done in {result['seconds']} s; figures in {RESULTS.relative_to(ROOT)};"
        f" all-or-nothing and acknowledged writes: {'held' if all(held) else 'FAILED'}"
    )
    if not all(held):
        sys.exit(1)


if __name__ == "__main__":
    main()
