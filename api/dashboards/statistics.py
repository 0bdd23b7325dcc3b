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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from api.core.sql import Row, rows
from api.dashboards.types import CommitmentStatistic, DimensionValue, StatisticsDimension
from api.geography.filters import COMMITMENT_AREA
from api.promises.filters import PROMISE_PLACES, CommitmentFilter, commitment_where
from api.protection.errors import ClientError
from models.sql import Fragment, sql, visible, year_of

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


def labelled(key: str, labels: Mapping[str, str]) -> str:
    """SQL of a key's Swedish label (a key not listed: itself)."""
    cases = " ".join(f"WHEN '{value}' THEN '{label}'" for value, label in labels.items())
    return f"CASE {key} {cases} ELSE {key} END"


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
    D.ACTOR: Column("c.actor", labelled("c.actor", ACTOR_LABELS), "c.actor"),
    D.YEAR: Column("y.year", "y.year", "y.year"),
    D.TOPIC: Column("t.key", "t.label", "t.position"),
    # Joined as AREA_JOIN: each commitment is in exactly one group (its own area, else its
    # promise's, else the whole municipality), so a municipality's area groups add up to it.
    D.AREA: Column("COALESCE(ar.slug, '')", "COALESCE(ar.name, 'Hela kommunen')", "COALESCE(ar.slug, '')"),
    D.ASSESSMENT: Column(
        ASSESSMENT,
        labelled(ASSESSMENT, ASSESSMENT_LABELS),
        f"CASE {ASSESSMENT} WHEN 'FULFILLED' THEN 1 WHEN 'PARTLY_FULFILLED' THEN 2"
        " WHEN 'NOT_FULFILLED' THEN 3 ELSE 4 END",
    ),
}


@dataclass(frozen=True)
class Relation:
    """What a statistics statement counts over: its CTEs, its FROM-part's joins, its conditions."""

    ctes: list[Fragment]
    joins: list[Fragment]
    where: list[Fragment]
    by_year: bool
    # The year filtered for, bound once.
    year: Fragment | None

    def follow_ups_for_year(self, column: str) -> Fragment:
        """Follow-ups count for the year of the group, else for the year filtered for, else any year."""
        if self.by_year:
            return sql.raw(f" AND {column} = y.year")
        return sql(f" AND {column} = {{}}", self.year) if self.year is not None else sql.raw("")

    def sql(self, table: str, columns: Sequence[Column], counts: Sequence[str]) -> Fragment:
        """The statement over `table` (as `c`, or target statistics' rows `it`) selecting `counts`,
        grouped by `columns` (each selected as key_i and label_i), each row numbered in its
        order (`n`, for the compiled path's JSON list, api/dashboards/reads.py)."""
        order = ", ".join(f"{column.order}, {column.key}" for column in columns)
        select = [
            f"{column.key} AS key_{index}, {column.label} AS label_{index}" for index, column in enumerate(columns)
        ]
        select += counts
        select.append(f"ROW_NUMBER() OVER (ORDER BY {order}) AS n" if columns else "1 AS n")
        # No WITH when there is nothing to put in it (target statistics without YEAR).
        statement = sql(
            "{}SELECT {}\nFROM {}\n{}\nWHERE {}",
            sql("WITH RECURSIVE {}\n", sql.join(self.ctes)) if self.ctes else sql.raw(""),
            sql.raw(", ".join(select)),
            sql.raw(table),
            sql.join(self.joins, "\n"),
            sql.join((sql("({})", condition) for condition in self.where), " AND "),
        )
        if columns:
            grouped = dict.fromkeys(part for column in columns for part in (column.key, column.label, column.order))
            statement += sql.raw(f"\nGROUP BY {', '.join(grouped)}\nORDER BY {order}")
        return statement


def check_groups(what: str, group_by: list[StatisticsDimension], columns: Mapping[StatisticsDimension, Column]) -> None:
    for dimension in group_by:
        if dimension not in columns:
            allowed = ", ".join(d.value for d in columns)
            raise ClientError(f"{what} can be grouped by {allowed}, not by {dimension.value}")
    if len(set(group_by)) != len(group_by):
        raise ClientError("groupBy: each dimension may be given only once")


def commitment_relation(
    group_by: list[StatisticsDimension],
    filter: CommitmentFilter,
    visible_at: datetime | Fragment | None,
    now: datetime,
    promise: str = "c.citizen_promise_id",
    actor: str = "c.actor",
) -> Relation:
    """Each commitment `c` with its citizen promise `p` (visible), its municipality `m`, county
    `co` and police region `r`; the year series `y` (with `bounds` b) when grouped by YEAR or
    filtered by a year; AREA's and TOPIC's joins; the commitment filter. Commitment and target
    statistics (api/dashboards/targets.py) both count over it; target statistics' rows name
    their promise (`promise`) and actor (`actor`) also where they have no commitment."""
    by_year = D.YEAR in group_by
    start_year, end_year = year_of("p.period_start"), year_of("p.period_end")
    ctes: list[Fragment] = []
    joins = [sql.raw(f"JOIN citizen_promise p ON p.id = {promise}\n{PROMISE_PLACES}")]
    year = None if filter.year is None else sql.value(filter.year)
    if by_year or year is not None:
        ctes += year_series(visible_at, now)
        joins.append(sql.raw("CROSS JOIN bounds b"))
    if by_year:
        # The series ends at the latest year, so an open-ended period needs no end here;
        # filtered for a year, the other years of a longer period are not asked for.
        joins.append(
            sql(
                "JOIN years y ON y.year >= {} AND (p.period_end IS NULL OR y.year <= {}){}",
                start_year,
                end_year,
                sql(" AND y.year = {}", year) if year is not None else sql.raw(""),
            )
        )
    if D.AREA in group_by:
        joins.append(sql.raw(AREA_JOIN))
    if D.TOPIC in group_by:
        joins.append(
            sql.raw("JOIN commitment_topic ct ON ct.commitment_id = c.id\nJOIN topic t ON t.key = ct.topic_id")
        )

    def in_series(_: int) -> Fragment:
        # A year outside the series counts nothing, as it has no group under YEAR.
        assert year is not None
        return sql(
            "{} BETWEEN b.first_year AND b.last_year AND {} <= {} AND (p.period_end IS NULL OR {} >= {})",
            year,
            start_year,
            year,
            end_year,
            year,
        )

    where = [visible("p", visible_at), *commitment_where(filter, year=in_series, actor=actor)]
    return Relation(ctes, joins, where, by_year, year)


def statistics_sql(
    group_by: list[StatisticsDimension],
    filter: CommitmentFilter | None,
    now: datetime,
    preview: bool = False,
    moment: Fragment | None = None,
) -> Fragment:
    """The one statement; in editorial preview drafts count too. Visibility is judged at `now`,
    or at `moment` when given (the compiled path binds the request's moment when it runs; `now`
    then gives only the window of years)."""
    filter = filter or CommitmentFilter()
    check_groups("commitment statistics", group_by, COLUMNS)
    visible_at = None if preview else moment if moment is not None else now
    relation = commitment_relation(group_by, filter, visible_at, now)
    relation.ctes.insert(
        0,
        sql(
            "followed AS ("
            " SELECT DISTINCT ec.commitment_id, f.year, e.assessment"
            " FROM follow_up_entry_commitment ec"
            " JOIN follow_up_entry e ON e.id = ec.entry_id"
            " JOIN follow_up f ON f.id = e.follow_up_id"
            " WHERE {})",
            visible("f", visible_at),
        ),
    )
    followed_on = relation.follow_ups_for_year("fe.year")
    relation.joins.append(sql("LEFT JOIN followed fe ON fe.commitment_id = c.id{}", followed_on))
    # Two levels count once: a joint statement with activities under it is counted through them
    # (COUNTED_COMMITMENT), so "lovar att minska narkotikabrotten" and its three activities are 3.
    relation.where.insert(1, sql.raw(COUNTED_COMMITMENT))
    counts = [
        "COUNT(DISTINCT c.id) AS commitments",
        "COUNT(DISTINCT p.id) AS citizen_promises",
        "COUNT(DISTINCT p.municipality_id) AS municipalities",
        "COUNT(DISTINCT fe.commitment_id) AS followed_up",
    ]
    return relation.sql("commitment c", [COLUMNS[dimension] for dimension in group_by], counts)


def year_series(visible_at: datetime | Fragment | None, now: datetime) -> list[Fragment]:
    """CTEs `bounds` (first_year, last_year) and `years` (one row a year between them) of the
    visible citizen promises' periods, inside the window around `now`'s year.

    last_year is the latest start or end year of a period (an open-ended one's: this year), so
    an open-ended promise counts up to the latest year content has and no further."""
    start_year, end_year = year_of("p.period_start"), year_of("p.period_end")
    floor = sql.value(now.year - YEARS_BACK)
    ceiling = sql.value(now.year + YEARS_AHEAD)
    last = sql("COALESCE({}, {})", end_year, now.year)
    last = sql("CASE WHEN {} < {} THEN {} ELSE {} END", last, start_year, start_year, last)
    return [
        sql(
            "bounds AS ("
            " SELECT MIN(CASE WHEN {} < {} THEN {} ELSE {} END) AS first_year,"
            " MAX(CASE WHEN {} > {} THEN {} ELSE {} END) AS last_year"
            " FROM citizen_promise p"
            " WHERE {} AND {} <= {} AND ({} IS NULL OR {} >= {}))",
            start_year,
            floor,
            floor,
            start_year,
            last,
            ceiling,
            ceiling,
            last,
            visible("p", visible_at),
            start_year,
            ceiling,
            end_year,
            end_year,
            floor,
        ),
        sql.raw(
            "years(year) AS ("
            " SELECT first_year FROM bounds WHERE first_year IS NOT NULL"
            " UNION ALL"
            " SELECT years.year + 1 FROM years, bounds WHERE years.year < bounds.last_year)"
        ),
    ]


async def commitment_statistics(
    group_by: list[StatisticsDimension], filter: CommitmentFilter | None, now: datetime, preview: bool = False
) -> list[CommitmentStatistic]:
    found = await rows(statistics_sql(group_by, filter, now, preview))
    return [_statistic(group_by, row) for row in found]


def _statistic(group_by: list[StatisticsDimension], row: Row) -> CommitmentStatistic:
    return CommitmentStatistic(
        group=[dimension_value(dimension, row[f"key_{i}"], row[f"label_{i}"]) for i, dimension in enumerate(group_by)],
        commitments=int(row["commitments"]),
        citizen_promises=int(row["citizen_promises"]),
        municipalities=int(row["municipalities"]),
        followed_up=int(row["followed_up"]),
    )


def dimension_value(dimension: StatisticsDimension, key: object, label: object) -> DimensionValue:
    """A group's coordinate as the statement gives it (labels in Swedish, `labelled`)."""
    return DimensionValue(dimension=dimension, key=str(key), label=str(label))
