"""`samverkan`: migrate, serve, and move seed content in and out of the database."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from models.database import close_database, migrate, open_database

if TYPE_CHECKING:
    from seed.backup import BackupSummary, RestoreSummary

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
seed_app = typer.Typer(no_args_is_help=True, help="Load, check and export seed content files.")
app.add_typer(seed_app, name="seed")
search_app = typer.Typer(no_args_is_help=True, help="The search index.")
app.add_typer(search_app, name="search")

DEFAULT_CONTENT = Path("seed/content")
T = TypeVar("T")

PathArgument = Annotated[Path, typer.Argument(help="A seed file or a folder of them.")]


def _run(work: Callable[[], Awaitable[T]], *, database: bool = True) -> T:
    from models.transactions import Busy

    async def wrapped() -> T:
        if database:
            await open_database(short_lived=True)
        try:
            return await work()
        except Busy as busy:
            # Another writer (a load, an erasure) kept the content longer than we wait.
            typer.echo(str(busy), err=True)
            raise typer.Exit(1) from None
        finally:
            if database:
                await close_database()

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

    # Client addresses come from the connection unless SAMVERKAN_TRUSTED_PROXIES says otherwise
    # (api/protection/rates.py): uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1.
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        proxy_headers=False,
    )


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


token_app = typer.Typer(no_args_is_help=True, help="Editorial API tokens (Authorization: Bearer …).")
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="admin, editor or reviewer.")],
    name: Annotated[str, typer.Option(help="A unique label; the author of the token's revisions.")],
    municipality: Annotated[list[str] | None, typer.Option(help="Kommunkod an editor may write for.")] = None,
    police_unit: Annotated[
        list[str] | None,
        typer.Option(help="Police unit (slug or name): the municipalities of its area, units below included."),
    ] = None,
    expires: Annotated[
        str | None,
        typer.Option(help="When the token stops working: 12h, 90d, 2w from now, or an ISO date (UTC). Default: never."),
    ] = None,
) -> None:
    """Create a token; it is printed once, alone on the last line, and only its hash is kept."""
    from api.editorial.access import Role, create_token, parse_expiry
    from models import ApiToken, Municipality, PoliceUnit

    async def work() -> int:
        try:
            token_role = Role(role)
        except ValueError:
            typer.echo(f"--role must be one of {', '.join(r.value for r in Role)} (got '{role}')", err=True)
            return 2
        try:
            expires_at = parse_expiry(expires) if expires is not None else None
        except ValueError as error:
            typer.echo(f"--expires: {error}", err=True)
            return 2
        codes = list(municipality or [])
        known_codes = set(await Municipality.filter(code__in=codes).values_list("code", flat=True))
        units: list[str] = []
        for wanted in police_unit or []:
            found = await PoliceUnit.filter(slug=wanted).first() or await PoliceUnit.filter(name=wanted).first()
            if found is None:
                typer.echo(f"--police-unit: no police unit '{wanted}' (a slug, e.g. lpo-medelpad, or a name)", err=True)
                return 2
            units.append(found.slug)
        if unknown := sorted(set(codes) - known_codes):
            typer.echo(f"--municipality: no municipality with kommunkod {', '.join(unknown)}", err=True)
            return 2
        if token_role == Role.EDITOR and not codes and not units:
            typer.echo("an editor needs at least one --municipality or --police-unit", err=True)
            return 2
        if await ApiToken.filter(name=name).exists():
            typer.echo(f"a token named '{name}' exists already; names are unique", err=True)
            return 2
        token = await create_token(name, token_role, codes, units, expires_at)
        scope = ", ".join(codes + units) or "everything"
        until = f"expires {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else "never expires"
        typer.echo(f"token '{name}' ({token_role.value}, {scope}, {until}); shown this once, keep it secret:")
        typer.echo(token)
        return 0

    raise typer.Exit(_run(work))


@token_app.command("list")
def token_list() -> None:
    """Every token: name, role, scope, created, expiry and state, last used (times in UTC)."""
    from datetime import UTC, datetime

    from models import ApiToken

    def when(moment: datetime) -> str:
        return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}"

    async def work() -> list[str]:
        now = datetime.now(UTC)
        lines = []
        for row in await ApiToken.all().order_by("name"):
            scope = ", ".join([*row.municipality_codes, *row.police_unit_slugs]) or "everything"
            if row.revoked_at:
                state = f"revoked {when(row.revoked_at)}"
            elif row.expires_at and row.expires_at <= now:
                state = f"expired {when(row.expires_at)}"
            else:
                state = f"active, expires {when(row.expires_at)}" if row.expires_at else "active, never expires"
            used = f"last used {when(row.last_used_at)}" if row.last_used_at else "never used"
            lines.append(f"{row.name}\t{row.role}\t{scope}\tcreated {when(row.created_at)}\t{state}\t{used}")
        return lines or ["no tokens"]

    for line in _run(work):
        typer.echo(line)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke a token: it stops working at once; its revisions keep its name as author."""
    from api.editorial.access import revoke_token

    if not _run(lambda: revoke_token(name)):
        typer.echo(f"no active token named '{name}'", err=True)
        raise typer.Exit(1)
    typer.echo(f"token '{name}' revoked")


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

    try:
        written = pull(folder, url, token)
    except RemoteError as error:
        typer.echo(f"pull failed: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{len(written)} files written to {folder}")


def main() -> None:
    sys.exit(app())
