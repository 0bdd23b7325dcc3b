from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Optional

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core import inputs
from api.core.enums import described_enum
from api.core.loaders import Maybe, Row
from api.core.relations import declared_values, related
from api.core.relay import Node
from models.enums import AreaKind as AreaKind  # re-exported: the API's enums
from models.enums import PoliceUnitLevel as PoliceUnitLevel

if TYPE_CHECKING:
    from api.agreements.types import Agreement
    from api.people.types import Contact, PrintedRole
    from api.promises.types import CitizenPromise
    from api.services.types import ServiceAgreement


# The model's enum is the GraphQL enum too, so the values are listed once.
described_enum(
    PoliceUnitLevel,
    "The three levels of the police's local organisation; each unit lies inside one of the level above.",
    {
        "REGION": "Polisregion: one of the seven regions (e.g. Väst).",
        "POLICE_AREA": "Polisområde: a part of a region.",
        "LOCAL_POLICE_AREA": "Lokalpolisområde: a part of a polisområde, the police's party to local cooperation.",
    },
)
described_enum(
    AreaKind,
    "What an area below the municipality is.",
    {
        "STADSDEL": "Stadsdel: a city district (often with its own stadsdelsförvaltning).",
        "TATORT": "Tätort: a built-up locality within the municipality.",
        "NEIGHBOURHOOD": "Bostadsområde: a neighbourhood.",
        "CENTRE": "Centrum: a town or district centre an item names.",
        "STREET": "A named street or square.",
        "SCHOOL": "A school.",
        "STATION": "A station (railway, bus, underground).",
        "OTHER": "Any other area printed.",
    },
)


@strawberry.type(
    description="A unit of the police: a polisregion, polisområde or lokalpolisområde. The three levels form a tree."
)
class PoliceUnit(Node):
    level: PoliceUnitLevel = strawberry.field(description="Which of the three levels it is.")
    name: str = strawberry.field(description='As the police write it, e.g. "Väst", "Skaraborg", "Västra Skaraborg".')
    slug: str = strawberry.field(description="Stable key from the reference data (seed/reference/police_units.yaml).")
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> PoliceUnit:
        return cls(**declared_values(cls, row), node_key=row["slug"], row=row)

    @strawberry.field(description="The unit one level up; null for a region.", graphql_type=Optional["PoliceUnit"])
    def parent(self, info: Info[Context, Any]) -> Maybe[PoliceUnit | None]:
        return related(info.context, "PoliceUnit", "parent", self.row)

    @strawberry.field(
        description="The municipalities it serves, by kommunkod: a region's through its counties, the others'"
        " through the lokalpolisområden at or below them.",
        graphql_type=list["Municipality"],
    )
    def municipalities(self, info: Info[Context, Any]) -> Maybe[list[Municipality]]:
        return related(info.context, "PoliceUnit", "municipalities", self.row)


@strawberry.type(description="Län: one of the 21 counties, identified by its two-digit code.")
class County(Node):
    code: str = strawberry.field(description='Two digits, e.g. "14".')
    name: str = strawberry.field(description='E.g. "Västra Götalands län".')
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> County:
        return cls(**declared_values(cls, row), node_key=row["code"], row=row)

    @strawberry.field(description="The polisregion the county belongs to.", graphql_type=PoliceUnit | None)
    def police_region(self, info: Info[Context, Any]) -> Maybe[PoliceUnit | None]:
        return related(info.context, "County", "policeRegion", self.row)

    @strawberry.field(description="Its municipalities, by kommunkod.", graphql_type=list["Municipality"])
    def municipalities(self, info: Info[Context, Any]) -> Maybe[list[Municipality]]:
        return related(info.context, "County", "municipalities", self.row)


@strawberry.type(description="Kommun: one of the 290 municipalities, identified by its four-digit kommunkod.")
class Municipality(Node):
    code: str = strawberry.field(description='Kommunkod, four digits, e.g. "1471".')
    name: str = strawberry.field(description='E.g. "Götene".')
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> Municipality:
        return cls(**declared_values(cls, row), node_key=row["code"], row=row)

    @strawberry.field(description="The län it lies in.", graphql_type=County)
    def county(self, info: Info[Context, Any]) -> Maybe[County]:
        return related(info.context, "Municipality", "county", self.row)

    @strawberry.field(
        description="Its lokalpolisområde, the police's party to its samverkansöverenskommelse.",
        graphql_type=PoliceUnit | None,
    )
    def local_police_area(self, info: Info[Context, Any]) -> Maybe[PoliceUnit | None]:
        return related(info.context, "Municipality", "localPoliceArea", self.row)

    @strawberry.field(
        description="All agreements, or those in force on the date (see AgreementFilter).",
        graphql_type=list[Annotated["Agreement", strawberry.lazy("api.agreements.types")]],
    )
    def agreements(
        self,
        info: Info[Context, Any],
        active_on: Annotated[
            dt.date | None, strawberry.argument(description="Only those in force on this date.")
        ] = None,
    ) -> Maybe[list[Agreement]]:
        inputs.check(active_on=active_on)
        return related(info.context, "Municipality", "agreements", self.row, active_on=active_on)

    @strawberry.field(
        description="All citizen promises, or those whose period covers the year.",
        graphql_type=list[Annotated["CitizenPromise", strawberry.lazy("api.promises.types")]],
    )
    def citizen_promises(
        self,
        info: Info[Context, Any],
        year: Annotated[
            int | None, strawberry.argument(description="Only those whose period covers this calendar year.")
        ] = None,
    ) -> Maybe[list[CitizenPromise]]:
        inputs.check(year=year)
        return related(info.context, "Municipality", "citizenPromises", self.row, year=year)

    @strawberry.field(
        description="Its samtjänstavtal (service agreements).",
        graphql_type=list[Annotated["ServiceAgreement", strawberry.lazy("api.services.types")]],
    )
    def service_agreements(self, info: Info[Context, Any]) -> Maybe[list[ServiceAgreement]]:
        return related(info.context, "Municipality", "serviceAgreements", self.row)

    @strawberry.field(
        description="Everyone named as serving this municipality.",
        graphql_type=list[Annotated["Contact", strawberry.lazy("api.people.types")]],
    )
    def contacts(self, info: Info[Context, Any]) -> Maybe[list[Contact]]:
        return related(info.context, "Municipality", "contacts", self.row)

    @strawberry.field(
        description='The contacts the municipality prints as a role only, without a person ("Kommunpolisen i'
        ' Götene"): those of its organisations of kind MUNICIPALITY, by organisation slug, then in the order'
        " printed; the named contacts are in `contacts`.",
        graphql_type=list[Annotated["PrintedRole", strawberry.lazy("api.people.types")]],
    )
    def contact_roles(self, info: Info[Context, Any]) -> Maybe[list[PrintedRole]]:
        return related(info.context, "Municipality", "contactRoles", self.row)

    @strawberry.field(
        description="The areas below the municipality content names (stadsdelar, tätorter, neighbourhoods,"
        " places), every level, by name then slug.",
        graphql_type=list["Area"],
    )
    def areas(self, info: Info[Context, Any]) -> Maybe[list[Area]]:
        return related(info.context, "Municipality", "areas", self.row)


@strawberry.type(
    description="An area below the municipality a citizen promise or a commitment is for: a stadsdel, a tätort, a"
    " neighbourhood, or a place (a centre, a street, a school, a station). Areas nest within one municipality;"
    " statistics and coverage count by area and roll up to the municipality."
)
class Area:
    slug: str = strawberry.field(description='Unique, e.g. "stockholm-rinkeby-kista".')
    kind: AreaKind = strawberry.field(description="What kind of area it is.")
    name: str = strawberry.field(description='As printed, e.g. "Rinkeby-Kista".')
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> Area:
        return cls(**declared_values(cls, row), row=row)

    @strawberry.field(description="The municipality the area lies in.", graphql_type=Municipality)
    def municipality(self, info: Info[Context, Any]) -> Maybe[Municipality]:
        return related(info.context, "Area", "municipality", self.row)

    @strawberry.field(
        description="The area it lies in (same municipality); null: directly in the municipality.",
        graphql_type=Optional["Area"],
    )
    def parent(self, info: Info[Context, Any]) -> Maybe[Area | None]:
        return related(info.context, "Area", "parent", self.row)
