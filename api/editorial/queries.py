"""Editorial reads: history, diffs, and items in their seed form (for `seed pull` and `push`).

`editorialItems` gives a published item with a pending revision as that revision (its content,
number and file): the revision editors and `seed pull`/`push` work on.

History and seed-form items follow the scope rule's reading side (api/editorial/scope.py): a
token sees them of the items it may edit drafts of, judged on the item's latest revision (the
item as stored, or as it was when deleted); admins, and reviewers without a scope, see all.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.context import Context
from api.core.relay import to_global_id
from api.core.sql import Decode, Row
from api.editorial.reads import changes, editable_item, history_guard, history_where, in_key_order
from api.editorial.scope import concerned, may_see_drafts
from api.editorial.types import TYPE_NAMES, ContentRevision, EditorialItem, RevisionChange, as_json
from api.editorial.writes import reference_data
from api.protection.errors import ClientError
from models import Review
from models.sql import sql
from seed import format as fmt
from seed.export import EXPORTERS, MODELS, export_areas, export_organisations
from seed.load import known_data


def _require_editorial(info: Info[Context, Any]) -> None:
    if not info.context.viewer.can_preview:
        raise ClientError("history and seed-form items need an editorial token (Authorization: Bearer <token>)")


async def _history(info: Info[Context, Any], id: str, numbers: list[int] | None = None) -> tuple[str, list[Row]]:
    """The item's revisions (those numbered, or all), if the token may see its history: the
    conditions the compiled path reads them by (api/editorial/reads.py)."""
    _require_editorial(info)
    kind, slug = editable_item(id)
    viewer = info.context.viewer
    guard = history_guard(kind, slug, viewer)
    # Out of scope reads as no history at all: nothing is told about items outside it.
    if guard is not None and not (await info.context.rows(sql("SELECT {} AS shown", guard)))[0]["shown"]:
        raise ClientError(
            f"'{slug}' has no history this token may see: a token sees the history of items concerning a"
            f" municipality in its scope ({viewer.describe_scope()})"
        )
    rows = await info.context.rows(
        sql(
            "SELECT r.number, r.author, r.summary, r.created_at, r.deleted, r.snapshot FROM revision r"
            " WHERE {} ORDER BY r.number",
            history_where(kind, slug, numbers),
        ),
        Decode(datetimes=("created_at",), json=("snapshot",), booleans=("deleted",)),
    )
    return slug, rows


@strawberry.type
class EditorialQuery:
    @strawberry.field(
        description="Every revision of an item, oldest first (also of a deleted item). Editorial token: admins and"
        " reviewers without a scope see every item's; other tokens those of items that concern a municipality in"
        " their scope (as `editorialItems` lists them)."
    )
    async def revisions(
        self,
        info: Info[Context, Any],
        id: Annotated[strawberry.ID, strawberry.argument(description="The item's global ID.")],
    ) -> list[ContentRevision]:
        _, rows = await _history(info, id)
        return [
            ContentRevision(
                number=row["number"],
                author=row["author"],
                summary=row["summary"],
                created_at=row["created_at"],
                deleted=row["deleted"],
                snapshot=as_json(in_key_order(row["snapshot"])),
            )
            for row in rows
        ]

    @strawberry.field(
        description="What changed from one revision of an item to another. Editorial token, with the same scope as"
        " `revisions`."
    )
    async def revision_diff(
        self,
        info: Info[Context, Any],
        id: Annotated[strawberry.ID, strawberry.argument(description="The item's global ID.")],
        from_: Annotated[int, strawberry.argument(name="from", description="The revision number to compare from.")],
        to: Annotated[int, strawberry.argument(description="The revision number to compare to.")],
    ) -> list[RevisionChange]:
        slug, found = await _history(info, id, [from_, to])
        for number in (from_, to):
            if number not in {row["number"] for row in found}:
                raise ClientError(f"'{slug}' has no revision {number}")
        return [RevisionChange(**change) for change in changes(found, {"from_": from_, "to": to})]

    @strawberry.field(
        description="Items in their seed form with revision and file: all for admins and reviewers without a scope;"
        " for other tokens the items that concern a municipality in their scope (an item concerning no"
        " municipality only for the former). Editorial token."
    )
    async def editorial_items(self, info: Info[Context, Any]) -> list[EditorialItem]:
        _require_editorial(info)
        viewer = info.context.viewer
        found = []
        for kind, exporter in EXPORTERS.items():
            revisions = dict(await MODELS[kind].all().values_list("slug", "revision"))
            # A published item's pending revision is the one editors work on (api/editorial/review.py).
            pending = {
                review.item_slug: review
                for review in await Review.filter(item_type=kind, snapshot__isnull=False)
                if review.snapshot is not None
            }
            stored_items = await exporter()
            items = [stored.item for stored in stored_items.values() if isinstance(stored.item, fmt.Item)]
            assert len(items) == len(stored_items)
            municipalities = await concerned(kind, items)
            for (slug, stored), concerns in zip(stored_items.items(), municipalities, strict=True):
                if not may_see_drafts(viewer, concerns):
                    continue
                head = pending.get(slug)
                found.append(
                    EditorialItem(
                        id=to_global_id(TYPE_NAMES[kind], slug),
                        kind=kind,
                        document=(head.document if head else None) or stored.document,
                        revision=head.revision if head else int(revisions[slug]),
                        item=as_json(head.snapshot if head and head.snapshot else fmt.dump(stored.item)),
                    )
                )
        return found

    @strawberry.field(
        description="Organisations and areas in their seed form with their file, and what seed files may refer to."
        " Editorial token."
    )
    async def editorial_references(self, info: Info[Context, Any]) -> JSON:
        _require_editorial(info)
        known = await known_data(reference_data())
        return as_json(
            {
                "organisations": [
                    {"document": document, "item": fmt.dump(organisation)}
                    for _, organisation, document in (await export_organisations()).values()
                ],
                "areas": [
                    {"document": document, "item": fmt.dump(area)}
                    for _, area, document in (await export_areas()).values()
                ],
                "agreements": sorted(known.agreements),
                "contacts": sorted(known.contacts),
                "commitment_keys": {slug: sorted(keys) for slug, keys in known.commitment_keys.items()},
            }
        )
