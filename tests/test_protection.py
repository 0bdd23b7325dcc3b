"""Query limits hold whatever the document's shape (both databases, through the endpoint): each is
refused quickly, in JSON, with the status GraphQL over HTTP gives, after a walk whose size is
counted and must stay a small multiple of the document's."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, get_introspection_query, parse

from tests.conftest import QueryCounter, capturing

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


class WalkCounter(logging.Handler):
    """The nodes the limits walk visited, as api/protection/limits.py logs them per new document."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.visited: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "visited"):
            self.visited.append(record.visited)


@pytest.fixture
def walk() -> Iterator[WalkCounter]:
    with capturing("samverkan.protection", WalkCounter()) as counter:
        yield counter


def bomb(levels: int, first: str = "counties { code name }") -> str:
    """`...F<levels>` stands for 2^levels copies of F0: each fragment spreads the previous twice."""
    fragments = [f"fragment F0 on Query {{ {first} }}"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return f"query {{ ...F{levels} }} " + " ".join(fragments)


def selections(query: str) -> int:
    """The selections written in the document (each fragment once): its size for the walk."""
    count = 0
    stack = [definition.selection_set for definition in parse(query).definitions]  # type: ignore[attr-defined]
    while stack:
        for selection in stack.pop().selections:
            count += 1
            if isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                stack.append(selection.selection_set)
            assert isinstance(selection, FieldNode | InlineFragmentNode | FragmentSpreadNode)
    return count


async def refusal(client: httpx.AsyncClient, query: str) -> list[str]:
    """POST the document both ways; assert it is refused before execution as the protocol says."""
    modern = await client.post("/graphql", json={"query": query}, headers={"accept": GRAPHQL_RESPONSE})
    assert modern.status_code == 400, modern.text[:300]
    assert modern.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in modern.json()
    legacy = await client.post("/graphql", json={"query": query}, headers={"accept": JSON})
    assert legacy.status_code == 200, legacy.text[:300]
    assert legacy.headers["content-type"].startswith(JSON)
    assert legacy.json()["errors"] == modern.json()["errors"]
    return [error["message"] for error in modern.json()["errors"]]


@pytest.mark.parametrize("levels", [20, 30])
async def test_fragment_bombs_are_refused_after_visiting_each_selection_about_twice(
    client: httpx.AsyncClient, sql_counter: QueryCounter, walk: WalkCounter, levels: int
) -> None:
    query = bomb(levels)
    assert len(query) < 1_300
    messages = await refusal(client, query)
    assert any(f"spreads fragments {2 ** (levels + 1) - 1:,} times" in m for m in messages), messages
    assert any("the limit is 1,000 fragment spreads" in m for m in messages)
    assert any("the limit is 5,000 selections" in m for m in messages)
    assert any("too expensive" in m for m in messages)
    # Measured once per new document (the second request hits the cache): 2 per selection.
    assert len(walk.visited) == 1
    assert walk.visited[0] <= 2 * selections(query), (walk.visited, selections(query))
    assert sql_counter.statements == []


async def test_a_bomb_whose_every_copy_is_an_error_answers_a_few_json_errors(
    client: httpx.AsyncClient, walk: WalkCounter
) -> None:
    """Too deep and with a page too large, 2^24 times: was a text/plain 500 (graphql-core's error
    limit raised out of a rule); now each limit and each bad node is reported once."""
    deep = 'municipality(code: "1471") { ' + "county { municipalities(first: 1000) { " * 7 + "code" + " } }" * 7 + " }"
    messages = await refusal(client, bomb(24, deep))
    assert any("exceeds maximum operation depth of 12: its fields nest 15 levels deep" in m for m in messages)
    assert any("'first' must be between 0 and 100 (got 1000)" in m for m in messages)
    assert len(messages) <= 10
    assert walk.visited[0] <= 2 * selections(bomb(24, deep))


async def test_many_operations_over_the_limits_get_ten_errors_not_thousands(client: httpx.AsyncClient) -> None:
    operations = " ".join(f"query Q{i} {{ ...F20 }}" for i in range(300))
    messages = await refusal(client, operations + bomb(20).removeprefix("query { ...F20 }"))
    assert len(messages) == 10
    assert messages[-1] == "... and 891 more errors like these."


async def test_a_chain_of_fragments_longer_than_pythons_recursion_limit_is_measured(
    client: httpx.AsyncClient, walk: WalkCounter
) -> None:
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(1_100))
    query = f"query {{ ...F0 }} {chain} fragment F1100 on Query {{ counties {{ code }} }}"
    assert await refusal(client, query) == [
        "'anonymous' nests selections 1,103 levels deep once its fragments are written out; the limit is 200 levels.",
        "'anonymous' spreads fragments 1,101 times (counted as if written out); the limit is 1,000 fragment spreads.",
    ]
    assert walk.visited[0] <= 2 * selections(query)


async def test_29_aliases_of_a_deep_introspection_query_are_refused_by_cost(client: httpx.AsyncClient) -> None:
    ref = "name kind ofType { name kind ofType { name kind ofType { name kind } } }"
    deep = f"__schema {{ types {{ name fields {{ name args {{ name type {{ {ref} }} }} type {{ {ref} }} }} }} }}"
    one = await client.post("/graphql", json={"query": f"{{ {deep} }}"})
    assert one.status_code == 200 and "errors" not in one.json()
    aliased = "{ " + " ".join(f"a{i}: {deep}" for i in range(29)) + " }"
    [message] = await refusal(client, aliased)
    assert "too expensive" in message and "exceeds the limit of 50,000" in message


async def test_graphiqls_introspection_query_is_answered(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": get_introspection_query(descriptions=True)})
    assert response.status_code == 200 and "errors" not in response.json()
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_fields_repeated_hundreds_of_times_exhaust_the_merge_budget_not_the_server(
    client: httpx.AsyncClient,
) -> None:
    """graphql-core compares fields of one response name pairwise: 400 copies were 0.8 s."""
    [message] = await refusal(client, "{" + " counties { code }" * 400 + " }")
    assert "repeats fields of the same name too often" in message
    assert "more than 10,000 comparisons" in message
    fine = await client.post("/graphql", json={"query": "{" + " counties { code }" * 20 + " }"})
    assert fine.status_code == 200 and "errors" not in fine.json()


async def test_cycles_and_unknown_fragments_are_graphql_cores_errors(client: httpx.AsyncClient) -> None:
    cycle = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A counties { code } }"
    assert any("Cannot spread fragment 'A' within itself" in m for m in await refusal(client, cycle))
    assert any("Unknown fragment 'Nope'" in m for m in await refusal(client, "query { ...Nope }"))


async def test_fragments_nested_deeper_than_graphql_core_can_validate_are_refused_by_name(
    client: httpx.AsyncClient,
) -> None:
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(300))
    query = f"query Chain {{ ...F0 }} {chain} fragment F300 on Query {{ counties {{ code }} }}"
    assert await refusal(client, query) == [
        "'Chain' nests selections 303 levels deep once its fragments are written out; the limit is 200 levels."
    ]
