"""Samtjänstavtal: a municipality performs some police services locally."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.content import ContentItem
from models.enums import ServicePointKind
from models.geography import Area, Municipality
from models.people import Organisation


class ServiceAgreement(ContentItem):
    """A samtjänstavtal: who performs which police services where, and since when."""

    title = fields.CharField(max_length=300)
    title_composed = fields.BooleanField(default=False)
    municipality: fields.ForeignKeyRelation[Municipality] = fields.ForeignKeyField(
        "models.Municipality", related_name="service_agreements", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=300)
    since = fields.DateField(null=True)
    since_label = fields.CharField(max_length=200, null=True)
    services: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    summary = fields.TextField(null=True)
    # Renderings of the summary and the renderer's version, as on Agreement.
    summary_html = fields.TextField(null=True)
    summary_plain = fields.TextField(null=True)
    render_version = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "service_agreement"
        indexes = (Index(fields=("municipality_id",)),)


class ServiceAgreementParty(Model):
    id = fields.IntField(primary_key=True)
    service_agreement: fields.ForeignKeyRelation[ServiceAgreement] = fields.ForeignKeyField(
        "models.ServiceAgreement", related_name="party_links", on_delete=fields.CASCADE
    )
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="service_agreement_links", on_delete=fields.RESTRICT
    )
    position = fields.IntField()

    class Meta:
        table = "service_agreement_party"
        indexes = (Index(fields=("organisation_id",)),)
        unique_together = (("service_agreement", "organisation"), ("service_agreement", "position"))


class ServicePoint(Model):
    """Where a samtjänstavtal's services are given: a desk at a library, a mobile police office
    one day a week, a temporary arrangement until a date. Opening hours as printed and, beside
    them, in OpenStreetMap's `opening_hours` syntax (checked by seed/hours.py)."""

    id = fields.IntField(primary_key=True)
    service_agreement: fields.ForeignKeyRelation[ServiceAgreement] = fields.ForeignKeyField(
        "models.ServiceAgreement", related_name="points", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=100)
    position = fields.IntField()
    name = fields.CharField(max_length=300)
    kind = fields.CharEnumField(ServicePointKind, max_length=20, default=ServicePointKind.FIXED)
    address = fields.CharField(max_length=300, null=True)
    area: fields.ForeignKeyNullableRelation[Area] = fields.ForeignKeyField(
        "models.Area", related_name="service_points", null=True, on_delete=fields.RESTRICT
    )
    opening_hours_text = fields.CharField(max_length=1000, null=True)
    opening_hours = fields.CharField(max_length=1000, null=True)
    # A temporary arrangement: the days it is in place (valid_until: its end date).
    valid_from = fields.DateField(null=True)
    valid_until = fields.DateField(null=True)
    note = fields.CharField(max_length=1000, null=True)

    class Meta:
        table = "service_point"
        indexes = (Index(fields=("area_id",)),)
        unique_together = (("service_agreement", "key"), ("service_agreement", "position"))
