"""Editorial reads of the workflow: the review queue and the activity log.

`reviewQueue` lists the items IN_REVIEW with a side the viewer covers (api/editorial/review.py),
with which sides have approved the revision under review. Which sides an item has depends on
its content, so the whole queue is judged (every item in review: one query for the review rows,
one per kind for the items and their sides, one for the approvals) and then paged: linear in
the number of items in review, which the workflow keeps small (items leave it when published
or sent back). `activity` (admins only) pages the log newest first by its id, with filters that
are indexed columns (token name, item, time): the declared list (api/editorial/reads.py), which
the compiled path answers in one statement; this resolver is the reference path's.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core import inputs
from api.core.pagination import paginate
from api.core.relay import After, First, PageInfo, encode_cursor, page_request, to_global_id
from api.core.sql import Decode, Row
from api.editorial.access import Role
from api.editorial.reads import ACTIVITY_ORDER, activity_where
from api.editorial.review import ReviewState, approvals_by_item, covered, sides_of
from api.editorial.types import (
    TYPE_NAMES,
    ActivityConnection,
    ActivityEdge,
    ActivityEntry,
    ActivityFilter,
    ReviewQueueConnection,
    ReviewQueueEdge,
    ReviewQueueItem,
    ReviewSide,
    as_json,
)
from api.protection.errors import ClientError
from models import Review
from seed import format as fmt
from seed.export import EXPORTERS


async def review_queue(info: Info[Context, Any], first: int | None, after: str | None) -> ReviewQueueConnection:
    viewer = info.context.viewer
    if not viewer.can_write:
        raise ClientError("the review queue needs an editorial token with the role editor or admin")
    settings = info.context.settings
    request = page_request(first, after, default=settings.default_page_size, maximum=settings.max_page_size, keys=1)
    reviews = await Review.filter(state=ReviewState.IN_REVIEW.value).order_by("id")
    by_kind: dict[str, list[Review]] = defaultdict(list)
    for review in reviews:
        if review.item_type in EXPORTERS:
            by_kind[review.item_type].append(review)
    contents: dict[int, Any] = {}
    for kind, rows in by_kind.items():
        live = await EXPORTERS[kind]([row.item_slug for row in rows if row.snapshot is None])
        for row in rows:
            if row.snapshot is not None:
                contents[row.id] = row.snapshot
            elif row.item_slug in live and isinstance(live[row.item_slug].item, fmt.Item):
                contents[row.id] = fmt.dump(live[row.item_slug].item)
    sides: dict[int, Any] = {}
    for kind, rows in by_kind.items():
        present = [row for row in rows if row.id in contents]
        for row, found in zip(present, await sides_of(kind, [contents[row.id] for row in present]), strict=True):
            sides[row.id] = found
    approvals = await approvals_by_item([(row.item_type, row.item_slug, row.revision) for row in reviews])
    shown = []
    for review in reviews:
        if review.id not in sides or not await covered(viewer, sides[review.id]):
            continue
        shown.append(review)
    total = len(shown)
    start = request.after[0] if request.after else None
    if start is not None:
        if not isinstance(start, int) or isinstance(start, bool):
            raise inputs.BadInput("after", "is not a cursor this list gave out")
        shown = [review for review in shown if review.id > start]
    page = shown[: request.first]
    edges = []
    for review in page:
        approved = approvals.get((review.item_type, review.item_slug), {})
        item_sides = sides[review.id]
        complete = all(side.id in approved for side in item_sides)
        edges.append(
            ReviewQueueEdge(
                cursor=encode_cursor([review.id]),
                node=ReviewQueueItem(
                    id=to_global_id(TYPE_NAMES[review.item_type], review.item_slug),
                    kind=review.item_type,
                    slug=review.item_slug,
                    revision=review.revision,
                    state=ReviewState.APPROVED if complete else ReviewState.IN_REVIEW,
                    pending=review.snapshot is not None,
                    comment=review.comment,
                    submitted_by=review.author,
                    updated_at=review.updated_at,
                    sides=[
                        ReviewSide(
                            kind=side.kind,
                            key=side.key,
                            approved=side.id in approved,
                            approved_by=approved.get(side.id),
                        )
                        for side in item_sides
                    ],
                    item=as_json(contents[review.id]),
                ),
            )
        )
    return ReviewQueueConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(shown) > request.first,
            has_previous_page=request.after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


async def activity_log(
    info: Info[Context, Any], first: int | None, after: str | None, filter: ActivityFilter | None
) -> ActivityConnection:
    viewer = info.context.viewer
    if viewer.role != Role.ADMIN:
        raise ClientError("the activity log needs an admin token (Authorization: Bearer <token>)")
    inputs.check(filter=filter)
    settings = info.context.settings
    request = page_request(first, after, default=settings.default_page_size, maximum=settings.max_page_size, keys=1)
    page = await paginate(
        info.context,
        columns="v.id, v.at, v.token_name, v.action, v.item_type, v.item_slug, v.revision, v.result, v.message,"
        " v.request_id",
        tables="activity v",
        where=activity_where(filter),
        keys=ACTIVITY_ORDER,
        request=request,
        build=_entry,
        decode=Decode(datetimes=("at",)),
    )
    return ActivityConnection(
        edges=[ActivityEdge(cursor=edge.cursor, node=edge.node) for edge in page.edges],
        page_info=page.page_info,
        total_count=page.total_count,
    )


def _entry(row: Row) -> ActivityEntry:
    return ActivityEntry(
        id=strawberry.ID(str(row["id"])),
        at=row["at"],
        token_name=row["token_name"],
        action=row["action"],
        item_id=to_global_id(TYPE_NAMES[row["item_type"]], row["item_slug"])
        if row["item_type"] in TYPE_NAMES and row["item_slug"]
        else None,
        item_kind=row["item_type"],
        item_slug=row["item_slug"],
        revision=row["revision"],
        result=row["result"],
        message=row["message"],
        request_id=row["request_id"],
    )


@strawberry.type
class WorkflowQuery:
    @strawberry.field(
        description="Items in review with a side the token covers (its municipalities; its police units and those"
        " below them), each with its sides and which have approved the revision under review. Editor or admin"
        " token."
    )
    async def review_queue(
        self, info: Info[Context, Any], first: First = None, after: After = None
    ) -> ReviewQueueConnection:
        return await review_queue(info, first, after)

    @strawberry.field(
        description="The activity log, newest first: every editorial write, review step and token change, and every"
        " refused attempt. Admin token."
    )
    async def activity(
        self,
        info: Info[Context, Any],
        first: First = None,
        after: After = None,
        filter: Annotated[
            ActivityFilter | None, strawberry.argument(description="Only the entries that match every field given.")
        ] = None,
    ) -> ActivityConnection:
        return await activity_log(info, first, after, filter)


__all__ = ["WorkflowQuery"]
