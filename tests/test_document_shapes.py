"""The shapes real documents take (issue 18), on both databases, through the real GraphQL
endpoint: a made-up document with each pattern (areas, two levels, target groups, promise
parties, follow-up structure, governance, service points with opening hours, succession,
provenance, roles printed without a person as signatories, contacts, a follow-up's author and a
municipality's contacts) round-trips load → GraphQL → export → load, and through `seed pull`; area filters
find an area's own items and those below it; statistics by area add up to their municipality;
coverage counts areas and rolls them up; every invalid shape is refused with file and line in
one load, and the database itself refuses an area of another municipality."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from tortoise.exceptions import IntegrityError

from api.app import create_app
from api.editorial.access import Role
from api.http.graphql import GraphQLEndpoint
from api.settings import Settings
from models import (
    Agreement,
    Area,
    CitizenPromise,
    Commitment,
    FollowUp,
    Organisation,
    PrintedRole,
    Revision,
    ServicePoint,
)
from seed import format as fmt
from seed.export import export_texts, write_files
from seed.pipeline import load_path
from seed.remote import ITEMS, REFERENCES, refused_references, server_known, write_pulled
from seed.validate import read_files, seed_files, validate_documents
from seed.yamlio import read
from tests.conftest import Database, graphql, make_client
from tests.content import load_documents
from tests.editorial import call, gid, mutate, token

ROSENGARD = "malmo-rosengard-2024"
WHOLE = "malmo-medborgarlofte-2023"
FOLLOW_UP = "malmo-rosengard-uppfoljning-2024"
# The second tertial's follow-up, signed by a role without a person.
SIGNED_BY_ROLE = "malmo-rosengard-uppfoljning-2024-tertial-2"

# A made-up document (Malmö, kommunkod 1280, län 12): a stadsdel with a neighbourhood, a centre
# and a school below it, a second stadsdel without a promise; a promise for the stadsdel whose
# commitments name its places, and one for the whole municipality of the year before.
# Areas, organisations and promises in slug order, as the exporter writes them.
DOCUMENT: dict[str, list[Any]] = {
    "organisations": [
        {"slug": "lpo-malmo-ost", "kind": "POLICE", "name": "Lokalpolisområde Malmö öst"},
        {
            "slug": "malmo-stad",
            "kind": "MUNICIPALITY",
            "name": "Malmö stad",
            "municipality": "1280",
            # Provenance: the municipality's contacts printed as a role only, without a person.
            "contact_roles": [
                {"role": "Kommunpolisen i Malmö", "organisation": "lpo-malmo-ost"},
                {"role": "Stadens trygghetssamordnare"},
            ],
        },
        {"slug": "malmo-stadsomrade-ost", "kind": "OTHER", "name": "Stadsområdesförvaltning Öster"},
    ],
    "areas": [
        {
            "slug": "malmo-herrgarden",
            "kind": "NEIGHBOURHOOD",
            "name": "Herrgården",
            "municipality": "1280",
            "parent": "malmo-rosengard",
        },
        {"slug": "malmo-limhamn-bunkeflo", "kind": "STADSDEL", "name": "Limhamn-Bunkeflo", "municipality": "1280"},
        {"slug": "malmo-rosengard", "kind": "STADSDEL", "name": "Rosengård", "municipality": "1280"},
        {
            "slug": "malmo-rosengard-centrum",
            "kind": "CENTRE",
            "name": "Rosengård centrum",
            "municipality": "1280",
            "parent": "malmo-rosengard",
        },
        {
            "slug": "malmo-rosengardsskolan",
            "kind": "SCHOOL",
            "name": "Rosengårdsskolan",
            "municipality": "1280",
            "parent": "malmo-herrgarden",
        },
    ],
    "agreements": [
        {
            "slug": "malmo-samverkansoverenskommelse-2024",
            "status": "PUBLISHED",
            "title": "Samverkansöverenskommelse Malmö 2024",
            "parties": ["malmo-stad", "lpo-malmo-ost"],
            # A role signing without a person printed, before a named signatory.
            "signatories": [
                {"title": "Kommundirektör", "organisation": "malmo-stad", "place": "Malmö"},
                {"name": "Dora Exempelsson", "title": "Lokalpolisområdeschef", "organisation": "lpo-malmo-ost"},
            ],
            # Governance as data: a chefssamråd four times a year with an operative group below it.
            "bodies": [
                {
                    "key": "chefssamrad",
                    "name": "Chefssamrådet",
                    "role": "leder arbetet",
                    "members": ["malmo-stad", "lpo-malmo-ost"],
                    "meetings_per_year": 4,
                    "cadence": "fyra gånger per år",
                },
                {"key": "operativa-gruppen", "name": "Operativa gruppen", "parent": "chefssamrad"},
            ],
            "follow_up_rules": [
                {
                    "form": "WRITTEN",
                    "times_per_year": 1,
                    "responsible": "chefssamrad",
                    "reported_to": "kommunstyrelsen",
                    "phrase": "skriftligt en gång per år till kommunstyrelsen",
                },
                {"form": "ORAL", "at_meetings_of": "chefssamrad", "phrase": "muntligt vid varje möte"},
            ],
        }
    ],
    "citizen_promises": [
        {
            "slug": WHOLE,
            "status": "PUBLISHED",
            "title": "Medborgarlöfte Malmö 2023",
            "municipality": "1280",
            "period": {"start": "2023-01-01", "end": "2023-12-31", "label": "2023"},
            "commitments": [{"key": "polis-1", "actor": "POLIS", "text": "Minska narkotikabrotten i hela staden."}],
        },
        {
            "slug": ROSENGARD,
            "status": "PUBLISHED",
            # Provenance: the page is cut short.
            "source_incomplete": True,
            "source_note": "Sidan slutar efter polisens löften.",
            "title": "Medborgarlöfte Rosengård 2024",
            "municipality": "1280",
            "area": "malmo-rosengard",
            "period": {"start": "2024-01-01", "end": "2024-12-31", "label": "2024"},
            # Its own parties, signing date and signatories: its sides.
            "parties": ["malmo-stadsomrade-ost", "lpo-malmo-ost"],
            "signed_on": "2024-02-15",
            "signatories": [
                {"name": "Anna Exempelsson", "title": "Stadsområdesdirektör", "organisation": "malmo-stadsomrade-ost"},
                # Provenance: a role printed without a person, between the named signatories.
                {"title": "Stadsområdets trygghetssamordnare", "organisation": "malmo-stadsomrade-ost"},
                {
                    "name": "Bo Exempelsson",
                    "title": "Lokalpolisområdeschef",
                    "organisation": "lpo-malmo-ost",
                    "signed_on": "2024-02-16",
                },
            ],
            "target_groups": [
                {"label": "ungdomar 13–17 år", "age_from": 13, "age_to": 17},
                {"label": "seniorer"},
            ],
            "commitments": [
                # The list's printed numbering; this one repeats last year's (which is here).
                {
                    "key": "polis-1",
                    "actor": "POLIS",
                    "number": "1.",
                    "text": "Öka närvaron i stadsdelen kvällstid.",
                    "succession": [{"kind": "REPEATS", "target": f"{WHOLE}#polis-1"}],
                },
                {
                    "key": "kommun-1",
                    "actor": "KOMMUN",
                    "number": "2.",
                    "text": "Förbättra belysningen i Rosengård centrum.",
                    "area": "malmo-rosengard-centrum",
                },
                {
                    "key": "tillsammans-1",
                    "actor": "TILLSAMMANS",
                    "text": "Besöka Rosengårdsskolan varje termin.",
                    "area": "malmo-rosengardsskolan",
                    "target_groups": [{"label": "årskurs 8", "school_year": 8}],
                },
                # Two levels: the activities stand under a joint statement, one of them printed before
                # it is (its parent is set after every commitment has an id).
                {
                    "key": "tillsammans-3",
                    "actor": "TILLSAMMANS",
                    "actor_label": "Det ska vi göra genom att",
                    "text": "Genomföra riktade insatser mot öppen narkotikahandel.",
                    "parent": "tillsammans-2",
                },
                {
                    "key": "tillsammans-2",
                    "actor": "TILLSAMMANS",
                    "actor_label": "Kommunen och polisen lovar att",
                    "text": "Minska narkotikabrotten i Rosengård.",
                },
                {
                    "key": "polis-2",
                    "actor": "POLIS",
                    "actor_label": "Det ska vi göra genom att",
                    "text": "Kontrollera fler fordon vid Rosengårds station.",
                    "parent": "tillsammans-2",
                },
            ],
            # Contacts printed as a role only, without a person.
            "contact_roles": [
                {"role": "Kommunens trygghetssamordnare", "organisation": "malmo-stad"},
                {"role": "Områdespolisen"},
            ],
            # Succession: it continues the promise for the whole city (here) and replaces an
            # earlier one of the stadsdel that is not here, named by its printed reference only.
            "succession": [
                {"kind": "CONTINUES", "target": WHOLE, "reference": "Medborgarlöfte Malmö 2023"},
                {"kind": "REPLACES", "target": "malmo-rosengard-2022", "reference": "Medborgarlöfte Rosengård 2022"},
            ],
        },
    ],
    "follow_ups": [
        {
            "slug": FOLLOW_UP,
            "status": "PUBLISHED",
            "title": "Uppföljning Rosengård 2024",
            "citizen_promise": ROSENGARD,
            "year": 2024,
            # The first tertial's follow-up, signed by its kommunpolis, in per-actor sections.
            "span": "TERTIAL",
            "span_number": 1,
            "period": {"start": "2024-01-01", "end": "2024-04-30", "label": "tertial 1 2024"},
            "author": {"name": "Cecilia Exempelsson", "title": "Kommunpolis", "organisation": "lpo-malmo-ost"},
            "entries": [
                {
                    "heading": "Kommunens uppföljning",
                    "actor": "KOMMUN",
                    "narrative": "Belysningen är utbytt.",
                    "commitments": ["kommun-1"],
                },
                {
                    "heading": "Polisens uppföljning",
                    "actor": "POLIS",
                    "narrative": "Kontrollerna vid stationen har ökat.",
                    "commitments": ["polis-2"],
                },
            ],
            "succession": [
                {"kind": "ANNOUNCES", "target": "malmo-rosengard-2025", "reference": "Medborgarlöfte Rosengård 2025"}
            ],
        },
        {
            "slug": SIGNED_BY_ROLE,
            "status": "PUBLISHED",
            "title": "Uppföljning Rosengård 2024, tertial 2",
            "citizen_promise": ROSENGARD,
            "year": 2024,
            "span": "TERTIAL",
            "span_number": 2,
            # Provenance: signed by a role printed without a person (no name, the role in title).
            "author": {
                "title": "Kommunpolisen i Rosengård",
                "organisation": "lpo-malmo-ost",
                "signed_on": "2024-09-02",
                "place": "Malmö",
            },
        },
    ],
    # Service points: a library desk, a mobile police office one day a week, a temporary
    # arrangement with an end date; opening hours as printed and typed beside them.
    "service_agreements": [
        {
            "slug": "malmo-samtjanstavtal",
            "status": "PUBLISHED",
            "title": "Samtjänstavtal Malmö",
            "municipality": "1280",
            "parties": ["malmo-stad", "lpo-malmo-ost"],
            "provider": "Malmö stadsbibliotek",
            "points": [
                {
                    "key": "rosengards-bibliotek",
                    "name": "Rosengårds bibliotek",
                    "address": "Amiralsgatan 3",
                    "area": "malmo-rosengard-centrum",
                    "opening_hours_text": "måndag–fredag 07.30–16.00",
                    "opening_hours": "Mo-Fr 07:30-16:00",
                },
                {
                    "key": "mobila-polisen",
                    "name": "Mobila polisstationen",
                    "kind": "MOBILE",
                    "area": "malmo-herrgarden",
                    "opening_hours_text": "onsdagar kl. 10–14",
                    "opening_hours": "We 10:00-14:00",
                },
                {
                    "key": "stadshuset",
                    "name": "Stadshuset",
                    "opening_hours_text": "tisdagar och torsdagar 9–12",
                    "opening_hours": "Tu,Th 09:00-12:00",
                    "valid_from": "2024-03-01",
                    "valid_until": "2024-06-30",
                    "note": "Tillfälligt under ombyggnaden av biblioteket",
                },
            ],
        }
    ],
}

ROLE = "role organisation { slug } signedOn place"
AREA = "slug kind name municipality { code } parent { slug }"
GROUP = "label position ageFrom ageTo schoolYear"
AGREEMENT_READ = """{
  agreement(slug: "malmo-samverkansoverenskommelse-2024") {
    signatories { person { name title } } signingRoles { role organisation { slug } signedOn place }
    bodies { key position name role meetingsPerYear cadence members { slug } parent { key } }
    followUpRules { position form timesPerYear reportedTo phrase responsible { key } atMeetingsOf { key } }
  }
}"""
FOLLOW_UP_READ = """query($slug: String!) {
  followUp(slug: $slug) {
    year span spanNumber period { start end label }
    author { person { name title organisation { slug } } signedOn place }
    authorRole { role organisation { slug } signedOn place }
    entries { heading actor commitments { key } }
    citizenPromise { commitments { key followUpEntries { position } } }
  }
}"""
SUCCESSION = "kind position target reference citizenPromise { slug } commitment { key citizenPromise { slug } }"
POINT = "key position name kind address area { slug } openingHoursText openingHours validFrom validUntil note"
SHAPES_READ = f"""query($slug: String!, $followUp: String!) {{
  citizenPromise(slug: $slug) {{
    sourceIncomplete sourceNote succession {{ {SUCCESSION} }}
    commitments {{ key number succession {{ {SUCCESSION} }} }}
  }}
  followUp(slug: $followUp) {{ sourceIncomplete succession {{ {SUCCESSION} }} }}
  municipality(code: "1280") {{ serviceAgreements {{ slug sourceIncomplete points {{ {POINT} }} }} }}
}}"""
READ = f"""query($slug: String!) {{
  citizenPromise(slug: $slug) {{
    area {{ {AREA} }}
    targetGroups {{ {GROUP} }}
    parties {{ slug kind }} signedOn
    signatories {{ person {{ name title organisation {{ slug }} }} signedOn place }}
    signingRoles {{ {ROLE} }} contactRoles {{ {ROLE} }}
    commitments {{ key area {{ {AREA} }} parent {{ key }} activities {{ key }} targetGroups {{ {GROUP} }} }}
  }}
  municipality(code: "1280") {{ areas {{ slug }} contacts {{ slug }} contactRoles {{ {ROLE} }} }}
}}"""


def _areas() -> dict[str, dict[str, Any]]:
    return {area["slug"]: area for area in DOCUMENT["areas"]}


def _area(slug: str | None) -> dict[str, Any] | None:
    if slug is None:
        return None
    area = _areas()[slug]
    return {
        "slug": slug,
        "kind": area["kind"],
        "name": area["name"],
        "municipality": {"code": area["municipality"]},
        "parent": {"slug": area["parent"]} if "parent" in area else None,
    }


def _lying_in(slugs: set[str]) -> set[str]:
    """The areas and every area they lie in, computed from the document."""
    found = set(slugs)
    while more := {_areas()[s]["parent"] for s in found if "parent" in _areas()[s]} - found:
        found |= more
    return found


def _below(slug: str) -> set[str]:
    """The area and every area under it, computed from the document."""
    found = {slug}
    while True:
        more = {s for s, area in _areas().items() if area.get("parent") in found} - found
        if not more:
            return found
        found |= more


def _groups(written: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What GraphQL gives for target groups as written."""
    return [
        {
            "label": g["label"],
            "position": position,
            "ageFrom": g.get("age_from"),
            "ageTo": g.get("age_to"),
            "schoolYear": g.get("school_year"),
        }
        for position, g in enumerate(written, start=1)
    ]


def _roles(written: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What GraphQL gives for roles printed without a person (a signatory's role is its title)."""
    return [
        {
            "role": r.get("role", r.get("title")),
            "organisation": {"slug": r["organisation"]} if "organisation" in r else None,
            "signedOn": r.get("signed_on"),
            "place": r.get("place"),
        }
        for r in written
    ]


def _unpublished(document: fmt.Document) -> fmt.Document:
    lists = {
        kind: [item.model_copy(update={"published_at": None}) for item in getattr(document, kind)]
        for kind in fmt.CONTENT_TYPES
    }
    return document.model_copy(update=lists)


async def test_a_document_with_areas_round_trips_load_graphql_export_load(fresh: Database, tmp_path: Path) -> None:
    await load_documents(tmp_path / "in", {"malmo": DOCUMENT})
    async with make_client() as client:
        data = await graphql(client, READ, {"slug": ROSENGARD})
        whole = await graphql(client, READ, {"slug": WHOLE})

    promise = next(p for p in DOCUMENT["citizen_promises"] if p["slug"] == ROSENGARD)
    assert data["citizenPromise"]["area"] == _area(promise["area"])
    assert data["citizenPromise"]["commitments"] == [
        {
            "key": c["key"],
            "area": _area(c.get("area")),
            "parent": {"key": c["parent"]} if "parent" in c else None,
            "activities": [{"key": a["key"]} for a in promise["commitments"] if a.get("parent") == c["key"]],
            "targetGroups": _groups(c.get("target_groups", [])),
        }
        for c in promise["commitments"]
    ]
    assert data["citizenPromise"]["targetGroups"] == _groups(promise["target_groups"])
    kinds = {o["slug"]: o["kind"] for o in DOCUMENT["organisations"]}
    assert data["citizenPromise"]["parties"] == [{"slug": slug, "kind": kinds[slug]} for slug in promise["parties"]]
    assert data["citizenPromise"]["signedOn"] == promise["signed_on"]
    assert data["citizenPromise"]["signatories"] == [
        {
            "person": {"name": s["name"], "title": s["title"], "organisation": {"slug": s["organisation"]}},
            "signedOn": s.get("signed_on"),
            "place": None,
        }
        for s in promise["signatories"]
        if "name" in s
    ]
    printed = data["citizenPromise"]
    # Roles printed without a person: in lists of their own, in the order printed, no name anywhere.
    assert printed["signingRoles"] == _roles([s for s in promise["signatories"] if "name" not in s])
    assert printed["contactRoles"] == _roles(promise["contact_roles"])
    assert whole["citizenPromise"]["parties"] == [] and whole["citizenPromise"]["signatories"] == []
    assert whole["citizenPromise"]["signingRoles"] == [] and whole["citizenPromise"]["contactRoles"] == []

    async with make_client() as client:
        follow_up = (await graphql(client, FOLLOW_UP_READ, {"slug": FOLLOW_UP}))["followUp"]
        agreement = (await graphql(client, AGREEMENT_READ))["agreement"]
    written_agreement = DOCUMENT["agreements"][0]
    assert agreement["bodies"] == [
        {
            "key": b["key"],
            "position": position,
            "name": b["name"],
            "role": b.get("role"),
            "meetingsPerYear": b.get("meetings_per_year"),
            "cadence": b.get("cadence"),
            "members": [{"slug": m} for m in b.get("members", [])],
            "parent": {"key": b["parent"]} if "parent" in b else None,
        }
        for position, b in enumerate(written_agreement["bodies"], start=1)
    ]
    assert agreement["signatories"] == [
        {"person": {"name": s["name"], "title": s["title"]}} for s in written_agreement["signatories"] if "name" in s
    ]
    assert agreement["signingRoles"] == _roles([s for s in written_agreement["signatories"] if "name" not in s])
    assert agreement["followUpRules"] == [
        {
            "position": position,
            "form": r["form"],
            "timesPerYear": r.get("times_per_year"),
            "reportedTo": r.get("reported_to"),
            "phrase": r["phrase"],
            "responsible": {"key": r["responsible"]} if "responsible" in r else None,
            "atMeetingsOf": {"key": r["at_meetings_of"]} if "at_meetings_of" in r else None,
        }
        for position, r in enumerate(written_agreement["follow_up_rules"], start=1)
    ]
    written = DOCUMENT["follow_ups"][0]
    assert (follow_up["year"], follow_up["span"], follow_up["spanNumber"]) == (2024, "TERTIAL", 1)
    assert follow_up["period"] == written["period"]
    author = written["author"]
    assert follow_up["author"] == {
        "person": {"name": author["name"], "title": author["title"], "organisation": {"slug": author["organisation"]}},
        "signedOn": None,
        "place": None,
    }
    assert follow_up["authorRole"] is None
    # An author printed as a role only: `authorRole`, with its organisation, date and place; no
    # person, so `author` is null.
    async with make_client() as client:
        by_role = (await graphql(client, FOLLOW_UP_READ, {"slug": SIGNED_BY_ROLE}))["followUp"]
    assert (by_role["author"], by_role["authorRole"]) == (None, _roles([DOCUMENT["follow_ups"][1]["author"]])[0])
    # The municipality's contacts printed as a role only, in the order printed, beside the named
    # ones (none here); Götene's organisation prints none.
    assert data["municipality"]["contacts"] == []
    assert data["municipality"]["contactRoles"] == _roles(DOCUMENT["organisations"][1]["contact_roles"])
    assert follow_up["entries"] == [
        {"heading": e["heading"], "actor": e["actor"], "commitments": [{"key": k} for k in e["commitments"]]}
        for e in written["entries"]
    ]
    # A promise item no follow-up reports on has no entries.
    reported = {k for e in written["entries"] for k in e["commitments"]}
    entries = {c["key"]: c["followUpEntries"] for c in follow_up["citizenPromise"]["commitments"]}
    assert {key for key, found in entries.items() if not found} == {c["key"] for c in promise["commitments"]} - reported
    assert whole["citizenPromise"]["area"] is None and whole["citizenPromise"]["targetGroups"] == []
    by_name = sorted(DOCUMENT["areas"], key=lambda area: (area["name"], area["slug"]))
    assert data["municipality"]["areas"] == [{"slug": area["slug"]} for area in by_name]
    await _service_points_succession_and_provenance_read_as_written(promise)
    await _the_database_refuses_an_area_of_another_municipality()

    texts = await export_texts()
    await _pull_writes_the_areas_and_push_accepts_them(tmp_path / "pulled", texts["malmo.yaml"])
    write_files(tmp_path / "out", {"malmo.yaml": texts["malmo.yaml"]})
    exported = fmt.Document.model_validate(read(tmp_path / "out" / "malmo.yaml").data)
    assert _unpublished(exported) == _unpublished(fmt.Document.model_validate(DOCUMENT))
    summary, checked = await load_path(tmp_path / "out")
    assert summary is not None, [str(p) for p in checked.problems]
    assert not summary.changed, summary.lines()
    assert await export_texts() == texts


def _succession(written: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What GraphQL gives for succession links as written: the item when it is in DOCUMENT."""
    promises = {p["slug"]: p for p in DOCUMENT["citizen_promises"]}
    found = []
    for position, link in enumerate(written, start=1):
        slug, _, key = link["target"].partition("#")
        here = slug in promises and (not key or any(c["key"] == key for c in promises[slug]["commitments"]))
        found.append(
            {
                "kind": link["kind"],
                "position": position,
                "target": link["target"],
                "reference": link.get("reference"),
                "citizenPromise": {"slug": slug} if here and not key else None,
                "commitment": {"key": key, "citizenPromise": {"slug": slug}} if here and key else None,
            }
        )
    return found


async def _service_points_succession_and_provenance_read_as_written(promise: dict[str, Any]) -> None:
    async with make_client() as client:
        data = await graphql(client, SHAPES_READ, {"slug": ROSENGARD, "followUp": FOLLOW_UP})
    read = data["citizenPromise"]
    assert (read["sourceIncomplete"], read["sourceNote"]) == (True, promise["source_note"])
    assert read["succession"] == _succession(promise["succession"])
    # Resolved when here (the promise for the whole city), else null beside the printed reference.
    assert [link["citizenPromise"] for link in read["succession"]] == [{"slug": WHOLE}, None]
    assert read["commitments"] == [
        {"key": c["key"], "number": c.get("number"), "succession": _succession(c.get("succession", []))}
        for c in promise["commitments"]
    ]
    assert read["commitments"][0]["succession"][0]["commitment"] == {
        "key": "polis-1",
        "citizenPromise": {"slug": WHOLE},
    }
    follow_up = DOCUMENT["follow_ups"][0]
    assert data["followUp"] == {"sourceIncomplete": False, "succession": _succession(follow_up["succession"])}
    (service,) = DOCUMENT["service_agreements"]
    assert data["municipality"]["serviceAgreements"] == [
        {
            "slug": service["slug"],
            "sourceIncomplete": False,
            "points": [
                {
                    "key": p["key"],
                    "position": position,
                    "name": p["name"],
                    "kind": p.get("kind", "FIXED"),
                    "address": p.get("address"),
                    "area": {"slug": p["area"]} if "area" in p else None,
                    "openingHoursText": p["opening_hours_text"],
                    "openingHours": p["opening_hours"],
                    "validFrom": p.get("valid_from"),
                    "validUntil": p.get("valid_until"),
                    "note": p.get("note"),
                }
                for position, p in enumerate(service["points"], start=1)
            ],
        }
    ]


async def _pull_writes_the_areas_and_push_accepts_them(folder: Path, exported: str) -> None:
    """`seed pull` writes the areas its items name as the export does, and `seed push`'s check
    against the server's references accepts the files (through the real endpoint, in process)."""
    secret = await token(Role.ADMIN)
    async with make_client() as client:
        rows = (await call(client, ITEMS, token=secret))["data"]["editorialItems"]
        references = (await call(client, REFERENCES, token=secret))["data"]["editorialReferences"]
    write_pulled(folder, rows, references)
    # As exported, less the area no item names (a stadsdel without a promise).
    pulled = fmt.Document.model_validate(read(folder / "malmo.yaml").data)
    whole = fmt.Document.model_validate(yaml.safe_load(exported))
    named = {p["area"] for p in DOCUMENT["citizen_promises"] if "area" in p} | {
        x["area"]
        for x in [
            *(c for p in DOCUMENT["citizen_promises"] for c in p["commitments"]),
            *DOCUMENT["service_agreements"][0]["points"],
        ]
        if "area" in x
    }
    assert {a.slug for a in pulled.areas} == _lying_in(named) != {a.slug for a in whole.areas}
    assert pulled == whole.model_copy(update={"areas": [a for a in whole.areas if a.slug in _lying_in(named)]})
    parsed, problems = read_files(seed_files(folder))
    bundle, more = validate_documents(parsed, server_known(references))
    assert not problems + more, [str(p) for p in problems + more]
    # Push sends the pulled municipality's contact roles unchanged, and refuses changed ones
    # (no mutation writes organisations).
    assert refused_references(bundle, references) == []
    malmo = bundle.organisations["malmo-stad"]
    assert isinstance(malmo.item, fmt.Organisation)
    changed = malmo.item.model_copy(update={"contact_roles": malmo.item.contact_roles[:1]})
    bundle.organisations["malmo-stad"] = dataclasses.replace(malmo, item=changed)
    assert refused_references(bundle, references) == [
        "organisation 'malmo-stad': contact_roles differ from the server's; a municipality's contact roles are"
        " changed by an administrator"
    ]
    await _a_mutation_refuses_the_same_as_a_file(secret)


async def _a_mutation_refuses_the_same_as_a_file(secret: str) -> None:
    """serviceAgreementUpdate goes through the same validation: hours on other days than printed,
    and a point in an area of another municipality, refused with their field paths; nothing
    changes."""
    (service,) = DOCUMENT["service_agreements"]
    points = [
        {**service["points"][0], "opening_hours": "Mo-Sa 07:30-16:00"},
        {**service["points"][1], "area": "gotene-centrum"},
    ]
    update = (
        "mutation($id: ID!, $item: JSON!) { serviceAgreementUpdate(id: $id, expectedRevision: 1, item: $item)"
        " { outcome problems { field message } } }"
    )
    before = await export_texts()
    elsewhere = await Area.create(
        slug="gotene-centrum", kind="CENTRE", name="Götene centrum", municipality_id="1471", document="elsewhere"
    )
    async with make_client() as client:
        result = await mutate(
            client,
            update,
            {"id": gid("ServiceAgreement", service["slug"]), "item": {**service, "points": points}},
            secret,
        )
    await elsewhere.delete()
    assert result["outcome"] == "INVALID"
    problems = {p["field"]: p["message"] for p in result["problems"]}
    assert sorted(problems) == ["points[0].opening_hours", "points[1].area"]
    assert "outside the service agreement's municipality 1280" in problems["points[1].area"]
    assert "names Mo, Tu, We, Th, Fr" in problems["points[0].opening_hours"]
    assert await export_texts() == before


async def _the_database_refuses_an_area_of_another_municipality() -> None:
    """Below validation, the database itself keeps a promise's, a commitment's and a service
    point's area in the municipality, and an area in use where it is (migration 0012); a printed
    role keeps its one owner (0014)."""
    rosengard = await Area.get(slug="malmo-rosengard")
    gotene = await CitizenPromise.get(slug="gotene-medborgarlofte-2019")
    elsewhere = await Area.create(
        slug="gotene-centrum", kind="CENTRE", name="Götene centrum", municipality_id="1471", document="elsewhere"
    )
    before = await _state()
    for attempt in (
        CitizenPromise.filter(id=gotene.id).update(area_id=rosengard.id),
        Commitment.filter(citizen_promise_id=gotene.id).update(area_id=rosengard.id),
        ServicePoint.filter(key="stadshuset").update(area_id=elsewhere.id),
        Area.filter(id=rosengard.id).update(municipality_id="1471"),
    ):
        with pytest.raises(IntegrityError, match="area_in_municipality"):
            await attempt
    # A role printed without a person has exactly one owner of its kind (0014, 0015): a
    # signatory an agreement or a promise, a contact a promise or a municipality's organisation,
    # an author a follow-up, which has at most one.
    agreement = await Agreement.get(slug="malmo-samverkansoverenskommelse-2024")
    follow_up = await FollowUp.get(slug=FOLLOW_UP)
    malmo = await Organisation.get(slug="malmo-stad")
    for attempt in (
        PrintedRole.filter(kind="SIGNATORY", citizen_promise_id__not_isnull=True).update(agreement_id=agreement.id),
        PrintedRole.filter(kind="CONTACT").update(kind="OTHER"),
        PrintedRole.filter(kind="CONTACT", municipality_organisation_id=malmo.id).update(follow_up_id=follow_up.id),
        PrintedRole.filter(kind="AUTHOR").update(kind="SIGNATORY"),
        PrintedRole.filter(kind="SIGNATORY", agreement_id=agreement.id).update(
            agreement_id=None, municipality_organisation_id=malmo.id
        ),
    ):
        with pytest.raises(IntegrityError, match="printed_role_owner"):
            await attempt
    signed_by_role = await FollowUp.get(slug=SIGNED_BY_ROLE)
    one_author = r"printed_role_one_author|UNIQUE constraint failed: printed_role\.follow_up_id"
    with pytest.raises(IntegrityError, match=one_author):
        await PrintedRole.create(follow_up_id=signed_by_role.id, kind="AUTHOR", position=1, role="Kommunpolis")
    assert await _state() == before
    await elsewhere.delete()


def _counted() -> set[tuple[str, str]]:
    """(promise, key) of the commitments statistics count: those without activities under them."""
    return {
        (p["slug"], c["key"])
        for p in DOCUMENT["citizen_promises"]
        for c in p["commitments"]
        if not any(a.get("parent") == c["key"] for a in p["commitments"])
    }


def _commitment_areas() -> dict[tuple[str, str], str | None]:
    """(promise, key) → the area each commitment is for: its own, else its promise's."""
    return {
        (p["slug"], c["key"]): c.get("area", p.get("area"))
        for p in DOCUMENT["citizen_promises"]
        for c in p["commitments"]
    }


async def _the_area_filter_finds_the_areas_own_items_and_those_below_it() -> None:
    query = """query($area: String!) {
      citizenPromises(first: 50, filter: {area: $area}) { edges { node { slug } } }
      commitments(first: 50, filter: {area: $area}) { edges { node { key citizenPromise { slug } } } }
    }"""
    async with make_client() as client:
        for slug in _areas():
            data = await graphql(client, query, {"area": slug})
            below = _below(slug)
            promises = {p["slug"] for p in DOCUMENT["citizen_promises"] if p.get("area") in below}
            assert {e["node"]["slug"] for e in data["citizenPromises"]["edges"]} == promises, slug
            commitments = {key for key, area in _commitment_areas().items() if area in below}
            got = {(e["node"]["citizenPromise"]["slug"], e["node"]["key"]) for e in data["commitments"]["edges"]}
            assert got == commitments, slug
        # Rosengård's three commitments; the one for the whole city is in no area.
        assert len(_below("malmo-rosengard")) == 4


async def _statistics_by_area_add_up_to_their_municipality() -> None:
    query = """query($groupBy: [StatisticsDimension!]!, $area: String) {
      commitmentStatistics(groupBy: $groupBy, filter: {municipalityCode: "1280", area: $area}) {
        group { dimension key label } commitments citizenPromises followedUp
      }
    }"""
    async with make_client() as client:
        by_area = (await graphql(client, query, {"groupBy": ["MUNICIPALITY", "AREA"]}))["commitmentStatistics"]
        total = (await graphql(client, query, {"groupBy": ["MUNICIPALITY"]}))["commitmentStatistics"]
        rosengard = (await graphql(client, query, {"groupBy": [], "area": "malmo-rosengard"}))["commitmentStatistics"]

    expected: dict[str, int] = {}
    for key, area in _commitment_areas().items():
        if key in _counted():
            expected[area or ""] = expected.get(area or "", 0) + 1
    assert {g["group"][1]["key"]: g["commitments"] for g in by_area} == expected
    assert [g["group"][1]["key"] for g in by_area] == sorted(expected)
    whole = next(g for g in by_area if g["group"][1]["key"] == "")
    assert whole["group"][1]["label"] == "Hela kommunen"
    names = {slug: area["name"] for slug, area in _areas().items()}
    assert all(g["group"][1]["label"] == names[g["group"][1]["key"]] for g in by_area if g["group"][1]["key"])
    # Each commitment is in one area group: the groups add up to the municipality.
    assert sum(g["commitments"] for g in by_area) == total[0]["commitments"] == len(_counted())
    reported = {
        (f["citizen_promise"], key)
        for f in DOCUMENT["follow_ups"]
        for e in f.get("entries", [])
        for key in e["commitments"]
    }
    assert sum(g["followedUp"] for g in by_area) == total[0]["followedUp"] == len(reported & _counted())
    # The stadsdel's filter counts the commitments of its places too, of its one promise; the
    # joint statement is counted through its two activities: 3 + 2 of its 6 commitments.
    assert rosengard[0]["commitments"] == 5 and rosengard[0]["citizenPromises"] == 1
    assert len(_counted()) == len(_commitment_areas()) - 1


async def _coverage_counts_areas_and_rolls_them_up_to_the_municipality() -> None:
    query = """query($groupBy: StatisticsDimension!, $year: Int!) {
      coverage(groupBy: $groupBy, year: $year, countyCode: "12") {
        group { key label } municipalities withCitizenPromise withFollowUp
        areas areasWithCitizenPromise areasWithFollowUp
      }
    }"""
    async with make_client() as client:
        results = {
            (group_by, year): (await graphql(client, query, {"groupBy": group_by, "year": year}))["coverage"]
            for group_by in ("AREA", "MUNICIPALITY", "COUNTY")
            for year in (2023, 2024)
        }

    # 2024: the stadsdel's promise covers it and the areas below it, with its follow-up; 2023:
    # the promise for the whole municipality covers every area, without a follow-up.
    covered = {2024: _below("malmo-rosengard"), 2023: set(_areas())}
    followed = {2024: _below("malmo-rosengard"), 2023: set()}
    for year in (2023, 2024):
        rows = results[("AREA", year)]
        ordered = sorted(_areas().values(), key=lambda area: area["name"])
        assert [r["group"]["key"] if isinstance(r["group"], dict) else r["group"][0]["key"] for r in rows] == [
            area["slug"] for area in ordered
        ]
        for row in rows:
            slug = row["group"][0]["key"]
            assert row["areas"] == 1 and row["municipalities"] == 1
            assert row["areasWithCitizenPromise"] == int(slug in covered[year]), (year, slug)
            assert row["areasWithFollowUp"] == int(slug in followed[year]), (year, slug)
            assert row["withCitizenPromise"] == 1
        malmo = next(r for r in results[("MUNICIPALITY", year)] if r["group"][0]["key"] == "1280")
        assert malmo["areas"] == sum(r["areas"] for r in rows) == len(_areas())
        assert malmo["areasWithCitizenPromise"] == sum(r["areasWithCitizenPromise"] for r in rows)
        assert malmo["areasWithCitizenPromise"] == len(covered[year])
        assert malmo["areasWithFollowUp"] == len(followed[year])
        (county,) = results[("COUNTY", year)]
        assert county["areas"] == malmo["areas"] and county["areasWithFollowUp"] == malmo["areasWithFollowUp"]


async def _the_compiled_read_path_answers_areas_as_the_reference_path_does() -> None:
    app = create_app(Settings(rate_limits=False, debug_execution=True), manage_database=False)
    endpoint = next(route.endpoint for route in app.routes if getattr(route, "path", "") == "/graphql")  # type: ignore[attr-defined]
    assert isinstance(endpoint, GraphQLEndpoint)
    compiled = endpoint.planned.compiled
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://samverkan.test") as client:
        for query, variables in (
            (READ, {"slug": ROSENGARD}),
            (AGREEMENT_READ, {}),
            (FOLLOW_UP_READ, {"slug": FOLLOW_UP}),
            (SHAPES_READ, {"slug": ROSENGARD, "followUp": FOLLOW_UP}),
            (
                '{ commitments(first: 20, filter: {municipalityCode: "1280"}) { edges { node { key'
                " parent { key citizenPromise { slug } } activities { key parent { key } } } } } }",
                {},
            ),
            (
                f'{{ citizenPromises(first: 5, filter: {{area: "malmo-herrgarden"}}) {{ edges {{ node {{ slug'
                f" area {{ {AREA} }} }} }} }}"
                f' commitments(first: 5, filter: {{area: "malmo-rosengard"}}) {{ edges {{ node {{ key'
                f" area {{ {AREA} }} }} }} }} }}",
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
            assert first.json()["data"] == reference.json()["data"]


async def test_areas_filter_count_and_roll_up_on_one_load(fresh: Database, tmp_path: Path) -> None:
    """One load, four readings: the area filter finds an area's own items and those below it;
    statistics by area add up to their municipality; coverage counts areas and rolls them up;
    the compiled read path answers areas as the reference path does."""
    await load_documents(tmp_path / "in", {"malmo": DOCUMENT})
    await _the_area_filter_finds_the_areas_own_items_and_those_below_it()
    await _statistics_by_area_add_up_to_their_municipality()
    await _coverage_counts_areas_and_rolls_them_up_to_the_municipality()
    await _the_compiled_read_path_answers_areas_as_the_reference_path_does()
    await _the_export_names_each_commitments_area_and_parent()


async def _the_export_names_each_commitments_area_and_parent() -> None:
    async with make_client() as client:
        response = await client.get("/export/commitments.csv", params={"area": "malmo-rosengard"})
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    written = {
        (p["slug"], c["key"]): (
            c.get("parent", ""),
            c.get("number", ""),
            ";".join(link["target"] for link in c.get("succession", [])),
            "true" if p.get("source_incomplete") else "false",
        )
        for p in DOCUMENT["citizen_promises"]
        for c in p["commitments"]
    }
    expected = {
        key: (area or "", *written[key])
        for key, area in _commitment_areas().items()
        if area in _below("malmo-rosengard")
    }
    columns = ("area", "parent", "number", "repeats", "source_incomplete")
    assert {(r["citizen_promise"], r["commitment_key"]): tuple(r[c] for c in columns) for r in rows} == expected
    assert any(r["repeats"] for r in rows) and any(r["number"] for r in rows)


PROMISE_HEAD = (
    'citizen_promises:\n  - slug: {slug}\n    title: Annat\n    municipality: "1471"\n'
    '    period: {{start: 2023-01-01, end: 2023-12-31, label: "2023"}}\n'
)
SERVICE_HEAD = (
    'service_agreements:\n  - slug: {slug}\n    title: Samtjänst\n    municipality: "1471"\n'
    "    provider: Biblioteket\n    points:\n"
)
# (file, its text, marker on the line the problem must name, words in the message): each shape's
# invalid cases, all in one load (validation reports every file's problems at once).
INVALID: list[tuple[str, str, str, str]] = [
    (
        "area-outside.yaml",
        'areas:\n  - {slug: malmo-rosengard, kind: STADSDEL, name: Rosengård, municipality: "1280"}\n'
        + PROMISE_HEAD.format(slug="annat-1")
        + "    area: malmo-rosengard\n",
        "area: malmo-rosengard",
        "area 'malmo-rosengard' lies in municipality 1280, outside the citizen promise's municipality 1471",
    ),
    (
        "commitment-area-outside.yaml",
        'areas:\n  - {slug: ange-centrum, kind: CENTRE, name: Ånge centrum, municipality: "2260"}\n'
        + PROMISE_HEAD.format(slug="annat-2")
        + "    commitments:\n      - key: polis-1\n        actor: POLIS\n        text: Vara i centrum.\n"
        "        area: ange-centrum\n",
        "area: ange-centrum",
        "outside its citizen promise's municipality 1471",
    ),
    (
        "area-cycle.yaml",
        'areas:\n  - {slug: a-stad, kind: STADSDEL, name: A, municipality: "1471", parent: b-stad}\n'
        '  - {slug: b-stad, kind: NEIGHBOURHOOD, name: B, municipality: "1471", parent: a-stad}\n',
        "slug: a-stad",
        "a cycle of parents: a-stad → b-stad → a-stad",
    ),
    (
        "parent-elsewhere.yaml",
        PROMISE_HEAD.format(slug="annat-3")
        + "    commitments:\n      - {key: polis-1, actor: POLIS, text: Insats., parent: kommun-1}\n",
        "parent: kommun-1",
        "'kommun-1' is not a commitment of citizen promise 'annat-3'; a parent is a commitment of the same promise",
    ),
    (
        "parent-cycle.yaml",
        PROMISE_HEAD.format(slug="annat-4")
        + "    commitments:\n      - {key: polis-1, actor: POLIS, text: Insats., parent: polis-2}\n"
        "      - {key: polis-2, actor: POLIS, text: Insats två., parent: polis-1}\n",
        "key: polis-1",
        "a cycle of parents: polis-1 → polis-2 → polis-1",
    ),
    (
        "signatory-not-a-party.yaml",
        PROMISE_HEAD.format(slug="annat-6") + "    parties: [gotene-kommun]\n    signatories:\n"
        "      - {name: Anna Exempelsson, organisation: lokalpolisomrade-vastra-skaraborg}\n",
        "name: Anna Exempelsson",
        "'lokalpolisomrade-vastra-skaraborg' is not a party of the citizen promise",
    ),
    (
        "section-actor.yaml",
        PROMISE_HEAD.format(slug="annat-7") + "    commitments:\n      - {key: polis-1, actor: POLIS, text: Insats.}\n"
        "follow_ups:\n  - slug: annat-7-uppfoljning\n    title: Uppföljning\n    citizen_promise: annat-7\n"
        "    year: 2023\n    entries:\n      - {heading: Kommunens uppföljning, actor: KOMMUN, narrative: Gjort.}\n",
        "actor: KOMMUN",
        "citizen promise 'annat-7' has no KOMMUN commitment (its actors: POLIS)",
    ),
    (
        "tertial-number.yaml",
        PROMISE_HEAD.format(slug="annat-8")
        + "follow_ups:\n  - slug: annat-8-uppfoljning\n    title: Uppföljning\n    citizen_promise: annat-8\n"
        "    year: 2023\n    span: TERTIAL\n    span_number: 4\n",
        "slug: annat-8-uppfoljning",
        "a TERTIAL follow-up needs span_number 1 to 3",
    ),
    (
        "body-unknown.yaml",
        "agreements:\n  - slug: annat-avtal\n    title: Avtal\n"
        "    parties: [gotene-kommun, lokalpolisomrade-vastra-skaraborg]\n"
        "    bodies:\n      - {key: rad, name: Rådet, parent: samrad}\n"
        "    follow_up_rules:\n      - {form: ORAL, at_meetings_of: styrgrupp, phrase: muntligt}\n",
        "at_meetings_of: styrgrupp",
        "'styrgrupp' is not a body of this agreement",
    ),
    (
        "hours-unparsed.yaml",
        SERVICE_HEAD.format(slug="annat-samtjanst-1")
        + "      - {key: disken, name: Disken, opening_hours_text: måndag–fredag 8–16,"
        " opening_hours: Mo-Xx 08:00-16:00}\n",
        "opening_hours: Mo-Xx",
        "'Mo-Xx 08:00-16:00' is not OpenStreetMap opening_hours syntax (expected wday at character 4)",
    ),
    (
        "hours-other-days.yaml",
        SERVICE_HEAD.format(slug="annat-samtjanst-2")
        + "      - key: disken\n        name: Disken\n        opening_hours_text: måndag–fredag 8–16\n"
        "        opening_hours: Mo-Sa 08:00-16:00\n",
        "opening_hours: Mo-Sa",
        "'Mo-Sa 08:00-16:00' is open on Mo, Tu, We, Th, Fr, Sa, but the printed 'måndag–fredag 8–16' names Mo, Tu,"
        " We, Th, Fr",
    ),
    (
        "point-area-outside.yaml",
        'areas:\n  - {slug: ange-torget, kind: CENTRE, name: Torget, municipality: "2260"}\n'
        + SERVICE_HEAD.format(slug="annat-samtjanst-3")
        + "      - {key: disken, name: Disken, area: ange-torget}\n",
        "area: ange-torget",
        "outside the service agreement's municipality 1471",
    ),
    (
        "succession-other-kind.yaml",
        PROMISE_HEAD.format(slug="annat-9")
        + "    succession:\n      - {kind: CONTINUES, target: gotene-uppfoljning-2023}\n",
        "target: gotene-uppfoljning-2023",
        "'gotene-uppfoljning-2023' is a follow-up, not a citizen promise; a CONTINUES link names a citizen promise",
    ),
    (
        "repeats-a-promise.yaml",
        PROMISE_HEAD.format(slug="annat-10")
        + "    commitments:\n      - key: polis-1\n        actor: POLIS\n        text: Insats.\n"
        "        succession: [{kind: REPEATS, target: gotene-medborgarlofte-2019}]\n",
        "succession: [{kind: REPEATS",
        "a REPEATS link names a commitment ('promise-slug#key'), not 'gotene-medborgarlofte-2019'",
    ),
    (
        "continues-a-commitment.yaml",
        PROMISE_HEAD.format(slug="annat-11")
        + "    succession:\n      - {kind: REPLACES, target: 'gotene-medborgarlofte-2019#kommun-1'}\n",
        "target: 'gotene-medborgarlofte-2019#kommun-1'",
        "a REPLACES link names a citizen promise, not 'gotene-medborgarlofte-2019#kommun-1'",
    ),
    (
        "continues-a-later-promise.yaml",
        PROMISE_HEAD.format(slug="annat-12")
        + "    succession:\n      - {kind: CONTINUES, target: gotene-medborgarlofte-2023-2024}\n",
        "target: gotene-medborgarlofte-2023-2024",
        "'gotene-medborgarlofte-2023-2024' (åren 2023 och 2024) is not of an earlier period than 'annat-12' (2023)",
    ),
    (
        "role-only-without-role.yaml",
        PROMISE_HEAD.format(slug="annat-13")
        + "    signatories:\n      - {organisation: gotene-kommun, place: Götene}\n",
        "place: Götene",
        "a signatory printed without a name (a role only) needs its role in title",
    ),
    (
        "contact-role-without-role.yaml",
        PROMISE_HEAD.format(slug="annat-14") + "    contact_roles:\n      - {organisation: gotene-kommun}\n",
        "- {organisation: gotene-kommun}",
        "Field required",
    ),
    (
        "author-without-name-or-role.yaml",
        PROMISE_HEAD.format(slug="annat-15")
        + "follow_ups:\n  - slug: annat-15-uppfoljning\n    title: Uppföljning\n    citizen_promise: annat-15\n"
        "    year: 2023\n    author: {organisation: gotene-kommun, place: Götene}\n",
        "author: {organisation",
        "a signatory printed without a name (a role only) needs its role in title",
    ),
    (
        "author-role-unknown-organisation.yaml",
        PROMISE_HEAD.format(slug="annat-16")
        + "follow_ups:\n  - slug: annat-16-uppfoljning\n    title: Uppföljning\n    citizen_promise: annat-16\n"
        "    year: 2023\n    author: {title: Kommunpolisen i Götene, organisation: okand-polis}\n",
        "organisation: okand-polis",
        "unknown organisation 'okand-polis'",
    ),
    (
        "contact-roles-not-a-municipality.yaml",
        "organisations:\n  - slug: annat-forvaltning\n    kind: OTHER\n    name: Förvaltningen\n"
        "    contact_roles:\n      - {role: Samordnaren}\n",
        "slug: annat-forvaltning",
        "contact_roles are a municipality's contacts: only a MUNICIPALITY organisation that names its municipality",
    ),
    (
        "contact-role-unknown-organisation.yaml",
        'organisations:\n  - slug: annat-kommun\n    kind: MUNICIPALITY\n    name: Annat\n    municipality: "1471"\n'
        "    contact_roles:\n      - {role: Kommunpolisen, organisation: okand-polisomrade}\n",
        "organisation: okand-polisomrade",
        "unknown organisation 'okand-polisomrade'",
    ),
    (
        "municipality-contact-role-without-role.yaml",
        'organisations:\n  - slug: annat-kommun-2\n    kind: MUNICIPALITY\n    name: Annat\n    municipality: "1471"\n'
        "    contact_roles:\n      - {organisation: gotene-kommun}\n",
        "- {organisation: gotene-kommun}",
        "Field required",
    ),
    (
        "ages-reversed.yaml",
        PROMISE_HEAD.format(slug="annat-5") + "    target_groups: [{label: ungdomar, age_from: 17, age_to: 13}]\n",
        "target_groups:",
        "age_to 13 is below age_from 17",
    ),
]


async def _state() -> tuple[dict[str, str], list[int]]:
    counted = (Area, CitizenPromise, Commitment, Organisation, PrintedRole, Revision)
    return await export_texts(), [await m.all().count() for m in counted]


async def test_every_invalid_shape_is_refused_with_file_and_line_and_nothing_written(
    fresh: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "invalid"
    folder.mkdir()
    for name, text, _, _ in INVALID:
        (folder / name).write_text(text, encoding="utf-8")
    before = await _state()

    summary, checked = await load_path(folder)

    assert summary is None
    for name, text, marker, words in INVALID:
        line = next(number for number, content in enumerate(text.split("\n"), start=1) if marker in content)
        found = [p for p in checked.problems if Path(p.file).name == name]
        assert any(p.line == line and words in p.message for p in found), (name, [str(p) for p in found])
    assert await _state() == before


async def test_the_seed_promise_names_arskurs_7_as_a_target_group_beside_its_text(client: Any) -> None:
    data = await graphql(
        client,
        '{ citizenPromise(slug: "gotene-medborgarlofte-2023-2024") { commitments { key text'
        " targetGroups { label schoolYear ageFrom } } } }",
    )
    groups = {c["key"]: (c["text"], c["targetGroups"]) for c in data["citizenPromise"]["commitments"]}
    text, found = groups["polis-2"]
    assert found == [{"label": "årskurs 7", "schoolYear": 7, "ageFrom": None}]
    assert "årskurs 7" in text
    assert groups["kommun-4"][1] == [{"label": "barn och ungdomar", "schoolYear": None, "ageFrom": None}]


async def test_the_seed_agreements_give_their_printed_bodies_and_rules_as_data(client: Any) -> None:
    data = await graphql(
        client,
        '{ ange: agreement(slug: "ange-samverkansoverenskommelse-2023-2026") { sections { body }'
        " bodies { key name members { slug } parent { key } }"
        " followUpRules { form timesPerYear reportedTo phrase responsible { key } atMeetingsOf { key } } }"
        ' gotene: agreement(slug: "gotene-samverkansoverenskommelse-2020-2023")'
        " { sections { body } bodies { name role } } }",
    )
    ange = data["ange"]
    assert [(b["key"], b["parent"]) for b in ange["bodies"]] == [
        ("trygghetsradet", None),
        ("operativa-samverkansgruppen", {"key": "trygghetsradet"}),
    ]
    assert [(r["form"], r["timesPerYear"], r["atMeetingsOf"]) for r in ange["followUpRules"]] == [
        ("WRITTEN", 1, None),
        ("ORAL", None, {"key": "trygghetsradet"}),
    ]
    # Beside the text, which is unchanged: each phrase and role stands in a section as printed.
    text = " ".join(section["body"] for section in ange["sections"])
    assert all(rule["phrase"] in text for rule in ange["followUpRules"])
    assert data["gotene"]["bodies"][0]["name"] == "BRÅ-gruppen"
    assert data["gotene"]["bodies"][0]["role"] in " ".join(s["body"] for s in data["gotene"]["sections"])


async def test_the_seed_promise_repeats_two_commitments_of_2019_with_the_same_text(client: Any) -> None:
    data = await graphql(
        client,
        '{ citizenPromise(slug: "gotene-medborgarlofte-2023-2024") { commitments { key text'
        " succession { kind target reference commitment { key text citizenPromise { slug period { label } } } } } } }",
    )
    repeats = {c["key"]: (c["text"], c["succession"]) for c in data["citizenPromise"]["commitments"] if c["succession"]}
    assert sorted(repeats) == ["kommun-3", "tillsammans-2"]
    for text, (link,) in repeats.values():
        earlier = link["commitment"]
        assert link["kind"] == "REPEATS" and link["reference"] is None
        assert link["target"] == f"gotene-medborgarlofte-2019#{earlier['key']}"
        assert earlier["citizenPromise"] == {"slug": "gotene-medborgarlofte-2019", "period": {"label": "2019"}}
        # The same commitment printed again: the text is the earlier one's (a final full stop aside).
        assert earlier["text"].rstrip(".") == text.rstrip(".")
