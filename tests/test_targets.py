"""Measurable promises (issue 17): targets on commitments, counted results in follow-ups, who does
the work, the derived status of each target per follow-up, statistics over them, and open data
that tools read right. On both databases, through the real GraphQL endpoint and export routes."""

from __future__ import annotations

import copy
import csv
import io
import json
from collections import Counter, defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import frictionless
import httpx
import pandas as pd
import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError, OperationalError

from api.app import create_app
from api.http.graphql import GraphQLEndpoint
from api.settings import Settings
from bench.generate import generate
from seed import format as fmt
from seed.export import export_texts, write_files
from seed.pipeline import load_path
from seed.reference import read_reference
from seed.yamlio import read
from tests.conftest import SEED_CONTENT as SEED
from tests.conftest import Database, graphql, make_client
from tests.content import load_documents

PROMISE = "botkyrka-medborgarlofte-2024"
FOLLOW_UP = "botkyrka-uppfoljning-2024"

# A made-up document with each pattern the issue lists (Botkyrka: kommunkod 0127, län 01, whose
# leading zeros tools drop). Organisations in slug order, as the exporter writes them.
DOCUMENT: dict[str, list[Any]] = {
    "organisations": [
        {"slug": "botkyrka-kommun", "kind": "MUNICIPALITY", "name": "Botkyrka kommun", "municipality": "0127"},
        {"slug": "botkyrkabyggen", "kind": "OTHER", "name": "Botkyrkabyggen"},
        {"slug": "lpo-botkyrka", "kind": "POLICE", "name": "Lokalpolisområde Botkyrka"},
        {"slug": "sodertorns-brandforsvar", "kind": "OTHER", "name": "Södertörns brandförsvarsförbund"},
    ],
    "citizen_promises": [
        {
            "slug": PROMISE,
            "status": "PUBLISHED",
            "title": "Medborgarlöfte Botkyrka 2024",
            "municipality": "0127",
            "period": {"start": "2024-01-01", "end": "2024-12-31", "label": "2024"},
            "commitments": [
                {
                    "key": "kommun-1",
                    "actor": "KOMMUN",
                    "actor_label": "Kommunen lovar att",
                    "text": "Genomföra minst sex trygghetsvandringar under året.",
                    "topics": ["trygghetsvandring"],
                    "targets": [
                        {
                            "key": "vandringar",
                            "quantity": 6,
                            "qualifier": "AT_LEAST",
                            "counted": "trygghetsvandringar",
                            "interval": "YEAR",
                            "phrase": "minst sex trygghetsvandringar under året",
                        }
                    ],
                },
                {
                    "key": "polis-1",
                    "actor": "POLIS",
                    "actor_label": "Polisen lovar att",
                    "text": "Delta i två föräldramöten per termin och svara på tips inom 48 timmar.",
                    "targets": [
                        {
                            "key": "foraldramoten",
                            "quantity": 2,
                            "counted": "föräldramöten",
                            "interval": "TERM",
                            "phrase": "två föräldramöten per termin",
                        },
                        {
                            "key": "tips",
                            "quantity": 48,
                            "qualifier": "AT_MOST",
                            "counted": "timmar till svar",
                            "phrase": "svara på tips inom 48 timmar",
                        },
                    ],
                },
                {
                    "key": "annan-1",
                    "actor": "OTHER",
                    "actor_label": "Botkyrkabyggen lovar att",
                    "text": "Vara på plats i bostadsområdena vid minst 50 tillfällen.",
                    "partners": ["sodertorns-brandforsvar"],
                    "performed_by": ["botkyrkabyggen"],
                    "targets": [
                        {
                            "key": "tillfallen",
                            "quantity": 50,
                            "qualifier": "AT_LEAST",
                            "counted": "tillfällen",
                            "interval": "PERIOD",
                            "phrase": "vid minst 50 tillfällen",
                        }
                    ],
                },
                {
                    "key": "vi-1",
                    "actor": "UNSPECIFIED",
                    "actor_label": "Vi lovar att",
                    "text": "Ett trygghetsråd ska etableras och träffas cirka tio gånger; fältassistenter finns ute fem"
                    " kvällar i veckan under sommarlovet; en lägesbild tas fram senast den 30 juni.",
                    "targets": [
                        {
                            "key": "moten",
                            "quantity": 10,
                            "qualifier": "ABOUT",
                            "counted": "möten",
                            "interval": "YEAR",
                            "phrase": "cirka tio gånger",
                        },
                        {
                            "key": "kvallar",
                            "quantity": 5,
                            "counted": "kvällar",
                            "interval": "WEEK",
                            "phrase": "fem kvällar i veckan under sommarlovet",
                        },
                        {
                            "key": "lagesbild",
                            "quantity": 1,
                            "counted": "lägesbilder",
                            "deadline": "2024-06-30",
                            "phrase": "senast den 30 juni",
                        },
                    ],
                },
            ],
        }
    ],
    "follow_ups": [
        {
            "slug": FOLLOW_UP,
            "status": "PUBLISHED",
            "title": "Uppföljning 2024",
            "citizen_promise": PROMISE,
            "year": 2024,
            "entries": [
                {
                    "narrative": "Under året genomfördes 7 trygghetsvandringar.",
                    "commitments": ["kommun-1"],
                    "assessment": "FULFILLED",
                    "results": [
                        {
                            "quantity": 7,
                            "counted": "trygghetsvandringar",
                            "interval": "YEAR",
                            "phrase": "Under året genomfördes 7 trygghetsvandringar",
                            "target": "vandringar",
                        }
                    ],
                },
                {
                    "narrative": "Polisen gjorde ett 30-tal skolbesök och 412 trafikkontroller, deltog i fyra"
                    " föräldramöten och svarade på tips inom 36 timmar.",
                    "commitments": ["polis-1"],
                    "results": [
                        {
                            "quantity": 30,
                            "approximate": True,
                            "counted": "skolbesök",
                            "interval": "YEAR",
                            "phrase": "ett 30-tal skolbesök",
                        },
                        {
                            "quantity": 412,
                            "counted": "trafikkontroller",
                            "period": {"start": "2024-01-01", "end": "2024-12-31", "label": "2024"},
                            "phrase": "412 trafikkontroller",
                        },
                        {
                            "quantity": 4,
                            "counted": "föräldramöten",
                            "interval": "YEAR",
                            "phrase": "fyra föräldramöten",
                            "target": "foraldramoten",
                        },
                        {"quantity": 36, "counted": "timmar till svar", "phrase": "inom 36 timmar", "target": "tips"},
                    ],
                },
                {
                    "narrative": "Botkyrkabyggen var på plats vid 50 tillfällen, trygghetsrådet träffades ett 12-tal"
                    " gånger och lägesbilden togs fram.",
                    "commitments": ["annan-1", "vi-1"],
                    "results": [
                        {
                            "quantity": 50,
                            "counted": "tillfällen",
                            "interval": "PERIOD",
                            "phrase": "vid 50 tillfällen",
                            "target": "tillfallen",
                        },
                        {
                            "quantity": 12,
                            "approximate": True,
                            "counted": "möten",
                            "interval": "YEAR",
                            "phrase": "ett 12-tal gånger",
                            "target": "moten",
                        },
                        {"counted": "lägesbilder", "phrase": "lägesbilden togs fram", "target": "lagesbild"},
                    ],
                },
            ],
        }
    ],
}

TARGET_FIELDS = "key position quantity qualifier counted interval deadline phrase"
RESULT_FIELDS = "position quantity approximate counted interval period { start end label } phrase target { key }"
READ = f"""query($slug: String!, $followUp: String!) {{
  citizenPromise(slug: $slug) {{
    municipality {{ code }}
    commitments {{
      key actor actorLabel text topics
      partners {{ slug kind }} performedBy {{ slug kind name }}
      targets {{ {TARGET_FIELDS} commitment {{ key }} }}
    }}
  }}
  followUp(slug: $followUp) {{
    entries {{ assessment commitments {{ key }} results {{ {RESULT_FIELDS} }} }}
    targetStatuses {{ status reportedQuantity approximate results target {{ key }} }}
  }}
}}"""


def _target(written: dict[str, Any], position: int) -> dict[str, Any]:
    """What GraphQL gives for a target as written (defaults filled in)."""
    return {
        "key": written["key"],
        "position": position,
        "quantity": written.get("quantity"),
        "qualifier": written.get("qualifier", "EXACTLY"),
        "counted": written["counted"],
        "interval": written.get("interval"),
        "deadline": written.get("deadline"),
        "phrase": written["phrase"],
    }


def _result(written: dict[str, Any], position: int) -> dict[str, Any]:
    target = written.get("target")
    return {
        "position": position,
        "quantity": written.get("quantity"),
        "approximate": written.get("approximate", False),
        "counted": written["counted"],
        "interval": written.get("interval"),
        "period": written.get("period"),
        "phrase": written["phrase"],
        "target": {"key": target} if target else None,
    }


def _numbers(value: Any) -> Any:
    """Floats that are whole as ints, so 7.0 from one database compares with 7 as written."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    return value


def _unpublished(document: fmt.Document) -> fmt.Document:
    """The document without the publication times the writer sets."""
    lists = {
        kind: [item.model_copy(update={"published_at": None}) for item in getattr(document, kind)]
        for kind in fmt.CONTENT_TYPES
    }
    return document.model_copy(update=lists)


async def test_a_document_with_every_pattern_round_trips_load_graphql_export_load(
    fresh: Database, tmp_path: Path
) -> None:
    await load_documents(tmp_path / "in", {"botkyrka": DOCUMENT})
    async with make_client() as client:
        data = _numbers(await graphql(client, READ, {"slug": PROMISE, "followUp": FOLLOW_UP}))

    promise = DOCUMENT["citizen_promises"][0]
    assert data["citizenPromise"]["municipality"] == {"code": "0127"}
    read_commitments = data["citizenPromise"]["commitments"]
    assert [c["key"] for c in read_commitments] == [c["key"] for c in promise["commitments"]]
    for written, got in zip(promise["commitments"], read_commitments, strict=True):
        assert got["actor"] == written["actor"]
        assert [p["slug"] for p in got["partners"]] == written.get("partners", [])
        assert [p["slug"] for p in got["performedBy"]] == written.get("performed_by", [])
        assert {p["slug"] for p in got["partners"]}.isdisjoint(p["slug"] for p in got["performedBy"])
        assert [{k: v for k, v in t.items() if k != "commitment"} for t in got["targets"]] == [
            _target(t, position) for position, t in enumerate(written.get("targets", []), start=1)
        ]
        assert all(t["commitment"] == {"key": written["key"]} for t in got["targets"])
    assert read_commitments[2]["performedBy"] == [{"slug": "botkyrkabyggen", "kind": "OTHER", "name": "Botkyrkabyggen"}]

    entries = data["followUp"]["entries"]
    for written, got in zip(DOCUMENT["follow_ups"][0]["entries"], entries, strict=True):
        assert got["results"] == [_result(r, position) for position, r in enumerate(written["results"], start=1)]

    # Exported and loaded again: the same document, and nothing to change.
    texts = await export_texts()
    write_files(tmp_path / "out", {"botkyrka.yaml": texts["botkyrka.yaml"]})
    exported = fmt.Document.model_validate(read(tmp_path / "out" / "botkyrka.yaml").data)
    assert _unpublished(exported) == _unpublished(fmt.Document.model_validate(DOCUMENT))
    summary, checked = await load_path(tmp_path / "out")
    assert summary is not None, [str(p) for p in checked.problems]
    assert not summary.changed, summary.lines()
    assert await export_texts() == texts


async def test_the_made_up_document_gets_each_status_of_the_table(fresh: Database, tmp_path: Path) -> None:
    await load_documents(tmp_path / "in", {"botkyrka": DOCUMENT})
    async with make_client() as client:
        data = _numbers(await graphql(client, READ, {"slug": PROMISE, "followUp": FOLLOW_UP}))
    statuses = {
        s["target"]["key"]: (s["status"], s["reportedQuantity"], s["approximate"], s["results"])
        for s in data["followUp"]["targetStatuses"]
    }
    assert statuses == {
        "vandringar": ("EXCEEDED", 7, False, 1),  # AT_LEAST 6, 7 done
        "foraldramoten": ("NOT_COMPARABLE", 4, False, 1),  # per term against a year
        "tips": ("MET", 36, False, 1),  # AT_MOST 48 hours, 36
        "tillfallen": ("MET", 50, False, 1),  # AT_LEAST 50, 50
        "moten": ("EXCEEDED", 12, True, 1),  # ABOUT 10, "ett 12-tal": above +10 %, approximate
        "kvallar": ("NOT_REPORTED", None, False, 0),
        "lagesbild": ("NOT_COMPARABLE", None, False, 1),  # the result has no quantity
    }
    assert list(statuses) == ["vandringar", "foraldramoten", "tips", "tillfallen", "moten", "kvallar", "lagesbild"]


# (key, qualifier, target quantity, results as (quantity, counted differs, interval), status, reported, approximate)
CASES: list[tuple[str, str, float | None, list[tuple[float | None, bool, str]], str, float | None, bool]] = [
    ("exactly-equal", "EXACTLY", 5, [(5, False, "YEAR")], "MET", 5, False),
    ("exactly-above", "EXACTLY", 5, [(6, False, "YEAR")], "EXCEEDED", 6, False),
    ("exactly-below", "EXACTLY", 5, [(4, False, "YEAR")], "MISSED", 4, False),
    ("at-least-equal", "AT_LEAST", 5, [(5, False, "YEAR")], "MET", 5, False),
    ("at-least-above", "AT_LEAST", 5, [(6, False, "YEAR")], "EXCEEDED", 6, False),
    ("at-least-below", "AT_LEAST", 5, [(4, False, "YEAR")], "MISSED", 4, False),
    ("at-most-equal", "AT_MOST", 5, [(5, False, "YEAR")], "MET", 5, False),
    ("at-most-below", "AT_MOST", 5, [(3, False, "YEAR")], "MET", 3, False),
    ("at-most-above", "AT_MOST", 5, [(6, False, "YEAR")], "MISSED", 6, False),
    ("about-lower-edge", "ABOUT", 10, [(9, False, "YEAR")], "MET", 9, False),
    ("about-upper-edge", "ABOUT", 10, [(11, False, "YEAR")], "MET", 11, False),
    ("about-above", "ABOUT", 10, [(12, False, "YEAR")], "EXCEEDED", 12, False),
    ("about-below", "ABOUT", 10, [(8, False, "YEAR")], "MISSED", 8, False),
    ("about-fraction-within", "ABOUT", 20, [(21.5, False, "YEAR")], "MET", 21.5, False),
    ("about-fraction-above", "ABOUT", 20, [(22.5, False, "YEAR")], "EXCEEDED", 22.5, False),
    ("zero-at-least-zero", "AT_LEAST", 0, [(0, False, "YEAR")], "MET", 0, False),
    ("parts-add-up", "AT_LEAST", 10, [(6, False, "YEAR"), (5, False, "YEAR")], "EXCEEDED", 11, False),
    ("approximate-compares-by-its-number", "AT_LEAST", 20, [(-20, False, "YEAR")], "MET", 20, True),
    ("not-reported", "EXACTLY", 5, [], "NOT_REPORTED", None, False),
    ("target-without-quantity", "EXACTLY", None, [(3, False, "YEAR")], "NOT_COMPARABLE", 3, False),
    ("result-without-quantity", "EXACTLY", 5, [(None, False, "YEAR")], "NOT_COMPARABLE", None, False),
    ("counted-differs", "EXACTLY", 5, [(5, True, "YEAR")], "NOT_COMPARABLE", 5, False),
    ("per-term-against-yearly", "EXACTLY", 2, [(4, False, "TERM")], "NOT_COMPARABLE", 4, False),
]


def _case_document() -> dict[str, list[Any]]:
    """One target per case (interval YEAR), each in its own commitment, and two follow-ups: 2024
    with the cases' results (a negative quantity above means: approximate), 2025 with none."""
    commitments = []
    entries = []
    for number, (key, qualifier, quantity, results, *_) in enumerate(CASES, start=1):
        target: dict[str, Any] = {"key": key, "qualifier": qualifier, "counted": "insatser", "interval": "YEAR"}
        if quantity is not None:
            target["quantity"] = quantity
        target["phrase"] = f"{qualifier} {quantity} insatser"
        commitments.append({"key": f"k-{number}", "actor": "KOMMUN", "text": f"Fall {key}.", "targets": [target]})
        for quantity_done, other, interval in results:
            result: dict[str, Any] = {
                "counted": "andra insatser" if other else "insatser",
                "interval": interval,
                "phrase": f"{quantity_done} insatser",
                "target": key,
            }
            if quantity_done is not None:
                result["quantity"] = abs(quantity_done)
                result["approximate"] = quantity_done < 0
            # Each result in an entry of its own: parts of a count may be printed apart.
            entries.append(
                {"narrative": f"Insatser i fall {key}.", "commitments": [f"k-{number}"], "results": [result]}
            )
    return {
        "citizen_promises": [
            {
                "slug": "fall-lofte",
                "status": "PUBLISHED",
                "title": "Fall",
                "municipality": "0127",
                "period": {"start": "2024-01-01", "end": "2025-12-31", "label": "2024–2025"},
                "commitments": commitments,
            }
        ],
        "follow_ups": [
            {
                "slug": "fall-2024",
                "status": "PUBLISHED",
                "title": "Fall 2024",
                "citizen_promise": "fall-lofte",
                "year": 2024,
                "entries": entries,
            },
            {
                "slug": "fall-2025",
                "status": "PUBLISHED",
                "title": "Fall 2025",
                "citizen_promise": "fall-lofte",
                "year": 2025,
            },
        ],
    }


async def test_the_derived_status_follows_the_table_case_by_case(fresh: Database, tmp_path: Path) -> None:
    await load_documents(tmp_path / "in", {"fall": _case_document()})
    query = """query($s: String!) {
      followUp(slug: $s) { targetStatuses { status reportedQuantity approximate target { key } } }
    }"""
    async with make_client() as client:
        reported = _numbers(await graphql(client, query, {"s": "fall-2024"}))["followUp"]["targetStatuses"]
        later = (await graphql(client, query, {"s": "fall-2025"}))["followUp"]["targetStatuses"]

    got = {s["target"]["key"]: (s["status"], s["reportedQuantity"], s["approximate"]) for s in reported}
    assert got == {key: (status, _numbers(total), approximate) for key, *_, status, total, approximate in CASES}
    # The status is per follow-up: the next year's reports nothing.
    assert [s["status"] for s in later] == ["NOT_REPORTED"] * len(CASES)


def _status(target: fmt.Target, results: list[fmt.Result]) -> str:
    """The status table of the issue, written again here, independently of the SQL view."""
    if not results:
        return "NOT_REPORTED"
    if target.quantity is None or any(
        r.quantity is None or r.counted != target.counted or r.interval != target.interval for r in results
    ):
        return "NOT_COMPARABLE"
    done = sum(Fraction(r.quantity or 0) for r in results)
    promised = Fraction(target.quantity)
    if target.qualifier == "AT_MOST":
        return "MET" if done <= promised else "MISSED"
    if target.qualifier == "ABOUT":
        return (
            "EXCEEDED"
            if done > promised * Fraction(11, 10)
            else "MISSED"
            if done < promised * Fraction(9, 10)
            else "MET"
        )
    return "EXCEEDED" if done > promised else "MET" if done == promised else "MISSED"


STATISTICS = """query($groupBy: [StatisticsDimension!]!, $filter: CommitmentFilter) {
  targetStatistics(groupBy: $groupBy, filter: $filter) {
    group { dimension key } targets commitments municipalities promisedQuantity reportedQuantity
    notReported notComparable met exceeded missed
  }
}"""
STATUS_FIELDS = {
    "NOT_REPORTED": "notReported",
    "NOT_COMPARABLE": "notComparable",
    "MET": "met",
    "EXCEEDED": "exceeded",
    "MISSED": "missed",
}


def _expected(
    documents: list[fmt.Document], by: tuple[str, ...], year: int | None = None
) -> dict[tuple[str, ...], dict[str, Any]]:
    """Target statistics computed from the seed documents themselves: per target, the status of the
    latest follow-up (or of the year's), summed per group of `by` (COUNTY, COUNTED, ACTOR, YEAR);
    a result on no target adds its quantity to its group (what it counts, the actor of the
    commitment its entry names first, else the entry's, else UNSPECIFIED) and nothing else."""
    # A kommunkod begins with its länskod.
    counties = {row["kommunkod"]: row["kommunkod"][:2] for row in read_reference().municipalities}
    follow_ups: dict[str, list[fmt.FollowUp]] = defaultdict(list)
    for document in documents:
        for follow_up in document.follow_ups:
            follow_ups[follow_up.citizen_promise].append(follow_up)
    groups: dict[tuple[str, ...], dict[str, Any]] = {}

    def group_of(values: dict[str, str]) -> dict[str, Any]:
        return groups.setdefault(
            tuple(values[name] for name in by),
            {
                "targets": 0,
                "commitments": set(),
                "municipalities": set(),
                "promised": None,
                "reported": None,
                **{f: 0 for f in STATUS_FIELDS.values()},
            },
        )

    def report(group: dict[str, Any], quantities: list[Fraction]) -> None:
        if quantities:
            group["reported"] = (group["reported"] or Fraction(0)) + sum(quantities)

    for document in documents:
        for promise in document.citizen_promises:
            assert promise.period.end is not None
            years = range(promise.period.start.year, promise.period.end.year + 1)
            actors = {commitment.key: commitment.actor.value for commitment in promise.commitments}
            for in_year in years if "YEAR" in by or year is not None else [None]:
                if year is not None and in_year != year:
                    continue
                candidates = [f for f in follow_ups[promise.slug] if in_year is None or f.year == in_year]
                chosen = max(candidates, key=lambda f: f.year, default=None)
                entries = chosen.entries if chosen else []
                place = {"COUNTY": counties[promise.municipality], "YEAR": str(in_year)}
                for commitment in promise.commitments:
                    for target in commitment.targets:
                        results = [r for e in entries for r in e.results if r.target == target.key]
                        group = group_of({**place, "COUNTED": target.counted, "ACTOR": commitment.actor.value})
                        group["targets"] += 1
                        group["commitments"].add((promise.slug, commitment.key))
                        group["municipalities"].add(promise.municipality)
                        if target.quantity is not None:
                            group["promised"] = (group["promised"] or Fraction(0)) + Fraction(target.quantity)
                        report(group, [Fraction(r.quantity) for r in results if r.quantity is not None])
                        group[STATUS_FIELDS[_status(target, results)]] += 1
                for entry in entries:
                    if entry.commitments:
                        actor = actors[entry.commitments[0]]
                    else:
                        actor = entry.actor.value if entry.actor else "UNSPECIFIED"
                    for result in entry.results:
                        if result.target is None:
                            group = group_of({**place, "COUNTED": result.counted, "ACTOR": actor})
                            report(group, [Fraction(result.quantity)] if result.quantity is not None else [])
    return groups


def _as_found(statistics: list[dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
    return {
        tuple(g["key"] for g in s["group"]): {
            "targets": s["targets"],
            "commitments": s["commitments"],
            "municipalities": s["municipalities"],
            "promised": s["promisedQuantity"],
            "reported": s["reportedQuantity"],
            **{f: s[f] for f in STATUS_FIELDS.values()},
        }
        for s in statistics
    }


def _comparable(groups: dict[tuple[str, ...], dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
    return {
        key: {
            **group,
            "commitments": len(group["commitments"]),
            "municipalities": len(group["municipalities"]),
            "promised": None if group["promised"] is None else float(group["promised"]),
            "reported": None if group["reported"] is None else float(group["reported"]),
        }
        for key, group in groups.items()
    }


async def test_target_statistics_agree_with_counts_computed_from_the_rows(fresh: Database, tmp_path: Path) -> None:
    generate(tmp_path / "country", limit=3)
    # Results on no target: "ett 30-tal skolbesök" in an entry on a commitment, and "412
    # trafikkontroller" moved to an entry that names neither a commitment nor an actor.
    document = copy.deepcopy(DOCUMENT)
    [controls] = [r for r in document["follow_ups"][0]["entries"][1]["results"] if r["counted"] == "trafikkontroller"]
    document["follow_ups"][0]["entries"][1]["results"].remove(controls)
    document["follow_ups"][0]["entries"].append(
        {"narrative": "Polisen gjorde 412 trafikkontroller.", "results": [controls]}
    )
    await load_documents(tmp_path / "in", {"botkyrka": document})
    summary, checked = await load_path(tmp_path / "country")
    assert summary is not None, [str(p) for p in checked.problems]
    paths = [*sorted((tmp_path / "country").glob("*.yaml")), *sorted(SEED.glob("*.yaml"))]
    documents = [fmt.Document.model_validate(document)] + [fmt.Document.model_validate(read(p).data) for p in paths]
    # Every target and result in the database is in these documents (the seed content has results
    # on no target only: "ett 20-tal skolbesök" in Götene).
    assert sum(len(c.targets) for d in documents for p in d.citizen_promises for c in p.commitments) > 40

    async with make_client() as client:
        for by, year in (
            (("COUNTY", "COUNTED", "ACTOR"), None),
            (("YEAR", "COUNTED"), None),
            (("COUNTED",), 2024),
            ((), None),
        ):
            variables = {"groupBy": list(by), "filter": {"year": year} if year else None}
            found = (await graphql(client, STATISTICS, variables))["targetStatistics"]
            assert _as_found(found) == _comparable(_expected(documents, by, year)), (by, year)
        # The open data rows add up to the same figures.
        rows = list(csv.DictReader(io.StringIO((await client.get("/export/targets.csv")).text)))
        [total] = (await graphql(client, STATISTICS, {"groupBy": []}))["targetStatistics"]
    assert len(rows) == total["targets"]
    assert sum(float(r["quantity"] or 0) for r in rows) == pytest.approx(total["promisedQuantity"])
    # The rows are the targets; the results on no target (of each promise's latest follow-up) are
    # in reportedQuantity beside them.
    latest = {}
    for follow_up in sorted((f for d in documents for f in d.follow_ups), key=lambda f: f.year):
        latest[follow_up.citizen_promise] = follow_up
    unlinked = [r.quantity for f in latest.values() for e in f.entries for r in e.results if r.target is None]
    assert len(unlinked) >= 3
    assert sum(float(r["reported_quantity"] or 0) for r in rows) + float(
        sum(q or 0 for q in unlinked)
    ) == pytest.approx(total["reportedQuantity"])
    assert Counter(r["status"] for r in rows) == {s: total[f] for s, f in STATUS_FIELDS.items() if total[f]}


async def test_statistics_by_actor_count_other_and_unspecified_as_themselves(fresh: Database, tmp_path: Path) -> None:
    query = "{ commitmentStatistics(groupBy: [ACTOR]) { group { key } commitments } }"
    async with make_client() as client:
        before = {
            s["group"][0]["key"]: s["commitments"] for s in (await graphql(client, query))["commitmentStatistics"]
        }
        await load_documents(tmp_path / "in", {"botkyrka": DOCUMENT})
        after = {s["group"][0]["key"]: s["commitments"] for s in (await graphql(client, query))["commitmentStatistics"]}
        targets = (await graphql(client, STATISTICS, {"groupBy": ["ACTOR"]}))["targetStatistics"]
        by_organisation = (await graphql(client, STATISTICS, {"groupBy": ["ORGANISATION"]}))["targetStatistics"]

    assert "OTHER" not in before and "UNSPECIFIED" not in before
    assert after == {
        **before,
        "KOMMUN": before["KOMMUN"] + 1,
        "POLIS": before["POLIS"] + 1,
        "OTHER": 1,
        "UNSPECIFIED": 1,
    }
    assert {s["group"][0]["key"]: s["targets"] for s in targets} == {
        "KOMMUN": 1,
        "POLIS": 2,
        "OTHER": 1,
        "UNSPECIFIED": 3,
        "TILLSAMMANS": 0,  # the seed's Götene follow-up: results on no target, "ett par stormöten"
    }
    assert {s["group"][0]["key"]: s["targets"] for s in by_organisation} == {"botkyrkabyggen": 1, "": 6}


async def test_the_csv_read_through_the_datapackage_and_pandas_keeps_the_codes_zeros(
    fresh: Database, tmp_path: Path
) -> None:
    await load_documents(tmp_path / "in", {"botkyrka": DOCUMENT})
    folder = tmp_path / "open"
    folder.mkdir()
    async with make_client() as client:
        package = (await client.get("/export/datapackage.json")).json()
        for resource in package["resources"]:
            response = await client.get(f"/export/{resource['path']}")
            assert response.status_code == 200
            (folder / resource["path"]).write_bytes(response.content)
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    assert [r["name"] for r in package["resources"]] == ["commitments", "targets"]

    read_back = frictionless.Package(str(folder / "datapackage.json"))
    for resource in read_back.resources:
        assert isinstance(resource, frictionless.resources.TableResource)
        report = resource.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        rows = resource.read_rows()
        codes = [row["municipality_code"] for row in rows]
        assert "0127" in codes and all(isinstance(code, str) and len(code) == 4 for code in codes)
        assert "01" in [row["county_code"] for row in rows]

    for resource in package["resources"]:
        fields = resource["schema"]["fields"]
        types = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean", "date": "string"}
        frame = pd.read_csv(
            folder / resource["path"],
            dtype={f["name"]: types[f["type"]] for f in fields},
            parse_dates=[f["name"] for f in fields if f["type"] == "date"],
            keep_default_na=False,
            na_values={f["name"]: [""] for f in fields if f["type"] != "string"},
            true_values=["true"],
            false_values=["false"],
        )
        assert "0127" in frame["municipality_code"].tolist()
        assert all(len(code) == 4 for code in frame["municipality_code"])
        assert "01" in frame["county_code"].tolist()
        # What the schema prevents: read without it, the codes lose their zeros.
        assert 127 in pd.read_csv(folder / resource["path"])["municipality_code"].tolist()
    targets = pd.read_csv(
        folder / "targets.csv", dtype={"approximate": "boolean"}, true_values=["true"], false_values=["false"]
    )
    assert targets["approximate"].sum() == 1  # "ett 12-tal" against the ABOUT target


async def test_dcat_ap_se_describes_each_dataset_with_its_distributions(seeded: Database) -> None:
    ns = {
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "dcat": "http://www.w3.org/ns/dcat#",
        "dcterms": "http://purl.org/dc/terms/",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
    }
    about = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
    resource = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource"
    # DCAT-AP-SE: a dataset's contact point has a name and an e-mail address; each distribution a
    # licence. Both come from the settings (api/settings.py; the licence by default CC0 1.0).
    assert Settings().open_data_licence == "http://creativecommons.org/publicdomain/zero/1.0/"
    settings = Settings(
        open_data_contact_email="oppnadata@gotene.se", open_data_licence="https://creativecommons.org/licenses/by/4.0/"
    )
    async with make_client(settings) as client:
        package = (await client.get("/export/datapackage.json")).json()
        assert package["licenses"] == [{"path": "https://creativecommons.org/licenses/by/4.0/"}]
        response = await client.get("/export/dcat.rdf")
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/rdf+xml")
        root = ET.fromstring(response.content)
        [catalog] = root.findall("dcat:Catalog", ns)
        datasets = root.findall("dcat:Dataset", ns)
        assert {d.get(about) for d in datasets} == {e.get(resource) for e in catalog.findall("dcat:dataset", ns)}
        assert len(datasets) == 2
        for dataset in datasets:
            assert dataset.find("dcterms:title", ns) is not None and dataset.find("dcterms:description", ns) is not None
            [contact] = dataset.findall("dcat:contactPoint/vcard:Organization", ns)
            assert contact.findtext("vcard:fn", namespaces=ns) == "Samverkan"
            assert [e.get(resource) for e in contact.findall("vcard:hasEmail", ns)] == ["mailto:oppnadata@gotene.se"]
            assert dataset.find("dcterms:publisher", ns) is not None and dataset.find("dcat:theme", ns) is not None
            downloads = [
                d.get(resource) or ""
                for d in dataset.findall("dcat:distribution/dcat:Distribution/dcat:downloadURL", ns)
            ]
            assert sorted(url.rsplit(".", 1)[1] for url in downloads) == ["csv", "json"]
            licences = [
                [e.get(resource) for e in d.findall("dcterms:license", ns)]
                for d in dataset.findall("dcat:distribution/dcat:Distribution", ns)
            ]
            assert licences == [["https://creativecommons.org/licenses/by/4.0/"]] * 2
            for url in downloads:
                assert (await client.get(url.removeprefix("http://samverkan.test"))).status_code == 200


async def test_the_database_refuses_a_result_or_a_commitment_link_of_another_promise_and_negative_quantities(
    fresh: Database, tmp_path: Path
) -> None:
    other = copy.deepcopy(DOCUMENT)
    other["organisations"] = []
    other["citizen_promises"][0]["slug"] = "annat-lofte"
    other["follow_ups"] = []
    await load_documents(tmp_path / "in", {"botkyrka": DOCUMENT, "annat": other})
    connection = connections.get("default")
    _, [row] = await connection.execute_query(
        "SELECT t.id FROM commitment_target t JOIN commitment c ON c.id = t.commitment_id"
        " JOIN citizen_promise p ON p.id = c.citizen_promise_id WHERE p.slug = 'annat-lofte' AND t.key = 'vandringar'"
    )
    foreign = dict(row)["id"]
    _, [row] = await connection.execute_query(
        "SELECT c.id FROM commitment c JOIN citizen_promise p ON p.id = c.citizen_promise_id"
        " WHERE p.slug = 'annat-lofte' ORDER BY c.id LIMIT 1"
    )
    foreign_commitment = int(dict(row)["id"])
    result_rule, link_rule = "follow_up_entry_result_same_promise", "follow_up_entry_commitment_same_promise"
    for statement, rule in (
        (f"UPDATE follow_up_entry_result SET target_id = {int(foreign)} WHERE target_id IS NOT NULL", result_rule),
        (
            "INSERT INTO follow_up_entry_result (entry_id, position, quantity, approximate, counted, phrase, target_id)"
            f" SELECT entry_id, 99, 1, false, 'x', 'x', {int(foreign)} FROM follow_up_entry_result LIMIT 1",
            result_rule,
        ),
        (
            f"UPDATE follow_up_entry_commitment SET commitment_id = {foreign_commitment}"
            " WHERE id = (SELECT MIN(id) FROM follow_up_entry_commitment)",
            link_rule,
        ),
        (
            "INSERT INTO follow_up_entry_commitment (entry_id, commitment_id, position)"
            f" SELECT entry_id, {foreign_commitment}, 99 FROM follow_up_entry_commitment LIMIT 1",
            link_rule,
        ),
        ("UPDATE follow_up_entry_result SET quantity = -1", None),
        ("UPDATE commitment_target SET quantity = -1", None),
    ):
        with pytest.raises((IntegrityError, OperationalError), match=rule):
            await connection.execute_query(statement)
    async with make_client() as client:
        statuses = (await graphql(client, READ, {"slug": PROMISE, "followUp": FOLLOW_UP}))["followUp"]["targetStatuses"]
    assert [s["status"] for s in statuses][:2] == ["EXCEEDED", "NOT_COMPARABLE"]


def test_the_vi_lovar_att_items_have_the_actor_their_sentence_names() -> None:
    document = fmt.Document.model_validate(read(SEED / "mariestad-toreboda-gullspang.yaml").data)
    [promise] = document.citizen_promises
    actors = {
        c.key: (c.actor.value, c.text.split(" ", 3)[:3])
        for c in promise.commitments
        if c.actor_label == "Vi lovar att:"
    }
    # "Kommun och polis …", "Samarbetet inom skola, socialtjänst och polis …" (several bodies with the
    # police), "Kommun och polis …", "Polisen ska …".
    assert {key: actor for key, (actor, _) in actors.items()} == {
        "tillsammans-1": "TILLSAMMANS",
        "tillsammans-2": "TILLSAMMANS",
        "tillsammans-3": "TILLSAMMANS",
        "polis-1": "POLIS",
    }


async def test_the_seed_follow_up_gives_its_printed_counts_as_typed_results(client: Any) -> None:
    query = """{ followUp(slug: "gotene-uppfoljning-2023") {
      entries { narrative results { quantity approximate counted interval phrase target { key } } } } }"""
    entries = (await graphql(client, query))["followUp"]["entries"]
    results = [(e["narrative"], r) for e in entries for r in e["results"]]
    assert [_numbers(r) for _, r in results] == [
        {
            "quantity": 20,
            "approximate": True,
            "counted": "skolbesök",
            "interval": "YEAR",
            "phrase": "ett 20-tal skolbesök",
            "target": None,
        },
        {
            "quantity": 2,
            "approximate": True,
            "counted": "föreläsningar om bedrägeri",
            "interval": "YEAR",
            "phrase": "vid ett par tillfälle",
            "target": None,
        },
        {
            "quantity": 2,
            "approximate": True,
            "counted": "stormöten",
            "interval": "YEAR",
            "phrase": "ett par stormöten",
            "target": None,
        },
    ]
    # Beside the text, which is unchanged: each phrase stands in its narrative as printed.
    assert all(r["phrase"] in narrative for narrative, r in results)


async def test_the_compiled_read_path_answers_the_new_fields_as_the_reference_path_does(
    fresh: Database, tmp_path: Path
) -> None:
    await load_documents(tmp_path / "in", {"botkyrka": DOCUMENT})
    app = create_app(Settings(rate_limits=False, debug_execution=True), manage_database=False)
    endpoint = next(route.endpoint for route in app.routes if getattr(route, "path", "") == "/graphql")  # type: ignore[attr-defined]
    assert isinstance(endpoint, GraphQLEndpoint)
    compiled = endpoint.planned.compiled
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://samverkan.test") as client:
        for query, variables in (
            (READ, {"slug": PROMISE, "followUp": FOLLOW_UP}),
            (
                f'{{ commitments(first: 5, filter: {{municipalityCode: "0127"}}) {{ edges {{ node {{'
                f" actor performedBy {{ slug }} targets {{ {TARGET_FIELDS} }} }} }} }} }}",
                {},
            ),
        ):
            answered = compiled.answered
            first = await client.post("/graphql", json={"query": query, "variables": variables})
            assert compiled.answered == answered + 1, compiled.unsupported.items
            compiled.enabled = False
            try:
                reference = await client.post("/graphql", json={"query": query, "variables": variables})
            finally:
                compiled.enabled = True
            assert "errors" not in first.json(), first.json()
            assert first.json()["extensions"] == {"execution": "compiled"}
            assert _numbers(first.json()["data"]) == _numbers(reference.json()["data"])


async def test_a_promise_may_not_drop_a_target_or_commitment_a_stored_follow_up_reports_on(
    fresh: Database, tmp_path: Path
) -> None:
    await load_documents(tmp_path / "in", {"botkyrka": DOCUMENT})
    before = await export_texts()
    # Dropping polis-1 drops its two targets too, each reported on: three problems.
    for drop, words, count in (
        ("targets of kommun-1", "the target 'vandringar' is gone, but follow-up 'botkyrka-uppfoljning-2024'", 1),
        ("polis-1", "the commitment 'polis-1' is gone, but follow-up 'botkyrka-uppfoljning-2024'", 3),
    ):
        promise = copy.deepcopy(DOCUMENT["citizen_promises"][0])
        if drop == "polis-1":
            promise["commitments"].pop(1)
        else:
            promise["commitments"][0].pop("targets")
        folder = tmp_path / f"change-{len(words)}"
        folder.mkdir()
        (folder / "botkyrka.yaml").write_text(json.dumps({"citizen_promises": [promise]}, ensure_ascii=False), "utf-8")
        summary, checked = await load_path(folder)
        assert summary is None
        assert len(checked.problems) == count, [str(p) for p in checked.problems]
        assert any(words in problem.message for problem in checked.problems), [str(p) for p in checked.problems]
        for problem in checked.problems:
            assert problem.field == "citizen_promises[0].commitments", str(problem)
            assert problem.file.endswith("botkyrka.yaml") and problem.line == 1
    assert await export_texts() == before
