"""Rich text rendered on write (issue 16): the HTML and plain text of every Markdown field,
stored beside it with the renderer's version.

`format: HTML | PLAIN` cannot be computed in SQL at read time, so the renderings are written
with the Markdown (models/rendered.py) and read as columns by the compiled SQL, the reference
path and the search index alike. One column per field and format (`summary_html`,
`summary_plain`, …) rather than one JSON column per row: a read is then a plain column on both
databases, with no JSON path in the compiled SQL, and the Markdown is still the only thing seed
export and backups keep. A `sections` list's bodies are rendered into two JSON lists in the
sections' order (`sections_html`, `sections_plain`), since the sections are one JSON value.

`render_version` is the renderer's version a row was rendered by (models/text.py, VERSION);
the new columns start NULL with version 0, and `samverkan migrate` renders every row older than
the current version right after applying the migrations (models/database.py), so rows that
exist when this migration runs are rendered by the same step that re-renders after a renderer
change. The AlterField of `commitment.actor` and the AlterModelOptions `makemigrations`
proposes are left out, as in 0009 and 0011 (on SQLite an AlterField rebuilds the table and
drops 0002's triggers); every AddField here is a plain ALTER TABLE ADD COLUMN on both databases.

Applied after 0012 (service points, succession, provenance), whose new text fields are plain
strings, not Markdown: nothing of 0012 is rendered.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0012_service_points_succession_provenance')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Agreement',
            name='render_version',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Agreement',
            name='sections_html',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='Agreement',
            name='sections_plain',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='Agreement',
            name='summary_html',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Agreement',
            name='summary_plain',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='CitizenPromise',
            name='problem_picture_html',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='CitizenPromise',
            name='problem_picture_plain',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='CitizenPromise',
            name='render_version',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='CitizenPromise',
            name='sections_html',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='CitizenPromise',
            name='sections_plain',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='CitizenPromise',
            name='summary_html',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='CitizenPromise',
            name='summary_plain',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='FollowUp',
            name='render_version',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='FollowUp',
            name='summary_html',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='FollowUp',
            name='summary_plain',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='FollowUpEntry',
            name='narrative_html',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='FollowUpEntry',
            name='narrative_plain',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='FollowUpEntry',
            name='render_version',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='ServiceAgreement',
            name='render_version',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='ServiceAgreement',
            name='summary_html',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='ServiceAgreement',
            name='summary_plain',
            field=fields.TextField(null=True, unique=False),
        ),
    ]
