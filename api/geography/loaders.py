from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from api.core.loaders import Loader, Row, RowLoader, RowsLoader, joined
from api.core.sql import columns
from models.sql import one_of, sql

MUNICIPALITY_FIELDS = ("code", "name", "county_id", "local_police_area_id")
POLICE_UNIT_FIELDS = ("id", "slug", "level", "name", "parent_id")
COUNTY_FIELDS = ("code", "name", "police_region_id")
AREA_FIELDS = ("id", "slug", "kind", "name", "municipality_id", "parent_id")
AREA_COLUMNS = columns("ar", AREA_FIELDS)
MUNICIPALITY_COLUMNS = columns("m", MUNICIPALITY_FIELDS)
POLICE_UNIT_COLUMNS = columns("u", POLICE_UNIT_FIELDS)
COUNTY_COLUMNS = columns("co", COUNTY_FIELDS)


class AreaByIdLoader(RowLoader[int]):
    select = f"SELECT {AREA_COLUMNS} FROM area ar"
    key_column = "ar.id"


class AreasByMunicipalityLoader(RowsLoader[str]):
    group_field = "municipality_id"
    select = f"SELECT {AREA_COLUMNS} FROM area ar"
    key_column = "ar.municipality_id"
    order_by = "ar.name, ar.slug"


class CountyByCodeLoader(RowLoader[str]):
    key_field = "code"
    select = f"SELECT {COUNTY_COLUMNS} FROM county co"
    key_column = "co.code"


class PoliceUnitByIdLoader(RowLoader[int]):
    select = f"SELECT {POLICE_UNIT_COLUMNS} FROM police_unit u"
    key_column = "u.id"


class PoliceUnitBySlugLoader(RowLoader[str]):
    key_field = "slug"
    select = f"SELECT {POLICE_UNIT_COLUMNS} FROM police_unit u"
    key_column = "u.slug"


class MunicipalityByCodeLoader(RowLoader[str]):
    """With each municipality's county, which pages nearly always show with it."""

    key_field = "code"
    select = (
        f"SELECT {MUNICIPALITY_COLUMNS}, {columns('co', COUNTY_FIELDS, 'county__')}"
        " FROM municipality m JOIN county co ON co.code = m.county_id"
    )
    key_column = "m.code"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        rows = await super().fetch(keys)
        CountyByCodeLoader.of(self.context).prime_rows(joined(rows, "county__", COUNTY_FIELDS, "code"))
        return rows


class MunicipalitiesByCountyLoader(RowsLoader[str]):
    group_field = "county_id"
    select = f"SELECT {MUNICIPALITY_COLUMNS} FROM municipality m"
    key_column = "m.county_id"
    order_by = "m.code"


class MunicipalitiesByPoliceUnitLoader(Loader[int, list[Row]]):
    """The municipalities a unit serves: a region through its counties, the others through
    the local police areas below them."""

    async def load_batch(self, unique: list[int], keys: list[int]) -> list[list[Row]]:
        ids = sql.value(unique)
        rows = await self.context.rows(
            sql(
                f"SELECT {MUNICIPALITY_COLUMNS}, area.parent_id AS area_parent_id, co.police_region_id AS region_id"
                " FROM municipality m JOIN county co ON co.code = m.county_id"
                " LEFT JOIN police_unit area ON area.id = m.local_police_area_id"
                " WHERE {} OR {} OR {} ORDER BY m.code",
                one_of("m.local_police_area_id", ids),
                one_of("area.parent_id", ids),
                one_of("co.police_region_id", ids),
            )
        )
        wanted = set(unique)
        grouped: dict[int, list[Row]] = defaultdict(list)
        for row in rows:
            for unit in {row["local_police_area_id"], row["area_parent_id"], row["region_id"]}:
                if unit in wanted:
                    grouped[unit].append(row)
        return [grouped.get(key, []) for key in keys]


class CountiesLoader(Loader[None, list[Row]]):
    async def load_batch(self, unique: list[None], keys: list[None]) -> list[list[Row]]:
        rows = await self.context.rows(sql.raw(f"SELECT {COUNTY_COLUMNS} FROM county co ORDER BY co.code"))
        return [rows for _ in keys]
