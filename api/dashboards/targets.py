"""Target statistics and the rows they are counted from: one statement per request.

Each target `tg` joins its commitment `c`, citizen promise `p`, municipality, county and police
region (as commitment statistics do, api/dashboards/statistics.py), and the follow-up whose
derived status counts for it: under YEAR that year's, filtered by year that year's, otherwise
the promise's latest (the highest year; of two in one year the one stored last). The status is
the view `target_status` (models/migrations/0010_targets_results.py), the one place the status
table is computed, so GraphQL's FollowUp.targetStatuses, these figures and the open data agree.
The same relation, ungrouped, gives the rows of GET /export/targets.csv (api/dashboards/export.py).

A result that reports on no target ("412 trafikkontroller" beside the targets) is a row of the
relation too (`it`, ITEMS), so it counts in `reportedQuantity` rather than vanishing: in the
follow-up counted for its promise, in the group of what it counts, with the commitment its entry
names first (an entry naming none: its promise only; actor the entry's, else UNSPECIFIED). It is
no target: the counts of targets, commitments, municipalities and statuses leave it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from api.core.sql import Row, Statement
from api.dashboards.statistics import AREA_JOIN, Column, dimension_value, year_series
from api.dashboards.statistics import COLUMNS as COMMITMENT_COLUMNS
from api.dashboards.types import StatisticsDimension, TargetStatistic
from api.geography.filters import COMMITMENT_AREA, area_sql
from api.promises.filters import CommitmentFilter
from api.protection.errors import ClientError
from models.enums import TargetStatus

D = StatisticsDimension
STATUS = "COALESCE(ts.status, 'NOT_REPORTED')"
# The rows counted: each target, and each result that reports on no target (module docstring).
ITEMS = (
    "(SELECT t.id AS target_id, t.commitment_id AS commitment_id, tc.citizen_promise_id AS promise_id,"
    " t.counted AS counted, NULL AS follow_up_id, NULL AS actor, NULL AS quantity"
    " FROM commitment_target t JOIN commitment tc ON tc.id = t.commitment_id"
    " UNION ALL SELECT NULL, (SELECT ec.commitment_id FROM follow_up_entry_commitment ec"
    " WHERE ec.entry_id = e.id ORDER BY ec.position LIMIT 1), uf.citizen_promise_id, res.counted, uf.id,"
    " COALESCE(e.actor, 'UNSPECIFIED'), res.quantity"
    " FROM follow_up_entry_result res JOIN follow_up_entry e ON e.id = res.entry_id"
    " JOIN follow_up uf ON uf.id = e.follow_up_id WHERE res.target_id IS NULL) it"
)
ACTOR = "COALESCE(c.actor, it.actor)"

COLUMNS: dict[StatisticsDimension, Column] = {
    **{dimension: column for dimension, column in COMMITMENT_COLUMNS.items() if dimension is not D.ASSESSMENT},
    D.ACTOR: Column(ACTOR, ACTOR, ACTOR),
    D.COUNTED: Column("it.counted", "it.counted", "it.counted"),
    D.ORGANISATION: Column("COALESCE(og.slug, '')", "COALESCE(og.name, 'Ingen organisation angiven')", "og.name"),
}


@dataclass(frozen=True)
class Relation:
    """FROM-part and conditions of the targets with their follow-up status."""

    ctes: list[str]
    joins: list[str]
    where: list[str]


def target_relation(
    statement: Statement,
    group_by: list[StatisticsDimension],
    filter: CommitmentFilter | None,
    now: datetime,
    preview: bool = False,
) -> Relation:
    filter = filter or CommitmentFilter()
    for dimension in group_by:
        if dimension not in COLUMNS:
            allowed = ", ".join(d.value for d in COLUMNS)
            raise ClientError(f"target statistics can be grouped by {allowed}, not by {dimension.value}")
    if len(set(group_by)) != len(group_by):
        raise ClientError("groupBy: each dimension may be given only once")
    by_year = D.YEAR in group_by
    visible_at = None if preview else now
    start_year, end_year = statement.year_of("p.period_start"), statement.year_of("p.period_end")
    per_year = by_year or filter.year is not None
    ctes: list[str] = []
    joins = [
        "LEFT JOIN commitment_target tg ON tg.id = it.target_id",
        "LEFT JOIN commitment c ON c.id = it.commitment_id",
        "JOIN citizen_promise p ON p.id = it.promise_id",
        "JOIN municipality m ON m.code = p.municipality_id",
        "JOIN county co ON co.code = m.county_id",
        "LEFT JOIN police_unit r ON r.id = co.police_region_id",
    ]
    if per_year:
        ctes += year_series(statement, visible_at, now)
        joins.append("CROSS JOIN bounds b")
    if by_year:
        years_on = f"y.year >= {start_year} AND (p.period_end IS NULL OR y.year <= {end_year})"
        if filter.year is not None:
            years_on += f" AND y.year = {statement.bind('year', filter.year)}"
        joins.append(f"JOIN years y ON {years_on}")
    if D.AREA in group_by:
        joins.append(AREA_JOIN)
    if D.TOPIC in group_by:
        joins.append("JOIN commitment_topic ct ON ct.commitment_id = c.id")
        joins.append("JOIN topic t ON t.key = ct.topic_id")
    if D.ORGANISATION in group_by:
        joins.append("LEFT JOIN commitment_performer cpf ON cpf.commitment_id = c.id")
        joins.append("LEFT JOIN organisation og ON og.id = cpf.organisation_id")
    # The follow-up counted: the promise's latest visible one (of the year, with one), looked up per
    # row through the index on follow_up.citizen_promise_id. A ROW_NUMBER() CTE joined here made
    # SQLite scan it for every row: groupBy [ACTOR] on the whole country took 2.8 s, now 0.2 s.
    visible = statement.visible("lf", visible_at)
    latest = f"SELECT lf.id FROM follow_up lf WHERE lf.citizen_promise_id = p.id AND {visible}"
    if by_year:
        latest += " AND lf.year = y.year"
    elif filter.year is not None:
        latest += f" AND lf.year = {statement.bind('year', filter.year)}"
    joins.append(f"LEFT JOIN follow_up fu ON fu.id = ({latest} ORDER BY lf.year DESC, lf.id DESC LIMIT 1)")
    joins.append("LEFT JOIN target_status ts ON ts.follow_up_id = fu.id AND ts.target_id = tg.id")

    # A result with no target counts in its own follow-up only, when that is the one counted.
    where = [statement.visible("p", visible_at), "it.follow_up_id IS NULL OR it.follow_up_id = fu.id"]
    if filter.actor is not None:
        where.append(f"{ACTOR} = {statement.bind('actor', filter.actor.value)}")
    if filter.municipality_code is not None:
        where.append(f"p.municipality_id = {statement.bind('municipality_code', filter.municipality_code)}")
    if filter.county_code is not None:
        where.append(f"m.county_id = {statement.bind('county_code', filter.county_code)}")
    if filter.police_region is not None:
        where.append(f"r.name = {statement.bind('police_region', filter.police_region)}")
    if filter.year is not None:
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
    return Relation(ctes, joins, where)


def relation_sql(relation: Relation, select: list[str]) -> str:
    ctes = f"WITH RECURSIVE {', '.join(relation.ctes)}\n" if relation.ctes else ""
    return (
        f"{ctes}SELECT {', '.join(select)}\n"
        f"FROM {ITEMS}\n{chr(10).join(relation.joins)}\n"
        f"WHERE {' AND '.join(f'({condition})' for condition in relation.where)}"
    )


def target_statistics_sql(
    statement: Statement,
    group_by: list[StatisticsDimension],
    filter: CommitmentFilter | None,
    now: datetime,
    preview: bool = False,
) -> str:
    relation = target_relation(statement, group_by, filter, now, preview)
    columns = [COLUMNS[dimension] for dimension in group_by]
    select = [f"{column.key} AS key_{index}, {column.label} AS label_{index}" for index, column in enumerate(columns)]
    select += [
        "COUNT(tg.id) AS targets",
        "COUNT(DISTINCT tg.commitment_id) AS commitments",
        "COUNT(DISTINCT CASE WHEN tg.id IS NOT NULL THEN p.municipality_id END) AS municipalities",
        "SUM(tg.quantity) AS promised_quantity",
        "SUM(COALESCE(ts.reported_quantity, it.quantity)) AS reported_quantity",
        *(
            f"SUM(CASE WHEN tg.id IS NOT NULL AND {STATUS} = '{status.value}' THEN 1 ELSE 0 END)"
            f" AS {status.value.lower()}"
            for status in TargetStatus
        ),
    ]
    sql = relation_sql(relation, select)
    if columns:
        grouped = dict.fromkeys(part for column in columns for part in (column.key, column.label, column.order))
        sql += f"\nGROUP BY {', '.join(grouped)}"
        sql += f"\nORDER BY {', '.join(f'{column.order}, {column.key}' for column in columns)}"
    return sql


async def target_statistics(
    group_by: list[StatisticsDimension], filter: CommitmentFilter | None, now: datetime, preview: bool = False
) -> list[TargetStatistic]:
    statement = Statement.for_default_connection()
    rows = await statement.run(target_statistics_sql(statement, group_by, filter, now, preview))
    # Without groups an empty relation still gives one row of zeros (and null sums).
    return [_statistic(group_by, row) for row in rows]


def _number(value: object) -> float | None:
    return None if value is None else float(str(value))


def _statistic(group_by: list[StatisticsDimension], row: Row) -> TargetStatistic:
    return TargetStatistic(
        group=[dimension_value(dimension, row[f"key_{i}"], row[f"label_{i}"]) for i, dimension in enumerate(group_by)],
        targets=int(row["targets"]),
        commitments=int(row["commitments"]),
        municipalities=int(row["municipalities"]),
        promised_quantity=_number(row["promised_quantity"]),
        reported_quantity=_number(row["reported_quantity"]),
        not_reported=int(row["not_reported"] or 0),
        not_comparable=int(row["not_comparable"] or 0),
        met=int(row["met"] or 0),
        exceeded=int(row["exceeded"] or 0),
        missed=int(row["missed"] or 0),
    )
