"""Content for the dashboard tests, and the facts read back row by row to count independently.

The extra document adds, beside the seed content: a two-year promise with a multi-topic and an
untagged commitment, an open-ended promise, a draft promise, a promise scheduled for a later
publication, a follow-up with two assessments and a draft follow-up, and agreements with and
without a period (one a draft).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from models import (
    Agreement,
    AgreementParty,
    CitizenPromise,
    Commitment,
    CommitmentTopic,
    County,
    FollowUp,
    FollowUpEntryCommitment,
    Municipality,
)
from models.enums import PublicationStatus
from tests.conftest import load_seed_content

EXTRA = {
    "organisations": [
        {"slug": "test-stockholms-stad", "kind": "MUNICIPALITY", "name": "Stockholms stad", "municipality": "0180"},
        {"slug": "test-umea-kommun", "kind": "MUNICIPALITY", "name": "Umeå kommun", "municipality": "2480"},
        {"slug": "test-polisen", "kind": "POLICE", "name": "Polisen"},
    ],
    "agreements": [
        {
            "slug": "test-stockholm-overenskommelse",
            "status": "PUBLISHED",
            "title": "Samverkansöverenskommelse Stockholm",
            "signed_on": "2022-05-01",
            "parties": ["test-stockholms-stad", "test-polisen"],
        },
        {
            "slug": "test-umea-overenskommelse-utkast",
            "status": "DRAFT",
            "title": "Samverkansöverenskommelse Umeå (utkast)",
            "period": {"start": "2023-01-01", "end": "2023-12-31", "label": "2023"},
            "parties": ["test-umea-kommun", "test-polisen"],
        },
    ],
    "citizen_promises": [
        {
            "slug": "test-mariestad-2022-2023",
            "status": "PUBLISHED",
            "title": "Medborgarlöfte 2022–2023",
            "municipality": "1493",
            "period": {"start": "2022-01-01", "end": "2023-12-31", "label": "2022–2023"},
            "commitments": [
                {
                    "key": "kommun-1",
                    "actor": "KOMMUN",
                    "text": "Sänka hastigheten vid skolorna och låta ungdomar delta i planeringen.",
                    "topics": ["trafik", "skola", "ungdomar"],
                },
                {
                    "key": "polis-1",
                    "actor": "POLIS",
                    # Comma, quotes, semicolon and a paragraph break: CSV must keep them.
                    "text": 'Synas mer i centrum, "på helgerna"; även kvällstid.\n\nSärskilt på torget.',
                },
                {
                    "key": "tillsammans-1",
                    "actor": "TILLSAMMANS",
                    "text": "Arbeta mot narkotika bland unga.",
                    "topics": ["narkotika"],
                },
            ],
        },
        {
            "slug": "test-toreboda-utkast",
            "status": "DRAFT",
            "title": "Medborgarlöfte 2023 (utkast)",
            "municipality": "1473",
            "period": {"start": "2023-01-01", "end": "2023-12-31", "label": "2023"},
            "commitments": [
                {"key": "polis-1", "actor": "POLIS", "text": "Utkast om narkotika.", "topics": ["narkotika"]},
                {"key": "kommun-1", "actor": "KOMMUN", "text": "Utkast om trafik.", "topics": ["trafik"]},
            ],
        },
        {
            "slug": "test-stockholm-tillsvidare",
            "status": "PUBLISHED",
            "title": "Medborgarlöfte från 2025",
            "municipality": "0180",
            "period": {"start": "2025-01-01", "end": None, "label": "från 2025"},
            "commitments": [
                {"key": "polis-1", "actor": "POLIS", "text": "Förebygga inbrott.", "topics": ["inbrott"]},
            ],
        },
        {
            "slug": "test-umea-senare",
            "status": "PUBLISHED",
            "publish_at": "2199-01-01T00:00:00+00:00",
            "title": "Medborgarlöfte 2023 (publiceras senare)",
            "municipality": "2480",
            "period": {"start": "2023-01-01", "end": "2023-12-31", "label": "2023"},
            "commitments": [{"key": "polis-1", "actor": "POLIS", "text": "Senare.", "topics": ["trafik"]}],
        },
    ],
    "follow_ups": [
        {
            "slug": "test-mariestad-uppfoljning-2022",
            "status": "PUBLISHED",
            "title": "Uppföljning 2022",
            "citizen_promise": "test-mariestad-2022-2023",
            "year": 2022,
            "entries": [
                {"narrative": "Hastigheten sänktes.", "commitments": ["kommun-1"], "assessment": "FULFILLED"},
                {
                    "narrative": "Delvis genomfört.",
                    "commitments": ["kommun-1", "tillsammans-1"],
                    "assessment": "PARTLY_FULFILLED",
                },
            ],
        },
        {
            "slug": "test-mariestad-uppfoljning-2023-utkast",
            "status": "DRAFT",
            "title": "Uppföljning 2023 (utkast)",
            "citizen_promise": "test-mariestad-2022-2023",
            "year": 2023,
            "entries": [{"narrative": "Utkast.", "commitments": ["polis-1"], "assessment": "NOT_FULFILLED"}],
        },
    ],
}


async def load_extra_content(folder: Path) -> None:
    path = folder / "dashboard-extra.yaml"
    path.write_text(yaml.safe_dump(EXTRA, allow_unicode=True, sort_keys=False), encoding="utf-8")
    await load_seed_content(path)


def is_visible(status: str, publish_at: dt.datetime | None, unpublish_at: dt.datetime | None) -> bool:
    now = dt.datetime.now(dt.UTC)
    return (
        status == PublicationStatus.PUBLISHED
        and (publish_at is None or publish_at <= now)
        and (unpublish_at is None or unpublish_at > now)
    )


@dataclass
class CommitmentFact:
    id: int
    promise_id: int
    municipality: str
    county: str
    region: str
    actor: str
    first_year: int
    last_year: int | None
    topics: list[str] = field(default_factory=list)
    # (year, assessment) of every visible follow-up entry on it.
    entries: set[tuple[int, str]] = field(default_factory=set)

    def years(self, open_end: int) -> range:
        return range(self.first_year, (self.last_year if self.last_year is not None else open_end) + 1)

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or self.last_year >= year)


async def region_by_county() -> dict[str, str]:
    rows = await County.all().values("code", "police_region__name")
    return {row["code"]: row["police_region__name"] for row in rows}


async def commitment_facts() -> list[CommitmentFact]:
    """Every visible commitment, read row by row with the ORM (no aggregation in SQL)."""
    regions = await region_by_county()
    counties = dict(await Municipality.all().values_list("code", "county_id"))
    promises = {
        row["id"]: row
        for row in await CitizenPromise.all().values(
            "id", "status", "publish_at", "unpublish_at", "municipality_id", "period_start", "period_end"
        )
    }
    follow_ups = {
        row["id"]: row for row in await FollowUp.all().values("id", "status", "publish_at", "unpublish_at", "year")
    }
    facts: dict[int, CommitmentFact] = {}
    for row in await Commitment.all().values("id", "citizen_promise_id", "actor"):
        promise = promises[row["citizen_promise_id"]]
        if not is_visible(promise["status"], promise["publish_at"], promise["unpublish_at"]):
            continue
        end = promise["period_end"]
        facts[row["id"]] = CommitmentFact(
            id=row["id"],
            promise_id=promise["id"],
            municipality=promise["municipality_id"],
            county=counties[promise["municipality_id"]],
            region=regions[counties[promise["municipality_id"]]],
            actor=str(row["actor"]),
            first_year=_date(promise["period_start"]).year,
            last_year=_date(end).year if end is not None else None,
        )
    for commitment_id, topic in (
        await CommitmentTopic.all().order_by("position").values_list("commitment_id", "topic_id")
    ):
        if commitment_id in facts:
            facts[commitment_id].topics.append(str(topic))
    links = await FollowUpEntryCommitment.all().values("commitment_id", "entry__follow_up_id", "entry__assessment")
    for link in links:
        follow_up = follow_ups[link["entry__follow_up_id"]]
        if link["commitment_id"] in facts and is_visible(
            follow_up["status"], follow_up["publish_at"], follow_up["unpublish_at"]
        ):
            facts[link["commitment_id"]].entries.add((follow_up["year"], str(link["entry__assessment"])))
    return list(facts.values())


@dataclass
class MunicipalityFacts:
    code: str
    name: str
    county: str
    region: str
    agreement_years: list[tuple[int, int | None]] = field(default_factory=list)  # in force from, to (None: open)
    promise_years: list[tuple[int, int | None]] = field(default_factory=list)
    follow_up_years: set[int] = field(default_factory=set)

    def has(self, kind: str, year: int) -> bool:
        if kind == "FOLLOW_UP":
            return year in self.follow_up_years
        spans = self.agreement_years if kind == "AGREEMENT" else self.promise_years
        return any(first <= year and (last is None or last >= year) for first, last in spans)


async def municipality_facts() -> dict[str, MunicipalityFacts]:
    """The register with what each municipality has, read row by row."""
    regions = await region_by_county()
    register = {
        row["code"]: MunicipalityFacts(row["code"], row["name"], row["county_id"], regions[row["county_id"]])
        for row in await Municipality.all().values("code", "name", "county_id")
    }
    agreements = {
        row["id"]: row
        for row in await Agreement.all().values(
            "id",
            "status",
            "publish_at",
            "unpublish_at",
            "period_start",
            "period_end",
            "signed_on",
            "source_published_on",
            "published_at",
        )
    }
    parties = await AgreementParty.all().values("agreement_id", "organisation__municipality_id")
    for party in parties:
        agreement = agreements[party["agreement_id"]]
        code = party["organisation__municipality_id"]
        if code is None or not is_visible(agreement["status"], agreement["publish_at"], agreement["unpublish_at"]):
            continue
        if agreement["period_start"] is not None:
            end = agreement["period_end"]
            span = (_date(agreement["period_start"]).year, _date(end).year if end else None)
        else:
            # No printed period: in force for four calendar years from the one it is known from.
            since = agreement["signed_on"] or agreement["source_published_on"] or agreement["published_at"]
            span = (_date(since).year, _date(since).year + 3)
        register[code].agreement_years.append(span)
    promises = {}
    for row in await CitizenPromise.all().values(
        "id", "status", "publish_at", "unpublish_at", "municipality_id", "period_start", "period_end"
    ):
        if is_visible(row["status"], row["publish_at"], row["unpublish_at"]):
            promises[row["id"]] = row
            end = row["period_end"]
            span = (_date(row["period_start"]).year, _date(end).year if end else None)
            register[row["municipality_id"]].promise_years.append(span)
    for row in await FollowUp.all().values("status", "publish_at", "unpublish_at", "year", "citizen_promise_id"):
        promise = promises.get(row["citizen_promise_id"])
        if promise and is_visible(row["status"], row["publish_at"], row["unpublish_at"]):
            register[promise["municipality_id"]].follow_up_years.add(row["year"])
    return register


def _date(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value if not isinstance(value, dt.datetime) else value.date()
