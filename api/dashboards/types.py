"""Statistics across municipalities and coverage against the official register."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.geography.types import Municipality


@strawberry.enum(
    description="What statistics can be grouped by. COUNTED (what a target counts) and ORGANISATION (the"
    " organisations that perform a commitment, `performedBy`) group targetStatistics only; ASSESSMENT groups"
    " commitmentStatistics only. AREA: the area below the municipality a commitment is for (its own, else its"
    ' citizen promise\'s; key empty, label "Hela kommunen": the whole municipality), so the AREA groups of a'
    " municipality add up to its MUNICIPALITY group; coverage by AREA: one group per area."
)
class StatisticsDimension(Enum):
    POLICE_REGION = "POLICE_REGION"
    COUNTY = "COUNTY"
    MUNICIPALITY = "MUNICIPALITY"
    ACTOR = "ACTOR"
    YEAR = "YEAR"
    TOPIC = "TOPIC"
    ASSESSMENT = "ASSESSMENT"
    COUNTED = "COUNTED"
    ORGANISATION = "ORGANISATION"
    AREA = "AREA"


@strawberry.enum(description="What coverage counts: an agreement in force, a medborgarlöfte, a follow-up.")
class CoverageKind(Enum):
    AGREEMENT = "AGREEMENT"
    CITIZEN_PROMISE = "CITIZEN_PROMISE"
    FOLLOW_UP = "FOLLOW_UP"


@strawberry.type(description="One coordinate of a statistics group, e.g. COUNTY / 14 / Västra Götalands län.")
class DimensionValue:
    dimension: StatisticsDimension
    key: str = strawberry.field(
        description='POLICE_REGION: the region\'s name ("Väst", as filters take it); COUNTY: two digits;'
        " MUNICIPALITY: kommunkod; ACTOR, ASSESSMENT: the enum value; YEAR: four digits; TOPIC: the topic key;"
        " COUNTED: what the target counts, as printed; ORGANISATION: the organisation's slug (empty: none named);"
        " AREA: the area's slug (empty: the whole municipality)."
    )
    label: str = strawberry.field(description="In Swedish, for display.")


@strawberry.type(
    description="Counts for one group. YEAR: every calendar year a citizen promise's period covers (an open-ended"
    " one up to the latest year any published period has, at least this year; years more than 50 before or 10"
    " after this one are left out, and a year filter outside those years counts nothing); TOPIC: a commitment"
    " counts once per topic it has (untagged ones in no topic);"
    " ASSESSMENT: that of the commitment's follow-up entries for the year (grouped or filtered by), NOT_ASSESSED"
    " without one. Published content only."
)
class CommitmentStatistic:
    group: list[DimensionValue] = strawberry.field(description="One value per requested dimension, in that order.")
    commitments: int = strawberry.field(
        description="Commitments counted: every commitment without activities under it (Commitment.activities). A"
        " two-level promise counts its activities, each once, and not the joint statement above them; a"
        " commitment of one level counts as itself."
    )
    citizen_promises: int
    municipalities: int
    followed_up: int = strawberry.field(
        description="Commitments with at least one follow-up entry (for the group's or the filter's year, if any)."
    )


@strawberry.type(
    description="Targets of published commitments and what published follow-ups report on them, for one group."
    " Each target counts once per group: under YEAR once in every year of its promise's period, with the status"
    " of that year's follow-up; filtered by year, with that year's; otherwise with the latest follow-up's (the"
    " highest year). A target without such a follow-up is NOT_REPORTED. ORGANISATION: a target counts under"
    " each organisation its commitment names in performedBy (none: the group with an empty key). Results that"
    " report on no target count in no group. Quantities add up as printed, each per its own interval: group by"
    " COUNTED to add like with like. Published content only; the open data (GET /export/targets.csv) has the"
    " rows these figures are counted from."
)
class TargetStatistic:
    group: list[DimensionValue] = strawberry.field(description="One value per requested dimension, in that order.")
    targets: int
    commitments: int
    municipalities: int
    promised_quantity: float | None = strawberry.field(description="The targets' quantities added up.")
    reported_quantity: float | None = strawberry.field(
        description="The quantities of the results linked to the targets (in the follow-ups counted) added up."
    )
    not_reported: int = strawberry.field(description="Targets with status NOT_REPORTED (see TargetStatus).")
    not_comparable: int
    met: int
    exceeded: int
    missed: int


@strawberry.type(
    description="Coverage of one group of municipalities in a year. An agreement whose period is unknown counts as"
    " in force from the year of its signing or publication date and the three years after it (four calendar"
    " years, as AgreementFilter.activeOn)."
)
class CoverageStatistic:
    group: list[DimensionValue]
    municipalities: int = strawberry.field(description="All municipalities of the group in the official register.")
    with_agreement: int = strawberry.field(description="With a published agreement in force during the year.")
    with_citizen_promise: int = strawberry.field(description="With a published medborgarlöfte covering the year.")
    with_follow_up: int = strawberry.field(description="With a published follow-up for the year.")
    areas: int = strawberry.field(
        description="Areas below the municipality (stadsdelar, tätorter, neighbourhoods, places) in the group's"
        " municipalities; grouped by AREA: 1, the group's own area."
    )
    areas_with_citizen_promise: int = strawberry.field(
        description="Of `areas`, those with a published medborgarlöfte covering the year: one for the area, for an"
        " area it lies in, or for its whole municipality."
    )
    areas_with_follow_up: int = strawberry.field(
        description="Of `areas`, those with a published follow-up for the year of such a promise."
    )
    dimension: strawberry.Private[StatisticsDimension]
    key: strawberry.Private[str]
    year: strawberry.Private[int]
    restrict: strawberry.Private[tuple[str | None, str | None]]

    @strawberry.field(description="The municipalities of the group without it, by kommunkod.")
    async def missing(self, info: Info[Context, Any], kind: CoverageKind) -> list[Municipality]:
        from api.dashboards.loaders import MissingMunicipalitiesLoader

        rows = await MissingMunicipalitiesLoader.of(info).load(
            (kind, self.year, self.dimension, self.restrict, self.key)
        )
        return [Municipality.from_row(row) for row in rows]
