"""`samverkan`'s storage and content commands: migrate, and move seed content in and out of the
database. The API's commands (`serve`, `token`) are added by api/cli.py, the entry point, so this
layer does not import the API."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from models.availability import DatabaseUnavailable, check_database, describe, explain, sqlite_path
from models.config import database_url
from models.database import close_database, migrate, open_database
from models.text import VERSION as RENDERER_VERSION
from models.transactions import Busy
from seed.errors import (
    CONTENT,
    EXIT_CODES,
    SETUP,
    CommandError,
    as_command_error,
    check_url,
    require_database,
    require_path,
    where_sqlite,
)

if TYPE_CHECKING:
    from seed.backup import BackupSummary, RestoreSummary

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__, epilog=EXIT_CODES)
seed_app = typer.Typer(no_args_is_help=True, help="Load, check and export seed content files.")
app.add_typer(seed_app, name="seed")
search_app = typer.Typer(no_args_is_help=True, help="The search index.")
app.add_typer(search_app, name="search")

DEFAULT_CONTENT = Path("seed/content")
T = TypeVar("T")

PathArgument = Annotated[Path, typer.Argument(help="A seed file or a folder of them.")]
DEBUG = os.environ.get("SAMVERKAN_DEBUG", "").lower() in {"1", "true", "yes"}


@app.callback()
def options(
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback when a command fails.")] = False,
) -> None:
    global DEBUG
    DEBUG = DEBUG or debug


def _run(work: Callable[[], Awaitable[T]], *, database: bool = True) -> T:
    """Run a command's work, with the database (DATABASE_URL) open unless told otherwise. A
    database that is not there, not reachable or not migrated ends the command as CommandError
    (exit 3) before anything is created or written."""
    url = database_url()
    if database:
        require_database(url)

    async def wrapped() -> T:
        if database:
            await open_database(url, short_lived=True)
        failed = False
        try:
            return await work()
        except Busy as busy:
            # Another writer (a load, an erasure) kept the content longer than we wait.
            failed = True
            raise CommandError(str(busy), "try again when the other writer has finished", SETUP) from None
        except Exception as error:
            failed = True
            unavailable = await explain(error, url) if database else None
            if unavailable is not None:
                raise CommandError.unavailable(unavailable) from error
            raise
        finally:
            if database:
                try:
                    await close_database()
                except Exception:
                    if not failed:  # closing after a failure may fail the same way: the first one counts
                        raise

    # A command builds millions of objects that live until it ends (a whole-country load:
    # parsed files, validated items, rows). At the default thresholds the cycle collector
    # walks them thousands of times, 2.5 s of an 8 s load; collecting rarely costs 0.2 s, and
    # the command leaves little cyclic garbage behind.
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        return asyncio.run(wrapped())
    finally:
        gc.set_threshold(*thresholds)


@app.command("migrate")
def migrate_command() -> None:
    """Apply database migrations (DATABASE_URL; a SQLite file by default, created with its folder)."""
    url = database_url()
    check_url(url)
    try:
        rendered = asyncio.run(migrate(url))
    except Exception as error:
        raise as_command_error(error, url) from error
    if rendered:
        typer.echo(f"rich text rendered again (renderer version {RENDERER_VERSION}): {_plural(rendered, 'row')}")
    typer.echo(f"database is up to date: {where_sqlite(url) if sqlite_path(url) else describe(url)}")


def _require_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        fix = "give a folder to write the seed files to (it is made if missing)"
        raise CommandError(f"{folder} is a file, not a folder", fix)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _report_problems(problems: Sequence[object], suffix: str) -> None:
    for problem in problems:
        typer.echo(str(problem), err=True)
    typer.echo(f"{_plural(len(problems), 'problem')}{suffix}", err=True)


def _seed_files(path: Path) -> list[Path]:
    from seed.validate import seed_files

    require_path(path)
    files = seed_files(path)
    if not files:
        raise CommandError(f"{path}: no seed files (*.yaml, *.yml) in it", "give a seed file or a folder of them")
    return files


SHOWN_UNCHECKED = 10


@seed_app.command("check")
def check(
    path: PathArgument = DEFAULT_CONTENT,
    no_database: Annotated[
        bool, typer.Option("--no-database", help="Check against the reference data only; ask no database.")
    ] = False,
) -> None:
    """Validate seed files without writing anything. References to content that no given file
    defines are looked up in the database (DATABASE_URL); without one they are listed as
    skipped, and every other check still runs."""
    from seed.pipeline import Checked, check_path

    files = _seed_files(path)
    skipped = "--no-database" if no_database else None
    checked: Checked | None = None
    if skipped is None:
        try:
            require_database(database_url())
        except CommandError as error:
            skipped = error.message

    if skipped is None:

        async def work() -> tuple[Checked | None, str | None]:
            try:
                await check_database()
            except DatabaseUnavailable as unavailable:
                return None, str(unavailable)
            return await check_path(path), None

        checked, skipped = _run(work)
    if checked is None:
        checked = asyncio.run(check_path(path, database=False))

    if checked.problems:
        _report_problems(checked.problems, f" in {_plural(len(files), 'file')}")
    if skipped is not None:
        unchecked = checked.bundle.unchecked
        typer.echo(
            f"skipped without a database ({skipped}): looking up content that no given file defines"
            f" ({_plural(len(unchecked), 'reference')} here)",
            err=True,
        )
        for problem in unchecked[:SHOWN_UNCHECKED]:
            typer.echo(f"  not checked: {problem}", err=True)
        if len(unchecked) > SHOWN_UNCHECKED:
            typer.echo(f"  … and {len(unchecked) - SHOWN_UNCHECKED:,} more", err=True)
    if checked.problems:
        raise typer.Exit(CONTENT)
    typer.echo(f"{_plural(len(files), 'file')}, {_plural(checked.bundle.count(), 'item')}: valid")


@seed_app.command("load")
def load(
    path: PathArgument = DEFAULT_CONTENT,
    force: Annotated[bool, typer.Option(help="Overwrite items changed in the database since their last load.")] = False,
    if_empty: Annotated[bool, typer.Option(help="Load only into a database without content.")] = False,
) -> None:
    """Validate every file, then upsert all content in one transaction."""
    from models import Agreement, CitizenPromise
    from seed.pipeline import load_path
    from seed.reference import load_reference

    _seed_files(path)

    async def work() -> int:
        if if_empty and (await Agreement.exists() or await CitizenPromise.exists()):
            await load_reference()
            typer.echo("the database already holds content; seed files were not loaded")
            return 0
        summary, checked = await load_path(path, force=force, progress=_progress_printer())
        if summary is None:
            _report_problems(checked.problems, "; nothing was written")
            return 1
        for line in summary.lines():
            typer.echo(line)
        return 0

    raise typer.Exit(_run(work))


def _progress_printer() -> Callable[[str, int, int], None]:
    """On large loads (a type with 500 items or more), a line on stderr when another tenth
    is done (the loader reports after each batch of items)."""
    tenths: dict[str, int] = {}

    def progress(kind: str, done: int, of: int) -> None:
        tenth = done * 10 // of if of else 10
        if of >= 500 and tenth > tenths.get(kind, 0):
            tenths[kind] = tenth
            typer.echo(f"  … {kind.replace('_', ' ')}: {done:,} of {of:,}", err=True)

    return progress


@seed_app.command("suggest-topics")
def suggest_topics_command(path: PathArgument = DEFAULT_CONTENT) -> None:
    """Propose topics for commitments without any, from Swedish word stems; writes nothing."""
    from seed.suggest import suggest_topics
    from seed.validate import read_files

    parsed, problems = read_files(_seed_files(path))
    for problem in problems:
        typer.echo(str(problem), err=True)
    suggestions = suggest_topics(parsed)
    for suggestion in suggestions:
        typer.echo(str(suggestion))
    proposed = sum(1 for suggestion in suggestions if suggestion.topics)
    typer.echo(
        f"{len(suggestions)} commitments without topics, {proposed} with suggestions;"
        " nothing was written (add the topics you confirm to the files)",
        err=True,
    )
    raise typer.Exit(1 if problems else 0)


@seed_app.command("export")
def export(folder: Annotated[Path, typer.Argument(help="Folder to write the seed files to.")]) -> None:
    """Write the database back out as seed files (one per document)."""
    from seed.export import export_texts, write_files

    _require_folder(folder)
    written = write_files(folder, _run(export_texts))
    typer.echo(f"{len(written)} files written to {folder}")


@search_app.command("reindex")
def reindex() -> None:
    """Rebuild the search index from all content (after restoring a database, for example)."""
    from seed.search_command import reindex as rebuild_index

    for line in _run(rebuild_index):
        typer.echo(line)


@app.command("backup")
def backup_command(
    file: Annotated[Path, typer.Argument(help="The backup file to write (a new one, e.g. x.jsonl.gz).")],
) -> None:
    """Write the whole database (content, revisions, tokens' hashes) to one portable file."""
    from seed.backup import backup

    _backup_step(lambda: backup(file))


@app.command("restore")
def restore_command(
    file: Annotated[Path, typer.Argument(help="A file written by `samverkan backup`.")],
    replace: Annotated[bool, typer.Option(help="Replace the content of a database that is not empty.")] = False,
) -> None:
    """Restore a backup in one transaction (SQLite or PostgreSQL, whichever made it)."""
    from seed.backup import restore

    _backup_step(lambda: restore(file, replace=replace))


def _backup_step(work: Callable[[], Awaitable[BackupSummary | RestoreSummary]]) -> None:
    from seed.backup import BackupError

    try:
        summary = _run(work)
    except BackupError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(error.code) from None
    for line in summary.lines():
        typer.echo(line)


@app.command("erase-person")
def erase_person_command(name: Annotated[str, typer.Argument(help="The person's name as stored.")]) -> None:
    """Remove a person's name, e-mail and phone from current content and every revision."""
    from seed.erase import erase_person

    changed = _run(lambda: erase_person(name))
    typer.echo(f"personal data erased from {changed} item{'s' if changed != 1 else ''}; the erasure is recorded")


UrlOption = Annotated[str, typer.Option(help="The Samverkan server, e.g. https://samverkan.example/graphql.")]
TokenOption = Annotated[str, typer.Option(envvar="SAMVERKAN_TOKEN", help="Your editorial token.")]


@seed_app.command("push")
def push_command(path: PathArgument, url: UrlOption, token: TokenOption) -> None:
    """Validate seed files here, then send them to a server through its mutations."""
    from seed.remote import RemoteError, push

    _seed_files(path)
    try:
        summary, problems = push(path, url, token)
    except RemoteError as error:
        typer.echo(f"push failed: {error}", err=True)
        raise typer.Exit(1) from None
    if problems:
        _report_problems(problems, "; nothing was sent")
        raise typer.Exit(1)
    for line in summary.lines():
        typer.echo(line)
    raise typer.Exit(1 if summary.counts["refused"] or summary.counts["conflict"] else 0)


@seed_app.command("pull")
def pull_command(
    folder: Annotated[Path, typer.Argument(help="Folder to write the seed files to.")],
    url: UrlOption,
    token: TokenOption,
) -> None:
    """Write a server's content for your token's scope as seed files."""
    from seed.remote import RemoteError, pull

    _require_folder(folder)
    try:
        written = pull(folder, url, token)
    except RemoteError as error:
        typer.echo(f"pull failed: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{len(written)} files written to {folder}")


def main() -> None:
    """Every command's failure in one style (seed/errors.py): a line or two and an exit code."""
    try:
        app()
        return
    except CommandError as error:
        failure = error
    except Exception as error:
        if DEBUG:
            raise
        failure = as_command_error(error, database_url())
    if DEBUG and failure.__cause__ is not None:
        raise failure
    for line in failure.lines():
        typer.echo(line, err=True)
    sys.exit(failure.code)
