"""Samtjänstavtal: a municipality performs some police services locally."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.content import ContentItem
from models.geography import Municipality
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
