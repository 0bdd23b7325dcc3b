from __future__ import annotations

from collections.abc import Iterable

from api.core.loaders import Row, RowLoader, RowsLoader
from api.core.sql import Decode, columns
from api.geography.loaders import MUNICIPALITY_FIELDS

ORGANISATION_FIELDS = ("id", "slug", "kind", "name", "municipality_id", "police_unit_id")
ORGANISATION_COLUMNS = columns("o", ORGANISATION_FIELDS)
# Personal data is read here and nowhere else in the API.
PERSON_FIELDS = ("id", "name", "email", "phone")
CONTACT_COLUMNS = (
    "k.id AS id, k.slug AS slug, k.role AS role, k.organisation_id AS organisation_id, k.updated_at AS updated_at,"
    " pe.name AS person__name, pe.email AS person__email, pe.phone AS person__phone"
)
PERSON_OF_CONTACT = "LEFT JOIN person pe ON pe.id = k.person_id"
CONTACT_DECODE = Decode(datetimes=("updated_at",))


class OrganisationByIdLoader(RowLoader[int]):
    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        statement = self.context.statement()
        return await statement.rows(
            f"SELECT {ORGANISATION_COLUMNS} FROM organisation o WHERE {statement.any('o.id', 'ids', keys)}"
        )


class OrganisationBySlugLoader(RowLoader[str]):
    key_field = "slug"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        statement = self.context.statement()
        return await statement.rows(
            f"SELECT {ORGANISATION_COLUMNS} FROM organisation o WHERE {statement.any('o.slug', 'slugs', keys)}"
        )


class PersonByIdLoader(RowLoader[int]):
    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        statement = self.context.statement()
        return await statement.rows(
            f"SELECT {columns('pe', PERSON_FIELDS)} FROM person pe WHERE {statement.any('pe.id', 'ids', keys)}"
        )


class ContactBySlugLoader(RowLoader[str]):
    key_field = "slug"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        statement = self.context.statement()
        return await statement.rows(
            f"SELECT {CONTACT_COLUMNS} FROM contact k {PERSON_OF_CONTACT}"
            f" WHERE {statement.any('k.slug', 'slugs', keys)} AND {self.context.visible_sql(statement, 'k')}",
            CONTACT_DECODE,
        )


class ContactsByMunicipalityLoader(RowsLoader[str]):
    group_field = "municipality_id"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        statement = self.context.statement()
        return await statement.rows(
            f"SELECT km.municipality_id AS municipality_id, {CONTACT_COLUMNS}"
            f" FROM contact_municipality km JOIN contact k ON k.id = km.contact_id {PERSON_OF_CONTACT}"
            f" WHERE {statement.any('km.municipality_id', 'codes', keys)}"
            f" AND {self.context.visible_sql(statement, 'k')} ORDER BY km.municipality_id, k.role, k.slug",
            CONTACT_DECODE,
        )


class ContactsByCitizenPromiseLoader(RowsLoader[int]):
    group_field = "citizen_promise_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        statement = self.context.statement()
        return await statement.rows(
            f"SELECT pk.citizen_promise_id AS citizen_promise_id, {CONTACT_COLUMNS}"
            f" FROM citizen_promise_contact pk JOIN contact k ON k.id = pk.contact_id {PERSON_OF_CONTACT}"
            f" WHERE {statement.any('pk.citizen_promise_id', 'ids', keys)}"
            f" AND {self.context.visible_sql(statement, 'k')} ORDER BY pk.citizen_promise_id, pk.position",
            CONTACT_DECODE,
        )


class MunicipalitiesByContactLoader(RowsLoader[int]):
    group_field = "contact_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        statement = self.context.statement()
        return await statement.rows(
            f"SELECT km.contact_id AS contact_id, {columns('m', MUNICIPALITY_FIELDS)}"
            " FROM contact_municipality km JOIN municipality m ON m.code = km.municipality_id"
            f" WHERE {statement.any('km.contact_id', 'ids', keys)} ORDER BY km.contact_id, km.position"
        )
