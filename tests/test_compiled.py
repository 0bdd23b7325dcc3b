"""Reads compiled to SQL (api/compiled/) answer as the reference path does: the same JSON, key
order kept, for the core contract documents, `node`, editorial previews, every order of the
commitments list, a generated corpus on the seed content and on the whole country, and cases
after graphql-core's own execution tests, on both databases, with one statement per root field
whatever the size of the answer. (Every other test's queries are compared too: tests/differential.py.)

Divergences from graphql-core, in one place:
- In the answers (data, errors, their paths, null propagation, key order): none found, in the
  ported cases (SPEC_CASES, ERROR_CASES) nor in the corpus.
- In which path answers, by design: a request whose data breaks a promise of the schema (a null
  for a non-null field, a value an enum does not have) makes the compiled statement fail on
  purpose and the reference path answers, so that the error and the null propagation are
  graphql-core's (tests/test_api_reads.py, test_unexpected_errors_are_masked_with_a_request_id);
  so does a request whose arguments are refused or whose variables fail coercion
  (ERROR_CASES); and on SQLite a document with more than four relation levels below a root
  field, which overflows SQLite 3.40's fixed parser stack (YYSTACKDEPTH 100: about 25 entries
  per level of `json_object`/ordered `json_group_array` subqueries; building the JSON by text
  concatenation reaches six levels, not seven, so it was not taken).
  test_deep_documents_answer_the_same_on_either_path.
- Not ported, as they do not apply to a read-only compiled path over this schema: mutations'
  serial execution, subscriptions and incremental delivery (@defer/@stream), resolvers
  returning iterables, async iterables or raising (the compiled path has no resolvers),
  middleware, custom scalars parsing embedded variables, fragment arguments (experimental),
  unions (the compiled part's only abstract type is the `Node` interface).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from api.app import create_app
from api.compiled.dialect import Dialect
from api.editorial.access import Role
from api.http.graphql import GraphQLEndpoint
from api.promises.ordering import CommitmentOrder
from api.settings import Settings
from bench.generate import read_places
from models.database import close_database, open_database
from models.sql import sql
from models.text import to_html, to_plain
from tests.compiled_corpus import Corpus, Samples, fields_asked
from tests.conftest import BACKENDS, SHARED, Database, QueryCounter
from tests.content import follow_up_item, load_documents, municipality_content, promise_item
from tests.differential import Differential
from tests.editorial import gid, token

CORE = SHARED / "contract" / "queries" / "core"
DASHBOARDS = SHARED / "contract" / "queries" / "dashboards"


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
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        auth: str | None = None,
        operation: str | None = None,
        preview: bool = False,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {auth}"} if auth else {}
        if preview:
            headers["Samverkan-Preview"] = "true"
        body = {"query": query, "variables": variables or {}, **({"operationName": operation} if operation else {})}
        return await self.client.post("/graphql", json=body, headers=headers)

    async def reference(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        auth: str | None = None,
        operation: str | None = None,
        preview: bool = False,
    ) -> httpx.Response:
        self.compiled.enabled = False
        try:
            return await self.post(query, variables, auth, operation, preview)
        finally:
            self.compiled.enabled = True

    async def same(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        auth: str | None = None,
        operation: str | None = None,
        preview: bool = False,
    ) -> Any:
        """Both answers, asserted equal (key order kept); the compiled one must have been compiled."""
        answered = self.compiled.answered
        compiled = await self.post(query, variables, auth, operation, preview)
        assert self.compiled.answered == answered + 1, (query, variables, self.compiled.unsupported.items)
        reference = await self.reference(query, variables, auth, operation, preview)
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


# Text held as JSON arrays (sections, problem areas, links) on the many-promises municipality's
# first agreement and promise, in Swedish, with a role-less section, a problem area without items,
# a link without URL and one with a target, and publication times on a whole second and in
# another time zone.
JSON_TEXTS: dict[str, dict[str, Any]] = {
    "agreements": {
        "published_at": "2024-05-01T08:00:00Z",
        "sections": [
            {"heading": "Bakgrund", "body": "Brottsförebyggande arbete i *Åmål* och Ödeshög."},
            {"heading": "Styrning", "body": "Trygghetsrådet möts **fyra** gånger per år.", "role": "GOVERNANCE"},
            {"heading": "Giltighet", "body": "Gäller 2024–2027.", "role": "TERM"},
            {"heading": "Uppföljning", "body": "Årlig uppföljning i kommunstyrelsen.", "role": "FOLLOW_UP"},
        ],
        "problem_areas": [
            {"title": "Otrygghet", "items": ["Ödsliga gångtunnlar", "Nedskräpning på torget"]},
            {"title": "Trafik"},
        ],
        "links": [
            {"label": "Överenskommelsen (pdf)", "url": "https://example.se/överenskommelse.pdf"},
            {"label": "Medborgarlöftet", "target": {"type": "CitizenPromise", "slug": "many-lofte-1"}},
            {"label": "Första löftet", "target": {"type": "Commitment", "slug": "many-lofte-1#k-1"}},
            {"label": "Borttaget", "target": {"type": "FollowUp", "slug": "finns-inte"}},
        ],
    },
    "citizen_promises": {
        "published_at": "2025-02-03T10:11:12.25+02:00",
        "sections": [{"heading": "Kontakt", "body": "Ring kommunpolisen på 114 14."}],
        "links": [{"label": "Uppföljning 2024"}],
    },
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
        for kind, texts in JSON_TEXTS.items():
            first = many[kind][0]
            assert isinstance(first, dict)
            first.update(texts)
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


async def test_each_core_document_and_node_is_one_statement_on_the_compiled_path(
    paths: Paths, sql_counter: QueryCounter
) -> None:
    """Each of the four core contract documents, small and large answers, and `node` of each
    type: one statement (their one root field), the debug extension saying the compiled path
    answered. (The differential check's reference statements are not counted:
    tests/differential.py.)"""
    requests = [(name, variables) for name, variables in CORE_REQUESTS if variables.get("code") != "9999"]
    requests += [("node", {"id": global_id}) for global_id in (await _node_ids(paths))[:8]]
    for name, variables in requests:
        sql_counter.statements.clear()
        response = await paths.post(_core(name), variables)
        assert response.json()["extensions"] == {"execution": "compiled"}, (name, variables)
        assert len(sql_counter.statements) == 1, (name, variables, sql_counter.statements)
    sql_counter.statements.clear()
    big = await paths.post(_core("regional-list"), {"region": "Väst", "year": 2025})
    assert len(big.json()["data"]["commitments"]["edges"]) >= 20
    assert len(sql_counter.statements) == 1


RICH_TEXT = """query ($code: String!) {
  municipality(code: $code) {
    agreements { summary(format: HTML) plain: summary(format: PLAIN) markdown: summary }
    citizenPromises {
      summary(format: PLAIN) problemPicture(format: HTML) picture: problemPicture(format: PLAIN)
      followUps {
        summary(format: HTML) entries { html: narrative(format: HTML) plain: narrative(format: PLAIN) narrative }
      }
    }
    serviceAgreements { summary(format: HTML) plain: summary(format: PLAIN) }
  }
}"""


async def test_rich_text_in_every_format_is_one_compiled_statement_from_the_stored_renderings(
    paths: Paths, sql_counter: QueryCounter
) -> None:
    """HTML and PLAIN are columns written with the Markdown (models/rendered.py), so the compiled
    path answers them in its one statement, as the reference path reads them."""
    for code in ("1471", "1485"):
        sql_counter.statements.clear()
        response = await paths.post(RICH_TEXT, {"code": code})
        assert response.json()["extensions"] == {"execution": "compiled"}
        assert len(sql_counter.statements) == 1, sql_counter.statements
        data = await paths.same(RICH_TEXT, {"code": code})
    entries = [e for p in data["municipality"]["citizenPromises"] for f in p["followUps"] for e in f["entries"]]
    assert entries, "the many-promises municipality has follow-ups"
    for entry in entries:
        assert (entry["html"], entry["plain"]) == (to_html(entry["narrative"]), to_plain(entry["narrative"]))
    gotene = (await paths.same(RICH_TEXT, {"code": "1471"}))["municipality"]
    agreement = next(a for a in gotene["agreements"] if a["markdown"])
    assert agreement["summary"] == to_html(agreement["markdown"]) and agreement["summary"].startswith("<p>")
    assert agreement["plain"] == to_plain(agreement["markdown"]) and "<" not in agreement["plain"]


JSON_HELD = """query ($code: String!) {
  municipality(code: $code) {
    agreements {
      publishedAt updatedAt
      sections { heading role body html: body(format: HTML) plain: body(format: PLAIN) }
      governance { heading role body(format: PLAIN) }
      problemAreas { title items }
      links { label url __typename target { __typename ... on CitizenPromise { title } ... on Commitment { key } } }
    }
    citizenPromises {
      publishedAt updatedAt links { label url } sections { role heading body(format: HTML) }
      followUps { publishedAt updatedAt links { label } }
    }
    serviceAgreements { publishedAt updatedAt links { label } }
  }
}"""


async def test_sections_problem_areas_links_and_timestamps_are_compiled_in_one_statement_as_the_reference_gives_them(
    paths: Paths, sql_counter: QueryCounter, content_backend: str
) -> None:
    """Lists held as JSON arrays are read element by element inside the root field's one
    statement (api/compiled/dialect.py), in the array's order, the bodies in every format from
    the stored renderings, `governance` the sections of its roles, a link's target found as
    `node` finds it (null when it is not here), and timestamps as the reference path's DateTime
    writes them; a municipality with many and one with none cost the same one statement."""
    answers = {}
    for code in ("1485", "1471", "1447", "0114"):
        sql_counter.statements.clear()
        response = await paths.post(JSON_HELD, {"code": code})
        assert response.json()["extensions"] == {"execution": "compiled"}, paths.compiled.unsupported.items
        assert len(sql_counter.statements) == 1, sql_counter.statements
        answers[code] = (await paths.same(JSON_HELD, {"code": code}))["municipality"]
    agreement = next(a for a in answers["1485"]["agreements"] if a["problemAreas"])
    texts = JSON_TEXTS["agreements"]
    assert [s["heading"] for s in agreement["sections"]] == [s["heading"] for s in texts["sections"]]
    assert agreement["sections"][0] == {
        "heading": "Bakgrund",
        "role": None,
        "body": "Brottsförebyggande arbete i *Åmål* och Ödeshög.",
        "html": to_html("Brottsförebyggande arbete i *Åmål* och Ödeshög."),
        "plain": to_plain("Brottsförebyggande arbete i *Åmål* och Ödeshög."),
    }
    assert [(s["heading"], s["role"]) for s in agreement["governance"]] == [
        ("Styrning", "GOVERNANCE"),
        ("Uppföljning", "FOLLOW_UP"),
    ]
    assert agreement["governance"][0]["body"] == "Trygghetsrådet möts fyra gånger per år."
    assert agreement["problemAreas"] == [
        {"title": "Otrygghet", "items": ["Ödsliga gångtunnlar", "Nedskräpning på torget"]},
        {"title": "Trafik", "items": []},
    ]
    assert [(link["label"], link["url"], link["__typename"]) for link in agreement["links"]] == [
        ("Överenskommelsen (pdf)", "https://example.se/överenskommelse.pdf", "Link"),
        ("Medborgarlöftet", None, "Link"),
        ("Första löftet", None, "Link"),
        ("Borttaget", None, "Link"),
    ]
    assert [link["target"] for link in agreement["links"]] == [
        None,
        {"__typename": "CitizenPromise", "title": "Medborgarlöfte many-lofte-1"},
        {"__typename": "Commitment", "key": "k-1"},
        None,
    ]
    assert agreement["publishedAt"] == "2024-05-01T08:00:00+00:00"
    promise = next(p for p in answers["1485"]["citizenPromises"] if p["links"])
    assert promise["links"] == [{"label": "Uppföljning 2024", "url": None}]
    assert promise["sections"] == [
        {"role": None, "heading": "Kontakt", "body": to_html("Ring kommunpolisen på 114 14.")}
    ]
    # As stored: SQLite keeps a seed file's time zone as written, PostgreSQL gives UTC; both paths
    # write it as Python's isoformat().
    stored = {"sqlite": "2025-02-03T10:11:12.250000+02:00", "postgres": "2025-02-03T08:11:12.250000+00:00"}
    assert promise["publishedAt"] == stored[content_backend]
    assert answers["1447"]["serviceAgreements"] and all(s["links"] == [] for s in answers["1447"]["serviceAgreements"])
    assert answers["0114"] == {"agreements": [], "citizenPromises": [], "serviceAgreements": []}


REFERENCE_LISTS = """{
  counties { __typename code name policeRegion { name level } municipalities { code name } }
  topics { key label }
  again: topics { label }
}"""


async def test_the_reference_lists_are_one_compiled_statement_each_in_the_reference_paths_order(
    paths: Paths, sql_counter: QueryCounter
) -> None:
    """`counties` and `topics` (api/compiled/declare.py, Everything): every row, in the order
    the reference path gives (counties by code, topics by their position), one statement per
    root field."""
    response = await paths.post(REFERENCE_LISTS)
    assert response.json()["extensions"] == {"execution": "compiled"}
    assert len(sql_counter.statements) == 3, sql_counter.statements
    data = await paths.same(REFERENCE_LISTS)
    codes = [county["code"] for county in data["counties"]]
    assert len(codes) == 21 and codes == sorted(codes)
    assert all(county["municipalities"] for county in data["counties"])
    assert [topic["label"] for topic in data["topics"]] == [topic["label"] for topic in data["again"]]


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
        ('{ municipality(code: "1471") { name } search(query: "trygghet") { totalCount } }', {}),
        ("{ __schema { queryType { name } } }", {}),
    ]:
        compiled = await paths.post(query, variables)
        reference = await paths.reference(query, variables)
        assert _parsed(compiled) == _parsed(reference), query
        assert compiled.json().get("extensions", {}).get("execution") != "compiled"
    assert paths.compiled.answered == 0


ORDERED = """query ($order: CommitmentOrder!, $after: String, $county: String) {
  commitments(first: 20, after: $after, orderBy: $order, filter: { countyCode: $county }) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { key actor documentOrder citizenPromise { slug municipality { code } period { start } } } }
  }
}"""


async def test_every_order_of_the_commitments_list_is_compiled_with_the_reference_paths_cursors(
    paths: Paths,
) -> None:
    """Each order of api/promises/ordering.py, paged through with `after` on both paths: the
    same rows in the same order and the same cursors (tagged by order where the order has a tag);
    a cursor of another order is refused as the reference path refuses it."""
    last_cursors: dict[CommitmentOrder, str | None] = {}
    for order in CommitmentOrder:
        for county in ("14", None):
            after, rows = None, []
            while True:
                data = await paths.same(ORDERED, {"order": order.value, "after": after, "county": county})
                rows += [edge["node"] for edge in data["commitments"]["edges"]]
                if not data["commitments"]["pageInfo"]["hasNextPage"] or len(rows) >= 100:
                    break
                after = data["commitments"]["pageInfo"]["endCursor"]
            assert len(rows) == min(100, data["commitments"]["totalCount"]) > 20
            if order in (CommitmentOrder.ACTOR, CommitmentOrder.ACTOR_DESC):
                _assert_actor_order(rows, descending=order is CommitmentOrder.ACTOR_DESC)
                last_cursors[order] = after
                continue
            keys = [
                (
                    row["citizenPromise"]["municipality"]["code"] if order is CommitmentOrder.MUNICIPALITY else "",
                    row["citizenPromise"]["period"]["start"],
                    row["citizenPromise"]["slug"],
                    row["documentOrder"],
                )
                for row in rows
            ]
            newest_first = order is not CommitmentOrder.OLDEST_FIRST
            assert keys == sorted(keys, key=lambda k: (k[0], _flip(k[1], newest_first), k[2], k[3]))
            last_cursors[order] = after
    for order in CommitmentOrder:
        other = next(o for o in CommitmentOrder if o is not order)
        variables = {"order": order.value, "after": last_cursors[other], "county": None}
        compiled = await paths.post(ORDERED, variables)
        assert _parsed(compiled) == _parsed(await paths.reference(ORDERED, variables))
        assert compiled.json()["errors"][0]["extensions"]["argument"] == "after"


def _assert_actor_order(rows: list[dict[str, Any]], descending: bool) -> None:
    """By the actor's name, then promise by promise (stored order, not visible here: each promise
    one run of rows), each in document order."""
    actors = [row["actor"] for row in rows]
    assert actors == sorted(actors, reverse=descending)
    seen: set[tuple[str, str]] = set()
    previous: tuple[str, str, int] | None = None
    for row in rows:
        run = (row["actor"], row["citizenPromise"]["slug"])
        if previous is not None and previous[:2] == run:
            assert row["documentOrder"] > previous[2]
        else:
            assert run not in seen, f"{run} in two runs"
            seen.add(run)
        previous = (*run, row["documentOrder"])


def _flip(day: str, descending: bool) -> Any:
    """A date's sort key, newest first when `descending`."""
    return tuple(-ord(ch) for ch in day) if descending else day


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


STATISTICS = """query ($groupBy: [StatisticsDimension!]!, $year: Int, $county: String) {
  s: commitmentStatistics(groupBy: $groupBy, filter: { year: $year, countyCode: $county }) {
    __typename group { label key dimension } n: commitments citizenPromises municipalities followedUp
  }
  t: targetStatistics(groupBy: $groupBy, filter: { year: $year, countyCode: $county }) {
    group { key } targets commitments promisedQuantity reportedQuantity notReported met exceeded missed
  }
  c: coverage(groupBy: AREA, year: 2025, countyCode: $county) {
    group { key label } areas areasWithCitizenPromise areasWithFollowUp
    missing(kind: FOLLOW_UP) { code county { name } citizenPromises { slug } }
  }
}"""


async def test_the_dashboards_are_one_compiled_statement_per_root_field_whatever_their_size(
    paths: Paths, sql_counter: QueryCounter
) -> None:
    """The region overview (../shared/contract/queries/dashboards/) and statistics grouped by
    nothing up to three dimensions: the compiled path answers as the reference path does (in
    the reference path's order, labels and counts), with one statement per root field however
    many groups and missing municipalities; in a preview an admin counts drafts too, a scoped
    editor published content only, as the reference path does."""
    overview = (DASHBOARDS / "region-overview.graphql").read_text("utf-8")
    sizes = []
    for region, year in (("Väst", 2023), ("Väst", 2031), ("Nord", 2019), ("Ingen", 2025)):
        sql_counter.statements.clear()
        await paths.post(overview, {"region": region, "year": year})
        assert len(sql_counter.statements) == 3, sql_counter.statements
        data = await paths.same(overview, {"region": region, "year": year})
        sizes.append(len(data["byActor"]) + sum(len(group["withoutPromise"]) for group in data["regionGaps"]))
    assert max(sizes) >= 10 and min(sizes) == 0, sizes
    admin, gotene = await token(Role.ADMIN), await token(Role.EDITOR, ["1471"])
    groupings: list[tuple[list[str], int | None, str | None]] = [
        ([], None, None),
        (["ACTOR", "YEAR"], 2031, "14"),
        (["MUNICIPALITY", "TOPIC", "YEAR"], None, None),
    ]
    for group_by, in_year, county in groupings:
        variables = {"groupBy": group_by, "year": in_year, "county": county}
        for auth, preview in ((None, False), (admin, True), (gotene, True)):
            data = await paths.same(STATISTICS, variables, auth, preview=preview)
            sql_counter.statements.clear()
            await paths.post(STATISTICS, variables, auth, preview=preview)
            # Besides the token's look-up.
            statements = [text for text in sql_counter.statements if "token_hash" not in text]
            assert len(statements) == 3, statements
            assert all(len(row["group"]) == len(group_by) for row in data["s"] + data["t"])
    # Drafts of 2031 (DRAFTS) count in the admin's preview only.
    variables = {"groupBy": ["YEAR"], "year": 2031, "county": "14"}
    counted = [
        sum(row["n"] for row in (await paths.same(STATISTICS, variables, auth, preview=True))["s"])
        for auth in (admin, gotene)
    ]
    assert counted[0] > counted[1], counted


# The generated corpus (tests/compiled_corpus.py) in `make test`: documents per database, each
# asked with VALUE_SETS random sets of values, on the seed content (both databases) and on the
# whole country (SQLite); `make fuzz` asks more (COMPILED_CORPUS_DOCUMENTS).
CORPUS_DOCUMENTS = int(os.environ.get("COMPILED_CORPUS_DOCUMENTS", "125"))
COUNTRY_DOCUMENTS = int(os.environ.get("COMPILED_CORPUS_COUNTRY_DOCUMENTS", "60"))
VALUE_SETS = 4


async def _samples(paths: Paths, codes: list[str]) -> Samples:
    response = await paths.reference(
        "{ agreements(first: 30) { edges { node { slug } } }"
        " citizenPromises(first: 30) { edges { node { slug followUps { slug } } } } }"
    )
    data = response.json()["data"]
    promises = [edge["node"] for edge in data["citizenPromises"]["edges"]]
    return Samples(
        codes=[*codes, "9999"],
        counties=["14", "01", "22", "99"],
        regions=["Väst", "Nord", "Stockholm", "Ingen"],
        slugs={
            "agreement": [edge["node"]["slug"] for edge in data["agreements"]["edges"]] + ["no-such-agreement"],
            "citizenPromise": [promise["slug"] for promise in promises] + ["gotene-utkast-2031"],
            "followUp": [f["slug"] for promise in promises for f in promise["followUps"]] + ["no-such-follow-up"],
        },
        ids=await _node_ids(paths),
    )


async def _ask_corpus(
    paths: Paths, samples: Samples, differential: Differential, documents: int, grouped: float = 1.0
) -> set[tuple[str, str]]:
    """Each document with VALUE_SETS sets of values along both paths: the differential check
    compares them (tests/differential.py), or, with it off, this loop does. Gives the (type,
    field) pairs the documents asked for."""
    schema = paths.endpoint.schema._schema
    corpus = Corpus(schema, samples, seed=15, grouped=grouped)
    values = random.Random(15)
    compiled = 0
    asked: set[tuple[str, str]] = set()
    for _ in range(documents):
        query = corpus.query()
        asked |= fields_asked(schema, query.text)
        for _ in range(VALUE_SETS):
            variables = query.values(values)
            answered = paths.compiled.answered
            first = await paths.post(query.text, variables)
            assert first.status_code == 200, (query.text, variables, first.text)
            assert "errors" not in first.json(), (query.text, variables, first.json())
            if not differential.enabled:
                assert _parsed(first) == _parsed(await paths.reference(query.text, variables)), (query, variables)
            compiled += paths.compiled.answered - answered
    # Everything the corpus asks is declared: only SQLite's parser stack (api/compiled/dialect.py)
    # sends some of the deepest documents to the reference path.
    assert compiled >= 0.9 * documents * VALUE_SETS, (compiled, paths.compiled.unsupported.items)
    return asked


# The fields held as JSON in the content tables and the types built from their elements.
JSON_HELD_FIELDS = {
    *(
        (kind, name)
        for kind in ("Agreement", "CitizenPromise", "FollowUp", "ServiceAgreement")
        for name in ("publishedAt", "updatedAt", "links")
    ),
    *(("Agreement", name) for name in ("sections", "governance", "problemAreas")),
    ("CitizenPromise", "sections"),
    *(("Section", name) for name in ("heading", "role", "body")),
    *(("Link", name) for name in ("label", "url", "target")),
    *(("ProblemArea", name) for name in ("title", "items")),
}


async def test_a_generated_corpus_answers_as_the_reference_path_does(paths: Paths, differential: Differential) -> None:
    samples = await _samples(paths, ["1471", "1485", "1493", "0114", "2260"])
    asked = await _ask_corpus(paths, samples, differential, CORPUS_DOCUMENTS)
    if CORPUS_DOCUMENTS >= 125:
        assert not JSON_HELD_FIELDS - asked, JSON_HELD_FIELDS - asked


async def test_a_generated_corpus_answers_as_the_reference_path_does_on_the_whole_country(
    country_database: str, differential: Differential
) -> None:
    """The same on every municipality's content (tests/country.py), where lists and totals are
    as large as they get; SQLite, the file the browser test reads too."""
    await open_database(country_database)
    app = create_app(Settings(debug_execution=True, rate_limits=False), manage_database=False)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://samverkan.test"
        ) as client:
            paths = Paths(client, _endpoint(app))
            every = [place.code for place in read_places()]
            total = await paths.reference("{ municipalities { totalCount } }")
            assert total.json()["data"]["municipalities"]["totalCount"] == len(every) == 290
            samples = await _samples(paths, random.Random(15).sample(every, 40))
            # Statistics and coverage drawn a sixth as often as on the seed content: on the whole
            # country one grouped by municipality takes about a second on each path, and they
            # made this test three times as long (30 s to 89 s); the seed corpus draws them all.
            await _ask_corpus(paths, samples, differential, COUNTRY_DOCUMENTS, grouped=1 / 6)
    finally:
        await close_database()


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
# test_variables.py, test_abstract.py, test_lists.py, test_nonnull.py, test_executor.py), as they
# apply to a read-only compiled path over this schema; the divergences are listed in one place,
# the module's docstring. Each case is answered along both paths and compared.
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
    # test_directives.py: an anonymous inline fragment, and directives given by variables.
    (
        "directives on an anonymous inline fragment",
        '{ municipality(code: "1471") { code ... @include(if: true) { name }'
        " ... @skip(if: true) { county { name } } } }",
        {},
    ),
    (
        "include and skip by variables, every combination",
        'query ($a: Boolean!, $b: Boolean!) { municipality(code: "1471") { code'
        " n1: name @include(if: $a) @skip(if: $b) n2: name @include(if: $b) @skip(if: $a) n3: name @skip(if: $a) } }",
        {"a": True, "b": False},
    ),
    # test_executor.py: field order as requested despite the order of execution, a field asked
    # twice keeps its first place, merged parallel fragments, a fragment spread twice.
    (
        "field order as requested",
        '{ municipality(code: "1471") { name code county { name code } c2: code n2: name __typename } }',
        {},
    ),
    (
        "a field asked twice keeps its first place",
        '{ municipality(code: "1471") { name code name county { code } code } }',
        {},
    ),
    (
        "merges parallel fragments",
        '{ municipality(code: "1471") { ...A ...B code } } fragment A on Municipality { name county { code } }'
        " fragment B on Municipality { county { name } localPoliceArea { name } }",
        {},
    ),
    (
        "a fragment spread twice at different depths",
        '{ municipality(code: "1471") { ...M county { municipalities { ...M } } } }'
        " fragment M on Municipality { code }",
        {},
    ),
    # test_variables.py: arguments not given, given null, given by a variable absent or null,
    # variables inside lists of input objects, an enum by variable, defaults of arguments.
    (
        "an argument not given and one given null",
        '{ a: municipality(code: "1485") { citizenPromises { code: slug } }'
        ' b: municipality(code: "1485") { citizenPromises(year: null) { slug } } }',
        {},
    ),
    (
        "a variable not given for a nullable argument",
        'query ($actor: Actor) { municipality(code: "1485")'
        " { citizenPromises { commitments(actor: $actor) { key } } } }",
        {},
    ),
    (
        "an enum by variable",
        'query ($actor: Actor) { municipality(code: "1485")'
        " { citizenPromises { commitments(actor: $actor) { key } } } }",
        {"actor": "TILLSAMMANS"},
    ),
    (
        "a filter of null fields",
        "{ commitments(first: 3, filter: { actor: null, countyCode: null, year: null }) { totalCount } }",
        {},
    ),
    (
        "an argument's default (orderBy) and the same order given",
        "{ a: commitments(first: 3) { edges { cursor } } b: commitments(first: 3, orderBy: NEWEST_FIRST)"
        " { edges { cursor } } }",
        {},
    ),
    # test_abstract.py: __typename through the interface on every kind of node, a fragment on
    # the interface inside one on the object type.
    (
        "an interface fragment inside an object fragment",
        "query ($id: ID!) { node(id: $id) { ... on Municipality { ... on Node { id } code } __typename } }",
        {"id": gid("Municipality", "1485")},
    ),
    # test_lists.py: a list of objects inside a list inside a list, empty at any level.
    (
        "lists in lists in lists",
        '{ municipality(code: "1485") { citizenPromises { commitments { partners { name } topics } } } }',
        {},
    ),
]

# Cases whose answer holds errors: the compiled path leaves them to the reference path (which
# words the error) and both answers are the same. After test_nonnull.py (a non-null root field
# that fails nulls `data`; a nullable one nulls itself only, its siblings answered) and
# test_variables.py (a variable of the wrong type, a non-null variable not given).
ERROR_CASES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "a nullable root field that fails, beside one that answers",
        '{ a: municipality(code: "1471") { name } b: municipality(code: "' + "x" * 300 + '") { name } }',
        {},
    ),
    (
        "a non-null root field that fails nulls the data",
        '{ a: municipality(code: "1471") { name } b: commitments(first: 100000) { totalCount } }',
        {},
    ),
    ("a non-null variable not given", "query ($code: String!) { municipality(code: $code) { name } }", {}),
    (
        "a variable of the wrong type",
        "query ($year: Int) { citizenPromises(filter: { year: $year }) { totalCount } }",
        {"year": "2019"},
    ),
    (
        "an enum value the type does not have",
        "query ($actor: Actor) { commitments(filter: { actor: $actor }) { totalCount } }",
        {"actor": "NOBODY"},
    ),
]


@pytest.mark.parametrize(("case", "query", "variables"), SPEC_CASES, ids=[case for case, _, _ in SPEC_CASES])
async def test_the_execution_rules_of_the_spec_hold_on_the_compiled_path(
    paths: Paths, case: str, query: str, variables: dict[str, Any]
) -> None:
    await paths.same(query, variables)


@pytest.mark.parametrize(("case", "query", "variables"), ERROR_CASES, ids=[case for case, _, _ in ERROR_CASES])
async def test_errors_and_null_propagation_are_the_reference_paths(
    paths: Paths, case: str, query: str, variables: dict[str, Any]
) -> None:
    answered = paths.compiled.answered
    compiled = await paths.post(query, variables)
    reference = await paths.reference(query, variables)
    assert compiled.status_code == reference.status_code
    assert _parsed(compiled) == _parsed(reference)
    assert compiled.json()["errors"]
    assert paths.compiled.answered == answered


async def test_the_operation_named_is_the_one_answered(paths: Paths) -> None:
    """test_executor.py: with several operations, `operationName` picks the one that runs."""
    document = (
        'query Place { municipality(code: "1471") { name } }'
        " query Lists { agreements(first: 2) { edges { node { slug } } } }"
    )
    place = await paths.same(document, operation="Place")
    lists = await paths.same(document, operation="Lists")
    assert list(place) == ["municipality"] and list(lists) == ["agreements"]


async def test_the_differential_check_fails_a_request_the_paths_answer_differently(
    paths: Paths, differential: Differential, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check every test runs under (tests/differential.py) sees a compiled answer whose keys
    come in another order, and one with another value, and names the request."""
    if not differential.enabled:
        pytest.skip("the differential check is off (--differential=off)")
    object_sql = Dialect.object
    monkeypatch.setattr(Dialect, "object", lambda self, pairs: object_sql(self, list(reversed(pairs))))
    await paths.post('{ municipality(code: "1471") { code name } }')
    monkeypatch.setattr(
        Dialect, "object", lambda self, pairs: object_sql(self, [(k, sql.raw("'x'")) for k, _ in pairs])
    )
    await paths.post('{ municipality(code: "1493") { code name } }')
    failures, differential.failures[:] = list(differential.failures), []
    assert len(failures) == 2, failures
    assert '"1471"' in failures[0] and '-   "name": "Götene",' in failures[0]
    assert '"1493"' in failures[1] and '-   "name": "x"' in failures[1]
