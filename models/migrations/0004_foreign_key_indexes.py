"""Indexes on the foreign keys that lists filter and join on: PostgreSQL does not index them by itself."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_search')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='AgreementParty',
            index=Index(fields=['organisation_id']),
        ),
        ops.AddIndex(
            model_name='CitizenPromise',
            index=Index(fields=['municipality_id']),
        ),
        ops.AddIndex(
            model_name='CitizenPromise',
            index=Index(fields=['agreement_id']),
        ),
        ops.AddIndex(
            model_name='CitizenPromiseContact',
            index=Index(fields=['contact_id']),
        ),
        ops.AddIndex(
            model_name='CommitmentPartner',
            index=Index(fields=['organisation_id']),
        ),
        ops.AddIndex(
            model_name='CommitmentTopic',
            index=Index(fields=['topic_id']),
        ),
        ops.AddIndex(
            model_name='Contact',
            index=Index(fields=['person_id']),
        ),
        ops.AddIndex(
            model_name='Contact',
            index=Index(fields=['organisation_id']),
        ),
        ops.AddIndex(
            model_name='ContactMunicipality',
            index=Index(fields=['municipality_id']),
        ),
        ops.AddIndex(
            model_name='County',
            index=Index(fields=['police_region_id']),
        ),
        ops.AddIndex(
            model_name='FollowUp',
            index=Index(fields=['citizen_promise_id']),
        ),
        ops.AddIndex(
            model_name='FollowUpEntryCommitment',
            index=Index(fields=['commitment_id']),
        ),
        ops.AddIndex(
            model_name='Municipality',
            index=Index(fields=['county_id']),
        ),
        ops.AddIndex(
            model_name='Municipality',
            index=Index(fields=['local_police_area_id']),
        ),
        ops.AddIndex(
            model_name='Organisation',
            index=Index(fields=['municipality_id']),
        ),
        ops.AddIndex(
            model_name='Organisation',
            index=Index(fields=['police_unit_id']),
        ),
        ops.AddIndex(
            model_name='PoliceUnit',
            index=Index(fields=['parent_id']),
        ),
        ops.AddIndex(
            model_name='ServiceAgreement',
            index=Index(fields=['municipality_id']),
        ),
        ops.AddIndex(
            model_name='ServiceAgreementParty',
            index=Index(fields=['organisation_id']),
        ),
        ops.AddIndex(
            model_name='Signatory',
            index=Index(fields=['person_id']),
        ),
        ops.AddIndex(
            model_name='Signatory',
            index=Index(fields=['organisation_id']),
        ),
    ]
