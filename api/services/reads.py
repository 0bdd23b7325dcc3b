"""What service agreements read, declared once (api/compiled/declare.py)."""

from __future__ import annotations

from api.compiled.declare import Elements, Related, Table, Value, content_fields

SERVICE_AGREEMENT = Table(
    "ServiceAgreement",
    {
        **content_fields(),
        "title": Value("{c}.title"),
        "provider": Value("{c}.provider"),
        "since": Value("{c}.since", "date"),
        "sinceLabel": Value("{c}.since_label"),
        "services": Value("{c}.services", "json"),
        "municipality": Related("Municipality", "municipality {c}", "{c}.code = {p}.municipality_id", many=False),
        "parties": Related(
            "Organisation",
            "service_agreement_party {j} JOIN organisation {c} ON {c}.id = {j}.organisation_id",
            "{j}.service_agreement_id = {p}.id",
            "{j}.position",
        ),
        "points": Related("ServicePoint", "service_point {c}", "{c}.service_agreement_id = {p}.id", "{c}.position"),
        # A service agreement prints no links (its table has no `links`): always none.
        "links": Elements("Link", "'[]'"),
    },
    table="service_agreement",
    lookup_visible=(("c", "s"),),
)

SERVICE_POINT = Table(
    "ServicePoint",
    {
        "key": Value("{c}.key"),
        "position": Value("{c}.position", "number"),
        "name": Value("{c}.name"),
        "kind": Value("{c}.kind", "enum"),
        "address": Value("{c}.address"),
        "area": Related("Area", "area {c}", "{c}.id = {p}.area_id", many=False),
        "openingHoursText": Value("{c}.opening_hours_text"),
        "openingHours": Value("{c}.opening_hours"),
        "validFrom": Value("{c}.valid_from", "date"),
        "validUntil": Value("{c}.valid_until", "date"),
        "note": Value("{c}.note"),
    },
    table="service_point",
)

DECLARED = (SERVICE_AGREEMENT, SERVICE_POINT)
