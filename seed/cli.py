"""`samverkan`: migrate, serve, and move seed content in and out of the database."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from models.database import close_database, migrate, open_database
from seed.validate import seed_files

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


def _report_problems(problems: list[object]) -> None:
    for problem in problems:
        typer.echo(str(problem), err=True)
    typer.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was written", err=True)


@seed_app.command("check")
def check(path: PathArgument = DEFAULT_CONTENT) -> None:
    """Validate seed files without writing anything."""
    from seed.load import known_data
    from seed.validate import read_files, validate_documents

    async def work() -> int:
        files = seed_files(path)
        parsed, problems = read_files(files)
        bundle, more = validate_documents(parsed, await known_data())
        problems.extend(more)
        if problems:
            for problem in problems:
                typer.echo(str(problem), err=True)
            typer.echo(f"{len(problems)} problems in {len(files)} files", err=True)
            return 1
        typer.echo(f"{len(files)} files, {bundle.count()} items: valid")
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
    from seed.load import known_data, load_bundle
    from seed.reference import load_reference
    from seed.validate import read_files, validate_documents

    async def work() -> int:
        if if_empty and (await Agreement.exists() or await CitizenPromise.exists()):
            await load_reference()
            typer.echo("the database already holds content; seed files were not loaded")
            return 0
        files = seed_files(path)
        if not files:
            typer.echo(f"{path}: no seed files (*.yaml) found", err=True)
            return 1
        parsed, problems = read_files(files)
        bundle, more = validate_documents(parsed, await known_data())
        problems.extend(more)
        if problems:
            for problem in problems:
                typer.echo(str(problem), err=True)
            typer.echo(f"{len(problems)} problems; nothing was written", err=True)
            return 1
        total = bundle.count()
        step = max(total // 10, 1)
        progress = None
        if total >= 500:
            counter = {"done": 0}

            def progress(kind: str, done: int, of: int) -> None:
                counter["done"] += 1
                if counter["done"] % step == 0:
                    typer.echo(f"  … {counter['done']:,} of {total:,} items", err=True)

        summary = await load_bundle(bundle, force=force, progress=progress)
        for line in summary.lines():
            typer.echo(line)
        return 0

    raise typer.Exit(_run(work))


@seed_app.command("export")
def export(folder: Annotated[Path, typer.Argument(help="Folder to write the seed files to.")]) -> None:
    """Write the database back out as seed files (one per document)."""
    from seed.export import export_texts, write_files

    written = write_files(folder, _run(export_texts))
    typer.echo(f"{len(written)} files written to {folder}")


def main() -> None:
    sys.exit(app())
