"""The orders of the commitments list and of the open-data export, one definition for both.

Every order ends in the promise's slug and the commitment's document order, which together are
unique, so ties never shuffle between pages. Cursors of an order other than the default carry
the order's name, so a cursor is refused by a list sorted another way instead of silently
skipping rows; the default order's cursors are the ones given out before orders existed.

Each order leads with an indexed column: the period through `citizen_promise (period_start,
slug)`, the municipality through `citizen_promise (municipality_id, period_start)` and the
actor through `commitment (actor)` (migration 0006); within a promise the commitments come by
the unique `(citizen_promise_id, document_order)` index.
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


_SLUG = SortKey("p.slug", "sort_slug")
_DOCUMENT = SortKey("c.document_order", "sort_document_order", is_number=True)
_NEWEST = SortKey("p.period_start", "sort_period_start", descending=True, is_date=True)
_MUNICIPALITY = SortKey("p.municipality_id", "sort_municipality")  # the kommunkod, text

COMMITMENT_ORDERS: dict[CommitmentOrder, list[SortKey]] = {
    CommitmentOrder.NEWEST_FIRST: [_NEWEST, _SLUG, _DOCUMENT],
    CommitmentOrder.OLDEST_FIRST: [SortKey("p.period_start", "sort_period_start", is_date=True), _SLUG, _DOCUMENT],
    CommitmentOrder.MUNICIPALITY: [_MUNICIPALITY, _NEWEST, _SLUG, _DOCUMENT],
}


def cursor_tag(order: CommitmentOrder) -> str | None:
    """What cursors of the order start with; none for the default, whose cursors predate orders."""
    return None if order is CommitmentOrder.NEWEST_FIRST else order.value
