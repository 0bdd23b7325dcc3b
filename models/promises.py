"""Medborgarlöften and the commitments (löften) they consist of."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.agreements import Agreement
from models.content import ContentItem
from models.enums import Actor, Interval, TargetQualifier
from models.geography import Area, Municipality
from models.people import Contact, Organisation, Person

if TYPE_CHECKING:
    from models.followups import FollowUp


class CitizenPromise(ContentItem):
    """A medborgarlöfte: what the parties promise one municipality's citizens for a period."""

    title = fields.CharField(max_length=300)
    title_composed = fields.BooleanField(default=False)
    period_start = fields.DateField()
    period_end = fields.DateField(null=True)
    period_label = fields.CharField(max_length=200)
    municipality: fields.ForeignKeyRelation[Municipality] = fields.ForeignKeyField(
        "models.Municipality", related_name="citizen_promises", on_delete=fields.RESTRICT
    )
    agreement: fields.ForeignKeyNullableRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="citizen_promises", null=True, on_delete=fields.RESTRICT
    )
    area: fields.ForeignKeyNullableRelation[Area] = fields.ForeignKeyField(
        "models.Area", related_name="citizen_promises", null=True, on_delete=fields.RESTRICT
    )
    # The day its parties signed it, when printed (its signatories may print their own).
    signed_on = fields.DateField(null=True)
    summary = fields.TextField(null=True)
    problem_picture = fields.TextField(null=True)
    sections: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    links: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    # Renderings of the Markdown fields and the renderer's version, as on Agreement.
    summary_html = fields.TextField(null=True)
    summary_plain = fields.TextField(null=True)
    problem_picture_html = fields.TextField(null=True)
    problem_picture_plain = fields.TextField(null=True)
    sections_html: fields.JSONField[list[str]] = fields.JSONField(null=True)
    sections_plain: fields.JSONField[list[str]] = fields.JSONField(null=True)
    render_version = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "citizen_promise"
        indexes = (
            Index(fields=("municipality_id",)),
            Index(fields=("agreement_id",)),
            Index(fields=("area_id",)),
        )


class CitizenPromiseContact(Model):
    """A contact printed on a medborgarlöfte, in the order printed."""

    id = fields.IntField(primary_key=True)
    citizen_promise: fields.ForeignKeyRelation[CitizenPromise] = fields.ForeignKeyField(
        "models.CitizenPromise", related_name="contact_links", on_delete=fields.CASCADE
    )
    contact: fields.ForeignKeyRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="citizen_promise_links", on_delete=fields.RESTRICT
    )
    position = fields.IntField()

    class Meta:
        table = "citizen_promise_contact"
        indexes = (Index(fields=("contact_id",)),)
        unique_together = (("citizen_promise", "contact"), ("citizen_promise", "position"))


class CitizenPromiseParty(Model):
    """An organisation a medborgarlöfte prints as its own party (a stadsdelsförvaltning, a local
    police area), in the order printed. Where a promise prints parties they are its sides; else
    its sides are its municipality and that municipality's local police area."""

    id = fields.IntField(primary_key=True)
    citizen_promise: fields.ForeignKeyRelation[CitizenPromise] = fields.ForeignKeyField(
        "models.CitizenPromise", related_name="party_links", on_delete=fields.CASCADE
    )
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="citizen_promise_parties", on_delete=fields.RESTRICT
    )
    position = fields.IntField()

    class Meta:
        table = "citizen_promise_party"
        indexes = (Index(fields=("organisation_id",)),)
        unique_together = (("citizen_promise", "organisation"), ("citizen_promise", "position"))


class CitizenPromiseSignatory(Model):
    """A person who signed a medborgarlöfte, with the title printed under the signature (the
    name lives in Person, the only place of personal data)."""

    id = fields.IntField(primary_key=True)
    citizen_promise: fields.ForeignKeyRelation[CitizenPromise] = fields.ForeignKeyField(
        "models.CitizenPromise", related_name="signatories", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="promise_signatures", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=300, null=True)
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="promise_signatories", null=True, on_delete=fields.RESTRICT
    )
    signed_on = fields.DateField(null=True)
    place = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "citizen_promise_signatory"
        indexes = (Index(fields=("person_id",)), Index(fields=("organisation_id",)))
        unique_together = (("citizen_promise", "position"),)


class Topic(Model):
    """A key of the controlled topic vocabulary, with its Swedish label."""

    key = fields.CharField(max_length=50, primary_key=True)
    label = fields.CharField(max_length=100)
    position = fields.IntField(default=0)

    class Meta:
        table = "topic"

    def __str__(self) -> str:
        return self.label


class Commitment(Model):
    """One löfte: a single commitment by one actor inside a medborgarlöfte."""

    id = fields.IntField(primary_key=True)
    citizen_promise: fields.ForeignKeyRelation[CitizenPromise] = fields.ForeignKeyField(
        "models.CitizenPromise", related_name="commitments", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=100)
    actor = fields.CharEnumField(Actor, max_length=20)
    actor_label = fields.CharField(max_length=200, null=True)
    text = fields.TextField()
    position = fields.IntField()
    document_order = fields.IntField()
    # The list's printed numbering ("1.", "2 a)"), when the document numbers its commitments.
    number = fields.CharField(max_length=50, null=True)
    # The area the commitment is for, when it names one below its promise's (a centre, a school).
    area: fields.ForeignKeyNullableRelation[Area] = fields.ForeignKeyField(
        "models.Area", related_name="commitments", null=True, on_delete=fields.RESTRICT
    )
    # Two levels: the joint statement of the same promise this activity stands under.
    parent: fields.ForeignKeyNullableRelation[Commitment] = fields.ForeignKeyField(
        "models.Commitment", related_name="activities", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "commitment"
        indexes = (Index(fields=("area_id",)), Index(fields=("parent_id",)))
        unique_together = (
            ("citizen_promise", "key"),
            ("citizen_promise", "document_order"),
            ("citizen_promise", "actor", "position"),
        )

    def __str__(self) -> str:
        return self.key


class CommitmentTopic(Model):
    """A topic a commitment is tagged with, in the editor's order."""

    id = fields.IntField(primary_key=True)
    commitment: fields.ForeignKeyRelation[Commitment] = fields.ForeignKeyField(
        "models.Commitment", related_name="topic_links", on_delete=fields.CASCADE
    )
    topic: fields.ForeignKeyRelation[Topic] = fields.ForeignKeyField(
        "models.Topic", related_name="commitment_links", on_delete=fields.RESTRICT
    )
    position = fields.IntField()

    class Meta:
        table = "commitment_topic"
        indexes = (Index(fields=("topic_id",)),)
        unique_together = (("commitment", "topic"), ("commitment", "position"))


class CommitmentPartner(Model):
    """An organisation a commitment names as taking part (e.g. socialtjänsten, a school)."""

    id = fields.IntField(primary_key=True)
    commitment: fields.ForeignKeyRelation[Commitment] = fields.ForeignKeyField(
        "models.Commitment", related_name="partner_links", on_delete=fields.CASCADE
    )
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="commitment_links", on_delete=fields.RESTRICT
    )
    position = fields.IntField()

    class Meta:
        table = "commitment_partner"
        indexes = (Index(fields=("organisation_id",)),)
        unique_together = (("commitment", "organisation"), ("commitment", "position"))


class CommitmentPerformer(Model):
    """An organisation that does the work of a commitment (its actor OTHER names at least one),
    as distinct from the partners that take part."""

    id = fields.IntField(primary_key=True)
    commitment: fields.ForeignKeyRelation[Commitment] = fields.ForeignKeyField(
        "models.Commitment", related_name="performer_links", on_delete=fields.CASCADE
    )
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="performed_links", on_delete=fields.RESTRICT
    )
    position = fields.IntField()

    class Meta:
        table = "commitment_performer"
        indexes = (Index(fields=("organisation_id",)),)
        unique_together = (("commitment", "organisation"), ("commitment", "position"))


class CommitmentTarget(Model):
    """A measurable target inside a commitment ("minst sex trygghetsvandringar under året"), in
    the order printed. Its key is unique within the citizen promise; follow-up results name it."""

    id = fields.IntField(primary_key=True)
    commitment: fields.ForeignKeyRelation[Commitment] = fields.ForeignKeyField(
        "models.Commitment", related_name="targets", on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=100)
    position = fields.IntField()
    quantity = fields.FloatField(null=True)
    qualifier = fields.CharEnumField(TargetQualifier, max_length=20, default=TargetQualifier.EXACTLY)
    counted = fields.CharField(max_length=200)
    interval = fields.CharEnumField(Interval, max_length=20, null=True)
    deadline = fields.DateField(null=True)
    phrase = fields.CharField(max_length=1000)

    class Meta:
        table = "commitment_target"
        unique_together = (("commitment", "key"), ("commitment", "position"))


class TargetGroup(Model):
    """Who a promise or a commitment is for, as printed ("ungdomar 13–17 år", "årskurs 8",
    "seniorer"), with the ages or the school year when printed. A group of the promise when
    `commitment` is null, else of that commitment (of the same promise); in the order printed."""

    id = fields.IntField(primary_key=True)
    citizen_promise: fields.ForeignKeyRelation[CitizenPromise] = fields.ForeignKeyField(
        "models.CitizenPromise", related_name="target_groups", on_delete=fields.CASCADE
    )
    commitment: fields.ForeignKeyNullableRelation[Commitment] = fields.ForeignKeyField(
        "models.Commitment", related_name="target_groups", null=True, on_delete=fields.CASCADE
    )
    position = fields.IntField()
    label = fields.CharField(max_length=200)
    age_from = fields.IntField(null=True)
    age_to = fields.IntField(null=True)
    school_year = fields.IntField(null=True)

    class Meta:
        table = "target_group"
        indexes = (Index(fields=("citizen_promise_id",)), Index(fields=("commitment_id",)))


class PrintedRole(Model):
    """A role printed without a person ("kommunens trygghetssamordnare"): a signatory of an
    agreement or a citizen promise (`kind` SIGNATORY), a contact a citizen promise prints or a
    contact of a municipality (CONTACT), or the author who signs a follow-up (AUTHOR), with its
    organisation and, for a signatory or an author, the date and place signed. Its own table
    rather than a nullable `person_id` on `signatory` or `follow_up_author`: the contract's
    `Signatory.person` and `Contact.name` stay non-null, and SQLite would have to rebuild those
    tables to relax NOT NULL. `position` shares the numbering of the named signatories of the
    same document, so the printed order of both survives a seed export.

    Exactly one owner (migrations 0014 and 0015 hold it in the database): an agreement, a
    citizen promise, a follow-up (at most one AUTHOR each: a follow-up's author is a person in
    `follow_up_author` or a role here), or a municipality's organisation (`municipality_organisation`,
    kind MUNICIPALITY: the contacts the municipality prints as a role only, e.g. "kommunpolisen i
    Götene")."""

    id = fields.IntField(primary_key=True)
    agreement: fields.ForeignKeyNullableRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="printed_roles", null=True, on_delete=fields.CASCADE
    )
    citizen_promise: fields.ForeignKeyNullableRelation[CitizenPromise] = fields.ForeignKeyField(
        "models.CitizenPromise", related_name="printed_roles", null=True, on_delete=fields.CASCADE
    )
    follow_up: fields.ForeignKeyNullableRelation[FollowUp] = fields.ForeignKeyField(
        "models.FollowUp", related_name="printed_roles", null=True, on_delete=fields.CASCADE
    )
    municipality_organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="municipality_contact_roles", null=True, on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=20)
    position = fields.IntField()
    role = fields.CharField(max_length=300)
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="printed_roles", null=True, on_delete=fields.RESTRICT
    )
    signed_on = fields.DateField(null=True)
    place = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "printed_role"
        indexes = (
            Index(fields=("agreement_id",)),
            Index(fields=("citizen_promise_id",)),
            Index(fields=("organisation_id",)),
            Index(fields=("municipality_organisation_id",)),
        )
