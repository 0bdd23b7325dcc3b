"""The place filters every list shares: kommunkod, county code, police region name."""

from __future__ import annotations

from api.core.sql import Statement


def place_sql(
    statement: Statement,
    municipality: str,
    municipality_code: str | None,
    county_code: str | None,
    police_region: str | None,
) -> list[str]:
    """Conditions on a municipality row `municipality` joined to its county `co` and the
    county's police region `r`."""
    where = []
    if municipality_code is not None:
        where.append(f"{municipality}.code = {statement.bind('municipality_code', municipality_code)}")
    if county_code is not None:
        where.append(f"{municipality}.county_id = {statement.bind('county_code', county_code)}")
    if police_region is not None:
        where.append(f"r.name = {statement.bind('police_region', police_region)}")
    return where
