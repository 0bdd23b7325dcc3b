"""Every kind of invalid seed file is refused with its file and line, and nothing is written."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from models import (
    Agreement,
    CitizenPromise,
    Commitment,
    CommitmentTarget,
    FollowUpEntryCommitment,
    FollowUpEntryResult,
    Revision,
)
from seed.export import export_texts
from seed.pipeline import load_path
from tests.conftest import ROOT, SEED_CONTENT, Database, _Registry

PROMISE_2019 = "gotene-medborgarlofte-2019.yaml"
ANGE = "ange-samverkansoverenskommelse-2023-2026.yaml"
FOLLOW_UP = "gotene-uppfoljning-2023.yaml"
NEW_FILE = "new-document.yaml"


def replace_once(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert text.count(old) >= 1, f"{old!r} not in the file"
        return text.replace(old, new, 1)

    return edit


# (case, file to edit or create, edit, marker on the line the problem must name, words in the message)
CASES: list[tuple[str, str, Callable[[str], str] | bytes, str, str]] = [
    ("bad date", ANGE, replace_once("start: 2023-01-01", "start: 2023-02-30"), "start: 2023-02-30", "date"),
    ("end before start", ANGE, replace_once("end: 2026-12-31", "end: 2022-12-31"), "end: 2022-12-31", "before start"),
    (
        "unknown kommunkod",
        PROMISE_2019,
        replace_once('municipality: "1471"', 'municipality: "9999"'),
        '"9999"',
        "kommunkod",
    ),
    ("unknown actor", PROMISE_2019, replace_once("actor: POLIS", "actor: POLISEN"), "POLISEN", "POLIS"),
    (
        "duplicate slug",
        NEW_FILE,
        b"agreements:\n  - slug: ange-samverkansoverenskommelse-2023-2026\n    title: Kopia\n"
        b"    parties: [ange-kommun, lokalpolisomrade-medelpad]\n",
        "slug: ange-samverkansoverenskommelse-2023-2026",
        "duplicate",
    ),
    (
        "duplicate key",
        PROMISE_2019,
        replace_once("key: kommun-2", "key: kommun-1  # twice"),
        "# twice",
        "duplicate commitment key",
    ),
    (
        "commitment of another promise",
        FOLLOW_UP,
        replace_once("commitments: [polis-2]", "commitments: [kommun-9]"),
        "kommun-9",
        "not a commitment of citizen promise",
    ),
    (
        "follow-up year outside its promise's period",
        FOLLOW_UP,
        replace_once("year: 2023", "year: 2017"),
        "year: 2017",
        "outside the period of citizen promise",
    ),
    (
        "follow-up period outside its promise's period",
        FOLLOW_UP,
        replace_once("year: 2023", 'year: 2023\n    period: {start: 2017-01-01, end: 2017-12-31, label: "2017"}'),
        'label: "2017"',
        "lies outside the period",
    ),
    (
        "negative quantity",
        FOLLOW_UP,
        replace_once("quantity: 20,", "quantity: -20,"),
        "quantity: -20",
        "greater than or equal to 0",
    ),
    (
        "unknown qualifier",
        PROMISE_2019,
        replace_once(
            "topics: [trygghetsvandring, otrygghet]",
            "topics: [trygghetsvandring, otrygghet]\n        targets:\n          - {key: vandringar, quantity: 6,"
            " qualifier: MINST, counted: trygghetsvandringar, phrase: minst sex trygghetsvandringar}",
        ),
        "qualifier: MINST",
        "AT_LEAST",
    ),
    (
        "result linked to a target of another promise",
        NEW_FILE,
        'citizen_promises:\n  - slug: annat-lofte\n    title: Annat löfte\n    municipality: "1471"\n'
        '    period: {start: 2023-01-01, end: 2023-12-31, label: "2023"}\n    commitments:\n'
        "      - {key: kommun-1, actor: KOMMUN, text: Genomföra trygghetsvandringar.,\n"
        "         targets: [{key: vandringar, quantity: 6, counted: trygghetsvandringar, phrase: sex vandringar}]}\n"
        "follow_ups:\n  - slug: annan-uppfoljning\n    title: Uppföljning\n"
        "    citizen_promise: gotene-medborgarlofte-2023-2024\n    year: 2023\n    entries:\n"
        "      - narrative: Sju vandringar.\n        results:\n"
        "          - {quantity: 7, counted: trygghetsvandringar, phrase: sju, target: vandringar}\n".encode(),
        "target: vandringar}",
        "not a target of citizen promise 'gotene-medborgarlofte-2023-2024' (it is a target of 'annat-lofte')",
    ),
    ("broken YAML", ANGE, replace_once("problem_areas:", "problem_areas: [unclosed"), "[unclosed", "invalid YAML"),
    (
        "YAML alias bomb",
        NEW_FILE,
        b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        b"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
        "a: &a",
        "aliases",
    ),
    (
        "10 MB string",
        NEW_FILE,
        b"agreements:\n  - slug: stor\n    title: " + b"x" * 10_000_000 + b"\n",
        "title: xxx",
        "limit",
    ),
    (
        "title longer than its column",
        PROMISE_2019,
        replace_once("title: Medborgarlöfte 2019", "title: " + "Medborgarlöfte " * 21),
        "title: Medborgarlöfte Medborgarlöfte",
        "at most 300 characters",
    ),
    (
        "non-UTF-8",
        NEW_FILE,
        "agreements:\n  - slug: ange\n    title: Överenskommelse\n".encode("latin-1"),
        "title:",
        "UTF-8",
    ),
]


def _write_case(folder: Path, file: str, edit: Callable[[str], str] | bytes) -> tuple[Path, int | None]:
    shutil.copytree(SEED_CONTENT, folder)
    path = folder / file
    if isinstance(edit, bytes):
        path.write_bytes(edit)
        return path, None
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path, None


def _line_of(path: Path, marker: str) -> int:
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        if marker.encode("utf-8") in line or marker.encode("latin-1") in line:
            return number
    raise AssertionError(f"{marker!r} not in {path}")


async def _database_state() -> tuple[dict[str, str], list[int]]:
    counts = [await model.all().count() for model in (Agreement, CitizenPromise, Commitment, Revision)]
    counts.append(await FollowUpEntryCommitment.all().count())
    counts.append(await CommitmentTarget.all().count())
    counts.append(await FollowUpEntryResult.all().count())
    return await export_texts(), counts


@pytest.mark.parametrize(("case", "file", "edit", "marker", "words"), CASES, ids=[c[0] for c in CASES])
async def test_invalid_file_is_refused_with_file_and_line(
    fresh: Database,
    tmp_path: Path,
    case: str,
    file: str,
    edit: Callable[[str], str] | bytes,
    marker: str,
    words: str,
) -> None:
    path, _ = _write_case(tmp_path / "content", file, edit)
    before = await _database_state()

    summary, checked = await load_path(tmp_path / "content")

    assert summary is None, f"{case}: the load went ahead"
    problems = [p for p in checked.problems if Path(p.file).name == file]
    assert problems, f"{case}: no problem names {file}: {[str(p) for p in checked.problems]}"
    assert any(words.lower() in p.message.lower() for p in problems), [str(p) for p in problems]
    line = _line_of(path, marker)
    # A parser may notice a broken structure later; it then names where the structure began.
    assert any(p.line == line or f"started at line {line})" in p.message for p in problems), [str(p) for p in problems]
    assert await _database_state() == before


async def test_cli_reports_file_line_field_and_exits_non_zero(registry: _Registry, tmp_path: Path) -> None:
    shutil.copytree(SEED_CONTENT, tmp_path / "content")
    path = tmp_path / "content" / PROMISE_2019
    path.write_text(path.read_text(encoding="utf-8").replace("actor: POLIS", "actor: POLISEN", 1), encoding="utf-8")
    env = {"DATABASE_URL": (await registry.migrated("sqlite", "cli")).url, "PATH": "/usr/bin:/bin"}
    samverkan = str(Path(sys.executable).parent / "samverkan")

    result = await asyncio.to_thread(
        subprocess.run,
        [samverkan, "seed", "load", str(tmp_path / "content")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 1
    line = _line_of(path, "POLISEN")
    assert f"{path}:{line}: citizen_promises[0].commitments[" in result.stderr
    assert "actor" in result.stderr and "nothing was written" in result.stderr
