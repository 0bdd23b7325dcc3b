"""The benchmark's queries: the core contract documents, their PostGraphile twins, the variables
each request rotates through, and a canonical form of each answer to check both servers agree.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.core.relay import to_global_id

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT.parent / "shared" / "contract" / "queries" / "core"
DASHBOARDS = ROOT.parent / "shared" / "contract" / "queries" / "dashboards"
POSTGRAPHILE_QUERIES = Path(__file__).resolve().parent / "postgraphile" / "queries"

# The content describes the spring of 2026; the pages read 2025, the last year with a follow-up.
TODAY = "2025-06-15"
YEAR = 2025
REGIONS = ("Nord", "Mitt", "Bergslagen", "Stockholm", "Öst", "Väst", "Syd")

Json = dict[str, Any]
Canonical = Any


@dataclass
class Query:
    name: str
    samverkan: str
    postgraphile: str
    # Parallel lists: the same logical request for each server.
    samverkan_variables: list[Json] = field(default_factory=list)
    postgraphile_variables: list[Json] = field(default_factory=list)
    canonical_samverkan: Callable[[Json], Canonical] = lambda data: data
    canonical_postgraphile: Callable[[Json], Canonical] = lambda data: data


def _period(item: Json) -> tuple[Any, ...]:
    period = item.get("period") or {}
    return (period.get("start"), period.get("end"), period.get("label"))


def _pg_period(item: Json) -> tuple[Any, ...]:
    return (item["periodStart"], item["periodEnd"], item["periodLabel"])


def _nodes(connection: Json | None) -> list[Json]:
    return list((connection or {}).get("nodes") or [])


def _municipality_page_samverkan(data: Json) -> Canonical:
    m = data["municipality"]
    return {
        "code": m["code"],
        "name": m["name"],
        "county": m["county"],
        "localPoliceArea": m["localPoliceArea"],
        "agreements": sorted(
            (
                a["title"],
                _period(a),
                [(p["kind"], p["name"]) for p in a["parties"]],
                [(s["person"]["name"], s["person"]["title"], s["signedOn"]) for s in a["signatories"]],
            )
            for a in m["agreements"]
        ),
        "promises": [
            {
                "title": p["title"],
                "period": _period(p),
                "problemPicture": p["problemPicture"],
                **{
                    actor: [(c["text"], c["position"]) for c in p[actor]]
                    for actor in ("kommun", "polis", "tillsammans")
                },
                "followUps": [
                    (
                        f["year"],
                        f["title"],
                        [
                            (e["narrative"], [(c["actor"], c["position"]) for c in e["commitments"]])
                            for e in f["entries"]
                        ],
                    )
                    for f in p["followUps"]
                ],
            }
            for p in m["citizenPromises"]
        ],
        "services": sorted((s["provider"], s["sinceLabel"], s["services"]) for s in m["serviceAgreements"]),
        "contacts": sorted((c["role"], c["name"], c["email"], c["phone"]) for c in m["contacts"]),
    }


def _municipality_page_postgraphile(data: Json) -> Canonical:
    m = data["municipality"]
    return {
        "code": m["code"],
        "name": m["name"],
        "county": m["county"],
        "localPoliceArea": m["localPoliceArea"],
        "agreements": sorted(
            (
                a["title"],
                _pg_period(a),
                [(p["organisation"]["kind"], p["organisation"]["name"]) for p in _nodes(a["agreementParties"])],
                [(s["person"]["name"], s["title"], s["signedOn"]) for s in _nodes(a["signatories"])],
            )
            for a in _nodes(m["agreementsActiveOn"])
        ),
        "promises": [
            {
                "title": p["title"],
                "period": _pg_period(p),
                "problemPicture": p["problemPicture"],
                **{
                    actor: [(c["text"], c["position"]) for c in _nodes(p[actor])]
                    for actor in ("kommun", "polis", "tillsammans")
                },
                "followUps": [
                    (
                        f["year"],
                        f["title"],
                        [
                            (
                                e["narrative"],
                                [
                                    (c["commitment"]["actor"], c["commitment"]["position"])
                                    for c in _nodes(e["followUpEntryCommitmentsByEntryId"])
                                ],
                            )
                            for e in _nodes(f["followUpEntries"])
                        ],
                    )
                    for f in _nodes(p["followUps"])
                ],
            }
            for p in _nodes(m["citizenPromisesForYear"])
        ],
        "services": sorted((s["provider"], s["sinceLabel"], s["services"]) for s in _nodes(m["serviceAgreements"])),
        "contacts": sorted(
            (c["contact"]["role"], c["contact"]["person"]["name"], c["contact"]["person"]["email"],
             c["contact"]["person"]["phone"])
            for c in _nodes(m["contactMunicipalities"])
        ),
    }  # fmt: skip


def _agreements_samverkan(data: Json) -> Canonical:
    connection = data["agreements"]
    return {
        "total": connection["totalCount"],
        "items": sorted(
            (
                e["node"]["slug"],
                e["node"]["title"],
                _period(e["node"]),
                sorted((m["code"], m["name"]) for m in e["node"]["municipalities"]),
                [(p["kind"], p["name"]) for p in e["node"]["parties"]],
            )
            for e in connection["edges"]
        ),
    }


def _agreements_postgraphile(data: Json) -> Canonical:
    connection = data["agreementsInForce"]
    items = []
    for edge in connection["edges"]:
        node = edge["node"]
        organisations = [p["organisation"] for p in _nodes(node["agreementParties"])]
        municipalities = sorted(
            (o["municipality"]["code"], o["municipality"]["name"]) for o in organisations if o["municipality"]
        )
        parties = [(o["kind"], o["name"]) for o in organisations]
        items.append((node["slug"], node["title"], _pg_period(node), municipalities, parties))
    return {"total": connection["totalCount"], "items": sorted(items)}  # fmt: skip


def _regional_samverkan(data: Json) -> Canonical:
    connection = data["commitments"]
    return {
        "total": connection["totalCount"],
        "hasNextPage": connection["pageInfo"]["hasNextPage"],
        "items": [
            (
                n["actor"],
                n["text"],
                n["topics"],
                n["citizenPromise"]["title"],
                n["citizenPromise"]["municipality"]["code"],
                n["citizenPromise"]["municipality"]["name"],
                n["citizenPromise"]["municipality"]["county"]["name"],
                sorted(e["followUp"]["year"] for e in n["followUpEntries"]),
            )
            for n in (edge["node"] for edge in connection["edges"])
        ],
    }


def _regional_postgraphile(data: Json) -> Canonical:
    connection = data["regionalCommitments"]
    return {
        "total": connection["totalCount"],
        "hasNextPage": connection["pageInfo"]["hasNextPage"],
        "items": [
            (
                n["actor"],
                n["text"],
                [t["topicId"] for t in _nodes(n["commitmentTopics"])],
                n["citizenPromise"]["title"],
                n["citizenPromise"]["municipality"]["code"],
                n["citizenPromise"]["municipality"]["name"],
                n["citizenPromise"]["municipality"]["county"]["name"],
                sorted(e["entry"]["followUp"]["year"] for e in _nodes(n["followUpEntryCommitments"])),
            )
            for n in (edge["node"] for edge in connection["edges"])
        ],
    }


def _node_samverkan(data: Json) -> Canonical:
    node = dict(data["node"])
    node.pop("id")
    if "period" in node:
        node["periodLabel"] = node.pop("period")["label"]
    return node


def _node_postgraphile(data: Json) -> Canonical:
    node = dict(data["node"])
    node.pop("id")
    return node


def _postgraphile_id(type_name: str, key: int | str) -> str:
    """PostGraphile's node ID: base64 of the JSON array [type name, primary key]."""
    return base64.b64encode(json.dumps([type_name, key], separators=(",", ":")).encode()).decode()


async def build_queries(database_url: str) -> list[Query]:
    """The four core queries with variables drawn from the benchmark database."""
    import asyncpg

    connection = await asyncpg.connect("postgresql://" + database_url.split("://", 1)[1])
    try:
        codes = [r["code"] for r in await connection.fetch("select code from municipality order by code")]
        counties = [r["code"] for r in await connection.fetch("select code from county order by code")]
        nodes: list[tuple[str, str, int]] = []
        for row in await connection.fetch(
            "select k.id, k.key, c.slug from commitment k join citizen_promise c on c.id = k.citizen_promise_id"
            " where k.id % 97 = 0 order by k.id limit 150"
        ):
            nodes.append(("Commitment", f"{row['slug']}/{row['key']}", row["id"]))
        for type_name, table in (
            ("CitizenPromise", "citizen_promise"),
            ("Agreement", "agreement"),
            ("FollowUp", "follow_up"),
        ):
            for row in await connection.fetch(f"select id, slug from {table} where id % 23 = 0 order by id limit 40"):
                nodes.append((type_name, row["slug"], row["id"]))
    finally:
        await connection.close()
    nodes.sort(key=lambda node: (node[2] * 7919) % 1009)  # interleave the types, deterministically
    for code in codes[::10]:
        nodes.append(("Municipality", code, 0))

    def read(folder: Path, name: str) -> str:
        return (folder / f"{name}.graphql").read_text(encoding="utf-8")

    page = [{"code": code, "today": TODAY, "year": YEAR} for code in codes]
    agreements = [{"county": county, "on": TODAY} for county in counties]
    regional = [{"region": region, "year": year} for year in range(2019, 2027) for region in REGIONS]
    return [
        Query(
            "agreements-in-force",
            read(CONTRACT, "agreements-in-force"),
            read(POSTGRAPHILE_QUERIES, "agreements-in-force"),
            agreements,
            agreements,
            _agreements_samverkan,
            _agreements_postgraphile,
        ),
        Query(
            "municipality-page",
            read(CONTRACT, "municipality-page"),
            read(POSTGRAPHILE_QUERIES, "municipality-page"),
            page,
            page,
            _municipality_page_samverkan,
            _municipality_page_postgraphile,
        ),
        Query(
            "node",
            read(CONTRACT, "node"),
            read(POSTGRAPHILE_QUERIES, "node"),
            [{"id": to_global_id(type_name, key)} for type_name, key, _ in nodes],
            [
                {"id": _postgraphile_id(type_name, key if type_name == "Municipality" else row_id)}
                for type_name, key, row_id in nodes
            ],
            _node_samverkan,
            _node_postgraphile,
        ),
        Query(
            "regional-list",
            read(CONTRACT, "regional-list"),
            read(POSTGRAPHILE_QUERIES, "regional-list"),
            regional,
            regional,
            _regional_samverkan,
            _regional_postgraphile,
        ),
    ]


@dataclass
class Dashboard:
    """A dashboard contract document (../shared/contract/queries/dashboards/) with its variables:
    Samverkan only, PostGraphile has no equivalent (statistics, coverage, search)."""

    name: str
    document: str
    variables: list[Json]


# Words the generated content has (bench/generate.py), and one it has not.
SEARCH_WORDS = ("trygghet", "narkotika", "trafik", "ungdomar", "belysning", "skolan", "trygghetsvandring", "zebra")


def build_dashboards() -> list[Dashboard]:
    """region-overview for every police region and three years; search for a handful of words."""

    def read(name: str) -> str:
        return (DASHBOARDS / f"{name}.graphql").read_text(encoding="utf-8")

    return [
        Dashboard(
            "region-overview",
            read("region-overview"),
            [{"region": region, "year": year} for year in (2023, 2024, 2025) for region in REGIONS],
        ),
        Dashboard("search", read("search"), [{"q": word, "after": None} for word in SEARCH_WORDS]),
    ]
