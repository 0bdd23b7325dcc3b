"""The short form of `make fuzz` (tests/fuzz.py): a fixed seed and fixed counts of documents
drawn by hypothesis-graphql over the whole schema, on both databases. No document may get a 5xx
or a masked "Unexpected error"."""

from __future__ import annotations

import httpx
import pytest

from tests import fuzz
from tests.conftest import Database, make_client

SEED = 20261201
PLAN = fuzz.Plan(queries=50, negative_queries=20, mutations=16, negative_mutations=6)


def _checked(report: fuzz.Report, expected: int) -> None:
    assert report.sent == expected, report.lines()
    assert not report.failures, "\n".join(report.lines())
    # The documents reached the resolvers: some answered with data, some were refused by them.
    assert report.outcomes["HTTP 200 data"] > 0, report.lines()


@pytest.mark.slow
async def test_fuzzed_queries_without_a_token_never_get_an_unexpected_error(seeded: Database) -> None:
    async with make_client() as client:
        report = await fuzz.anonymous_queries(client, PLAN, SEED, "anonymous")
    _checked(report, PLAN.queries + PLAN.negative_queries)
    assert report.outcomes[next(kind for kind in report.outcomes if kind.startswith("BAD_USER_INPUT"))] > 0


@pytest.mark.slow
async def test_fuzzed_mutations_and_editorial_queries_never_get_an_unexpected_error(fresh: Database) -> None:
    tokens = await fuzz.editorial_tokens("test")
    client: httpx.AsyncClient
    async with make_client() as client:
        report = await fuzz.editorial_round(client, tokens, PLAN, SEED, "editorial")
    _checked(report, len(tokens) * (PLAN.queries // 2) + 3 * (PLAN.mutations + PLAN.negative_mutations))
