from __future__ import annotations

from api.core.loaders import RowLoader, RowsLoader
from api.core.sql import Decode, columns
from api.geography.loaders import MUNICIPALITY_FIELDS

ORGANISATION_FIELDS = ("id", "slug", "kind", "name", "municipality_id", "police_unit_id")
ORGANISATION_COLUMNS = columns("o", ORGANISATION_FIELDS)
# Personal data is read here and nowhere else in the API.
PERSON_FIELDS = ("id", "name", "email", "phone")
CONTACT_COLUMNS = (
    "k.id AS id, k.slug AS slug, k.role AS role, k.organisation_id AS organisation_id, k.updated_at AS updated_at,"
    " pe.name AS person__name, pe.email AS person__email, pe.phone AS person__phone"
)
PERSON_OF_CONTACT = "LEFT JOIN person pe ON pe.id = k.person_id"
CONTACT_DECODE = Decode(datetimes=("updated_at",))


class OrganisationByIdLoader(RowLoader[int]):
    select = f"SELECT {ORGANISATION_COLUMNS} FROM organisation o"
    key_column = "o.id"


class OrganisationBySlugLoader(RowLoader[str]):
    key_field = "slug"
    select = f"SELECT {ORGANISATION_COLUMNS} FROM organisation o"
    key_column = "o.slug"


class PersonByIdLoader(RowLoader[int]):
    select = f"SELECT {columns('pe', PERSON_FIELDS)} FROM person pe"
    key_column = "pe.id"


class ContactBySlugLoader(RowLoader[str]):
    key_field = "slug"
    select = f"SELECT {CONTACT_COLUMNS} FROM contact k {PERSON_OF_CONTACT}"
    key_column = "k.slug"
    visible = ("k",)
    decode = CONTACT_DECODE


class ContactsByMunicipalityLoader(RowsLoader[str]):
    group_field = "municipality_id"
    select = (
        f"SELECT km.municipality_id AS municipality_id, {CONTACT_COLUMNS}"
        f" FROM contact_municipality km JOIN contact k ON k.id = km.contact_id {PERSON_OF_CONTACT}"
    )
    key_column = "km.municipality_id"
    visible = ("k",)
    order_by = "km.municipality_id, k.role, k.slug"
    decode = CONTACT_DECODE


class ContactsByCitizenPromiseLoader(RowsLoader[int]):
    group_field = "citizen_promise_id"
    select = (
        f"SELECT pk.citizen_promise_id AS citizen_promise_id, {CONTACT_COLUMNS}"
        f" FROM citizen_promise_contact pk JOIN contact k ON k.id = pk.contact_id {PERSON_OF_CONTACT}"
    )
    key_column = "pk.citizen_promise_id"
    visible = ("k",)
    order_by = "pk.citizen_promise_id, pk.position"
    decode = CONTACT_DECODE


class MunicipalitiesByContactLoader(RowsLoader[int]):
    group_field = "contact_id"
    select = (
        f"SELECT km.contact_id AS contact_id, {columns('m', MUNICIPALITY_FIELDS)}"
        " FROM contact_municipality km JOIN municipality m ON m.code = km.municipality_id"
    )
    key_column = "km.contact_id"
    order_by = "km.contact_id, km.position"


# A document's roles printed without a person (printed_role), both kinds in one statement: the
# signing roles and the contact roles are the rows of one kind each (api/people/types.py). A
# follow-up's author role and a municipality's contact roles have owners of their own.
PRINTED_ROLE_COLUMNS = (
    "r.agreement_id AS agreement_id, r.citizen_promise_id AS citizen_promise_id, r.kind AS kind, r.role AS role,"
    " r.organisation_id AS organisation_id, r.signed_on AS signed_on, r.place AS place"
)
PRINTED_ROLE_DECODE = Decode(dates=("signed_on",))


class PrintedRolesByAgreementLoader(RowsLoader[int]):
    group_field = "agreement_id"
    select = f"SELECT {PRINTED_ROLE_COLUMNS} FROM printed_role r"
    key_column = "r.agreement_id"
    order_by = "r.agreement_id, r.position"
    decode = PRINTED_ROLE_DECODE


class PrintedRolesByCitizenPromiseLoader(RowsLoader[int]):
    group_field = "citizen_promise_id"
    select = f"SELECT {PRINTED_ROLE_COLUMNS} FROM printed_role r"
    key_column = "r.citizen_promise_id"
    order_by = "r.citizen_promise_id, r.position"
    decode = PRINTED_ROLE_DECODE


class PrintedRoleByFollowUpLoader(RowLoader[int]):
    """A follow-up's author printed as a role only (printed_role AUTHOR, at most one)."""

    key_field = "follow_up_id"
    select = f"SELECT r.follow_up_id AS follow_up_id, {PRINTED_ROLE_COLUMNS} FROM printed_role r"
    key_column = "r.follow_up_id"
    decode = PRINTED_ROLE_DECODE


class PrintedRolesByMunicipalityLoader(RowsLoader[str]):
    """A municipality's contacts printed as a role only: the CONTACT rows of its organisations of
    kind MUNICIPALITY, by organisation slug, then in the order printed."""

    group_field = "municipality_id"
    select = (
        f"SELECT mo.municipality_id AS municipality_id, {PRINTED_ROLE_COLUMNS}"
        " FROM printed_role r JOIN organisation mo ON mo.id = r.municipality_organisation_id"
    )
    key_column = "mo.municipality_id"
    order_by = "mo.municipality_id, mo.slug, r.position"
    decode = PRINTED_ROLE_DECODE
