from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.loaders import Maybe, Row
from api.core.relay import Node
from api.geography.loaders import MunicipalityByCodeLoader
from api.geography.types import Municipality, PoliceUnit, police_unit
from api.people.loaders import MunicipalitiesByContactLoader, OrganisationByIdLoader
from models.enums import OrganisationKind as OrganisationKind  # re-exported: the API's enum

# The model's enum is the GraphQL enum too, so the values are listed once.
strawberry.enum(OrganisationKind)


@strawberry.type(description="A party to an agreement or an organisation named in a promise.")
class Organisation(Node):
    kind: OrganisationKind
    name: str
    slug: str
    municipality_code: strawberry.Private[str | None]
    police_unit_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Row) -> Organisation:
        return cls(
            node_key=row["slug"],
            kind=OrganisationKind(row["kind"]),
            name=row["name"],
            slug=row["slug"],
            municipality_code=row["municipality_id"],
            police_unit_id=row["police_unit_id"],
        )

    @strawberry.field
    async def municipality(self, info: Info[Context, Any]) -> Municipality | None:
        return await municipality(info, self.municipality_code)

    @strawberry.field(graphql_type=PoliceUnit | None)
    def police_unit(self, info: Info[Context, Any]) -> Maybe[PoliceUnit | None]:
        return police_unit(info, self.police_unit_id)


async def municipality(info: Info[Context, Any], code: str | None) -> Municipality | None:
    if code is None:
        return None
    row = await MunicipalityByCodeLoader.of(info).load(code)
    return Municipality.from_row(row) if row else None


async def organisation(info: Info[Context, Any], organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    row = await OrganisationByIdLoader.of(info).load(organisation_id)
    return Organisation.from_row(row) if row else None


@strawberry.type
class Person:
    name: str
    title: str | None = strawberry.field(description='As printed, e.g. "Kommunstyrelsens ordförande".')
    organisation_id: strawberry.Private[int | None]

    @strawberry.field
    async def organisation(self, info: Info[Context, Any]) -> Organisation | None:
        return await organisation(info, self.organisation_id)


@strawberry.type
class Contact(Node):
    role: str
    name: str
    email: str | None
    phone: str | None
    slug: str
    pk: strawberry.Private[int]
    organisation_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Row) -> Contact:
        return cls(
            node_key=row["slug"],
            role=row["role"],
            name=row["person__name"],
            email=row["person__email"],
            phone=row["person__phone"],
            slug=row["slug"],
            pk=row["id"],
            organisation_id=row["organisation_id"],
        )

    @strawberry.field
    async def organisation(self, info: Info[Context, Any]) -> Organisation | None:
        return await organisation(info, self.organisation_id)

    @strawberry.field
    async def municipalities(self, info: Info[Context, Any]) -> list[Municipality]:
        rows = await MunicipalitiesByContactLoader.of(info).load(self.pk)
        return [Municipality.from_row(row) for row in rows]
