"""What municipalities, counties and police units read, declared once (api/compiled/declare.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.compiled.declare import ByKey, Everything, GlobalId, Listing, Related, Root, Table, Value, Visible
from api.core.pagination import SortKey
from api.geography.filters import PLACE_OF_MUNICIPALITY, place_sql
from models.sql import Fragment

# Newest period first; a period that is not known counts from the date the agreement is in
# force from (as the agreements list, api/agreements/reads.py, AGREEMENT_ORDER).
_AGREEMENTS_NEWEST_FIRST = (
    "COALESCE({c}.period_start, {c}.signed_on, {c}.source_published_on, '0001-01-01') DESC, {c}.slug"
)


def _active_on(alias: str, arguments: Mapping[str, Any]) -> list[Fragment]:
    from api.agreements.filters import active_on_sql

    date = arguments.get("active_on")
    return [] if date is None else [active_on_sql(alias, date)]


def _covers_year(alias: str, arguments: Mapping[str, Any]) -> list[Fragment]:
    from api.promises.filters import covers_year_sql

    year = arguments.get("year")
    return [] if year is None else [covers_year_sql(alias, year)]


MUNICIPALITY = Table(
    "Municipality",
    {
        "id": GlobalId(),
        "code": Value("{c}.code"),
        "name": Value("{c}.name"),
        "county": Related("County", "county {c}", "{c}.code = {p}.county_id", many=False),
        "localPoliceArea": Related("PoliceUnit", "police_unit {c}", "{c}.id = {p}.local_police_area_id", many=False),
        "agreements": Related(
            "Agreement",
            "agreement_party {j} JOIN organisation {j2} ON {j2}.id = {j}.organisation_id"
            " JOIN agreement {c} ON {c}.id = {j}.agreement_id",
            "{j2}.municipality_id = {p}.code",
            _AGREEMENTS_NEWEST_FIRST,
            visible=(("c", "a"),),
            arguments=_active_on,
        ),
        "citizenPromises": Related(
            "CitizenPromise",
            "citizen_promise {c}",
            "{c}.municipality_id = {p}.code",
            "{c}.period_start DESC, {c}.slug",
            visible=(("c", "p"),),
            arguments=_covers_year,
        ),
        "serviceAgreements": Related(
            "ServiceAgreement",
            "service_agreement {c}",
            "{c}.municipality_id = {p}.code",
            "{c}.slug",
            visible=(("c", "s"),),
        ),
        "contacts": Related(
            "Contact",
            "contact_municipality {j} JOIN contact {c} ON {c}.id = {j}.contact_id",
            "{j}.municipality_id = {p}.code",
            "{c}.role, {c}.slug",
            visible=(("c", "k"),),
        ),
        "contactRoles": Related(
            "PrintedRole",
            "organisation {j} JOIN printed_role {c} ON {c}.municipality_organisation_id = {j}.id",
            "{j}.municipality_id = {p}.code",
            "{j}.slug, {c}.position",
        ),
        "areas": Related("Area", "area {c}", "{c}.municipality_id = {p}.code", "{c}.name, {c}.slug"),
    },
    table="municipality",
    key="{c}.code",
    lookup="{c}.code = {key}",
)

COUNTY = Table(
    "County",
    {
        "id": GlobalId(),
        "code": Value("{c}.code"),
        "name": Value("{c}.name"),
        "policeRegion": Related("PoliceUnit", "police_unit {c}", "{c}.id = {p}.police_region_id", many=False),
        "municipalities": Related("Municipality", "municipality {c}", "{c}.county_id = {p}.code", "{c}.code"),
    },
    table="county",
    key="{c}.code",
    lookup="{c}.code = {key}",
)

POLICE_UNIT = Table(
    "PoliceUnit",
    {
        "id": GlobalId(),
        "level": Value("{c}.level", "enum"),
        "name": Value("{c}.name"),
        "slug": Value("{c}.slug"),
        "parent": Related("PoliceUnit", "police_unit {c}", "{c}.id = {p}.parent_id", many=False),
        # A region serves the municipalities of its counties, the others those of the local
        # police areas below them.
        "municipalities": Related(
            "Municipality",
            "municipality {c} JOIN county {j} ON {j}.code = {c}.county_id"
            " LEFT JOIN police_unit {j2} ON {j2}.id = {c}.local_police_area_id",
            "({c}.local_police_area_id = {p}.id OR {j2}.parent_id = {p}.id OR {j}.police_region_id = {p}.id)",
            "{c}.code",
        ),
    },
    table="police_unit",
)

AREA = Table(
    "Area",
    {
        "slug": Value("{c}.slug"),
        "kind": Value("{c}.kind", "enum"),
        "name": Value("{c}.name"),
        "municipality": Related(
            "Municipality", "municipality {c}", "{c}.code = {p}.municipality_id", many=False, required=True
        ),
        "parent": Related("Area", "area {c}", "{c}.id = {p}.parent_id", many=False),
    },
    table="area",
)

DECLARED = (MUNICIPALITY, COUNTY, POLICE_UNIT, AREA)


def _municipalities_where(visible: Visible, arguments: Mapping[str, Any]) -> list[Fragment]:
    return place_sql(None, arguments.get("county_code"), arguments.get("police_region"))


ROOTS: dict[str, Root] = {
    "municipality": ByKey("Municipality", "code"),
    "counties": Everything("County", "{c}.code"),
    "municipalities": Listing(
        "Municipality",
        f"municipality m {PLACE_OF_MUNICIPALITY}",
        "m",
        _municipalities_where,
        (SortKey("m.code", "sort_code"),),
        accepts=frozenset({"countyCode", "policeRegion", "first", "after", "preview"}),
    ),
}
