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
the migrations), in keyset batches of 500 rows, each batch one transaction with the search
documents of its rows indexed again; an UPDATE only touches a row still older than the
version, so a write that lands meanwhile is never replaced by a rendering of what it replaced.
A restore leaves the columns out of the backup and renders them in its transaction
(seed/backup.py).

Cost: the seed content's 40 Markdown values (13,066 characters) render in 5 ms of CPU, the
whole-country content of bench/generate.py (14,533 values, 1.3 M characters, 4,948 distinct)
in 0.7 s with the renderer's cache and 2.4 s without. The search index rendered the same plain
text on every write before and now reads it, so a write does about the same work as before
and a read none.
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
from models.search import index
from models.services import ServiceAgreement
from models.sql import json_value, many, sql
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
# The search document a row's plain text goes into (models/search/index.py): the kind to index
# again and the row's column that names the item; service agreements are not searched.
_INDEXED: dict[str, tuple[str, str]] = {
    "agreement": ("agreements", "id"),
    "citizen_promise": ("citizen_promises", "id"),
    "follow_up": ("follow_ups", "id"),
    "follow_up_entry": ("follow_ups", "follow_up_id"),
}
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


async def rerender(client: BaseDBAsyncClient | None = None, *, batch: int = BATCH, reindex: bool = True) -> int:
    """Render again every row whose `render_version` is older than the renderer's, and index
    its plain text again (unless `reindex` is off: a restore rebuilds the whole index after);
    returns how many rows. With `client`, inside that transaction; else one transaction a batch."""
    done = 0
    for table in MARKDOWN:
        after = 0
        while True:
            if client is not None:
                rows, after = await _Batch(table, batch, reindex).run(client, after)
            else:
                async with in_transaction() as connection:
                    rows, after = await _Batch(table, batch, reindex).run(connection, after)
            done += rows
            if rows < batch:
                break
    return done


class _Batch:
    """One batch of `rerender` over one table."""

    def __init__(self, table: str, size: int, reindex: bool) -> None:
        self.table = table
        self.model = _model(table)
        self.derived = rendered_columns(table)
        self.indexed = _INDEXED.get(table) if reindex else None
        names = dict.fromkeys(["id", *MARKDOWN[table], *([self.indexed[1]] if self.indexed else [])])
        self.select = sql(
            "SELECT {} FROM {} WHERE render_version < {} AND id > {} ORDER BY id LIMIT {}",
            sql.join(sql.identifier(name) for name in names),
            sql.identifier(table),
            VERSION,
            sql.late("after"),
            int(size),
        )
        # One statement for the batch's rows, each row's renderings and id given as it runs.
        self.update = sql(
            "UPDATE {} SET {} WHERE id = {} AND render_version < {}",
            sql.identifier(table),
            sql.join(sql("{} = {}", sql.identifier(column), sql.late(column)) for column in self.derived),
            sql.late("id"),
            VERSION,
        )

    async def run(self, client: BaseDBAsyncClient, after: int) -> tuple[int, int]:
        """How many rows the batch read, and the last one's id."""
        select = self.select.compiled(client.capabilities.dialect == "postgres")
        rows = await client.execute_query_dict(select.text, select.values(after=after))
        fields = self.model._meta.fields_map
        values = []
        for row in rows:
            if SECTIONS in row:
                row[SECTIONS] = json_value(row[SECTIONS])
            columns = renderings(self.table, row)
            derived = {name: fields[name].to_db_value(columns[name], self.model) for name in self.derived}
            values.append({**derived, "id": row["id"]})
        await many(self.update, values, client)
        if self.indexed and rows:
            kind, column = self.indexed
            await index.content_written(kind, [int(row[column]) for row in rows], client)
        return len(rows), (int(rows[-1]["id"]) if rows else after)
