"""Loading, re-loading, exporting and conflicts of seed content (both databases)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from models import CitizenPromise, Commitment, Revision
from models.database import close_database, migrate, open_database
from seed.export import export_texts, write_files
from seed.load import Summary, known_data, load_bundle
from seed.validate import read_files, seed_files, validate_documents
from tests.conftest import SEED_CONTENT, Database, _Registry


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
    write_files(tmp_path, first)
    await close_database()

    other = await registry.empty(backend, "roundtrip")
    await migrate(other.url)
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
