"""Editorial bookkeeping: revisions of content, API tokens, and the record of erasures."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class Revision(Model):
    """A full snapshot of one content item after a change , deletes included."""

    id = fields.IntField(primary_key=True)
    item_type = fields.CharField(max_length=40)
    item_slug = fields.CharField(max_length=200)
    number = fields.IntField()
    snapshot: fields.JSONField[dict[str, Any]] = fields.JSONField()
    deleted = fields.BooleanField(default=False)
    author = fields.CharField(max_length=200)
    summary = fields.CharField(max_length=500)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "revision"
        unique_together = (("item_type", "item_slug", "number"),)

    def __str__(self) -> str:
        return f"{self.item_type}:{self.item_slug}#{self.number}"


class ApiToken(Model):
    """A bearer token for editorial access, stored only as a hash."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    role = fields.CharField(max_length=20)
    token_hash = fields.CharField(max_length=64, unique=True)
    municipality_codes: fields.JSONField[list[str]] = fields.JSONField(default=list)
    police_unit_slugs: fields.JSONField[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)
    # Refused from this moment on; None: never expires.
    expires_at = fields.DatetimeField(null=True)
    # Written at most once a minute per token (api/editorial/access.py), so reads stay reads.
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"

    def __str__(self) -> str:
        return self.name


class Erasure(Model):
    """That personal data was erased, and when, never what was erased."""

    id = fields.IntField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    items_changed = fields.IntField()

    class Meta:
        table = "erasure"


class Review(Model):
    """Where an item stands in the review workflow (api/editorial/review.py), when not simply as
    its row says: submitted, sent back, or a pending revision of a published item. One per item.

    `revision` is the item's editorial revision: the row's, or with `snapshot` the pending one
    (the live row keeps its own until the pending revision is published)."""

    id = fields.IntField(primary_key=True)
    item_type = fields.CharField(max_length=40)
    item_slug = fields.CharField(max_length=200)
    state = fields.CharField(max_length=20)
    revision = fields.IntField()
    # The pending revision of a published item (seed form) and its file; None: the row is it.
    snapshot: fields.JSONField[dict[str, Any]] | None = fields.JSONField(null=True)
    document = fields.CharField(max_length=200, null=True)
    # The live revision the pending one was made from.
    base_revision = fields.IntField(null=True)
    comment = fields.TextField(null=True)
    author = fields.CharField(max_length=200)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "review"
        unique_together = (("item_type", "item_slug"),)


class Approval(Model):
    """One side's approval of one revision of an item; void once the item is at another."""

    id = fields.IntField(primary_key=True)
    item_type = fields.CharField(max_length=40)
    item_slug = fields.CharField(max_length=200)
    revision = fields.IntField()
    side = fields.CharField(max_length=220)
    token_name = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "approval"
        unique_together = (("item_type", "item_slug", "revision", "side"),)


class Activity(Model):
    """One entry of the activity log: who tried what on which item, when, and how it ended."""

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    token_name = fields.CharField(max_length=200, db_index=True)
    action = fields.CharField(max_length=40)
    item_type = fields.CharField(max_length=40, null=True)
    item_slug = fields.CharField(max_length=200, null=True)
    revision = fields.IntField(null=True)
    result = fields.CharField(max_length=20)
    message = fields.TextField(null=True)
    request_id = fields.CharField(max_length=64)

    class Meta:
        table = "activity"
        indexes = (Index(fields=("item_type", "item_slug")),)
