from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.enums import described_enum
from api.core.loaders import Maybe, Row
from api.core.relay import Node
from api.geography.loaders import MunicipalityByCodeLoader
from api.geography.types import Municipality, PoliceUnit, police_unit
from api.people.loaders import MunicipalitiesByContactLoader, OrganisationByIdLoader
from models.enums import OrganisationKind as OrganisationKind  # re-exported: the API's enum

# The model's enum is the GraphQL enum too, so the values are listed once.
described_enum(
    OrganisationKind,
    "What kind of body an organisation is.",
    {
        "MUNICIPALITY": "A kommun (its `municipality` is set).",
        "POLICE": "A unit of the police (its `policeUnit` is set where known).",
        "OTHER": "Any other body, e.g. a library that performs police services.",
    },
)


@strawberry.type(description="A party to an agreement or an organisation named in a promise.")
class Organisation(Node):
    kind: OrganisationKind = strawberry.field(description="Kommun, police or other.")
    name: str = strawberry.field(description='As printed, e.g. "Götene kommun".')
    slug: str = strawberry.field(description="Stable key; seed files refer to the organisation by it.")
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

    @strawberry.field(description="The kommun it is, for kind MUNICIPALITY; otherwise null.")
    async def municipality(self, info: Info[Context, Any]) -> Municipality | None:
        return await municipality(info, self.municipality_code)

    @strawberry.field(description="The police unit it is, for kind POLICE where known.", graphql_type=PoliceUnit | None)
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


@strawberry.type(description="A named person: a signatory of an agreement.")
class Person:
    name: str = strawberry.field(description="Full name (personal data).")
    title: str | None = strawberry.field(description='As printed, e.g. "Kommunstyrelsens ordförande".')
    organisation_id: strawberry.Private[int | None]

    @strawberry.field(description="The organisation the person signed for, where printed.")
    async def organisation(self, info: Info[Context, Any]) -> Organisation | None:
        return await organisation(info, self.organisation_id)


@strawberry.type(
    description="Someone the public can turn to, in a role, for one or more municipalities (e.g. a kommunpolis)."
)
class Contact(Node):
    role: str = strawberry.field(description='As printed, e.g. "Kommunpolis", "Trygghetssamordnare".')
    name: str = strawberry.field(description="Full name (personal data).")
    email: str | None = strawberry.field(description="E-mail address, where published (personal data).")
    phone: str | None = strawberry.field(description="Phone number as printed, where published (personal data).")
    slug: str = strawberry.field(description="Stable key; citizen promises refer to the contact by it.")
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

    @strawberry.field(description="The organisation the contact works for, where printed.")
    async def organisation(self, info: Info[Context, Any]) -> Organisation | None:
        return await organisation(info, self.organisation_id)

    @strawberry.field(description="The municipalities the contact serves, in the order printed.")
    async def municipalities(self, info: Info[Context, Any]) -> list[Municipality]:
        rows = await MunicipalitiesByContactLoader.of(info).load(self.pk)
        return [Municipality.from_row(row) for row in rows]


# A role printed without a person ("kommunens trygghetssamordnare") has no place in `Signatory`
# or `Contact`: the contract keeps their `person` and `name` non-null. It is a `PrintedRole`
# instead, in fields of its own beside them (`signingRoles`, `contactRoles`, `authorRole`), read
# from printed_role (migrations 0014 and 0015), which holds no personal data.
@strawberry.type(
    description="A role a document prints without a person, e.g. a signature, a follow-up's author or a contact"
    ' given only as "Kommunens trygghetssamordnare". No name: the document prints none.'
)
class PrintedRole:
    role: str = strawberry.field(description='As printed, e.g. "Kommunens trygghetssamordnare".')
    signed_on: dt.date | None = strawberry.field(
        description="For a signing role or an author: when it was signed, where printed; null for a contact role."
    )
    place: str | None = strawberry.field(
        description="For a signing role or an author: where it was signed, where printed; null for a contact role."
    )
    organisation_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Row) -> PrintedRole:
        return cls(
            role=row["role"], signed_on=row["signed_on"], place=row["place"], organisation_id=row["organisation_id"]
        )

    @strawberry.field(description="The organisation the role belongs to (or signed for), where printed.")
    async def organisation(self, info: Info[Context, Any]) -> Organisation | None:
        return await organisation(info, self.organisation_id)


def signing_roles(rows: list[Row]) -> list[PrintedRole]:
    """A document's roles signed without a person, from its printed_role rows."""
    return [PrintedRole.from_row(row) for row in rows if row["kind"] == "SIGNATORY"]


def contact_roles(rows: list[Row]) -> list[PrintedRole]:
    """A citizen promise's contacts printed as a role only, from its printed_role rows."""
    return [PrintedRole.from_row(row) for row in rows if row["kind"] == "CONTACT"]
