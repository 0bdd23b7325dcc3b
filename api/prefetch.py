"""Loading ahead for lists: what the query asks of a list's items is loaded for all of them at
once, one statement per relation and level, before the items are resolved.

Each function takes the rows a list is about to turn into objects and the selections under
that list (api/core/lookahead.py), primes the per-request loaders with what those selections
reach, and walks on into the relations they select. The items' resolvers then find their data
with `Loader.resolve` without waiting. Anything not loaded here is still loaded, on demand, by
the same loaders: this only changes when, never what.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import Selection

from api.agreements.loaders import (
    AgreementByIdLoader,
    AgreementsByMunicipalityLoader,
    MunicipalitiesByAgreementLoader,
    PartiesByAgreementLoader,
    SignatoriesByAgreementLoader,
)
from api.context import Context
from api.core.loaders import Row, joined
from api.core.lookahead import arguments, asks, below
from api.core.sql import columns
from api.followups.loaders import (
    CommitmentsByEntryLoader,
    EntriesByCommitmentLoader,
    EntriesByFollowUpLoader,
    FollowUpByIdLoader,
    FollowUpsByCitizenPromiseLoader,
    FollowUpsWithEntriesByCitizenPromiseLoader,
)
from api.geography.loaders import (
    COUNTY_FIELDS,
    MUNICIPALITY_FIELDS,
    CountyByCodeLoader,
    MunicipalityByCodeLoader,
    PoliceUnitByIdLoader,
)
from api.people.loaders import ContactsByCitizenPromiseLoader, ContactsByMunicipalityLoader
from api.promises.loaders import (
    CITIZEN_PROMISE_DECODE,
    CITIZEN_PROMISE_FIELDS,
    CitizenPromiseByIdLoader,
    CitizenPromisesByMunicipalityLoader,
    CitizenPromisesWithCommitmentsByMunicipalityLoader,
    CommitmentsByCitizenPromiseLoader,
    PartnersByCommitmentLoader,
    TopicsByCommitmentLoader,
)
from api.services.loaders import ServiceAgreementsByMunicipalityLoader

# A commitment page's promise `p`, municipality `m` and county `co`, selected with it (see
# PromiseQuery.commitments) to prime the loaders of all three.
PROMISE_WITH_PLACE_COLUMNS = (
    f"{columns('p', CITIZEN_PROMISE_FIELDS, 'promise__')}, {columns('m', MUNICIPALITY_FIELDS, 'municipality__')},"
    f" {columns('co', COUNTY_FIELDS, 'county__')}"
)
PROMISE_WITH_PLACE_DECODE = CITIZEN_PROMISE_DECODE.prefixed("promise__")

Selections = Sequence[Selection]
Ctx = Info[Context, Any]


def _present(values: Sequence[Any]) -> list[Any]:
    return [value for value in dict.fromkeys(values) if value is not None]


def _flat(lists: Sequence[list[Row]]) -> list[Row]:
    return [row for rows in lists for row in rows]


# Arguments written into the document arrive as their literal text, variables as JSON values.
def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def prime_promises_with_places(info: Ctx, rows: Sequence[Row]) -> None:
    CitizenPromiseByIdLoader.of(info).prime_rows(joined(rows, "promise__", CITIZEN_PROMISE_FIELDS, "id"))
    MunicipalityByCodeLoader.of(info).prime_rows(joined(rows, "municipality__", MUNICIPALITY_FIELDS, "code"))
    CountyByCodeLoader.of(info).prime_rows(joined(rows, "county__", COUNTY_FIELDS, "code"))


async def municipalities(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    if not rows or not selections:
        return
    codes = _present([row["code"] for row in rows])
    if asks(selections, "county"):
        await CountyByCodeLoader.of(info).prefetch(_present([row["county_id"] for row in rows]))
    if asks(selections, "localPoliceArea"):
        areas = await PoliceUnitByIdLoader.of(info).prefetch(_present([row["local_police_area_id"] for row in rows]))
        if asks(below(selections, "localPoliceArea"), "parent"):
            await PoliceUnitByIdLoader.of(info).prefetch(_present([area["parent_id"] for area in areas if area]))
    for args in arguments(selections, "agreements"):
        found = await AgreementsByMunicipalityLoader.of(info).prefetch(
            [(code, _date(args.get("activeOn"))) for code in codes]
        )
        await agreements(info, _flat(found), below(selections, "agreements"))
    for args in arguments(selections, "citizenPromises"):
        promise_selections = below(selections, "citizenPromises")
        # Promises shown with their commitments are read with them, in one statement.
        loader = (
            CitizenPromisesWithCommitmentsByMunicipalityLoader
            if asks(promise_selections, "commitments")
            else CitizenPromisesByMunicipalityLoader
        )
        found = await loader.of(info).prefetch([(code, _int(args.get("year"))) for code in codes])
        await citizen_promises(info, _flat(found), promise_selections)
    if asks(selections, "serviceAgreements"):
        await ServiceAgreementsByMunicipalityLoader.of(info).prefetch(codes)
    if asks(selections, "contacts"):
        await ContactsByMunicipalityLoader.of(info).prefetch(codes)


async def agreements(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    if not rows or not selections:
        return
    ids = _present([row["id"] for row in rows])
    if asks(selections, "parties") or asks(selections, "municipalities"):
        await PartiesByAgreementLoader.of(info).prefetch(ids)  # the municipalities come with them
    if asks(selections, "signatories"):
        await SignatoriesByAgreementLoader.of(info).prefetch(ids)
    if asks(selections, "municipalities"):
        found = await MunicipalitiesByAgreementLoader.of(info).prefetch(ids)
        await municipalities(info, _flat(found), below(selections, "municipalities"))


async def citizen_promises(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    if not rows or not selections:
        return
    ids = _present([row["id"] for row in rows])
    if asks(selections, "municipality"):
        found = await MunicipalityByCodeLoader.of(info).prefetch(_present([row["municipality_id"] for row in rows]))
        await municipalities(info, [row for row in found if row], below(selections, "municipality"))
    if asks(selections, "agreement"):
        found = await AgreementByIdLoader.of(info).prefetch(_present([row["agreement_id"] for row in rows]))
        await agreements(info, [row for row in found if row], below(selections, "agreement"))
    # `kommun: commitments(actor: KOMMUN) … polis: commitments(actor: POLIS)`: one statement.
    actors = dict.fromkeys(args.get("actor") for args in arguments(selections, "commitments"))
    if actors:
        by_promise = await CommitmentsByCitizenPromiseLoader.of(info).prefetch(
            [(id_, actor) for actor in actors for id_ in ids]
        )
        await commitments(info, _flat(by_promise), below(selections, "commitments"))
    if asks(selections, "followUps"):
        follow_up_selections = below(selections, "followUps")
        # Follow-ups shown with their entries are read with them, in one statement.
        with_entries = asks(follow_up_selections, "entries")
        loader = FollowUpsWithEntriesByCitizenPromiseLoader if with_entries else FollowUpsByCitizenPromiseLoader
        await follow_ups(info, _flat(await loader.of(info).prefetch(ids)), follow_up_selections)
    if asks(selections, "contacts"):
        await ContactsByCitizenPromiseLoader.of(info).prefetch(ids)


async def commitments(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    if not rows or not selections:
        return
    ids = _present([row["id"] for row in rows])
    if asks(selections, "topics"):
        await TopicsByCommitmentLoader.of(info).prefetch(ids)
    if asks(selections, "partners"):
        await PartnersByCommitmentLoader.of(info).prefetch(ids)
    if asks(selections, "citizenPromise"):
        found = await CitizenPromiseByIdLoader.of(info).prefetch(_present([row["citizen_promise_id"] for row in rows]))
        await citizen_promises(info, [row for row in found if row], below(selections, "citizenPromise"))
    if asks(selections, "followUpEntries"):
        entries = _flat(await EntriesByCommitmentLoader.of(info).prefetch(ids))
        await follow_up_entries(info, entries, below(selections, "followUpEntries"))


async def follow_ups(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    if not rows or not selections:
        return
    if asks(selections, "entries"):
        entries = _flat(await EntriesByFollowUpLoader.of(info).prefetch(_present([row["id"] for row in rows])))
        await follow_up_entries(info, entries, below(selections, "entries"))
    if asks(selections, "citizenPromise"):
        found = await CitizenPromiseByIdLoader.of(info).prefetch(_present([row["citizen_promise_id"] for row in rows]))
        await citizen_promises(info, [row for row in found if row], below(selections, "citizenPromise"))


async def follow_up_entries(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    if not rows or not selections:
        return
    if asks(selections, "followUp"):
        found = await FollowUpByIdLoader.of(info).prefetch(_present([row["follow_up_id"] for row in rows]))
        await follow_ups(info, [row for row in found if row], below(selections, "followUp"))
    if asks(selections, "commitments"):
        by_entry = await CommitmentsByEntryLoader.of(info).prefetch(_present([row["id"] for row in rows]))
        await commitments(info, _flat(by_entry), below(selections, "commitments"))
