"""`samverkan`, the whole command (pyproject's entry point): the storage and content commands of
seed/cli.py with the API's own added here, `serve`, `token` and `activity`, so imports run one way
(models → seed → api). As in seed/cli.py, what only one command needs is imported by that command,
so the others start without uvicorn and the API's modules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from models import Activity, ApiToken, Municipality, PoliceUnit
from models.config import database_url
from seed.cli import _run as run
from seed.cli import app, main
from seed.errors import USAGE, check_url

__all__ = ["app", "main"]


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8000,
    workers: Annotated[int, typer.Option(envvar="WORKERS")] = 1,
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql). A database that is unreachable or not
    migrated is logged at start-up and answered 503 until it is ready (see /readyz)."""
    import uvicorn

    from api.http.server import uvicorn_options
    from api.settings import Settings

    check_url(database_url())
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
        **uvicorn_options(Settings.from_environment()),
    )


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

    async def work() -> int:
        try:
            token_role = Role(role)
        except ValueError:
            typer.echo(f"--role must be one of {', '.join(r.value for r in Role)} (got '{role}')", err=True)
            return USAGE
        try:
            expires_at = parse_expiry(expires) if expires is not None else None
        except ValueError as error:
            typer.echo(f"--expires: {error}", err=True)
            return USAGE
        codes = list(municipality or [])
        known_codes = set(await Municipality.filter(code__in=codes).values_list("code", flat=True))
        units: list[str] = []
        for wanted in police_unit or []:
            found = await PoliceUnit.filter(slug=wanted).first() or await PoliceUnit.filter(name=wanted).first()
            if found is None:
                typer.echo(f"--police-unit: no police unit '{wanted}' (a slug, e.g. lpo-medelpad, or a name)", err=True)
                return USAGE
            units.append(found.slug)
        if unknown := sorted(set(codes) - known_codes):
            typer.echo(f"--municipality: no municipality with kommunkod {', '.join(unknown)}", err=True)
            return USAGE
        if token_role == Role.EDITOR and not codes and not units:
            typer.echo("an editor needs at least one --municipality or --police-unit", err=True)
            return USAGE
        if await ApiToken.filter(name=name).exists():
            typer.echo(f"a token named '{name}' exists already; names are unique", err=True)
            return USAGE
        token = await create_token(name, token_role, codes, units, expires_at)
        scope = ", ".join(codes + units) or "everything"
        until = f"expires {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else "never expires"
        typer.echo(f"token '{name}' ({token_role.value}, {scope}, {until}); shown this once, keep it secret:")
        typer.echo(token)
        return 0

    raise typer.Exit(run(work))


@token_app.command("list")
def token_list() -> None:
    """Every token: name, role, scope, created, expiry and state, last used (times in UTC)."""

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

    for line in run(work):
        typer.echo(line)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke a token: it stops working at once; its revisions keep its name as author."""
    from api.editorial.access import revoke_token

    if not run(lambda: revoke_token(name)):
        typer.echo(f"no active token named '{name}'", err=True)
        raise typer.Exit(1)
    typer.echo(f"token '{name}' revoked")


@app.command("activity")
def activity_command(
    token: Annotated[
        str | None, typer.Option(help="Only this token's entries (its name; 'cli' for this tool).")
    ] = None,
    item: Annotated[str | None, typer.Option(help="Only entries about this item: its slug.")] = None,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. publish, approve, update.")] = None,
    result: Annotated[str | None, typer.Option(help="Only this result, e.g. DENIED, CONFLICT, UPDATED.")] = None,
    since: Annotated[str | None, typer.Option(help="Only entries from this ISO date or time (UTC) on.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many entries, newest first.")] = 50,
    prune: Annotated[
        bool, typer.Option(help="Delete entries older than SAMVERKAN_ACTIVITY_RETENTION_DAYS (default 365) first.")
    ] = False,
) -> None:
    """The activity log, newest first: who (token) did or tried what, on which item, when, the
    result and the request id (times in UTC)."""
    from api.editorial.activity import prune as prune_log
    from api.settings import Settings

    moment = None
    if since is not None:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            typer.echo(f"--since: '{since}' is not an ISO date or time (e.g. 2026-12-01)", err=True)
            raise typer.Exit(2) from None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    async def work() -> tuple[int, list[str]]:
        pruned = await prune_log(Settings.from_environment().activity_retention_days) if prune else 0
        rows = Activity.all()
        for column, value in (("token_name", token), ("item_slug", item), ("action", action), ("result", result)):
            if value is not None:
                rows = rows.filter(**{column: value})
        if moment is not None:
            rows = rows.filter(at__gte=moment)
        lines = []
        for row in await rows.order_by("-id").limit(limit):
            what = f"{row.item_type}:{row.item_slug}" if row.item_slug else "-"
            if row.revision is not None:
                what += f"#{row.revision}"
            lines.append(
                f"{row.at.astimezone(UTC):%Y-%m-%d %H:%M:%S}\t{row.token_name}\t{row.action}\t{what}"
                f"\t{row.result}\t{row.request_id}\t{row.message or ''}"
            )
        return pruned, lines

    pruned, lines = run(work)
    if prune:
        typer.echo(f"{pruned} entr{'y' if pruned == 1 else 'ies'} older than the retention deleted")
    for line in lines or ["no entries"]:
        typer.echo(line)
