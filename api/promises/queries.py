from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core import inputs
from api.core.pagination import SortKey, paginate
from api.core.relations import everything, lookup, row_columns, row_decode
from api.core.relay import After, Connection, First, Slug, page_request
from api.promises.filters import (
    PROMISE_PLACES,
    CitizenPromiseFilter,
    CommitmentFilter,
    citizen_promise_where,
    commitment_where,
)
from api.promises.ordering import COMMITMENT_ORDERS, CommitmentOrder, commitment_tables, cursor_tag
from api.promises.types import CitizenPromise, Commitment, Topic

PROMISE_ORDER = [
    SortKey("p.period_start", "sort_period_start", descending=True, is_date=True),
    SortKey("p.slug", "sort_slug"),
]


@strawberry.type
class PromiseQuery:
    @strawberry.field(description="One medborgarlöfte by its slug; null if there is none (or it is not visible).")
    async def citizen_promise(self, info: Info[Context, Any], slug: Slug) -> CitizenPromise | None:
        inputs.check(slug=slug)
        found: CitizenPromise | None = await lookup(info.context, "CitizenPromise", slug)
        return found

    @strawberry.field(description="Newest period first.")
    async def citizen_promises(
        self,
        info: Info[Context, Any],
        filter: Annotated[CitizenPromiseFilter | None, strawberry.argument(description="None: all.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[CitizenPromise]:
        inputs.check(filter=filter)
        settings = info.context.settings
        request = page_request(first, after, default=settings.default_page_size, maximum=settings.max_page_size, keys=2)
        return await paginate(
            info.context,
            columns=row_columns("CitizenPromise", "p"),
            tables=f"citizen_promise p {PROMISE_PLACES}",
            where=[info.context.visible_sql("p"), *citizen_promise_where(filter)],
            keys=PROMISE_ORDER,
            request=request,
            build=CitizenPromise.from_row,
            decode=row_decode("CitizenPromise"),
        )

    @strawberry.field(
        description="Citizen promises newest period first, each in document order, unless `orderBy` says otherwise."
        " Cursors are valid for the order they were given out in."
    )
    async def commitments(
        self,
        info: Info[Context, Any],
        filter: Annotated[CommitmentFilter | None, strawberry.argument(description="None: all.")] = None,
        first: First = None,
        after: After = None,
        order_by: Annotated[
            CommitmentOrder, strawberry.argument(description="The order; a cursor is valid only in its own.")
        ] = CommitmentOrder.NEWEST_FIRST,
    ) -> Connection[Commitment]:
        inputs.check(filter=filter)
        settings = info.context.settings
        keys, tag = COMMITMENT_ORDERS[order_by], cursor_tag(order_by)
        request = page_request(
            first, after, default=settings.default_page_size, maximum=settings.max_page_size, keys=len(keys), tag=tag
        )
        return await paginate(
            info.context,
            columns=row_columns("Commitment", "c"),
            tables=commitment_tables(order_by, PROMISE_PLACES),
            where=[info.context.visible_sql("p"), *commitment_where(filter)],
            keys=keys,
            request=request,
            build=Commitment.from_row,
            decode=row_decode("Commitment"),
            tag=tag,
        )

    @strawberry.field(description="The controlled topic vocabulary.")
    async def topics(self, info: Info[Context, Any]) -> list[Topic]:
        found: list[Topic] = await everything(info.context, "topics")
        return found
