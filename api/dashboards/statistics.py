"""Commitment statistics: one GROUP BY statement per request, whatever the grouping.

The statement joins each commitment to its citizen promise and the promise's municipality,
county and police region; YEAR joins a generated relation of calendar years on the promise's
period, TOPIC joins the commitment's topics, and the follow-up entries that report on the
commitment are joined (for the year, when there is one) for `followedUp` and ASSESSMENT.

The years are bounded by the content, never by the request: from the earliest period start to
the latest year any period has (at least this year), and never outside a fixed window around
this year (`YEARS_BACK`, `YEARS_AHEAD`). An open-ended promise counts up to that latest year.
Before this, the series ran up to the year filtered for: `filter: {year: 2147483647}` made a
recursive query of about 2^31 rows (15 minutes of PostgreSQL CPU; on SQLite every request
waited behind it), and one draft dated 9999-12-31 (PostgreSQL `infinity`) broke the statement for
everyone. Now the series has at most YEARS_BACK + YEARS_AHEAD + 1 rows whatever is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from api.core.sql import Row, Statement
from api.dashboards.types import CommitmentStatistic, DimensionValue, StatisticsDimension
from api.geography.filters import COMMITMENT_AREA, area_sql
from api.promises.filters import CommitmentFilter
from api.protection.errors import ClientError

D = StatisticsDimension

# Each actor counts as itself: OTHER and UNSPECIFIED are groups of their own, never KOMMUN or
# TILLSAMMANS.
ACTOR_LABELS = {
    "KOMMUN": "Kommunen",
    "POLIS": "Polisen",
    "TILLSAMMANS": "Tillsammans",
    "OTHER": "Annan aktör",
    "UNSPECIFIED": "Ingen aktör angiven",
}
ASSESSMENT_LABELS = {
    "FULFILLED": "Uppfyllt",
    "PARTLY_FULFILLED": "Delvis uppfyllt",
    "NOT_FULFILLED": "Ej uppfyllt",
    "NOT_ASSESSED": "Ej bedömt",
}
ASSESSMENT = "COALESCE(fe.assessment, 'NOT_ASSESSED')"
AREA_JOIN = f"LEFT JOIN area ar ON ar.id = {COMMITMENT_AREA}"
# What commitment statistics count: every commitment `c` without activities under it.
COUNTED_COMMITMENT = "NOT EXISTS (SELECT 1 FROM commitment ch WHERE ch.parent_id = c.id)"
# The window of years a YEAR series can cover, around this year: periods outside it (mistyped or
# far-future dates) are left out of the series, whatever is stored.
YEARS_BACK = 50
YEARS_AHEAD = 10


@dataclass(frozen=True)
class Column:
    """How one dimension reads in SQL: its key, its label, and what orders it."""

    key: str
    label: str
    order: str


COLUMNS: dict[StatisticsDimension, Column] = {
    D.POLICE_REGION: Column("COALESCE(r.name, '')", "'Polisregion ' || COALESCE(r.name, '')", "r.id"),
    D.COUNTY: Column("co.code", "co.name", "co.code"),
    D.MUNICIPALITY: Column("m.code", "m.name", "m.code"),
    D.ACTOR: Column("c.actor", "c.actor", "c.actor"),
    D.YEAR: Column("y.year", "y.year", "y.year"),
    D.TOPIC: Column("t.key", "t.label", "t.position"),
    # Joined as AREA_JOIN: each commitment is in exactly one group (its own area, else its
    # promise's, else the whole municipality), so a municipality's area groups add up to it.
    D.AREA: Column("COALESCE(ar.slug, '')", "COALESCE(ar.name, 'Hela kommunen')", "COALESCE(ar.slug, '')"),
    D.ASSESSMENT: Column(
        ASSESSMENT,
        ASSESSMENT,
        f"CASE {ASSESSMENT} WHEN 'FULFILLED' THEN 1 WHEN 'PARTLY_FULFILLED' THEN 2"
        " WHEN 'NOT_FULFILLED' THEN 3 ELSE 4 END",
    ),
}


def statistics_sql(
    statement: Statement,
    group_by: list[StatisticsDimension],
    filter: CommitmentFilter | None,
    now: datetime,
    preview: bool = False,
) -> str:
    """The one statement; in editorial preview drafts count too."""
    filter = filter or CommitmentFilter()
    for dimension in group_by:
        if dimension not in COLUMNS:
            allowed = ", ".join(d.value for d in COLUMNS)
            raise ClientError(f"commitment statistics can be grouped by {allowed}, not by {dimension.value}")
    if len(set(group_by)) != len(group_by):
        raise ClientError("groupBy: each dimension may be given only once")
    by_year = D.YEAR in group_by
    visible_at = None if preview else now
    start_year, end_year = statement.year_of("p.period_start"), statement.year_of("p.period_end")

    ctes = [
        "followed AS ("
        " SELECT DISTINCT ec.commitment_id, f.year, e.assessment"
        " FROM follow_up_entry_commitment ec"
        " JOIN follow_up_entry e ON e.id = ec.entry_id"
        " JOIN follow_up f ON f.id = e.follow_up_id"
        f" WHERE {statement.visible('f', visible_at)})"
    ]
    joins = [
        "JOIN citizen_promise p ON p.id = c.citizen_promise_id",
        "JOIN municipality m ON m.code = p.municipality_id",
        "JOIN county co ON co.code = m.county_id",
        "LEFT JOIN police_unit r ON r.id = co.police_region_id",
    ]
    if by_year or filter.year is not None:
        ctes += year_series(statement, visible_at, now)
        joins.append("CROSS JOIN bounds b")
    if by_year:
        # The series ends at the latest year, so an open-ended period needs no end here.
        years_on = f"y.year >= {start_year} AND (p.period_end IS NULL OR y.year <= {end_year})"
        if filter.year is not None:
            # Filtered for a year, the other years of a longer period are not asked for.
            years_on += f" AND y.year = {statement.bind('year', filter.year)}"
        joins.append(f"JOIN years y ON {years_on}")
    if D.AREA in group_by:
        joins.append(AREA_JOIN)
    if D.TOPIC in group_by:
        joins.append("JOIN commitment_topic ct ON ct.commitment_id = c.id")
        joins.append("JOIN topic t ON t.key = ct.topic_id")
    # Follow-ups count for the year of the group, else for the year filtered for, else any year.
    followed_on = "fe.commitment_id = c.id"
    if by_year:
        followed_on += " AND fe.year = y.year"
    elif filter.year is not None:
        followed_on += f" AND fe.year = {statement.bind('year', filter.year)}"
    joins.append(f"LEFT JOIN followed fe ON {followed_on}")

    # Two levels count once: a joint statement with activities under it is counted through them
    # (COUNTED_COMMITMENT), so "lovar att minska narkotikabrotten" and its three activities are 3.
    where = [statement.visible("p", visible_at), COUNTED_COMMITMENT]
    if filter.actor is not None:
        where.append(f"c.actor = {statement.bind('actor', filter.actor.value)}")
    if filter.municipality_code is not None:
        where.append(f"p.municipality_id = {statement.bind('municipality_code', filter.municipality_code)}")
    if filter.county_code is not None:
        where.append(f"m.county_id = {statement.bind('county_code', filter.county_code)}")
    if filter.police_region is not None:
        where.append(f"r.name = {statement.bind('police_region', filter.police_region)}")
    if filter.year is not None:
        # A year outside the series counts nothing, as it has no group under YEAR.
        year = statement.bind("year", filter.year)
        where.append(
            f"{year} BETWEEN b.first_year AND b.last_year"
            f" AND {start_year} <= {year} AND (p.period_end IS NULL OR {end_year} >= {year})"
        )
    if filter.area is not None:
        where.append(area_sql(statement, COMMITMENT_AREA, filter.area))
    if filter.topic is not None:
        topic = statement.bind("topic", filter.topic)
        where.append(
            f"EXISTS (SELECT 1 FROM commitment_topic ft WHERE ft.commitment_id = c.id AND ft.topic_id = {topic})"
        )

    columns = [COLUMNS[dimension] for dimension in group_by]
    select = [f"{column.key} AS key_{index}, {column.label} AS label_{index}" for index, column in enumerate(columns)]
    select += [
        "COUNT(DISTINCT c.id) AS commitments",
        "COUNT(DISTINCT p.id) AS citizen_promises",
        "COUNT(DISTINCT p.municipality_id) AS municipalities",
        "COUNT(DISTINCT fe.commitment_id) AS followed_up",
    ]
    sql = (
        f"WITH RECURSIVE {', '.join(ctes)}\n"
        f"SELECT {', '.join(select)}\n"
        f"FROM commitment c\n{chr(10).join(joins)}\n"
        f"WHERE {' AND '.join(f'({condition})' for condition in where)}"
    )
    if columns:
        grouped = dict.fromkeys(part for column in columns for part in (column.key, column.label, column.order))
        sql += f"\nGROUP BY {', '.join(grouped)}"
        sql += f"\nORDER BY {', '.join(f'{column.order}, {column.key}' for column in columns)}"
    return sql


def year_series(statement: Statement, visible_at: datetime | None, now: datetime) -> list[str]:
    """CTEs `bounds` (first_year, last_year) and `years` (one row a year between them) of the
    visible citizen promises' periods, inside the window around `now`'s year.

    last_year is the latest start or end year of a period (an open-ended one's: this year), so
    an open-ended promise counts up to the latest year content has and no further."""
    start_year, end_year = statement.year_of("p.period_start"), statement.year_of("p.period_end")
    floor = statement.bind("years_from", now.year - YEARS_BACK)
    ceiling = statement.bind("years_to", now.year + YEARS_AHEAD)
    this_year = statement.bind("this_year", now.year)
    last = f"COALESCE({end_year}, {this_year})"
    last = f"CASE WHEN {last} < {start_year} THEN {start_year} ELSE {last} END"
    return [
        "bounds AS ("
        f" SELECT MIN(CASE WHEN {start_year} < {floor} THEN {floor} ELSE {start_year} END) AS first_year,"
        f" MAX(CASE WHEN {last} > {ceiling} THEN {ceiling} ELSE {last} END) AS last_year"
        " FROM citizen_promise p"
        f" WHERE {statement.visible('p', visible_at)} AND {start_year} <= {ceiling}"
        f" AND ({end_year} IS NULL OR {end_year} >= {floor}))",
        "years(year) AS ("
        " SELECT first_year FROM bounds WHERE first_year IS NOT NULL"
        " UNION ALL"
        " SELECT years.year + 1 FROM years, bounds WHERE years.year < bounds.last_year)",
    ]


async def commitment_statistics(
    group_by: list[StatisticsDimension], filter: CommitmentFilter | None, now: datetime, preview: bool = False
) -> list[CommitmentStatistic]:
    statement = Statement.for_default_connection()
    rows = await statement.run(statistics_sql(statement, group_by, filter, now, preview))
    return [_statistic(group_by, row) for row in rows]


def _statistic(group_by: list[StatisticsDimension], row: Row) -> CommitmentStatistic:
    return CommitmentStatistic(
        group=[dimension_value(dimension, row[f"key_{i}"], row[f"label_{i}"]) for i, dimension in enumerate(group_by)],
        commitments=int(row["commitments"]),
        citizen_promises=int(row["citizen_promises"]),
        municipalities=int(row["municipalities"]),
        followed_up=int(row["followed_up"]),
    )


def dimension_value(dimension: StatisticsDimension, key: object, label: object) -> DimensionValue:
    text = str(key)
    if dimension is D.ACTOR:
        label = ACTOR_LABELS.get(text, text)
    elif dimension is D.ASSESSMENT:
        label = ASSESSMENT_LABELS.get(text, text)
    return DimensionValue(dimension=dimension, key=text, label=str(label))
