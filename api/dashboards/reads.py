"""What statistics and coverage read, declared once (api/compiled/declare.py): each root is the
one GROUP BY statement its reference resolver runs (api/dashboards/statistics.py, targets.py,
coverage.py), built with the same functions, and each row an object read from its columns, so
the compiled path answers a dashboard's root field with one statement (coverage's `missing`
municipalities a correlated list inside it, where the reference path runs one more statement
per kind asked for)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.compiled.declare import Derived, Group, Grouped, Grouping, Root, Shape, Value
from api.dashboards.coverage import check_group, coverage_sql, missing_where, register
from api.dashboards.statistics import statistics_sql
from api.dashboards.targets import target_statistics_sql
from models.sql import Fragment, sql

# A grouped row's number in the statement's order: what a failure of its SQL is tied to.
ROW = "{c}.n"


def _dimension_value(index: int, dimension: str) -> Shape:
    """A grouped row's coordinate `index`, of `dimension`: its key and label as text, as
    api/dashboards/statistics.py's dimension_value prints them."""
    return Shape(
        "DimensionValue",
        {
            "dimension": Value(f"'{dimension}'", "enum"),
            "key": Value(f"CAST({{c}}.key_{index} AS text)"),
            "label": Value(f"CAST({{c}}.label_{index} AS text)"),
        },
        anchor=ROW,
    )


def _count(column: str) -> Value:
    return Value(f"{{c}}.{column}", "number")


def _count_or_zero(column: str) -> Value:
    # A SUM over no rows (no groups, nothing counted) is NULL, where the reference path gives 0.
    return Value(f"COALESCE({{c}}.{column}, 0)", "number")


COMMITMENT_STATISTIC = Shape(
    "CommitmentStatistic",
    {
        "group": Group(_dimension_value),
        "commitments": _count("commitments"),
        "citizenPromises": _count("citizen_promises"),
        "municipalities": _count("municipalities"),
        "followedUp": _count("followed_up"),
    },
    anchor=ROW,
)

TARGET_STATISTIC = Shape(
    "TargetStatistic",
    {
        "group": Group(_dimension_value),
        "targets": _count("targets"),
        "commitments": _count("commitments"),
        "municipalities": _count("municipalities"),
        "promisedQuantity": Value("{c}.promised_quantity", "number"),
        "reportedQuantity": Value("{c}.reported_quantity", "number"),
        "notReported": _count_or_zero("not_reported"),
        "notComparable": _count_or_zero("not_comparable"),
        "met": _count_or_zero("met"),
        "exceeded": _count_or_zero("exceeded"),
        "missed": _count_or_zero("missed"),
    },
    anchor=ROW,
)


def _missing(grouping: Grouping, row: str, arguments: Mapping[str, Any]) -> tuple[Fragment, Fragment, str]:
    """The municipalities of the coverage row's group without the kind asked for (as
    api/dashboards/coverage.py's missing_sql), by kommunkod."""
    given = grouping.arguments
    key, _, _ = check_group(given["group_by"])
    restrict = (given.get("county_code"), given.get("police_region"))
    in_group = sql.raw(f"{key} = {row}.key_0")
    where = missing_where(arguments["kind"], given["year"], given["group_by"], in_group, restrict, grouping.moment)
    return sql.raw(register(given["group_by"])), where, "m.code"


COVERAGE_STATISTIC = Shape(
    "CoverageStatistic",
    {
        "group": Group(_dimension_value),
        "municipalities": _count("municipalities"),
        "withAgreement": _count("with_agreement"),
        "withCitizenPromise": _count("with_citizen_promise"),
        "withFollowUp": _count("with_follow_up"),
        "areas": _count("areas"),
        "areasWithCitizenPromise": _count("areas_with_citizen_promise"),
        "areasWithFollowUp": _count("areas_with_follow_up"),
        "missing": Derived("Municipality", "m", _missing),
    },
    anchor=ROW,
)

DECLARED = (COMMITMENT_STATISTIC, TARGET_STATISTIC, COVERAGE_STATISTIC)


def _commitment_statistics(grouping: Grouping) -> Fragment:
    given = grouping.arguments
    preview = grouping.moment is None
    return statistics_sql(given["group_by"], given.get("filter"), grouping.now, preview, grouping.moment)


def _target_statistics(grouping: Grouping) -> Fragment:
    given = grouping.arguments
    preview = grouping.moment is None
    return target_statistics_sql(given["group_by"], given.get("filter"), grouping.now, preview, grouping.moment)


def _coverage(grouping: Grouping) -> Fragment:
    given = grouping.arguments
    return coverage_sql(
        given["group_by"], given["year"], given.get("county_code"), given.get("police_region"), grouping.moment
    )


def _grouped_by(arguments: Mapping[str, Any]) -> list[str]:
    return [dimension.value for dimension in arguments["group_by"]]


ROOTS: dict[str, Root] = {
    "commitmentStatistics": Grouped("CommitmentStatistic", _commitment_statistics, _grouped_by),
    "targetStatistics": Grouped("TargetStatistic", _target_statistics, _grouped_by),
    "coverage": Grouped("CoverageStatistic", _coverage, lambda arguments: [arguments["group_by"].value]),
}
