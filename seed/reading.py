"""Reading many seed files on every core: this process reads a share, child processes the rest.

Parsing is pure client CPU before anything is written, while the database and the other core
sit idle. On the whole country (290 files, 11 MB; 2 cores, min of 3 to 5 runs in two sessions
on a shared machine): `read_files` 1.68-2.30 s wall one by one, 1.41-1.48 s with one child
(1.0-1.2 s of CPU here, 1.1-1.2 s in the child); with `index_documents` 2.26-2.97 s ->
2.02-2.03 s; `samverkan seed load` on SQLite, min of 3 in three sessions, 9.00 -> 8.14 s,
9.53 -> 9.27 s and 7.51 -> 7.06 s (the same work ran 25% slower or faster from one session to
the next). Below PARALLEL_BYTES, or with one core, one process reads everything as before: the
project's seed is 44 kB, and one file or tests that load small content start no process.

The children are plain `python -c` processes that import only seed.yamlio (0.1-0.15 s of CPU
to start). multiprocessing's spawn and forkserver would first import the command's main module in
each (the `samverkan` script imports api.cli: 0.85 s of CPU, the whole gain), and fork would
copy a process with an open event loop, a database connection and aiosqlite's thread. A child
inherits no open descriptor but its pipes.

A child gets its share of (path, display) pairs, reads them with `yamlio.read` and sends the
ParsedFiles and Problems back in one pickle (9.6 MB for the child's half of the country,
unpickled here in 0.11 s); this process reads the first share meanwhile, so the results, in
file order, are the serial ones. The items are validated here: the country's pydantic models
pickle in 0.31 s and unpickle in 1.05 s, and validate in 0.61 s. A child that cannot read a file (an
OSError, a file gone meanwhile) says which; this process then reads it, for the same exception.
Checking this process's own files against the format while the child still reads was tried and
left out: read and index 1.67 s without it, 1.51 s with it (min of 4; runs varied by 0.4 s).
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
from pathlib import Path

from seed.yamlio import ParsedFile, Problem, SeedFileError, read

# Below this many bytes in all, one process reads everything: starting a child and pickling its
# share back costs what it saves (1.8 MB: 0.29 s one by one, 0.34 s with a child; 3.7 MB:
# 0.56 s and 0.47 s, min of 3).
PARALLEL_BYTES = 4_000_000
# A child's start (0.15 s of CPU) takes as long as parsing about this much: this process reads
# it more than each child.
CHILD_START_BYTES = 750_000

Job = tuple[Path, str]  # a file and the name problems give it
Result = ParsedFile | Problem

_ROOT = str(Path(__file__).resolve().parent.parent)
_CHILD = f"import sys; sys.path.insert(0, {_ROOT!r}); from seed.reading import _serve; _serve()"


def read_all(jobs: list[Job], parallel_bytes: int = PARALLEL_BYTES) -> list[Result]:
    """Each file read into a ParsedFile, or the Problem that refused it, in the order given."""
    sizes = [_size(path) for path, _ in jobs]
    processes = min(cores(), len(jobs))
    if processes < 2 or sum(sizes) < parallel_bytes or not sys.executable:
        return [_read_one(job) for job in jobs]
    shares = _split(sizes, processes)
    children: list[subprocess.Popen[bytes] | None] = []
    try:
        for start, end in shares[1:]:
            children.append(_start(jobs[start:end]))
        start, end = shares[0]
        results = [_read_one(job) for job in jobs[start:end]]
        for child, (start, end) in zip(children, shares[1:], strict=True):
            results.extend(_collect(child, jobs[start:end]))
        return results
    finally:
        for child in children:
            if child is None:
                continue
            if child.poll() is None:
                child.kill()
            child.wait()
            if child.stdout is not None:
                child.stdout.close()


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it raises the error, in order


def _split(sizes: list[int], processes: int) -> list[tuple[int, int]]:
    """Consecutive (start, end) ranges of files, one per process, this process's first. Each
    process gets the same bytes plus, for this one, CHILD_START_BYTES while the children start."""
    total, start, done = sum(sizes), 0, 0
    own = (total + (processes - 1) * CHILD_START_BYTES) / processes
    ends = [own + index * (own - CHILD_START_BYTES) for index in range(processes - 1)]
    shares: list[tuple[int, int]] = []
    for index, size in enumerate(sizes):
        done += size
        if len(shares) < len(ends) and done >= ends[len(shares)]:
            shares.append((start, index + 1))
            start = index + 1
    shares.append((start, len(sizes)))
    return [(start, end) for start, end in shares if end > start]


def _read_one(job: Job) -> Result:
    try:
        return read(*job)
    except SeedFileError as error:
        return error.problem


def _start(jobs: list[Job]) -> subprocess.Popen[bytes] | None:
    """A child reading `jobs` (None: no process could be started; this one reads them)."""
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except OSError:
        return None
    assert child.stdin is not None
    try:
        child.stdin.write(pickle.dumps(jobs, pickle.HIGHEST_PROTOCOL))
        child.stdin.close()
    except BrokenPipeError:
        pass  # `_collect` finds it has no answer
    return child


def _collect(child: subprocess.Popen[bytes] | None, jobs: list[Job]) -> list[Result]:
    if child is None:
        return [_read_one(job) for job in jobs]
    assert child.stdout is not None
    answer = child.stdout.read()
    code = child.wait()
    if code != 0 or not answer:
        raise RuntimeError(f"a process reading seed files ended without an answer (exit code {code})")
    results, failed = pickle.loads(answer)
    assert isinstance(results, list)
    if failed is not None:  # the rest, from the file it could not read, read here
        results.extend(_read_one(job) for job in jobs[failed:])
    return results


def _serve() -> None:
    """A child: read the jobs on stdin, answer (results, index of the first failed job or None)."""
    gc.set_threshold(100_000, 50, 1000)  # as the commands do: a short life building lasting data
    jobs: list[Job] = pickle.load(sys.stdin.buffer)
    results: list[Result] = []
    failed: int | None = None
    for index, job in enumerate(jobs):
        try:
            results.append(_read_one(job))
        except Exception:
            failed = index
            break
    sys.stdout.buffer.write(pickle.dumps((results, failed), pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
