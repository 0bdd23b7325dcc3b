"""The search index: one document per agreement, citizen promise, commitment and follow-up.

`search_document` holds each document's plain text (for snippets) and which content rows decide
whether it may be shown (visibility is checked against them when searching, since schedules
pass without writes). `search_place` holds the municipalities, counties and police regions a
document concerns, for filters. The full-text part depends on the database:

- PostgreSQL: a tsvector column generated with the `swedish` configuration (Snowball stemmer,
  Swedish stop words), under a GIN index.
- SQLite: an FTS5 table over stems made in Python (FTS5 has no Swedish stemmer), kept in step
  with `search_document` by triggers. `remove_diacritics 0`: å, ä and ö stay letters of their own.

There are no foreign keys to the content tables: a SQLite table rebuild in a later migration
would otherwise cascade into the index. Searches join the content rows instead, so a document
whose row is gone is never shown, and `samverkan search reindex` rebuilds everything. A database
that already holds content when this runs has it indexed here (after this migration, every write
keeps the index up to date).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

_DOCUMENT_COLUMNS = """
    kind VARCHAR(20) NOT NULL,
    item_id INT NOT NULL,
    agreement_id INT,
    citizen_promise_id INT,
    follow_up_id INT,
    commitment_id INT,
    title TEXT NOT NULL,
    body TEXT NOT NULL"""

_PLACE_TABLE = """CREATE TABLE search_place (
    document_id INT NOT NULL REFERENCES search_document (id) ON DELETE CASCADE,
    municipality_code VARCHAR(4) NOT NULL,
    county_code VARCHAR(2) NOT NULL,
    police_region VARCHAR(200),
    PRIMARY KEY (document_id, municipality_code)
)"""

_COMMON_INDEXES = [
    "CREATE UNIQUE INDEX search_document_item ON search_document (kind, item_id)",
    "CREATE INDEX search_document_citizen_promise ON search_document (citizen_promise_id)",
    "CREATE INDEX search_place_municipality ON search_place (municipality_code)",
    "CREATE INDEX search_place_county ON search_place (county_code)",
    "CREATE INDEX search_place_police_region ON search_place (police_region)",
]

POSTGRES = [
    f"""CREATE TABLE search_document (
    id SERIAL PRIMARY KEY,{_DOCUMENT_COLUMNS},
    search_vector TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('swedish', title), 'A') || setweight(to_tsvector('swedish', body), 'D')
    ) STORED
)""",
    _PLACE_TABLE,
    *_COMMON_INDEXES,
    "CREATE INDEX search_document_vector ON search_document USING GIN (search_vector)",
]

SQLITE = [
    f"""CREATE TABLE search_document (
    id INTEGER PRIMARY KEY,{_DOCUMENT_COLUMNS},
    title_terms TEXT NOT NULL,
    body_terms TEXT NOT NULL
)""",
    _PLACE_TABLE,
    *_COMMON_INDEXES,
    "CREATE VIRTUAL TABLE search_text USING fts5(title_terms, body_terms,"
    " content='search_document', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_document_text_insert AFTER INSERT ON search_document BEGIN"
    " INSERT INTO search_text (rowid, title_terms, body_terms) VALUES (NEW.id, NEW.title_terms, NEW.body_terms);"
    " END",
    "CREATE TRIGGER search_document_text_delete AFTER DELETE ON search_document BEGIN"
    " INSERT INTO search_text (search_text, rowid, title_terms, body_terms)"
    " VALUES ('delete', OLD.id, OLD.title_terms, OLD.body_terms);"
    " END",
    "CREATE TRIGGER search_document_text_update AFTER UPDATE ON search_document BEGIN"
    " INSERT INTO search_text (search_text, rowid, title_terms, body_terms)"
    " VALUES ('delete', OLD.id, OLD.title_terms, OLD.body_terms);"
    " INSERT INTO search_text (rowid, title_terms, body_terms) VALUES (NEW.id, NEW.title_terms, NEW.body_terms);"
    " END",
]


async def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    for statement in POSTGRES if postgres else SQLITE:
        await client.execute_script(statement)
    # Only a database migrated with content in it needs this; a new one is indexed as it is
    # filled. (It runs today's indexing code: should that one day need later columns, index
    # here only what this schema has, or leave it to `samverkan search reindex`.)
    rows = await client.execute_query_dict(
        "SELECT (SELECT COUNT(*) FROM agreement) + (SELECT COUNT(*) FROM citizen_promise) AS items"
    )
    if rows[0]["items"]:
        from models.search.index import rebuild

        await rebuild(client)


async def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        await client.execute_script("DROP TABLE search_text")
    await client.execute_script("DROP TABLE search_place")
    await client.execute_script("DROP TABLE search_document")


class Migration(migrations.Migration):
    dependencies = [("models", "0002_integrity_rules")]

    operations = [ops.RunPython(forwards, backwards)]
