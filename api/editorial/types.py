"""GraphQL types of editorial writes and history."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from api.core.content import PublicationStatus
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


WriteOutcome = strawberry.enum(Outcome, name="WriteOutcome", description="What a write did, or why it did nothing.")
ReviewStateType = strawberry.enum(
    ReviewState,
    name="ReviewState",
    description="Where an item stands in the review workflow: DRAFT → IN_REVIEW → APPROVED (every side approved the"
    " current revision) → PUBLISHED; CHANGES_REQUESTED sends it back; ARCHIVED.",
)
SideKindType = strawberry.enum(SideKind, name="ReviewSideKind", description="A side of an item in its review.")


@strawberry.type(description="A problem with a write: where in the input and what is wrong.")
class FieldProblem:
    field: str = strawberry.field(
        description='A path in the item as in seed files, e.g. "commitments[2].text"; "(item)" for the whole item,'
        ' "(access)" for the token or its scope (the message names the municipalities missing),'
        ' "expectedRevision" for a conflict.'
    )
    message: str


@strawberry.type(description="The result of a write. Nothing was changed unless `ok`.")
class ContentWritePayload:
    outcome: WriteOutcome  # type: ignore[valid-type]
    ok: bool
    id: strawberry.ID | None
    slug: str | None
    revision: int | None = strawberry.field(description="The item's revision now (after a conflict: the current one).")
    status: PublicationStatus | None
    item: JSON | None = strawberry.field(description="The item in the seed file format, as stored after the write.")
    problems: list[FieldProblem]
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
    number: int
    author: str = strawberry.field(description='The token name, or "seed" for the seed loader.')
    summary: str
    created_at: dt.datetime
    deleted: bool = strawberry.field(description="This revision records the item's deletion (its last content).")
    snapshot: JSON = strawberry.field(description="The whole item in the seed file format.")


@strawberry.type(description="One changed value between two revisions.")
class RevisionChange:
    path: str = strawberry.field(description='e.g. "commitments[1].text".')
    before: JSON | None
    after: JSON | None


@strawberry.type(description="An item in its seed form with what an editor needs to change it.")
class EditorialItem:
    id: strawberry.ID
    kind: str = strawberry.field(description='The seed file list it belongs in, e.g. "citizen_promises".')
    document: str = strawberry.field(description="The seed file (stem) it is kept in.")
    revision: int
    item: JSON


def as_json(value: Any) -> JSON:
    """Plain JSON data (dicts, lists, text, numbers) as the JSON scalar."""
    return cast("JSON", value)


@strawberry.type(description="One side of an item in its review, and its approval of the current revision.")
class ReviewSide:
    kind: SideKindType  # type: ignore[valid-type]
    key: str = strawberry.field(description="The kommunkod, or the police unit's slug.")
    approved: bool
    approved_by: str | None = strawberry.field(description="The name of the token that approved it.")


@strawberry.type(description="An item waiting in review, for a side the viewer covers.")
class ReviewQueueItem:
    id: strawberry.ID
    kind: str = strawberry.field(description='The seed file list it belongs in, e.g. "citizen_promises".')
    slug: str
    revision: int = strawberry.field(description="The revision under review; `approve` names it.")
    state: ReviewStateType  # type: ignore[valid-type]
    pending: bool = strawberry.field(
        description="A pending revision of a published item (the public sees the live one)."
    )
    comment: str | None = strawberry.field(description="The comment of a request for changes.")
    submitted_by: str
    updated_at: dt.datetime
    sides: list[ReviewSide]
    item: JSON = strawberry.field(description="The revision under review in the seed file format.")


@strawberry.type
class ReviewQueueEdge:
    cursor: str
    node: ReviewQueueItem


@strawberry.type(description="Items waiting in review, oldest change first.")
class ReviewQueueConnection:
    edges: list[ReviewQueueEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="One entry of the activity log.")
class ActivityEntry:
    id: strawberry.ID
    at: dt.datetime
    token_name: str = strawberry.field(
        description='The token\'s name ("anonymous" without one; "cli" for the command line).'
    )
    action: str = strawberry.field(
        description="create, update, delete, copy, publish, unpublish, archive, revert, submit, approve,"
        " request_changes, token_create, token_revoke."
    )
    item_id: strawberry.ID | None
    item_kind: str | None
    item_slug: str | None
    revision: int | None
    result: str = strawberry.field(description="The write's outcome: CREATED, UPDATED, DENIED, CONFLICT, …")
    message: str | None
    request_id: str


@strawberry.type
class ActivityEdge:
    cursor: str
    node: ActivityEntry


@strawberry.type(description="Activity log entries, newest first.")
class ActivityConnection:
    edges: list[ActivityEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input(description="Which activity log entries to list; every field given must match.")
class ActivityFilter:
    token_name: str | None = None
    action: str | None = None
    result: str | None = None
    item_id: strawberry.ID | None = strawberry.field(default=None, description="The global ID of the item.")
    since: dt.datetime | None = None
    until: dt.datetime | None = None
