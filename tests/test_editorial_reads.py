"""Editorial reads through the declarations (api/editorial/reads.py): the compiled path answers
them in one statement per root field, as the reference path does (tests/differential.py also
compares every answer), and only for the viewers the reference path answers; everyone else gets
the reference path's refusal, word for word."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from api.app import create_app
from api.compiled.reads import CompiledReads
from api.editorial.access import Role
from api.http.graphql import GraphQLEndpoint
from api.settings import Settings
from models import Activity
from tests.conftest import Database, QueryCounter
from tests.editorial import gid, token

ACTIVITY = """query($filter: ActivityFilter, $after: String, $first: Int) {
  activity(first: $first, filter: $filter, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id at tokenName action itemId itemKind itemSlug revision result message requestId } }
  }
}"""
PROMISE = "gotene-medborgarlofte-2019"
START = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)


class Paths:
    """The app's endpoint, asked along the compiled path and along the reference path."""

    def __init__(self) -> None:
        app = create_app(Settings(debug_execution=True, rate_limits=False), manage_database=False)
        endpoint = next(route.endpoint for route in app.routes if getattr(route, "path", "") == "/graphql")  # type: ignore[attr-defined]
        assert isinstance(endpoint, GraphQLEndpoint)
        self.compiled: CompiledReads = endpoint.planned.compiled
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://samverkan.test")

    async def post(self, query: str, variables: dict[str, Any], auth: str | None) -> Any:
        headers = {"Authorization": f"Bearer {auth}"} if auth else {}
        response = await self.client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        assert response.status_code == 200, response.text
        body = json.loads(response.content, object_pairs_hook=lambda pairs: pairs)
        return [(key, value) for key, value in body if key != "extensions"], response.json()

    async def both(self, query: str, variables: dict[str, Any], auth: str | None) -> tuple[bool, Any]:
        """Whether the compiled path answered, and the answer, asserted the reference path's (key order kept)."""
        answered = self.compiled.answered
        compiled, body = await self.post(query, variables, auth)
        took = self.compiled.answered == answered + 1
        self.compiled.enabled = False
        try:
            reference, _ = await self.post(query, variables, auth)
        finally:
            self.compiled.enabled = True
        assert compiled == reference, (query, variables)
        assert (body.get("extensions") == {"execution": "compiled"}) == took
        return took, body


async def _log(entries: int, offset: int = 0) -> None:
    """Entries one minute apart from START, with every shape of value a timestamp and an item take."""
    microseconds = (0, 120_000, 5, 999_999)
    items = (("citizen_promises", PROMISE), ("follow_ups", "x"), ("tokens", "y"), (None, None), ("agreements", ""))
    for n in range(offset, offset + entries):
        kind, slug = items[n % len(items)]
        await Activity.create(
            at=START + timedelta(minutes=n, microseconds=microseconds[n % len(microseconds)]),
            token_name=f"token-{n % 3}",
            action=("update", "publish", "approve")[n % 3],
            item_type=kind,
            item_slug=slug,
            revision=n if n % 2 else None,
            result=("UPDATED", "DENIED")[n % 2],
            message=None if n % 2 else f"note {n}",
            request_id=f"request-{n}",
        )


def _activity_statements(counter: QueryCounter) -> list[str]:
    """The request's reads of the log (the token's own look-up and use are not the log's)."""
    return [statement for statement in counter.statements if "activity" in statement]


async def test_the_activity_log_is_one_compiled_statement_whatever_its_size_as_the_reference_path_answers(
    fresh: Database, sql_counter: QueryCounter
) -> None:
    admin = await token(Role.ADMIN)
    paths = Paths()
    window = {"since": (START - timedelta(seconds=1)).isoformat()}
    for entries, first in ((3, 10), (60, 100)):
        await _log(entries, offset=3 if entries == 60 else 0)
        sql_counter.statements.clear()
        took, body = await paths.both(ACTIVITY, {"filter": window, "first": first}, admin)
        assert took
        # The compiled statement: the reference path's statements are the same request again.
        connection = body["data"]["activity"]
        assert len(connection["edges"]) == min(first, 3 if entries == 3 else 63)
        compiled = [s for s in _activity_statements(sql_counter) if s.startswith("WITH page")]
        assert len(compiled) == 1, sql_counter.statements
    nodes = [edge["node"] for edge in connection["edges"]]
    assert [node["requestId"] for node in nodes[:3]] == ["request-62", "request-61", "request-60"]
    assert {node["at"][19:] for node in nodes} == {"+00:00", ".120000+00:00", ".000005+00:00", ".999999+00:00"}
    assert nodes[-1]["at"] == "2031-03-01T12:00:00+00:00"
    with_item = {node["itemKind"]: node["itemId"] for node in nodes}
    assert with_item == {
        "citizen_promises": gid("CitizenPromise", PROMISE),
        "follow_ups": gid("FollowUp", "x"),
        "tokens": None,
        None: None,
        "agreements": None,
    }

    # Filters, pages and their cursors, as the reference path answers them.
    requests: list[dict[str, Any]] = [
        {"filter": {**window, "tokenName": "token-1", "result": "DENIED"}, "first": 5},
        {"filter": {"itemId": gid("CitizenPromise", PROMISE), "action": "update", **window}, "first": 2},
        {"filter": {"since": "2031-03-01T12:30:00", "until": "2031-03-01T12:40:00+00:00"}, "first": 4},
    ]
    for variables in requests:
        took, body = await paths.both(ACTIVITY, variables, admin)
        page = body["data"]["activity"]
        assert took and page["edges"] and page["pageInfo"]["hasNextPage"], variables
        took, rest = await paths.both(ACTIVITY, {**variables, "after": page["pageInfo"]["endCursor"]}, admin)
        assert took and rest["data"]["activity"]["pageInfo"]["hasPreviousPage"]
    assert body["data"]["activity"]["totalCount"] == 10


async def test_the_activity_log_is_refused_as_before_to_all_but_admins(fresh: Database) -> None:
    """Anyone but an admin gets the reference path's refusal (the compiled path declines, whatever
    an admin asked before with the same document), and so does a bad filter or cursor."""
    await _log(2)
    admin, reviewer = await token(Role.ADMIN), await token(Role.REVIEWER)
    editor = await token(Role.EDITOR, ["1471"])
    paths = Paths()
    variables: dict[str, Any] = {"first": 5}
    took, body = await paths.both(ACTIVITY, variables, admin)
    assert took and body["data"]["activity"]["totalCount"] >= 2
    for auth in (reviewer, editor, None, admin):
        took, body = await paths.both(ACTIVITY, variables, auth)
        if auth == admin:
            assert took and "errors" not in body
            continue
        assert not took and body["data"] is None
        assert body["errors"][0]["message"] == "the activity log needs an admin token (Authorization: Bearer <token>)"
    made_up = base64.urlsafe_b64encode(b'["x"]').decode()
    for refused in ({"filter": {"itemId": gid("Municipality", "1471")}}, {"after": made_up}):
        took, body = await paths.both(ACTIVITY, {**variables, **refused}, admin)
        assert not took and body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
