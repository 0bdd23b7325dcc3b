"""Roles printed without a person (issue 18, provenance): `printed_role`.

A document may sign or name a contact by role only ("kommunens trygghetssamordnare"). The
contract keeps `Signatory.person`, `Contact.name` and `Person.name` non-null, and
`signatory.person_id` stays NOT NULL (relaxing it on SQLite means rebuilding the table and
re-creating 0002's triggers), so role-only entries get a table of their own, owned by an
agreement or a citizen promise (one of the two ids set, as `succession` is owned), with `kind`
SIGNATORY or CONTACT. It holds no personal data: a role, an organisation, the date and place
signed. One CREATE TABLE and three indexes on both databases; nothing else changes.

The database holds the table's own rule: exactly one owner, `kind` SIGNATORY or CONTACT, and a
CONTACT owned by a citizen promise (a CHECK constraint on PostgreSQL; on SQLite, which cannot
add one to an existing table, two triggers, as in 0012).
"""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


_RULE = "printed_role_owner"
_VALID = (
    "(NEW.agreement_id IS NULL) <> (NEW.citizen_promise_id IS NULL)"
    " AND (NEW.kind = 'SIGNATORY' OR (NEW.kind = 'CONTACT' AND NEW.agreement_id IS NULL))"
)


async def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        check = _VALID.replace("NEW.", "")
        await client.execute_script(f"ALTER TABLE printed_role ADD CONSTRAINT {_RULE} CHECK ({check})")
        return
    for event in ("INSERT", "UPDATE"):
        await client.execute_script(
            f"CREATE TRIGGER {_RULE}_{event.lower()} BEFORE {event} ON printed_role"
            f" WHEN NOT ({_VALID}) BEGIN SELECT RAISE(ABORT, '{_RULE}'); END"
        )


async def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(f"ALTER TABLE printed_role DROP CONSTRAINT {_RULE}")
        return
    for event in ("insert", "update"):
        await client.execute_script(f"DROP TRIGGER {_RULE}_{event}")


class Migration(migrations.Migration):
    dependencies = [('models', '0013_rendered_text')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PrintedRole',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('agreement', fields.ForeignKeyField('models.Agreement', source_field='agreement_id', null=True, db_constraint=True, to_field='id', related_name='printed_roles', on_delete=OnDelete.CASCADE)),
                ('citizen_promise', fields.ForeignKeyField('models.CitizenPromise', source_field='citizen_promise_id', null=True, db_constraint=True, to_field='id', related_name='printed_roles', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=20)),
                ('position', fields.IntField()),
                ('role', fields.CharField(max_length=300)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name='printed_roles', on_delete=OnDelete.RESTRICT)),
                ('signed_on', fields.DateField(null=True)),
                ('place', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'printed_role', 'app': 'models', 'indexes': [Index(fields=['agreement_id']), Index(fields=['citizen_promise_id']), Index(fields=['organisation_id'])], 'pk_attr': 'id', 'table_description': 'A role printed without a person ("kommunens trygghetssamordnare"): a signatory of an'},
            bases=['Model'],
        ),
        ops.RunPython(forwards, backwards),
    ]
