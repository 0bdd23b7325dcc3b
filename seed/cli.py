"""`samverkan`: migrate, serve, and move seed content in and out of the database."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from models.database import close_database, migrate, open_database

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
seed_app = typer.Typer(no_args_is_help=True, help="Load, check and export seed content files.")
app.add_typer(seed_app, name="seed")

DEFAULT_CONTENT = Path("seed/content")
T = TypeVar("T")

PathArgument = Annotated[Path, typer.Argument(help="A seed file or a folder of them.")]


def _run(work: Callable[[], Awaitable[T]], *, database: bool = True) -> T:
    async def wrapped() -> T:
        if database:
            await open_database()
        try:
            return await work()
        finally:
            if database:
                await close_database()

    return asyncio.run(wrapped())


@app.command("migrate")
def migrate_command() -> None:
    """Apply database migrations (DATABASE_URL; a SQLite file by default)."""
    asyncio.run(migrate())
    typer.echo("database is up to date")


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8000,
    workers: Annotated[int, typer.Option(envvar="WORKERS")] = 1,
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql)."""
    import uvicorn

    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, access_log=False)


def _report_problems(problems: Sequence[object], suffix: str) -> None:
    for problem in problems:
        typer.echo(str(problem), err=True)
    typer.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}{suffix}", err=True)


@seed_app.command("check")
def check(path: PathArgument = DEFAULT_CONTENT) -> None:
    """Validate seed files without writing anything."""
    from seed.pipeline import check_path

    async def work() -> int:
        checked = await check_path(path)
        if checked.problems:
            _report_problems(checked.problems, f"in {len(checked.files)} files")
            return 1
        typer.echo(f"{len(checked.files)} files, {checked.bundle.count()} items: valid")
        return 0

    raise typer.Exit(_run(work))


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

    async def work() -> int:
        if if_empty and (await Agreement.exists() or await CitizenPromise.exists()):
            await load_reference()
            typer.echo("the database already holds content; seed files were not loaded")
            return 0
        summary, checked = await load_path(path, force=force, progress=_progress_printer())
        if not checked.files:
            typer.echo(f"{path}: no seed files (*.yaml) found", err=True)
            return 1
        if summary is None:
            _report_problems(checked.problems, "; nothing was written")
            return 1
        for line in summary.lines():
            typer.echo(line)
        return 0

    raise typer.Exit(_run(work))


def _progress_printer() -> Callable[[str, int, int], None]:
    """On large loads (a type with 500 items or more), a line on stderr at every tenth."""

    def progress(kind: str, done: int, of: int) -> None:
        if of >= 500 and (done == of or done % (of // 10) == 0):
            typer.echo(f"  … {kind.replace('_', ' ')}: {done:,} of {of:,}", err=True)

    return progress


@seed_app.command("suggest-topics")
def suggest_topics_command(path: PathArgument = DEFAULT_CONTENT) -> None:
    """Propose topics for commitments without any, from Swedish word stems; writes nothing."""
    from seed.suggest import suggest_topics
    from seed.validate import read_files, seed_files

    parsed, problems = read_files(seed_files(path))
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

    written = write_files(folder, _run(export_texts))
    typer.echo(f"{len(written)} files written to {folder}")


def main() -> None:
    sys.exit(app())
