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
from models import Activity, Revision
from tests.conftest import Database, QueryCounter
from tests.editorial import gid, token

ACTIVITY = """query($filter: ActivityFilter, $after: String, $first: Int) {
  activity(first: $first, filter: $filter, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id at tokenName action itemId itemKind itemSlug revision result message requestId } }
  }
}"""
REVISIONS = """query($id: ID!) {
  revisions(id: $id) { __typename number author summary createdAt deleted snapshot }
}"""
DIFF = """query($id: ID!, $from: Int!, $to: Int!) {
  revisionDiff(id: $id, from: $from, to: $to) { after path __typename was: before }
}"""
PROMISE = "gotene-medborgarlofte-2019"
# A seed form of each kind concerning Götene (1471) and no other municipality, as the scope rule reads it.
CONCERNING_GOTENE: dict[str, tuple[str, dict[str, Any]]] = {
    "agreements": ("Agreement", {"parties": ["gotene-kommun", "lokalpolisomrade-vastra-skaraborg"]}),
    "citizen_promises": ("CitizenPromise", {"municipality": "1471"}),
    "follow_ups": ("FollowUp", {"citizen_promise": PROMISE}),
    "service_agreements": ("ServiceAgreement", {"municipality": "1471"}),
    "contacts": ("Contact", {"municipalities": ["1447", "1471"]}),
}
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
    rows = []
    for n in range(offset, offset + entries):
        kind, slug = items[n % len(items)]
        entry = Activity(
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
        rows.append(entry)
    await Activity.bulk_create(rows)


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


async def _revisions(kind: str, slug: str, seed_form: dict[str, Any], count: int, start: int = 1) -> None:
    """Revisions of a made-up item, each changing the nested values a diff finds and with keys in
    an order neither sorted nor PostgreSQL's."""
    await Revision.bulk_create(
        [
            Revision(
                item_type=kind,
                item_slug=slug,
                number=number,
                snapshot={
                    "title": f"Version {number}",
                    **seed_form,
                    "b": {"zz": number, "a": [{"y": 1, "x": number % 2}]},
                },
                deleted=number == 3,
                author="seed" if number == 1 else "admin-all",
                summary=f"change {number}",
                created_at=START + timedelta(microseconds=number * 120_000),
            )
            for number in range(start, start + count)
        ]
    )


async def test_history_is_one_compiled_statement_whatever_its_length_as_the_reference_path_answers(
    fresh: Database, sql_counter: QueryCounter
) -> None:
    admin, reviewer, gotene = await token(Role.ADMIN), await token(Role.REVIEWER), await token(Role.EDITOR, ["1471"])
    paths = Paths()
    item = gid("CitizenPromise", "probe")
    for count, start in ((3, 1), (40, 4)):
        await _revisions("citizen_promises", "probe", {"municipality": "1471"}, count, start)
        for auth in (admin, reviewer, gotene):
            sql_counter.statements.clear()
            took, body = await paths.both(REVISIONS, {"id": item}, auth)
            assert took, auth
            history = [s for s in sql_counter.statements if "FROM revision" in s and "api_token" not in s]
            # The compiled statement, and the reference path's one (two with its scope judgement).
            assert len(history) == (3 if auth == gotene else 2), history
    revisions = body["data"]["revisions"]
    assert [revision["number"] for revision in revisions] == list(range(1, 44))
    assert revisions[2]["deleted"] and not revisions[1]["deleted"]
    assert revisions[1]["createdAt"] == "2031-03-01T12:00:00.240000+00:00"
    assert list(revisions[0]["snapshot"]) == ["b", "municipality", "title"]
    assert list(revisions[0]["snapshot"]["b"]["a"][0]) == ["x", "y"]

    took, body = await paths.both(DIFF, {"id": item, "from": 2, "to": 43}, gotene)
    assert took
    assert body["data"]["revisionDiff"] == [
        {"after": 1, "path": "b.a[0].x", "__typename": "RevisionChange", "was": 0},
        {"after": 43, "path": "b.zz", "__typename": "RevisionChange", "was": 2},
        {"after": "Version 43", "path": "title", "__typename": "RevisionChange", "was": "Version 2"},
    ]


async def test_history_is_refused_as_before_out_of_scope_and_without_a_token(fresh: Database) -> None:
    """Each kind's history is shown to a token whose scope its latest revision concerns, and
    refused (the compiled path declines, the reference path words it) to others, to no token,
    for an ID of no editable item and for a revision that is not there."""
    gotene, ange = await token(Role.EDITOR, ["1471"]), await token(Role.EDITOR, ["2260"])
    paths = Paths()
    for kind, (type_name, seed_form) in CONCERNING_GOTENE.items():
        await _revisions(kind, "probe", seed_form, 2)
        item = gid(type_name, "probe")
        took, _ = await paths.both(REVISIONS, {"id": item}, gotene)
        assert took, kind
        took, body = await paths.both(DIFF, {"id": item, "from": 1, "to": 2}, gotene)
        assert took and len(body["data"]["revisionDiff"]) == 3, kind
        for auth in (ange, None):
            took, body = await paths.both(REVISIONS, {"id": item}, auth)
            assert not took and body["data"] is None, (kind, auth)
            assert ("no history this token may see" if auth else "editorial token") in body["errors"][0]["message"]
    # The item moved out of Götene in its latest revision: its history with it.
    await _revisions("citizen_promises", "probe", {"municipality": "2260"}, 1, start=3)
    for auth, shown in ((gotene, False), (ange, True)):
        took, body = await paths.both(REVISIONS, {"id": gid("CitizenPromise", "probe")}, auth)
        assert took == shown and ("errors" in body) != shown
    for variables in (
        {"id": gid("CitizenPromise", "no-such-item")},
        {"id": gid("Municipality", "1471")},
        {"id": gid("CitizenPromise", "probe"), "from": 1, "to": 9},
    ):
        took, body = await paths.both(DIFF if "to" in variables else REVISIONS, variables, ange)
        assert not took and body["data"] is None and body["errors"], variables
