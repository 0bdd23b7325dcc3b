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


def area_sql(statement: Statement, column: str, slug: str) -> str:
    """`column` (an area id) is the area `slug` or an area below it, at any depth: a filter on a
    stadsdel finds what is for its neighbourhoods and places too. UNION (not UNION ALL) ends the
    recursion even on a cycle of parents, which validation refuses anyway; the chain is at most
    seed.validate.MAX_AREA_DEPTH long."""
    bound = statement.bind("area", slug)
    return (
        f"{column} IN (WITH RECURSIVE area_below(id) AS (SELECT sa.id FROM area sa WHERE sa.slug = {bound}"
        " UNION SELECT ca.id FROM area ca JOIN area_below ab ON ca.parent_id = ab.id) SELECT id FROM area_below)"
    )


# A commitment `c` is for its own area, else its citizen promise `p`'s; NULL: the whole municipality.
COMMITMENT_AREA = "COALESCE(c.area_id, p.area_id)"
