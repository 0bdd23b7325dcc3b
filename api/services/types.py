from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.content import ContentItem, content_fields
from api.core.enums import described_enum
from api.core.loaders import Maybe, Row
from api.core.relations import declared_values, related
from api.geography.types import Area, Municipality
from api.people.types import Organisation
from models.enums import ServicePointKind as ServicePointKind  # re-exported: the API's enum

described_enum(
    ServicePointKind,
    "What a service point is.",
    {
        "FIXED": "A desk or office with its own opening hours (a library, a citizens' office).",
        "MOBILE": "A mobile police office (a bus, a van) that comes on its days.",
    },
)


@strawberry.type(
    description="Where a samtjänstavtal's services are given: a desk at a library, a mobile police office one day a"
    " week, a temporary arrangement until an end date."
)
class ServicePoint:
    key: str = strawberry.field(description='Stable within its service agreement, e.g. "biblioteket".')
    position: int = strawberry.field(description="Order within its service agreement, from 1.")
    name: str = strawberry.field(description='As printed, e.g. "Gullspångs bibliotek".')
    kind: ServicePointKind = strawberry.field(description="A fixed desk or a mobile police office.")
    address: str | None = strawberry.field(description="The address as printed; null: none printed.")
    opening_hours_text: str | None = strawberry.field(
        description='The opening hours as printed, e.g. "måndag–fredag 07.30–16.00"; null: none printed.'
    )
    opening_hours: str | None = strawberry.field(
        description='The same opening hours in OpenStreetMap\'s `opening_hours` syntax, e.g. "Mo-Fr 07:30-16:00"'
        " (parsed and held to the printed days when stored); null: not typed."
    )
    valid_from: dt.date | None = strawberry.field(description="A temporary arrangement's first day, when printed.")
    valid_until: dt.date | None = strawberry.field(description="A temporary arrangement's end date, when printed.")
    note: str | None = strawberry.field(
        description='What is printed about the arrangement, e.g. "Tillfälligt i stadshuset under ombyggnaden".'
    )
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> ServicePoint:
        return cls(**declared_values(cls, row), row=row)

    @strawberry.field(
        description="The area below the municipality it is in (a tätort, a centre), when named; null: none.",
        graphql_type=Area | None,
    )
    def area(self, info: Info[Context, Any]) -> Maybe[Area | None]:
        return related(info.context, "ServicePoint", "area", self.row)


@strawberry.type(description="Samtjänstavtal: the municipality performs some police services, e.g. at a library.")
class ServiceAgreement(ContentItem):
    title: str = strawberry.field(description="As printed (or composed from what is printed).")
    provider: str = strawberry.field(
        description='Who performs the services on the municipality\'s behalf, e.g. "Gullspång och Hova bibliotek".'
    )
    since: dt.date | None = strawberry.field(description="Since when (the first day, if printed by month or year).")
    since_label: str | None = strawberry.field(description='As printed, e.g. "februari 2011".')
    services: list[str] = strawberry.field(
        description='The police services performed, as printed, e.g. "Lämnar ut blanketter.".'
    )

    @classmethod
    def from_row(cls, row: Row) -> ServiceAgreement:
        return cls(**declared_values(cls, row), **content_fields(row))

    @strawberry.field(description="The kommun where the services are performed.", graphql_type=Municipality)
    def municipality(self, info: Info[Context, Any]) -> Maybe[Municipality]:
        return related(info.context, "ServiceAgreement", "municipality", self.row)

    @strawberry.field(
        description="The parties to the agreement, in the order printed.", graphql_type=list[Organisation]
    )
    def parties(self, info: Info[Context, Any]) -> Maybe[list[Organisation]]:
        return related(info.context, "ServiceAgreement", "parties", self.row)

    @strawberry.field(
        description="Where the services are given, in the order printed; empty: none printed.",
        graphql_type=list[ServicePoint],
    )
    def points(self, info: Info[Context, Any]) -> Maybe[list[ServicePoint]]:
        return related(info.context, "ServiceAgreement", "points", self.row)
