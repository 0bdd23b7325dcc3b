"""Setup mistakes are answered by the CLI (a real subprocess) in a line or two, with the fix, the
exit code of its kind (0 ok, 1 content, 2 usage, 3 setup or database) and no traceback, and a
failed command leaves nothing behind. The processes of a test run side by side."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import POSTGRES_SERVER, ROOT, SEED_CONTENT, _Registry

SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
AGREEMENT = SEED_CONTENT / "ange-samverkansoverenskommelse-2023-2026.yaml"
SERVER = POSTGRES_SERVER.rsplit("/", 1)[0]  # postgres://user@host:port
HOST = SERVER.rsplit("@", 1)[1]


@dataclass
class Case:
    args: list[str]
    database_url: str
    code: int
    says: list[str]
    cwd: Path = ROOT
    stdout: str = ""


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def run_all(cases: list[Case]) -> list[Outcome]:
    processes = [
        subprocess.Popen(
            [SAMVERKAN, *case.args],
            cwd=case.cwd,
            env={**os.environ, "DATABASE_URL": case.database_url, "SAMVERKAN_DEBUG": ""},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for case in cases
    ]
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        outcomes.append(Outcome(process.returncode, out, err))
    return outcomes


def assert_explained(cases: list[Case]) -> None:
    for case, outcome in zip(cases, run_all(cases), strict=True):
        shown = f"{case.args} with {case.database_url}: exit {outcome.code}\n{outcome.out}{outcome.err}"
        assert outcome.code == case.code, shown
        assert "Traceback" not in outcome.err and len(outcome.err.splitlines()) <= 3, shown
        for words in case.says:
            assert words in outcome.err, shown
        assert case.stdout in outcome.out, shown


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_sqlite_mistakes_are_explained_and_leave_no_file_behind(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me", encoding="utf-8")
    never_migrated = tmp_path / "never.sqlite3"
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    no_folder = tmp_path / "no-such-folder" / "x.sqlite3"
    load = ["seed", "load", str(SEED_CONTENT)]
    assert_explained(
        [
            Case(
                load, f"sqlite://{never_migrated}", 3, [f"{never_migrated} does not exist", "run `samverkan migrate`"]
            ),
            Case(["token", "list"], f"sqlite://{never_migrated}", 3, ["run `samverkan migrate` first"]),
            Case(
                load,
                f"sqlite://{empty}",
                3,
                [f"{empty} is not migrated (missing: 0001_initial,", "run `samverkan migrate` first"],
            ),
            Case(load, f"sqlite://{no_folder}", 3, ["does not exist, nor its folder"]),
            Case(
                load,
                "sqlite://tmp/x.sqlite3",
                3,
                [f"{tmp_path / 'tmp' / 'x.sqlite3'} does not exist", f"relative to the working directory {tmp_path}"],
                cwd=tmp_path,
            ),
            Case(load, "mysqll://localhost/x", 3, ["DATABASE_URL must start with sqlite:// or postgres://"]),
            Case(["migrate"], "mysqll://localhost/x", 3, ["DATABASE_URL must start with sqlite:// or postgres://"]),
            Case(["seed", "export", str(a_file)], f"sqlite://{never_migrated}", 2, ["a-file is a file, not a folder"]),
            # A relative URL is allowed (the default is one); migrate says where it landed.
            Case(
                ["migrate"],
                "sqlite://data/x.sqlite3",
                0,
                [],
                cwd=elsewhere,
                stdout=str(elsewhere / "data" / "x.sqlite3"),
            ),
        ]
    )
    assert not never_migrated.exists() and not no_folder.parent.exists() and not (tmp_path / "tmp").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "elsewhere", "empty.sqlite3"]
    assert a_file.read_text(encoding="utf-8") == "keep me"
    assert (elsewhere / "data" / "x.sqlite3").is_file()


async def test_postgresql_mistakes_are_explained_in_the_same_style_by_every_command(registry: _Registry) -> None:
    await registry.require("postgres")
    missing = f"{SERVER}/samverkan_no_such_database"
    nobody = f"postgres://samverkan_no_such_role@{HOST}/postgres"
    closed = f"{SERVER.rsplit('@', 1)[0]}@127.0.0.1:{_closed_port()}/samverkan"
    unmigrated = (await registry.empty("postgres", "cli")).url
    load = ["seed", "load", str(SEED_CONTENT)]
    assert_explained(
        [
            Case(load, missing, 3, [f"the database `samverkan_no_such_database` does not exist on {HOST}", "createdb"]),
            Case(["migrate"], missing, 3, [f"the database `samverkan_no_such_database` does not exist on {HOST}"]),
            Case(load, nobody, 3, ['role "samverkan_no_such_role" does not exist']),
            Case(["migrate"], nobody, 3, ['role "samverkan_no_such_role" does not exist']),
            Case(load, closed, 3, ["cannot reach PostgreSQL on 127.0.0.1:", "connection refused"]),
            Case(["migrate"], closed, 3, ["cannot reach PostgreSQL on 127.0.0.1:", "connection refused"]),
            Case(load, unmigrated, 3, ["is not migrated (missing: 0001_initial", "run `samverkan migrate` first"]),
            Case(["seed", "export", "/tmp"], unmigrated, 3, ["is not migrated", "run `samverkan migrate` first"]),
        ]
    )


def test_debug_shows_the_traceback() -> None:
    closed = f"postgres://postgres@127.0.0.1:{_closed_port()}/samverkan"
    (outcome,) = run_all([Case(["--debug", "token", "list"], closed, 3, [])])
    assert outcome.code != 0 and "Traceback" in outcome.err and "ConnectionRefusedError" in outcome.err


def test_seed_check_checks_without_a_database_and_says_what_it_skipped(tmp_path: Path) -> None:
    shutil.copy(AGREEMENT, tmp_path / AGREEMENT.name)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / AGREEMENT.name).write_text(
        AGREEMENT.read_text(encoding="utf-8").replace("status: PUBLISHED", "status: PUBLISHEDX", 1), encoding="utf-8"
    )
    nowhere = f"sqlite://{tmp_path / 'none.sqlite3'}"
    skipped = "skipped without a database"
    check = ["seed", "check"]
    cases = [
        Case([*check, str(tmp_path / AGREEMENT.name)], nowhere, 0, [skipped, "6 references here"], stdout="1 file"),
        Case([*check, "--no-database", str(SEED_CONTENT)], nowhere, 0, [skipped], stdout="6 files, 21 items: valid"),
        Case([*check, str(broken)], nowhere, 1, ["status", "1 problem in 1 file\n"]),
        Case([*check, str(tmp_path / "no-such-path")], nowhere, 2, ["no-such-path: no such file or folder"]),
        Case(["seed", "load", str(tmp_path / "no-such-path")], nowhere, 2, ["no such file or folder"]),
    ]
    outcomes = run_all(cases)
    for case, outcome in zip(cases, outcomes, strict=True):
        shown = f"{case.args}: exit {outcome.code}\n{outcome.out}{outcome.err}"
        assert outcome.code == case.code and case.stdout in outcome.out, shown
        assert all(words in outcome.err for words in case.says) and "Traceback" not in outcome.err, shown
    assert "not checked:" in outcomes[0].err and "unknown organisation 'ange-kommun'" in outcomes[0].err
    assert not (tmp_path / "none.sqlite3").exists()


def test_help_documents_the_exit_codes() -> None:
    result = subprocess.run([SAMVERKAN, "--help"], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "Exit codes: 0 done; 1 content problems" in " ".join(result.stdout.split())
