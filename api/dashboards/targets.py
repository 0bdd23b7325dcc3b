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

from datetime import datetime

from api.core.sql import Row, rows
from api.dashboards.statistics import (
    ACTOR_LABELS,
    Column,
    Relation,
    check_groups,
    commitment_relation,
    dimension_value,
    labelled,
)
from api.dashboards.statistics import COLUMNS as COMMITMENT_COLUMNS
from api.dashboards.types import StatisticsDimension, TargetStatistic
from api.promises.filters import CommitmentFilter
from models.enums import TargetStatus
from models.sql import Fragment, sql, visible

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
    D.ACTOR: Column(ACTOR, labelled(ACTOR, ACTOR_LABELS), ACTOR),
    D.COUNTED: Column("it.counted", "it.counted", "it.counted"),
    D.ORGANISATION: Column("COALESCE(og.slug, '')", "COALESCE(og.name, 'Ingen organisation angiven')", "og.name"),
}


def target_relation(
    group_by: list[StatisticsDimension],
    filter: CommitmentFilter | None,
    now: datetime,
    preview: bool = False,
    moment: Fragment | None = None,
) -> Relation:
    """Each row `it` (ITEMS: a target `tg`, or a result on no target) with the commitment `c`
    it names, if any, in commitment statistics' relation (its promise, place, years, areas,
    topics and filter), with the follow-up whose status counts for it (`fu`) and that status
    (`ts`); by ORGANISATION, the commitment's performers (`og`). Visibility at `moment` when
    given, as in statistics_sql."""
    filter = filter or CommitmentFilter()
    check_groups("target statistics", group_by, COLUMNS)
    visible_at: datetime | Fragment | None = None if preview else moment if moment is not None else now
    relation = commitment_relation(group_by, filter, visible_at, now, promise="it.promise_id", actor=ACTOR)
    relation.joins.insert(
        0,
        sql.raw(
            "LEFT JOIN commitment_target tg ON tg.id = it.target_id\nLEFT JOIN commitment c ON c.id = it.commitment_id"
        ),
    )
    if D.ORGANISATION in group_by:
        relation.joins.append(
            sql.raw(
                "LEFT JOIN commitment_performer cpf ON cpf.commitment_id = c.id\n"
                "LEFT JOIN organisation og ON og.id = cpf.organisation_id"
            )
        )
    # The follow-up counted: the promise's latest visible one (of the year, with one), looked up per
    # row through the index on follow_up.citizen_promise_id. A ROW_NUMBER() CTE joined here made
    # SQLite scan it for every row: groupBy [ACTOR] on the whole country took 2.8 s, now 0.2 s.
    latest = sql(
        "SELECT lf.id FROM follow_up lf WHERE lf.citizen_promise_id = p.id AND {}{}",
        visible("lf", visible_at),
        relation.follow_ups_for_year("lf.year"),
    )
    relation.joins.append(
        sql("LEFT JOIN follow_up fu ON fu.id = ({} ORDER BY lf.year DESC, lf.id DESC LIMIT 1)", latest)
    )
    relation.joins.append(sql.raw("LEFT JOIN target_status ts ON ts.follow_up_id = fu.id AND ts.target_id = tg.id"))
    # A result with no target counts in its own follow-up only, when that is the one counted.
    relation.where.append(sql.raw("it.follow_up_id IS NULL OR it.follow_up_id = fu.id"))
    return relation


def target_statistics_sql(
    group_by: list[StatisticsDimension],
    filter: CommitmentFilter | None,
    now: datetime,
    preview: bool = False,
    moment: Fragment | None = None,
) -> Fragment:
    relation = target_relation(group_by, filter, now, preview, moment)
    counts = [
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
    return relation.sql(ITEMS, [COLUMNS[dimension] for dimension in group_by], counts)


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
