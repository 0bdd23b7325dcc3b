"""The public contract: the SDL in the repo, the shared contract check, and the documents real
clients send, answered over HTTP with the seed facts (both databases)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from typing import Any

import httpx
import pytest

from api.schema import print_schema
from tests.conftest import ROOT, SHARED, Database, graphql

CORE_QUERIES = SHARED / "contract" / "queries" / "core"


def document(name: str) -> str:
    if not CORE_QUERIES.exists():
        pytest.skip(f"{CORE_QUERIES} is absent (the shared contract is not beside this checkout)")
    return (CORE_QUERIES / f"{name}.graphql").read_text(encoding="utf-8")


def test_schema_graphql_is_printed_from_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == print_schema(), "schema.graphql drifted: run `make schema` and commit it"


def test_served_schema_keeps_the_core_contract() -> None:
    checker = SHARED / "contract" / "check_contract.py"
    if not checker.exists():
        pytest.skip(f"{checker} is absent (the shared contract is not beside this checkout)")
    result = subprocess.run(
        [sys.executable, str(checker), "schema.graphql", "core"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 problems" in result.stdout


async def test_municipality_page_gotene_2019(client: httpx.AsyncClient) -> None:
    data = await graphql(client, document("municipality-page"), {"code": "1471", "today": "2019-06-01", "year": 2019})
    page = data["municipality"]
    assert (page["code"], page["name"], page["county"]) == (
        "1471",
        "Götene",
        {"code": "14", "name": "Västra Götalands län"},
    )
    assert page["localPoliceArea"] == {"name": "Västra Skaraborg", "parent": {"name": "Skaraborg"}}
    assert page["agreements"] == []  # the 2020–2023 agreement was not yet in force
    [promise] = page["citizenPromises"]
    assert promise["period"] == {"start": "2019-01-01", "end": "2019-12-31", "label": "2019"}
    counts = (len(promise["kommun"]), len(promise["polis"]), len(promise["tillsammans"]))
    assert counts == (4, 2, 3)
    assert [c["position"] for c in promise["kommun"]] == [1, 2, 3, 4]
    assert promise["problemPicture"].startswith("Generellt är invånarna i Götene kommun trygga")
    assert {
        "role": "Kommunpolis",
        "name": "Elisabeth Oliv",
        "email": "elisabeth.oliv@polisen.se",
        "phone": None,
    } in page["contacts"]


async def test_municipality_page_gotene_2023_has_agreement_and_follow_up(client: httpx.AsyncClient) -> None:
    data = await graphql(client, document("municipality-page"), {"code": "1471", "today": "2023-06-01", "year": 2023})
    page = data["municipality"]
    [agreement] = page["agreements"]
    assert agreement["period"] == {"start": "2020-01-01", "end": "2023-12-31", "label": "2020-01-01 till 2023-12-31"}
    assert [s["person"]["name"] for s in agreement["signatories"]] == ["Susanne Andersson", "Johan Rexhag"]
    assert {s["signedOn"] for s in agreement["signatories"]} <= {"2020-01-09", None}
    [promise] = page["citizenPromises"]
    assert promise["period"]["start"] == "2023-01-01" and promise["period"]["end"] == "2024-12-31"
    assert (len(promise["kommun"]), len(promise["polis"]), len(promise["tillsammans"])) == (4, 3, 3)
    [follow_up] = promise["followUps"]
    assert follow_up["year"] == 2023
    reported = Counter((c["actor"], c["position"]) for e in follow_up["entries"] for c in e["commitments"])
    assert {("POLIS", 1), ("POLIS", 2), ("POLIS", 3)} <= set(reported)
    assert any(entry["commitments"] == [] for entry in follow_up["entries"])


async def test_municipality_page_gullspang_services_and_contacts(client: httpx.AsyncClient) -> None:
    data = await graphql(client, document("municipality-page"), {"code": "1447", "today": "2024-06-01", "year": 2024})
    page = data["municipality"]
    [agreement] = page["agreements"]
    assert [p["kind"] for p in agreement["parties"]].count("MUNICIPALITY") == 3
    [service] = page["serviceAgreements"]
    assert service["provider"] == "Gullspång och Hova bibliotek"
    assert service["sinceLabel"] == "februari 2011"
    assert len(service["services"]) == 5
    contacts = {(c["role"], c["name"], c["phone"], c["email"]) for c in page["contacts"]}
    assert contacts == {
        ("Kommunpolis", "Helén Benjaminsen", "010-565 73 08", "helen.benjaminsen@polisen.se"),
        ("Brottsförebyggande samordnare", "Birgitta Rask", "0551-181 74", "birgitta.rask@toreboda.se"),
    }
    [promise] = page["citizenPromises"]
    assert len(promise["kommun"]) + len(promise["polis"]) + len(promise["tillsammans"]) == 4


async def test_agreements_in_force_by_county_and_date(client: httpx.AsyncClient) -> None:
    query = document("agreements-in-force")
    mid_2023 = (await graphql(client, query, {"county": "14", "on": "2023-06-01"}))["agreements"]
    assert [e["node"]["slug"] for e in mid_2023["edges"]] == ["gotene-samverkansoverenskommelse-2020-2023"]
    assert mid_2023["totalCount"] == 1

    in_2024 = (await graphql(client, query, {"county": "14", "on": "2024-01-15"}))["agreements"]
    [joint] = [e["node"] for e in in_2024["edges"]]
    assert joint["period"] is None  # unknown period: in force from its publication date on
    assert [m["code"] for m in joint["municipalities"]] == ["1493", "1473", "1447"]

    ange = (await graphql(client, query, {"county": "22", "on": "2024-01-15"}))["agreements"]
    [node] = [e["node"] for e in ange["edges"]]
    assert node["period"] == {"start": "2023-01-01", "end": "2026-12-31", "label": node["period"]["label"]}
    areas = await graphql(
        client, "query($s: String!) { agreement(slug: $s) { problemAreas { title items } } }", {"s": node["slug"]}
    )
    assert len(areas["agreement"]["problemAreas"]) == 4


async def test_regional_list_pages_through_region_vast(client: httpx.AsyncClient) -> None:
    query = document("regional-list")
    data = await graphql(client, query, {"region": "Väst", "year": 2023})
    connection = data["commitments"]
    assert connection["totalCount"] == 14  # Götene 2023–2024 (10) and Gullspång 2023–2024 (4)
    assert not connection["pageInfo"]["hasNextPage"]
    nodes = [edge["node"] for edge in connection["edges"]]
    assert {n["citizenPromise"]["municipality"]["code"] for n in nodes} == {"1471", "1447"}
    assert all(n["citizenPromise"]["municipality"]["county"]["name"] == "Västra Götalands län" for n in nodes)
    followed_up = [n for n in nodes if n["followUpEntries"]]
    assert {e["followUp"]["year"] for n in followed_up for e in n["followUpEntries"]} == {2023}
    assert all(n["topics"] for n in nodes)
    none = await graphql(client, query, {"region": "Nord", "year": 2023})
    assert none["commitments"]["totalCount"] == 0


async def test_node_refetches_every_kind_of_object(client: httpx.AsyncClient) -> None:
    ids = await graphql(
        client,
        """{ municipality(code: "1471") { id citizenPromises(year: 2023) { id commitments { id }
             followUps { id } agreement { id } } } }""",
    )
    municipality = ids["municipality"]
    promise = municipality["citizenPromises"][0]
    query = document("node")
    expectations: list[tuple[str, dict[str, Any]]] = [
        (municipality["id"], {"code": "1471", "name": "Götene"}),
        (promise["id"], {"title": "Medborgarlöfte Götene 2023–2024"}),
        (promise["commitments"][0]["id"], {"actor": "POLIS"}),
        (promise["followUps"][0]["id"], {"year": 2023, "title": "Uppföljning medborgarlöfte 2023"}),
        (
            promise["agreement"]["id"],
            {"title": "Samverkansöverenskommelse Götene kommun och lokalpolisområde västra Skaraborg"},
        ),
    ]
    for global_id, expected in expectations:
        node = (await graphql(client, query, {"id": global_id}))["node"]
        assert node["id"] == global_id
        assert {key: node[key] for key in expected} == expected
    assert (await graphql(client, query, {"id": "Tm9wZTpub3BlCg"}))["node"] is None


async def test_ids_are_the_same_on_both_databases(seeded: Database, client: httpx.AsyncClient) -> None:
    data = await graphql(client, '{ citizenPromise(slug: "gotene-medborgarlofte-2019") { id commitments { id key } } }')
    promise = data["citizenPromise"]
    import base64

    decoded = base64.urlsafe_b64decode(promise["id"] + "==").decode()
    assert decoded == "CitizenPromise:gotene-medborgarlofte-2019"
    first = promise["commitments"][0]
    assert (
        base64.urlsafe_b64decode(first["id"] + "==").decode() == f"Commitment:gotene-medborgarlofte-2019/{first['key']}"
    )


async def test_lists_have_the_contract_order(client: httpx.AsyncClient) -> None:
    data: dict[str, Any] = await graphql(
        client,
        """{ municipalities(first: 100) { totalCount edges { node { code } } }
             agreements { edges { node { slug period { start } } } }
             citizenPromises { edges { node { period { start } slug } } } }""",
    )
    codes = [e["node"]["code"] for e in data["municipalities"]["edges"]]
    assert codes == sorted(codes) and data["municipalities"]["totalCount"] == 290
    starts = [e["node"]["period"]["start"] for e in data["citizenPromises"]["edges"]]
    assert starts == sorted(starts, reverse=True)
    assert [e["node"]["slug"] for e in data["agreements"]["edges"]] == [
        "mariestad-toreboda-gullspang-overenskommelse",  # in force from 2023-11-30
        "ange-samverkansoverenskommelse-2023-2026",
        "gotene-samverkansoverenskommelse-2020-2023",
    ]


async def test_rich_text_formats(client: httpx.AsyncClient) -> None:
    query = """{ agreement(slug: "ange-samverkansoverenskommelse-2023-2026") {
        sections { heading markdown: body html: body(format: HTML) plain: body(format: PLAIN) } } }"""
    sections = (await graphql(client, query))["agreement"]["sections"]
    method = next(s for s in sections if "1. Vilka lokala problembilder" in s["markdown"])
    assert "<ol>" in method["html"] and "<li>Vilka lokala problembilder kan du se?</li>" in method["html"]
    assert "<" not in method["plain"] and "Vilka lokala problembilder kan du se?" in method["plain"]
