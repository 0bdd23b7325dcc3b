from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.agreements.filters import AgreementFilter, agreement_where
from api.agreements.types import Agreement
from api.context import Context
from api.core import inputs
from api.core.pagination import SortKey, paginate
from api.core.relations import lookup, row_columns, row_decode
from api.core.relay import After, Connection, First, Slug, page_request
from models.sql import sql

# Newest period first; an unknown period counts from the date the agreement is in force from
# the list's order, the compiled path's and, in api/geography/reads.py, a municipality's agreements'.
AGREEMENT_ORDER = (
    SortKey(
        sql("COALESCE(a.period_start, a.signed_on, a.source_published_on, {})", dt.date(1, 1, 1)),
        "sort_start",
        descending=True,
        is_date=True,
    ),
    SortKey("a.slug", "sort_slug"),
)


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
        inputs.check(filter=filter)
        settings = info.context.settings
        request = page_request(first, after, default=settings.default_page_size, maximum=settings.max_page_size, keys=2)
        return await paginate(
            info.context,
            columns=row_columns("Agreement", "a"),
            tables="agreement a",
            where=[info.context.visible_sql("a"), *agreement_where("a", filter)],
            keys=AGREEMENT_ORDER,
            request=request,
            build=Agreement.from_row,
            decode=row_decode("Agreement"),
        )
