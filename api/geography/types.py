from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Optional

import strawberry
from strawberry.types import Info

from api.agreements.loaders import AgreementsByMunicipalityLoader
from api.context import Context
from api.core import inputs
from api.core.enums import described_enum
from api.core.loaders import BUILDERS, Maybe, Row, each, optional, required
from api.core.relay import Node
from api.geography.loaders import (
    CountyByCodeLoader,
    MunicipalitiesByCountyLoader,
    MunicipalitiesByPoliceUnitLoader,
    PoliceUnitByIdLoader,
)
from api.people.loaders import ContactsByMunicipalityLoader
from api.promises.loaders import CitizenPromisesByMunicipalityLoader
from api.services.loaders import ServiceAgreementsByMunicipalityLoader
from models.enums import PoliceUnitLevel as PoliceUnitLevel  # re-exported: the API's enum

if TYPE_CHECKING:
    from api.agreements.types import Agreement
    from api.people.types import Contact
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


@strawberry.type(
    description="A unit of the police: a polisregion, polisområde or lokalpolisområde. The three levels form a tree."
)
class PoliceUnit(Node):
    level: PoliceUnitLevel = strawberry.field(description="Which of the three levels it is.")
    name: str = strawberry.field(description='As the police write it, e.g. "Väst", "Skaraborg", "Västra Skaraborg".')
    slug: str = strawberry.field(description="Stable key from the reference data (seed/reference/police_units.yaml).")
    pk: strawberry.Private[int]
    parent_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Row) -> PoliceUnit:
        return cls(
            node_key=row["slug"],
            level=PoliceUnitLevel(row["level"]),
            name=row["name"],
            slug=row["slug"],
            pk=row["id"],
            parent_id=row["parent_id"],
        )

    @strawberry.field(description="The unit one level up; null for a region.", graphql_type=Optional["PoliceUnit"])
    def parent(self, info: Info[Context, Any]) -> Maybe[PoliceUnit | None]:
        return police_unit(info, self.parent_id)

    @strawberry.field(
        description="The municipalities it serves, by kommunkod: a region's through its counties, the others'"
        " through the lokalpolisområden at or below them.",
        graphql_type=list["Municipality"],
    )
    def municipalities(self, info: Info[Context, Any]) -> Maybe[list[Municipality]]:
        return MunicipalitiesByPoliceUnitLoader.of(info).resolve(self.pk, each(Municipality.from_row))


def police_unit(info: Info[Context, Any], unit_id: int | None) -> Maybe[PoliceUnit | None]:
    if unit_id is None:
        return None
    return PoliceUnitByIdLoader.of(info).resolve(unit_id, optional(PoliceUnit.from_row))


@strawberry.type(description="Län: one of the 21 counties, identified by its two-digit code.")
class County(Node):
    code: str = strawberry.field(description='Two digits, e.g. "14".')
    name: str = strawberry.field(description='E.g. "Västra Götalands län".')
    police_region_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Row) -> County:
        return cls(
            node_key=row["code"],
            code=row["code"],
            name=row["name"],
            police_region_id=row["police_region_id"],
        )

    @strawberry.field(description="The polisregion the county belongs to.", graphql_type=PoliceUnit | None)
    def police_region(self, info: Info[Context, Any]) -> Maybe[PoliceUnit | None]:
        return police_unit(info, self.police_region_id)

    @strawberry.field(description="Its municipalities, by kommunkod.", graphql_type=list["Municipality"])
    def municipalities(self, info: Info[Context, Any]) -> Maybe[list[Municipality]]:
        return MunicipalitiesByCountyLoader.of(info).resolve(self.code, each(Municipality.from_row))


@strawberry.type(description="Kommun: one of the 290 municipalities, identified by its four-digit kommunkod.")
class Municipality(Node):
    code: str = strawberry.field(description='Kommunkod, four digits, e.g. "1471".')
    name: str = strawberry.field(description='E.g. "Götene".')
    county_code: strawberry.Private[str]
    local_police_area_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Row) -> Municipality:
        return cls(
            node_key=row["code"],
            code=row["code"],
            name=row["name"],
            county_code=row["county_id"],
            local_police_area_id=row["local_police_area_id"],
        )

    @strawberry.field(description="The län it lies in.", graphql_type=County)
    def county(self, info: Info[Context, Any]) -> Maybe[County]:
        return CountyByCodeLoader.of(info).resolve(self.county_code, required(County.from_row))

    @strawberry.field(
        description="Its lokalpolisområde, the police's party to its samverkansöverenskommelse.",
        graphql_type=PoliceUnit | None,
    )
    def local_police_area(self, info: Info[Context, Any]) -> Maybe[PoliceUnit | None]:
        return police_unit(info, self.local_police_area_id)

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
        return AgreementsByMunicipalityLoader.of(info).resolve((self.code, active_on), each(BUILDERS["Agreement"]))

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
        return CitizenPromisesByMunicipalityLoader.of(info).resolve((self.code, year), each(BUILDERS["CitizenPromise"]))

    @strawberry.field(
        description="Its samtjänstavtal (service agreements).",
        graphql_type=list[Annotated["ServiceAgreement", strawberry.lazy("api.services.types")]],
    )
    def service_agreements(self, info: Info[Context, Any]) -> Maybe[list[ServiceAgreement]]:
        return ServiceAgreementsByMunicipalityLoader.of(info).resolve(self.code, each(BUILDERS["ServiceAgreement"]))

    @strawberry.field(
        description="Everyone named as serving this municipality.",
        graphql_type=list[Annotated["Contact", strawberry.lazy("api.people.types")]],
    )
    def contacts(self, info: Info[Context, Any]) -> Maybe[list[Contact]]:
        return ContactsByMunicipalityLoader.of(info).resolve(self.code, each(BUILDERS["Contact"]))
