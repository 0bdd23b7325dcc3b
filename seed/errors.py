"""How a `samverkan` command fails: a line that says what is wrong, one that says what to do, an
exit code. Tracebacks only with `samverkan --debug …`.

A mistyped setting or a database that is not there used to end in 80–350 lines of traceback
(two styles: asyncio's for `migrate`, typer's for the rest) in which the one line that mattered
was hard to find. Every command now runs through `main()` in seed/cli.py, which prints a
CommandError as

    error: the database `samverkan` does not exist on 127.0.0.1:5432
      create it (`createdb -h 127.0.0.1 -p 5432 samverkan`) or correct DATABASE_URL, then run `samverkan migrate`

The exit codes are EXIT_CODES below (also in `samverkan --help` and README).
"""

from __future__ import annotations

import os
from pathlib import Path

from models.availability import MIGRATE_FIX, DatabaseUnavailable, outage, sqlite_path

OK, CONTENT, USAGE, SETUP, BUG = 0, 1, 2, 3, 4
EXIT_CODES = (
    "Exit codes: 0 done; 1 content problems (invalid seed files, conflicts); 2 usage (a wrong option,"
    " a path that does not exist); 3 setup or database unavailable (DATABASE_URL, a database that is"
    " missing, unreachable or not migrated); 4 an unexpected error (a bug: --debug shows the traceback)."
)

SCHEMES = ("sqlite://", "postgres://", "postgresql://", "postgresql+asyncpg://", "asyncpg://")


class CommandError(Exception):
    def __init__(self, message: str, fix: str | None = None, code: int = USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.code = code

    def lines(self) -> list[str]:
        return [f"error: {self.message}", *([f"  {self.fix}"] if self.fix else [])]

    @classmethod
    def unavailable(cls, unavailable: DatabaseUnavailable) -> CommandError:
        return cls(str(unavailable), unavailable.fix, SETUP)


def check_url(url: str) -> None:
    """DATABASE_URL names a database we can open (its scheme; nothing is connected)."""
    if not url.startswith(SCHEMES):
        scheme = url.split("://", 1)[0] + "://" if "://" in url else url[:20]
        raise CommandError(
            f"DATABASE_URL must start with sqlite:// or postgres:// (it starts with `{scheme}`)",
            "e.g. sqlite://data/samverkan.sqlite3 (relative to the working directory),"
            " sqlite:///srv/samverkan.sqlite3 (absolute) or postgres://user@host:5432/samverkan",
            SETUP,
        )


def where_sqlite(url: str, missing: str = "") -> str:
    """A SQLite URL's file, and for a relative one what it is relative to."""
    path = sqlite_path(url)
    relative = not url.removeprefix("sqlite://").startswith("/")
    note = f" (DATABASE_URL={url} is relative to the working directory {os.getcwd()})" if relative else ""
    return f"the SQLite database {path}{missing}{note}"


def require_database(url: str) -> None:
    """Before a command opens an existing database: a SQLite file that is not there would be
    created empty by opening it, and left behind when the command then fails."""
    check_url(url)
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        missing = " does not exist" if path.parent.is_dir() else " does not exist, nor its folder"
        raise CommandError(
            where_sqlite(url, missing),
            f"{MIGRATE_FIX} (it creates the database), or correct DATABASE_URL (sqlite:///abs/path is absolute)",
            SETUP,
        )


def require_path(path: Path, what: str = "seed files") -> None:
    if not path.exists():
        raise CommandError(f"{path}: no such file or folder", f"give a file or a folder of {what}")


def as_command_error(error: BaseException, url: str) -> CommandError:
    """Any other failure of a command, in a line or two."""
    if isinstance(error, CommandError):
        return error
    unavailable = outage(error, url)
    if unavailable is not None:
        return CommandError.unavailable(unavailable)
    if isinstance(error, OSError) and error.filename:
        return CommandError(f"{error.filename}: {error.strerror}", code=SETUP)
    return CommandError(
        f"unexpected {type(error).__name__}: {error}",
        "this is a bug (or a setup problem we do not recognise); `samverkan --debug …` shows the traceback",
        BUG,
    )
