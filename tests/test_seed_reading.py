"""Reading seed files on every core (seed/reading.py) gives what reading them one by one gives:
the same files, data, lines and problems in the same order, and the same exceptions."""

from __future__ import annotations

import resource
import shutil
import sys
from pathlib import Path

import pytest

from seed import reading
from seed.validate import index_documents, read_files, seed_files
from tests.conftest import SEED_CONTENT

SERIAL = sys.maxsize  # a threshold no content reaches
PARALLEL = 0  # every content reaches it

pytestmark = pytest.mark.skipif(reading.cores() < 2, reason="one core: seed files are read in one process")


@pytest.fixture(autouse=True)
def no_head_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small content split as the whole country is: a child reads about half of it."""
    monkeypatch.setattr(reading, "CHILD_START_BYTES", 0)


BROKEN = {
    "a-invalid.yaml": b"organisations:\n  - slug: x\n    name: [1, 2\n",
    "b-twice.yaml": b"organisations:\n  - slug: twice\n    slug: again\n",
    "c-format.yaml": b"organisations:\n  - slug: typo\n    kind: POLICE\n    nmae: Polisen\n",
    "x-format.yaml": b"areas:\n  - slug: nowhere\n    municipality: 1471\n    colour: red\n",
    "y-latin1.yaml": b"organisations:\n  - slug: caf\xe9\n",
    "z-alias.yaml": b"organisations:\n  - &first\n    slug: a\n  - *first\n",
}


def _children_cpu() -> float:
    """CPU seconds of the child processes this one has waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _content(folder: Path) -> list[Path]:
    """The project's seed files between broken ones, so that every process reads some of each."""
    for path in SEED_CONTENT.glob("*.yaml"):
        shutil.copy(path, folder / f"m-{path.name}")
    for name, data in BROKEN.items():
        (folder / name).write_bytes(data)
    paths = seed_files(folder)
    own, child = reading._split([path.stat().st_size for path in paths], 2)
    assert {"a-invalid.yaml", "b-twice.yaml"} <= {path.name for path in paths[slice(*own)]}
    assert {"y-latin1.yaml", "z-alias.yaml"} <= {path.name for path in paths[slice(*child)]}
    return paths


def test_reading_on_every_core_gives_the_files_lines_and_problems_of_reading_one_by_one(tmp_path: Path) -> None:
    paths = _content(tmp_path)
    serial, serial_problems = read_files(paths, base=tmp_path, parallel_bytes=SERIAL)
    before = _children_cpu()
    parallel, parallel_problems = read_files(paths, base=tmp_path, parallel_bytes=PARALLEL)
    assert _children_cpu() > before  # a child read its share

    assert parallel_problems == serial_problems
    assert [str(problem) for problem in parallel_problems] == [
        "a-invalid.yaml:4: (file): invalid YAML: expected ',' or ']', but got '<stream end>'"
        " (while parsing a flow sequence started at line 3)",
        "b-twice.yaml:3: organisations[0].slug: key appears twice",
        "y-latin1.yaml:2: (file): not UTF-8: byte 0xe9 cannot be decoded",
        "z-alias.yaml:2: (file): YAML anchors and aliases (&, *) are not allowed in seed files",
    ]
    assert [(file.path, file.display, file.data, file.text, file.lines) for file in parallel] == [
        (file.path, file.display, file.data, file.text, file.lines) for file in serial
    ]
    assert len(parallel) == len(BROKEN) - len(serial_problems) + len(list(SEED_CONTENT.glob("*.yaml")))

    serial_bundle, serial_invalid = index_documents(serial)
    parallel_bundle, parallel_invalid = index_documents(parallel)
    assert parallel_invalid == serial_invalid
    assert [str(problem) for problem in parallel_invalid] == [
        "c-format.yaml:2: organisations[0].name: Field required",
        "c-format.yaml:4: organisations[0].nmae: unknown field (a typo?)",
        "x-format.yaml:2: areas[0].kind: Field required",
        "x-format.yaml:2: areas[0].name: Field required",
        "x-format.yaml:4: areas[0].colour: unknown field (a typo?)",
    ]
    assert parallel_bundle.count() == serial_bundle.count() > 0
    assert {
        kind: {slug: found.item for slug, found in items.items()} for kind, items in parallel_bundle.items.items()
    } == {kind: {slug: found.item for slug, found in items.items()} for kind, items in serial_bundle.items.items()}


def test_the_projects_seed_is_read_without_starting_a_process() -> None:
    before = _children_cpu()
    parsed, problems = read_files(seed_files(SEED_CONTENT))
    assert _children_cpu() == before
    assert len(parsed) == len(list(SEED_CONTENT.glob("*.yaml"))) and not problems


def test_a_file_that_cannot_be_opened_fails_the_read_alike_in_any_process(tmp_path: Path) -> None:
    paths = _content(tmp_path)
    missing = tmp_path / "zz-gone.yaml"  # the last file: a child process's share
    for threshold in (SERIAL, PARALLEL):
        with pytest.raises(FileNotFoundError) as raised:
            read_files([*paths, missing], parallel_bytes=threshold)
        assert raised.value.filename == str(missing)
