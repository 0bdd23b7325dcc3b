from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.pagination import SortKey, paginate
from api.core.relay import Connection, page_request
from api.promises.filters import (
    CitizenPromiseFilter,
    CommitmentFilter,
    citizen_promise_filter,
    commitment_filter,
)
from api.promises.loaders import (
    CITIZEN_PROMISE_FIELDS,
    COMMITMENT_FIELDS,
    CitizenPromiseBySlugLoader,
    TopicsLoader,
)
from api.promises.types import CitizenPromise, Commitment, Topic
from models import CitizenPromise as CitizenPromiseModel
from models import Commitment as CommitmentModel

PROMISE_ORDER = [SortKey("period_start", descending=True, is_date=True), SortKey("slug")]
COMMITMENT_ORDER = [
    SortKey("citizen_promise__period_start", descending=True, is_date=True),
    SortKey("citizen_promise__slug"),
    SortKey("document_order"),
]


@strawberry.type
class PromiseQuery:
    @strawberry.field
    async def citizen_promise(self, info: Info[Context, Any], slug: str) -> CitizenPromise | None:
        row = await CitizenPromiseBySlugLoader.of(info).load(slug)
        return CitizenPromise.from_row(row) if row else None

    @strawberry.field(description="Newest period first.")
    async def citizen_promises(
        self,
        info: Info[Context, Any],
        filter: CitizenPromiseFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CitizenPromise]:
        settings = info.context.settings
        request = page_request(first, after, default=settings.default_page_size, maximum=settings.max_page_size, keys=2)
        query = CitizenPromiseModel.filter(info.context.visible(), citizen_promise_filter(filter))
        return await paginate(
            query,
            keys=PROMISE_ORDER,
            fields=CITIZEN_PROMISE_FIELDS,
            request=request,
            build=CitizenPromise.from_row,
        )

    @strawberry.field(description="Citizen promises newest period first, each in document order.")
    async def commitments(
        self,
        info: Info[Context, Any],
        filter: CommitmentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Commitment]:
        settings = info.context.settings
        request = page_request(first, after, default=settings.default_page_size, maximum=settings.max_page_size, keys=3)
        query = CommitmentModel.filter(info.context.visible("citizen_promise"), commitment_filter(filter))
        return await paginate(
            query, keys=COMMITMENT_ORDER, fields=COMMITMENT_FIELDS, request=request, build=Commitment.from_row
        )

    @strawberry.field(description="The controlled topic vocabulary.")
    async def topics(self, info: Info[Context, Any]) -> list[Topic]:
        return [Topic(key=row["key"], label=row["label"]) for row in await TopicsLoader.of(info).load(None)]
