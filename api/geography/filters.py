"""The place filters every list shares: kommunkod, county code, police region name."""

from __future__ import annotations

from api.core.sql import Statement

# The place filters' descriptions, the same in every filter and argument that has them.
MUNICIPALITY_CODE = 'Kommunkod, e.g. "1471".'
COUNTY_CODE = 'Län code, two digits, e.g. "14".'
POLICE_REGION = 'The polisregion\'s name as the police write it ("Väst", "Nord", "Stockholm").'

# A municipality `m` with its county `co` and the county's police region `r`: what place_sql reads.
PLACE_OF_MUNICIPALITY = "JOIN county co ON co.code = m.county_id LEFT JOIN police_unit r ON r.id = co.police_region_id"


def place_sql(
    statement: Statement, municipality_code: str | None, county_code: str | None, police_region: str | None
) -> list[str]:
    """Conditions on a municipality `m` joined as PLACE_OF_MUNICIPALITY."""
    where = []
    if municipality_code is not None:
        where.append(f"m.code = {statement.bind('municipality_code', municipality_code)}")
    if county_code is not None:
        where.append(f"m.county_id = {statement.bind('county_code', county_code)}")
    if police_region is not None:
        where.append(f"r.name = {statement.bind('police_region', police_region)}")
    return where
