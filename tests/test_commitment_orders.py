"""`commitments(orderBy:)` and the export's `orderBy`: every order pages through each row once
and in order, its cursors stay with it, the export lists the rows of the list in the same order,
and each order reads its leading column through an index (both databases)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from api.promises.ordering import COMMITMENT_ORDERS, CommitmentOrder, commitment_tables
from tests.conftest import Database, graphql

PAGE = """
query ($orderBy: CommitmentOrder!, $filter: CommitmentFilter, $after: String) {
  commitments(orderBy: $orderBy, filter: $filter, first: 4, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id actor documentOrder citizenPromise { slug period { start } municipality { code } } } }
  }
}"""
ORDERS = [order.name for order in CommitmentOrder]


async def every_page(
    client: httpx.AsyncClient, order: str, filter: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        data = await graphql(client, PAGE, {"orderBy": order, "filter": filter, "after": after})
        page = data["commitments"]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert len(nodes) == page["totalCount"]
            return nodes
        after = page["pageInfo"]["endCursor"]


async def stored_ids() -> dict[str, int]:
    """Each promise's id as stored, by slug: the actor orders go promise by promise in that order."""
    rows = await connections.get("default").execute_query_dict("SELECT id, slug FROM citizen_promise")
    return {row["slug"]: row["id"] for row in rows}


def sort_key(order: str, node: dict[str, Any], promise_ids: dict[str, int]) -> tuple[Any, ...]:
    promise = node["citizenPromise"]
    if order in ("ACTOR", "ACTOR_DESC"):
        # The actor by its name, A to Z or Z to A (each letter's code negated), whatever the
        # enum's declared order; then the promise as stored and the document order.
        actor = node["actor"] if order == "ACTOR" else (*(-ord(letter) for letter in node["actor"]), 1)
        return (actor, promise_ids[promise["slug"]], node["documentOrder"])
    # Dates as ISO text sort as dates; "newest first" is descending, so compare the negated ordinal.
    ordinal = int(promise["period"]["start"].replace("-", ""))
    period = ordinal if order == "OLDEST_FIRST" else -ordinal
    lead = (promise["municipality"]["code"],) if order == "MUNICIPALITY" else ()
    return (*lead, period, promise["slug"], node["documentOrder"])


@pytest.mark.parametrize("order", ORDERS)
async def test_every_order_pages_through_each_commitment_once_in_that_order(
    client: httpx.AsyncClient, order: str
) -> None:
    nodes = await every_page(client, order)
    assert len(nodes) > 8  # more than two pages
    assert len({node["id"] for node in nodes}) == len(nodes)
    ids = await stored_ids()
    assert nodes == sorted(nodes, key=lambda node: sort_key(order, node, ids))
    default = await every_page(client, "NEWEST_FIRST")
    assert {node["id"] for node in nodes} == {node["id"] for node in default}


async def test_orders_combine_with_filters(client: httpx.AsyncClient) -> None:
    ids = await stored_ids()
    nodes = await every_page(client, "MUNICIPALITY", {"countyCode": "14", "actor": "POLIS"})
    assert nodes and nodes == sorted(nodes, key=lambda node: sort_key("MUNICIPALITY", node, ids))
    nodes = await every_page(client, "ACTOR_DESC", {"countyCode": "14", "year": 2024})
    assert nodes and nodes == sorted(nodes, key=lambda node: sort_key("ACTOR_DESC", node, ids))


async def test_the_actor_orders_group_by_the_actor_s_name_in_both_directions(client: httpx.AsyncClient) -> None:
    """By name, so a value added to the enum later takes its alphabetical place; each direction
    gives every actor's rows in the same order."""
    ascending = await every_page(client, "ACTOR")
    descending = await every_page(client, "ACTOR_DESC")
    actors = sorted({node["actor"] for node in ascending})
    assert len(actors) == 3  # KOMMUN, POLIS, TILLSAMMANS all in the seed
    assert [node["actor"] for node in ascending] == sorted(node["actor"] for node in ascending)
    assert [node["actor"] for node in descending] == sorted((node["actor"] for node in ascending), reverse=True)
    for actor in actors:
        within = [n["id"] for n in ascending if n["actor"] == actor]
        assert within == [n["id"] for n in descending if n["actor"] == actor]


async def test_a_cursor_is_refused_by_a_list_in_another_order(client: httpx.AsyncClient) -> None:
    cursors = {}
    for order in ORDERS:
        data = await graphql(client, PAGE, {"orderBy": order})
        cursors[order] = data["commitments"]["pageInfo"]["endCursor"]
    for given in ORDERS:
        for used in ORDERS:
            if given == used:
                continue
            response = await client.post(
                "/graphql", json={"query": PAGE, "variables": {"orderBy": used, "after": cursors[given]}}
            )
            message = response.json()["errors"][0]["message"]
            assert message.startswith("'after' is"), message
            assert "Unexpected" not in message


async def test_the_default_order_is_the_one_the_list_had_before_orders(client: httpx.AsyncClient) -> None:
    query = "{ commitments(first: 4) { edges { node { id } } pageInfo { endCursor } } }"
    first = await graphql(client, query)
    explicit = await graphql(client, PAGE, {"orderBy": "NEWEST_FIRST"})
    assert [e["node"]["id"] for e in first["commitments"]["edges"]] == [
        e["node"]["id"] for e in explicit["commitments"]["edges"]
    ]
    # …and its cursors are the same, so those given out before orders existed still work.
    assert first["commitments"]["pageInfo"]["endCursor"] == explicit["commitments"]["pageInfo"]["endCursor"]


@pytest.mark.parametrize("order", ORDERS)
async def test_the_export_in_an_order_lists_the_rows_of_the_list_in_that_order(
    client: httpx.AsyncClient, order: str
) -> None:
    nodes = await every_page(client, order, {"countyCode": "14"})
    for suffix in ("json", "csv"):
        response = await client.get(f"/export/commitments.{suffix}?countyCode=14&orderBy={order}")
        assert response.status_code == 200, response.text
    rows = (await client.get(f"/export/commitments.json?countyCode=14&orderBy={order}")).json()
    assert [row["id"] for row in rows] == [node["id"] for node in nodes]


@pytest.mark.parametrize("order", ["MUNICIPALITY", "ACTOR_DESC"])
async def test_the_export_pages_an_order_without_losing_or_repeating_rows(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    from api.dashboards import export

    whole = (await client.get(f"/export/commitments.json?orderBy={order}")).json()
    assert len({row["id"] for row in whole}) == len(whole) > 3
    monkeypatch.setattr(export, "PAGE_SIZE", 3)
    assert (await client.get(f"/export/commitments.json?orderBy={order}")).json() == whole


async def test_the_export_refuses_an_unknown_order(client: httpx.AsyncClient) -> None:
    response = await client.get("/export/commitments.csv?orderBy=TOPIC")
    assert response.status_code == 400
    assert response.json()["error"] == (
        "orderBy must be one of NEWEST_FIRST, OLDEST_FIRST, MUNICIPALITY, ACTOR, ACTOR_DESC, not 'TOPIC'"
    )


PROMISE_ORDERS = [CommitmentOrder.NEWEST_FIRST, CommitmentOrder.OLDEST_FIRST, CommitmentOrder.MUNICIPALITY]
ACTOR_ORDERS = [CommitmentOrder.ACTOR, CommitmentOrder.ACTOR_DESC]


def test_every_order_is_checked_for_its_index() -> None:
    assert set(PROMISE_ORDERS + ACTOR_ORDERS) == set(CommitmentOrder)


async def page_plan(seeded: Database, order: CommitmentOrder) -> str:
    """The plan of an unfiltered page of the list in `order`, as the list's SQL sorts it. On
    PostgreSQL priced out of sorting whole lists: the seed content is so small that it would
    rather sort it, and must show it can find an index that gives the order (on the whole
    country it picks that plan by itself)."""
    keys = COMMITMENT_ORDERS[order]
    order_sql = ", ".join(f"{key.expression}{' DESC' if key.descending else ''}" for key in keys)
    sql = (
        f"SELECT c.id, c.text, p.title FROM {commitment_tables(order, '')}"
        f" WHERE p.status = 'PUBLISHED' ORDER BY {order_sql} LIMIT 21"
    )
    connection = connections.get("default")
    if seeded.backend == "sqlite":
        return " | ".join(row["detail"] for row in await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}"))
    async with in_transaction() as transaction:
        await transaction.execute_script("SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off")
        rows = await transaction.execute_query_dict(f"EXPLAIN {sql}")
    return " | ".join(row["QUERY PLAN"] for row in rows)


@pytest.mark.parametrize("order", PROMISE_ORDERS, ids=lambda order: order.name)
async def test_each_promise_order_reads_the_promises_through_an_index_and_stops_after_the_page(
    seeded: Database, order: CommitmentOrder
) -> None:
    """The promises come from an index in the order's direction (migration 0006), so only the
    commitments of one promise are sorted, never every row."""
    plan = await page_plan(seeded, order)
    if seeded.backend == "sqlite":
        assert "SCAN p USING INDEX citizen_promise_" in plan, plan
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan  # "RIGHT PART OF ORDER BY" only
    else:
        assert "Index Scan using citizen_promise_" in plan, plan
        assert "Presorted Key: p." in plan and "->  Sort " not in plan, plan


@pytest.mark.parametrize("order", ACTOR_ORDERS, ids=lambda order: order.name)
async def test_each_actor_order_reads_the_commitments_through_the_actor_index(
    seeded: Database, order: CommitmentOrder
) -> None:
    """The commitments come in the order's direction from its index (migration 0008), so
    nothing is sorted and the page stops after its rows."""
    plan = await page_plan(seeded, order)
    index = "commitment_actor_first" if order is CommitmentOrder.ACTOR else "commitment_actor_last"
    if seeded.backend == "sqlite":
        assert f"SCAN c USING INDEX {index}" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        assert f"Index Scan using {index} on commitment c" in plan, plan
        assert "Sort" not in plan, plan
