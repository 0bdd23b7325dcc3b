"""Models with a many-to-many field, for the backup's table discovery (the content model has
none: its links are models of their own, with positions)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Label(Model):
    key = fields.CharField(max_length=20, primary_key=True)

    class Meta:
        table = "label"


class Note(Model):
    id = fields.IntField(primary_key=True)
    labels: fields.ManyToManyRelation[Label] = fields.ManyToManyField(
        "models.Label", related_name="notes", through="note_label"
    )

    class Meta:
        table = "note"
