"""Open data export: CSV and JSON, filters, the data dictionary (both databases)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from api.core.relay import to_global_id
from api.dashboards import export
from tests.conftest import Database, QueryCounter, make_client
from tests.dashboard_content import commitment_facts, load_extra_content


@pytest_asyncio.fixture
async def extra(fresh: Database, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    await load_extra_content(tmp_path)
    async with make_client() as client:
        yield client


async def csv_rows(client: httpx.AsyncClient, query: str = "") -> list[dict[str, str]]:
    response = await client.get(f"/export/commitments.csv{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="samverkan-commitments-')
    text = response.content.decode("utf-8")  # strict: the export is UTF-8
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def json_rows(client: httpx.AsyncClient, query: str = "") -> list[dict[str, Any]]:
    response = await client.get(f"/export/commitments.json{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    rows = response.json()
    assert isinstance(rows, list)
    return rows


def as_csv(row: dict[str, Any]) -> dict[str, str]:
    """A JSON row written the way the CSV writes it."""
    cells = {}
    for name, value in row.items():
        if name == "assessments":
            cells[name] = ";".join(f"{item['year']}:{item['assessment']}" for item in value)
        elif isinstance(value, bool):
            cells[name] = "true" if value else "false"
        elif isinstance(value, list):
            cells[name] = ";".join(str(item) for item in value)
        else:
            cells[name] = "" if value is None else str(value)
    return cells


async def test_csv_round_trips_and_matches_json_and_the_rows(extra: httpx.AsyncClient) -> None:
    rows = await csv_rows(extra)
    assert list(rows[0]) == [column.name for column in export.COLUMNS]
    assert rows == [as_csv(row) for row in await json_rows(extra)]
    # One row per visible commitment: the drafts and the scheduled promise are not there.
    facts = await commitment_facts()
    assert len(rows) == len(facts)
    promises = {row["citizen_promise"] for row in rows}
    assert "test-toreboda-utkast" not in promises and "test-umea-senare" not in promises
    by_key = {(row["citizen_promise"], row["commitment_key"]): row for row in rows}
    multi = by_key[("test-mariestad-2022-2023", "kommun-1")]
    assert multi["topics"] == "trafik;skola;ungdomar"
    assert (multi["follow_up_years"], multi["assessments"]) == ("2022", "2022:FULFILLED;2022:PARTLY_FULFILLED")
    assert (multi["municipality_code"], multi["municipality_name"]) == ("1493", "Mariestad")
    assert (multi["county_code"], multi["county_name"], multi["police_region"]) == (
        "14",
        "Västra Götalands län",
        "Väst",
    )
    assert (multi["period_start"], multi["period_end"], multi["period_label"]) == (
        "2022-01-01",
        "2023-12-31",
        "2022–2023",
    )
    untagged = by_key[("test-mariestad-2022-2023", "polis-1")]
    assert untagged["text"] == 'Synas mer i centrum, "på helgerna"; även kvällstid.\n\nSärskilt på torget.'
    assert (untagged["topics"], untagged["follow_up_years"], untagged["assessments"]) == ("", "", "")  # draft 2023
    assert by_key[("test-stockholm-tillsvidare", "polis-1")]["period_end"] == ""
    gotene = by_key[("gotene-medborgarlofte-2019", "kommun-1")]
    assert gotene["id"] == to_global_id("Commitment", "gotene-medborgarlofte-2019/kommun-1")


async def test_filters_are_those_of_the_api(extra: httpx.AsyncClient) -> None:
    facts = await commitment_facts()
    rows = await csv_rows(extra, "?countyCode=14&year=2023&actor=POLIS")
    expected = [f for f in facts if f.county == "14" and f.covers(2023) and f.actor == "POLIS"]
    assert len(rows) == len(expected) > 0
    assert {row["actor"] for row in rows} == {"POLIS"}
    narkotika = await json_rows(extra, "?topic=narkotika&policeRegion=V%C3%A4st")
    assert len(narkotika) == sum(1 for f in facts if "narkotika" in f.topics and f.region == "Väst")
    assert all("narkotika" in row["topics"] for row in narkotika)
    assert await json_rows(extra, "?municipalityCode=0114") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?county=14", "unknown parameter 'county'; the filters are: actor, municipalityCode, countyCode,"),
        ("?actor=polisen", "actor must be one of KOMMUN, POLIS, TILLSAMMANS, OTHER, UNSPECIFIED, not 'polisen'"),
        ("?year=tjugo", "year must be four digits, not 'tjugo'"),
    ],
)
async def test_bad_parameters_are_refused(client: httpx.AsyncClient, query: str, message: str) -> None:
    for suffix in ("csv", "json"):
        response = await client.get(f"/export/commitments.{suffix}{query}")
        assert response.status_code == 400
        assert response.json()["error"].startswith(message)


async def test_pages_keep_memory_flat_and_statements_per_page(
    extra: httpx.AsyncClient, sql_counter: QueryCounter, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = await csv_rows(extra)
    monkeypatch.setattr(export, "PAGE_SIZE", 4)
    before = len(sql_counter.statements)
    assert await csv_rows(extra) == whole
    # Per page: the commitments, their topics, their follow-up entries, the organisations that
    # perform them, the commitments they repeat; after a full last page, one more (empty) read of
    # commitments.
    pages, rest = divmod(len(whole), 4)
    expected = 5 * (pages + 1) if rest else 5 * pages + 1
    assert len(sql_counter.statements) - before == expected


async def test_readme_explains_every_column(client: httpx.AsyncClient) -> None:
    response = await client.get("/export/README")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    for column in export.COLUMNS:
        assert f"| `{column.name}` | {column.type} | {column.meaning} |" in response.text
