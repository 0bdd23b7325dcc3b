"""An index on `search_place (document_id)`, the column by which every index update finds the
places of the documents it replaces.

Without it, replacing a promise's documents (`DELETE FROM search_place WHERE document_id IN
(SELECT id FROM search_document WHERE …)`, and the ON DELETE CASCADE from `search_document`)
scans the whole of `search_place` for each. Found by `make drill`: on PostgreSQL a whole-country
`seed load` run again after a load was killed (its rows left as dead tuples, the planner without
statistics for them) spent over 8 minutes of CPU in one such DELETE instead of about 13 s for
the whole load. With the index each document's places are one index lookup.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await schema_editor.client.execute_script("CREATE INDEX search_place_document ON search_place (document_id)")


async def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await schema_editor.client.execute_script("DROP INDEX search_place_document")


class Migration(migrations.Migration):
    dependencies = [("models", "0006_commitment_orders")]

    operations = [ops.RunPython(forwards, backwards)]
