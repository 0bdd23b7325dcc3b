"""Rich text rendered on write: which columns hold Markdown, their stored renderings, and
rendering again the rows an older renderer made.

`format: HTML | PLAIN` cannot be computed in SQL at read time, so every Markdown field is
rendered (models/text.py) when it is written and stored beside it, as `<field>_html` and
`<field>_plain`, with the renderer's version in `render_version` (migration 0013, which says
why columns and not one JSON value per row). A `sections` list is one JSON value of
{heading, body, role}; its bodies' renderings are two JSON lists in the sections' order
(`sections_html`, `sections_plain`). The writer (seed/writer.py: seed load, editorial writes,
revert, publishing a pending revision, erasure) adds them where it builds a row (`renderings`);
the compiled SQL, the reference path and the search index read them and render nothing.

`samverkan migrate` renders again every row older than the current version (`rerender`, after
the migrations), in keyset batches of 500 rows, each batch one transaction; an UPDATE only
touches a row still older than the version, so a write that lands meanwhile is never replaced
by a rendering of what it replaced. A restore leaves the columns out of the backup and renders
them in its transaction (seed/backup.py). Measured on the seed content: rendering its 2,135
Markdown values costs about 0.3 s (markdown-it-py and nh3; the search index rendered the same
plain text on every write before).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.agreements import Agreement
from models.followups import FollowUp, FollowUpEntry
from models.promises import CitizenPromise
from models.services import ServiceAgreement
from models.sql import Sql, json_value
from models.text import VERSION, to_html, to_plain

# The Markdown fields of each table, as its rows name them. "sections" is a JSON list of
# sections whose bodies are Markdown; every other field is one Markdown text (or NULL).
MARKDOWN: dict[str, tuple[str, ...]] = {
    "agreement": ("summary", "sections"),
    "citizen_promise": ("summary", "problem_picture", "sections"),
    "follow_up": ("summary",),
    "follow_up_entry": ("narrative",),
    "service_agreement": ("summary",),
}
_MODELS: tuple[type[Model], ...] = (Agreement, CitizenPromise, FollowUp, FollowUpEntry, ServiceAgreement)
SECTIONS = "sections"
BATCH = 500


def rendered_columns(table: str) -> tuple[str, ...]:
    """The columns derived from a table's Markdown (none for a table without Markdown)."""
    names = MARKDOWN.get(table, ())
    if not names:
        return ()
    return (*(f"{name}_{form}" for name in names for form in ("html", "plain")), "render_version")


def renderings(table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """The rendered columns of a row of `table` whose Markdown fields `row` holds (sections as
    their list of dicts), with the current renderer's version."""
    found: dict[str, Any] = {}
    for name in MARKDOWN[table]:
        value = row[name]
        if name == SECTIONS:
            bodies = [section.get("body") or "" for section in value or []]
            found[f"{name}_html"] = [to_html(body) for body in bodies]
            found[f"{name}_plain"] = [to_plain(body) for body in bodies]
        else:
            found[f"{name}_html"] = None if value is None else to_html(value)
            found[f"{name}_plain"] = None if value is None else to_plain(value)
    found["render_version"] = VERSION
    return found


def _model(table: str) -> type[Model]:
    return next(model for model in _MODELS if model._meta.db_table == table)


async def rerender(client: BaseDBAsyncClient | None = None, *, batch: int = BATCH) -> int:
    """Render again every row whose `render_version` is older than the renderer's; returns how
    many. With `client`, inside that transaction (a restore); else one transaction a batch."""
    done = 0
    for table, names in MARKDOWN.items():
        model = _model(table)
        fields = model._meta.fields_map
        derived = rendered_columns(table)
        assignments = ", ".join(f'"{column}" = ?' for column in derived)
        update = f'UPDATE "{table}" SET {assignments} WHERE "id" = ? AND "render_version" < ?'
        markdown = ", ".join(f'"{name}"' for name in names)
        select = (
            f'SELECT "id", {markdown} FROM "{table}"'
            f' WHERE "render_version" < ? AND "id" > ? ORDER BY "id" LIMIT {int(batch)}'
        )
        after = 0
        while True:
            if client is not None:
                rows, after = await _batch(Sql(client), select, update, table, derived, fields, model, after)
            else:
                async with in_transaction() as connection:
                    rows, after = await _batch(Sql(connection), select, update, table, derived, fields, model, after)
            done += rows
            if rows < batch:
                break
    return done


async def _batch(
    sql: Sql,
    select: str,
    update: str,
    table: str,
    derived: tuple[str, ...],
    fields: Mapping[str, Any],
    model: type[Model],
    after: int,
) -> tuple[int, int]:
    """One batch of `rerender`: how many rows it read, and the last row's id."""
    rows = await sql.rows(select, [VERSION, after])
    values = []
    for row in rows:
        if SECTIONS in row:
            row[SECTIONS] = json_value(row[SECTIONS])
        columns = renderings(table, row)
        values.append([*(fields[name].to_db_value(columns[name], model) for name in derived), row["id"], VERSION])
    await sql.many(update, values)
    return len(rows), (int(rows[-1]["id"]) if rows else after)
