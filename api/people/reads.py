"""What organisations and contacts read, declared once (api/compiled/declare.py).

Personal data (a contact's name, e-mail, phone) is read from `person` here only (the
compiled path and the reference path read these declarations, api/core/relations.py)."""

from __future__ import annotations

from api.compiled.declare import GlobalId, Related, Table, Value


def _person(column: str) -> str:
    return f"(SELECT kp.{column} FROM person kp WHERE kp.id = {{c}}.person_id)"


ORGANISATION = Table(
    "Organisation",
    {
        "id": GlobalId(),
        "kind": Value("{c}.kind", "enum"),
        "name": Value("{c}.name"),
        "slug": Value("{c}.slug"),
        "municipality": Related("Municipality", "municipality {c}", "{c}.code = {p}.municipality_id", many=False),
        "policeUnit": Related("PoliceUnit", "police_unit {c}", "{c}.id = {p}.police_unit_id", many=False),
    },
    table="organisation",
)

CONTACT = Table(
    "Contact",
    {
        "id": GlobalId(),
        "role": Value("{c}.role"),
        "name": Value(_person("name"), may_be_null=True),
        "email": Value(_person("email")),
        "phone": Value(_person("phone")),
        "slug": Value("{c}.slug"),
        "organisation": Related("Organisation", "organisation {c}", "{c}.id = {p}.organisation_id", many=False),
        "municipalities": Related(
            "Municipality",
            "contact_municipality {j} JOIN municipality {c} ON {c}.code = {j}.municipality_id",
            "{j}.contact_id = {p}.id",
            "{j}.position",
        ),
    },
    table="contact",
    lookup_visible=(("c", "k"),),
)

# A role printed without a person (printed_role, migrations 0014 and 0015): no personal data.
PRINTED_ROLE = Table(
    "PrintedRole",
    {
        "role": Value("{c}.role"),
        "signedOn": Value("{c}.signed_on", "date"),
        "place": Value("{c}.place"),
        "organisation": Related("Organisation", "organisation {c}", "{c}.id = {p}.organisation_id", many=False),
    },
    table="printed_role",
)

DECLARED = (ORGANISATION, CONTACT, PRINTED_ROLE)
