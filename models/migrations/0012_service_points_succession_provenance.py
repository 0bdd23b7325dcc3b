"""Service points, succession, provenance (issue 18, parts 7-9), and the rule that an area lies
in its promise's municipality in the database itself.

Service points: `service_point`, where a samtjänstavtal's services are given (a desk, a mobile
police office one day a week, a temporary arrangement with an end date), with its opening
hours as printed and in OpenStreetMap syntax (checked by seed/hours.py, not by the database).

Succession: `succession`, typed links (CONTINUES, REPLACES, REPEATS, ANNOUNCES) owned by a
promise, one of its commitments (both ids set, as for target groups) or a follow-up, naming
the item they point at by slug and key. No foreign key on purpose: the item may not be here
(an earlier promise never loaded), and a link resolves on every read once it is.

Provenance: `source_incomplete` and `source_note` on every content table (a page cut short)
and `commitment.number` (a list's printed numbering). All are ADD COLUMN on both databases;
the AlterField `makemigrations` proposes for `commitment.actor`'s comment and the
AlterModelOptions for three tables' comments are left out, as in 0009 and 0011 (on SQLite the
AlterField rebuilds the table and drops 0002's triggers).

Areas: a promise's area, a commitment's area and a service point's area lie in the promise's
(the service agreement's) municipality, and an area in use does not move to another
municipality: triggers on both databases, each firing only for rows that name an area, so a
whole-country load of commitments without areas pays nothing for them. Validation reports the
same earlier, with file and line (seed/validate.py).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import Actor, ServicePointKind, SuccessionKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

_RULE = "area_in_municipality"
_AREA = "(SELECT a.municipality_id FROM area a WHERE a.id = NEW.area_id)"
# (table, the municipality its rows' areas must lie in, as SQL on NEW)
_OWNERS = (
    ("citizen_promise", "NEW.municipality_id"),
    ("commitment", "(SELECT p.municipality_id FROM citizen_promise p WHERE p.id = NEW.citizen_promise_id)"),
    ("service_point", "(SELECT s.municipality_id FROM service_agreement s WHERE s.id = NEW.service_agreement_id)"),
)
# An area in use stays in the municipality of what uses it.
_AREA_IN_USE = (
    "EXISTS (SELECT 1 FROM citizen_promise p WHERE p.area_id = NEW.id AND p.municipality_id <> NEW.municipality_id)"
    " OR EXISTS (SELECT 1 FROM commitment c JOIN citizen_promise p ON p.id = c.citizen_promise_id"
    " WHERE c.area_id = NEW.id AND p.municipality_id <> NEW.municipality_id)"
    " OR EXISTS (SELECT 1 FROM service_point sp JOIN service_agreement s ON s.id = sp.service_agreement_id"
    " WHERE sp.area_id = NEW.id AND s.municipality_id <> NEW.municipality_id)"
)


def _sqlite_statements() -> list[str]:
    statements = []
    for table, municipality in _OWNERS:
        for event in ("INSERT", "UPDATE"):
            statements.append(
                f"CREATE TRIGGER {table}_{_RULE}_{event.lower()} BEFORE {event} ON {table}"
                f" WHEN NEW.area_id IS NOT NULL AND {_AREA} IS NOT {municipality}"
                f" BEGIN SELECT RAISE(ABORT, '{_RULE}'); END"
            )
    statements.append(
        f"CREATE TRIGGER area_{_RULE}_update BEFORE UPDATE OF municipality_id ON area"
        f" WHEN {_AREA_IN_USE} BEGIN SELECT RAISE(ABORT, '{_RULE}'); END"
    )
    return statements


def _postgres_function(name: str, condition: str) -> str:
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger AS $$\n"
        f"BEGIN IF {condition} THEN\n"
        f"  RAISE EXCEPTION '{_RULE}' USING ERRCODE = 'check_violation';\n"
        "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
    )


def _postgres_statements() -> list[str]:
    statements = []
    for table, municipality in _OWNERS:
        name = f"{table}_{_RULE}"
        statements.append(_postgres_function(name, f"{_AREA} IS DISTINCT FROM {municipality}"))
        statements.append(
            f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table}"
            f" FOR EACH ROW WHEN (NEW.area_id IS NOT NULL) EXECUTE FUNCTION {name}()"
        )
    statements.append(_postgres_function(f"area_{_RULE}", _AREA_IN_USE))
    statements.append(
        f"CREATE TRIGGER area_{_RULE} BEFORE UPDATE OF municipality_id ON area"
        f" FOR EACH ROW EXECUTE FUNCTION area_{_RULE}()"
    )
    return statements


async def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    for statement in _postgres_statements() if postgres else _sqlite_statements():
        await client.execute_script(statement)


async def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    tables = [table for table, _ in _OWNERS] + ["area"]
    if client.capabilities.dialect == "postgres":
        for table in tables:
            await client.execute_script(
                f"DROP TRIGGER {table}_{_RULE} ON {table}; DROP FUNCTION {table}_{_RULE}()"
            )
        return
    for table in tables:
        for event in ("insert", "update"):
            if table != "area" or event == "update":
                await client.execute_script(f"DROP TRIGGER {table}_{_RULE}_{event}")


class Migration(migrations.Migration):
    dependencies = [('models', '0011_document_shapes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ServicePoint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('service_agreement', fields.ForeignKeyField('models.ServiceAgreement', source_field='service_agreement_id', db_constraint=True, to_field='id', related_name='points', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=100)),
                ('position', fields.IntField()),
                ('name', fields.CharField(max_length=300)),
                ('kind', fields.CharEnumField(default=ServicePointKind.FIXED, description='FIXED: FIXED\nMOBILE: MOBILE', enum_type=ServicePointKind, max_length=20)),
                ('address', fields.CharField(null=True, max_length=300)),
                ('area', fields.ForeignKeyField('models.Area', source_field='area_id', null=True, db_constraint=True, to_field='id', related_name='service_points', on_delete=OnDelete.RESTRICT)),
                ('opening_hours_text', fields.CharField(null=True, max_length=1000)),
                ('opening_hours', fields.CharField(null=True, max_length=1000)),
                ('valid_from', fields.DateField(null=True)),
                ('valid_until', fields.DateField(null=True)),
                ('note', fields.CharField(null=True, max_length=1000)),
            ],
            options={'table': 'service_point', 'app': 'models', 'unique_together': (('service_agreement', 'key'), ('service_agreement', 'position')), 'indexes': [Index(fields=['area_id'])], 'pk_attr': 'id', 'table_description': "Where a samtjänstavtal's services are given: a desk at a library, a mobile police office"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Succession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_promise', fields.ForeignKeyField('models.CitizenPromise', source_field='citizen_promise_id', null=True, db_constraint=True, to_field='id', related_name='succession_links', on_delete=OnDelete.CASCADE)),
                ('commitment', fields.ForeignKeyField('models.Commitment', source_field='commitment_id', null=True, db_constraint=True, to_field='id', related_name='succession_links', on_delete=OnDelete.CASCADE)),
                ('follow_up', fields.ForeignKeyField('models.FollowUp', source_field='follow_up_id', null=True, db_constraint=True, to_field='id', related_name='succession_links', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('kind', fields.CharEnumField(description='CONTINUES: CONTINUES\nREPLACES: REPLACES\nREPEATS: REPEATS\nANNOUNCES: ANNOUNCES', enum_type=SuccessionKind, max_length=20)),
                ('target_slug', fields.CharField(max_length=200)),
                ('target_key', fields.CharField(null=True, max_length=100)),
                ('reference', fields.CharField(null=True, max_length=1000)),
            ],
            options={'table': 'succession', 'app': 'models', 'indexes': [Index(fields=['citizen_promise_id']), Index(fields=['commitment_id']), Index(fields=['follow_up_id']), Index(fields=['target_slug'])], 'pk_attr': 'id', 'table_description': 'A typed link to another item as printed: a promise continues or replaces an earlier one,'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Agreement',
            name='source_incomplete',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Agreement',
            name='source_note',
            field=fields.CharField(null=True, max_length=1000),
        ),
        ops.AddField(
            model_name='CitizenPromise',
            name='source_incomplete',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='CitizenPromise',
            name='source_note',
            field=fields.CharField(null=True, max_length=1000),
        ),
        ops.AddField(
            model_name='Commitment',
            name='number',
            field=fields.CharField(null=True, max_length=50),
        ),
        ops.AddField(
            model_name='Contact',
            name='source_incomplete',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Contact',
            name='source_note',
            field=fields.CharField(null=True, max_length=1000),
        ),
        ops.AddField(
            model_name='FollowUp',
            name='source_incomplete',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='FollowUp',
            name='source_note',
            field=fields.CharField(null=True, max_length=1000),
        ),
        ops.AddField(
            model_name='ServiceAgreement',
            name='source_incomplete',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='ServiceAgreement',
            name='source_note',
            field=fields.CharField(null=True, max_length=1000),
        ),
        ops.RunPython(forwards, backwards),
    ]
