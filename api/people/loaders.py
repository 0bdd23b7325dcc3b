from __future__ import annotations

from collections.abc import Iterable

from api.core.loaders import Row, RowLoader, RowsLoader
from api.geography.loaders import MUNICIPALITY_FIELDS
from models import CitizenPromiseContact, Contact, ContactMunicipality, Organisation, Person

ORGANISATION_FIELDS = ("id", "slug", "kind", "name", "municipality_id", "police_unit_id")
# Personal data is read here and nowhere else in the API.
PERSON_FIELDS = ("id", "name", "email", "phone")
CONTACT_FIELDS = (
    "id",
    "slug",
    "role",
    "organisation_id",
    "person__name",
    "person__email",
    "person__phone",
    "updated_at",
)


class OrganisationByIdLoader(RowLoader[int]):
    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        return await Organisation.filter(id__in=keys).values(*ORGANISATION_FIELDS)


class OrganisationBySlugLoader(RowLoader[str]):
    key_field = "slug"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        return await Organisation.filter(slug__in=keys).values(*ORGANISATION_FIELDS)


class PersonByIdLoader(RowLoader[int]):
    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        return await Person.filter(id__in=keys).values(*PERSON_FIELDS)


class ContactBySlugLoader(RowLoader[str]):
    key_field = "slug"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        return await Contact.filter(self.context.visible(), slug__in=keys).values(*CONTACT_FIELDS)


class ContactsByMunicipalityLoader(RowsLoader[str]):
    group_field = "municipality_id"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        rows = await (
            ContactMunicipality.filter(self.context.visible("contact"), municipality_id__in=keys)
            .order_by("municipality_id", "contact__role", "contact__slug")
            .values("municipality_id", *(f"contact__{name}" for name in CONTACT_FIELDS))
        )
        return [_unprefix(row, "contact__", keep="municipality_id") for row in rows]


class ContactsByCitizenPromiseLoader(RowsLoader[int]):
    group_field = "citizen_promise_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        rows = await (
            CitizenPromiseContact.filter(self.context.visible("contact"), citizen_promise_id__in=keys)
            .order_by("citizen_promise_id", "position")
            .values("citizen_promise_id", *(f"contact__{name}" for name in CONTACT_FIELDS))
        )
        return [_unprefix(row, "contact__", keep="citizen_promise_id") for row in rows]


class MunicipalitiesByContactLoader(RowsLoader[int]):
    group_field = "contact_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        rows = await (
            ContactMunicipality.filter(contact_id__in=keys)
            .order_by("contact_id", "position")
            .values("contact_id", *(f"municipality__{name}" for name in MUNICIPALITY_FIELDS))
        )
        return [_unprefix(row, "municipality__", keep="contact_id") for row in rows]


def _unprefix(row: Row, prefix: str, keep: str) -> Row:
    result = {key.removeprefix(prefix): value for key, value in row.items() if key.startswith(prefix)}
    result[keep] = row[keep]
    return result
