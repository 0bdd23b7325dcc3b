from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.agreements.filters import AgreementFilter
from api.agreements.types import Agreement
from api.context import Context
from api.core import inputs
from api.core.relations import listing, lookup
from api.core.relay import After, Connection, First, Slug


@strawberry.type
class AgreementQuery:
    @strawberry.field(
        description="One samverkansöverenskommelse by its slug; null if there is none (or it is not visible)."
    )
    async def agreement(self, info: Info[Context, Any], slug: Slug) -> Agreement | None:
        inputs.check(slug=slug)
        found: Agreement | None = await lookup(info.context, "Agreement", slug)
        return found

    @strawberry.field(description="Newest period first.")
    async def agreements(
        self,
        info: Info[Context, Any],
        filter: Annotated[AgreementFilter | None, strawberry.argument(description="None: all.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Agreement]:
        found: Connection[Agreement] = await listing(info.context, "agreements", first, after, filter=filter)
        return found
