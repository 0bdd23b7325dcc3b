"""GraphQL types of editorial writes and history."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from api.core.content import PublicationStatus
from api.core.enums import described_enum
from api.core.relay import PageInfo, from_global_id, to_global_id
from api.editorial.review import ReviewState, SideKind
from api.editorial.writes import Outcome, WriteResult

TYPE_NAMES = {
    "agreements": "Agreement",
    "citizen_promises": "CitizenPromise",
    "follow_ups": "FollowUp",
    "service_agreements": "ServiceAgreement",
    "contacts": "Contact",
}
KINDS = {type_name: kind for kind, type_name in TYPE_NAMES.items()}


def kind_and_slug(id: str) -> tuple[str, str] | None:
    """The content kind and slug of a global ID, or None when it names no editable item."""
    type_name, slug = from_global_id(id)
    kind = KINDS.get(type_name)
    return (kind, slug) if kind else None


WriteOutcome = described_enum(
    Outcome,
    "What a write did, or why it did nothing.",
    {
        "CREATED": "A new item was stored (revision 1).",
        "UPDATED": "The item was changed; a new revision was recorded.",
        "UNCHANGED": "The item already was as asked; nothing was written.",
        "DELETED": "The item was deleted; the deletion is a revision, and `revert` brings it back.",
        "INVALID": "The input is wrong (see `problems`); nothing was written.",
        "DENIED": "The token may not do this (problem on `(access)`); nothing was written.",
        "CONFLICT": (
            "Someone else got there first: the item moved on since `expectedRevision`, the slug of a create exists,"
            " or another write held the item; nothing was written (`revision` is the current one)."
        ),
        "NOT_FOUND": "No such item (or revision); nothing was written.",
    },
    name="WriteOutcome",
)
ReviewStateType = described_enum(
    ReviewState,
    "Where an item stands in the review workflow: DRAFT → IN_REVIEW → APPROVED (every side approved the current"
    " revision) → PUBLISHED; CHANGES_REQUESTED sends it back; ARCHIVED.",
    {
        "DRAFT": "Being written; any edit of an item in review or approved brings it back here.",
        "IN_REVIEW": "Submitted for review (`submitForReview`); waiting for an approval from every side.",
        "APPROVED": "Every side approved the current revision; `publish` may now make it public.",
        "CHANGES_REQUESTED": "A side asked for changes (`requestChanges`, with a comment); back with its editors.",
        "PUBLISHED": "Public (inside its `publishAt`/`unpublishAt` schedule).",
        "ARCHIVED": "Taken out of the public reads and kept.",
    },
    name="ReviewState",
)
SideKindType = described_enum(
    SideKind,
    "A side of an item in its review: who must approve it before it is published.",
    {
        "MUNICIPALITY": "A municipality (kommun) the item concerns; covered by a token for its kommunkod.",
        "POLICE": (
            "The police: the item's police parties, or for an item without printed parties its municipality's"
            " lokalpolisområde; covered by a token for that unit or a unit above it."
        ),
    },
    name="ReviewSideKind",
)


@strawberry.type(description="A problem with a write: where in the input and what is wrong.")
class FieldProblem:
    field: str = strawberry.field(
        description='A path in the item as in seed files, e.g. "commitments[2].text"; "(item)" for the whole item,'
        ' "(access)" for the token or its scope (the message names the municipalities missing),'
        ' "expectedRevision" for a conflict.'
    )
    message: str = strawberry.field(description="What is wrong, in words an editor can act on.")


@strawberry.type(description="The result of a write. Nothing was changed unless `ok`.")
class ContentWritePayload:
    outcome: WriteOutcome = strawberry.field(description="What the write did, or why it did nothing.")  # type: ignore[valid-type]
    ok: bool = strawberry.field(description="The write was done (CREATED, UPDATED, UNCHANGED or DELETED).")
    id: strawberry.ID | None = strawberry.field(description="The item's global ID, when it is known.")
    slug: str | None = strawberry.field(description="The item's slug, when it is known.")
    revision: int | None = strawberry.field(description="The item's revision now (after a conflict: the current one).")
    status: PublicationStatus | None = strawberry.field(description="The item's status now, when it exists.")
    item: JSON | None = strawberry.field(description="The item in the seed file format, as stored after the write.")
    problems: list[FieldProblem] = strawberry.field(description="Why nothing was written; empty when `ok`.")
    review_state: ReviewStateType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Where the item stands in the review workflow after the write."
    )
    pending: bool = strawberry.field(
        default=False,
        description="The change is the pending revision of a published item: the public reads the live revision"
        " until this one is approved by every side and published. `item` and `revision` are the pending one's.",
    )

    @classmethod
    def of(cls, result: WriteResult) -> ContentWritePayload:
        return cls(
            outcome=result.outcome,
            ok=result.ok,
            id=to_global_id(TYPE_NAMES[result.kind], result.slug) if result.slug else None,
            slug=result.slug,
            revision=result.revision,
            status=PublicationStatus(result.status) if result.status else None,
            item=as_json(result.item),
            problems=[FieldProblem(field=p.field, message=p.message) for p in result.problems],
            review_state=ReviewState(result.review_state) if result.review_state else None,
            pending=result.pending,
        )


@strawberry.type(description="One stored version of a content item.")
class ContentRevision:
    number: int = strawberry.field(description="The revision's number, from 1; the item's `revision` is the latest.")
    author: str = strawberry.field(description='The token name, or "seed" for the seed loader.')
    summary: str = strawberry.field(description="The note given with the change (or one saying what was done).")
    created_at: dt.datetime = strawberry.field(description="When the revision was made.")
    deleted: bool = strawberry.field(description="This revision records the item's deletion (its last content).")
    snapshot: JSON = strawberry.field(description="The whole item in the seed file format.")


@strawberry.type(description="One changed value between two revisions.")
class RevisionChange:
    path: str = strawberry.field(description='e.g. "commitments[1].text".')
    before: JSON | None = strawberry.field(description="The value in the `from` revision (null: not there).")
    after: JSON | None = strawberry.field(description="The value in the `to` revision (null: not there).")


@strawberry.type(description="An item in its seed form with what an editor needs to change it.")
class EditorialItem:
    id: strawberry.ID = strawberry.field(description="The item's global ID, as mutations take it.")
    kind: str = strawberry.field(description='The seed file list it belongs in, e.g. "citizen_promises".')
    document: str = strawberry.field(description="The seed file (stem) it is kept in.")
    revision: int = strawberry.field(description="Its current revision, the `expectedRevision` of an update.")
    item: JSON = strawberry.field(description="The whole item in the seed file format.")


def as_json(value: Any) -> JSON:
    """Plain JSON data (dicts, lists, text, numbers) as the JSON scalar."""
    return cast("JSON", value)


@strawberry.type(description="One side of an item in its review, and its approval of the current revision.")
class ReviewSide:
    kind: SideKindType = strawberry.field(description="A municipality or the police.")  # type: ignore[valid-type]
    key: str = strawberry.field(description="The kommunkod, or the police unit's slug.")
    approved: bool = strawberry.field(description="A token covering this side approved the revision under review.")
    approved_by: str | None = strawberry.field(description="The name of the token that approved it.")


@strawberry.type(description="An item waiting in review, for a side the viewer covers.")
class ReviewQueueItem:
    id: strawberry.ID = strawberry.field(description="The item's global ID.")
    kind: str = strawberry.field(description='The seed file list it belongs in, e.g. "citizen_promises".')
    slug: str = strawberry.field(description="The item's slug, as in its seed file.")
    revision: int = strawberry.field(description="The revision under review; `approve` names it.")
    state: ReviewStateType = strawberry.field(description="Where the item stands in its review.")  # type: ignore[valid-type]
    pending: bool = strawberry.field(
        description="A pending revision of a published item (the public sees the live one)."
    )
    comment: str | None = strawberry.field(description="The comment of a request for changes.")
    submitted_by: str = strawberry.field(description="The name of the token that submitted it for review.")
    updated_at: dt.datetime = strawberry.field(description="When the review last changed (submission, approval).")
    sides: list[ReviewSide] = strawberry.field(
        description="Every side that must approve, municipalities first (by kommunkod), then the police."
    )
    item: JSON = strawberry.field(description="The revision under review in the seed file format.")


@strawberry.type(description="An item in review with its cursor (Relay connection edge).")
class ReviewQueueEdge:
    cursor: str = strawberry.field(description="Where this item is in the list; pass it as `after`.")
    node: ReviewQueueItem = strawberry.field(description="The item in review.")


@strawberry.type(description="Items waiting in review, oldest change first.")
class ReviewQueueConnection:
    edges: list[ReviewQueueEdge] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Whether there are more pages, and the cursors at its ends.")
    total_count: int = strawberry.field(description="How many items are in the whole list, across pages.")


@strawberry.type(description="One entry of the activity log.")
class ActivityEntry:
    id: strawberry.ID = strawberry.field(description="The entry's global ID.")
    at: dt.datetime = strawberry.field(description="When it happened (UTC).")
    token_name: str = strawberry.field(
        description='The token\'s name ("anonymous" without one; "cli" for the command line).'
    )
    action: str = strawberry.field(
        description="create, update, delete, copy, publish, unpublish, archive, revert, submit, approve,"
        " request_changes, token_create, token_revoke."
    )
    item_id: strawberry.ID | None = strawberry.field(description="The global ID of the item, when there is one.")
    item_kind: str | None = strawberry.field(description='The seed file list of the item, e.g. "citizen_promises".')
    item_slug: str | None = strawberry.field(description="The item's slug.")
    revision: int | None = strawberry.field(
        description="The item's revision the action made or named; null for a refused attempt."
    )
    result: str = strawberry.field(description="The write's outcome: CREATED, UPDATED, DENIED, CONFLICT, …")
    message: str | None = strawberry.field(description="Why it was refused, or a note (e.g. published by an admin).")
    request_id: str = strawberry.field(description="The request's id (the X-Request-Id response header).")


@strawberry.type(description="An activity log entry with its cursor (Relay connection edge).")
class ActivityEdge:
    cursor: str = strawberry.field(description="Where this entry is in the list; pass it as `after`.")
    node: ActivityEntry = strawberry.field(description="The entry.")


@strawberry.type(description="Activity log entries, newest first.")
class ActivityConnection:
    edges: list[ActivityEdge] = strawberry.field(description="The entries of this page.")
    page_info: PageInfo = strawberry.field(description="Whether there are more pages, and the cursors at its ends.")
    total_count: int = strawberry.field(description="How many entries match, across pages.")


@strawberry.input(description="Which activity log entries to list; every field given must match.")
class ActivityFilter:
    token_name: str | None = strawberry.field(default=None, description="Only this token's entries (its name).")
    action: str | None = strawberry.field(default=None, description="Only this action, e.g. publish or approve.")
    result: str | None = strawberry.field(default=None, description="Only this result, e.g. DENIED.")
    item_id: strawberry.ID | None = strawberry.field(default=None, description="The global ID of the item.")
    since: dt.datetime | None = strawberry.field(default=None, description="Only entries at or after this moment.")
    until: dt.datetime | None = strawberry.field(default=None, description="Only entries before this moment.")
