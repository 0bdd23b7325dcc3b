from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core import inputs
from api.core.relations import everything, listing, lookup
from api.core.relay import After, Connection, First, Slug
from api.promises.filters import CitizenPromiseFilter, CommitmentFilter
from api.promises.ordering import CommitmentOrder
from api.promises.types import CitizenPromise, Commitment, Topic


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
        found: Connection[CitizenPromise] = await listing(info.context, "citizenPromises", first, after, filter=filter)
        return found

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
        found: Connection[Commitment] = await listing(
            info.context, "commitments", first, after, filter=filter, order_by=order_by
        )
        return found

    @strawberry.field(description="The controlled topic vocabulary.")
    async def topics(self, info: Info[Context, Any]) -> list[Topic]:
        found: list[Topic] = await everything(info.context, "topics")
        return found
