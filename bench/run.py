"""The benchmark: Samverkan against PostGraphile 5 on the same data, rerunnable by anyone.

    python -m bench.run            # make bench: longer windows, more rounds, a profile
    python -m bench.run --quick    # make bench-quick: the same steps, short windows

Steps: generate seed files for 290 municipalities; load them with `samverkan seed load` into a
throwaway SQLite file and a throwaway PostgreSQL database (timed); start the servers; check
that Samverkan and PostGraphile return the same content; count SQL statements per request;
then load each server with wrk, interleaved, and take medians over rounds. The dashboard
contract documents (region-overview, search) are measured the same way on Samverkan alone
(PostgreSQL one worker, SQLite), with no ratio: PostGraphile has no equivalent of them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.generate import generate
from bench.pgcount import StatementCounter
from bench.queries import Dashboard, Query, build_dashboards, build_queries
from models.database import create_postgres_database, drop_postgres_database

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
RESULTS = BENCH / "results"
POSTGRAPHILE = BENCH / "postgraphile"
SAMVERKAN = ROOT / ".venv" / "bin" / "samverkan"
NODE = POSTGRAPHILE / "node_modules" / ".bin" / "node"
POSTGRES_SERVER = os.environ.get("SAMVERKAN_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE_NAME = f"samverkan_bench_{os.getpid()}"
CONNECTIONS = 16
# Two cores: wrk gets core 0, a one-process server core 1. PostgreSQL is a shared system
# service and is not pinned; two uvicorn workers need both cores and share core 0 with wrk.
LOAD_CPU = "0"
SERVER_CPU = "1"
BOTH_CPUS = "0,1"


@dataclass
class Settings:
    warmup: int
    window: int
    rounds: int
    profile: bool
    check_every: int  # compare every n-th variable set of each query


QUICK = Settings(warmup=1, window=3, rounds=3, profile=False, check_every=4)
FULL = Settings(warmup=3, window=10, rounds=5, profile=True, check_every=1)


@dataclass
class Server:
    name: str
    kind: str  # "samverkan" or "postgraphile"
    cpus: str
    command: list[str]
    env: dict[str, str]
    port: int
    workers: int = 1
    cwd: Path = ROOT
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def start(self) -> None:
        log = (WORK / f"{self.name}.log").open("wb")
        self.process = subprocess.Popen(
            ["taskset", "-c", self.cpus, *self.command],
            cwd=self.cwd,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {WORK / (self.name + '.log')}")
            try:
                response = httpx.post(self.url, json={"query": "{ __typename }"}, timeout=2)
                if response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer on {self.url} within {timeout:.0f} s")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        tree = _descendants(self.process.pid)
        if self.kind == "samverkan" and self.workers > 1:
            # The supervisor only forks and watches; the children serve.
            return [pid for pid in tree if pid != self.process.pid and _is_python(pid)]
        return [pid for pid in tree if _is_python(pid) or self.kind == "postgraphile"]

    def peak_rss_mb(self) -> float:
        peaks = [_vm_hwm_kb(pid) for pid in self.worker_pids()]
        return round(max(peaks, default=0) / 1024, 1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


def _descendants(pid: int) -> list[int]:
    found = [pid]
    for index in range(len(found) + 10_000):
        if index >= len(found):
            break
        for task in Path(f"/proc/{found[index]}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                found.extend(int(child) for child in task.read_text().split())
    return found


def _is_python(pid: int) -> bool:
    try:
        return "python" in Path(f"/proc/{pid}/comm").read_text() or "samverkan" in Path(f"/proc/{pid}/comm").read_text()
    except OSError:
        return False


def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def samverkan_server(name: str, database_url: str, port: int, workers: int, cpus: str) -> Server:
    return Server(
        name=name,
        kind="samverkan",
        cpus=cpus,
        command=[str(SAMVERKAN), "serve", "--port", str(port), "--workers", str(workers)],
        # The pool the figures were measured with (the default is 8: README, pool sizing); wrk sends
        # thousands of requests a second from one address: rate limits would measure themselves.
        env={
            "DATABASE_URL": database_url,
            "SAMVERKAN_GRAPHIQL": "false",
            "SAMVERKAN_DB_POOL_SIZE": "16",
            "SAMVERKAN_RATE_LIMITS": "false",
        },
        port=port,
        workers=workers,
    )


def postgraphile_server(name: str, database_url: str, port: int, cpus: str) -> Server:
    return Server(
        name=name,
        kind="postgraphile",
        cpus=cpus,
        command=[str(NODE), "node_modules/postgraphile/dist/cli-run.js", "-C", "graphile.config.mjs"],
        env={"DATABASE_URL": _libpq(database_url), "PORT": str(port), "NODE_ENV": "production"},
        port=port,
        cwd=POSTGRAPHILE,
    )


def limit_server(name: str, database_url: str, port: int, cpus: str) -> Server:
    """The limit line (bench/limit.py): one hand-written statement per core document."""
    return Server(
        name=name,
        kind="limit",
        cpus=cpus,
        command=[str(ROOT / ".venv" / "bin" / "python"), "-m", "bench.limit", str(port)],
        env={"DATABASE_URL": database_url},
        port=port,
    )


def _libpq(url: str) -> str:
    return "postgres://" + url.split("://", 1)[1]


# ---------------------------------------------------------------- loading


def load_databases(content: Path, commitments: int) -> tuple[str, str, dict[str, float]]:
    sqlite_path = WORK / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    sqlite_url = f"sqlite://{sqlite_path}"
    postgres_url = asyncio.run(create_postgres_database(POSTGRES_SERVER, DATABASE_NAME))
    rates = {}
    for label, url in (("sqlite", sqlite_url), ("postgresql", postgres_url)):
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([str(SAMVERKAN), "migrate"], env=env, check=True, cwd=ROOT, capture_output=True)
        started = time.perf_counter()
        result = subprocess.run(
            [str(SAMVERKAN), "seed", "load", str(content)], env=env, cwd=ROOT, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise RuntimeError(f"seed load into {label} failed:\n{result.stdout}\n{result.stderr}")
        rates[label] = round(commitments / seconds, 1)
        print(f"load {label}: {commitments:,} commitments in {seconds:.1f} s = {rates[label]:,.0f}/s", flush=True)
    subprocess.run(
        ["psql", _libpq(postgres_url), "-q", "-v", "ON_ERROR_STOP=1", "-f", str(POSTGRAPHILE / "functions.sql")],
        check=True,
        capture_output=True,
    )
    return sqlite_url, postgres_url, rates


# ---------------------------------------------------------------- checks


def _post(url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(url, json={"query": query, "variables": variables}, timeout=30)
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{url}: {response.status_code} {json.dumps(body, ensure_ascii=False)[:500]}")
    return body["data"]  # type: ignore[no-any-return]


def check_same_content(
    queries: list[Query], samverkan: list[Server], postgraphile: Server, every: int = 1
) -> dict[str, int]:
    """Every (n-th) variable set of every query: the same canonical answer from every server."""
    checked = {}
    for query in queries:
        pairs = list(zip(query.samverkan_variables, query.postgraphile_variables, strict=True))[::every]
        for index, (ours, theirs) in enumerate(pairs):
            expected = query.canonical_postgraphile(_post(postgraphile.url, query.postgraphile, theirs))
            for server in samverkan:
                got = query.canonical_samverkan(_post(server.url, query.samverkan, ours))
                if got != expected:
                    raise RuntimeError(
                        f"{query.name} #{index} {ours}: {server.name} differs from PostGraphile\n"
                        f"  {server.name}: {json.dumps(got, ensure_ascii=False, default=str)[:800]}\n"
                        f"  postgraphile: {json.dumps(expected, ensure_ascii=False, default=str)[:800]}"
                    )
        checked[query.name] = len(pairs)
        print(f"same content: {query.name}, {checked[query.name]} requests on {len(samverkan) + 1} servers", flush=True)
    return checked


def count_statements(
    queries: list[Query],
    postgres_url: str,
    samples: int = 10,
    dashboards: Sequence[Dashboard] = (),
) -> dict[str, dict[str, float]]:
    """SQL statements per request, counted on the wire for both servers (dashboards: Samverkan's)."""
    counter = StatementCounter(upstream_port=int(postgres_url.rsplit(":", 1)[1].split("/", 1)[0]))
    port = counter.start()
    proxied = postgres_url.replace(":5432/", f":{port}/")
    servers = [
        samverkan_server("count-samverkan", proxied, 8790, 1, SERVER_CPU),
        postgraphile_server("count-postgraphile", proxied, 8791, SERVER_CPU),
    ]
    counts: dict[str, dict[str, float]] = {}
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        for query in queries:
            for server in servers:
                document, variables = (
                    (query.samverkan, query.samverkan_variables)
                    if server.kind == "samverkan"
                    else (query.postgraphile, query.postgraphile_variables)
                )
                _post(server.url, document, variables[-1])  # prepare statements, fill pools
                before = counter.statements
                for sample in variables[:samples]:
                    _post(server.url, document, sample)
                per_request = (counter.statements - before) / len(variables[:samples])
                counts.setdefault(query.name, {})[server.kind] = round(per_request, 2)
        for dashboard in dashboards:
            _post(servers[0].url, dashboard.document, dashboard.variables[-1])
            before = counter.statements
            for sample in dashboard.variables[:samples]:
                _post(servers[0].url, dashboard.document, sample)
            per_request = (counter.statements - before) / len(dashboard.variables[:samples])
            counts[dashboard.name] = {"samverkan": round(per_request, 2)}
    finally:
        for server in servers:
            server.stop()
        counter.stop()
    return counts


# ---------------------------------------------------------------- load generation


def _lua(bodies: list[str]) -> str:
    quoted = ",\n".join(f"[==[{body}]==]" for body in bodies)
    return (
        f"local bodies = {{\n{quoted}\n}}\n"
        """
local index = 0
local threads = {}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

function setup(thread) table.insert(threads, thread) end
function init(args) graphql_errors = 0 first_error = nil end

function request()
  index = index % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[index])
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
    if first_error == nil then first_error = status .. " " .. string.sub(body, 1, 300) end
  end
end

function done(summary, latency, requests)
  local graphql = 0
  local first = nil
  for _, thread in ipairs(threads) do
    graphql = graphql + (thread:get("graphql_errors") or 0)
    first = first or thread:get("first_error")
  end
  if first then io.write("WRKERROR " .. string.gsub(first, "\\n", " ") .. "\\n") end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "errors": %d, "graphql_errors": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, graphql,
    latency:percentile(50), latency:percentile(99)))
end
"""
    )


def write_dashboard_scripts(dashboards: list[Dashboard]) -> dict[tuple[str, str], Path]:
    folder = WORK / "lua"
    folder.mkdir(parents=True, exist_ok=True)
    scripts = {}
    for dashboard in dashboards:
        path = folder / f"{dashboard.name}.samverkan.lua"
        bodies = [json.dumps({"query": dashboard.document, "variables": v}) for v in dashboard.variables]
        path.write_text(_lua(bodies), encoding="utf-8")
        scripts[(dashboard.name, "samverkan")] = path
    return scripts


def check_dashboards(dashboards: list[Dashboard], servers: list[Server]) -> dict[str, int]:
    """Every dashboard request answered without an error by every server (no PostGraphile to compare with)."""
    checked = {}
    for dashboard in dashboards:
        for server in servers:
            for variables in dashboard.variables:
                _post(server.url, dashboard.document, variables)
        checked[dashboard.name] = len(dashboard.variables)
        print(f"answered: {dashboard.name}, {checked[dashboard.name]} requests on {len(servers)} servers", flush=True)
    return checked


def write_scripts(queries: list[Query]) -> dict[tuple[str, str], Path]:
    scripts = {}
    folder = WORK / "lua"
    folder.mkdir(parents=True, exist_ok=True)
    for query in queries:
        variants = {
            "samverkan": [json.dumps({"query": query.samverkan, "variables": v}) for v in query.samverkan_variables],
            "samverkan-warm": [json.dumps({"query": query.samverkan, "variables": query.samverkan_variables[0]})],
            "postgraphile": [
                json.dumps({"query": query.postgraphile, "variables": v}) for v in query.postgraphile_variables
            ],
        }
        for variant, bodies in variants.items():
            path = folder / f"{query.name}.{variant}.lua"
            path.write_text(_lua(bodies), encoding="utf-8")
            scripts[(query.name, variant)] = path
    return scripts


def wrk(url: str, script: Path, seconds: int) -> dict[str, Any]:
    command = ["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    result = subprocess.run([*command, "-s", str(script), url], capture_output=True, text=True, check=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    first_error = next((line[9:] for line in result.stdout.splitlines() if line.startswith("WRKERROR ")), None)
    if first_error is None and raw["errors"]:
        first_error = "connection errors or timeouts (wrk counts them without a response)"
    return {
        "first_error": first_error,
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["errors"] + raw["graphql_errors"],
        "requests": raw["requests"],
    }


@dataclass
class Target:
    label: str
    server: Server
    variant: str  # which Lua script: samverkan, samverkan-warm, postgraphile
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def measure(
    targets: list[Target],
    queries: list[Query],
    scripts: dict[tuple[str, str], Path],
    settings: Settings,
    dashboards: Sequence[Dashboard] = (),
    dashboard_targets: Sequence[Target] = (),
) -> None:
    """Every query on every target, and every dashboard on its targets, each round."""
    work: list[tuple[str, Sequence[Target]]] = [(query.name, targets) for query in queries]
    work += [(dashboard.name, dashboard_targets) for dashboard in dashboards]
    for round_number in range(settings.rounds):
        for name, on in work:
            # Interleave: every round visits every server, starting with a different one.
            shift = round_number % len(on)
            for target in [*on[shift:], *on[:shift]]:
                script = scripts[(name, target.variant)]
                wrk(target.server.url, script, settings.warmup)
                sample = wrk(target.server.url, script, settings.window)
                target.samples.setdefault(name, []).append(sample)
        print(f"round {round_number + 1}/{settings.rounds} done", flush=True)


def failure(samples: list[dict[str, Any]]) -> str | None:
    """The error count and first error of a server's windows, or None when it answered every
    request with 200 and no GraphQL error."""
    errors = int(sum(sample["errors"] for sample in samples))
    if not errors:
        return None
    first = next((sample["first_error"] for sample in samples if sample["first_error"]), "?")
    return f"{errors} errors, first: {first}"


def ratio(samples: list[dict[str, Any]], reference: list[dict[str, Any]]) -> float | None:
    """The median throughput's ratio, or None when either side answered any request with an
    error or a status other than 200 (a server that fails fast would otherwise look fast)."""
    if failure(samples) is not None or failure(reference) is not None:
        return None
    return round(median(samples, "rps") / median(reference, "rps"), 3)


def median(samples: list[dict[str, Any]], key: str) -> float:
    return round(float(statistics.median(sample[key] for sample in samples)), 2)


# ---------------------------------------------------------------- profile


def profile(server: Server, scripts: dict[tuple[str, str], Path], queries: list[Query], seconds: int) -> Path | None:
    """py-spy on the one-worker PostgreSQL server while wrk loads it, one query after another."""
    py_spy = ROOT / ".venv" / "bin" / "py-spy"
    if not py_spy.exists():
        print("py-spy is not installed (make bench installs it); no profile", flush=True)
        return None
    output = RESULTS / "profile.txt"
    pid = server.worker_pids()[0]
    lines: list[str] = []
    for query in queries:
        raw = WORK / f"profile-{query.name}.txt"
        spy = subprocess.Popen(
            [str(py_spy), "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "250", "--format", "raw",
             "--output", str(raw), "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wrk(server.url, scripts[(query.name, "samverkan")], seconds)
        spy.wait(30)
        lines.append(f"== {query.name}")
        lines.extend(summarise_profile(raw))
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return output


CATEGORIES = (
    ("SQL driver (asyncpg: encoding, socket writes, decoding rows)", ("asyncpg", "select (")),
    ("Tortoise connection handling (pool, transactions)", ("tortoise",)),
    ("GraphQL execution (planned, graphql-core, strawberry)", ("api/execution.py", "graphql/", "strawberry")),
    # py-spy names our files relative to the project: "(api/…".
    ("Samverkan resolvers, loaders, relations and types", ("(api/", "/api/")),
    ("HTTP (uvicorn, starlette, httptools)", ("uvicorn", "starlette", "httptools")),
    ("JSON (orjson)", ("orjson",)),
    ("pydantic / datetime / other", ("",)),
)


def summarise_profile(raw: Path) -> list[str]:
    """Where the time goes: self time by category (innermost matching frame) and top functions."""
    if not raw.exists():
        return ["  (no samples)"]
    by_category: dict[str, int] = {}
    by_function: dict[str, int] = {}
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        leaf = frames[-1]
        by_function[leaf] = by_function.get(leaf, 0) + count
        for frame in reversed(frames):
            category = next((name for name, keys in CATEGORIES[:-1] if any(k in frame for k in keys)), None)
            if category:
                break
        by_category[category or CATEGORIES[-1][0]] = by_category.get(category or CATEGORIES[-1][0], 0) + count
    if not total:
        return ["  (no samples)"]
    lines = [f"  {100 * n / total:5.1f}%  {name}" for name, n in sorted(by_category.items(), key=lambda kv: -kv[1])]
    lines.append("  top functions (self time):")
    for name, n in sorted(by_function.items(), key=lambda kv: -kv[1])[:8]:
        lines.append(f"    {100 * n / total:5.1f}%  {name[:150]}")
    return lines


# ---------------------------------------------------------------- main


def run(settings: Settings) -> dict[str, Any]:
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    counts = generate(WORK / "content")
    print(f"generated {counts.files} files, {counts.commitments:,} commitments", flush=True)
    sqlite_url, postgres_url, load_rates = load_databases(WORK / "content", counts.commitments)
    servers: list[Server] = []
    try:
        queries = asyncio.run(build_queries(postgres_url))
        dashboards = build_dashboards()
        statements = count_statements(queries, postgres_url, dashboards=dashboards)
        pg1 = samverkan_server("samverkan-pg-1w", postgres_url, 8781, 1, SERVER_CPU)
        pg2 = samverkan_server("samverkan-pg-2w", postgres_url, 8782, 2, BOTH_CPUS)
        lite = samverkan_server("samverkan-sqlite-1w", sqlite_url, 8783, 1, SERVER_CPU)
        graphile = postgraphile_server("postgraphile", postgres_url, 8784, SERVER_CPU)
        limit = limit_server("limit", postgres_url, 8785, SERVER_CPU)
        servers = [pg1, pg2, lite, graphile, limit]
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        checked = check_same_content(queries, [pg1, lite, limit], graphile, settings.check_every)
        checked.update(check_dashboards(dashboards, [pg1, lite]))
        scripts = {**write_scripts(queries), **write_dashboard_scripts(dashboards)}
        targets = [
            Target("samverkan-pg-1w", pg1, "samverkan"),
            Target("samverkan-pg-1w-warm", pg1, "samverkan-warm"),
            Target("samverkan-pg-2w", pg2, "samverkan"),
            Target("samverkan-sqlite-1w", lite, "samverkan"),
            Target("postgraphile", graphile, "postgraphile"),
            Target("limit", limit, "samverkan"),
        ]
        dashboard_targets = [
            Target("samverkan-pg-1w", pg1, "samverkan"),
            Target("samverkan-sqlite-1w", lite, "samverkan"),
        ]
        measure(targets, queries, scripts, settings, dashboards, dashboard_targets)
        rss = {server.name: server.peak_rss_mb() for server in servers}
        profile_path = profile(pg1, scripts, queries, 8) if settings.profile else None
    finally:
        for server in servers:
            server.stop()
        asyncio.run(drop_postgres_database(POSTGRES_SERVER, DATABASE_NAME))

    by_label = {target.label: target for target in targets}
    result_queries: dict[str, Any] = {}
    detail: dict[str, Any] = {}
    for query in queries:
        cold = by_label["samverkan-pg-1w"].samples[query.name]
        warm = by_label["samverkan-pg-1w-warm"].samples[query.name]
        reference = by_label["postgraphile"].samples[query.name]
        sqlite = by_label["samverkan-sqlite-1w"].samples[query.name]
        limit_samples = by_label["limit"].samples[query.name]
        rps_cold, rps_warm, rps_reference = median(cold, "rps"), median(warm, "rps"), median(reference, "rps")
        rps_limit = median(limit_samples, "rps")
        result_queries[query.name] = {
            "rps_cold": rps_cold,
            "rps_warm": rps_warm,
            "rps_postgraphile": rps_reference,
            "rps_limit": rps_limit,
            "ratio_cold_vs_postgraphile": ratio(cold, reference),
            "ratio_warm_vs_postgraphile": ratio(warm, reference),
            "ratio_sqlite_cold_vs_postgraphile": ratio(sqlite, reference),
            "ratio_cold_vs_limit": ratio(cold, limit_samples),
            "p50_ms": median(cold, "p50_ms"),
            "p99_ms": median(cold, "p99_ms"),
            "sql_per_request": statements[query.name]["samverkan"],
        }
        refused = {
            label: failure(target.samples[query.name])
            for label, target in by_label.items()
            if failure(target.samples[query.name]) is not None
        }
        if refused:
            result_queries[query.name]["errors"] = refused
        detail[query.name] = {
            label: {
                "rps": median(target.samples[query.name], "rps"),
                "p50_ms": median(target.samples[query.name], "p50_ms"),
                "p99_ms": median(target.samples[query.name], "p99_ms"),
                "errors": int(sum(s["errors"] for s in target.samples[query.name])),
                "first_error": failure(target.samples[query.name]),
                "requests": int(sum(s["requests"] for s in target.samples[query.name])),
                "sql_per_request": statements[query.name]["postgraphile" if label == "postgraphile" else "samverkan"]
                if "sqlite" not in label
                else None,
                "rounds": [round(s["rps"], 1) for s in target.samples[query.name]],
            }
            for label, target in by_label.items()
        }
    # The dashboards: Samverkan alone, no ratio (PostGraphile has no equivalent).
    result_dashboards: dict[str, Any] = {}
    dashboard_detail: dict[str, Any] = {}
    for dashboard in dashboards:
        pg, sqlite = (target.samples[dashboard.name] for target in dashboard_targets)
        result_dashboards[dashboard.name] = {
            "rps_cold": median(pg, "rps"),
            "p50_ms": median(pg, "p50_ms"),
            "p99_ms": median(pg, "p99_ms"),
            "rps_sqlite_cold": median(sqlite, "rps"),
            "p99_ms_sqlite": median(sqlite, "p99_ms"),
            "sql_per_request": statements[dashboard.name]["samverkan"],
        }
        refused = {
            target.label: failure(target.samples[dashboard.name])
            for target in dashboard_targets
            if failure(target.samples[dashboard.name]) is not None
        }
        if refused:
            result_dashboards[dashboard.name]["errors"] = refused
        dashboard_detail[dashboard.name] = {
            target.label: {
                "rps": median(target.samples[dashboard.name], "rps"),
                "p50_ms": median(target.samples[dashboard.name], "p50_ms"),
                "p99_ms": median(target.samples[dashboard.name], "p99_ms"),
                "errors": int(sum(s["errors"] for s in target.samples[dashboard.name])),
                "first_error": failure(target.samples[dashboard.name]),
                "requests": int(sum(s["requests"] for s in target.samples[dashboard.name])),
                "sql_per_request": statements[dashboard.name]["samverkan"] if "sqlite" not in target.label else None,
                "rounds": [round(s["rps"], 1) for s in target.samples[dashboard.name]],
            }
            for target in dashboard_targets
        }
    samverkan_rss = [rss[name] for name in ("samverkan-pg-1w", "samverkan-pg-2w", "samverkan-sqlite-1w")]
    return {
        "queries": result_queries,
        "dashboards": result_dashboards,
        "load_commitments_per_s": load_rates,
        "peak_rss_mb": max(samverkan_rss),
        "run": {
            "mode": "full" if settings.profile else "quick",
            "warmup_s": settings.warmup,
            "window_s": settings.window,
            "rounds": settings.rounds,
            "connections": CONNECTIONS,
            "content": {
                "municipalities": counts.files,
                "agreements": counts.agreements,
                "citizen_promises": counts.citizen_promises,
                "commitments": counts.commitments,
                "follow_ups": counts.follow_ups,
            },
            "cores": {
                "wrk": LOAD_CPU,
                "limit": SERVER_CPU,
                "samverkan-pg-1w": SERVER_CPU,
                "samverkan-pg-2w": BOTH_CPUS,
                "samverkan-sqlite-1w": SERVER_CPU,
                "postgraphile": SERVER_CPU,
                "postgresql": "not pinned (shared system service)",
            },
            "content_checked": checked,
            "peak_rss_mb_per_worker": rss,
            "sql_per_request": statements,
            "profile": str(profile_path.relative_to(ROOT)) if profile_path else None,
            "seconds": round(time.perf_counter() - started, 1),
        },
        "detail": detail,
        "dashboard_detail": dashboard_detail,
    }


def table(result: dict[str, Any]) -> str:
    labels = [
        "samverkan-pg-1w",
        "samverkan-pg-1w-warm",
        "samverkan-pg-2w",
        "samverkan-sqlite-1w",
        "postgraphile",
        "limit",
    ]
    header = (
        "| query | server | req/s | p50 ms | p99 ms | spread req/s | errors | SQL/req | vs PostGraphile | vs limit |\n"
        f"|{'---|' * 10}"
    )
    rows = [header]
    failures = []
    for name, per_server in result["detail"].items():
        reference, limit = per_server["postgraphile"], per_server["limit"]
        for label in labels:
            row = per_server[label]
            sql = "–" if row["sql_per_request"] is None else f"{row['sql_per_request']:g}"
            spread = f"{min(row['rounds']):,.0f}–{max(row['rounds']):,.0f}"
            rows.append(
                f"| {name} | {label} | {row['rps']:,.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {spread}"
                f" | {row['errors']} | {sql} | {_versus(row, reference)} | {_versus(row, limit)} |"
            )
            if row["first_error"]:
                failures.append(f"{name} on {label}: {row['first_error']}")
    for name, per_server in result.get("dashboard_detail", {}).items():
        for label, row in per_server.items():
            sql = "–" if row["sql_per_request"] is None else f"{row['sql_per_request']:g}"
            spread = f"{min(row['rounds']):,.0f}–{max(row['rounds']):,.0f}"
            rows.append(
                f"| {name} | {label} | {row['rps']:,.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {spread}"
                f" | {row['errors']} | {sql} | no equivalent | – |"
            )
            if row["first_error"]:
                failures.append(f"{name} on {label}: {row['first_error']}")
    rss = ", ".join(f"{name} {mb:.0f} MB" for name, mb in result["run"]["peak_rss_mb_per_worker"].items())
    load = result["load_commitments_per_s"]
    rows.append("")
    rows += [f"Refused (no ratio): {failed}" for failed in failures]
    rows.append(f"Peak RSS per worker: {rss}.")
    rows.append(f"Seed load: {load['sqlite']:,.0f} commitments/s on SQLite, {load['postgresql']:,.0f}/s on PostgreSQL.")
    return "\n".join(rows)


def _versus(row: dict[str, Any], reference: dict[str, Any]) -> str:
    if row["first_error"] or reference["first_error"]:
        return "refused: errors"
    return f"{row['rps'] / reference['rps']:.2f}×"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="short windows and fewer rounds, no profile")
    arguments = parser.parse_args()
    settings = QUICK if arguments.quick else FULL
    result = run(settings)
    print(table(result), flush=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (RESULTS / "latest.md").write_text(table(result) + "\n", encoding="utf-8")
    if result["run"]["profile"]:
        print((ROOT / result["run"]["profile"]).read_text(encoding="utf-8"), flush=True)
    summary = {key: result[key] for key in ("queries", "load_commitments_per_s", "peak_rss_mb", "dashboards")}
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
