"""Coverage: which municipalities of the official register have an agreement, a medborgarlöfte
and a follow-up for a year. The register is the base relation, so groups without content still
appear, with zeros; each kind is a set of municipality codes joined to it.

The SQL, the GraphQL type and the loader of the municipalities missing are kept together here:
the type's `missing` reads through the loader, which runs the SQL.

Areas below the municipality (issue 18) are counted beside: an area is covered by a promise for
it, for an area it lies in, or for its whole municipality (a promise without an area), and by a
follow-up of such a promise. Grouped by AREA each area is a group of its own (its municipality's
counts beside it); any other grouping adds up the areas of its municipalities, so the areas roll
up to the municipality, the county and the region. The ancestors come from one recursive CTE over
the area table (`area_up`, every area with itself and the areas above it; UNION, so even a cycle
of parents ends), whose size is areas × depth (depth at most seed.validate.MAX_AREA_DEPTH).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.agreements.filters import UNDATED_TERM_YEARS, undated_since_year
from api.context import Context
from api.core.loaders import Loader
from api.core.sql import Row, rows
from api.dashboards.types import CoverageKind, DimensionValue, StatisticsDimension
from api.geography.filters import PLACE_OF_MUNICIPALITY, place_sql
from api.geography.types import Municipality
from api.protection.errors import ClientError
from models.sql import Fragment, all_of, one_of, sql, visible, year_of

D = StatisticsDimension
# (county code, police region name) the groups are restricted to.
Restriction = tuple[str | None, str | None]

# (key, label, order) of each dimension coverage can group by.
GROUPS: dict[StatisticsDimension, tuple[str, str, str]] = {
    D.POLICE_REGION: ("COALESCE(r.name, '')", "'Polisregion ' || COALESCE(r.name, '')", "r.id"),
    D.COUNTY: ("co.code", "co.name", "co.code"),
    D.MUNICIPALITY: ("m.code", "m.name", "m.code"),
    D.AREA: ("ar.slug", "ar.name", "m.code, ar.name"),
}

REGISTER = f"municipality m {PLACE_OF_MUNICIPALITY}"
# Grouped by AREA the base relation is the areas, each with its municipality's place.
AREA_REGISTER = f"area ar JOIN municipality m ON m.code = ar.municipality_id {PLACE_OF_MUNICIPALITY}"
AREA_UP = (
    "area_up(area_id, ancestor_id) AS (SELECT id, id FROM area"
    " UNION SELECT u.area_id, a.parent_id FROM area_up u JOIN area a ON a.id = u.ancestor_id"
    " WHERE a.parent_id IS NOT NULL)"
)


def register(group_by: StatisticsDimension) -> str:
    return AREA_REGISTER if group_by is D.AREA else REGISTER


@strawberry.type(
    description="Coverage of one group of municipalities in a year. An agreement whose period is unknown counts as"
    " in force from the year of its signing or publication date and the three years after it (four calendar"
    " years, as AgreementFilter.activeOn)."
)
class CoverageStatistic:
    group: list[DimensionValue] = strawberry.field(description="The group: one value, of the dimension asked for.")
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
    restrict: strawberry.Private[Restriction]

    @strawberry.field(description="The municipalities of the group without it, by kommunkod.")
    async def missing(
        self,
        info: Info[Context, Any],
        kind: Annotated[CoverageKind, strawberry.argument(description="What they lack.")],
    ) -> list[Municipality]:
        rows = await MissingMunicipalitiesLoader.of(info).load(
            (kind, self.year, self.dimension, self.restrict, self.key)
        )
        return [Municipality.from_row(row) for row in rows]


MissingKey = tuple[CoverageKind, int, StatisticsDimension, Restriction, str]
Batch = tuple[CoverageKind, int, StatisticsDimension, Restriction]


class MissingMunicipalitiesLoader(Loader[MissingKey, list[Row]]):
    """Municipalities without an item, by (kind, year, grouping, restriction, group key).

    One query per kind, year, grouping and restriction, for all the groups asked about.
    """

    async def load_batch(self, unique: list[MissingKey], keys: list[MissingKey]) -> list[list[Row]]:
        batches: dict[Batch, list[str]] = defaultdict(list)
        for kind, year, dimension, restrict, group_key in unique:
            batches[(kind, year, dimension, restrict)].append(group_key)
        found: dict[MissingKey, list[Row]] = defaultdict(list)
        for (kind, year, dimension, restrict), group_keys in batches.items():
            rows = await missing(
                kind, year, dimension, group_keys, restrict, self.context.now, self.context.sees_everything
            )
            for row in rows:
                found[(kind, year, dimension, restrict, str(row["group_key"]))].append(row)
        return [found.get(key, []) for key in keys]


def check_group(group_by: StatisticsDimension) -> tuple[str, str, str]:
    if group_by not in GROUPS:
        allowed = ", ".join(dimension.value for dimension in GROUPS)
        raise ClientError(f"coverage can be grouped by {allowed} only, not by {group_by.value}")
    return GROUPS[group_by]


# When visibility is judged: a moment, a late-bound one (the compiled path), or None (drafts too).
Moment = datetime | Fragment | None


def covered_sql(kind: CoverageKind, year: int, now: Moment) -> Fragment:
    """SELECT of the codes of municipalities that have `kind` for `year` (`now=None`: drafts too)."""
    if kind is CoverageKind.AGREEMENT:
        # Without a period: in force from its signing date, else the printed publication date,
        # else the day it was first published here, for UNDATED_TERM_YEARS calendar years (as
        # AgreementFilter.activeOn).
        since = undated_since_year("a")
        first_year = year - UNDATED_TERM_YEARS + 1
        bound = sql.value(year)
        return sql(
            "SELECT DISTINCT o.municipality_id AS code FROM agreement a"
            " JOIN agreement_party ap ON ap.agreement_id = a.id"
            " JOIN organisation o ON o.id = ap.organisation_id"
            " WHERE o.municipality_id IS NOT NULL AND {}"
            " AND ((a.period_start IS NOT NULL AND {} <= {} AND (a.period_end IS NULL OR {} >= {}))"
            " OR (a.period_start IS NULL AND {} <= {} AND {} >= {}))",
            visible("a", now),
            year_of("a.period_start"),
            bound,
            year_of("a.period_end"),
            bound,
            since,
            bound,
            since,
            first_year,
        )
    if kind is CoverageKind.CITIZEN_PROMISE:
        return sql(
            "SELECT DISTINCT p.municipality_id AS code FROM citizen_promise p WHERE {}", _promise_in_force(year, now)
        )
    return sql(
        "SELECT DISTINCT p.municipality_id AS code FROM follow_up f"
        " JOIN citizen_promise p ON p.id = f.citizen_promise_id WHERE {}",
        _follow_up_of(year, now),
    )


def _promise_in_force(year: int | Fragment, now: Moment) -> Fragment:
    return sql(
        "{} AND {} <= {} AND (p.period_end IS NULL OR {} >= {})",
        visible("p", now),
        year_of("p.period_start"),
        year,
        year_of("p.period_end"),
        year,
    )


def _follow_up_of(year: int | Fragment, now: Moment) -> Fragment:
    return sql("{} AND {} AND f.year = {}", visible("f", now), visible("p", now), year)


def area_covered_sql(year: int | Fragment, now: Moment) -> Fragment:
    """SELECT of every area (area_id, code, areas = 1, with_promise, with_follow_up as 0 or 1)."""
    for_area = (
        "p.municipality_id = ar.municipality_id AND (p.area_id IS NULL"
        " OR p.area_id IN (SELECT u.ancestor_id FROM area_up u WHERE u.area_id = ar.id))"
    )
    return sql(
        "SELECT ar.id AS area_id, ar.municipality_id AS code, 1 AS areas,"
        " CASE WHEN EXISTS (SELECT 1 FROM citizen_promise p"
        f" WHERE {for_area} AND {{}}) THEN 1 ELSE 0 END AS with_promise,"
        " CASE WHEN EXISTS (SELECT 1 FROM follow_up f JOIN citizen_promise p ON p.id = f.citizen_promise_id"
        f" WHERE {for_area} AND {{}}) THEN 1 ELSE 0 END AS with_follow_up"
        " FROM area ar",
        _promise_in_force(year, now),
        _follow_up_of(year, now),
    )


def coverage_sql(
    group_by: StatisticsDimension,
    year: int,
    county_code: str | None,
    police_region: str | None,
    now: Moment,
) -> Fragment:
    """One row per group: key_0, label_0, the counts, and `n` numbering the rows in their order
    (for the compiled path's JSON list, api/dashboards/reads.py)."""
    key, label, order = check_group(group_by)
    if group_by is D.AREA:
        areas_join = "LEFT JOIN area_covered ac ON ac.area_id = ar.id"
    else:
        areas_join = "LEFT JOIN area_counts ac ON ac.code = m.code"
    return sql(
        f"WITH RECURSIVE {AREA_UP},\n"
        "with_agreement AS ({}),\n"
        "with_promise AS ({}),\n"
        "with_follow_up AS ({}),\n"
        "area_covered AS ({}),\n"
        "area_counts AS (SELECT code, SUM(areas) AS areas, SUM(with_promise) AS with_promise,"
        " SUM(with_follow_up) AS with_follow_up FROM area_covered GROUP BY code)\n"
        f"SELECT {key} AS key_0, {label} AS label_0, COUNT(*) AS municipalities,"
        " COUNT(wa.code) AS with_agreement, COUNT(wp.code) AS with_citizen_promise,"
        " COUNT(wf.code) AS with_follow_up, COALESCE(SUM(ac.areas), 0) AS areas,"
        " COALESCE(SUM(ac.with_promise), 0) AS areas_with_citizen_promise,"
        " COALESCE(SUM(ac.with_follow_up), 0) AS areas_with_follow_up,"
        f" ROW_NUMBER() OVER (ORDER BY {order}, {key}) AS n\n"
        f"FROM {register(group_by)}\n"
        "LEFT JOIN with_agreement wa ON wa.code = m.code\n"
        "LEFT JOIN with_promise wp ON wp.code = m.code\n"
        "LEFT JOIN with_follow_up wf ON wf.code = m.code\n"
        f"{areas_join}\n"
        "WHERE {}\n"
        f"GROUP BY {', '.join(dict.fromkeys((key, label, order)))}\n"
        f"ORDER BY {order}, {key}",
        covered_sql(CoverageKind.AGREEMENT, year, now),
        covered_sql(CoverageKind.CITIZEN_PROMISE, year, now),
        covered_sql(CoverageKind.FOLLOW_UP, year, now),
        area_covered_sql(year, now),
        all_of(place_sql(None, county_code, police_region)),
    )


def missing_sql(
    kind: CoverageKind,
    year: int,
    group_by: StatisticsDimension,
    keys: list[str],
    restrict: Restriction,
    now: Moment,
) -> Fragment:
    """The municipalities of the given groups (as restricted) without `kind`, each with its group's key."""
    key, _, _ = check_group(group_by)
    return sql(
        f"SELECT {key} AS group_key, m.code, m.name, m.county_id, m.local_police_area_id\n"
        f"FROM {register(group_by)}\n"
        "WHERE {}\n"
        "ORDER BY m.code",
        missing_where(kind, year, group_by, one_of(key, keys), restrict, now),
    )


def missing_where(
    kind: CoverageKind,
    year: int,
    group_by: StatisticsDimension,
    in_groups: Fragment,
    restrict: Restriction,
    now: Moment,
) -> Fragment:
    """The condition on a municipality `m` of the register (`register(group_by)`) of being in
    the groups `in_groups` selects, inside the restriction, and without `kind` for the year."""
    return sql(
        "{} AND {} AND m.code NOT IN ({})",
        in_groups,
        all_of(place_sql(None, *restrict)),
        covered_sql(kind, year, now),
    )


async def coverage(
    group_by: StatisticsDimension,
    year: int,
    county_code: str | None,
    police_region: str | None,
    now: datetime,
    preview: bool = False,
) -> list[CoverageStatistic]:
    statement = coverage_sql(group_by, year, county_code, police_region, None if preview else now)
    restrict = (county_code, police_region)
    return [_statistic(group_by, year, restrict, row) for row in await rows(statement)]


async def missing(
    kind: CoverageKind,
    year: int,
    group_by: StatisticsDimension,
    keys: list[str],
    restrict: Restriction,
    now: datetime,
    preview: bool = False,
) -> list[Row]:
    return await rows(missing_sql(kind, year, group_by, keys, restrict, None if preview else now))


def _statistic(group_by: StatisticsDimension, year: int, restrict: Restriction, row: Row) -> CoverageStatistic:
    key = str(row["key_0"])
    return CoverageStatistic(
        group=[DimensionValue(dimension=group_by, key=key, label=str(row["label_0"]))],
        municipalities=int(row["municipalities"]),
        with_agreement=int(row["with_agreement"]),
        with_citizen_promise=int(row["with_citizen_promise"]),
        with_follow_up=int(row["with_follow_up"]),
        areas=int(row["areas"]),
        areas_with_citizen_promise=int(row["areas_with_citizen_promise"]),
        areas_with_follow_up=int(row["areas_with_follow_up"]),
        dimension=group_by,
        key=key,
        year=year,
        restrict=restrict,
    )
