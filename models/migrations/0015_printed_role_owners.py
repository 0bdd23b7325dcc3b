"""Two more owners of a role printed without a person (issue 18, provenance): a follow-up whose
author is printed as a role only ("Kommunpolisen i Götene" signs it, no name), and a
municipality's organisation whose contacts are printed as a role only.

`printed_role` (0014) gets `follow_up_id` (kind AUTHOR) and `municipality_organisation_id` (kind
CONTACT: the organisation of kind MUNICIPALITY that stands for the municipality in seed files).
Both are nullable foreign keys, so each AddField is a plain ALTER TABLE ADD COLUMN on both
databases; nothing is rebuilt. A follow-up has at most one author: a unique index on
`follow_up_id` (NULLs are distinct on both databases, so the other owners' rows are free), which
is also its foreign key's index.

The table's own rule is widened to the four owners: exactly one is set, a SIGNATORY belongs to
an agreement or a citizen promise, a CONTACT to a citizen promise or a municipality's
organisation, an AUTHOR to a follow-up (the CHECK constraint on PostgreSQL, the two triggers on
SQLite, both replaced under the same name as 0014's).
"""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

_RULE = "printed_role_owner"
_ONE_OWNER = (
    "(CASE WHEN NEW.agreement_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN NEW.citizen_promise_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN NEW.follow_up_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN NEW.municipality_organisation_id IS NULL THEN 0 ELSE 1 END) = 1"
)
_VALID = (
    f"{_ONE_OWNER} AND ("
    "(NEW.kind = 'SIGNATORY' AND NEW.follow_up_id IS NULL AND NEW.municipality_organisation_id IS NULL)"
    " OR (NEW.kind = 'CONTACT' AND NEW.agreement_id IS NULL AND NEW.follow_up_id IS NULL)"
    " OR (NEW.kind = 'AUTHOR' AND NEW.follow_up_id IS NOT NULL))"
)
# 0014's rule, put back by `backwards`.
_VALID_0014 = (
    "(NEW.agreement_id IS NULL) <> (NEW.citizen_promise_id IS NULL)"
    " AND (NEW.kind = 'SIGNATORY' OR (NEW.kind = 'CONTACT' AND NEW.agreement_id IS NULL))"
)
_ONE_AUTHOR = "CREATE UNIQUE INDEX printed_role_one_author ON printed_role (follow_up_id)"


async def _rule(client, valid: str, *, replace: bool) -> None:  # type: ignore[no-untyped-def]
    if client.capabilities.dialect == "postgres":
        if replace:
            await client.execute_script(f"ALTER TABLE printed_role DROP CONSTRAINT {_RULE}")
        check = valid.replace("NEW.", "")
        await client.execute_script(f"ALTER TABLE printed_role ADD CONSTRAINT {_RULE} CHECK ({check})")
        return
    for event in ("INSERT", "UPDATE"):
        if replace:
            await client.execute_script(f"DROP TRIGGER {_RULE}_{event.lower()}")
        await client.execute_script(
            f"CREATE TRIGGER {_RULE}_{event.lower()} BEFORE {event} ON printed_role"
            f" WHEN NOT ({valid}) BEGIN SELECT RAISE(ABORT, '{_RULE}'); END"
        )


async def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    await _rule(client, _VALID, replace=True)
    await client.execute_script(_ONE_AUTHOR)


async def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    await client.execute_script("DROP INDEX printed_role_one_author")
    await _rule(client, _VALID_0014, replace=True)


class Migration(migrations.Migration):
    dependencies = [('models', '0014_printed_roles')]

    initial = False

    operations = [
        ops.AddField(
            model_name='PrintedRole',
            name='follow_up',
            field=fields.ForeignKeyField('models.FollowUp', source_field='follow_up_id', null=True, db_constraint=True, to_field='id', related_name='printed_roles', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='PrintedRole',
            name='municipality_organisation',
            field=fields.ForeignKeyField('models.Organisation', source_field='municipality_organisation_id', null=True, db_constraint=True, to_field='id', related_name='municipality_contact_roles', on_delete=OnDelete.CASCADE),
        ),
        ops.AddIndex(
            model_name='PrintedRole',
            index=Index(fields=['municipality_organisation_id']),
        ),
        ops.RunPython(forwards, backwards),
    ]
