"""What the editorial reads read, declared once (api/compiled/declare.py).

The activity log (`activity`, admins only) is rows of one table paged newest first by id: the
compiler answers it in one statement with its filters, `totalCount` and cursors, as
api/editorial/review_queries.py's resolver, which the reference path runs and which words the
refusal of anyone else (the compiler declines them, `Listing.admits`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from api.compiled.declare import GlobalId, Listing, Root, Table, Value, Visible
from api.core import inputs
from api.core.pagination import SortKey
from api.editorial.access import Role, Viewer
from api.editorial.types import TYPE_NAMES, ActivityFilter, kind_and_slug
from models.sql import Fragment, sql

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
        "at": Value("{c}.at", "datetime"),
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

DECLARED = (ACTIVITY_ENTRY,)


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
