"""The orders of the commitments list and of the open-data export, one definition for both.

Every order ends in the promise's slug and the commitment's document order, which together are
unique, so ties never shuffle between pages. Cursors of an order other than the default carry
the order's name, so a cursor is refused by a list sorted another way instead of silently
skipping rows; the default order's cursors are the ones given out before orders existed.

Each order reads its rows through an index in its own direction: the period and municipality
orders the promises through `citizen_promise (period_start, slug)` and `(municipality_id,
period_start)` (migration 0006), each promise's commitments by the unique `(citizen_promise_id,
document_order)` index; the actor orders the commitments through `commitment (actor,
citizen_promise_id, document_order)` and its `actor DESC` twin (migration 0008).

The actor orders sort by the actor's name as stored (`models.enums.Actor`: KOMMUN, POLIS,
TILLSAMMANS), alphabetically, not by the enum's declared order: a plain index gives that order,
and a value added to the enum later (OTHER, UNSPECIFIED) takes its alphabetical place without a
migration or a change here. The names are capital letters only, so every collation agrees.
Within an actor the commitments come promise by promise in the order the promises were stored
(their id), each in document order: columns of `commitment` only, so one index gives the whole
order and a page stops after its rows. Leading with the actor and going on newest period first
cannot come from any one index; sorting the whole country's rows for that measured 11–49 ms a
page on SQLite (by the columns selected) against about 1 ms through the index (bench/generate.py
content). SQLite prices a top-N sort with a LIMIT as cheap and would read the promises first and
sort, so `commitment_tables` joins the promise on `+c.citizen_promise_id` for these orders: the
unary plus (no-op on both databases) keeps that join from the commitment's promise index, which
leaves reading the commitments in actor order as the plan. A filter by municipality then costs
about 2–3 ms instead of under 1 ms, still bounded by one pass over the index.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from api.core.pagination import SortKey


@strawberry.enum(description="How the commitments list (and the export with `orderBy`) is sorted.")
class CommitmentOrder(Enum):
    NEWEST_FIRST = strawberry.enum_value("NEWEST_FIRST", description="Newest period first (the default).")
    OLDEST_FIRST = strawberry.enum_value("OLDEST_FIRST", description="Oldest period first.")
    MUNICIPALITY = strawberry.enum_value("MUNICIPALITY", description="By kommunkod, then newest period first.")
    ACTOR = strawberry.enum_value(
        "ACTOR",
        description="By actor, its name A to Z (KOMMUN, POLIS, TILLSAMMANS; values added to `Actor` later take"
        " their alphabetical place), then promise by promise as stored, each in document order.",
    )
    ACTOR_DESC = strawberry.enum_value(
        "ACTOR_DESC",
        description="By actor, its name Z to A, then as `ACTOR` (promise by promise, each in document order).",
    )


_SLUG = SortKey("p.slug", "sort_slug")
_DOCUMENT = SortKey("c.document_order", "sort_document_order", is_number=True)
_NEWEST = SortKey("p.period_start", "sort_period_start", descending=True, is_date=True)
_MUNICIPALITY = SortKey("p.municipality_id", "sort_municipality")  # the kommunkod, text
_PROMISE = SortKey("c.citizen_promise_id", "sort_promise", is_number=True)

COMMITMENT_ORDERS: dict[CommitmentOrder, list[SortKey]] = {
    CommitmentOrder.NEWEST_FIRST: [_NEWEST, _SLUG, _DOCUMENT],
    CommitmentOrder.OLDEST_FIRST: [SortKey("p.period_start", "sort_period_start", is_date=True), _SLUG, _DOCUMENT],
    CommitmentOrder.MUNICIPALITY: [_MUNICIPALITY, _NEWEST, _SLUG, _DOCUMENT],
    CommitmentOrder.ACTOR: [SortKey("c.actor", "sort_actor"), _PROMISE, _DOCUMENT],
    CommitmentOrder.ACTOR_DESC: [SortKey("c.actor", "sort_actor", descending=True), _PROMISE, _DOCUMENT],
}
_BY_COMMITMENT = {CommitmentOrder.ACTOR, CommitmentOrder.ACTOR_DESC}


def commitment_tables(order: CommitmentOrder | None, places: str) -> str:
    """The FROM of a list of commitments `c` with their promise `p` (and `places` joined to it),
    for `order` (None: the export's id order). The actor orders read the commitments first (see
    above)."""
    promise = "+c.citizen_promise_id" if order in _BY_COMMITMENT else "c.citizen_promise_id"
    return f"commitment c JOIN citizen_promise p ON p.id = {promise} {places}"


def cursor_tag(order: CommitmentOrder) -> str | None:
    """What cursors of the order start with; none for the default, whose cursors predate orders."""
    return None if order is CommitmentOrder.NEWEST_FIRST else order.value
