"""Reading many seed files on every core: this process reads a share, child processes the rest.

Parsing is pure client CPU before anything is written, while the database and the other cores
sit idle: on the whole country (290 files, 11 MB) 2.1 s of a 13 s load. Below PARALLEL_BYTES,
or with one core, one process reads everything as before (the project's seed is 44 kB, and
tests that load small content start no process).

The children are plain `python -c` processes that import only seed.yamlio (0.1 s to start).
multiprocessing's spawn and forkserver would first import the command's main module in each
(the `samverkan` script imports api.cli: 0.85 s of CPU, the whole gain), and fork would copy a
process with an open event loop, a database connection and aiosqlite's thread.

A child gets its share of (path, display) pairs, reads them with `yamlio.read` and sends the
ParsedFiles and Problems back in one pickle; this process reads the first share meanwhile, so
the results, in file order, are the serial ones. Unpickling a file's data costs about a tenth of
parsing it, so the items are validated here: pickled pydantic models unpickle slower (2.7 s for
the country) than they validate (0.6 s). A child that cannot read a file (an OSError, a file
gone meanwhile) says which; this process then reads that file itself, for the same exception.
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
# share back costs more than it saves.
PARALLEL_BYTES = 2_000_000
OWN_SHARE = 1.1

Job = tuple[Path, str]  # a file and the name problems give it
Result = ParsedFile | Problem

_ROOT = str(Path(__file__).resolve().parent.parent)
_CHILD = f"import sys; sys.path.insert(0, {_ROOT!r}); from seed.reading import _serve; _serve()"


def read_all(jobs: list[Job], parallel_bytes: int = PARALLEL_BYTES) -> list[Result]:
    """Each file read into a ParsedFile, or the Problem that refused it, in the order given."""
    sizes = [_size(path) for path, _ in jobs]
    processes = min(cores(), len(jobs))
    if processes < 2 or sum(sizes) < parallel_bytes:
        return [_read_one(job) for job in jobs]
    shares = _split(sizes, processes)
    children: list[subprocess.Popen[bytes]] = []
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
    """Consecutive (start, end) ranges of files, one per process, this process's first. It reads
    OWN_SHARE times the bytes of a child, which starts and pickles its share in that time."""
    total, start, done = sum(sizes), 0, 0
    weights = [OWN_SHARE, *[1.0] * (processes - 1)]
    ends = [total * sum(weights[: index + 1]) / sum(weights) for index in range(processes - 1)]
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


def _start(jobs: list[Job]) -> subprocess.Popen[bytes]:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert child.stdin is not None
    try:
        child.stdin.write(pickle.dumps(jobs, pickle.HIGHEST_PROTOCOL))
        child.stdin.close()
    except BrokenPipeError:
        pass  # `_collect` finds it has no answer
    return child


def _collect(child: subprocess.Popen[bytes], jobs: list[Job]) -> list[Result]:
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
