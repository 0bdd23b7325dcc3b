from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.enums import described_enum
from api.core.loaders import Maybe, Row
from api.core.relations import declared_values, related
from api.core.relay import Node
from api.geography.types import Municipality, PoliceUnit
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
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> Organisation:
        return cls(**declared_values(cls, row), node_key=row["slug"], row=row)

    @strawberry.field(
        description="The kommun it is, for kind MUNICIPALITY; otherwise null.", graphql_type=Municipality | None
    )
    def municipality(self, info: Info[Context, Any]) -> Maybe[Municipality | None]:
        return related(info.context, "Organisation", "municipality", self.row)

    @strawberry.field(description="The police unit it is, for kind POLICE where known.", graphql_type=PoliceUnit | None)
    def police_unit(self, info: Info[Context, Any]) -> Maybe[PoliceUnit | None]:
        return related(info.context, "Organisation", "policeUnit", self.row)


@strawberry.type(description="A named person: a signatory of an agreement.")
class Person:
    name: str = strawberry.field(description="Full name (personal data).")
    title: str | None = strawberry.field(description='As printed, e.g. "Kommunstyrelsens ordförande".')
    # The row of the signature it is printed in (a signatory, a follow-up's author).
    row: strawberry.Private[Row]

    @strawberry.field(
        description="The organisation the person signed for, where printed.", graphql_type=Organisation | None
    )
    def organisation(self, info: Info[Context, Any]) -> Maybe[Organisation | None]:
        return related(info.context, "Person", "organisation", self.row)


@strawberry.type(
    description="Someone the public can turn to, in a role, for one or more municipalities (e.g. a kommunpolis)."
)
class Contact(Node):
    role: str = strawberry.field(description='As printed, e.g. "Kommunpolis", "Trygghetssamordnare".')
    name: str = strawberry.field(description="Full name (personal data).")
    email: str | None = strawberry.field(description="E-mail address, where published (personal data).")
    phone: str | None = strawberry.field(description="Phone number as printed, where published (personal data).")
    slug: str = strawberry.field(description="Stable key; citizen promises refer to the contact by it.")
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> Contact:
        # The name, e-mail and phone are the person's, as api/people/reads.py declares them.
        return cls(**declared_values(cls, row), node_key=row["slug"], row=row)

    @strawberry.field(
        description="The organisation the contact works for, where printed.", graphql_type=Organisation | None
    )
    def organisation(self, info: Info[Context, Any]) -> Maybe[Organisation | None]:
        return related(info.context, "Contact", "organisation", self.row)

    @strawberry.field(
        description="The municipalities the contact serves, in the order printed.", graphql_type=list[Municipality]
    )
    def municipalities(self, info: Info[Context, Any]) -> Maybe[list[Municipality]]:
        return related(info.context, "Contact", "municipalities", self.row)


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
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> PrintedRole:
        return cls(**declared_values(cls, row), row=row)

    @strawberry.field(
        description="The organisation the role belongs to (or signed for), where printed.",
        graphql_type=Organisation | None,
    )
    def organisation(self, info: Info[Context, Any]) -> Maybe[Organisation | None]:
        return related(info.context, "PrintedRole", "organisation", self.row)
