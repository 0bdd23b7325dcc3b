"""Target statistics and the rows they are counted from: one statement per request.

Each target `tg` joins its commitment `c`, citizen promise `p`, municipality, county and police
region (as commitment statistics do, api/dashboards/statistics.py), and the follow-up whose
derived status counts for it: under YEAR that year's, filtered by year that year's, otherwise
the promise's latest (the highest year; of two in one year the one stored last). The status is
the view `target_status` (models/migrations/0010_targets_results.py), the one place the status
table is computed, so GraphQL's FollowUp.targetStatuses, these figures and the open data agree.
The same relation, ungrouped, gives the rows of GET /export/targets.csv (api/dashboards/export.py).
"""

from __future__ import annotations

from datetime import datetime

from api.core.sql import Row, rows
from api.dashboards.statistics import COLUMNS as COMMITMENT_COLUMNS
from api.dashboards.statistics import Column, Relation, check_groups, commitment_relation, dimension_value
from api.dashboards.types import StatisticsDimension, TargetStatistic
from api.promises.filters import CommitmentFilter
from models.enums import TargetStatus
from models.sql import Fragment, sql, visible

D = StatisticsDimension
STATUS = "COALESCE(ts.status, 'NOT_REPORTED')"

COLUMNS: dict[StatisticsDimension, Column] = {
    **{dimension: column for dimension, column in COMMITMENT_COLUMNS.items() if dimension is not D.ASSESSMENT},
    D.COUNTED: Column("tg.counted", "tg.counted", "tg.counted"),
    D.ORGANISATION: Column("COALESCE(og.slug, '')", "COALESCE(og.name, 'Ingen organisation angiven')", "og.name"),
}


def target_relation(
    group_by: list[StatisticsDimension],
    filter: CommitmentFilter | None,
    now: datetime,
    preview: bool = False,
) -> Relation:
    """Each target `tg` of a commitment of commitment statistics' relation (its promise, place,
    years, areas, topics and filter), with the follow-up whose status counts for it (`fu`) and
    that status (`ts`); by ORGANISATION, the commitment's performers (`og`)."""
    filter = filter or CommitmentFilter()
    check_groups("target statistics", group_by, COLUMNS)
    visible_at = None if preview else now
    relation = commitment_relation(group_by, filter, visible_at, now)
    per_year = relation.by_year or filter.year is not None
    partition = "f.citizen_promise_id, f.year" if per_year else "f.citizen_promise_id"
    relation.ctes.insert(
        0,
        sql(
            "ranked AS ("
            " SELECT f.id AS id, f.citizen_promise_id AS promise_id, f.year AS year,"
            f" ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY f.year DESC, f.id DESC) AS n"
            " FROM follow_up f WHERE {})",
            visible("f", visible_at),
        ),
    )
    relation.joins.insert(0, sql.raw("JOIN commitment c ON c.id = tg.commitment_id"))
    if D.ORGANISATION in group_by:
        relation.joins.append(
            sql.raw(
                "LEFT JOIN commitment_performer cpf ON cpf.commitment_id = c.id\n"
                "LEFT JOIN organisation og ON og.id = cpf.organisation_id"
            )
        )
    followed_on = relation.follow_ups_for_year("fu.year")
    relation.joins.append(sql("LEFT JOIN ranked fu ON fu.promise_id = p.id AND fu.n = 1{}", followed_on))
    relation.joins.append(sql.raw("LEFT JOIN target_status ts ON ts.follow_up_id = fu.id AND ts.target_id = tg.id"))
    return relation


TARGETS = "commitment_target tg"


def target_statistics_sql(
    group_by: list[StatisticsDimension],
    filter: CommitmentFilter | None,
    now: datetime,
    preview: bool = False,
) -> Fragment:
    relation = target_relation(group_by, filter, now, preview)
    counts = [
        "COUNT(*) AS targets",
        "COUNT(DISTINCT c.id) AS commitments",
        "COUNT(DISTINCT p.municipality_id) AS municipalities",
        "SUM(tg.quantity) AS promised_quantity",
        "SUM(ts.reported_quantity) AS reported_quantity",
        *(
            f"SUM(CASE WHEN {STATUS} = '{status.value}' THEN 1 ELSE 0 END) AS {status.value.lower()}"
            for status in TargetStatus
        ),
    ]
    return relation.sql(TARGETS, [COLUMNS[dimension] for dimension in group_by], counts)


async def target_statistics(
    group_by: list[StatisticsDimension], filter: CommitmentFilter | None, now: datetime, preview: bool = False
) -> list[TargetStatistic]:
    found = await rows(target_statistics_sql(group_by, filter, now, preview))
    # Without groups an empty relation still gives one row of zeros (and null sums).
    return [_statistic(group_by, row) for row in found]


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
