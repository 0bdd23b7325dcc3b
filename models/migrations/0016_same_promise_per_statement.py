"""PostgreSQL checks that a follow-up entry's commitments and results belong to the follow-up's
own promise once per statement instead of once per row.

0002 and 0010 made the two rules row triggers (a PL/pgSQL call with two look-ups for every row).
A whole-country load links 16,307 entries to commitments and 3,176 results to targets, each
table in one COPY per batch; the row triggers cost the database about a third of those COPYs
(16,307 rows: 1.20 s with the row trigger, 0.77 s with this one, on the busy 2-core machine).
Here each is an AFTER trigger per statement that reads the statement's new rows (a transition
table) in one join, raising the same error under the same name. An UPDATE has its own trigger:
PostgreSQL takes a transition table only on a trigger for one event.

SQLite keeps its row triggers (0002, 0010): it has no statement triggers, and its triggers run
inside the statement without a call into another language.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

# (table, rule name, the join that finds a new row of another promise)
_RULES = (
    (
        "follow_up_entry_commitment",
        "follow_up_entry_commitment_same_promise",
        "new_rows n JOIN commitment c ON c.id = n.commitment_id",
        "c.citizen_promise_id",
    ),
    (
        "follow_up_entry_result",
        "follow_up_entry_result_same_promise",
        "new_rows n JOIN commitment_target t ON t.id = n.target_id JOIN commitment c ON c.id = t.commitment_id",
        "c.citizen_promise_id",
    ),
)

# The row triggers of 0002 and 0010, put back by `backwards`.
_ROW_CHECKS = {
    "follow_up_entry_commitment_same_promise": (
        "(SELECT c.citizen_promise_id FROM commitment c WHERE c.id = NEW.commitment_id)"
        " IS DISTINCT FROM (SELECT f.citizen_promise_id FROM follow_up_entry e"
        " JOIN follow_up f ON f.id = e.follow_up_id WHERE e.id = NEW.entry_id)"
    ),
    "follow_up_entry_result_same_promise": (
        "NEW.target_id IS NOT NULL AND (SELECT c.citizen_promise_id FROM commitment_target t"
        " JOIN commitment c ON c.id = t.commitment_id WHERE t.id = NEW.target_id)"
        " IS DISTINCT FROM (SELECT f.citizen_promise_id FROM follow_up_entry e"
        " JOIN follow_up f ON f.id = e.follow_up_id WHERE e.id = NEW.entry_id)"
    ),
}


def _raise(name: str) -> str:
    return f"RAISE EXCEPTION '{name}' USING ERRCODE = 'check_violation'"


async def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    for table, name, join, promise in _RULES:
        await client.execute_script(f"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}()")
        await client.execute_script(
            f"CREATE FUNCTION {name}() RETURNS trigger AS $$\n"
            f"BEGIN IF EXISTS (SELECT 1 FROM {join} JOIN follow_up_entry e ON e.id = n.entry_id"
            f" JOIN follow_up f ON f.id = e.follow_up_id WHERE {promise} IS DISTINCT FROM f.citizen_promise_id) THEN\n"
            f"  {_raise(name)};\n"
            "END IF; RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        for event in ("INSERT", "UPDATE"):
            await client.execute_script(
                f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table}"
                f" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )


async def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    for table, name, _, _ in _RULES:
        for event in ("insert", "update"):
            await client.execute_script(f"DROP TRIGGER {name}_{event} ON {table}")
        await client.execute_script(f"DROP FUNCTION {name}()")
        await client.execute_script(
            f"CREATE FUNCTION {name}() RETURNS trigger AS $$\n"
            f"BEGIN IF {_ROW_CHECKS[name]} THEN\n"
            f"  {_raise(name)};\n"
            "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        await client.execute_script(
            f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
        )


class Migration(migrations.Migration):
    dependencies = [("models", "0015_printed_role_owners")]

    operations = [ops.RunPython(forwards, backwards)]
