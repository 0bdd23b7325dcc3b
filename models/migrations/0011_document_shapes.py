"""The shapes real documents take (issue 18).

Areas below the municipality (stadsdel, tätort, neighbourhood, a place): the `area` table, its
parent in the same municipality, and `area_id` on citizen promises and commitments. The
AlterField `makemigrations` proposes for `commitment.actor`'s comment is left out on purpose, as
in 0009: on SQLite it rebuilds the commitment table, dropping 0002's triggers on it; the
AddField of a nullable foreign key is a plain ALTER TABLE ADD COLUMN on both databases.

Two-level promises: `commitment.parent_id`, the joint statement of the same promise an activity
stands under (SET NULL: a statement removed leaves its activities at one level until the same
write sets their parents again). Validation refuses a parent of another promise and cycles.

Target groups ("ungdomar 13–17 år", "årskurs 8"): `target_group`, a promise's own (commitment
NULL) or one of its commitments', in the order printed.

Promise parties: `citizen_promise_party` (its own parties, in the order printed), its
`signed_on`, and `citizen_promise_signatory` (as `signatory` is for agreements, names in Person).

Follow-up structure: `follow_up.span` (YEAR, HALF_YEAR, TERTIAL) and `span_number`, an entry's
`actor` and printed section `heading`, and `follow_up_author` (one per follow-up, names in Person).

Governance as data: `governance_body` (an agreement's bodies, parent in the same agreement),
`governance_body_member` and `follow_up_rule` (form, times a year, responsible body, the body at
whose meetings, reported to), typed beside the agreement's printed text.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import Actor, AreaKind, FollowUpForm, FollowUpSpan
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0010_targets_results')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Area',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=200)),
                ('kind', fields.CharEnumField(description='STADSDEL: STADSDEL\nTATORT: TATORT\nNEIGHBOURHOOD: NEIGHBOURHOOD\nCENTRE: CENTRE\nSTREET: STREET\nSCHOOL: SCHOOL\nSTATION: STATION\nOTHER: OTHER', enum_type=AreaKind, max_length=20)),
                ('name', fields.CharField(max_length=300)),
                ('municipality', fields.ForeignKeyField('models.Municipality', source_field='municipality_id', db_constraint=True, to_field='code', related_name='areas', on_delete=OnDelete.RESTRICT)),
                ('parent', fields.ForeignKeyField('models.Area', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('document', fields.CharField(max_length=200)),
            ],
            options={'table': 'area', 'app': 'models', 'indexes': [Index(fields=['municipality_id']), Index(fields=['parent_id'])], 'pk_attr': 'id', 'table_description': 'An area below the municipality that a promise or a commitment is for: a stadsdel, a'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='CitizenPromise',
            name='area',
            field=fields.ForeignKeyField('models.Area', source_field='area_id', null=True, db_constraint=True, to_field='id', related_name='citizen_promises', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddIndex(
            model_name='CitizenPromise',
            index=Index(fields=['area_id']),
        ),
        ops.AddField(
            model_name='Commitment',
            name='area',
            field=fields.ForeignKeyField('models.Area', source_field='area_id', null=True, db_constraint=True, to_field='id', related_name='commitments', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddIndex(
            model_name='Commitment',
            index=Index(fields=['area_id']),
        ),
        ops.AddField(
            model_name='Commitment',
            name='parent',
            field=fields.ForeignKeyField('models.Commitment', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='activities', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddIndex(
            model_name='Commitment',
            index=Index(fields=['parent_id']),
        ),
        ops.CreateModel(
            name='TargetGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_promise', fields.ForeignKeyField('models.CitizenPromise', source_field='citizen_promise_id', db_constraint=True, to_field='id', related_name='target_groups', on_delete=OnDelete.CASCADE)),
                ('commitment', fields.ForeignKeyField('models.Commitment', source_field='commitment_id', null=True, db_constraint=True, to_field='id', related_name='target_groups', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('label', fields.CharField(max_length=200)),
                ('age_from', fields.IntField(null=True)),
                ('age_to', fields.IntField(null=True)),
                ('school_year', fields.IntField(null=True)),
            ],
            options={'table': 'target_group', 'app': 'models', 'indexes': [Index(fields=['citizen_promise_id']), Index(fields=['commitment_id'])], 'pk_attr': 'id', 'table_description': 'Who a promise or a commitment is for, as printed ("ungdomar 13–17 år", "årskurs 8",'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CitizenPromiseParty',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_promise', fields.ForeignKeyField('models.CitizenPromise', source_field='citizen_promise_id', db_constraint=True, to_field='id', related_name='party_links', on_delete=OnDelete.CASCADE)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='citizen_promise_parties', on_delete=OnDelete.RESTRICT)),
                ('position', fields.IntField()),
            ],
            options={'table': 'citizen_promise_party', 'app': 'models', 'unique_together': (('citizen_promise', 'organisation'), ('citizen_promise', 'position')), 'indexes': [Index(fields=['organisation_id'])], 'pk_attr': 'id', 'table_description': 'An organisation a medborgarlöfte prints as its own party (a stadsdelsförvaltning, a local'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CitizenPromiseSignatory',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_promise', fields.ForeignKeyField('models.CitizenPromise', source_field='citizen_promise_id', db_constraint=True, to_field='id', related_name='signatories', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('person', fields.ForeignKeyField('models.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='promise_signatures', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(null=True, max_length=300)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name='promise_signatories', on_delete=OnDelete.RESTRICT)),
                ('signed_on', fields.DateField(null=True)),
                ('place', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'citizen_promise_signatory', 'app': 'models', 'unique_together': (('citizen_promise', 'position'),), 'indexes': [Index(fields=['person_id']), Index(fields=['organisation_id'])], 'pk_attr': 'id', 'table_description': 'A person who signed a medborgarlöfte, with the title printed under the signature (the'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='CitizenPromise',
            name='signed_on',
            field=fields.DateField(null=True),
        ),
        ops.CreateModel(
            name='FollowUpAuthor',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('follow_up', fields.OneToOneField('models.FollowUp', source_field='follow_up_id', db_constraint=True, to_field='id', related_name='author', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('models.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='follow_ups_written', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(null=True, max_length=300)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name='follow_up_authors', on_delete=OnDelete.RESTRICT)),
                ('signed_on', fields.DateField(null=True)),
                ('place', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'follow_up_author', 'app': 'models', 'indexes': [Index(fields=['person_id']), Index(fields=['organisation_id'])], 'pk_attr': 'id', 'table_description': 'Who wrote and signed a follow-up (a kommunpolis), as a signatory: the name in Person.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='FollowUp',
            name='span',
            field=fields.CharEnumField(default=FollowUpSpan.YEAR, description='YEAR: YEAR\nHALF_YEAR: HALF_YEAR\nTERTIAL: TERTIAL', enum_type=FollowUpSpan, max_length=20),
        ),
        ops.AddField(
            model_name='FollowUp',
            name='span_number',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='FollowUpEntry',
            name='actor',
            field=fields.CharEnumField(null=True, description='KOMMUN: KOMMUN\nPOLIS: POLIS\nTILLSAMMANS: TILLSAMMANS\nOTHER: OTHER\nUNSPECIFIED: UNSPECIFIED', enum_type=Actor, max_length=20),
        ),
        ops.AddField(
            model_name='FollowUpEntry',
            name='heading',
            field=fields.CharField(null=True, max_length=1000),
        ),
        ops.CreateModel(
            name='GovernanceBody',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('agreement', fields.ForeignKeyField('models.Agreement', source_field='agreement_id', db_constraint=True, to_field='id', related_name='bodies', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=100)),
                ('position', fields.IntField()),
                ('name', fields.CharField(max_length=300)),
                ('role', fields.CharField(null=True, max_length=1000)),
                ('meetings_per_year', fields.IntField(null=True)),
                ('cadence', fields.CharField(null=True, max_length=200)),
                ('parent', fields.ForeignKeyField('models.GovernanceBody', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'governance_body', 'app': 'models', 'unique_together': (('agreement', 'key'), ('agreement', 'position')), 'indexes': [Index(fields=['parent_id'])], 'pk_attr': 'id', 'table_description': 'A body an agreement sets up or relies on (a trygghetsråd, a BRÅ-grupp, a chefssamråd, an'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FollowUpRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('agreement', fields.ForeignKeyField('models.Agreement', source_field='agreement_id', db_constraint=True, to_field='id', related_name='follow_up_rules', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('form', fields.CharEnumField(description='WRITTEN: WRITTEN\nORAL: ORAL', enum_type=FollowUpForm, max_length=20)),
                ('times_per_year', fields.IntField(null=True)),
                ('responsible', fields.ForeignKeyField('models.GovernanceBody', source_field='responsible_id', null=True, db_constraint=True, to_field='id', related_name='rules_responsible', on_delete=OnDelete.SET_NULL)),
                ('at_meetings_of', fields.ForeignKeyField('models.GovernanceBody', source_field='at_meetings_of_id', null=True, db_constraint=True, to_field='id', related_name='rules_at_meetings', on_delete=OnDelete.SET_NULL)),
                ('reported_to', fields.CharField(null=True, max_length=300)),
                ('phrase', fields.CharField(max_length=1000)),
            ],
            options={'table': 'follow_up_rule', 'app': 'models', 'unique_together': (('agreement', 'position'),), 'indexes': [Index(fields=['responsible_id']), Index(fields=['at_meetings_of_id'])], 'pk_attr': 'id', 'table_description': 'How an agreement says it is followed up ("skriftligt en gång/år", "muntligt vid rådets'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GovernanceBodyMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('body', fields.ForeignKeyField('models.GovernanceBody', source_field='body_id', db_constraint=True, to_field='id', related_name='member_links', on_delete=OnDelete.CASCADE)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='body_memberships', on_delete=OnDelete.RESTRICT)),
                ('position', fields.IntField()),
            ],
            options={'table': 'governance_body_member', 'app': 'models', 'unique_together': (('body', 'organisation'), ('body', 'position')), 'indexes': [Index(fields=['organisation_id'])], 'pk_attr': 'id', 'table_description': 'An organisation that is a party to or a member of a body, in the order printed.'},
            bases=['Model'],
        ),
    
    ]
