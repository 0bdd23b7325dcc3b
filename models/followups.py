"""Uppföljningar: what was done, per follow-up period of a medborgarlöfte."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.content import ContentItem
from models.enums import Actor, Assessment, FollowUpSpan, Interval, SuccessionKind
from models.people import Organisation, Person
from models.promises import CitizenPromise, Commitment, CommitmentTarget


class FollowUp(ContentItem):
    """An uppföljning of one citizen promise for one year (or another period)."""

    title = fields.CharField(max_length=300)
    title_composed = fields.BooleanField(default=False)
    citizen_promise: fields.ForeignKeyRelation[CitizenPromise] = fields.ForeignKeyField(
        "models.CitizenPromise", related_name="follow_ups", on_delete=fields.RESTRICT
    )
    year = fields.IntField()
    # Per year, or per halvår / tertial of that year (span_number 1–2 or 1–3).
    span = fields.CharEnumField(FollowUpSpan, max_length=20, default=FollowUpSpan.YEAR)
    span_number = fields.IntField(null=True)
    period_start = fields.DateField(null=True)
    period_end = fields.DateField(null=True)
    period_label = fields.CharField(max_length=200, null=True)
    summary = fields.TextField(null=True)
    links: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    # Renderings of the summary and the renderer's version, as on Agreement.
    summary_html = fields.TextField(null=True)
    summary_plain = fields.TextField(null=True)
    render_version = fields.IntField(default=0, db_default=0)
    entries: fields.ReverseRelation[FollowUpEntry]

    class Meta:
        table = "follow_up"
        indexes = (Index(fields=("citizen_promise_id",)),)


class FollowUpEntry(Model):
    """One narrative block of a follow-up, in document order."""

    id = fields.IntField(primary_key=True)
    follow_up: fields.ForeignKeyRelation[FollowUp] = fields.ForeignKeyField(
        "models.FollowUp", related_name="entries", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    narrative = fields.TextField()
    assessment = fields.CharEnumField(Assessment, max_length=20, default=Assessment.NOT_ASSESSED)
    # The actor the entry speaks for and the heading of its section as printed ("Polisens uppföljning").
    actor = fields.CharEnumField(Actor, max_length=20, null=True)
    heading = fields.CharField(max_length=1000, null=True)
    # Renderings of the narrative and the renderer's version, as on Agreement (null: not rendered yet).
    narrative_html = fields.TextField(null=True)
    narrative_plain = fields.TextField(null=True)
    render_version = fields.IntField(default=0, db_default=0)
    commitment_links: fields.ReverseRelation[FollowUpEntryCommitment]
    results: fields.ReverseRelation[FollowUpEntryResult]

    class Meta:
        table = "follow_up_entry"
        unique_together = (("follow_up", "position"),)


class FollowUpEntryCommitment(Model):
    """Which commitment an entry reports on. A trigger keeps both in the same citizen promise."""

    id = fields.IntField(primary_key=True)
    entry: fields.ForeignKeyRelation[FollowUpEntry] = fields.ForeignKeyField(
        "models.FollowUpEntry", related_name="commitment_links", on_delete=fields.CASCADE
    )
    commitment: fields.ForeignKeyRelation[Commitment] = fields.ForeignKeyField(
        "models.Commitment", related_name="entry_links", on_delete=fields.RESTRICT
    )
    position = fields.IntField()

    class Meta:
        table = "follow_up_entry_commitment"
        indexes = (Index(fields=("commitment_id",)),)
        unique_together = (("entry", "commitment"), ("entry", "position"))


class FollowUpEntryResult(Model):
    """A counted result an entry prints ("ett 20-tal skolbesök"), in the order printed, and the
    target it reports on if any. A trigger keeps the target in the follow-up's citizen promise."""

    id = fields.IntField(primary_key=True)
    entry: fields.ForeignKeyRelation[FollowUpEntry] = fields.ForeignKeyField(
        "models.FollowUpEntry", related_name="results", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    quantity = fields.FloatField(null=True)
    approximate = fields.BooleanField(default=False)
    counted = fields.CharField(max_length=200)
    interval = fields.CharEnumField(Interval, max_length=20, null=True)
    period_start = fields.DateField(null=True)
    period_end = fields.DateField(null=True)
    period_label = fields.CharField(max_length=200, null=True)
    phrase = fields.CharField(max_length=1000)
    target: fields.ForeignKeyNullableRelation[CommitmentTarget] = fields.ForeignKeyField(
        "models.CommitmentTarget", related_name="results", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "follow_up_entry_result"
        indexes = (Index(fields=("target_id",)),)
        unique_together = (("entry", "position"),)


class FollowUpAuthor(Model):
    """Who wrote and signed a follow-up (a kommunpolis), as a signatory: the name in Person."""

    id = fields.IntField(primary_key=True)
    follow_up: fields.OneToOneRelation[FollowUp] = fields.OneToOneField(
        "models.FollowUp", related_name="author", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="follow_ups_written", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=300, null=True)
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="follow_up_authors", null=True, on_delete=fields.RESTRICT
    )
    signed_on = fields.DateField(null=True)
    place = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "follow_up_author"
        indexes = (Index(fields=("person_id",)), Index(fields=("organisation_id",)))


class Succession(Model):
    """A typed link to another item as printed: a promise continues or replaces an earlier one,
    a commitment repeats one of an earlier period, a follow-up announces the next promise. The
    item is named by slug (and a commitment's key) and found when it is here, on every read,
    so a link written before its item is loaded resolves once it is; `reference` keeps the words
    printed. Owned by a promise (commitment NULL), by one of its commitments, or by a follow-up."""

    id = fields.IntField(primary_key=True)
    citizen_promise: fields.ForeignKeyNullableRelation[CitizenPromise] = fields.ForeignKeyField(
        "models.CitizenPromise", related_name="succession_links", null=True, on_delete=fields.CASCADE
    )
    commitment: fields.ForeignKeyNullableRelation[Commitment] = fields.ForeignKeyField(
        "models.Commitment", related_name="succession_links", null=True, on_delete=fields.CASCADE
    )
    follow_up: fields.ForeignKeyNullableRelation[FollowUp] = fields.ForeignKeyField(
        "models.FollowUp", related_name="succession_links", null=True, on_delete=fields.CASCADE
    )
    position = fields.IntField()
    kind = fields.CharEnumField(SuccessionKind, max_length=20)
    target_slug = fields.CharField(max_length=200)
    target_key = fields.CharField(max_length=100, null=True)
    reference = fields.CharField(max_length=1000, null=True)

    class Meta:
        table = "succession"
        indexes = (
            Index(fields=("citizen_promise_id",)),
            Index(fields=("commitment_id",)),
            Index(fields=("follow_up_id",)),
            Index(fields=("target_slug",)),
        )
