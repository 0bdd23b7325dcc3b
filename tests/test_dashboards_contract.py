"""The dashboards part of the public contract, and its client document over HTTP (both databases)."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest
from graphql import build_schema

from tests.conftest import ROOT, SHARED, graphql

CONTRACT = SHARED / "contract"
# Until the search issue lands, its part of the contract is waived: problems naming search, and
# the Float scalar, which only SearchResult.score uses.
SEARCH_PROBLEM = re.compile(r"[Ss]earch|Standard scalar Float was removed")


def serves_search() -> bool:
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    assert schema.query_type is not None
    return "search" in schema.query_type.fields


def test_served_schema_keeps_the_dashboards_contract() -> None:
    checker = CONTRACT / "check_contract.py"
    if not checker.exists():
        pytest.skip(f"{checker} is absent (the shared contract is not beside this checkout)")
    result = subprocess.run(
        [sys.executable, str(checker), "schema.graphql", "dashboards"], cwd=ROOT, capture_output=True, text=True
    )
    problems = [line for line in result.stdout.splitlines() if not line.startswith("contract: ")]
    if serves_search():
        assert result.returncode == 0 and problems == [], result.stdout + result.stderr
    else:
        assert [line for line in problems if not SEARCH_PROBLEM.search(line)] == [], result.stdout + result.stderr
    assert "files checked" in result.stdout, result.stderr


async def test_region_overview_for_vast_2023(client: httpx.AsyncClient) -> None:
    path = CONTRACT / "queries" / "dashboards" / "region-overview.graphql"
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared contract is not beside this checkout)")
    data = await graphql(client, path.read_text(encoding="utf-8"), {"region": "Väst", "year": 2023})

    counties = {row["group"][0]["key"]: row for row in data["coverage"]}
    assert len(counties) == 21 and sum(row["municipalities"] for row in counties.values()) == 290
    vg = counties["14"]
    assert vg["group"][0]["label"] == "Västra Götalands län"
    # Götene, Mariestad, Töreboda and Gullspång have agreements; Götene and Gullspång promises
    # for 2023; Götene a 2023 follow-up.
    assert (vg["municipalities"], vg["withAgreement"], vg["withCitizenPromise"], vg["withFollowUp"]) == (49, 4, 2, 1)
    assert counties["22"]["withAgreement"] == 1  # Ånge 2023–2026

    [vast] = data["regionGaps"]
    assert vast["group"] == [{"key": "Väst", "label": "Polisregion Väst"}]
    without = {m["code"] for m in vast["withoutPromise"]}
    assert len(without) == 49 + 6 - 2  # Västra Götaland and Halland, less Götene and Gullspång
    assert "1471" not in without and "1447" not in without and "1493" in without

    by_actor = {tuple(v["key"] for v in row["group"]): row for row in data["byActor"]}
    assert all([v["dimension"] for v in row["group"]] == ["ACTOR", "YEAR"] for row in data["byActor"])
    # Götene 2019: 2 police commitments; 2023–2024: Götene 3 + Gullspång 1, the 2023 ones followed up.
    assert by_actor[("POLIS", "2019")]["commitments"] == 2
    assert by_actor[("POLIS", "2023")]["commitments"] == by_actor[("POLIS", "2024")]["commitments"] == 4
    assert by_actor[("POLIS", "2023")]["followedUp"] == 3
    assert by_actor[("POLIS", "2024")]["followedUp"] == 0
