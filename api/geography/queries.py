from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.pagination import SortKey, paginate
from api.core.relay import Connection, page_request
from api.geography.loaders import MUNICIPALITY_FIELDS, CountiesLoader, MunicipalityByCodeLoader
from api.geography.types import County, Municipality
from models import Municipality as MunicipalityModel


@strawberry.type
class GeographyQuery:
    @strawberry.field
    async def municipality(self, info: Info[Context, Any], code: str) -> Municipality | None:
        row = await MunicipalityByCodeLoader.of(info).load(code)
        return Municipality.from_row(row) if row else None

    @strawberry.field(description="All 290 municipalities, by kommunkod.")
    async def municipalities(
        self,
        info: Info[Context, Any],
        county_code: str | None = None,
        police_region: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Municipality]:
        settings = info.context.settings
        request = page_request(first, after, default=settings.default_page_size, maximum=settings.max_page_size, keys=1)
        query = MunicipalityModel.all()
        if county_code is not None:
            query = query.filter(county_id=county_code)
        if police_region is not None:
            query = query.filter(county__police_region__name=police_region)
        return await paginate(
            query,
            keys=[SortKey("code")],
            fields=MUNICIPALITY_FIELDS,
            request=request,
            build=Municipality.from_row,
        )

    @strawberry.field
    async def counties(self, info: Info[Context, Any]) -> list[County]:
        return [County.from_row(row) for row in await CountiesLoader.of(info).load(None)]
