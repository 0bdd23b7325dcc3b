"""Editorial writes: every change goes through the seed writer (one writing code), the seed
validation (one validation), a scope check, and one transaction with a revision check.

Results are data, never exceptions: what happened, and for a refusal which field and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from tortoise.transactions import in_transaction

from api.editorial.access import Viewer
from api.editorial.scope import KIND_NAMES, STATUS_ACTIONS, Action, refusal, state_of
from models import CitizenPromise, CitizenPromiseContact, FollowUp, Revision
from models.enums import PublicationStatus
from seed import format as fmt
from seed.changes import content_deleted
from seed.export import EXPORTERS, MODELS, Stored
from seed.load import RevisionConflict, Writer, comparable, known_data
from seed.reference import ReferenceData, read_reference
from seed.validate import validate_item


class Outcome(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    DELETED = "DELETED"
    INVALID = "INVALID"
    DENIED = "DENIED"
    CONFLICT = "CONFLICT"
    NOT_FOUND = "NOT_FOUND"


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


@dataclass
class WriteResult:
    outcome: Outcome
    kind: str
    slug: str | None
    revision: int | None = None
    status: str | None = None
    item: dict[str, Any] | None = None
    problems: list[FieldProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome in {Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.DELETED}


def _refused(outcome: Outcome, kind: str, slug: str | None, where: str, message: str) -> WriteResult:
    return WriteResult(outcome, kind, slug, problems=[FieldProblem(where, message)])


@cache
def reference_data() -> ReferenceData:
    return read_reference()


async def stored_item(kind: str, slug: str) -> Stored | None:
    return (await EXPORTERS[kind]([slug])).get(slug)


async def current_revision(kind: str, slug: str) -> int | None:
    found = await MODELS[kind].filter(slug=slug).values_list("revision", flat=True)
    return int(str(found[0])) if found else None


async def validate(kind: str, data: Any) -> tuple[fmt.Item | None, list[FieldProblem]]:
    """The seed validation of one item, with paths relative to the item."""
    if not isinstance(data, dict):
        return None, [FieldProblem("(item)", "the item must be an object in the seed file format")]
    item, problems = validate_item(kind, data, await known_data(reference_data()))
    prefix = f"{kind}[0]"
    found = [FieldProblem(p.field.removeprefix(prefix).removeprefix(".") or "(item)", p.message) for p in problems]
    if found or item is None:
        return None, found or [FieldProblem("(item)", "not a valid item")]
    assert isinstance(item, fmt.Item)
    return item, []


async def write(
    viewer: Viewer,
    kind: str,
    data: Any,
    *,
    slug: str | None = None,
    create: bool,
    update: bool,
    expected_revision: int | None = None,
    document: str | None = None,
    summary: str | None = None,
    action: Action | None = None,
) -> WriteResult:
    """Create (`create`) or replace (`update`) one item from seed-format data.

    With `slug`, the item must keep that slug (slugs are the stable public key). `action` is what
    the scope rule judges (api/editorial/scope.py); by default creating or changing."""
    general = viewer.write_refusal()
    if general:
        return _refused(Outcome.DENIED, kind, slug, "(access)", general)
    if isinstance(data, dict) and slug is not None:
        data = {"slug": slug, **data}
        if data["slug"] != slug:
            return _refused(Outcome.INVALID, kind, slug, "slug", f"a slug never changes; this item's is '{slug}'")
    item, problems = await validate(kind, data)
    if item is None:
        return WriteResult(Outcome.INVALID, kind, slug, problems=problems)
    try:
        async with in_transaction():
            return await _write(viewer, kind, item, create, update, expected_revision, document, summary, action)
    except RevisionConflict as conflict:
        return await _conflict(kind, item.slug, conflict.expected)


async def _conflict(kind: str, slug: str, expected: int) -> WriteResult:
    current = await current_revision(kind, slug)
    message = (
        f"{KIND_NAMES[kind]} '{slug}' is at revision {current}, not {expected}: someone else changed it;"
        " reload it and apply your change again"
    )
    return WriteResult(
        Outcome.CONFLICT, kind, slug, revision=current, problems=[FieldProblem("expectedRevision", message)]
    )


async def _write(
    viewer: Viewer,
    kind: str,
    item: fmt.Item,
    create: bool,
    update: bool,
    expected: int | None,
    document: str | None,
    summary: str | None,
    action: Action | None,
) -> WriteResult:
    name = KIND_NAMES[kind]
    stored = await stored_item(kind, item.slug)
    # Scope first, so that nothing more about items outside it is told. The stored state and the
    # municipalities of both states are read here, in the write's transaction.
    before = None
    if stored is not None:
        assert isinstance(stored.item, fmt.Item)
        before = await state_of(kind, stored.item)
    action = action or (Action.UPDATE if stored else Action.CREATE)
    denied = refusal(viewer, kind, item.slug, action, before, await state_of(kind, item))
    if denied:
        return _refused(Outcome.DENIED, kind, item.slug, "(access)", denied + "; nothing was changed")
    if stored is None and not create:
        return _refused(Outcome.NOT_FOUND, kind, item.slug, "id", f"there is no {name} '{item.slug}'")
    if stored is not None and not update:
        return _refused(Outcome.INVALID, kind, item.slug, "slug", f"there already is a {name} '{item.slug}'")
    writer = Writer(author=viewer.name, from_files=False)
    if stored is not None:
        current = await current_revision(kind, item.slug)
        # The same content is no change, whatever revision it was based on: nothing to lose.
        if comparable(stored.item, item) == item and (document is None or document == stored.document):
            status = getattr(stored.item, "status", None)
            return WriteResult(Outcome.UNCHANGED, kind, item.slug, current, status, fmt.dump(stored.item))
        if expected is not None and expected != current:
            raise RevisionConflict(kind, item.slug, expected)
    await writer.prepare()
    _, revision = await writer.save(
        kind,
        item,
        document or (stored.document if stored else item.slug),
        stored,
        summary=summary or f"{'updated' if stored else 'created'} by {viewer.name}",
        expected_revision=expected,
    )
    final = writer.final or item
    return WriteResult(
        Outcome.UPDATED if stored else Outcome.CREATED, kind, item.slug, revision, final.status, fmt.dump(final)
    )


async def delete(viewer: Viewer, kind: str, slug: str, expected: int | None, summary: str | None = None) -> WriteResult:
    general = viewer.write_refusal()
    if general:
        return _refused(Outcome.DENIED, kind, slug, "(access)", general)
    try:
        async with in_transaction():
            stored = await stored_item(kind, slug)
            if stored is None:
                return _refused(Outcome.NOT_FOUND, kind, slug, "id", f"there is no {KIND_NAMES[kind]} '{slug}'")
            assert isinstance(stored.item, fmt.Item)
            denied = refusal(viewer, kind, slug, Action.DELETE, await state_of(kind, stored.item), None)
            if denied:
                return _refused(Outcome.DENIED, kind, slug, "(access)", denied + "; nothing was changed")
            blocker = await _still_used(kind, stored.id)
            if blocker:
                return _refused(Outcome.INVALID, kind, slug, "id", blocker)
            current = await current_revision(kind, slug)
            assert current is not None
            expected = current if expected is None else expected
            if not await MODELS[kind].filter(id=stored.id, revision=expected).update(revision=expected + 1):
                raise RevisionConflict(kind, slug, expected)
            await content_deleted(kind, [stored.id])
            await Revision.create(
                item_type=kind,
                item_slug=slug,
                number=expected + 1,
                snapshot=fmt.dump(stored.item),
                deleted=True,
                author=viewer.name,
                summary=(summary or f"deleted by {viewer.name}")[:500],
            )
            await MODELS[kind].filter(id=stored.id).delete()
            return WriteResult(Outcome.DELETED, kind, slug, expected + 1, item=fmt.dump(stored.item))
    except RevisionConflict as conflict:
        return await _conflict(kind, slug, conflict.expected)


async def _still_used(kind: str, item_id: int) -> str | None:
    if kind == "agreements":
        used = await CitizenPromise.filter(agreement_id=item_id).values_list("slug", flat=True)
        what = "citizen promises"
    elif kind == "citizen_promises":
        used = await FollowUp.filter(citizen_promise_id=item_id).values_list("slug", flat=True)
        what = "follow-ups"
    elif kind == "contacts":
        used = await CitizenPromiseContact.filter(contact_id=item_id).values_list("citizen_promise__slug", flat=True)
        what = "citizen promises"
    else:
        return None
    if not used:
        return None
    return f"still referred to by the {what} {', '.join(sorted(str(s) for s in used))}; change or delete those first"


async def set_status(
    viewer: Viewer, kind: str, slug: str, status: PublicationStatus, expected: int | None, summary: str
) -> WriteResult:
    stored = await stored_item(kind, slug)
    if stored is None:
        general = viewer.write_refusal()
        if general:
            return _refused(Outcome.DENIED, kind, slug, "(access)", general)
        return _refused(Outcome.NOT_FOUND, kind, slug, "id", f"there is no {KIND_NAMES[kind]} '{slug}'")
    data = fmt.dump(stored.item.model_copy(update={"status": status}))
    return await write(
        viewer,
        kind,
        data,
        slug=slug,
        create=False,
        update=True,
        expected_revision=expected,
        summary=summary,
        action=STATUS_ACTIONS[status],
    )


async def revert(viewer: Viewer, kind: str, slug: str, number: int, expected: int | None) -> WriteResult:
    """Restore revision `number` as a new revision; after a delete, this brings the item back."""
    revision = await Revision.get_or_none(item_type=kind, item_slug=slug, number=number)
    if revision is None:
        general = viewer.write_refusal()
        if general:
            return _refused(Outcome.DENIED, kind, slug, "(access)", general)
        return _refused(
            Outcome.NOT_FOUND, kind, slug, "revision", f"{KIND_NAMES[kind]} '{slug}' has no revision {number}"
        )
    if revision.deleted:
        return _refused(
            Outcome.INVALID, kind, slug, "revision", f"revision {number} records the delete; revert to one before it"
        )
    return await write(
        viewer,
        kind,
        revision.snapshot,
        slug=slug,
        create=True,
        update=True,
        expected_revision=expected,
        summary=f"reverted to revision {number} by {viewer.name}",
        action=Action.REVERT,
    )


def next_period_slug(slug: str, period: fmt.Period) -> str:
    years = str(period.start.year)
    if period.end is not None and period.end.year != period.start.year:
        years += f"-{period.end.year}"
    return re.sub(r"(-\d{4})+$", "", slug) + "-" + years


async def copy_promise(
    viewer: Viewer, slug: str, period: fmt.Period, new_slug: str | None, title: str | None
) -> WriteResult:
    """Start the next period's medborgarlöfte as a draft from this one (the yearly cycle)."""
    stored = await stored_item("citizen_promises", slug)
    if stored is None:
        general = viewer.write_refusal()
        if general:
            return _refused(Outcome.DENIED, "citizen_promises", slug, "(access)", general)
        return _refused(Outcome.NOT_FOUND, "citizen_promises", slug, "id", f"there is no citizen promise '{slug}'")
    source = stored.item
    assert isinstance(source, fmt.CitizenPromise)
    data = fmt.dump(source)
    for name in ("status", "publish_at", "unpublish_at", "published_at", "source_url"):
        data.pop(name, None)
    for name in ("source_published_on", "source_updated_on"):
        data.pop(name, None)
    data["slug"] = new_slug or next_period_slug(slug, period)
    data["period"] = fmt.dump(period)
    data["title"] = title or source.title.replace(source.period.label, period.label)
    return await write(
        viewer,
        "citizen_promises",
        data,
        create=True,
        update=False,
        document=data["slug"],
        summary=f"copied from {slug} for {period.label} by {viewer.name}",
    )


def diff(before: Any, after: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """The changed leaves between two snapshots, as (path, before, after); lists by position."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes = []
        for key in [*before, *(k for k in after if k not in before)]:
            changes.extend(diff(before.get(key), after.get(key), f"{path}.{key}" if path else key))
        return changes
    if isinstance(before, list) and isinstance(after, list):
        changes = []
        for index in range(max(len(before), len(after))):
            old = before[index] if index < len(before) else None
            new = after[index] if index < len(after) else None
            changes.extend(diff(old, new, f"{path}[{index}]"))
        return changes
    return [] if before == after else [(path or "(item)", before, after)]
