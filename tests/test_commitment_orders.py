"""`commitments(orderBy:)` and the export's `orderBy`: every order pages through each row once
and in order, its cursors stay with it, the export lists the rows of the list in the same order,
and each order reads the promises through an index (both databases)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from api.promises.ordering import COMMITMENT_ORDERS, CommitmentOrder
from tests.conftest import Database, graphql

PAGE = """
query ($orderBy: CommitmentOrder!, $filter: CommitmentFilter, $after: String) {
  commitments(orderBy: $orderBy, filter: $filter, first: 4, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id documentOrder citizenPromise { slug period { start } municipality { code } } } }
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


def sort_key(order: str, node: dict[str, Any]) -> tuple[Any, ...]:
    promise = node["citizenPromise"]
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
    assert nodes == sorted(nodes, key=lambda node: sort_key(order, node))
    default = await every_page(client, "NEWEST_FIRST")
    assert {node["id"] for node in nodes} == {node["id"] for node in default}


async def test_orders_combine_with_filters(client: httpx.AsyncClient) -> None:
    nodes = await every_page(client, "MUNICIPALITY", {"countyCode": "14", "actor": "POLIS"})
    assert nodes and nodes == sorted(nodes, key=lambda node: sort_key("MUNICIPALITY", node))


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


async def test_the_export_pages_an_order_without_losing_or_repeating_rows(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.dashboards import export

    whole = (await client.get("/export/commitments.json?orderBy=MUNICIPALITY")).json()
    monkeypatch.setattr(export, "PAGE_SIZE", 3)
    assert (await client.get("/export/commitments.json?orderBy=MUNICIPALITY")).json() == whole


async def test_the_export_refuses_an_unknown_order(client: httpx.AsyncClient) -> None:
    response = await client.get("/export/commitments.csv?orderBy=ACTOR")
    assert response.status_code == 400
    assert response.json()["error"] == "orderBy must be one of NEWEST_FIRST, OLDEST_FIRST, MUNICIPALITY, not 'ACTOR'"


@pytest.mark.parametrize("order", list(CommitmentOrder), ids=lambda order: order.name)
async def test_each_order_reads_the_promises_through_an_index_and_stops_after_the_page(
    seeded: Database, order: CommitmentOrder
) -> None:
    """The plan of an unfiltered page: the promises come from an index in the order's direction
    (migration 0006), so only the commitments of one promise are sorted, never every row."""
    keys = COMMITMENT_ORDERS[order]
    order_sql = ", ".join(f"{key.expression}{' DESC' if key.descending else ''}" for key in keys)
    sql = (
        "SELECT c.id FROM commitment c JOIN citizen_promise p ON p.id = c.citizen_promise_id"
        f" WHERE p.status = 'PUBLISHED' ORDER BY {order_sql} LIMIT 21"
    )
    connection = connections.get("default")
    if seeded.backend == "sqlite":
        plan = " | ".join(row["detail"] for row in await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}"))
        assert "SCAN p USING INDEX citizen_promise_" in plan, plan
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan  # "RIGHT PART OF ORDER BY" only
    else:
        # The seed content is so small that PostgreSQL would rather sort it; priced out of
        # sorting whole lists, it must find an index that gives the order (on the whole country
        # it picks this plan by itself).
        async with in_transaction() as transaction:
            await transaction.execute_script("SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off")
            rows = await transaction.execute_query_dict(f"EXPLAIN {sql}")
        plan = " | ".join(row["QUERY PLAN"] for row in rows)
        assert "Index Scan using citizen_promise_" in plan, plan
        assert "Presorted Key: p." in plan and "->  Sort " not in plan, plan
