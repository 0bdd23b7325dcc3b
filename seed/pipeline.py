"""The seed commands' work, callable from the CLI and from tests: check a path, load a path."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from seed.load import Invalidated, ProgressCallback, Summary, dependencies, load_bundle, reference_known
from seed.reference import read_reference
from seed.validate import Bundle, Known, cross_check, index_documents, read_files, seed_files
from seed.yamlio import Problem


@dataclass
class Checked:
    files: list[Path]
    bundle: Bundle
    problems: list[Problem]
    # What the bundle was checked against, when a database was asked.
    known: Known | None = field(default=None, compare=False)


async def check_path(path: Path, *, database: bool = True) -> Checked:
    """Read and validate every seed file under `path`; writes nothing. Without `database`,
    against the reference data only: what only a database could confirm is `bundle.unchecked`."""
    files = seed_files(path)
    parsed, problems = read_files(files)
    bundle, more = index_documents(parsed)
    known = (await dependencies(bundle, lock=False)).known(read_reference()) if database else reference_known()
    return Checked(files, bundle, problems + more + cross_check(bundle, known), known if database else None)


async def load_path(
    path: Path, *, force: bool = False, progress: ProgressCallback | None = None, author: str = "seed"
) -> tuple[Summary | None, Checked]:
    """Validate everything first; write it all in one transaction only if nothing is wrong, then
    and there (models.transactions.Busy when another writer keeps the database too long)."""
    checked = await check_path(path)
    if checked.problems or not checked.files:
        return None, checked
    try:
        summary = await load_bundle(
            checked.bundle, force=force, progress=progress, author=author, checked=checked.known
        )
        return summary, checked
    except Invalidated as invalidated:
        checked.problems.extend(invalidated.problems)
        return None, checked
