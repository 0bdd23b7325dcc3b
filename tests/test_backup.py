"""Backups: the whole database round-trips between SQLite and PostgreSQL, exactly, and a restore
is one transaction that refuses what it cannot restore faithfully."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tortoise import Tortoise

from api.editorial.access import Role
from api.editorial.types import TYPE_NAMES
from models import Agreement, Commitment, Revision
from models.database import close_database, open_database
from seed.backup import BackupError, backup, restore, tables, uncovered_tables
from seed.export import export_texts
from tests.conftest import ROOT, Database, _Registry, make_client
from tests.editorial import AGREEMENT_GOTENE, PUBLISH, UNPUBLISH, call, gid, mutate, token

REVISIONS = "query($id: ID!) { revisions(id: $id) { number author summary createdAt deleted snapshot } }"
SEARCH = '{ search(query: "trygghet", first: 50) { totalCount edges { node { score snippet } } } }'
# Rich text as clients read it rendered: the renderings are not in the backup but rendered on restore.
RENDERED = """{
  agreements(first: 100) { edges { node { slug summary(format: HTML) sections { body(format: PLAIN) } } } }
  citizenPromises(first: 100) { edges { node { slug summary(format: PLAIN) problemPicture(format: HTML)
    followUps { summary(format: HTML) entries { narrative(format: HTML) } } } } }
}"""


async def _observed(admin: str) -> dict[str, str]:
    """What a client sees of the database, as bytes: every seed file of `seed export` and the
    `revisions` answer of every item with a history; the rendered text's answer as its JSON
    (keys in order), since the compiled path sends each database's own JSON text, whose spacing
    differs."""
    seen = {f"export/{name}": text for name, text in (await export_texts()).items()}
    async with make_client() as client:
        seen["rendered"] = json.dumps((await client.post("/graphql", json={"query": RENDERED})).json())
    items = await Revision.all().distinct().order_by("item_type", "item_slug").values_list("item_type", "item_slug")
    async with make_client() as client:
        for kind, slug in items:
            response = await client.post(
                "/graphql",
                json={"query": REVISIONS, "variables": {"id": gid(TYPE_NAMES[kind], slug)}},
                headers={"Authorization": f"Bearer {admin}"},
            )
            assert response.status_code == 200 and "errors" not in response.json(), response.text
            seen[f"revisions/{kind}/{slug}"] = response.text
    return seen


async def _search() -> str:
    """The search index is rebuilt on restore: a search answers the same (its ranking and
    snippets are each database's own, so compared on the same kind of database)."""
    async with make_client() as client:
        return (await client.post("/graphql", json={"query": SEARCH})).text


async def _authenticates(secret: str) -> bool:
    async with make_client() as client:
        body = await call(client, REVISIONS, {"id": gid("Agreement", AGREEMENT_GOTENE)}, secret)
    return "errors" not in body


async def _restore_into(registry: _Registry, backend: str, path: Path) -> Database:
    database = await registry.migrated(backend, "restored")
    await open_database(database.url)
    await restore(path)
    return database


async def test_a_backup_round_trips_sqlite_to_postgresql_to_sqlite_exactly(registry: _Registry, tmp_path: Path) -> None:
    await registry.require("postgres")
    source = await registry.copy(await registry.seeded_database("sqlite"), "backup_source")
    await open_database(source.url)
    try:
        admin = await token(Role.ADMIN)
        async with make_client() as client:  # history made through the API, not only by the loader
            for mutation in (UNPUBLISH, PUBLISH):
                assert (await mutate(client, mutation, {"id": gid("Agreement", AGREEMENT_GOTENE)}, admin))["ok"]
        original, searched = await _observed(admin), await _search()
        assert '"totalCount":0' not in searched
        await backup(tmp_path / "from-sqlite.jsonl.gz")
    finally:
        await close_database()
    with gzip.open(tmp_path / "from-sqlite.jsonl.gz", "rt", encoding="utf-8") as lines:
        header = json.loads(lines.readline())
    columns = {f"{t['name']}.{c['name']}" for t in header["tables"] for c in t["columns"]}
    assert "citizen_promise.summary" in columns and "follow_up_entry.narrative" in columns
    assert not {c for c in columns if c.endswith(("_html", "_plain", ".render_version"))}  # only the Markdown

    await _restore_into(registry, "postgres", tmp_path / "from-sqlite.jsonl.gz")
    try:
        assert await _observed(admin) == original
        count = json.loads(searched)["data"]["search"]["totalCount"]
        assert json.loads(await _search())["data"]["search"]["totalCount"] == count
        assert await _authenticates(admin)
        # Sequences continue after the restored keys: new rows get new ones.
        assert await _authenticates(await token(Role.REVIEWER))
        await backup(tmp_path / "from-postgres.jsonl.gz")
    finally:
        await close_database()

    await _restore_into(registry, "sqlite", tmp_path / "from-postgres.jsonl.gz")
    try:
        assert await _observed(admin) == original
        assert await _search() == searched
        assert await _authenticates(admin)
    finally:
        await close_database()


async def test_every_table_in_the_database_is_backed_up_or_rebuilt(empty: Database, tmp_path: Path) -> None:
    client = Tortoise.get_connection("default")
    assert await uncovered_tables(client) == []
    (tmp_path / "taken.jsonl.gz").write_bytes(b"")
    with pytest.raises(BackupError, match="exists already; choose a new file name") as refused:
        await backup(tmp_path / "taken.jsonl.gz")
    assert refused.value.code == 2
    (tmp_path / "taken.jsonl.gz").unlink()
    await client.execute_script("CREATE TABLE audit_note (id INT PRIMARY KEY, note TEXT)")
    with pytest.raises(BackupError, match="tables the backup does not know: audit_note") as refused:
        await backup(tmp_path / "b.jsonl.gz")
    assert refused.value.code == 3
    assert list(tmp_path.iterdir()) == []  # nothing left behind


async def test_a_backup_reads_each_table_in_keyset_pages(fresh: Database, tmp_path: Path, sql_counter) -> None:  # type: ignore[no-untyped-def]
    await backup(tmp_path / "b.jsonl.gz", page=5)
    commitments = await Commitment.all().count()
    reads = [s for s in sql_counter.statements if s.startswith('SELECT "id", "key"') and 'FROM "commitment"' in s]
    assert len(reads) == commitments // 5 + 1
    assert all("LIMIT 5" in statement for statement in reads)


async def test_restore_refuses_a_database_with_content_unless_told_to_replace_it(
    fresh: Database, tmp_path: Path
) -> None:
    path = tmp_path / "b.jsonl.gz"
    await backup(path)
    before = await export_texts()
    await Agreement.filter(slug=AGREEMENT_GOTENE).update(title="Ändrad titel")
    with pytest.raises(BackupError, match=r"not empty.*--replace") as refused:
        await restore(path)
    assert refused.value.code == 2
    assert (await Agreement.get(slug=AGREEMENT_GOTENE)).title == "Ändrad titel"

    summary = await restore(path, replace=True)
    assert summary.replaced and summary.rows["agreement"] == await Agreement.all().count()
    assert await export_texts() == before


def _rewrite(path: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    with gzip.open(path, "rt", encoding="utf-8") as source:
        lines = [json.loads(line) for line in source]
    with gzip.open(target, "wt", encoding="utf-8") as out:
        for line in change(lines):
            out.write(json.dumps(line) + "\n")


async def test_restore_refuses_a_newer_schema_or_a_damaged_file_and_restores_an_older_schema(
    fresh: Database, registry: _Registry, backend: str, tmp_path: Path
) -> None:
    path = tmp_path / "b.jsonl.gz"
    await backup(path)
    await close_database()

    def newer(lines: list[dict]) -> list[dict]:  # type: ignore[type-arg]
        lines[0]["migrations"].append("models/0099_from_the_future")
        return lines

    def older(lines: list[dict]) -> list[dict]:  # type: ignore[type-arg]
        lines[0]["migrations"].remove("models/0004_foreign_key_indexes")
        return lines

    _rewrite(path, tmp_path / "newer.jsonl.gz", newer)
    _rewrite(path, tmp_path / "older.jsonl.gz", older)
    _rewrite(path, tmp_path / "no-end.jsonl.gz", lambda lines: lines[:-1])

    def duplicated(lines: list[dict]) -> list[dict]:  # type: ignore[type-arg]
        page = next(line for line in lines if line.get("table") == "agreement")
        page["rows"].append([page["rows"][0][0] + 1000, *page["rows"][0][1:]])  # the same slug again
        return lines

    _rewrite(path, tmp_path / "duplicated.jsonl.gz", duplicated)
    (tmp_path / "truncated.jsonl.gz").write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    target = await registry.migrated(backend, "schema")
    await open_database(target.url)
    with pytest.raises(BackupError, match=r"newer schema.*0099_from_the_future.*samverkan migrate") as refused:
        await restore(tmp_path / "newer.jsonl.gz")
    assert refused.value.code == 3
    with pytest.raises(BackupError, match="incomplete") as refused:
        await restore(tmp_path / "no-end.jsonl.gz")
    assert refused.value.code == 1
    with pytest.raises(BackupError, match="not a readable backup"):
        await restore(tmp_path / "truncated.jsonl.gz")
    with pytest.raises(BackupError, match="rows of agreement cannot be written here") as refused:
        await restore(tmp_path / "duplicated.jsonl.gz")
    assert refused.value.code == 1
    for table in tables():  # nothing of any of them was written
        assert (
            await Tortoise.get_connection("default").execute_query_dict(f'SELECT 1 FROM "{table.name}" LIMIT 1') == []
        )

    summary = await restore(tmp_path / "older.jsonl.gz")
    assert any("older schema (without models/0004_foreign_key_indexes)" in note for note in summary.notes)
    assert await Agreement.all().count() == summary.rows["agreement"] > 0


async def test_the_commands_explain_refusals_in_a_line_with_their_exit_codes(
    registry: _Registry, tmp_path: Path
) -> None:
    url = (await registry.migrated("sqlite", "commands")).url
    env = {**os.environ, "DATABASE_URL": url}

    def samverkan(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", "from seed.cli import main; main()", *args]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    written = samverkan("backup", str(tmp_path / "b.jsonl.gz"))
    assert written.returncode == 0, written.stderr
    size = (tmp_path / "b.jsonl.gz").stat().st_size
    assert f"backup written to {tmp_path / 'b.jsonl.gz'} ({size:,} bytes)" in written.stdout
    missing = samverkan("restore", str(tmp_path / "nothing.jsonl.gz"))
    assert (missing.returncode, missing.stderr.strip()) == (2, f"{tmp_path / 'nothing.jsonl.gz'}: no such file")


async def test_many_to_many_through_tables_are_backed_up_after_both_sides() -> None:
    await Tortoise.init(db_url="sqlite://:memory:", modules={"models": ["tests.backup_m2m_models"]})
    try:
        await Tortoise.generate_schemas()
        found = {table.name: table for table in tables()}
        through = found["note_label"]
        assert [(c.name, c.kind, c.references) for c in through.columns] == [
            ("note_id", "int", "note"),
            ("label_id", "text", "label"),
        ]
        assert list(found).index("note_label") > max(list(found).index("note"), list(found).index("label"))
        assert await uncovered_tables(Tortoise.get_connection("default")) == []
    finally:
        await Tortoise.close_connections()
