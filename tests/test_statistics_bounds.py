"""The work of a statistics or coverage request is bounded by the content, never by its arguments,
and no stored date can break them: on both databases, counted in groups, series rows and
statements (issue 12, finding 2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio

from api.dashboards.statistics import YEARS_AHEAD, YEARS_BACK, commitment_statistics, year_series
from api.dashboards.types import StatisticsDimension as D
from api.promises.filters import CommitmentFilter
from models import CitizenPromise
from models.bounds import FIRST_YEAR, LAST_YEAR
from models.sql import rows, sql
from tests.conftest import Database, QueryCounter, graphql, make_client
from tests.dashboard_content import load_extra_content
from tests.test_coverage import COVERAGE
from tests.test_statistics import STATISTICS

THIS_YEAR = dt.date.today().year
INT_MAX = 2**31 - 1
# The extra content's published promises: Mariestad 2022–2023, Stockholm open-ended from 2025.
OPEN_ENDED = "test-stockholm-tillsvidare"


@pytest_asyncio.fixture
async def extra(fresh: Database, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    await load_extra_content(tmp_path)
    async with make_client() as client:
        yield client


async def series_rows() -> int:
    """Rows of the generated year series, as the public statistics statement makes it."""
    now = dt.datetime.now(dt.UTC)
    [row] = await rows(sql("WITH RECURSIVE {} SELECT COUNT(*) AS n FROM years", sql.join(year_series(now, now))))
    return int(row["n"])


async def years_of(client: httpx.AsyncClient, municipality: str, year: int | None = None) -> list[int]:
    filter = {"municipalityCode": municipality, **({"year": year} if year is not None else {})}
    data = await graphql(client, STATISTICS, {"groupBy": ["YEAR"], "filter": filter})
    return [int(row["group"][0]["key"]) for row in data["commitmentStatistics"]]


async def test_a_year_filter_at_the_end_of_int_generates_no_more_years_than_the_content_has(
    extra: httpx.AsyncClient, sql_counter: QueryCounter
) -> None:
    # The attack: with an open-ended published promise, this made a series of about 2^31 rows.
    # Statistics must hold on their own, whatever the edge lets through.
    now = dt.datetime.now(dt.UTC)
    before = len(sql_counter.statements)
    for year in (INT_MAX, THIS_YEAR + YEARS_AHEAD + 1, -INT_MAX - 1):
        for group_by in ([D.YEAR], [D.ACTOR], [D.YEAR, D.MUNICIPALITY, D.TOPIC]):
            assert await commitment_statistics(group_by, CommitmentFilter(year=year), now) == []
    assert len(sql_counter.statements) - before == 9
    # Through the endpoint: nothing, or (once the edge refuses such years) a clear error.
    for year in (INT_MAX, -INT_MAX - 1):
        response = await extra.post(
            "/graphql", json={"query": STATISTICS, "variables": {"groupBy": ["YEAR"], "filter": {"year": year}}}
        )
        body = response.json()
        assert "Unexpected error" not in response.text
        assert body.get("data") is None or body["data"]["commitmentStatistics"] == [], body
    # The series runs from the earliest period start in the content to this year, whatever asked.
    starts = [row["period_start"] for row in await CitizenPromise.filter(status="PUBLISHED").values("period_start")]
    first = min(start.year for start in starts)
    assert await series_rows() == THIS_YEAR - first + 1
    data = await graphql(extra, STATISTICS, {"groupBy": ["YEAR"]})
    years = [int(row["group"][0]["key"]) for row in data["commitmentStatistics"]]
    assert years[-1] == THIS_YEAR and len(years) <= THIS_YEAR - first + 1


async def test_an_open_ended_promise_counts_up_to_the_latest_year_the_content_has(
    extra: httpx.AsyncClient,
) -> None:
    assert await years_of(extra, "0180") == list(range(2025, THIS_YEAR + 1))
    # A published promise for later years moves the latest year, and the open-ended one with it.
    later = THIS_YEAR + 2
    await CitizenPromise.filter(slug="test-mariestad-2022-2023").update(
        period_start=dt.date(later - 1, 1, 1), period_end=dt.date(later, 12, 31)
    )
    assert await years_of(extra, "0180") == list(range(2025, later + 1))
    assert await years_of(extra, "0180", later) == [later]
    assert await years_of(extra, "0180", later + 1) == []
    assert await series_rows() <= YEARS_BACK + YEARS_AHEAD + 1


async def test_no_stored_date_breaks_statistics_or_coverage(extra: httpx.AsyncClient, fresh: Database) -> None:
    # 9999-12-31 is Python's date.max, which asyncpg stores as PostgreSQL's `infinity`; its year
    # did not cast to an integer, and every YEAR statistics request failed while it was stored.
    end_of_time, start_of_time = dt.date.max, dt.date.min
    await CitizenPromise.filter(slug="test-toreboda-utkast").update(period_start=end_of_time, period_end=None)
    await CitizenPromise.filter(slug=OPEN_ENDED).update(period_end=end_of_time)
    await CitizenPromise.filter(slug="test-mariestad-2022-2023").update(period_start=start_of_time)
    if fresh.backend == "postgres":
        [row] = await rows(sql("SELECT period_end::text AS stored FROM citizen_promise WHERE slug = {}", OPEN_ENDED))
        assert row["stored"] == "infinity"
    # Read back as stored, on every path (PostgreSQL sends a page's rows as JSON: "infinity").
    page = """{ municipality(code: "0180") { agreements { slug } citizenPromises { slug period { start end } }
                contacts { role } serviceAgreements { slug } } }"""
    data = await graphql(extra, page)
    promises = {item["slug"]: item["period"] for item in data["municipality"]["citizenPromises"]}
    assert promises[OPEN_ENDED] == {"start": "2025-01-01", "end": "9999-12-31"}
    # The far ends are cut at the window around this year: the series has at most its years.
    assert await years_of(extra, "0180") == list(range(2025, THIS_YEAR + YEARS_AHEAD + 1))
    assert await years_of(extra, "1493") == list(range(THIS_YEAR - YEARS_BACK, 2024))
    assert await series_rows() == YEARS_BACK + YEARS_AHEAD + 1
    data = await graphql(extra, STATISTICS, {"groupBy": ["YEAR", "MUNICIPALITY"]})
    assert len(data["commitmentStatistics"]) <= (YEARS_BACK + YEARS_AHEAD + 1) * 290
    # Coverage reads the same years; its groups are the register's, whatever the year asked.
    for year in (THIS_YEAR, FIRST_YEAR, LAST_YEAR):
        data = await graphql(extra, COVERAGE, {"groupBy": "COUNTY", "year": year})
        assert len(data["coverage"]) == 21
    # Years no content can have are refused at the edge (models/bounds.py), naming the argument.
    for year in (INT_MAX, -INT_MAX - 1):
        response = await extra.post(
            "/graphql", json={"query": COVERAGE, "variables": {"groupBy": "COUNTY", "year": year}}
        )
        [error] = response.json()["errors"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "year"}
