"""What every editable content item has: identity, publication state, provenance."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.enums import PublicationStatus


class ContentItem(Model):
    """Abstract base of agreements, citizen promises, follow-ups, service agreements and contacts."""

    id = fields.IntField(primary_key=True)
    # The stable public key: global IDs, links and seed files all use it, never `id`.
    slug = fields.CharField(max_length=200, unique=True)
    status = fields.CharEnumField(PublicationStatus, max_length=20, default=PublicationStatus.DRAFT)
    publish_at = fields.DatetimeField(null=True)
    unpublish_at = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    revision = fields.IntField(default=1)
    source_url = fields.CharField(max_length=500, null=True)
    source_published_on = fields.DateField(null=True)
    source_updated_on = fields.DateField(null=True)
    # The source page is incomplete (cut short, a part missing): what is here is all it gave,
    # and `source_note` says what is missing, as the editor saw it.
    source_incomplete = fields.BooleanField(default=False)
    source_note = fields.CharField(max_length=1000, null=True)
    # The seed file (stem) the item is exported to, so export keeps the editors' file layout.
    document = fields.CharField(max_length=200)
    # Hash of the item as last loaded from or exported to seed files: a load compares it with
    # the item's current hash to tell an edit made in the database from one made in the file.
    seed_hash = fields.CharField(max_length=64, null=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.slug
