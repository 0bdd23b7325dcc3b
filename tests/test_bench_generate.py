"""The benchmark's content generator: deterministic, and valid for the project's own loader."""

from __future__ import annotations

from pathlib import Path

from bench.generate import FIRST_YEAR, LAST_YEAR, generate
from seed.load import known_data
from seed.reference import read_reference
from seed.validate import read_files, seed_files, validate_documents
from seed.yamlio import read


def test_same_arguments_write_identical_files(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", limit=3)
    second = generate(tmp_path / "b", limit=3)

    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert len(names) == 3
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert first == second


def test_each_municipality_gets_a_promise_a_year_with_8_to_14_commitments(tmp_path: Path) -> None:
    counts = generate(tmp_path, limit=2)

    assert counts.citizen_promises == 2 * (LAST_YEAR - FIRST_YEAR + 1)
    for path in tmp_path.iterdir():
        promises = read(path).data["citizen_promises"]
        assert [p["period"]["label"] for p in promises] == [str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
        assert all(8 <= len(p["commitments"]) <= 14 for p in promises)
        assert {c["actor"] for p in promises for c in p["commitments"]} == {"KOMMUN", "POLIS", "TILLSAMMANS"}


async def test_generated_files_pass_the_seed_validation(tmp_path: Path, empty: object) -> None:
    generate(tmp_path, limit=2)
    parsed, problems = read_files(seed_files(tmp_path))
    _, more = validate_documents(parsed, await known_data(read_reference()))

    assert [str(p) for p in problems + more] == []
