"""The place filters every list shares: kommunkod, county code, police region name."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from api.core.visibility import q


def place_conditions(
    municipality_code: str | None, county_code: str | None, police_region: str | None, relation: str = ""
) -> dict[str, Any]:
    """Conditions on the municipality reached through `relation` (empty: the row's own)."""
    p = f"{relation}__" if relation else ""
    conditions: dict[str, Any] = {}
    if municipality_code is not None:
        conditions[f"{p}municipality_id"] = municipality_code
    if county_code is not None:
        conditions[f"{p}municipality__county_id"] = county_code
    if police_region is not None:
        conditions[f"{p}municipality__county__police_region__name"] = police_region
    return conditions


def place_filter(
    municipality_code: str | None, county_code: str | None, police_region: str | None, relation: str = ""
) -> Q:
    return q(place_conditions(municipality_code, county_code, police_region, relation))
