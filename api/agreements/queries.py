from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info
from tortoise.expressions import F
from tortoise.functions import Coalesce

from api.agreements.filters import AgreementFilter, agreement_filter
from api.agreements.loaders import AGREEMENT_FIELDS, AgreementBySlugLoader
from api.agreements.types import Agreement
from api.context import Context
from api.core.pagination import SortKey, paginate
from api.core.relay import Connection, page_request
from models import Agreement as AgreementModel

# Newest period first; an unknown period counts from the date the agreement is in force from.
AGREEMENT_ORDER = [SortKey("sort_start", descending=True, is_date=True), SortKey("slug")]


@strawberry.type
class AgreementQuery:
    @strawberry.field
    async def agreement(self, info: Info[Context, Any], slug: str) -> Agreement | None:
        row = await AgreementBySlugLoader.of(info).load(slug)
        return Agreement.from_row(row) if row else None

    @strawberry.field(description="Newest period first.")
    async def agreements(
        self,
        info: Info[Context, Any],
        filter: AgreementFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Agreement]:
        settings = info.context.settings
        request = page_request(first, after, default=settings.default_page_size, maximum=settings.max_page_size, keys=2)
        query = AgreementModel.filter(info.context.visible(), agreement_filter(filter))
        ordered = query.annotate(
            sort_start=Coalesce(F("period_start"), F("signed_on"), F("source_published_on"), dt.date(1, 1, 1))
        )
        return await paginate(
            ordered,
            keys=AGREEMENT_ORDER,
            fields=AGREEMENT_FIELDS,
            request=request,
            build=Agreement.from_row,
            count_queryset=query,
        )
