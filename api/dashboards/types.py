"""The GraphQL types of statistics: the dimensions, one coordinate of a group, and the counts of
commitments (coverage's own type is in api/dashboards/coverage.py, beside its SQL and loader)."""

from __future__ import annotations

from enum import Enum

import strawberry

from api.core.enums import described_enum


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


# Described here rather than with strawberry.enum_value, which would type each `.value` (read in SQL
# building) as an EnumValueDefinition.
described_enum(
    StatisticsDimension,
    "What statistics can be grouped by. COUNTED and ORGANISATION group targetStatistics only; ASSESSMENT groups"
    " commitmentStatistics only.",
    {
        "POLICE_REGION": "By polisregion (through the county).",
        "COUNTY": "By län.",
        "MUNICIPALITY": "By kommun.",
        "ACTOR": "By whose commitment it is (kommunen, polisen, tillsammans, another organisation, unstated).",
        "YEAR": "By calendar year a citizen promise's period covers.",
        "TOPIC": "By topic of the controlled vocabulary.",
        "ASSESSMENT": "By the follow-up's assessment of the commitment.",
        "COUNTED": "By what a target (or a result on no target) counts, as printed (e.g. trygghetsvandringar).",
        "ORGANISATION": "By the organisations that perform a commitment (`performedBy`).",
        "AREA": (
            "By the area below the municipality a commitment is for (its own, else its citizen promise's; key"
            ' empty, label "Hela kommunen": the whole municipality), so the AREA groups of a municipality add up'
            " to its MUNICIPALITY group; coverage by AREA: one group per area."
        ),
    },
)


class CoverageKind(Enum):
    AGREEMENT = "AGREEMENT"
    CITIZEN_PROMISE = "CITIZEN_PROMISE"
    FOLLOW_UP = "FOLLOW_UP"


described_enum(
    CoverageKind,
    "What coverage counts: an agreement in force, a medborgarlöfte, a follow-up.",
    {
        "AGREEMENT": "A published samverkansöverenskommelse in force.",
        "CITIZEN_PROMISE": "A published medborgarlöfte.",
        "FOLLOW_UP": "A published uppföljning (follow-up).",
    },
)


@strawberry.type(description="One coordinate of a statistics group, e.g. COUNTY / 14 / Västra Götalands län.")
class DimensionValue:
    dimension: StatisticsDimension = strawberry.field(description="Which dimension this coordinate is of.")
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
    citizen_promises: int = strawberry.field(description="Distinct medborgarlöften those commitments belong to.")
    municipalities: int = strawberry.field(description="Distinct municipalities those medborgarlöften are made to.")
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
    targets: int = strawberry.field(description="Targets in the group.")
    commitments: int = strawberry.field(description="Commitments with at least one of those targets.")
    municipalities: int = strawberry.field(description="Municipalities with at least one of those targets.")
    promised_quantity: float | None = strawberry.field(
        description="The targets' quantities added up; null: none of them has one."
    )
    reported_quantity: float | None = strawberry.field(
        description="The quantities of the results in the follow-ups counted, added up: those linked to the group's"
        ' targets, and those that report on no target ("412 trafikkontroller"), which count in the group of what'
        " they count (COUNTED), of their municipality, county and police region, and of the commitment their entry"
        " names first (ACTOR, TOPIC, AREA, ORGANISATION; an entry naming none: the entry's actor, else UNSPECIFIED,"
        " no topic, its promise's area). They are no targets: `targets`, `commitments`, `municipalities` and the"
        " status counts leave them out, so a group may have a reportedQuantity and no targets. Null: nothing"
        " reported."
    )
    not_reported: int = strawberry.field(description="Targets with status NOT_REPORTED (see TargetStatus).")
    not_comparable: int = strawberry.field(description="Targets with status NOT_COMPARABLE.")
    met: int = strawberry.field(description="Targets with status MET.")
    exceeded: int = strawberry.field(description="Targets with status EXCEEDED.")
    missed: int = strawberry.field(description="Targets with status MISSED.")
