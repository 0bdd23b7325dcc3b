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
from api.editorial.scope import concerned, may_see_drafts
from api.editorial.types import TYPE_NAMES, ContentRevision, EditorialItem, RevisionChange, as_json, kind_and_slug
from api.editorial.writes import diff, reference_data
from api.protection.errors import ClientError
from models import Review, Revision
from seed import format as fmt
from seed.export import EXPORTERS, MODELS, export_areas, export_organisations
from seed.load import known_data


def _require_editorial(info: Info[Context, Any]) -> None:
    if not info.context.viewer.can_preview:
        raise ClientError("history and seed-form items need an editorial token (Authorization: Bearer <token>)")


def _item(id: str) -> tuple[str, str]:
    found = kind_and_slug(id)
    if found is None:
        raise ClientError(f"'{id}' is not an editable content item")
    return found


async def _history(info: Info[Context, Any], id: str, numbers: list[int] | None = None) -> tuple[str, list[Revision]]:
    """The item's revisions (those numbered, or all), if the token may see its history."""
    _require_editorial(info)
    kind, slug = _item(id)
    viewer = info.context.viewer
    if viewer.municipalities is not None:
        latest = await Revision.filter(item_type=kind, item_slug=slug).order_by("-number").first()
        # Out of scope reads as no history at all: nothing is told about items outside it.
        if latest is None or not may_see_drafts(viewer, (await concerned(kind, [latest.snapshot]))[0]):
            raise ClientError(
                f"'{slug}' has no history this token may see: a token sees the history of items concerning a"
                f" municipality in its scope ({viewer.describe_scope()})"
            )
    rows = Revision.filter(item_type=kind, item_slug=slug)
    if numbers is not None:
        rows = rows.filter(number__in=numbers)
    return slug, await rows.order_by("number")


def _in_key_order(value: Any) -> Any:
    """A snapshot with its objects' keys sorted. PostgreSQL's jsonb keeps keys in an order of its
    own (shorter first), SQLite's JSON text in the order written: sorted, a revision answers the
    same bytes on both, also after a backup has moved the database from one to the other."""
    if isinstance(value, dict):
        return {key: _in_key_order(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_in_key_order(item) for item in value]
    return value


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
                number=row.number,
                author=row.author,
                summary=row.summary,
                created_at=row.created_at,
                deleted=row.deleted,
                snapshot=as_json(_in_key_order(row.snapshot)),
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
        rows = {row.number: _in_key_order(row.snapshot) for row in found}
        for number in (from_, to):
            if number not in rows:
                raise ClientError(f"'{slug}' has no revision {number}")
        return [RevisionChange(path=p, before=b, after=a) for p, b, a in diff(rows[from_], rows[to])]

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
