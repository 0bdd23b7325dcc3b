"""The benchmark refuses a ratio for a server that answered any request of its windows with an
error or a status other than 200, and says how many and the first instead (bench/run.py)."""

from __future__ import annotations

from typing import Any

from bench.run import _versus, failure, ratio


def _sample(rps: float, errors: int = 0, first_error: str | None = None) -> dict[str, Any]:
    return {"rps": rps, "errors": errors, "first_error": first_error, "p50_ms": 1.0, "p99_ms": 2.0, "requests": 100}


def test_a_ratio_of_clean_windows_is_the_ratio_of_their_medians() -> None:
    assert ratio([_sample(300), _sample(100), _sample(200)], [_sample(100), _sample(100)]) == 2.0


def test_no_ratio_when_either_side_answered_one_request_with_an_error() -> None:
    clean = [_sample(100), _sample(100)]
    failing = [_sample(5000), _sample(5000, errors=1, first_error='503 {"errors": [{"message": "down"}]}')]
    assert ratio(failing, clean) is None
    assert ratio(clean, failing) is None
    assert failure(clean) is None
    assert failure(failing) == '1 errors, first: 503 {"errors": [{"message": "down"}]}'


def test_the_table_says_refused_instead_of_a_ratio() -> None:
    row = {"rps": 5000.0, "first_error": "1 errors, first: 500 boom"}
    reference = {"rps": 100.0, "first_error": None}
    assert _versus(row, reference) == "refused: errors"
    assert _versus(reference, row) == "refused: errors"
    assert _versus({"rps": 150.0, "first_error": None}, reference) == "1.50×"
