from __future__ import annotations

from collections.abc import Iterable

from api.core.content import CONTENT_FIELDS
from api.core.loaders import Row, RowLoader, RowsLoader
from api.people.loaders import ORGANISATION_FIELDS
from models import ServiceAgreement, ServiceAgreementParty

SERVICE_AGREEMENT_FIELDS = (
    *CONTENT_FIELDS,
    "title",
    "municipality_id",
    "provider",
    "since",
    "since_label",
    "services",
)


class ServiceAgreementBySlugLoader(RowLoader[str]):
    key_field = "slug"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        return await ServiceAgreement.filter(self.context.visible(), slug__in=keys).values(*SERVICE_AGREEMENT_FIELDS)


class ServiceAgreementsByMunicipalityLoader(RowsLoader[str]):
    group_field = "municipality_id"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        return await (
            ServiceAgreement.filter(self.context.visible(), municipality_id__in=keys)
            .order_by("municipality_id", "slug")
            .values(*SERVICE_AGREEMENT_FIELDS)
        )


class PartiesByServiceAgreementLoader(RowsLoader[int]):
    group_field = "service_agreement_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        rows = await (
            ServiceAgreementParty.filter(service_agreement_id__in=keys)
            .order_by("service_agreement_id", "position")
            .values("service_agreement_id", *(f"organisation__{name}" for name in ORGANISATION_FIELDS))
        )
        return [
            {
                "service_agreement_id": row["service_agreement_id"],
                **{n: row[f"organisation__{n}"] for n in ORGANISATION_FIELDS},
            }
            for row in rows
        ]
