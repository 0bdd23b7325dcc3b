"""The whole country as a test database: bench/generate.py's content (290 municipalities,
25,651 commitments) migrated and loaded into SQLite by the CLI, as an operator would, built once
and kept in test-output/cache/ while its inputs stay the same. The session fixture
`country_database` (tests/conftest.py) gives its URL; the tests that use it only read. Under
`pytest -n 2` both workers may ask for it at once: the first builds it under an exclusive lock on
the cache folder's lock file, the other waits for that lock and finds the file built."""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _inputs_digest() -> str:
    """What the generated database depends on: rebuilt when any of it changes."""
    digest = hashlib.sha256()
    for pattern in ("bench/generate.py", "seed/*.py", "seed/reference/*", "models/*.py", "models/migrations/*.py"):
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


async def _run(*command: str, env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()[-3000:]


async def country_database(content: Path) -> str:
    """The URL of the whole-country SQLite file, generating its seed files into `content` when
    the cache has none for these inputs."""
    cache = ROOT / "test-output" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"country-{_inputs_digest()}.sqlite3"
    with (cache / "country.lock").open("w") as lock:
        await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)
        if not path.exists():
            building = path.with_suffix(".building")
            building.unlink(missing_ok=True)
            env = {**os.environ, "DATABASE_URL": f"sqlite://{building}"}
            await _run(sys.executable, "-m", "bench.generate", str(content), env=env)
            await _run(str(BIN / "samverkan"), "migrate", env=env)
            await _run(str(BIN / "samverkan"), "seed", "load", str(content), env=env)
            building.rename(path)
    return f"sqlite://{path}"
