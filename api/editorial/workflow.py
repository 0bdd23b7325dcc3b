"""The review workflow's steps: submit for review, approve, request changes (the rule and the
states: api/editorial/review.py; publishing: api/editorial/writes.py, `set_status`).

Each step is one write transaction like every editorial write (models/transactions.py): the
item's row is locked first (so its review row, its approvals and a pending revision cannot move
under the step: every step and every write of the item takes that lock), then read, then
judged, then written, with its entry in the activity log. The revision a step names must be the
item's current one (its pending revision's, when it has one): otherwise CONFLICT with the
current revision, as for writes; an item deleted meanwhile is NOT_FOUND.

Scope: submitting is a draft-rule write (one municipality of the item in the token's scope);
approving and requesting changes need a side of the item the token covers. Reviewers (role
`reviewer`) read but do not take part: an approval is a party's word, given by its editors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from api.editorial import activity
from api.editorial.access import Viewer
from api.editorial.review import ReviewState, Side, approvals_of, covered, describe, review_of, sides_of
from api.editorial.scope import KIND_NAMES, Action, State, refusal, state_of
from api.editorial.writes import (
    FieldProblem,
    Outcome,
    WriteResult,
    _busy,
    _conflict,
    _locked,
    _pending_item,
    _refused,
    entry,
    forget_approvals,
    refused_alone,
)
from models import Approval, Review
from models.enums import PublicationStatus
from models.transactions import Busy, Lock, write_transaction
from seed import format as fmt
from seed.export import Stored
from seed.load import RevisionConflict

COMMENT_LENGTH = 5_000

Step = Callable[[Stored, int, Review | None, fmt.Item], Awaitable[WriteResult]]


async def _run(viewer: Viewer, label: str, kind: str, slug: str, step: Step) -> WriteResult:
    general = viewer.write_refusal()
    if general:
        return await refused_alone(viewer, label, _refused(Outcome.DENIED, kind, slug, "(access)", general))
    try:
        async with write_transaction():
            stored, current = await _locked(kind, slug, Lock.NO_KEY_UPDATE)
            if stored is None or current is None:
                result = _refused(Outcome.NOT_FOUND, kind, slug, "id", f"there is no {KIND_NAMES[kind]} '{slug}'")
            else:
                review = await review_of(kind, slug)
                pending = _pending_item(kind, review)
                assert isinstance(stored.item, fmt.Item)
                head = pending or stored.item
                editorial = review.revision if review is not None and pending is not None else current
                result = await step(stored, editorial, review, head)
            await activity.record(entry(viewer, label, kind, slug, result))
            return result
    except RevisionConflict as conflict:
        result = await _conflict(kind, slug, conflict.expected)
    except Busy as busy:
        result = await _busy(kind, slug, busy)
    await activity.record_alone(entry(viewer, label, kind, slug, result))
    return result


def _result(kind: str, slug: str, revision: int, head: fmt.Item, state: ReviewState, pending: bool) -> WriteResult:
    return WriteResult(
        Outcome.UPDATED,
        kind,
        slug,
        revision,
        getattr(head, "status", None),
        fmt.dump(head),
        review_state=state.value,
        pending=pending,
    )


async def _sides_refusal(viewer: Viewer, kind: str, slug: str, head: fmt.Item, verb: str) -> tuple[Side, ...] | str:
    """The item's sides the viewer covers, or why it may not take part in its review."""
    (sides,) = await sides_of(kind, [head])
    mine = await covered(viewer, sides)
    if not mine:
        name = f"{KIND_NAMES[kind]} '{slug}'"
        return (
            f"token '{viewer.name}' ({viewer.describe_scope()}) covers no side of {name}"
            f" ({describe(sides) or 'it has none'}), so it may not {verb} it; nothing was changed"
        )
    return tuple(side for side in sides if side in mine)


def _check_revision(kind: str, slug: str, given: int, editorial: int, argument: str) -> WriteResult | None:
    if given == editorial:
        return None
    message = (
        f"{KIND_NAMES[kind]} '{slug}' is at revision {editorial}, not {given}: it changed since you read it;"
        " review the current revision"
    )
    return WriteResult(Outcome.CONFLICT, kind, slug, editorial, problems=[FieldProblem(argument, message)])


async def submit(viewer: Viewer, kind: str, slug: str, expected: int) -> WriteResult:
    """DRAFT or CHANGES_REQUESTED (or a pending revision) → IN_REVIEW, at the revision read."""

    async def step(stored: Stored, editorial: int, review: Review | None, head: fmt.Item) -> WriteResult:
        pending = review is not None and review.snapshot is not None
        draft = State((await state_of(kind, head)).municipalities, PublicationStatus.DRAFT)
        denied = refusal(viewer, kind, slug, Action.UPDATE, draft, draft)
        if denied:
            return _refused(Outcome.DENIED, kind, slug, "(access)", denied + "; nothing was changed")
        conflict = _check_revision(kind, slug, expected, editorial, "expectedRevision")
        if conflict:
            return conflict
        status = PublicationStatus(head.status) if not pending else PublicationStatus.DRAFT
        if status != PublicationStatus.DRAFT:
            return _refused(
                Outcome.INVALID,
                kind,
                slug,
                "id",
                f"{KIND_NAMES[kind]} '{slug}' is {status.value} with no pending revision: only a draft, or the"
                " change of a published item, is submitted for review",
            )
        if review is not None and review.state == ReviewState.IN_REVIEW:
            state = ReviewState.IN_REVIEW
            approved = await approvals_of(kind, slug, editorial)
            (sides,) = await sides_of(kind, [head])
            if all(side.id in approved for side in sides):
                state = ReviewState.APPROVED
            result = _result(kind, slug, editorial, head, state, pending)
            result.outcome = Outcome.UNCHANGED
            return result
        if review is None:
            submitted = ReviewState.IN_REVIEW.value
            await Review.create(item_type=kind, item_slug=slug, state=submitted, revision=editorial, author=viewer.name)
        else:
            await Review.filter(id=review.id).update(
                state=ReviewState.IN_REVIEW.value, revision=editorial, comment=None, author=viewer.name
            )
        return _result(kind, slug, editorial, head, ReviewState.IN_REVIEW, pending)

    return await _run(viewer, "submit", kind, slug, step)


def _not_in_review(kind: str, slug: str, review: Review | None) -> WriteResult | None:
    if review is not None and review.state == ReviewState.IN_REVIEW:
        return None
    state = review.state if review is not None else "not submitted"
    return _refused(
        Outcome.INVALID,
        kind,
        slug,
        "id",
        f"{KIND_NAMES[kind]} '{slug}' is not in review ({state}): it is submitted first (submitForReview)",
    )


async def approve(viewer: Viewer, kind: str, slug: str, revision: int) -> WriteResult:
    """Record the approval of `revision` by every side of the item the viewer covers."""

    async def step(stored: Stored, editorial: int, review: Review | None, head: fmt.Item) -> WriteResult:
        mine = await _sides_refusal(viewer, kind, slug, head, "approve")
        if isinstance(mine, str):
            return _refused(Outcome.DENIED, kind, slug, "(access)", mine)
        conflict = _check_revision(kind, slug, revision, editorial, "revision")
        if conflict:
            return conflict
        refused = _not_in_review(kind, slug, review)
        if refused:
            return refused
        approved = await approvals_of(kind, slug, revision)
        new = [side for side in mine if side.id not in approved]
        for side in new:
            await Approval.create(
                item_type=kind, item_slug=slug, revision=revision, side=side.id, token_name=viewer.name
            )
        (sides,) = await sides_of(kind, [head])
        done = {*approved, *(side.id for side in new)}
        state = ReviewState.APPROVED if all(side.id in done for side in sides) else ReviewState.IN_REVIEW
        result = _result(kind, slug, editorial, head, state, review is not None and review.snapshot is not None)
        if not new:
            result.outcome = Outcome.UNCHANGED
        result.note = f"approved for {describe(mine)}"
        return result

    return await _run(viewer, "approve", kind, slug, step)


async def request_changes(viewer: Viewer, kind: str, slug: str, revision: int, comment: str) -> WriteResult:
    """IN_REVIEW → CHANGES_REQUESTED with a comment; the approvals given are void."""
    text = comment.strip()
    if not text or len(text) > COMMENT_LENGTH or "\x00" in text:
        why = "must not be empty" if not text else f"must be at most {COMMENT_LENGTH:,} characters, without NUL"
        result = WriteResult(Outcome.INVALID, kind, slug, problems=[FieldProblem("comment", why)])
        return await refused_alone(viewer, "request_changes", result)

    async def step(stored: Stored, editorial: int, review: Review | None, head: fmt.Item) -> WriteResult:
        mine = await _sides_refusal(viewer, kind, slug, head, "request changes to")
        if isinstance(mine, str):
            return _refused(Outcome.DENIED, kind, slug, "(access)", mine)
        conflict = _check_revision(kind, slug, revision, editorial, "revision")
        if conflict:
            return conflict
        refused = _not_in_review(kind, slug, review)
        if refused:
            return refused
        assert review is not None
        await Review.filter(id=review.id).update(state=ReviewState.CHANGES_REQUESTED.value, comment=text)
        await forget_approvals(kind, slug)
        result = _result(kind, slug, editorial, head, ReviewState.CHANGES_REQUESTED, review.snapshot is not None)
        result.note = f"for {describe(mine)}: {text}"
        return result

    return await _run(viewer, "request_changes", kind, slug, step)
