"""Integrity rules the ORM's migrations do not create: row checks and a cross-table rule.

Tortoise's CreateModel leaves check constraints out, and SQLite cannot add them to an existing
table, so each rule is a CHECK constraint on PostgreSQL and a pair of triggers on SQLite. The
seed loader and the mutations report the same problems earlier, with a field path; these
rules make sure nothing else can store an invalid state either.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

_PERIOD = (
    "({r}period_start IS NULL AND {r}period_end IS NULL AND {r}period_label IS NULL)"
    " OR ({r}period_start IS NOT NULL AND {r}period_label IS NOT NULL"
    " AND ({r}period_end IS NULL OR {r}period_end >= {r}period_start))"
)

# (table, rule name, condition that must hold; {r} is the row prefix a trigger needs)
ROW_CHECKS = [
    ("agreement", "agreement_period_valid", _PERIOD),
    ("citizen_promise", "citizen_promise_period_valid", _PERIOD),
    ("follow_up", "follow_up_period_valid", _PERIOD),
    ("follow_up", "follow_up_year_plausible", "{r}year BETWEEN 1900 AND 2999"),
    ("commitment", "commitment_order_positive", "{r}position >= 1 AND {r}document_order >= 1"),
    (
        "organisation",
        "organisation_links_match_kind",
        "({r}kind = 'MUNICIPALITY' OR {r}municipality_id IS NULL)"
        " AND ({r}kind = 'POLICE' OR {r}police_unit_id IS NULL)",
    ),
    (
        "service_agreement",
        "service_agreement_since_label",
        "{r}since IS NULL OR {r}since_label IS NOT NULL",
    ),
]
for _table in ("agreement", "citizen_promise", "follow_up", "service_agreement", "contact"):
    ROW_CHECKS.append(
        (
            _table,
            f"{_table}_schedule_valid",
            "{r}publish_at IS NULL OR {r}unpublish_at IS NULL OR {r}unpublish_at > {r}publish_at",
        )
    )

_SAME_PROMISE_MESSAGE = "follow_up_entry_commitment_same_promise"
_SAME_PROMISE = (
    "(SELECT c.citizen_promise_id FROM commitment c WHERE c.id = NEW.commitment_id)"
    " IS NOT (SELECT f.citizen_promise_id FROM follow_up_entry e"
    " JOIN follow_up f ON f.id = e.follow_up_id WHERE e.id = NEW.entry_id)"
)


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
            f" BEFORE {event} ON follow_up_entry_commitment WHEN {_SAME_PROMISE}"
            f" BEGIN SELECT RAISE(ABORT, '{_SAME_PROMISE_MESSAGE}'); END"
        )
    return statements


def _postgres_statements() -> list[str]:
    statements = [
        f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({condition.format(r='')})"
        for table, name, condition in ROW_CHECKS
    ]
    same_promise = _SAME_PROMISE.replace(" IS NOT ", " IS DISTINCT FROM ")
    statements.append(
        "CREATE FUNCTION follow_up_entry_commitment_same_promise() RETURNS trigger AS $$\n"
        f"BEGIN IF {same_promise} THEN\n"
        f"  RAISE EXCEPTION '{_SAME_PROMISE_MESSAGE}' USING ERRCODE = 'check_violation';\n"
        "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
    )
    statements.append(
        "CREATE TRIGGER follow_up_entry_commitment_same_promise"
        " BEFORE INSERT OR UPDATE ON follow_up_entry_commitment"
        " FOR EACH ROW EXECUTE FUNCTION follow_up_entry_commitment_same_promise()"
    )
    return statements


async def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    for statement in _postgres_statements() if postgres else _sqlite_statements():
        await client.execute_script(statement)


async def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            "DROP TRIGGER follow_up_entry_commitment_same_promise ON follow_up_entry_commitment;"
            " DROP FUNCTION follow_up_entry_commitment_same_promise()"
        )
        for table, name, _ in ROW_CHECKS:
            await client.execute_script(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        return
    names = [name for _, name, _ in ROW_CHECKS] + [_SAME_PROMISE_MESSAGE]
    for name in names:
        for event in ("insert", "update"):
            await client.execute_script(f"DROP TRIGGER {name}_{event}")


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    operations = [ops.RunPython(forwards, backwards)]
