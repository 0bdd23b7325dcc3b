"""Reads compiled to SQL (api/compiled/) answer as the reference path does: the same JSON, key
order kept, for the core contract documents, `node`, editorial previews and a generated corpus,
on both databases, with one statement per root field whatever the size of the answer."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from api.app import create_app
from api.editorial.access import Role
from api.http.graphql import GraphQLEndpoint
from api.settings import Settings
from models.database import close_database, open_database
from tests.compiled_corpus import Corpus, Samples
from tests.conftest import BACKENDS, SHARED, Database, QueryCounter
from tests.content import follow_up_item, load_documents, municipality_content, promise_item
from tests.editorial import gid, token

CORE = SHARED / "contract" / "queries" / "core"


def _endpoint(app: Starlette) -> GraphQLEndpoint:
    endpoint = next(route.endpoint for route in app.routes if getattr(route, "path", "") == "/graphql")  # type: ignore[attr-defined]
    assert isinstance(endpoint, GraphQLEndpoint)
    return endpoint


def _parsed(response: httpx.Response) -> Any:
    """The body as JSON, with the order of keys kept (a list of pairs for every object), without
    the debug extension that names the path."""
    pairs = json.loads(response.content, object_pairs_hook=lambda pairs: pairs)
    return [(key, value) for key, value in pairs if key != "extensions"]


class Paths:
    """One app; a request answered along the compiled path and along the reference path."""

    def __init__(self, client: httpx.AsyncClient, endpoint: GraphQLEndpoint) -> None:
        self.client = client
        self.endpoint = endpoint
        self.compiled = endpoint.planned.compiled

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, auth: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {auth}"} if auth else {}
        return await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def reference(
        self, query: str, variables: dict[str, Any] | None = None, auth: str | None = None
    ) -> httpx.Response:
        self.compiled.enabled = False
        try:
            return await self.post(query, variables, auth)
        finally:
            self.compiled.enabled = True

    async def same(self, query: str, variables: dict[str, Any] | None = None, auth: str | None = None) -> Any:
        """Both answers, asserted equal (key order kept); the compiled one must have been compiled."""
        answered = self.compiled.answered
        compiled = await self.post(query, variables, auth)
        assert self.compiled.answered == answered + 1, (query, variables, self.compiled.unsupported.items)
        reference = await self.reference(query, variables, auth)
        assert compiled.status_code == reference.status_code == 200, compiled.text
        assert _parsed(compiled) == _parsed(reference), (query, variables)
        body = compiled.json()
        assert "errors" not in body, body
        assert body.get("extensions") == {"execution": "compiled"}
        return body["data"]


DRAFTS: dict[str, list[object]] = {
    "citizen_promises": [
        promise_item("gotene-utkast-2031", "1471", commitments=2, start="2031-01-01", end="2031-12-31", status="DRAFT"),
        promise_item("ange-utkast-2031", "2260", commitments=2, start="2031-01-01", end="2031-12-31", status="DRAFT"),
        {
            **promise_item("many-schemalagt-2030", "1485", commitments=1, start="2030-01-01", end="2030-12-31"),
            "publish_at": "2199-01-01T00:00:00Z",
        },
    ],
    "follow_ups": [follow_up_item("gotene-utkast-uppfoljning-2031", "gotene-utkast-2031", entries=2, year=2031)],
}


@pytest.fixture(scope="module", params=BACKENDS)
def content_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest_asyncio.fixture(scope="module")
async def content(registry: Any, content_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """The seed content and, beside it, a municipality with many promises, commitments and
    follow-ups, drafts in two municipalities and a scheduled promise: once per module and
    database (the tests here only read)."""
    database = await registry.copy(await registry.seeded_database(content_backend), "compiled")
    await open_database(database.url)
    try:
        many = municipality_content("1485", promises=4, commitments=6, prefix="many")
        await load_documents(tmp_path_factory.mktemp("compiled"), {"many": many, "drafts": DRAFTS})
    finally:
        await close_database()
    return database  # type: ignore[no-any-return]


@pytest_asyncio.fixture
async def paths(content: Database) -> AsyncIterator[Paths]:
    await open_database(content.url)
    app = create_app(Settings(debug_execution=True, rate_limits=False), manage_database=False)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://samverkan.test"
        ) as client:
            yield Paths(client, _endpoint(app))
    finally:
        await close_database()


def _core(name: str) -> str:
    return (CORE / f"{name}.graphql").read_text("utf-8")


async def _node_ids(paths: Paths) -> list[str]:
    response = await paths.reference(
        "{ municipalities(first: 3) { edges { node { id county { id } localPoliceArea { id } } } }"
        " citizenPromises(first: 4) { edges { node { id followUps { id } contacts { id }"
        " commitments { id partners { id } } agreement { id parties { id } } } } } }"
    )

    def ids(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [v for k, v in value.items() if k == "id" and v] + [i for v in value.values() for i in ids(v)]
        if isinstance(value, list):
            return [i for v in value for i in ids(v)]
        return []

    found = list(dict.fromkeys(ids(response.json()["data"])))
    # An ID of a type that is not there, and of nothing.
    return [*found, gid("Nothing", "x"), gid("Agreement", "no-such-agreement"), gid("Commitment", "no/such")]


CORE_REQUESTS: list[tuple[str, dict[str, Any]]] = [
    *(
        ("municipality-page", {"code": code, "today": today, "year": year})
        for code, today, year in [
            ("1471", "2019-06-01", 2019),
            ("1471", "2022-06-01", 2021),
            ("1493", "2024-03-01", 2024),
            ("1485", "2025-06-01", 2025),
            ("0114", "2025-06-01", 2025),
            ("9999", "2025-06-01", 2025),
        ]
    ),
    *(
        ("agreements-in-force", {"county": county, "on": on})
        for county in ("14", "01", "99")
        for on in ("2019-06-01", "2025-06-01")
    ),
    *(
        ("regional-list", {"region": region, "year": year})
        for region in ("Väst", "Nord")
        for year in (2019, 2023, 2025)
    ),
]


async def test_core_documents_answer_as_the_reference_path_does(paths: Paths) -> None:
    for name, variables in CORE_REQUESTS:
        await paths.same(_core(name), variables)
    for global_id in await _node_ids(paths):
        await paths.same(_core("node"), {"id": global_id})
    assert paths.compiled.fallbacks == 0


async def test_one_statement_per_root_field_whatever_the_size_of_the_answer(
    paths: Paths, sql_counter: QueryCounter
) -> None:
    page = _core("municipality-page")
    for code in ("1485", "0114"):  # four promises of six commitments each, and next to nothing
        sql_counter.statements.clear()
        data = await paths.same(page, {"code": code, "today": "2025-06-01", "year": 2025})
        compiled_statements = sql_counter.statements[: len(sql_counter.statements) - _reference_count(sql_counter)]
        assert len(compiled_statements) == 1, compiled_statements
    assert len(data["municipality"]["citizenPromises"]) <= 1
    sql_counter.statements.clear()
    response = await paths.post(
        '{ a: municipality(code: "1485") { name citizenPromises { commitments { text topics }'
        " followUps { entries { narrative } } } }"
        " b: agreements(first: 100) { totalCount edges { node { parties { name } signatories { person { name } } } } }"
        " c: commitments(first: 100) { edges { node { citizenPromise { municipality { county { name } } } } } }"
        " __typename }"
    )
    assert response.json()["extensions"] == {"execution": "compiled"}
    assert len(sql_counter.statements) == 3, sql_counter.statements
    assert len(response.json()["data"]["b"]["edges"]) > 3


def _reference_count(counter: QueryCounter) -> int:
    """Statements the reference side of `Paths.same` sent: all after the compiled one."""
    # The compiled statement builds JSON; the reference path's statements select rows.
    first = next(i for i, text in enumerate(counter.statements) if "json_" in text)
    return len(counter.statements) - first - 1


async def test_nested_lists_keep_their_order(paths: Paths) -> None:
    """SQLite aggregates an ordered subquery (api/compiled/dialect.py): the order survives."""
    data = await paths.same(
        '{ municipality(code: "1485") { citizenPromises { period { start } commitments { documentOrder position actor }'
        " followUps { year entries { position commitments { documentOrder } } } } } }"
    )
    promises = data["municipality"]["citizenPromises"]
    assert len(promises) == 4
    starts = [promise["period"]["start"] for promise in promises]
    assert starts == sorted(starts, reverse=True)
    for promise in promises:
        orders = [commitment["documentOrder"] for commitment in promise["commitments"]]
        assert orders == sorted(orders) and len(orders) == 6
        for follow_up in promise["followUps"]:
            positions = [entry["position"] for entry in follow_up["entries"]]
            assert positions == sorted(positions) and positions


async def test_fragments_aliases_variables_and_directives(paths: Paths) -> None:
    query = """
    query ($code: String!, $full: Boolean!, $actor: Actor) {
      municipality(code: $code) {
        ...Place
        __typename
        promises: citizenPromises { title
          some: commitments(actor: $actor) { text @skip(if: $full) position }
          all: commitments { ... on Commitment { key } }
        }
        county @include(if: $full) { name municipalities { code } policeRegion { name municipalities { code } } }
      }
      again: municipality(code: $code) { name }
    }
    fragment Place on Municipality { code name localPoliceArea { name parent { name level } } }
    """
    for variables in ({"code": "1471", "full": True, "actor": "POLIS"}, {"code": "1485", "full": False, "actor": None}):
        await paths.same(query, variables)
    node = (
        "query ($id: ID!) { node(id: $id) { __typename id ...on Node { id } ... on Municipality { county { code } } } }"
    )
    await paths.same(node, {"id": gid("Municipality", "1471")})


async def test_connections_page_with_first_and_after(paths: Paths) -> None:
    query = """query ($first: Int, $after: String, $region: String) {
      commitments(first: $first, after: $after, filter: { policeRegion: $region }) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id key } }
      }
    }"""
    agreements = """query ($first: Int, $after: String) {
      agreements(first: $first, after: $after) { totalCount pageInfo { endCursor hasNextPage } edges { node { slug } } }
    }"""
    after = None
    seen = 0
    while True:
        data = await paths.same(query, {"first": 7, "after": after, "region": "Väst"})
        seen += len(data["commitments"]["edges"])
        if not data["commitments"]["pageInfo"]["hasNextPage"]:
            break
        after = data["commitments"]["pageInfo"]["endCursor"]
    assert seen == data["commitments"]["totalCount"] > 7
    for first in (0, 1, 100):
        await paths.same(query, {"first": first, "after": None, "region": None})
    after = None
    for _ in range(3):
        data = await paths.same(agreements, {"first": 2, "after": after})
        after = data["agreements"]["pageInfo"]["endCursor"]


async def test_refused_arguments_and_unsupported_fields_are_the_reference_paths(paths: Paths) -> None:
    for query, variables in [
        ("query ($first: Int) { agreements(first: $first) { totalCount } }", {"first": 1000}),
        ('{ node(id: "not-an-id") { id } }', {}),
        ('{ commitments(after: "bm90LWEtY3Vyc29y") { totalCount } }', {}),
        ('{ municipality(code: "1471") { citizenPromises { problemPicture(format: HTML) } } }', {}),
        ('{ municipality(code: "1471") { name } search(query: "trygghet") { totalCount } }', {}),
        ("{ __schema { queryType { name } } }", {}),
        # An argument the declaration does not answer for: the order is the reference path's.
        ("{ commitments(first: 5, orderBy: OLDEST_FIRST) { edges { cursor node { id } } } }", {}),
        ("{ commitments(first: 5, orderBy: MUNICIPALITY) { edges { node { id } } } }", {}),
    ]:
        compiled = await paths.post(query, variables)
        reference = await paths.reference(query, variables)
        assert _parsed(compiled) == _parsed(reference), query
        assert compiled.json().get("extensions", {}).get("execution") != "compiled"
    assert paths.compiled.answered == 0


PREVIEW = """query ($preview: Boolean!, $id: ID!) {
  municipality(code: "1471", preview: $preview) {
    citizenPromises { slug status commitments { key } followUps { slug } } agreements { slug } contacts { name }
  }
  citizenPromises(first: 100, preview: $preview) { totalCount edges { node { slug status } } }
  commitments(first: 100, preview: $preview) { totalCount edges { node { id citizenPromise { slug } } } }
  node(id: $id) { id ... on CitizenPromise { status } }
}"""


async def test_previews_show_the_drafts_of_the_tokens_scope_as_the_reference_path_does(paths: Paths) -> None:
    admin = await token(Role.ADMIN)
    gotene = await token(Role.EDITOR, ["1471"])
    for auth in (None, gotene, admin):
        for preview in (False, True):
            for slug in ("gotene-utkast-2031", "ange-utkast-2031", "many-schemalagt-2030"):
                variables = {"preview": preview, "id": gid("CitizenPromise", slug)}
                if preview and auth is None:
                    compiled = await paths.post(PREVIEW, variables)
                    assert _parsed(compiled) == _parsed(await paths.reference(PREVIEW, variables))
                    assert compiled.json()["errors"]
                    continue
                data = await paths.same(PREVIEW, variables, auth)
                slugs = {edge["node"]["slug"] for edge in data["citizenPromises"]["edges"]}
                assert ("gotene-utkast-2031" in slugs) == (preview and auth is not None)
                assert ("ange-utkast-2031" in slugs) == (preview and auth == admin)
                assert ("many-schemalagt-2030" in slugs) == (preview and auth == admin)


# Queries of the generated corpus per database in `make test` (more: COMPILED_CORPUS=2000).
CORPUS_SIZE = int(os.environ.get("COMPILED_CORPUS", "150"))


async def _samples(paths: Paths) -> Samples:
    response = await paths.reference(
        "{ agreements(first: 30) { edges { node { slug } } }"
        " citizenPromises(first: 30) { edges { node { slug followUps { slug } } } } }"
    )
    data = response.json()["data"]
    promises = [edge["node"] for edge in data["citizenPromises"]["edges"]]
    return Samples(
        codes=["1471", "1485", "1493", "0114", "2260", "9999"],
        counties=["14", "01", "22", "99"],
        regions=["Väst", "Nord", "Stockholm", "Ingen"],
        slugs={
            "agreement": [edge["node"]["slug"] for edge in data["agreements"]["edges"]] + ["no-such-agreement"],
            "citizenPromise": [promise["slug"] for promise in promises] + ["gotene-utkast-2031"],
            "followUp": [f["slug"] for promise in promises for f in promise["followUps"]] + ["no-such-follow-up"],
        },
        ids=await _node_ids(paths),
    )


async def test_a_generated_corpus_answers_as_the_reference_path_does(paths: Paths) -> None:
    corpus = Corpus(paths.endpoint.schema._schema, await _samples(paths), seed=15)
    compiled = 0
    for _ in range(CORPUS_SIZE):
        query = corpus.query()
        answered = paths.compiled.answered
        first = await paths.post(query)
        reference = await paths.reference(query)
        assert first.status_code == reference.status_code == 200, (query, first.text)
        assert _parsed(first) == _parsed(reference), query
        assert "errors" not in first.json(), (query, first.json())
        compiled += paths.compiled.answered - answered
    # Everything the corpus asks is declared: only SQLite's parser stack (api/compiled/dialect.py)
    # sends some of the deepest documents to the reference path.
    assert compiled >= 0.9 * CORPUS_SIZE, (compiled, paths.compiled.unsupported.items)


CHAIN = ["citizenPromises", "commitments", "followUpEntries", "followUp", "citizenPromise", "municipality", "county"]


async def test_deep_documents_answer_the_same_on_either_path(paths: Paths, content_backend: str) -> None:
    """Four relation levels below a root field compile on both databases; deeper ones overflow
    SQLite's parser stack there and are the reference path's, while PostgreSQL compiles them."""
    for depth in (4, len(CHAIN)):
        fields = " ".join(f"{name} {{" for name in CHAIN[:depth])
        query = f'{{ municipality(code: "1485") {{ {fields} __typename {"}" * depth} }} }}'
        answered = paths.compiled.answered
        compiled = await paths.post(query)
        assert _parsed(compiled) == _parsed(await paths.reference(query))
        expected = depth == 4 or content_backend == "postgres"
        assert paths.compiled.answered == answered + expected, depth


async def test_a_page_asked_for_again_is_not_compiled_again(paths: Paths) -> None:
    page, variables = _core("municipality-page"), {"code": "1485", "today": "2025-06-01", "year": 2025}
    first = await paths.same(page, variables)
    kept = len(paths.compiled.compiled.items)
    again = await paths.same(page, variables)
    assert again == first
    assert len(paths.compiled.compiled.items) == kept
    # Other variables of the same shape: a statement of their own, the same SQL text.
    await paths.same(page, {**variables, "code": "1471"})
    assert len(paths.compiled.compiled.items) == kept + 1
    assert len(paths.compiled.texts.items) == 1


# Cases after graphql-core's own execution tests (tests/execution/test_directives.py,
# test_variables.py, test_abstract.py, test_lists.py, test_nonnull.py), as they apply to a
# read-only compiled path over this schema. Each is answered along both paths and compared.
# Divergences from graphql-core: none in any answer. Two in which path answers: a document with
# more than four relation levels below a root field goes to the reference path on SQLite
# (test_deep_documents_answer_the_same_on_either_path), and so does every request whose data
# breaks a promise of the schema (a value an enum does not have, a null for a non-null field),
# so that the error, its path and the null propagation are graphql-core's
# (tests/test_api_reads.py, test_unexpected_errors_are_masked_with_a_request_id).
SPEC_CASES: list[tuple[str, str, dict[str, Any]]] = [
    # Directives: on fields, inline fragments and fragment spreads; skip wins over include.
    (
        "skip and include both true",
        '{ municipality(code: "1471") { code name @skip(if: true) @include(if: true) } }',
        {},
    ),
    (
        "skip and include both false",
        '{ municipality(code: "1471") { code name @skip(if: false) @include(if: false) } }',
        {},
    ),
    (
        "directives on fragments",
        'query ($yes: Boolean!) { municipality(code: "1471") { ...F @include(if: $yes) ... on Municipality'
        " @skip(if: $yes) { name } } } fragment F on Municipality { code }",
        {"yes": True},
    ),
    (
        "directives on fragments, the other way",
        'query ($yes: Boolean!) { municipality(code: "1471") { ...F @include(if: $yes) ... on Municipality'
        " @skip(if: $yes) { name } } } fragment F on Municipality { code }",
        {"yes": False},
    ),
    (
        "a skipped root field",
        '{ a: municipality(code: "1471") @skip(if: true) { code } b: municipality(code: "1471") { code } }',
        {},
    ),
    # Variables: defaults, explicit null, absent, enums, input objects.
    (
        "a variable's default",
        'query ($year: Int = 2019) { municipality(code: "1471") { citizenPromises(year: $year) { title } } }',
        {},
    ),
    (
        "an explicit null for a nullable argument",
        'query ($year: Int) { municipality(code: "1471") { citizenPromises(year: $year) { title } } }',
        {"year": None},
    ),
    (
        "an input object from a variable",
        "query ($filter: CommitmentFilter) { commitments(filter: $filter, first: 5)"
        " { totalCount edges { node { key } } } }",
        {"filter": {"actor": "POLIS", "year": 2019}},
    ),
    (
        "an input object with variables inside",
        "query ($actor: Actor, $county: String) { commitments(filter: { actor: $actor, countyCode: $county }, first: 3)"
        " { totalCount } }",
        {"actor": "KOMMUN"},
    ),
    # Abstract types: fragments on the interface and on object types, __typename, no match.
    (
        "node through the interface",
        "query ($id: ID!) { node(id: $id) { __typename ... on Node { id } ... on Agreement { title } } }",
        {"id": gid("Municipality", "1471")},
    ),
    (
        "node matching no fragment",
        "query ($id: ID!) { node(id: $id) { ... on Agreement { title } } }",
        {"id": gid("Municipality", "1471")},
    ),
    (
        "a fragment on an interface spread into an object",
        '{ municipality(code: "1471") { ...N } } fragment N on Node { id }',
        {},
    ),
    # Lists: empty, nested, of scalars; merged fields with different selections.
    (
        "an empty list",
        '{ municipality(code: "9999") { code } upplands: municipality(code: "0114") { contacts { name } } }',
        {},
    ),
    (
        "a field merged from two selections",
        '{ municipality(code: "1471") { county { code } county { name municipalities { code } } } }',
        {},
    ),
    ("lists of scalars", "{ commitments(first: 20) { edges { node { topics } } } }", {}),
    # Non-null: a root connection is never null; a missing object under a nullable field is null.
    (
        "a nullable object that is not there",
        '{ municipality(code: "0000") { code } agreement(slug: "none") { title } }',
        {},
    ),
]


@pytest.mark.parametrize(("case", "query", "variables"), SPEC_CASES, ids=[case for case, _, _ in SPEC_CASES])
async def test_the_execution_rules_of_the_spec_hold_on_the_compiled_path(
    paths: Paths, case: str, query: str, variables: dict[str, Any]
) -> None:
    await paths.same(query, variables)
