"""The place filters every list shares: kommunkod, county code, police region name."""

from __future__ import annotations

from models.sql import Fragment, sql

# The place filters' descriptions, the same in every filter and argument that has them.
MUNICIPALITY_CODE = 'Kommunkod, e.g. "1471".'
COUNTY_CODE = 'Län code, two digits, e.g. "14".'
POLICE_REGION = 'The polisregion\'s name as the police write it ("Väst", "Nord", "Stockholm").'

# A municipality `m` with its county `co` and the county's police region `r`: what place_sql reads.
PLACE_OF_MUNICIPALITY = "JOIN county co ON co.code = m.county_id LEFT JOIN police_unit r ON r.id = co.police_region_id"


# What place_sql compares: a municipality `m` joined as PLACE_OF_MUNICIPALITY.
PLACE_COLUMNS = ("m.code", "m.county_id", "r.name")


def place_sql(
    municipality_code: str | None,
    county_code: str | None,
    police_region: str | None,
    columns: tuple[str, str, str] = PLACE_COLUMNS,
) -> list[Fragment]:
    """The place filter, for every list, statistic, export and search: conditions on the
    kommunkod, county code and police region name `columns` (by default a municipality `m`
    joined as PLACE_OF_MUNICIPALITY), those given."""
    return [
        sql(f"{column} = {{}}", value)
        for column, value in zip(columns, (municipality_code, county_code, police_region), strict=True)
        if value is not None
    ]


def area_sql(column: str, slug: str) -> Fragment:
    """`column` (an area id) is the area `slug` or an area below it, at any depth: a filter on a
    stadsdel finds what is for its neighbourhoods and places too. UNION (not UNION ALL) ends the
    recursion even on a cycle of parents, which validation refuses anyway; the chain is at most
    seed.validate.MAX_AREA_DEPTH long."""
    return sql(
        "{} IN (WITH RECURSIVE area_below(id) AS (SELECT sa.id FROM area sa WHERE sa.slug = {}"
        " UNION SELECT ca.id FROM area ca JOIN area_below ab ON ca.parent_id = ab.id) SELECT id FROM area_below)",
        sql.raw(column),
        slug,
    )


# A commitment `c` is for its own area, else its citizen promise `p`'s; NULL: the whole municipality.
COMMITMENT_AREA = "COALESCE(c.area_id, p.area_id)"
