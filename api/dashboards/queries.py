from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core import inputs
from api.dashboards.coverage import CoverageStatistic, coverage
from api.dashboards.statistics import commitment_statistics
from api.dashboards.targets import target_statistics
from api.dashboards.types import CommitmentStatistic, StatisticsDimension, TargetStatistic
from api.geography.filters import COUNTY_CODE, POLICE_REGION
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
        group_by: Annotated[
            list[StatisticsDimension],
            strawberry.argument(
                description="The dimensions to group by, in the order of each group's values; [] for one total."
            ),
        ],
        filter: Annotated[
            CommitmentFilter | None, strawberry.argument(description="Which commitments count; None: all published.")
        ] = None,
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
        group_by: Annotated[
            list[StatisticsDimension],
            strawberry.argument(
                description="The dimensions to group by, in the order of each group's values; [] for one total."
            ),
        ],
        filter: Annotated[
            CommitmentFilter | None,
            strawberry.argument(description="Which commitments' targets count; None: all published."),
        ] = None,
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
        group_by: Annotated[
            StatisticsDimension, strawberry.argument(description="POLICE_REGION, COUNTY or MUNICIPALITY.")
        ],
        year: Annotated[int, strawberry.argument(description="The calendar year to compare.")],
        county_code: Annotated[
            str | None, strawberry.argument(description=COUNTY_CODE + " Only its municipalities.")
        ] = None,
        police_region: Annotated[
            str | None, strawberry.argument(description=POLICE_REGION + " Only its municipalities.")
        ] = None,
    ) -> list[CoverageStatistic]:
        inputs.check(year=year, county_code=county_code, police_region=police_region)
        context = info.context
        return await coverage(group_by, year, county_code, police_region, context.now, context.sees_everything)
