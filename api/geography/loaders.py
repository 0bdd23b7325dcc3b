from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from tortoise.expressions import Q

from api.core.loaders import Loader, Row, RowLoader, RowsLoader
from models import County, Municipality, PoliceUnit
from models.enums import PoliceUnitLevel

MUNICIPALITY_FIELDS = ("code", "name", "county_id", "local_police_area_id")
POLICE_UNIT_FIELDS = ("id", "slug", "level", "name", "parent_id")
COUNTY_FIELDS = ("code", "name", "police_region_id")


class CountyByCodeLoader(RowLoader[str]):
    key_field = "code"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        return await County.filter(code__in=keys).values(*COUNTY_FIELDS)


class PoliceUnitByIdLoader(RowLoader[int]):
    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        return await PoliceUnit.filter(id__in=keys).values(*POLICE_UNIT_FIELDS)


class PoliceUnitBySlugLoader(RowLoader[str]):
    key_field = "slug"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        return await PoliceUnit.filter(slug__in=keys).values(*POLICE_UNIT_FIELDS)


class MunicipalityByCodeLoader(RowLoader[str]):
    key_field = "code"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        return await Municipality.filter(code__in=keys).values(*MUNICIPALITY_FIELDS)


class MunicipalitiesByCountyLoader(RowsLoader[str]):
    group_field = "county_id"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        return await Municipality.filter(county_id__in=keys).order_by("code").values(*MUNICIPALITY_FIELDS)


class MunicipalitiesByPoliceUnitLoader(Loader[int, list[Row]]):
    """The municipalities a unit serves: a region through its counties, the others through
    the local police areas below them."""

    async def load_batch(self, unique: list[int], keys: list[int]) -> list[list[Row]]:
        rows = await (
            Municipality.filter(
                Q(local_police_area_id__in=unique)
                | Q(local_police_area__parent_id__in=unique)
                | Q(county__police_region_id__in=unique)
            )
            .order_by("code")
            .values(*MUNICIPALITY_FIELDS, "local_police_area__parent_id", "county__police_region_id")
        )
        wanted = set(unique)
        grouped: dict[int, list[Row]] = defaultdict(list)
        for row in rows:
            for unit in {
                row["local_police_area_id"],
                row["local_police_area__parent_id"],
                row["county__police_region_id"],
            }:
                if unit in wanted:
                    grouped[unit].append(row)
        return [grouped.get(key, []) for key in keys]


class CountiesLoader(Loader[None, list[Row]]):
    async def load_batch(self, unique: list[None], keys: list[None]) -> list[list[Row]]:
        rows = await County.all().order_by("code").values(*COUNTY_FIELDS)
        return [rows for _ in keys]


def region_level() -> str:
    return PoliceUnitLevel.REGION.value
