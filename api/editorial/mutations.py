"""Mutations shared by every kind of content (publish, unpublish, archive, revert) and the
factory of each domain's `<type>Create`, `<type>Update`, `<type>Delete`.

Inputs are the seed file format as one JSON value: editors, the seed files and `seed push` use
one format with one validation, and problems come back with the same field paths as for files.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.context import Context
from api.core import inputs
from api.editorial import activity, workflow, writes
from api.editorial.types import TYPE_NAMES, ContentWritePayload, kind_and_slug
from api.editorial.writes import FieldProblem, Outcome, WriteResult
from models.enums import PublicationStatus

ITEM_DESCRIPTION = "The item in the seed file format (seed/README.md), e.g. as a seed file lists it."
DOCUMENT_DESCRIPTION = "The seed file (stem) the item is exported to; new items default to their slug."
SUMMARY_DESCRIPTION = "A short note for the revision history."
EXPECTED_DESCRIPTION = "The revision the change was made from; if the item has moved on, nothing is written."
OPTIONAL_EXPECTED_DESCRIPTION = (
    "If given, the revision the change was made from: if the item has moved on, nothing is written (CONFLICT)."
)
ID_DESCRIPTION = "The item's global ID."
# The arguments every status change takes.
ItemId = Annotated[strawberry.ID, strawberry.argument(description=ID_DESCRIPTION)]
ExpectedRevision = Annotated[int | None, strawberry.argument(description=OPTIONAL_EXPECTED_DESCRIPTION)]
# The scope rule (api/editorial/scope.py, README "Through the API, with a token"), as each mutation applies it.
DRAFT_SCOPE = (
    " Scope: an editor whose scope covers at least one municipality the item concerns may write a DRAFT; an"
    " item that is or becomes published, scheduled or archived needs every municipality it concerns (before and"
    " after) in scope, and one concerning no municipality an admin. Otherwise DENIED."
)
WHOLE_SCOPE = (
    " Scope: needs every municipality the item concerns (an agreement's municipal parties, a promise's or"
    " follow-up's municipality, a contact's municipalities, a service agreement's municipality) in the token's"
    " scope, or an admin. Otherwise DENIED."
)


def _bad_id(id: str, expected_kind: str | None = None) -> WriteResult:
    wanted = TYPE_NAMES[expected_kind] if expected_kind else "an editable content item"
    return WriteResult(
        Outcome.NOT_FOUND, expected_kind or "agreements", None, problems=[FieldProblem("id", f"'{id}' is not {wanted}")]
    )


def target(id: str, kind: str | None = None) -> tuple[str, str] | WriteResult:
    try:
        found = kind_and_slug(id)
    except inputs.BadInput as error:
        return invalid_arguments(kind or "agreements", error)
    if found is None or (kind is not None and found[0] != kind):
        return _bad_id(id, kind)
    return found


def invalid_arguments(kind: str, error: inputs.BadInput) -> WriteResult:
    """An argument out of bounds (api/core/inputs.py), as a write's refusal naming it."""
    message = error.message.removeprefix(f"'{error.argument}' ")
    return WriteResult(Outcome.INVALID, kind, None, problems=[FieldProblem(error.argument, message)])


def content_mutations(type_name: str, kind: str) -> type:
    """`<type>Create`, `<type>Update` and `<type>Delete` for one kind of content."""
    prefix = type_name[0].lower() + type_name[1:]

    async def create(
        info: Info[Context, Any],
        item: Annotated[JSON, strawberry.argument(description=ITEM_DESCRIPTION)],
        document: Annotated[str | None, strawberry.argument(description=DOCUMENT_DESCRIPTION)] = None,
        summary: Annotated[str | None, strawberry.argument(description=SUMMARY_DESCRIPTION)] = None,
    ) -> ContentWritePayload:
        bad = inputs.refusal(document=document, summary=summary)
        if bad:
            return ContentWritePayload.of(invalid_arguments(kind, bad))
        result = await writes.write(
            info.context.viewer, kind, item, create=True, update=False, document=document, summary=summary
        )
        return ContentWritePayload.of(result)

    async def update(
        info: Info[Context, Any],
        id: ItemId,
        expected_revision: Annotated[int, strawberry.argument(description=EXPECTED_DESCRIPTION)],
        item: Annotated[JSON, strawberry.argument(description=ITEM_DESCRIPTION + " Replaces the whole item.")],
        document: Annotated[str | None, strawberry.argument(description=DOCUMENT_DESCRIPTION)] = None,
        summary: Annotated[str | None, strawberry.argument(description=SUMMARY_DESCRIPTION)] = None,
    ) -> ContentWritePayload:
        found = target(id, kind)
        if isinstance(found, WriteResult):
            return ContentWritePayload.of(found)
        bad = inputs.refusal(document=document, summary=summary)
        if bad:
            return ContentWritePayload.of(invalid_arguments(kind, bad))
        result = await writes.write(
            info.context.viewer,
            kind,
            item,
            slug=found[1],
            create=False,
            update=True,
            expected_revision=expected_revision,
            document=document,
            summary=summary,
        )
        return ContentWritePayload.of(result)

    async def delete(
        info: Info[Context, Any],
        id: ItemId,
        expected_revision: Annotated[int, strawberry.argument(description=EXPECTED_DESCRIPTION)],
        summary: Annotated[str | None, strawberry.argument(description=SUMMARY_DESCRIPTION)] = None,
    ) -> ContentWritePayload:
        found = target(id, kind)
        if isinstance(found, WriteResult):
            return ContentWritePayload.of(found)
        bad = inputs.refusal(summary=summary)
        if bad:
            return ContentWritePayload.of(invalid_arguments(kind, bad))
        return ContentWritePayload.of(
            await writes.delete(info.context.viewer, kind, found[1], expected_revision, summary)
        )

    fields = {
        f"{prefix}_create": strawberry.mutation(
            resolver=create,
            description=f"Create a {type_name} (DRAFT unless the item says otherwise: creating it PUBLISHED is"
            " publishing it)." + DRAFT_SCOPE,
        ),
        f"{prefix}_update": strawberry.mutation(
            resolver=update,
            description=f"Replace a {type_name} as a new revision; taking it away from a municipality needs that"
            " municipality in scope too." + DRAFT_SCOPE,
        ),
        f"{prefix}_delete": strawberry.mutation(
            resolver=delete,
            description=f"Delete one {type_name}; the delete is a revision and `revert` restores it." + WHOLE_SCOPE,
        ),
    }
    return strawberry.type(type(f"{type_name}Mutation", (), fields))


async def _status(
    info: Info[Context, Any], id: str, status: PublicationStatus, expected: int | None, verb: str
) -> ContentWritePayload:
    found = target(id)
    if isinstance(found, WriteResult):
        return ContentWritePayload.of(found)
    kind, slug = found
    viewer = info.context.viewer
    result = await writes.set_status(viewer, kind, slug, status, expected, f"{verb} by {viewer.name}")
    return ContentWritePayload.of(result)


async def _pruned(info: Info[Context, Any], payload: ContentWritePayload) -> ContentWritePayload:
    await activity.prune_now_and_then(info.context.settings.activity_retention_days)
    return payload


REVIEW = (
    " The item's sides: each municipality it concerns and the police (its POLICE parties, else the"
    " lokalpolisområde of its municipalities); a token covers a municipality side by its municipality codes and a"
    " police side by its police units (or one above)."
)


@strawberry.type
class EditorialMutation:
    @strawberry.mutation(
        description="Make an item PUBLISHED (it shows from its publishAt on, if set); with a pending revision, that"
        " revision goes live. Needs an approval of the item's current revision from every side (DENIED names the"
        " sides missing); an admin may publish without, which the activity log and history record."
        + WHOLE_SCOPE
        + REVIEW
    )
    async def publish(
        self, info: Info[Context, Any], id: ItemId, expected_revision: ExpectedRevision = None
    ) -> ContentWritePayload:
        return await _pruned(info, await _status(info, id, PublicationStatus.PUBLISHED, expected_revision, "published"))

    @strawberry.mutation(
        description="Submit the item's current revision (a draft, or a published item's pending revision) for"
        " review: IN_REVIEW until every side approves it, or one requests changes. Scope as for writing a draft."
    )
    async def submit_for_review(
        self,
        info: Info[Context, Any],
        id: ItemId,
        expected_revision: Annotated[int, strawberry.argument(description=EXPECTED_DESCRIPTION)],
    ) -> ContentWritePayload:
        found = target(id)
        if isinstance(found, WriteResult):
            return ContentWritePayload.of(found)
        result = await workflow.submit(info.context.viewer, found[0], found[1], expected_revision)
        return await _pruned(info, ContentWritePayload.of(result))

    @strawberry.mutation(
        description="Approve a revision in review for every side of the item the token covers (an edit makes the"
        " approval void: it names the revision). CONFLICT when the item is at another revision; DENIED when the"
        " token covers no side." + REVIEW
    )
    async def approve(
        self,
        info: Info[Context, Any],
        id: ItemId,
        revision: Annotated[int, strawberry.argument(description="The revision approved: the one under review.")],
    ) -> ContentWritePayload:
        found = target(id)
        if isinstance(found, WriteResult):
            return ContentWritePayload.of(found)
        result = await workflow.approve(info.context.viewer, found[0], found[1], revision)
        return await _pruned(info, ContentWritePayload.of(result))

    @strawberry.mutation(
        description="Send a revision in review back (CHANGES_REQUESTED) with a comment; the approvals given are"
        " void. Needs a side of the item the token covers." + REVIEW
    )
    async def request_changes(
        self,
        info: Info[Context, Any],
        id: ItemId,
        revision: Annotated[int, strawberry.argument(description="The revision under review.")],
        comment: Annotated[str, strawberry.argument(description="What should change (at most 5,000 characters).")],
    ) -> ContentWritePayload:
        found = target(id)
        if isinstance(found, WriteResult):
            return ContentWritePayload.of(found)
        result = await workflow.request_changes(info.context.viewer, found[0], found[1], revision, comment)
        return await _pruned(info, ContentWritePayload.of(result))

    @strawberry.mutation(description="Take an item back to DRAFT." + WHOLE_SCOPE)
    async def unpublish(
        self, info: Info[Context, Any], id: ItemId, expected_revision: ExpectedRevision = None
    ) -> ContentWritePayload:
        return await _status(info, id, PublicationStatus.DRAFT, expected_revision, "unpublished")

    @strawberry.mutation(description="Make an item ARCHIVED: kept, not shown." + WHOLE_SCOPE)
    async def archive(
        self, info: Info[Context, Any], id: ItemId, expected_revision: ExpectedRevision = None
    ) -> ContentWritePayload:
        return await _status(info, id, PublicationStatus.ARCHIVED, expected_revision, "archived")

    @strawberry.mutation(
        description="Restore a revision as a new revision (also brings back a deleted item). The municipalities"
        " of the item now and of the revision restored count." + WHOLE_SCOPE
    )
    async def revert(
        self,
        info: Info[Context, Any],
        id: ItemId,
        revision: Annotated[int, strawberry.argument(description="The number of the revision to restore.")],
        expected_revision: ExpectedRevision = None,
    ) -> ContentWritePayload:
        found = target(id)
        if isinstance(found, WriteResult):
            return ContentWritePayload.of(found)
        kind, slug = found
        return ContentWritePayload.of(await writes.revert(info.context.viewer, kind, slug, revision, expected_revision))
