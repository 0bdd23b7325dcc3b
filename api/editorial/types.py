"""GraphQL types of editorial writes and history."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from api.core.content import PublicationStatus
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


WriteOutcome = strawberry.enum(Outcome, name="WriteOutcome", description="What a write did, or why it did nothing.")


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
