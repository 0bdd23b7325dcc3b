"""What service agreements read, declared once (api/compiled/declare.py)."""

from __future__ import annotations

from api.compiled.declare import Related, Table, Value, content_fields

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
    },
    table="service_agreement",
    lookup_visible=(("c", "s"),),
)

DECLARED = (SERVICE_AGREEMENT,)
