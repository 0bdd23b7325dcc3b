from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core import inputs
from api.dashboards.coverage import coverage
from api.dashboards.statistics import commitment_statistics
from api.dashboards.targets import target_statistics
from api.dashboards.types import CommitmentStatistic, CoverageStatistic, StatisticsDimension, TargetStatistic
from api.promises.filters import CommitmentFilter


@strawberry.type
class DashboardQuery:
    @strawberry.field(
        description="Counts of commitments, citizen promises, municipalities and followed-up commitments, grouped by"
        " any combination of dimensions (none: one total). See CommitmentStatistic for what each dimension means."
    )
    async def commitment_statistics(
        self,
        info: Info[Context, Any],
        group_by: list[StatisticsDimension],
        filter: CommitmentFilter | None = None,
    ) -> list[CommitmentStatistic]:
        inputs.check(filter=filter)
        context = info.context
        return await commitment_statistics(group_by, filter, context.now, context.sees_everything)

    @strawberry.field(
        description="Promised and reported quantities of the targets of published commitments and counts of targets"
        " per derived status (see TargetStatus), grouped by any combination of dimensions but ASSESSMENT (none: one"
        " total). See TargetStatistic for how targets count."
    )
    async def target_statistics(
        self,
        info: Info[Context, Any],
        group_by: list[StatisticsDimension],
        filter: CommitmentFilter | None = None,
    ) -> list[TargetStatistic]:
        inputs.check(filter=filter)
        context = info.context
        return await target_statistics(group_by, filter, context.now, context.sees_everything)

    @strawberry.field(
        description="For each group (POLICE_REGION, COUNTY, MUNICIPALITY or AREA only) of the official register: how"
        " many municipalities have an agreement in force, a medborgarlöfte and a follow-up for the year, and how many"
        " of their areas below the municipality have a medborgarlöfte and a follow-up (see CoverageStatistic.areas)."
        " AREA: one group per area, ordered by kommunkod then the area's name."
    )
    async def coverage(
        self,
        info: Info[Context, Any],
        group_by: StatisticsDimension,
        year: int,
        county_code: str | None = None,
        police_region: str | None = None,
    ) -> list[CoverageStatistic]:
        inputs.check(year=year, county_code=county_code, police_region=police_region)
        context = info.context
        return await coverage(group_by, year, county_code, police_region, context.now, context.sees_everything)
