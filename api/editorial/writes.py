"""Editorial writes: every change goes through the seed writer (one writing code), the seed
validation (one validation), a scope check, and one transaction with a revision check.

Each write is serialisable in effect (models/transactions.py): inside its transaction it locks
the item, reads it, locks what the new content refers to and validates against that, and only
then writes, with the revision it read. State changes (publish, unpublish, archive, revert) are
writes of the item as read in their own transaction, never of a copy read before it. So a race
ends as CONFLICT (someone else's revision came first, or the same slug was created at the same
time, or the database stayed busy) or NOT_FOUND (deleted first), with the current revision.

Results are data, never exceptions: what happened, and for a refusal which field and why.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from tortoise.exceptions import IntegrityError

from api.editorial import activity
from api.editorial.access import Role, Viewer
from api.editorial.review import ReviewState, approvals_of, describe, forget, review_of, sides_of
from api.editorial.scope import KIND_NAMES, STATUS_ACTIONS, Action, State, refusal, state_of
from models import Approval, CitizenPromise, CitizenPromiseContact, FollowUp, Review, Revision
from models.enums import PublicationStatus
from models.transactions import Busy, Lock, lock_rows, write_transaction
from seed import format as fmt
from seed.changes import content_deleted
from seed.export import EXPORTERS, MODELS, Stored
from seed.load import RevisionConflict, Writer, comparable, dependencies
from seed.reference import ReferenceData, read_reference
from seed.validate import Bundle, cross_check, index_item
from seed.yamlio import Problem


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
    # Where the item stands in the review workflow after the write (api/editorial/review.py).
    review_state: str | None = None
    # The change is a pending revision of a published item: the public still reads the live one.
    pending: bool = False
    # What the activity log says beyond the outcome (e.g. "without approvals").
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in {Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.DELETED}


def entry(viewer: Viewer, label: str, kind: str, slug: str | None, result: WriteResult) -> activity.Entry:
    """The activity log's entry of one attempt."""
    messages = [f"{p.field}: {p.message}" for p in result.problems]
    if result.note:
        messages.insert(0, result.note)
    return activity.Entry(
        token_name=viewer.name,
        action=label,
        result=result.outcome.value,
        item_type=kind,
        item_slug=result.slug or slug,
        revision=result.revision,
        message="; ".join(messages) or None,
    )


async def refused_alone(viewer: Viewer, label: str, result: WriteResult) -> WriteResult:
    """A refusal before any transaction, recorded in the activity log."""
    await activity.record_alone(entry(viewer, label, result.kind, result.slug, result))
    return result


def _refused(outcome: Outcome, kind: str, slug: str | None, where: str, message: str) -> WriteResult:
    return WriteResult(outcome, kind, slug, problems=[FieldProblem(where, message)])


@cache
def reference_data() -> ReferenceData:
    return read_reference()


async def stored_item(kind: str, slug: str) -> Stored | None:
    return (await EXPORTERS[kind]([slug])).get(slug)


async def current_revision(kind: str, slug: str) -> int | None:
    """The item's editorial revision: its pending revision's, else its row's (None: no item)."""
    found = await MODELS[kind].filter(slug=slug).values_list("revision", flat=True)
    if not found:
        return None
    pending = await Review.filter(item_type=kind, item_slug=slug, snapshot__isnull=False).values_list(
        "revision", flat=True
    )
    return int(str(pending[0])) if pending else int(str(found[0]))


def _problems(kind: str, problems: list[Problem]) -> list[FieldProblem]:
    """Problems of one item, with paths relative to the item."""
    prefix = f"{kind}[0]"
    return [FieldProblem(p.field.removeprefix(prefix).removeprefix(".") or "(item)", p.message) for p in problems]


def parse(kind: str, data: Any) -> tuple[Bundle, fmt.Item] | list[FieldProblem]:
    """One item against the format (nothing read from the database), or what is wrong with it."""
    if not isinstance(data, dict):
        return [FieldProblem("(item)", "the item must be an object in the seed file format")]
    bundle, item, problems = index_item(kind, data)
    if problems or item is None:
        return _problems(kind, problems) or [FieldProblem("(item)", "not a valid item")]
    assert isinstance(item, fmt.Item)
    return bundle, item


# What a write makes of the item as it is stored (None: there is none), inside its transaction:
# the new item with its bundle (for what it refers to), or a result that ends the write.
Change = Callable[[Stored | None], Awaitable[tuple[Bundle, fmt.Item] | WriteResult]]


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
    label: str | None = None,
) -> WriteResult:
    """Create (`create`) or replace (`update`) one item from seed-format data.

    With `slug`, the item must keep that slug (slugs are the stable public key). `status` left
    out, an update keeps the item's (a new item is a DRAFT). A non-admin sets no other: given,
    it must be the item's (DRAFT for a new item), since state moves only through the review
    workflow."""
    label = label or ("update" if update and not create else "create")
    general = viewer.write_refusal()
    if general:
        return await refused_alone(viewer, label, _refused(Outcome.DENIED, kind, slug, "(access)", general))
    if isinstance(data, dict) and slug is not None:
        data = {"slug": slug, **data}
        if data["slug"] != slug:
            result = _refused(Outcome.INVALID, kind, slug, "slug", f"a slug never changes; this item's is '{slug}'")
            return await refused_alone(viewer, label, result)
    parsed = parse(kind, data)
    if isinstance(parsed, list):
        return await refused_alone(viewer, label, WriteResult(Outcome.INVALID, kind, slug, problems=parsed))
    keeps_status = isinstance(data, dict) and "status" not in data

    async def change(stored: Stored | None) -> tuple[Bundle, fmt.Item] | WriteResult:
        if keeps_status and stored is not None:
            bundle, item = parsed
            kept = item.model_copy(update={"status": getattr(stored.item, "status", item.status)})
            return bundle, kept
        return parsed

    return await _transaction(
        viewer,
        kind,
        parsed[1].slug,
        change,
        create=create,
        update=update,
        expected=expected_revision,
        document=document,
        summary=summary,
        label=label,
    )


async def _transaction(
    viewer: Viewer,
    kind: str,
    slug: str,
    change: Change,
    *,
    create: bool,
    update: bool,
    expected: int | None,
    document: str | None = None,
    summary: str | None = None,
    action: Action | None = None,
    label: str,
) -> WriteResult:
    """One write, serialisable in effect (models/transactions.py): the item is locked, then
    read; what it refers to is locked, then validated; only then written. A race ends as
    CONFLICT or NOT_FOUND with the current revision, never as an error. `action` is what the
    scope rule judges (api/editorial/scope.py); by default creating or changing. The attempt
    goes into the activity log as `label`: inside the transaction when it ran to its end,
    alone after it when it was rolled back."""
    try:
        async with write_transaction():
            result = await _write(viewer, kind, slug, change, create, update, expected, document, summary, action)
            await activity.record(entry(viewer, label, kind, slug, result))
            return result
    except RevisionConflict as conflict:
        result = await _conflict(kind, slug, conflict.expected)
    except Busy as busy:
        result = await _busy(kind, slug, busy)
    except IntegrityError:
        # Two creates of one slug at once on PostgreSQL: the unique index decides, and the
        # other create finds the item there when it looks again.
        current = await current_revision(kind, slug)
        if not create or current is None:
            raise
        result = _exists(kind, slug, current)
    await activity.record_alone(entry(viewer, label, kind, slug, result))
    return result


async def _busy(kind: str, slug: str, busy: Busy) -> WriteResult:
    revision = await current_revision(kind, slug)
    return WriteResult(Outcome.CONFLICT, kind, slug, revision, problems=[FieldProblem("(item)", str(busy))])


def _exists(kind: str, slug: str, revision: int) -> WriteResult:
    message = f"there already is a {KIND_NAMES[kind]} '{slug}' (revision {revision}); update it instead"
    return WriteResult(Outcome.CONFLICT, kind, slug, revision, problems=[FieldProblem("slug", message)])


async def _conflict(kind: str, slug: str, expected: int) -> WriteResult:
    current = await current_revision(kind, slug)
    message = (
        f"{KIND_NAMES[kind]} '{slug}' is at revision {current}, not {expected}: someone else changed it;"
        " reload it and apply your change again"
    )
    if current is None:
        return _refused(Outcome.NOT_FOUND, kind, slug, "id", f"there is no {KIND_NAMES[kind]} '{slug}' any more")
    return WriteResult(
        Outcome.CONFLICT, kind, slug, revision=current, problems=[FieldProblem("expectedRevision", message)]
    )


async def _locked(kind: str, slug: str, lock: Lock) -> tuple[Stored | None, int | None]:
    """The item as stored and its revision, locked for this transaction (None, None: none)."""
    rows = await lock_rows(MODELS[kind], [slug], lock)
    if not rows:
        return None, None
    return await stored_item(kind, slug), int(rows[0]["revision"])


async def _write(
    viewer: Viewer,
    kind: str,
    slug: str,
    change: Change,
    create: bool,
    update: bool,
    expected: int | None,
    document: str | None,
    summary: str | None,
    action: Action | None,
) -> WriteResult:
    name = KIND_NAMES[kind]
    stored, current = await _locked(kind, slug, Lock.NO_KEY_UPDATE)
    # Under the item's lock: its review row (and pending revision) cannot change under us either.
    review = await review_of(kind, slug) if stored is not None else None
    pending = _pending_item(kind, review)
    made = await change(stored)
    if isinstance(made, WriteResult):
        return made
    bundle, item = made
    found = await dependencies(bundle)
    problems = cross_check(bundle, found.known(reference_data()))
    if problems:
        return WriteResult(Outcome.INVALID, kind, slug, problems=_problems(kind, problems))
    # Scope first, so that nothing more about items outside it is told. The stored state and the
    # municipalities of both states are read here, in the write's transaction.
    before = None
    if stored is not None:
        assert isinstance(stored.item, fmt.Item)
        before = await state_of(kind, stored.item)
    action = action or (Action.UPDATE if stored else Action.CREATE)
    admin = viewer.role == Role.ADMIN
    after = await state_of(kind, item)
    # A change of a published item that stays published is its next, pending revision (an admin
    # changes it live, unless a pending revision is there already: then that is the one changed).
    to_pending = (
        before is not None
        and action in {Action.UPDATE, Action.REVERT}
        and before.status == PublicationStatus.PUBLISHED
        and item.status == PublicationStatus.PUBLISHED
        and (pending is not None or not admin)
    )
    if to_pending:
        assert before is not None
        # It does not reach the public: the draft rule (one municipality of the item in scope).
        draft = PublicationStatus.DRAFT
        as_drafts = State(before.municipalities, draft), State(after.municipalities, draft)
        denied = refusal(viewer, kind, item.slug, Action.UPDATE, *as_drafts)
    else:
        denied = refusal(viewer, kind, item.slug, action, before, after)
    if denied:
        return _refused(Outcome.DENIED, kind, item.slug, "(access)", denied + "; nothing was changed")
    if not admin and action in {Action.CREATE, Action.UPDATE}:
        allowed = before.status if before is not None else PublicationStatus.DRAFT
        if item.status != allowed:
            return _refused(
                Outcome.DENIED,
                kind,
                item.slug,
                "status",
                f"token '{viewer.name}' is not an admin: an item's status moves only through the review workflow"
                f" (submitForReview, approve, publish), so it must stay {allowed.value} here (or be left out);"
                " nothing was changed",
            )
    if stored is None and not create:
        return _refused(Outcome.NOT_FOUND, kind, item.slug, "id", f"there is no {name} '{item.slug}'")
    if stored is not None and not update:
        assert current is not None
        return _exists(kind, item.slug, current)
    editorial = review.revision if review is not None and pending is not None else current
    if to_pending:
        assert stored is not None and current is not None and editorial is not None
        return await _save_pending(viewer, kind, stored, current, editorial, pending, item, expected, document, review)
    note = None
    if action == Action.PUBLISH:
        # Publishing what is live already (no pending revision) is no change: UNCHANGED below.
        republish = pending is None and before is not None and before.status == PublicationStatus.PUBLISHED
        if not admin and not republish:
            missing = await _missing_approvals(kind, item, review, editorial)
            if missing is not None:
                return _refused(Outcome.DENIED, kind, item.slug, "(access)", missing + "; nothing was changed")
        elif not await _fully_approved(kind, item, review, editorial):
            note = "published by an admin without every side's approval"
        if expected is not None and expected != editorial:
            raise RevisionConflict(kind, item.slug, expected)
        if pending is not None and stored is not None:
            # The pending revision goes live: the row continues from its number (or its own, when
            # an erasure or a seed load wrote the row since).
            assert editorial is not None and current is not None
            current = expected = max(editorial, current)
            await MODELS[kind].filter(id=stored.id).update(revision=current)
    writer = Writer(author=viewer.name, from_files=False)
    if stored is not None:
        # The same content is no change, whatever revision it was based on: nothing to lose.
        if comparable(stored.item, item) == item and (document is None or document == stored.document):
            status = getattr(stored.item, "status", None)
            return WriteResult(
                Outcome.UNCHANGED,
                kind,
                item.slug,
                editorial,
                status,
                fmt.dump(pending or stored.item),
                review_state=await _state_now(kind, item.slug, status, review),
                pending=pending is not None,
            )
        if expected is not None and expected != editorial:
            raise RevisionConflict(kind, item.slug, expected)
    await writer.prepare(found.ids)
    if note is not None:
        summary = f"{note} ({viewer.name})" if summary is None else f"{summary}, {note}"
    _, revision = await writer.save(
        kind,
        item,
        document
        or ((review.document or stored.document) if stored and review and pending else None)
        or (stored.document if stored else item.slug),
        stored,
        summary=summary or f"{'updated' if stored else 'created'} by {viewer.name}",
        # The item is locked: this is the revision it is written on, checked again when bumped.
        expected_revision=current,
    )
    if review is not None:
        # Any change voids the approvals and ends a review: the item is what it now is.
        await forget(kind, item.slug)
        if pending is not None and action != Action.PUBLISH:
            note = f"the pending revision {review.revision} was dropped"
    final = writer.final or item
    return WriteResult(
        Outcome.UPDATED if stored else Outcome.CREATED,
        kind,
        item.slug,
        revision,
        final.status,
        fmt.dump(final),
        review_state=final.status.value,
        note=note,
    )


def _pending_item(kind: str, review: Review | None) -> fmt.Item | None:
    if review is None or review.snapshot is None:
        return None
    parsed = parse(kind, review.snapshot)
    assert not isinstance(parsed, list), parsed  # stored after validation
    return parsed[1]


async def _save_pending(
    viewer: Viewer,
    kind: str,
    stored: Stored,
    current: int,
    editorial: int,
    pending: fmt.Item | None,
    item: fmt.Item,
    expected: int | None,
    document: str | None,
    review: Review | None,
) -> WriteResult:
    """Store `item` as the next pending revision of a published item; the row stays as it is."""
    head = pending or stored.item
    assert isinstance(head, fmt.Item)
    head_document = (review.document if review and pending else None) or stored.document
    if comparable(head, item) == item and (document is None or document == head_document):
        return WriteResult(
            Outcome.UNCHANGED,
            kind,
            item.slug,
            editorial,
            PublicationStatus.PUBLISHED.value,
            fmt.dump(head),
            review_state=await _state_now(kind, item.slug, PublicationStatus.PUBLISHED.value, review),
            pending=pending is not None,
        )
    if expected is not None and expected != editorial:
        raise RevisionConflict(kind, item.slug, expected)
    published_at = item.published_at or getattr(stored.item, "published_at", None)
    snapshot = fmt.dump(item.model_copy(update={"published_at": published_at}))
    number = editorial + 1
    values: dict[str, Any] = {
        "state": ReviewState.DRAFT.value,
        "revision": number,
        "snapshot": snapshot,
        "document": document or head_document,
        "base_revision": current,
        "comment": None,
        "author": viewer.name,
    }
    if review is None:
        await Review.create(item_type=kind, item_slug=item.slug, **values)
    else:
        await Review.filter(id=review.id).update(**values)
    # Void: approvals name a revision, and this one is new.
    await forget_approvals(kind, item.slug)
    return WriteResult(
        Outcome.UPDATED,
        kind,
        item.slug,
        number,
        PublicationStatus.PUBLISHED.value,
        snapshot,
        review_state=ReviewState.DRAFT.value,
        pending=True,
        note=f"pending revision of the live revision {current}",
    )


async def forget_approvals(kind: str, slug: str) -> None:
    await Approval.filter(item_type=kind, item_slug=slug).delete()


async def _state_now(kind: str, slug: str, status: str | None, review: Review | None) -> str | None:
    if review is None:
        return status
    if review.state != ReviewState.IN_REVIEW:
        return review.state
    return ReviewState.APPROVED.value if await _fully_approved(kind, None, review, review.revision) else review.state


async def _fully_approved(kind: str, item: fmt.Item | None, review: Review | None, revision: int | None) -> bool:
    if review is None or revision is None or review.state != ReviewState.IN_REVIEW or review.revision != revision:
        return False
    subject: Any = item if item is not None else (review.snapshot or await stored_item(kind, review.item_slug))
    if isinstance(subject, Stored):
        subject = subject.item
    (sides,) = await sides_of(kind, [subject])
    approved = await approvals_of(kind, review.item_slug, revision)
    return all(side.id in approved for side in sides)


async def _missing_approvals(kind: str, item: fmt.Item, review: Review | None, revision: int | None) -> str | None:
    """Why a non-admin may not publish yet (the sides still to approve), or None."""
    (sides,) = await sides_of(kind, [item])
    name = f"{KIND_NAMES[kind]} '{item.slug}'"
    in_review = review is not None and review.state == ReviewState.IN_REVIEW and review.revision == revision
    approved = await approvals_of(kind, item.slug, revision) if in_review and revision is not None else {}
    missing = [side for side in sides if side.id not in approved]
    if in_review and not missing:
        return None
    if not sides:
        return f"{name} has no side to approve it, so only an admin may publish it"
    where = "is not in review" if not in_review else f"is in review at revision {revision}"
    return (
        f"publishing {name} needs an approval of its current revision ({revision}) from every side; it {where},"
        f" and these sides have not approved it: {describe(missing)}"
    )


async def delete(viewer: Viewer, kind: str, slug: str, expected: int | None, summary: str | None = None) -> WriteResult:
    general = viewer.write_refusal()
    if general:
        return await refused_alone(viewer, "delete", _refused(Outcome.DENIED, kind, slug, "(access)", general))
    try:
        async with write_transaction():
            result = await _delete(viewer, kind, slug, expected, summary)
            await activity.record(entry(viewer, "delete", kind, slug, result))
            return result
    except RevisionConflict as conflict:
        result = await _conflict(kind, slug, conflict.expected)
    except Busy as busy:
        result = await _busy(kind, slug, busy)
    await activity.record_alone(entry(viewer, "delete", kind, slug, result))
    return result


async def _delete(viewer: Viewer, kind: str, slug: str, expected: int | None, summary: str | None) -> WriteResult:
    # FOR UPDATE: a delete also waits for writes that refer to the item (they hold KEY SHARE).
    stored, current = await _locked(kind, slug, Lock.UPDATE)
    if stored is None or current is None:
        return _refused(Outcome.NOT_FOUND, kind, slug, "id", f"there is no {KIND_NAMES[kind]} '{slug}'")
    assert isinstance(stored.item, fmt.Item)
    denied = refusal(viewer, kind, slug, Action.DELETE, await state_of(kind, stored.item), None)
    if denied:
        return _refused(Outcome.DENIED, kind, slug, "(access)", denied + "; nothing was changed")
    blocker = await _still_used(kind, stored.id)
    if blocker:
        return _refused(Outcome.INVALID, kind, slug, "id", blocker)
    review = await review_of(kind, slug)
    editorial = review.revision if review is not None and review.snapshot is not None else current
    expected = editorial if expected is None else expected
    if expected != editorial:
        raise RevisionConflict(kind, slug, expected)
    if not await MODELS[kind].filter(id=stored.id, revision=current).update(revision=editorial + 1):
        raise RevisionConflict(kind, slug, expected)
    await content_deleted(kind, [stored.id])
    await Revision.create(
        item_type=kind,
        item_slug=slug,
        number=editorial + 1,
        snapshot=fmt.dump(stored.item),
        deleted=True,
        author=viewer.name,
        summary=(summary or f"deleted by {viewer.name}")[:500],
    )
    await MODELS[kind].filter(id=stored.id).delete()
    await forget(kind, slug)
    return WriteResult(Outcome.DELETED, kind, slug, editorial + 1, item=fmt.dump(stored.item))


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
    """Publish, unpublish or archive: the item as it is in this write's transaction (publishing
    an item with a pending revision: that revision), with another status; with `expected`, only
    if it is still at that revision. Publishing needs every side's approval of the current
    revision unless an admin publishes (recorded as such); unpublishing or archiving ends any
    review and drops a pending revision."""
    action = STATUS_ACTIONS[status]
    label = {Action.PUBLISH: "publish", Action.UNPUBLISH: "unpublish", Action.ARCHIVE: "archive"}[action]
    general = viewer.write_refusal()
    if general:
        return await refused_alone(viewer, label, _refused(Outcome.DENIED, kind, slug, "(access)", general))

    async def change(stored: Stored | None) -> tuple[Bundle, fmt.Item] | WriteResult:
        if stored is None:
            return _refused(Outcome.NOT_FOUND, kind, slug, "id", f"there is no {KIND_NAMES[kind]} '{slug}'")
        source: fmt.Item | None = None
        if status == PublicationStatus.PUBLISHED:
            source = _pending_item(kind, await review_of(kind, slug))
        # `expected` is checked by `_write` as for updates, after the scope check.
        source = source or stored.item  # type: ignore[assignment]
        assert source is not None
        parsed = parse(kind, fmt.dump(source.model_copy(update={"status": status})))
        assert not isinstance(parsed, list), parsed  # a stored item is valid
        return parsed

    return await _transaction(
        viewer,
        kind,
        slug,
        change,
        create=False,
        update=True,
        expected=expected,
        summary=summary,
        action=action,
        label=label,
    )


async def revert(viewer: Viewer, kind: str, slug: str, number: int, expected: int | None) -> WriteResult:
    """Restore revision `number` as a new revision; after a delete, this brings the item back.
    A non-admin restores content, not status: the item keeps its status (a deleted one comes
    back as a DRAFT), and a published item gets the restored content as its pending revision."""
    general = viewer.write_refusal()
    if general:
        return await refused_alone(viewer, "revert", _refused(Outcome.DENIED, kind, slug, "(access)", general))

    async def change(stored: Stored | None) -> tuple[Bundle, fmt.Item] | WriteResult:
        revision = await Revision.get_or_none(item_type=kind, item_slug=slug, number=number)
        if revision is None:
            return _refused(
                Outcome.NOT_FOUND, kind, slug, "revision", f"{KIND_NAMES[kind]} '{slug}' has no revision {number}"
            )
        if revision.deleted:
            return _refused(
                Outcome.INVALID,
                kind,
                slug,
                "revision",
                f"revision {number} records the delete; revert to one before it",
            )
        snapshot = {**revision.snapshot, "slug": slug}
        if viewer.role != Role.ADMIN:
            snapshot["status"] = getattr(stored.item, "status", None) if stored else PublicationStatus.DRAFT.value
        parsed = parse(kind, snapshot)
        if isinstance(parsed, list):
            return WriteResult(Outcome.INVALID, kind, slug, problems=parsed)
        return parsed

    return await _transaction(
        viewer,
        kind,
        slug,
        change,
        create=True,
        update=True,
        expected=expected,
        summary=f"reverted to revision {number} by {viewer.name}",
        action=Action.REVERT,
        label="revert",
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
            return await refused_alone(
                viewer, "copy", _refused(Outcome.DENIED, "citizen_promises", slug, "(access)", general)
            )
        missing = _refused(Outcome.NOT_FOUND, "citizen_promises", slug, "id", f"there is no citizen promise '{slug}'")
        return await refused_alone(viewer, "copy", missing)
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
        label="copy",
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
