from __future__ import annotations

from api.core.content import CONTENT_DECODE, CONTENT_FIELDS
from api.core.loaders import RowLoader, RowsLoader
from api.core.sql import Decode, columns
from api.people.loaders import ORGANISATION_FIELDS

SERVICE_AGREEMENT_FIELDS = (
    *CONTENT_FIELDS,
    "title",
    "municipality_id",
    "provider",
    "since",
    "since_label",
    "services",
)
SERVICE_AGREEMENT_DECODE = CONTENT_DECODE + Decode(dates=("since",), json=("services",))
SERVICE_AGREEMENT_COLUMNS = columns("s", SERVICE_AGREEMENT_FIELDS)


class ServiceAgreementBySlugLoader(RowLoader[str]):
    key_field = "slug"
    select = f"SELECT {SERVICE_AGREEMENT_COLUMNS} FROM service_agreement s"
    key_column = "s.slug"
    visible = ("s",)
    decode = SERVICE_AGREEMENT_DECODE


class ServiceAgreementsByMunicipalityLoader(RowsLoader[str]):
    group_field = "municipality_id"
    select = f"SELECT {SERVICE_AGREEMENT_COLUMNS} FROM service_agreement s"
    key_column = "s.municipality_id"
    visible = ("s",)
    order_by = "s.municipality_id, s.slug"
    decode = SERVICE_AGREEMENT_DECODE


class PartiesByServiceAgreementLoader(RowsLoader[int]):
    group_field = "service_agreement_id"
    select = (
        f"SELECT sp.service_agreement_id AS service_agreement_id, {columns('o', ORGANISATION_FIELDS)}"
        " FROM service_agreement_party sp JOIN organisation o ON o.id = sp.organisation_id"
    )
    key_column = "sp.service_agreement_id"
    order_by = "sp.service_agreement_id, sp.position"


SERVICE_POINT_FIELDS = (
    "id",
    "service_agreement_id",
    "key",
    "position",
    "name",
    "kind",
    "address",
    "area_id",
    "opening_hours_text",
    "opening_hours",
    "valid_from",
    "valid_until",
    "note",
)


class PointsByServiceAgreementLoader(RowsLoader[int]):
    group_field = "service_agreement_id"
    select = f"SELECT {columns('sp', SERVICE_POINT_FIELDS)} FROM service_point sp"
    key_column = "sp.service_agreement_id"
    order_by = "sp.service_agreement_id, sp.position"
    decode = Decode(dates=("valid_from", "valid_until"))
