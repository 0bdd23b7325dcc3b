"""What the editorial reads read, declared once (api/compiled/declare.py).

An item's history (`revisions`, `revisionDiff`) is the rows of `revision` its global ID picks,
shown to editorial tokens that may see the item's drafts, judged on its latest revision's seed
form (api/editorial/scope.py, `snapshot_concerns_sql`): the compiler reads the rows and that
judgement in one statement, and Python finishes what SQL cannot give as the reference path does
(a snapshot's keys in order; the diff of two snapshots, api/editorial/writes.py). A refused
judgement gives null, and the reference path (api/editorial/queries.py, the same conditions)
words the refusal.

The activity log (`activity`, admins only) is rows of one table paged newest first by id: the
compiler answers it in one statement with its filters, `totalCount` and cursors, as
api/editorial/review_queries.py's resolver, which the reference path runs and which words the
refusal of anyone else (the compiler declines them, `Listing.admits`).

Cost, per request through /graphql with a token, 30 in a row on the shared machine (compiled
against reference path): a 50-entry page of the log 6.1 / 10.4 ms on SQLite, 11.1 / 14.5 ms on
PostgreSQL; 40 revisions for a scoped editor 6.4 / 11.0 and 13.0 / 21.4 ms; their diff
4.7 / 6.4 and 8.6 / 7.0 ms (both decode the two snapshots; the compiled one also encodes them
as JSON in the database). One statement each on the compiled path, whatever the length.

Not declared: `editorialItems`, `editorialReferences` and `reviewQueue` answer with items in
their seed form, which seed/export.py builds in Python from a score of tables (and the queue's
sides and who covers them, api/editorial/review.py, from those); they stay on the reference path
until the seed form itself is declared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from api.compiled.declare import Computed, GlobalId, Listing, Picked, Root, Table, Value, Visible
from api.core import inputs
from api.core.pagination import SortKey
from api.editorial.access import Role, Viewer
from api.editorial.scope import snapshot_concerns_sql
from api.editorial.types import TYPE_NAMES, ActivityFilter, kind_and_slug
from api.editorial.writes import diff
from api.protection.errors import ClientError
from models.sql import Fragment, one_of, sql


def in_key_order(value: Any) -> Any:
    """A snapshot with its objects' keys sorted. PostgreSQL's jsonb keeps keys in an order of its
    own (shorter first), SQLite's JSON text in the order written: sorted, a revision answers the
    same bytes on both, also after a backup has moved the database from one to the other."""
    if isinstance(value, dict):
        return {key: in_key_order(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [in_key_order(item) for item in value]
    return value


CONTENT_REVISION = Table(
    "ContentRevision",
    {
        "number": Value("{c}.number", "number"),
        "author": Value("{c}.author"),
        "summary": Value("{c}.summary"),
        "createdAt": Value("{c}.created_at", "timestamp"),
        "deleted": Value("{c}.deleted", "boolean"),
        "snapshot": Computed("{c}.snapshot", "json", in_key_order),
    },
    table="revision",
)


def editable_item(id: str) -> tuple[str, str]:
    """The kind and slug of the item a global ID names, or the client's error."""
    found = kind_and_slug(id)
    if found is None:
        raise ClientError(f"'{id}' is not an editable content item")
    return found


def history_where(kind: str, slug: str, numbers: list[int] | None = None) -> Fragment:
    """The item's revisions (row alias `r`): those numbered, or all."""
    where = sql("r.item_type = {} AND r.item_slug = {}", kind, slug)
    return where if numbers is None else sql("{} AND {}", where, one_of("r.number", numbers))


def history_guard(kind: str, slug: str, viewer: Viewer) -> Fragment | None:
    """SQL: the viewer may see the item's history (its latest revision concerns a municipality
    in its scope; no revision at all: no); None when its scope covers every item."""
    if viewer.municipalities is None:
        return None
    scope = sql.value(sorted(viewer.municipalities))
    concerns = snapshot_concerns_sql(kind, "l.snapshot", lambda code: one_of(code, scope))
    return sql(
        "(SELECT {} FROM revision l WHERE l.item_type = {} AND l.item_slug = {} ORDER BY l.number DESC LIMIT 1)",
        concerns,
        kind,
        slug,
    )


def _revisions(arguments: Mapping[str, Any], viewer: Viewer) -> tuple[Fragment, Fragment, str, Fragment | None]:
    kind, slug = editable_item(arguments["id"])
    numbers = [arguments["from_"], arguments["to"]] if "to" in arguments else None
    return sql.raw("revision r"), history_where(kind, slug, numbers), "r.number", history_guard(kind, slug, viewer)


def changes(rows: list[Any], arguments: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What changed from the revision `from` to `to` (RevisionChange's fields), from their rows."""
    snapshots = {row["number"]: in_key_order(row["snapshot"]) for row in rows}
    for number in (arguments["from_"], arguments["to"]):
        if number not in snapshots:
            raise ClientError(f"no revision {number}")  # the reference path words it, with the slug
    return [
        {"path": path, "before": before, "after": after}
        for path, before, after in diff(snapshots[arguments["from_"]], snapshots[arguments["to"]])
    ]


def _editorial(viewer: Viewer) -> bool:
    return viewer.can_preview


# An entry's item kind as the type name of its global ID (api/editorial/types.py, TYPE_NAMES).
_ITEM_TYPE = (
    "CASE WHEN {c}.item_slug <> '' THEN CASE {c}.item_type "
    + " ".join(f"WHEN '{kind}' THEN '{name}'" for kind, name in TYPE_NAMES.items())
    + " END END"
)

ACTIVITY_ENTRY = Table(
    "ActivityEntry",
    {
        "id": Value("CAST({c}.id AS TEXT)"),
        "at": Value("{c}.at", "timestamp"),
        "tokenName": Value("{c}.token_name"),
        "action": Value("{c}.action"),
        "itemId": GlobalId(of=_ITEM_TYPE, key="{c}.item_slug"),
        "itemKind": Value("{c}.item_type"),
        "itemSlug": Value("{c}.item_slug"),
        "revision": Value("{c}.revision", "number"),
        "result": Value("{c}.result"),
        "message": Value("{c}.message"),
        "requestId": Value("{c}.request_id"),
    },
    table="activity",
)

DECLARED = (CONTENT_REVISION, ACTIVITY_ENTRY)


def aware(moment: dt.datetime) -> dt.datetime:
    """A time without an offset is UTC, as everywhere in the API."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def activity_where(filter: ActivityFilter | None) -> list[Fragment]:
    """The log's entries `filter` asks for (row alias `v`), for both paths."""
    if filter is None:
        return []
    where = [
        sql(f"v.{column} = {{}}", value)
        for column, value in (("token_name", filter.token_name), ("action", filter.action), ("result", filter.result))
        if value is not None
    ]
    if filter.item_id is not None:
        found = kind_and_slug(filter.item_id)
        if found is None:
            raise inputs.BadInput("filter.itemId", f"is not an editable content item (got '{filter.item_id[:40]}')")
        where += [sql("v.item_type = {}", found[0]), sql("v.item_slug = {}", found[1])]
    if filter.since is not None:
        where.append(sql("v.at >= {}", aware(filter.since)))
    if filter.until is not None:
        where.append(sql("v.at < {}", aware(filter.until)))
    return where


def _activity(visible: Visible, arguments: Mapping[str, Any]) -> list[Fragment]:
    return activity_where(arguments.get("filter"))


def _admin(viewer: Viewer) -> bool:
    return viewer.role == Role.ADMIN


ACTIVITY_ORDER = (SortKey("v.id", "sort_id", descending=True, is_number=True),)

ROOTS: dict[str, Root] = {
    "revisions": Picked("ContentRevision", "r", _revisions, admits=_editorial),
    "revisionDiff": Picked(
        "ContentRevision", "r", _revisions, admits=_editorial, reads=("number", "snapshot"), finish=changes
    ),
    "activity": Listing(
        "ActivityEntry",
        "activity v",
        "v",
        _activity,
        ACTIVITY_ORDER,
        accepts=frozenset({"filter", "first", "after"}),
        admits=_admin,
    ),
}
