"""commitmentStatistics agrees with counts made here from the rows, on both databases."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio

from tests.conftest import Database, QueryCounter, graphql, make_client
from tests.dashboard_content import CommitmentFact, commitment_facts, load_extra_content

STATISTICS = """
query Statistics($groupBy: [StatisticsDimension!]!, $filter: CommitmentFilter) {
  commitmentStatistics(groupBy: $groupBy, filter: $filter) {
    group { dimension key label }
    commitments
    citizenPromises
    municipalities
    followedUp
  }
}
"""

Group = tuple[str, ...]
Counts = dict[str, int]


@pytest_asyncio.fixture
async def extra(fresh: Database, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    await load_extra_content(tmp_path)
    async with make_client() as client:
        yield client


def expected(
    facts: list[CommitmentFact], group_by: list[str], filter: dict[str, Any] | None = None
) -> dict[Group, Counts]:
    """The contract's semantics, counted in Python, one commitment at a time."""
    filter = filter or {}
    year_filter = filter.get("year")
    # Years run up to the latest year any period has (at least this year): an open-ended promise
    # counts up to it, and a year after it counts nothing.
    open_end = latest_year(facts)
    sets: dict[Group, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    if not group_by:
        sets[()] = defaultdict(set)  # ungrouped, the one row is there even when nothing counts
    for fact in facts:
        if any(
            [
                "actor" in filter and fact.actor != filter["actor"],
                "municipalityCode" in filter and fact.municipality != filter["municipalityCode"],
                "countyCode" in filter and fact.county != filter["countyCode"],
                "policeRegion" in filter and fact.region != filter["policeRegion"],
                year_filter is not None and not (fact.covers(year_filter) and year_filter <= open_end),
                "topic" in filter and filter["topic"] not in fact.topics,
            ]
        ):
            continue
        years: list[int | None] = [year_filter]
        if "YEAR" in group_by and year_filter is None:
            years = list(fact.years(open_end))
        for year in years:
            entries = {(y, a) for y, a in fact.entries if year is None or y == year}
            assessments = {a for _, a in entries} or {"NOT_ASSESSED"}
            values = {
                "POLICE_REGION": [fact.region],
                "COUNTY": [fact.county],
                "MUNICIPALITY": [fact.municipality],
                "ACTOR": [fact.actor],
                "YEAR": [str(year)],
                "TOPIC": fact.topics,
                "ASSESSMENT": sorted(assessments),
            }
            for group in _product([values[d] for d in group_by]):
                counts = sets[group]
                counts["commitments"].add(fact.id)
                counts["citizenPromises"].add(fact.promise_id)
                counts["municipalities"].add(fact.municipality)
                if entries:
                    counts["followedUp"].add(fact.id)
    return {
        group: {name: len(counts[name]) for name in ("commitments", "citizenPromises", "municipalities", "followedUp")}
        for group, counts in sets.items()
    }


def latest_year(facts: list[CommitmentFact]) -> int:
    return max([dt.date.today().year, *(max(fact.first_year, fact.last_year or 0) for fact in facts)])


def _product(lists: list[list[str]]) -> list[Group]:
    groups: list[Group] = [()]
    for values in lists:
        groups = [(*group, value) for group in groups for value in values]
    return groups


async def statistics(
    client: httpx.AsyncClient, group_by: list[str], filter: dict[str, Any] | None = None
) -> dict[Group, Counts]:
    data = await graphql(client, STATISTICS, {"groupBy": group_by, "filter": filter})
    result: dict[Group, Counts] = {}
    for row in data["commitmentStatistics"]:
        assert [value["dimension"] for value in row["group"]] == group_by
        group = tuple(value["key"] for value in row["group"])
        assert group not in result, f"group {group} appears twice"
        result[group] = {k: row[k] for k in ("commitments", "citizenPromises", "municipalities", "followedUp")}
    return result


GROUPINGS = [
    [],
    ["POLICE_REGION"],
    ["COUNTY"],
    ["MUNICIPALITY"],
    ["ACTOR"],
    ["YEAR"],
    ["TOPIC"],
    ["ASSESSMENT"],
    ["ACTOR", "YEAR"],
    ["COUNTY", "ACTOR", "YEAR"],
    ["YEAR", "ASSESSMENT"],
    ["MUNICIPALITY", "TOPIC", "ASSESSMENT"],
    ["TOPIC", "YEAR", "POLICE_REGION"],
]
FILTERS: list[dict[str, Any]] = [
    {"year": 2023},
    {"year": 2022, "actor": "KOMMUN"},
    {"topic": "narkotika"},
    {"policeRegion": "Väst", "actor": "POLIS"},
    {"countyCode": "14"},
    {"municipalityCode": "1493"},
    {"year": 2030},
]


async def test_statistics_agree_with_counts_from_the_rows(extra: httpx.AsyncClient) -> None:
    facts = await commitment_facts()
    for group_by in GROUPINGS:
        assert await statistics(extra, group_by) == expected(facts, group_by), group_by


async def test_filtered_statistics_agree_with_counts_from_the_rows(extra: httpx.AsyncClient) -> None:
    facts = await commitment_facts()
    for filter in FILTERS:
        for group_by in ([], ["ASSESSMENT"], ["COUNTY", "TOPIC"], ["YEAR", "ACTOR"]):
            assert await statistics(extra, group_by, filter) == expected(facts, group_by, filter), (filter, group_by)


async def test_the_special_cases_count_as_the_contract_says(extra: httpx.AsyncClient) -> None:
    # Mariestad's 2022–2023 promise counts in both years; nothing of Töreboda's draft counts.
    by_year = await statistics(extra, ["MUNICIPALITY", "YEAR"])
    assert by_year[("1493", "2022")]["commitments"] == 3
    assert by_year[("1493", "2023")]["commitments"] == 3
    assert not any(group[0] == "1473" for group in by_year)
    assert not any(group[0] == "2480" for group in by_year)  # scheduled for later publication
    # The open-ended Stockholm promise counts in every year from 2025 up to this one.
    assert {int(year) for code, year in by_year if code == "0180"} == set(range(2025, dt.date.today().year + 1))
    # The multi-topic commitment counts once in each of its topics.
    by_topic = await statistics(extra, ["TOPIC"], {"municipalityCode": "1493"})
    assert {topic: counts["commitments"] for topic, counts in by_topic.items()} == {
        ("trafik",): 1,
        ("skola",): 1,
        ("ungdomar",): 1,
        ("narkotika",): 1,
    }
    # The 2022 follow-up's two assessments of kommun-1 both count; the draft 2023 follow-up does not.
    assessed = await statistics(extra, ["YEAR", "ASSESSMENT"], {"municipalityCode": "1493"})
    assert assessed == {
        ("2022", "FULFILLED"): {"commitments": 1, "citizenPromises": 1, "municipalities": 1, "followedUp": 1},
        ("2022", "PARTLY_FULFILLED"): {"commitments": 2, "citizenPromises": 1, "municipalities": 1, "followedUp": 2},
        ("2022", "NOT_ASSESSED"): {"commitments": 1, "citizenPromises": 1, "municipalities": 1, "followedUp": 0},
        ("2023", "NOT_ASSESSED"): {"commitments": 3, "citizenPromises": 1, "municipalities": 1, "followedUp": 0},
    }


async def test_groups_have_swedish_labels_in_the_requested_order(client: httpx.AsyncClient) -> None:
    data = await graphql(client, STATISTICS, {"groupBy": ["POLICE_REGION", "COUNTY", "ACTOR"]})
    first = data["commitmentStatistics"][0]["group"]
    assert first == [
        {"dimension": "POLICE_REGION", "key": "Väst", "label": "Polisregion Väst"},
        {"dimension": "COUNTY", "key": "14", "label": "Västra Götalands län"},
        {"dimension": "ACTOR", "key": "KOMMUN", "label": "Kommunen"},
    ]


async def test_a_dimension_given_twice_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": STATISTICS, "variables": {"groupBy": ["YEAR", "YEAR"]}})
    [error] = response.json()["errors"]
    assert error["message"] == "groupBy: each dimension may be given only once"


async def test_one_sql_statement_per_request_however_many_groups(
    extra: httpx.AsyncClient, sql_counter: QueryCounter
) -> None:
    for group_by in GROUPINGS:
        before = len(sql_counter.statements)
        result = await statistics(extra, group_by, {"policeRegion": "Väst"})
        assert result, group_by
        assert len(sql_counter.statements) - before == 1, sql_counter.statements[before:]
