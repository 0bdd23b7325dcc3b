"""Loading, re-loading, exporting and conflicts of seed content (both databases), the
statements a load costs, and a failing load changing nothing."""

from __future__ import annotations

import asyncio
import copy
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError

from models import CitizenPromise, Commitment, FollowUpEntry, Person, Revision
from models.database import close_database, open_database
from models.enums import Actor, PublicationStatus
from models.sql import MAX_PARAMETERS, ROWS_PER_STATEMENT
from models.text import _render_plain, is_plain, to_plain
from models.transactions import write_transaction
from seed.export import export_texts, write_files
from seed.load import Invalidated, Summary, known_data, load_bundle
from seed.pipeline import check_path
from seed.rows import Rows, encoder
from seed.validate import read_files, seed_files, validate_documents
from tests.conftest import ROOT, SEED_CONTENT, Database, QueryCounter, _Registry
from tests.content import load_documents, municipality_content


async def load(path: Path, *, force: bool = False) -> Summary:
    parsed, problems = read_files(seed_files(path))
    bundle, more = validate_documents(parsed, await known_data())
    assert not problems + more, [str(p) for p in problems + more]
    return await load_bundle(bundle, force=force)


async def test_loading_the_same_files_twice_changes_nothing(fresh: Database) -> None:
    before = await export_texts()
    revisions = await Revision.all().count()
    summary = await load(SEED_CONTENT)
    assert not summary.changed
    assert not summary.conflicts
    assert all(count["unchanged"] == sum(count.values()) for count in summary.counts.values())
    assert "nothing to change" in summary.lines()[-1]
    assert await export_texts() == before
    assert await Revision.all().count() == revisions


async def test_export_round_trip_is_lossless_and_byte_stable(
    seeded: Database, registry: _Registry, backend: str, tmp_path: Path
) -> None:
    first = await export_texts()
    assert await export_texts() == first  # the same data exports to the same bytes
    # Rich text is exported as its Markdown only, never its stored renderings.
    assert any("summary: " in text for text in first.values())
    assert not [name for name, text in first.items() if re.search(r"_html:|_plain:|render_version", text)]
    write_files(tmp_path, first)
    await close_database()

    other = await registry.migrated(backend, "roundtrip")
    await open_database(other.url)
    try:
        summary = await load(tmp_path)
        assert summary.changed and not summary.conflicts
        assert await export_texts() == first
    finally:
        await close_database()
        await open_database(seeded.url)  # the fixture closes what it opened


async def test_an_edit_in_the_database_is_a_conflict_not_overwritten(fresh: Database, tmp_path: Path) -> None:
    await CitizenPromise.filter(slug="gotene-medborgarlofte-2019").update(title="Redigerad i databasen")
    shutil.copytree(SEED_CONTENT, tmp_path / "content")
    path = tmp_path / "content" / "gotene-medborgarlofte-2019.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Genomföra riktade insatser mot narkotika.", "Ändrad i filen."))

    summary = await load(tmp_path / "content")

    assert [(c.kind, c.slug) for c in summary.conflicts] == [("citizen_promises", "gotene-medborgarlofte-2019")]
    assert "gotene-medborgarlofte-2019.yaml:" in str(summary.conflicts[0])
    promise = await CitizenPromise.get(slug="gotene-medborgarlofte-2019")
    assert promise.title == "Redigerad i databasen"
    assert not await Commitment.filter(citizen_promise_id=promise.id, text="Ändrad i filen.").exists()

    forced = await load(tmp_path / "content", force=True)
    assert not forced.conflicts
    promise = await CitizenPromise.get(slug="gotene-medborgarlofte-2019")
    assert promise.title == "Medborgarlöfte 2019"
    assert await Commitment.filter(citizen_promise_id=promise.id, text="Ändrad i filen.").exists()


async def test_a_changed_file_updates_the_item_and_records_a_revision(fresh: Database, tmp_path: Path) -> None:
    shutil.copytree(SEED_CONTENT, tmp_path / "content")
    path = tmp_path / "content" / "gotene-medborgarlofte-2019.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Genomföra temainriktade trygghetsvandringar.", "Genomföra trygghetsvandringar."))

    summary = await load(tmp_path / "content")

    assert summary.counts["citizen_promises"]["updated"] == 1
    assert summary.counts["citizen_promises"]["unchanged"] == 2
    promise = await CitizenPromise.get(slug="gotene-medborgarlofte-2019")
    assert promise.revision == 2
    commitment = await Commitment.get(citizen_promise_id=promise.id, key="kommun-1")
    assert commitment.text == "Genomföra trygghetsvandringar."
    revision = await Revision.get(item_type="citizen_promises", item_slug=promise.slug, number=2)
    assert revision.author == "seed"
    assert revision.snapshot["commitments"][0]["text"] == "Genomföra trygghetsvandringar."


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_seed_files_are_all_valid(seeded: Database) -> None:
    parsed, problems = read_files(seed_files(SEED_CONTENT))
    _, more = validate_documents(parsed, await known_data())
    assert problems + more == []
    assert len(parsed) >= 6


def _edited(documents: dict[str, dict[str, list[object]]]) -> dict[str, dict[str, list[object]]]:
    """Every citizen promise changed: its commitments reworded and in reverse order, a new one
    at the end; every follow-up without its first entry. (Follow-ups report on every
    commitment, so none can leave its promise here.)"""
    edited = copy.deepcopy(documents)
    for document in edited.values():
        for promise in document["citizen_promises"]:
            assert isinstance(promise, dict)
            commitments = promise["commitments"][::-1]
            for commitment in commitments:
                commitment["text"] += " Omformulerat."
                commitment["topics"] = commitment["topics"][::-1]
            promise["commitments"] = [*commitments, {"key": "ny", "actor": "POLIS", "text": "Ett nytt löfte."}]
        for follow_up in document["follow_ups"]:
            assert isinstance(follow_up, dict)
            follow_up["entries"] = follow_up["entries"][1:]
    return edited


async def test_a_load_costs_the_same_statements_for_few_items_as_for_many(
    fresh: Database, tmp_path: Path, sql_counter: QueryCounter
) -> None:
    few = {"few": municipality_content("1440", promises=1, commitments=2, prefix="few")}
    many = {
        f"many-{code}": municipality_content(code, promises=8, commitments=14, prefix=f"many-{code}")
        for code in ("1489", "0765", "1480")
    }
    statements: dict[str, list[int]] = {"few": [], "many": []}
    for name, documents in (("few", few), ("many", many)):
        for step, version in enumerate((documents, documents, _edited(documents))):
            sql_counter.statements.clear()
            summary = await load_documents(tmp_path / f"{name}-{step}", version)
            statements[name].append(len(sql_counter.statements))
            assert summary.changed == (step != 1)
            assert not summary.conflicts

    # Created, then unchanged, then updated: the same statements for 1 promise as for 24.
    assert statements["few"] == statements["many"], statements
    promise = await CitizenPromise.get(slug="many-1480-lofte-8")
    commitments = await Commitment.filter(citizen_promise_id=promise.id).order_by("document_order")
    assert [c.key for c in commitments] == [f"k-{n}" for n in range(14, 0, -1)] + ["ny"]
    assert all(c.text.endswith("Omformulerat.") for c in commitments[:-1])
    revisions = await Revision.filter(item_slug=promise.slug).order_by("number")
    assert [r.number for r in revisions] == [1, 2]
    assert [c["key"] for c in revisions[1].snapshot["commitments"]] == [c.key for c in commitments]


async def test_bulk_inserts_take_few_statements_and_fail_as_tortoise_does(
    fresh: Database, sql_counter: QueryCounter
) -> None:
    """More rows than one statement carries all go in: VALUES lists of ROWS_PER_STATEMENT rows on
    SQLite, one COPY on PostgreSQL. A duplicate key fails as Tortoise's IntegrityError on both
    (what the editorial writes catch when two creates race), and the transaction keeps nothing."""
    count = 2 * ROWS_PER_STATEMENT + 1
    people = [{"key": f"bulk-{n}", "name": f"Bulk {n}", "email": None, "phone": None} for n in range(count)]
    sql_counter.statements.clear()
    async with write_transaction():
        await Rows().insert(Person, people)
    writes = [s for s in sql_counter.statements if s.startswith(('INSERT INTO "person"', "COPY person"))]
    assert len(writes) == (1 if fresh.backend == "postgres" else 3), writes
    assert await Person.filter(key__startswith="bulk-").count() == count

    again = [{"key": "bulk-new", "name": "Ny", "email": None, "phone": None}, people[-1]]
    with pytest.raises(IntegrityError):
        async with write_transaction():
            await Rows().insert(Person, again)
    assert not await Person.filter(key="bulk-new").exists()


async def test_a_list_of_keys_longer_than_a_statement_binds_is_one_statement(
    fresh: Database, sql_counter: QueryCounter
) -> None:
    """Bulk reads and deletes by key bind the keys as one value (an array on PostgreSQL, JSON for
    json_each on SQLite): more keys than a statement may bind parameters take one statement."""
    people = [{"key": f"many-{n}", "name": f"Många {n}", "email": None, "phone": None} for n in range(3)]
    keys = [f"absent-{n}" for n in range(MAX_PARAMETERS)] + [person["key"] for person in people]
    async with write_transaction():
        await Rows().insert(Person, people)
        sql_counter.statements.clear()
        found = await Rows().select(Person, ("key", "name"), "key", keys)
        await Rows().delete(Person, "key", keys)
    assert sorted((row["key"], row["name"]) for row in found) == [(p["key"], p["name"]) for p in people]
    assert len([s for s in sql_counter.statements if 'FROM "person"' in s]) == 2, sql_counter.statements
    assert not await Person.filter(key__startswith="many-").exists()


def test_text_that_skips_markdown_rendering_is_what_rendering_gives() -> None:
    """models.text.to_plain returns a plain sentence as it is: for every text of the seed
    content and some that only look plain, skipping gives what rendering gives."""
    parsed, _ = read_files(seed_files(SEED_CONTENT))
    texts: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for child in value.values():
                collect(child)
        elif isinstance(value, list):
            for child in value:
                collect(child)

    for file in parsed:
        collect(file.data)
    tricky = ["1. Först", "2) Sedan", "- punkt", "+ punkt", "> citat", "# Rubrik", "**fet**", "a_b_c", "a &amp; b"]
    tricky += ["rad ett\nrad två", " inledande", "avslutande ", "a <b> c", "[länk](https://polisen.se)", "a\tb"]
    plain = [text for text in texts + tricky if is_plain(text)]
    assert len(plain) > 100
    assert not any(is_plain(text) for text in tricky)
    for text in plain:
        assert _render_plain(text) == text == to_plain(text)
    assert to_plain("**fet** text") == "fet text"


async def test_a_refusal_late_in_a_large_load_leaves_the_database_unchanged(
    fresh: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches, so the refused item comes many batches (and all other types) after the first write.
    monkeypatch.setattr("seed.load.BATCH", 3)
    documents = {
        f"stor-{code}": municipality_content(code, promises=4, commitments=10, prefix=f"stor-{code}")
        for code in ("1489", "0765", "1480")
    }
    last = documents["stor-1480"]["follow_ups"][-1]
    assert isinstance(last, dict)
    await _refuse_in_database("follow_up", str(last["slug"]))
    before = await export_texts()
    revisions = await Revision.all().count()
    search_documents = await _count("search_document")

    with pytest.raises(Exception, match="refused by the test"):
        await load_documents(tmp_path, documents)

    assert await export_texts() == before
    assert await Revision.all().count() == revisions
    assert await _count("search_document") == search_documents
    assert not await CitizenPromise.filter(slug__startswith="stor-").exists()


async def _refuse_in_database(table: str, slug: str) -> None:
    """A trigger that refuses to insert the row with `slug` into `table`: a failure that only
    the database sees, after validation passed."""
    connection = connections.get("default")
    if connection.capabilities.dialect == "sqlite":
        await connection.execute_script(
            f"CREATE TRIGGER test_refuse BEFORE INSERT ON {table} WHEN NEW.slug = '{slug}'"
            " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
        return
    await connection.execute_script(
        "CREATE FUNCTION test_refuse() RETURNS trigger AS $$ BEGIN"
        f" IF NEW.slug = '{slug}' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW;"
        " END $$ LANGUAGE plpgsql;"
        f" CREATE TRIGGER test_refuse BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION test_refuse();"
    )


async def _count(table: str) -> int:
    rows = await connections.get("default").execute_query_dict(f"SELECT COUNT(*) AS n FROM {table}")
    return int(rows[0]["n"])


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_the_cli_closes_postgresql_connections_cleanly(empty: Database) -> None:
    # asyncpg replaces a connection after max_queries statements (50,000 unless set); a load
    # that outlives one must still end without "Future exception was never retrieved".
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from seed.cli import main; main()",
        "seed",
        "load",
        str(SEED_CONTENT),
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"{empty.url}?max_queries=20"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert out.decode().splitlines()[-1] == "changes written"
    assert err.decode() == ""


async def test_a_load_leaves_the_planner_statistics_of_the_new_content(empty: Database, backend: str) -> None:
    await load(SEED_CONTENT)
    connection = connections.get("default")
    if backend == "postgres":
        rows = await connection.execute_query_dict("SELECT reltuples FROM pg_class WHERE relname = 'commitment'")
        assert rows[0]["reltuples"] > 0  # -1 until the table is analyzed
    else:
        rows = await connection.execute_query_dict("SELECT stat FROM sqlite_stat1 WHERE tbl = 'commitment'")
        assert rows and int(rows[0]["stat"].split()[0]) > 0


async def test_a_load_checks_its_files_again_inside_its_transaction_and_writes_nothing_if_they_no_longer_hold(
    fresh: Database, tmp_path: Path
) -> None:
    file = tmp_path / "uppfoljning.yaml"
    file.write_text(
        "follow_ups:\n  - slug: gotene-uppfoljning-2019\n    title: Uppföljning 2019\n"
        "    citizen_promise: gotene-medborgarlofte-2019\n    year: 2019\n"
        "    entries:\n      - commitments: [kommun-1]\n        narrative: Genomfört.\n",
        encoding="utf-8",
    )
    checked = await check_path(file)
    assert not checked.problems, [str(p) for p in checked.problems]
    # Between the check and the load, someone takes the commitment away.
    promise = await CitizenPromise.get(slug="gotene-medborgarlofte-2019")
    await Commitment.filter(citizen_promise_id=promise.id, key="kommun-1").delete()
    revisions = await Revision.all().count()
    with pytest.raises(Invalidated) as invalidated:
        # Given what it was checked against, the load sees that the database changed since.
        await load_bundle(checked.bundle, checked=checked.known)
    assert [p.field for p in invalidated.value.problems] == ["follow_ups[0].entries[0].commitments[0]"]
    assert "'kommun-1' is not a commitment" in invalidated.value.problems[0].message
    assert await Revision.all().count() == revisions


def test_bulk_converters_give_what_the_fields_give() -> None:
    """The code bulk rows are encoded with (seed.rows.encoder, which does the common cases
    itself) returns what each field's `to_db_value` returns and refuses what it refuses, one
    column at a time and all of a model's columns in one row."""
    samples: list[object] = [None, "", "x", "x" * 5_000, 7, True, 1.5, "KOMMUN", *Actor, *PublicationStatus]
    checked = 0
    for model in (Commitment, CitizenPromise, FollowUpEntry, Revision, Person):
        for name in model._meta.fields_db_projection:
            field = model._meta.fields_map[name]
            encode = encoder(model, (name,))
            for value in samples:
                try:
                    expected: tuple[object, ...] = ("ok", field.to_db_value(value, model))
                except Exception as error:
                    expected = ("refused", type(error))
                try:
                    got: tuple[object, ...] = ("ok", encode({name: value})[0])
                except Exception as error:
                    got = ("refused", type(error))
                assert (got, type(got[1])) == (expected, type(expected[1])), (model.__name__, name, value)
                checked += 1
    assert checked > 500
    names = tuple(Commitment._meta.fields_db_projection)
    row = {name: getattr(Commitment(key="k", text="t", actor=Actor.POLIS, position=1), name, None) for name in names}
    fields = Commitment._meta.fields_map
    assert encoder(Commitment, names)(row) == [fields[name].to_db_value(row[name], Commitment) for name in names]
