from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from api.agreements.filters import active_on
from api.core.content import CONTENT_FIELDS
from api.core.loaders import Loader, Row, RowLoader, RowsLoader
from api.geography.loaders import MUNICIPALITY_FIELDS
from api.people.loaders import ORGANISATION_FIELDS
from models import Agreement, AgreementParty, Signatory

AGREEMENT_FIELDS = (
    *CONTENT_FIELDS,
    "title",
    "period_start",
    "period_end",
    "period_label",
    "signed_on",
    "signed_place",
    "sections",
    "problem_areas",
    "links",
)


class AgreementByIdLoader(RowLoader[int]):
    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        return await Agreement.filter(self.context.visible(), id__in=keys).values(*AGREEMENT_FIELDS)


class AgreementBySlugLoader(RowLoader[str]):
    key_field = "slug"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        return await Agreement.filter(self.context.visible(), slug__in=keys).values(*AGREEMENT_FIELDS)


class AgreementsByMunicipalityLoader(Loader[tuple[str, dt.date | None], list[Row]]):
    """Agreements a municipality is party to, newest period first; optionally those in force."""

    async def load_batch(
        self, unique: list[tuple[str, dt.date | None]], keys: list[tuple[str, dt.date | None]]
    ) -> list[list[Row]]:
        codes_by_date: dict[dt.date | None, list[str]] = defaultdict(list)
        for code, date in unique:
            codes_by_date[date].append(code)
        found: dict[tuple[str, dt.date | None], list[Row]] = defaultdict(list)
        for date, codes in codes_by_date.items():
            query = AgreementParty.filter(self.context.visible("agreement"), organisation__municipality_id__in=codes)
            if date is not None:
                query = query.filter(active_on(date, "agreement"))
            rows = await query.values(
                "organisation__municipality_id", *(f"agreement__{name}" for name in AGREEMENT_FIELDS)
            )
            for row in rows:
                agreement = {name: row[f"agreement__{name}"] for name in AGREEMENT_FIELDS}
                found[(row["organisation__municipality_id"], date)].append(agreement)
        return [sort_newest_first(found.get(key, [])) for key in keys]


def sort_newest_first(rows: list[Row]) -> list[Row]:
    """Newest period first, then by slug: the order of the agreements connection. An unknown
    period sorts by the date the agreement is in force from."""
    by_slug = sorted(rows, key=lambda row: row["slug"])
    return sorted(by_slug, key=lambda row: str(effective_start(row)), reverse=True)


def effective_start(row: Row) -> dt.date | str:
    return row["period_start"] or row["signed_on"] or row["source_published_on"] or "0001-01-01"


class PartiesByAgreementLoader(RowsLoader[int]):
    group_field = "agreement_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        rows = await (
            AgreementParty.filter(agreement_id__in=keys)
            .order_by("agreement_id", "position")
            .values("agreement_id", *(f"organisation__{name}" for name in ORGANISATION_FIELDS))
        )
        return [
            {
                "agreement_id": row["agreement_id"],
                **{n: row[f"organisation__{n}"] for n in ORGANISATION_FIELDS},
            }
            for row in rows
        ]


class MunicipalitiesByAgreementLoader(RowsLoader[int]):
    group_field = "agreement_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        rows = await (
            AgreementParty.filter(agreement_id__in=keys, organisation__municipality_id__isnull=False)
            .order_by("agreement_id", "position")
            .values("agreement_id", *(f"organisation__municipality__{name}" for name in MUNICIPALITY_FIELDS))
        )
        prefix = "organisation__municipality__"
        return [
            {"agreement_id": row["agreement_id"], **{n: row[prefix + n] for n in MUNICIPALITY_FIELDS}} for row in rows
        ]


class SignatoriesByAgreementLoader(RowsLoader[int]):
    group_field = "agreement_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        return await (
            Signatory.filter(agreement_id__in=keys)
            .order_by("agreement_id", "position")
            .values("agreement_id", "person__name", "title", "organisation_id", "signed_on", "place")
        )
