"""Indexes for the actor orders of the commitments list (`orderBy: ACTOR`, `ACTOR_DESC`,
api/promises/ordering.py), which also serve the `actor` filter.

The orders are the commitment's own columns, actor (either way), promise, document order, so a
page reads them in order from one index and stops after the page: on the generated whole-country
database (bench/generate.py, 25,651 commitments), SQLite about 1 ms a page instead of 11–49 ms
for sorting every row (plans "SCAN c USING INDEX commitment_actor_first", no temp B-tree).
`actor DESC` has its own index because the rest of the order stays ascending, which an
ascending index read backwards cannot give.

Raw SQL as in 0006: Tortoise's Index has no column directions; the models do not declare these,
so `makemigrations` leaves them alone.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

INDEXES = {
    "commitment_actor_first": "commitment (actor, citizen_promise_id, document_order)",
    "commitment_actor_last": "commitment (actor DESC, citizen_promise_id, document_order)",
}


async def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    for name, target in INDEXES.items():
        await schema_editor.client.execute_script(f"CREATE INDEX {name} ON {target}")


async def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    for name in INDEXES:
        await schema_editor.client.execute_script(f"DROP INDEX {name}")


class Migration(migrations.Migration):
    dependencies = [("models", "0007_search_place_document")]

    operations = [ops.RunPython(forwards, backwards)]
