"""The review workflow (api/editorial/review.py): where an item stands in review with its pending
revision, the approvals of each side, and the activity log."""

from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0008_commitment_actor_order")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Review",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("item_type", fields.CharField(max_length=40)),
                ("item_slug", fields.CharField(max_length=200)),
                ("state", fields.CharField(max_length=20)),
                ("revision", fields.IntField()),
                ("snapshot", fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ("document", fields.CharField(null=True, max_length=200)),
                ("base_revision", fields.IntField(null=True)),
                ("comment", fields.TextField(null=True, unique=False)),
                ("author", fields.CharField(max_length=200)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "review",
                "app": "models",
                "unique_together": (("item_type", "item_slug"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Approval",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("item_type", fields.CharField(max_length=40)),
                ("item_slug", fields.CharField(max_length=200)),
                ("revision", fields.IntField()),
                ("side", fields.CharField(max_length=220)),
                ("token_name", fields.CharField(max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "approval",
                "app": "models",
                "unique_together": (("item_type", "item_slug", "revision", "side"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Activity",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ("token_name", fields.CharField(db_index=True, max_length=200)),
                ("action", fields.CharField(max_length=40)),
                ("item_type", fields.CharField(null=True, max_length=40)),
                ("item_slug", fields.CharField(null=True, max_length=200)),
                ("revision", fields.IntField(null=True)),
                ("result", fields.CharField(max_length=20)),
                ("message", fields.TextField(null=True, unique=False)),
                ("request_id", fields.CharField(max_length=64)),
            ],
            options={"table": "activity", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.AddIndex(model_name="Activity", index=Index(fields=["item_type", "item_slug"])),
    ]
