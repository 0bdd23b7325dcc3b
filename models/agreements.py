"""Samverkansöverenskommelser: the multi-year agreements between municipalities and police."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.content import ContentItem
from models.enums import FollowUpForm
from models.people import Organisation, Person


class Agreement(ContentItem):
    """A samverkansöverenskommelse between two or more parties."""

    title = fields.CharField(max_length=300)
    # True when the page prints no title and ours was composed from what it does print.
    title_composed = fields.BooleanField(default=False)
    period_start = fields.DateField(null=True)
    period_end = fields.DateField(null=True)
    period_label = fields.CharField(max_length=200, null=True)
    signed_on = fields.DateField(null=True)
    signed_place = fields.CharField(max_length=200, null=True)
    summary = fields.TextField(null=True)
    # Ordered [{heading, body, role}] with Markdown bodies; read and written whole.
    sections: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    # Renderings of the Markdown fields, written with them (models/rendered.py): HTML and plain
    # text of the summary, and lists of the sections' bodies in the sections' order.
    summary_html = fields.TextField(null=True)
    summary_plain = fields.TextField(null=True)
    sections_html: fields.JSONField[list[str]] = fields.JSONField(null=True)
    sections_plain: fields.JSONField[list[str]] = fields.JSONField(null=True)
    # The renderer's version they were made by (models/text.py, VERSION); 0: not rendered yet.
    render_version = fields.IntField(default=0, db_default=0)
    # Ordered [{title, items: [str]}].
    problem_areas: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    # Ordered [{label, url, target: {type, slug}}].
    links: fields.JSONField[list[Any]] = fields.JSONField(default=list)

    class Meta:
        table = "agreement"


class AgreementParty(Model):
    """An organisation that is party to an agreement, in the order printed."""

    id = fields.IntField(primary_key=True)
    agreement: fields.ForeignKeyRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="party_links", on_delete=fields.CASCADE
    )
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="agreement_links", on_delete=fields.RESTRICT
    )
    position = fields.IntField()

    class Meta:
        table = "agreement_party"
        indexes = (Index(fields=("organisation_id",)),)
        unique_together = (("agreement", "organisation"), ("agreement", "position"))


class Signatory(Model):
    """A person who signed an agreement, with the title printed under the signature."""

    id = fields.IntField(primary_key=True)
    agreement: fields.ForeignKeyRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="signatories", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="signatures", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=300, null=True)
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="signatories", null=True, on_delete=fields.RESTRICT
    )
    signed_on = fields.DateField(null=True)
    place = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "signatory"
        indexes = (
            Index(fields=("person_id",)),
            Index(fields=("organisation_id",)),
        )
        unique_together = (("agreement", "position"),)


class GovernanceBody(Model):
    """A body an agreement sets up or relies on (a trygghetsråd, a BRÅ-grupp, a chefssamråd, an
    operative group below one), with its role and cadence as printed; `key` unique within the
    agreement, `parent` the body it is below (same agreement)."""

    id = fields.IntField(primary_key=True)
    agreement: fields.ForeignKeyRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="bodies", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=100)
    position = fields.IntField()
    name = fields.CharField(max_length=300)
    role = fields.CharField(max_length=1000, null=True)
    meetings_per_year = fields.IntField(null=True)
    cadence = fields.CharField(max_length=200, null=True)
    parent: fields.ForeignKeyNullableRelation[GovernanceBody] = fields.ForeignKeyField(
        "models.GovernanceBody", related_name="children", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "governance_body"
        indexes = (Index(fields=("parent_id",)),)
        unique_together = (("agreement", "key"), ("agreement", "position"))


class GovernanceBodyMember(Model):
    """An organisation that is a party to or a member of a body, in the order printed."""

    id = fields.IntField(primary_key=True)
    body: fields.ForeignKeyRelation[GovernanceBody] = fields.ForeignKeyField(
        "models.GovernanceBody", related_name="member_links", on_delete=fields.CASCADE
    )
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="body_memberships", on_delete=fields.RESTRICT
    )
    position = fields.IntField()

    class Meta:
        table = "governance_body_member"
        indexes = (Index(fields=("organisation_id",)),)
        unique_together = (("body", "organisation"), ("body", "position"))


class FollowUpRule(Model):
    """How an agreement says it is followed up ("skriftligt en gång/år", "muntligt vid rådets
    sammanträden", "rapporteras till kommunstyrelsen"), with the words printed."""

    id = fields.IntField(primary_key=True)
    agreement: fields.ForeignKeyRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="follow_up_rules", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    form = fields.CharEnumField(FollowUpForm, max_length=20)
    times_per_year = fields.IntField(null=True)
    responsible: fields.ForeignKeyNullableRelation[GovernanceBody] = fields.ForeignKeyField(
        "models.GovernanceBody", related_name="rules_responsible", null=True, on_delete=fields.SET_NULL
    )
    at_meetings_of: fields.ForeignKeyNullableRelation[GovernanceBody] = fields.ForeignKeyField(
        "models.GovernanceBody", related_name="rules_at_meetings", null=True, on_delete=fields.SET_NULL
    )
    reported_to = fields.CharField(max_length=300, null=True)
    phrase = fields.CharField(max_length=1000)

    class Meta:
        table = "follow_up_rule"
        indexes = (Index(fields=("responsible_id",)), Index(fields=("at_meetings_of_id",)))
        unique_together = (("agreement", "position"),)
