"""The five seed documents, loaded, as the database holds them (both databases)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from models import (
    Agreement,
    AgreementParty,
    CitizenPromise,
    Commitment,
    ContactMunicipality,
    County,
    FollowUp,
    FollowUpEntryCommitment,
    Municipality,
    ServiceAgreement,
    Signatory,
)
from models.enums import Actor, PublicationStatus
from tests.conftest import Database


async def test_reference_data_is_complete(seeded: Database) -> None:
    assert await Municipality.all().count() == 290
    assert await County.all().count() == 21
    gotene = await Municipality.get(code="1471").prefetch_related("county", "local_police_area")
    assert (gotene.name, gotene.county.name) == ("Götene", "Västra Götalands län")
    assert gotene.local_police_area is not None and gotene.local_police_area.name == "Västra Skaraborg"


async def test_gotene_2019_commitments_per_actor(seeded: Database) -> None:
    promise = await CitizenPromise.get(municipality_id="1471", period_start=dt.date(2019, 1, 1))
    actors = Counter(await Commitment.filter(citizen_promise_id=promise.id).values_list("actor", flat=True))
    assert actors == {Actor.KOMMUN: 4, Actor.POLIS: 2, Actor.TILLSAMMANS: 3}
    assert promise.period_end == dt.date(2019, 12, 31)
    assert promise.status == PublicationStatus.PUBLISHED


async def test_gotene_two_year_promise_has_2023_follow_up_on_each_police_commitment(seeded: Database) -> None:
    promise = await CitizenPromise.get(
        municipality_id="1471", period_start=dt.date(2023, 1, 1), period_end=dt.date(2024, 12, 31)
    )
    follow_up = await FollowUp.get(citizen_promise_id=promise.id, year=2023)
    reported = set(
        await FollowUpEntryCommitment.filter(entry__follow_up_id=follow_up.id).values_list("commitment__key", flat=True)
    )
    police = set(
        await Commitment.filter(citizen_promise_id=promise.id, actor=Actor.POLIS).values_list("key", flat=True)
    )
    assert len(police) == 3
    assert police <= reported
    # Work nobody promised (the traffic controls) is an entry linked to no commitment.
    entries = await follow_up.entries.all().prefetch_related("commitment_links")
    assert any(not entry.commitment_links for entry in entries)


async def test_ange_agreement_period_and_problem_areas(seeded: Database) -> None:
    agreement = await Agreement.get(party_links__organisation__municipality_id="2260")
    assert (agreement.period_start, agreement.period_end) == (dt.date(2023, 1, 1), dt.date(2026, 12, 31))
    assert [area["title"] for area in agreement.problem_areas] == [
        "Otrygghet",
        "Trafik",
        "Polisens prioriteringar",
        "Droger och alkohol bland unga",
    ]
    signatories = (
        await Signatory.filter(agreement_id=agreement.id).order_by("position").values_list("person__name", flat=True)
    )
    assert list(signatories) == ["Josef Wiklund", "Erik Lövgren"]  # type: ignore[comparison-overlap]


async def test_one_agreement_joins_mariestad_toreboda_gullspang(seeded: Database) -> None:
    codes = {"1493", "1473", "1447"}
    candidates = await AgreementParty.filter(organisation__municipality_id__in=list(codes)).values_list(
        "agreement_id", "organisation__municipality_id"
    )
    by_agreement: dict[int, set[str]] = {}
    for agreement_id, code in candidates:
        by_agreement.setdefault(agreement_id, set()).add(code)
    assert list(by_agreement.values()) == [codes]
    agreement = await Agreement.get(id=next(iter(by_agreement)))
    assert agreement.period_start is None  # no period printed: unknown, not guessed
    assert agreement.title_composed


async def test_gullspang_service_agreement_and_contacts(seeded: Database) -> None:
    service = await ServiceAgreement.get(municipality_id="1447")
    assert (service.since, service.since_label) == (dt.date(2011, 2, 1), "februari 2011")
    assert len(service.services) == 5
    served = Counter(
        await ContactMunicipality.filter(municipality_id__in=["1493", "1473", "1447"]).values_list(
            "contact__person__name", flat=True
        )
    )
    assert served == {"Helén Benjaminsen": 3, "Birgitta Rask": 3}
    helen = (
        await ContactMunicipality.filter(contact__person__name="Helén Benjaminsen")
        .first()
        .values("contact__person__phone", "contact__person__email")
    )
    assert helen == {
        "contact__person__phone": "010-565 73 08",
        "contact__person__email": "helen.benjaminsen@polisen.se",
    }
