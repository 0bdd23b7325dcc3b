"""The work of one editorial write is bounded by the item and what it refers to: it reads
those rows by key and no list of the whole database (which both made a write's cost grow with
the database and, read outside the transaction, raced with other writes)."""

from __future__ import annotations

from typing import Any

from api.editorial.access import Role
from tests.conftest import Database, QueryCounter, make_client
from tests.editorial import AGREEMENT_GOTENE, PAYLOAD, PROMISE_GOTENE_2019, UNPUBLISH, gid, mutate, seed_form, token


def unkeyed(statements: list[str]) -> list[str]:
    """Statements that read a table without saying which rows (a series of numbers is no table:
    the search index takes its documents' ids from their sequence, models/search/index.py)."""
    return [
        s
        for s in statements
        if " FROM " in s.upper() and " WHERE " not in s.upper() and " FROM GENERATE_SERIES(" not in s.upper()
    ]


async def test_every_kind_of_write_reads_only_the_rows_it_depends_on(
    fresh: Database, sql_counter: QueryCounter
) -> None:
    admin = await token(Role.ADMIN)
    agreement = await seed_form("agreements", AGREEMENT_GOTENE)
    promise = {
        **await seed_form("citizen_promises", PROMISE_GOTENE_2019),
        "slug": "gotene-medborgarlofte-2031",
        "agreement": AGREEMENT_GOTENE,
        "period": {"start": "2031-01-01", "end": "2031-12-31", "label": "2031"},
    }
    follow_up = {
        "slug": "gotene-uppfoljning-2031",
        "title": "Uppföljning 2031",
        "citizen_promise": "gotene-medborgarlofte-2031",
        "year": 2031,
        "entries": [{"narrative": "Genomfört.", "commitments": [promise["commitments"][0]["key"]]}],
    }
    writes: list[tuple[str, dict[str, Any], str]] = [
        (
            f"mutation($id: ID!, $item: JSON!) {{ agreementUpdate(id: $id, expectedRevision: 1, item: $item)"
            f" {{ {PAYLOAD} }} }}",
            {"id": gid("Agreement", AGREEMENT_GOTENE), "item": {**agreement, "title": "Ny titel"}},
            "UPDATED",
        ),
        (UNPUBLISH, {"id": gid("Agreement", AGREEMENT_GOTENE)}, "UPDATED"),
        (
            f"mutation($item: JSON!) {{ citizenPromiseCreate(item: $item) {{ {PAYLOAD} }} }}",
            {"item": promise},
            "CREATED",
        ),
        (f"mutation($item: JSON!) {{ followUpCreate(item: $item) {{ {PAYLOAD} }} }}", {"item": follow_up}, "CREATED"),
        (
            f"mutation($id: ID!) {{ followUpDelete(id: $id, expectedRevision: 1) {{ {PAYLOAD} }} }}",
            {"id": gid("FollowUp", "gotene-uppfoljning-2031")},
            "DELETED",
        ),
        (
            f"mutation($id: ID!) {{ revert(id: $id, revision: 1) {{ {PAYLOAD} }} }}",
            {"id": gid("FollowUp", "gotene-uppfoljning-2031")},
            "CREATED",
        ),
    ]
    async with make_client() as client:
        for query, variables, outcome in writes:
            sql_counter.statements.clear()
            result = await mutate(client, query, variables, admin)
            assert result["outcome"] == outcome, result
            assert sql_counter.statements and unkeyed(sql_counter.statements) == [], (query, sql_counter.statements)


async def test_a_state_change_takes_the_revision_check_of_an_update(fresh: Database) -> None:
    admin = await token(Role.ADMIN)
    item = await seed_form("agreements", AGREEMENT_GOTENE)
    id = gid("Agreement", AGREEMENT_GOTENE)
    archive = f"mutation($id: ID!, $rev: Int) {{ archive(id: $id, expectedRevision: $rev) {{ {PAYLOAD} }} }}"
    update = f"""mutation($id: ID!, $item: JSON!) {{
      agreementUpdate(id: $id, expectedRevision: 1, item: $item) {{ {PAYLOAD} }} }}"""
    async with make_client() as client:
        updated = await mutate(client, update, {"id": id, "item": {**item, "title": "Ändrad titel"}}, admin)
        stale = await mutate(client, archive, {"id": id, "rev": 1}, admin)
        archived = await mutate(client, archive, {"id": id, "rev": None}, admin)
    assert (updated["outcome"], updated["revision"]) == ("UPDATED", 2)
    assert (stale["outcome"], stale["revision"], stale["problems"][0]["field"]) == ("CONFLICT", 2, "expectedRevision")
    # Without expectedRevision: the item as it is now, with the other status; the update stays.
    assert (archived["outcome"], archived["revision"], archived["status"]) == ("UPDATED", 3, "ARCHIVED")
    assert archived["item"]["title"] == "Ändrad titel"
