from __future__ import annotations

from collections.abc import Iterable

from api.core.content import CONTENT_DECODE, CONTENT_FIELDS
from api.core.loaders import Row, RowLoader, RowsLoader
from api.core.sql import Decode, columns
from api.people.loaders import ORGANISATION_FIELDS

SERVICE_AGREEMENT_FIELDS = (
    *CONTENT_FIELDS,
    "title",
    "municipality_id",
    "provider",
    "since",
    "since_label",
    "services",
)
SERVICE_AGREEMENT_DECODE = CONTENT_DECODE + Decode(dates=("since",), json=("services",))
SERVICE_AGREEMENT_COLUMNS = columns("s", SERVICE_AGREEMENT_FIELDS)


class ServiceAgreementBySlugLoader(RowLoader[str]):
    key_field = "slug"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        statement = self.context.statement()
        return await statement.rows(
            f"SELECT {SERVICE_AGREEMENT_COLUMNS} FROM service_agreement s"
            f" WHERE {statement.any('s.slug', 'slugs', keys)} AND {self.context.visible_sql(statement, 's')}",
            SERVICE_AGREEMENT_DECODE,
        )


class ServiceAgreementsByMunicipalityLoader(RowsLoader[str]):
    group_field = "municipality_id"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        statement = self.context.statement()
        return await statement.rows(
            f"SELECT {SERVICE_AGREEMENT_COLUMNS} FROM service_agreement s"
            f" WHERE {statement.any('s.municipality_id', 'codes', keys)} AND {self.context.visible_sql(statement, 's')}"
            " ORDER BY s.municipality_id, s.slug",
            SERVICE_AGREEMENT_DECODE,
        )


class PartiesByServiceAgreementLoader(RowsLoader[int]):
    group_field = "service_agreement_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        statement = self.context.statement()
        return await statement.rows(
            f"SELECT sp.service_agreement_id AS service_agreement_id, {columns('o', ORGANISATION_FIELDS)}"
            " FROM service_agreement_party sp JOIN organisation o ON o.id = sp.organisation_id"
            f" WHERE {statement.any('sp.service_agreement_id', 'ids', keys)}"
            " ORDER BY sp.service_agreement_id, sp.position"
        )
