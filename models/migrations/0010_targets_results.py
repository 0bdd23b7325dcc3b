"""Measurable promises (issue 17): targets on commitments, counted results on follow-up entries,
the organisations that perform a commitment, and the derived status of each target per
follow-up as one SQL view, `target_status`, that the API and the statistics both read.

As in 0002, the rules the ORM does not create are CHECKs on PostgreSQL and triggers on SQLite:
quantities are never negative, and a result reports on a target of its own follow-up's citizen
promise (the same rule 0002 keeps for an entry's commitments).

The status table (api/followups/status.py documents it for the schema):
- NOT_REPORTED: no result of the follow-up is linked to the target;
- NOT_COMPARABLE: the target or a linked result has no quantity, what they count differs, or
  their intervals differ (a per-term target against a yearly result);
- otherwise the linked results' quantities added up, against the target's by its qualifier:
  EXACTLY equal MET, above EXCEEDED, below MISSED; AT_LEAST at or above MET, above EXCEEDED;
  AT_MOST at or below MET, above MISSED; ABOUT within ±10 % MET, above EXCEEDED, below MISSED
  (compared as reported * 10 against target * 9 and * 11, exact for whole numbers).
Approximate results ("ett 20-tal") compare by their stated number; `approximate` says so.

Actor's new values OTHER and UNSPECIFIED need no change of `commitment.actor` (a VARCHAR(20));
the AlterField `makemigrations` proposes for the column's comment is left out on purpose: on
SQLite it rebuilds the commitment table, dropping 0002's triggers on it.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import Interval, TargetQualifier
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# (table, rule name, condition that must hold; {r} is the row prefix a trigger needs)
ROW_CHECKS = [
    ("commitment_target", "commitment_target_quantity_not_negative", "{r}quantity IS NULL OR {r}quantity >= 0"),
    (
        "follow_up_entry_result",
        "follow_up_entry_result_quantity_not_negative",
        "{r}quantity IS NULL OR {r}quantity >= 0",
    ),
]

_SAME_PROMISE_MESSAGE = "follow_up_entry_result_same_promise"
_SAME_PROMISE = (
    "NEW.target_id IS NOT NULL AND (SELECT c.citizen_promise_id FROM commitment_target t"
    " JOIN commitment c ON c.id = t.commitment_id WHERE t.id = NEW.target_id)"
    " IS NOT (SELECT f.citizen_promise_id FROM follow_up_entry e"
    " JOIN follow_up f ON f.id = e.follow_up_id WHERE e.id = NEW.entry_id)"
)

# Booleans: PostgreSQL's are boolean, SQLite's 0 and 1; `= 1` on an integer gives either's.
TARGET_STATUS_VIEW = """
CREATE VIEW target_status AS
SELECT t.id AS id, f.id AS follow_up_id, t.id AS target_id, c.id AS commitment_id, c.document_order AS commitment_order,
  t.position AS position, COALESCE(r.results, 0) AS results, r.reported AS reported_quantity,
  COALESCE(r.approximate, 0) = 1 AS approximate,
  CASE
    WHEN r.results IS NULL THEN 'NOT_REPORTED'
    WHEN t.quantity IS NULL OR r.incomparable > 0 THEN 'NOT_COMPARABLE'
    WHEN t.qualifier = 'AT_MOST' THEN CASE WHEN r.reported <= t.quantity THEN 'MET' ELSE 'MISSED' END
    WHEN t.qualifier = 'ABOUT' THEN CASE WHEN r.reported * 10 > t.quantity * 11 THEN 'EXCEEDED'
      WHEN r.reported * 10 < t.quantity * 9 THEN 'MISSED' ELSE 'MET' END
    WHEN r.reported > t.quantity THEN 'EXCEEDED'
    WHEN r.reported = t.quantity THEN 'MET'
    ELSE 'MISSED'
  END AS status
FROM follow_up f
JOIN commitment c ON c.citizen_promise_id = f.citizen_promise_id
JOIN commitment_target t ON t.commitment_id = c.id
LEFT JOIN (
  SELECT e.follow_up_id AS follow_up_id, res.target_id AS target_id, COUNT(*) AS results,
    SUM(res.quantity) AS reported, MAX(CASE WHEN res.approximate THEN 1 ELSE 0 END) AS approximate,
    SUM(CASE WHEN res.quantity IS NULL OR res.counted <> tt.counted
      OR COALESCE(res."interval", '') <> COALESCE(tt."interval", '') THEN 1 ELSE 0 END) AS incomparable
  FROM follow_up_entry_result res
  JOIN follow_up_entry e ON e.id = res.entry_id
  JOIN commitment_target tt ON tt.id = res.target_id
  GROUP BY e.follow_up_id, res.target_id
) r ON r.follow_up_id = f.id AND r.target_id = t.id
"""


def _sqlite_statements() -> list[str]:
    statements = []
    for table, name, condition in ROW_CHECKS:
        for event in ("INSERT", "UPDATE"):
            statements.append(
                f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table}"
                f" WHEN NOT ({condition.format(r='NEW.')})"
                f" BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
            )
    for event in ("INSERT", "UPDATE"):
        statements.append(
            f"CREATE TRIGGER {_SAME_PROMISE_MESSAGE}_{event.lower()}"
            f" BEFORE {event} ON follow_up_entry_result WHEN {_SAME_PROMISE}"
            f" BEGIN SELECT RAISE(ABORT, '{_SAME_PROMISE_MESSAGE}'); END"
        )
    return statements


def _postgres_statements() -> list[str]:
    statements = [
        f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({condition.format(r='')})"
        for table, name, condition in ROW_CHECKS
    ]
    same_promise = _SAME_PROMISE.replace(" IS NOT (", " IS DISTINCT FROM (")
    statements.append(
        f"CREATE FUNCTION {_SAME_PROMISE_MESSAGE}() RETURNS trigger AS $$\n"
        f"BEGIN IF {same_promise} THEN\n"
        f"  RAISE EXCEPTION '{_SAME_PROMISE_MESSAGE}' USING ERRCODE = 'check_violation';\n"
        "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
    )
    statements.append(
        f"CREATE TRIGGER {_SAME_PROMISE_MESSAGE} BEFORE INSERT OR UPDATE ON follow_up_entry_result"
        f" FOR EACH ROW EXECUTE FUNCTION {_SAME_PROMISE_MESSAGE}()"
    )
    return statements


async def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    for statement in [*(_postgres_statements() if postgres else _sqlite_statements()), TARGET_STATUS_VIEW]:
        await client.execute_script(statement)


async def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    await client.execute_script("DROP VIEW target_status")
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            f"DROP TRIGGER {_SAME_PROMISE_MESSAGE} ON follow_up_entry_result; DROP FUNCTION {_SAME_PROMISE_MESSAGE}()"
        )
        for table, name, _ in ROW_CHECKS:
            await client.execute_script(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        return
    for name in [*(name for _, name, _ in ROW_CHECKS), _SAME_PROMISE_MESSAGE]:
        for event in ("insert", "update"):
            await client.execute_script(f"DROP TRIGGER {name}_{event}")


class Migration(migrations.Migration):
    dependencies = [("models", "0009_review_workflow")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CommitmentPerformer",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "commitment",
                    fields.ForeignKeyField(
                        "models.Commitment",
                        source_field="commitment_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="performer_links",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "organisation",
                    fields.ForeignKeyField(
                        "models.Organisation",
                        source_field="organisation_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="performed_links",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("position", fields.IntField()),
            ],
            options={
                "table": "commitment_performer",
                "app": "models",
                "unique_together": (("commitment", "organisation"), ("commitment", "position")),
                "indexes": [Index(fields=["organisation_id"])],
                "pk_attr": "id",
                "table_description": "An organisation that does the work of a commitment (its actor OTHER names at least one),",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CommitmentTarget",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "commitment",
                    fields.ForeignKeyField(
                        "models.Commitment",
                        source_field="commitment_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="targets",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("key", fields.CharField(max_length=100)),
                ("position", fields.IntField()),
                ("quantity", fields.FloatField(null=True)),
                (
                    "qualifier",
                    fields.CharEnumField(
                        default=TargetQualifier.EXACTLY,
                        description="EXACTLY: EXACTLY\nAT_LEAST: AT_LEAST\nAT_MOST: AT_MOST\nABOUT: ABOUT",
                        enum_type=TargetQualifier,
                        max_length=20,
                    ),
                ),
                ("counted", fields.CharField(max_length=200)),
                (
                    "interval",
                    fields.CharEnumField(
                        null=True,
                        description="DAY: DAY\nWEEK: WEEK\nMONTH: MONTH\nTERM: TERM\nYEAR: YEAR\nPERIOD: PERIOD",
                        enum_type=Interval,
                        max_length=20,
                    ),
                ),
                ("deadline", fields.DateField(null=True)),
                ("phrase", fields.CharField(max_length=1000)),
            ],
            options={
                "table": "commitment_target",
                "app": "models",
                "unique_together": (("commitment", "key"), ("commitment", "position")),
                "pk_attr": "id",
                "table_description": 'A measurable target inside a commitment ("minst sex trygghetsvandringar under året"), in',
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FollowUpEntryResult",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "entry",
                    fields.ForeignKeyField(
                        "models.FollowUpEntry",
                        source_field="entry_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="results",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("position", fields.IntField()),
                ("quantity", fields.FloatField(null=True)),
                ("approximate", fields.BooleanField(default=False)),
                ("counted", fields.CharField(max_length=200)),
                (
                    "interval",
                    fields.CharEnumField(
                        null=True,
                        description="DAY: DAY\nWEEK: WEEK\nMONTH: MONTH\nTERM: TERM\nYEAR: YEAR\nPERIOD: PERIOD",
                        enum_type=Interval,
                        max_length=20,
                    ),
                ),
                ("period_start", fields.DateField(null=True)),
                ("period_end", fields.DateField(null=True)),
                ("period_label", fields.CharField(null=True, max_length=200)),
                ("phrase", fields.CharField(max_length=1000)),
                (
                    "target",
                    fields.ForeignKeyField(
                        "models.CommitmentTarget",
                        source_field="target_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="results",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "follow_up_entry_result",
                "app": "models",
                "unique_together": (("entry", "position"),),
                "indexes": [Index(fields=["target_id"])],
                "pk_attr": "id",
                "table_description": 'A counted result an entry prints ("ett 20-tal skolbesök"), in the order printed, and the',
            },
            bases=["Model"],
        ),
        ops.RunPython(forwards, backwards),
    ]
