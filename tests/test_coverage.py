"""coverage agrees with the register and the content read row by row, on both databases."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio

from api.app import create_app
from api.http.graphql import GraphQLEndpoint
from api.settings import Settings
from tests.conftest import Database, QueryCounter, graphql, make_client
from tests.dashboard_content import MunicipalityFacts, load_extra_content, municipality_facts

COVERAGE = """
query Coverage($groupBy: StatisticsDimension!, $year: Int!, $countyCode: String, $policeRegion: String) {
  coverage(groupBy: $groupBy, year: $year, countyCode: $countyCode, policeRegion: $policeRegion) {
    group { dimension key label }
    municipalities
    withAgreement
    withCitizenPromise
    withFollowUp
    noAgreement: missing(kind: AGREEMENT) { code name }
    noPromise: missing(kind: CITIZEN_PROMISE) { code name }
    noFollowUp: missing(kind: FOLLOW_UP) { code name }
  }
}
"""
KINDS = {"AGREEMENT": ("withAgreement", "noAgreement"), "CITIZEN_PROMISE": ("withCitizenPromise", "noPromise")}
KINDS["FOLLOW_UP"] = ("withFollowUp", "noFollowUp")
GROUP_OF = {"POLICE_REGION": "region", "COUNTY": "county", "MUNICIPALITY": "code"}


@pytest_asyncio.fixture
async def extra(fresh: Database, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    await load_extra_content(tmp_path)
    async with make_client() as client:
        yield client


async def coverage(client: httpx.AsyncClient, group_by: str, year: int, **restrict: str) -> list[dict[str, Any]]:
    data = await graphql(client, COVERAGE, {"groupBy": group_by, "year": year, **restrict})
    return data["coverage"]  # type: ignore[no-any-return]


def expected(
    register: dict[str, MunicipalityFacts], group_by: str, year: int, **restrict: str
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[MunicipalityFacts]] = defaultdict(list)
    for facts in register.values():
        if restrict.get("countyCode", facts.county) != facts.county:
            continue
        if restrict.get("policeRegion", facts.region) != facts.region:
            continue
        groups[getattr(facts, GROUP_OF[group_by])].append(facts)
    result: dict[str, dict[str, Any]] = {}
    for key, members in groups.items():
        result[key] = {"municipalities": len(members)}
        for kind, (count, missing) in KINDS.items():
            result[key][count] = sum(1 for m in members if m.has(kind, year))
            result[key][missing] = sorted(m.code for m in members if not m.has(kind, year))
    return result


def served(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for row in rows:
        [value] = row["group"]
        result[value["key"]] = {"municipalities": row["municipalities"]}
        for count, missing in KINDS.values():
            result[value["key"]][count] = row[count]
            codes = [m["code"] for m in row[missing]]
            assert codes == sorted(codes)
            result[value["key"]][missing] = codes
    return result


async def test_coverage_agrees_with_the_rows_for_every_grouping_and_year(extra: httpx.AsyncClient) -> None:
    register = await municipality_facts()
    for group_by in GROUP_OF:
        for year in (2019, 2022, 2023, 2024, 2026):
            assert served(await coverage(extra, group_by, year)) == expected(register, group_by, year), (group_by, year)


async def test_restrictions_agree_with_the_rows(extra: httpx.AsyncClient) -> None:
    register = await municipality_facts()
    for group_by in GROUP_OF:
        for restrict in ({"countyCode": "14"}, {"policeRegion": "Väst"}, {"policeRegion": "Nord", "countyCode": "22"}):
            rows = await coverage(extra, group_by, 2023, **restrict)
            assert served(rows) == expected(register, group_by, 2023, **restrict), (group_by, restrict)


async def test_the_special_cases_count_as_the_contract_says(extra: httpx.AsyncClient) -> None:
    by_code = served(await coverage(extra, "MUNICIPALITY", 2023, countyCode="14"))
    # Mariestad: the 2022–2023 promise covers 2023; its 2023 follow-up is a draft.
    assert by_code["1493"]["withCitizenPromise"] == 1 and by_code["1493"]["withFollowUp"] == 0
    assert by_code["1473"]["withCitizenPromise"] == 0  # Töreboda's promise is a draft
    # Götene: agreement 2020–2023, promise 2023–2024 and its 2023 follow-up.
    assert (by_code["1471"]["withAgreement"], by_code["1471"]["withFollowUp"]) == (1, 1)
    # Stockholm's agreement has no period: in force from its signing (2022) for four calendar
    # years, 2022–2025, and no longer after that; Umeå's is a draft.
    stockholm = {
        year: served(await coverage(extra, "MUNICIPALITY", year, countyCode="01"))["0180"]
        for year in (2021, 2022, 2025, 2026)
    }
    assert [stockholm[year]["withAgreement"] for year in (2021, 2022, 2025, 2026)] == [0, 1, 1, 0]
    in_force = 'query($on: Date!) { agreements(filter: {municipalityCode: "0180", activeOn: $on}) { totalCount } }'
    counts = [
        (await graphql(extra, in_force, {"on": on}))["agreements"]["totalCount"]
        for on in ("2021-12-31", "2025-12-31", "2026-01-01")
    ]
    assert counts == [0, 1, 0]
    umea = served(await coverage(extra, "MUNICIPALITY", 2023, countyCode="24"))["2480"]
    assert (umea["withAgreement"], umea["withCitizenPromise"]) == (0, 0)


async def test_21_counties_sum_to_the_290_municipalities(client: httpx.AsyncClient) -> None:
    rows = await coverage(client, "COUNTY", 2023)
    assert len(rows) == 21
    assert sum(row["municipalities"] for row in rows) == 290
    # Groups without content still appear, with zeros.
    stockholm = next(row for row in rows if row["group"][0]["key"] == "01")
    assert stockholm["group"][0] == {"dimension": "COUNTY", "key": "01", "label": "Stockholms län"}
    assert (stockholm["municipalities"], stockholm["withAgreement"], stockholm["withCitizenPromise"]) == (26, 0, 0)
    assert len(stockholm["noPromise"]) == 26
    regions = await coverage(client, "POLICE_REGION", 2023)
    assert len(regions) == 7 and sum(row["municipalities"] for row in regions) == 290


async def test_grouping_by_anything_else_is_refused(client: httpx.AsyncClient) -> None:
    for group_by in ("ACTOR", "YEAR", "TOPIC", "ASSESSMENT"):
        response = await client.post(
            "/graphql", json={"query": COVERAGE, "variables": {"groupBy": group_by, "year": 2023}}
        )
        body = response.json()
        assert body.get("data") is None
        [error] = body["errors"]
        assert error["message"] == (
            f"coverage can be grouped by POLICE_REGION, COUNTY, MUNICIPALITY, AREA only, not by {group_by}"
        )


async def test_missing_lists_take_one_statement_in_all_or_one_per_kind_on_the_reference_path(
    seeded: Database, sql_counter: QueryCounter
) -> None:
    app = create_app(Settings(rate_limits=False, debug_execution=True), manage_database=False)
    endpoint = next(route.endpoint for route in app.routes if getattr(route, "path", "") == "/graphql")  # type: ignore[attr-defined]
    assert isinstance(endpoint, GraphQLEndpoint)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://samverkan.test") as client:
        rows = await coverage(client, "MUNICIPALITY", 2023)
        assert len(rows) == 290
        # Compiled (api/dashboards/reads.py): the counts and the missing lists of all 290 groups
        # in one statement (the differential check's reference statements are not counted).
        assert len(sql_counter.statements) == 1, sql_counter.statements
        sql_counter.statements.clear()
        endpoint.planned.compiled.enabled = False
        try:
            assert await coverage(client, "MUNICIPALITY", 2023) == rows
        finally:
            endpoint.planned.compiled.enabled = True
        # The reference path: one for the counts, one per kind for the missing lists of all groups.
        assert len(sql_counter.statements) == 4, sql_counter.statements
