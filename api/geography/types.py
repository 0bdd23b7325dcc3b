from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.loaders import Row
from api.core.relay import Node, to_global_id
from api.geography.loaders import (
    CountyByCodeLoader,
    MunicipalitiesByCountyLoader,
    MunicipalitiesByPoliceUnitLoader,
    PoliceUnitByIdLoader,
)
from models.enums import PoliceUnitLevel as PoliceUnitLevel  # re-exported: the API's enum

if TYPE_CHECKING:
    from api.agreements.types import Agreement
    from api.people.types import Contact
    from api.promises.types import CitizenPromise
    from api.services.types import ServiceAgreement


# The model's enum is the GraphQL enum too, so the values are listed once.
strawberry.enum(PoliceUnitLevel)


@strawberry.type
class PoliceUnit(Node):
    level: PoliceUnitLevel
    name: str
    slug: str
    pk: strawberry.Private[int]
    parent_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Row) -> PoliceUnit:
        return cls(
            id=to_global_id("PoliceUnit", row["slug"]),
            level=PoliceUnitLevel(row["level"]),
            name=row["name"],
            slug=row["slug"],
            pk=row["id"],
            parent_id=row["parent_id"],
        )

    @strawberry.field
    async def parent(self, info: Info[Context, Any]) -> PoliceUnit | None:
        return await police_unit(info, self.parent_id)

    @strawberry.field
    async def municipalities(self, info: Info[Context, Any]) -> list[Municipality]:
        rows = await MunicipalitiesByPoliceUnitLoader.of(info).load(self.pk)
        return [Municipality.from_row(row) for row in rows]


async def police_unit(info: Info[Context, Any], unit_id: int | None) -> PoliceUnit | None:
    if unit_id is None:
        return None
    row = await PoliceUnitByIdLoader.of(info).load(unit_id)
    return PoliceUnit.from_row(row) if row else None


@strawberry.type
class County(Node):
    code: str = strawberry.field(description='Two digits, e.g. "14".')
    name: str
    police_region_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Row) -> County:
        return cls(
            id=to_global_id("County", row["code"]),
            code=row["code"],
            name=row["name"],
            police_region_id=row["police_region_id"],
        )

    @strawberry.field
    async def police_region(self, info: Info[Context, Any]) -> PoliceUnit | None:
        return await police_unit(info, self.police_region_id)

    @strawberry.field
    async def municipalities(self, info: Info[Context, Any]) -> list[Municipality]:
        rows = await MunicipalitiesByCountyLoader.of(info).load(self.code)
        return [Municipality.from_row(row) for row in rows]


@strawberry.type
class Municipality(Node):
    code: str = strawberry.field(description='Kommunkod, four digits, e.g. "1471".')
    name: str
    county_code: strawberry.Private[str]
    local_police_area_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Row) -> Municipality:
        return cls(
            id=to_global_id("Municipality", row["code"]),
            code=row["code"],
            name=row["name"],
            county_code=row["county_id"],
            local_police_area_id=row["local_police_area_id"],
        )

    @strawberry.field
    async def county(self, info: Info[Context, Any]) -> County:
        row = await CountyByCodeLoader.of(info).load(self.county_code)
        assert row is not None  # a foreign key guarantees it
        return County.from_row(row)

    @strawberry.field
    async def local_police_area(self, info: Info[Context, Any]) -> PoliceUnit | None:
        return await police_unit(info, self.local_police_area_id)

    @strawberry.field(description="All agreements, or those in force on the date (see AgreementFilter).")
    async def agreements(
        self, info: Info[Context, Any], active_on: dt.date | None = None
    ) -> list[Annotated[Agreement, strawberry.lazy("api.agreements.types")]]:
        from api.agreements.loaders import AgreementsByMunicipalityLoader
        from api.agreements.types import Agreement

        rows = await AgreementsByMunicipalityLoader.of(info).load((self.code, active_on))
        return [Agreement.from_row(row) for row in rows]

    @strawberry.field(description="All citizen promises, or those whose period covers the year.")
    async def citizen_promises(
        self, info: Info[Context, Any], year: int | None = None
    ) -> list[Annotated[CitizenPromise, strawberry.lazy("api.promises.types")]]:
        from api.promises.loaders import CitizenPromisesByMunicipalityLoader
        from api.promises.types import CitizenPromise

        rows = await CitizenPromisesByMunicipalityLoader.of(info).load((self.code, year))
        return [CitizenPromise.from_row(row) for row in rows]

    @strawberry.field
    async def service_agreements(
        self, info: Info[Context, Any]
    ) -> list[Annotated[ServiceAgreement, strawberry.lazy("api.services.types")]]:
        from api.services.loaders import ServiceAgreementsByMunicipalityLoader
        from api.services.types import ServiceAgreement

        rows = await ServiceAgreementsByMunicipalityLoader.of(info).load(self.code)
        return [ServiceAgreement.from_row(row) for row in rows]

    @strawberry.field(description="Everyone named as serving this municipality.")
    async def contacts(self, info: Info[Context, Any]) -> list[Annotated[Contact, strawberry.lazy("api.people.types")]]:
        from api.people.loaders import ContactsByMunicipalityLoader
        from api.people.types import Contact

        rows = await ContactsByMunicipalityLoader.of(info).load(self.code)
        return [Contact.from_row(row) for row in rows]
