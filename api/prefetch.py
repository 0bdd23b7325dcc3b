"""Loading ahead for lists: what the query asks of a list's items is loaded for all of them at
once, one statement per relation and level, before the items are resolved.

Each function takes the rows a list is about to turn into objects and the selections under
that list (api/core/lookahead.py), primes the per-request loaders with what those selections
reach, and walks on into the relations they select. Relations that do not depend on each other
are walked side by side (`together`), so that on PostgreSQL their statements go as one
(api/core/sql.py, Batch). The items' resolvers then find their data with `Loader.resolve`
without waiting. Anything not loaded here is still loaded, on demand, by the same loaders: this
only changes when, never what.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.types import Info

from api.agreements.loaders import (
    AgreementByIdLoader,
    AgreementsByMunicipalityLoader,
    MunicipalitiesByAgreementLoader,
    PartiesByAgreementLoader,
    SignatoriesByAgreementLoader,
)
from api.context import Context
from api.core import inputs
from api.core.loaders import Row, joined
from api.core.lookahead import Selections, arguments, asks, below
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
from api.people.loaders import (
    ContactsByCitizenPromiseLoader,
    ContactsByMunicipalityLoader,
    PrintedRoleByFollowUpLoader,
    PrintedRolesByAgreementLoader,
    PrintedRolesByCitizenPromiseLoader,
    PrintedRolesByMunicipalityLoader,
)
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

Ctx = Info[Context, Any]


def _present(values: Sequence[Any]) -> list[Any]:
    return [value for value in dict.fromkeys(values) if value is not None]


def _flat(lists: Sequence[list[Row]]) -> list[Row]:
    return [row for rows in lists for row in rows]


# Arguments written into the document arrive as their literal text, variables as JSON values.
def _date(value: Any) -> dt.date | None:
    found = dt.date.fromisoformat(value) if isinstance(value, str) else value
    inputs.check(active_on=found)
    return found


def _int(value: Any) -> int | None:
    found = None if value is None else int(value)
    inputs.check(year=found)
    return found


async def together(*steps: Awaitable[object]) -> None:
    """Independent relations side by side, so that their statements can go as one (Batch)."""
    if len(steps) == 1:
        await steps[0]  # no task needed to run one
    elif steps:
        await asyncio.gather(*steps)


def prime_promises_with_places(info: Ctx, rows: Sequence[Row]) -> None:
    CitizenPromiseByIdLoader.of(info).prime_rows(joined(rows, "promise__", CITIZEN_PROMISE_FIELDS, "id"))
    MunicipalityByCodeLoader.of(info).prime_rows(joined(rows, "municipality__", MUNICIPALITY_FIELDS, "code"))
    CountyByCodeLoader.of(info).prime_rows(joined(rows, "county__", COUNTY_FIELDS, "code"))


async def municipalities(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    if not rows or not selections:
        return
    codes = _present([row["code"] for row in rows])
    steps: list[Awaitable[object]] = []
    if asks(selections, "county"):
        steps.append(CountyByCodeLoader.of(info).prefetch(_present([row["county_id"] for row in rows])))
    if asks(selections, "localPoliceArea"):
        steps.append(_police_areas(info, rows, below(selections, "localPoliceArea")))
    for args in arguments(selections, "agreements"):
        steps.append(_agreements_of(info, codes, _date(args.get("activeOn")), below(selections, "agreements")))
    for args in arguments(selections, "citizenPromises"):
        steps.append(_promises_of(info, codes, _int(args.get("year")), below(selections, "citizenPromises")))
    if asks(selections, "serviceAgreements"):
        steps.append(ServiceAgreementsByMunicipalityLoader.of(info).prefetch(codes))
    if asks(selections, "contacts"):
        steps.append(ContactsByMunicipalityLoader.of(info).prefetch(codes))
    if asks(selections, "contactRoles"):
        steps.append(PrintedRolesByMunicipalityLoader.of(info).prefetch(codes))
    await together(*steps)


async def _police_areas(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    areas = await PoliceUnitByIdLoader.of(info).prefetch(_present([row["local_police_area_id"] for row in rows]))
    if asks(selections, "parent"):
        await PoliceUnitByIdLoader.of(info).prefetch(_present([area["parent_id"] for area in areas if area]))


async def _agreements_of(info: Ctx, codes: list[str], active_on: dt.date | None, selections: Selections) -> None:
    found = await AgreementsByMunicipalityLoader.of(info).prefetch([(code, active_on) for code in codes])
    await agreements(info, _flat(found), selections)


async def _promises_of(info: Ctx, codes: list[str], year: int | None, selections: Selections) -> None:
    # Promises shown with their commitments are read with them, in one statement.
    loader = (
        CitizenPromisesWithCommitmentsByMunicipalityLoader
        if asks(selections, "commitments")
        else CitizenPromisesByMunicipalityLoader
    )
    found = await loader.of(info).prefetch([(code, year) for code in codes])
    await citizen_promises(info, _flat(found), selections)


async def agreements(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    if not rows or not selections:
        return
    ids = _present([row["id"] for row in rows])
    steps: list[Awaitable[object]] = []
    if asks(selections, "parties") or asks(selections, "municipalities"):
        steps.append(_parties_of(info, ids, selections))  # the municipalities come with them
    if asks(selections, "signatories"):
        steps.append(SignatoriesByAgreementLoader.of(info).prefetch(ids))
    if asks(selections, "signingRoles"):
        steps.append(PrintedRolesByAgreementLoader.of(info).prefetch(ids))
    await together(*steps)


async def _parties_of(info: Ctx, ids: list[int], selections: Selections) -> None:
    await PartiesByAgreementLoader.of(info).prefetch(ids)
    if asks(selections, "municipalities"):
        found = await MunicipalitiesByAgreementLoader.of(info).prefetch(ids)
        await municipalities(info, _flat(found), below(selections, "municipalities"))


async def citizen_promises(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    if not rows or not selections:
        return
    ids = _present([row["id"] for row in rows])
    steps: list[Awaitable[object]] = []
    if asks(selections, "municipality"):
        codes = _present([row["municipality_id"] for row in rows])
        steps.append(
            _then(MunicipalityByCodeLoader.of(info).prefetch(codes), municipalities, info, selections, "municipality")
        )
    if asks(selections, "agreement"):
        agreement_ids = _present([row["agreement_id"] for row in rows])
        steps.append(
            _then(AgreementByIdLoader.of(info).prefetch(agreement_ids), agreements, info, selections, "agreement")
        )
    # `kommun: commitments(actor: KOMMUN) … polis: commitments(actor: POLIS)`: one statement.
    actors = dict.fromkeys(args.get("actor") for args in arguments(selections, "commitments"))
    if actors:
        keys = [(id_, actor) for actor in actors for id_ in ids]
        steps.append(
            _then(
                CommitmentsByCitizenPromiseLoader.of(info).prefetch(keys), commitments, info, selections, "commitments"
            )
        )
    if asks(selections, "followUps"):
        # Follow-ups shown with their entries are read with them, in one statement.
        with_entries = asks(below(selections, "followUps"), "entries")
        loader = FollowUpsWithEntriesByCitizenPromiseLoader if with_entries else FollowUpsByCitizenPromiseLoader
        steps.append(_then(loader.of(info).prefetch(ids), follow_ups, info, selections, "followUps"))
    if asks(selections, "contacts"):
        steps.append(ContactsByCitizenPromiseLoader.of(info).prefetch(ids))
    if asks(selections, "signingRoles") or asks(selections, "contactRoles"):
        steps.append(PrintedRolesByCitizenPromiseLoader.of(info).prefetch(ids))
    await together(*steps)


async def commitments(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    if not rows or not selections:
        return
    ids = _present([row["id"] for row in rows])
    steps: list[Awaitable[object]] = []
    if asks(selections, "topics"):
        steps.append(TopicsByCommitmentLoader.of(info).prefetch(ids))
    if asks(selections, "partners"):
        steps.append(PartnersByCommitmentLoader.of(info).prefetch(ids))
    if asks(selections, "citizenPromise"):
        steps.append(_their_promises(info, rows, selections))
    if asks(selections, "followUpEntries"):
        steps.append(
            _then(
                EntriesByCommitmentLoader.of(info).prefetch(ids), follow_up_entries, info, selections, "followUpEntries"
            )
        )
    await together(*steps)


async def follow_ups(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    if not rows or not selections:
        return
    steps: list[Awaitable[object]] = []
    if asks(selections, "entries"):
        ids = _present([row["id"] for row in rows])
        steps.append(
            _then(EntriesByFollowUpLoader.of(info).prefetch(ids), follow_up_entries, info, selections, "entries")
        )
    if asks(selections, "citizenPromise"):
        steps.append(_their_promises(info, rows, selections))
    if asks(selections, "authorRole"):
        steps.append(PrintedRoleByFollowUpLoader.of(info).prefetch(_present([row["id"] for row in rows])))
    await together(*steps)


async def follow_up_entries(info: Ctx, rows: Sequence[Row], selections: Selections) -> None:
    if not rows or not selections:
        return
    steps: list[Awaitable[object]] = []
    if asks(selections, "followUp"):
        ids = _present([row["follow_up_id"] for row in rows])
        steps.append(_then(FollowUpByIdLoader.of(info).prefetch(ids), follow_ups, info, selections, "followUp"))
    if asks(selections, "commitments"):
        ids = _present([row["id"] for row in rows])
        steps.append(
            _then(CommitmentsByEntryLoader.of(info).prefetch(ids), commitments, info, selections, "commitments")
        )
    await together(*steps)


def _their_promises(info: Ctx, rows: Sequence[Row], selections: Selections) -> Awaitable[None]:
    """The citizen promises of commitments or follow-ups, and what the query asks of them."""
    promise_ids = _present([row["citizen_promise_id"] for row in rows])
    loading = CitizenPromiseByIdLoader.of(info).prefetch(promise_ids)
    return _then(loading, citizen_promises, info, selections, "citizenPromise")


Walk = Callable[[Ctx, Sequence[Row], Selections], Awaitable[None]]


async def _then(
    loading: Awaitable[Sequence[Row | None] | Sequence[list[Row]]],
    walk: Walk,
    info: Ctx,
    selections: Selections,
    field: str,
) -> None:
    """Load, then walk on into what the query selects under `field` of what was loaded."""
    found = await loading
    rows = [row for item in found if item for row in (item if isinstance(item, list) else [item])]
    await walk(info, rows, below(selections, field))
