from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core import inputs
from api.core.relations import everything, listing, lookup
from api.core.relay import After, Connection, First
from api.geography.filters import COUNTY_CODE, POLICE_REGION
from api.geography.types import County, Municipality


@strawberry.type
class GeographyQuery:
    @strawberry.field(description="One kommun by its kommunkod; null if there is none.")
    async def municipality(
        self,
        info: Info[Context, Any],
        code: Annotated[str, strawberry.argument(description='Kommunkod, four digits, e.g. "1471".')],
    ) -> Municipality | None:
        inputs.check(code=code)
        found: Municipality | None = await lookup(info.context, "Municipality", code)
        return found

    @strawberry.field(description="All 290 municipalities, by kommunkod.")
    async def municipalities(
        self,
        info: Info[Context, Any],
        county_code: Annotated[
            str | None, strawberry.argument(description=COUNTY_CODE + " Only its municipalities.")
        ] = None,
        police_region: Annotated[
            str | None, strawberry.argument(description=POLICE_REGION + " Only its municipalities.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Municipality]:
        found: Connection[Municipality] = await listing(
            info.context, "municipalities", first, after, county_code=county_code, police_region=police_region
        )
        return found

    @strawberry.field(description="The 21 counties (län), by code.")
    async def counties(self, info: Info[Context, Any]) -> list[County]:
        found: list[County] = await everything(info.context, "counties")
        return found
