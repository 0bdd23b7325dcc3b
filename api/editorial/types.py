"""GraphQL types of editorial writes and history."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from api.core.content import PublicationStatus
from api.core.enums import described_enum
from api.core.relay import from_global_id, to_global_id
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
