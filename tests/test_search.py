"""Search in Swedish over the seed content, on both databases."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from tortoise.transactions import in_transaction

from api.search.finder import Criteria, find
from models import CitizenPromise, FollowUpEntry
from models.database import close_database, migrate, open_database
from models.rendered import rerender
from models.text import VERSION, to_html, to_plain
from seed.changes import content_written
from tests.conftest import ROOT, SHARED, Database, QueryCounter, graphql, make_client
from tests.content import load_documents, promise_item

SEARCH = (SHARED / "contract" / "queries" / "dashboards" / "search.graphql").read_text("utf-8")

RESULTS = """query($q: String!, $filter: SearchFilter, $first: Int, $after: String) {
  search(query: $q, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { score snippet hit {
      __typename
      ... on Agreement { slug title }
      ... on CitizenPromise { slug title }
      ... on Commitment { key text citizenPromise { slug } }
      ... on FollowUp { slug title }
    } } }
  }
}"""


async def _search(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    data = await graphql(client, RESULTS, {"q": query, **variables})
    return data["search"]  # type: ignore[no-any-return]


def _names(result: dict[str, Any]) -> list[str]:
    """Each hit as Type:key (a commitment by its promise and key)."""
    names = []
    for edge in result["edges"]:
        hit = edge["node"]["hit"]
        if hit["__typename"] == "Commitment":
            names.append(f"Commitment:{hit['citizenPromise']['slug']}#{hit['key']}")
        else:
            names.append(f"{hit['__typename']}:{hit['slug']}")
    return names


def _snippets(result: dict[str, Any]) -> list[str]:
    return [edge["node"]["snippet"] for edge in result["edges"]]


async def test_a_word_finds_its_compounds(client: httpx.AsyncClient) -> None:
    result = await _search(client, "narkotika")
    snippets = " ".join(_snippets(result))
    for word in ("narkotika", "narkotikabrott", "narkotikamissbruk", "narkotikabruk"):
        assert f"<mark>{word}</mark>" in snippets
    assert "Commitment:gotene-medborgarlofte-2019#polis-2" in _names(result)
    assert "Agreement:ange-samverkansoverenskommelse-2023-2026" in _names(result)
    assert result["totalCount"] == len(result["edges"]) == 5


async def test_inflections_find_each_other(client: httpx.AsyncClient) -> None:
    result = await _search(client, "trygghetsvandring")
    assert sorted(_names(result)) == [
        "Commitment:gotene-medborgarlofte-2019#kommun-1",
        "Commitment:gullspang-medborgarlofte-2023-2024#tillsammans-3",
    ]
    assert all("<mark>trygghetsvandringar</mark>" in snippet for snippet in _snippets(result))
    plural = await _search(client, "Trygghetsvandringar")
    assert sorted(_names(plural)) == sorted(_names(result))


async def test_grannsamverkan_across_documents_and_municipalities(client: httpx.AsyncClient) -> None:
    result = await _search(client, "grannsamverkan")
    assert sorted(_names(result)) == [
        "Agreement:mariestad-toreboda-gullspang-overenskommelse",
        "Commitment:gotene-medborgarlofte-2019#tillsammans-2",
        "Commitment:gotene-medborgarlofte-2023-2024#tillsammans-2",
        "FollowUp:gotene-uppfoljning-2023",
    ]
    assert "<mark>Grannsamverkansgrupperna</mark>" in " ".join(_snippets(result))
    scores = [edge["node"]["score"] for edge in result["edges"]]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0


async def test_a_ring_and_dots_are_letters_of_their_own(client: httpx.AsyncClient) -> None:
    ange = await _search(client, "Ånge")
    assert _names(ange) == ["Agreement:ange-samverkansoverenskommelse-2023-2026"]
    assert "<mark>Ånge</mark>" in _snippets(ange)[0]
    assert (await _search(client, "Ange"))["totalCount"] == 0
    assert (await _search(client, "ange"))["totalCount"] == 0
    # "Götene" is not "Gotene", and the reverse.
    gotene = await _search(client, "Götene")
    assert gotene["totalCount"] > 0
    assert (await _search(client, "Gotene"))["totalCount"] == 0


async def test_filters_by_place_and_type(client: httpx.AsyncClient) -> None:
    everywhere = set(_names(await _search(client, "polisen", first=100)))
    assert any(name.startswith("Agreement:ange") for name in everywhere)
    ange = _names(await _search(client, "polisen", first=100, filter={"municipalityCode": "2260"}))
    assert ange == ["Agreement:ange-samverkansoverenskommelse-2023-2026"]
    nord = _names(await _search(client, "polisen", first=100, filter={"policeRegion": "Nord"}))
    assert nord == ange
    county = set(_names(await _search(client, "polisen", first=100, filter={"countyCode": "14"})))
    assert county == everywhere - set(ange)
    # An agreement concerns each municipality party to it.
    toreboda = _names(await _search(client, "grannsamverkan", filter={"municipalityCode": "1473"}))
    assert toreboda == ["Agreement:mariestad-toreboda-gullspang-overenskommelse"]
    commitments = await _search(
        client, "polisen", first=100, filter={"countyCode": "14", "types": ["COMMITMENT", "FOLLOW_UP"]}
    )
    kinds = {edge["node"]["hit"]["__typename"] for edge in commitments["edges"]}
    assert kinds == {"Commitment", "FollowUp"}
    assert {n for n in everywhere if n.startswith(("Commitment:", "FollowUp:"))} == set(_names(commitments))
    assert (await _search(client, "polisen", filter={"countyCode": "14", "policeRegion": "Nord"}))["totalCount"] == 0
    assert (await _search(client, "polisen", filter={"types": []}))["totalCount"] == 0


async def test_pages_with_opaque_cursors(client: httpx.AsyncClient) -> None:
    whole = await _search(client, "polisen", first=100)
    assert whole["totalCount"] == len(whole["edges"]) > 6
    seen: list[str] = []
    after = None
    while True:
        page = await _search(client, "polisen", first=4, after=after)
        assert page["totalCount"] == whole["totalCount"]
        seen += _names(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == _names(whole)
    response = await client.post("/graphql", json={"query": RESULTS, "variables": {"q": "polisen", "after": "bm9wZQ"}})
    assert "cursor" in response.json()["errors"][0]["message"]


async def test_the_contract_document_works(client: httpx.AsyncClient) -> None:
    data = await graphql(client, SEARCH, {"q": "narkotika"})
    hits = data["search"]["edges"]
    assert data["search"]["totalCount"] == len(hits) == 5
    assert {edge["node"]["hit"]["__typename"] for edge in hits} == {"Agreement", "Commitment", "FollowUp"}
    assert all(edge["node"]["hit"]["id"] for edge in hits)


async def test_stop_words_and_punctuation_find_nothing(client: httpx.AsyncClient) -> None:
    for query in ("och att det", "?!… – ”*:”", "", "   ", "och & | ! ( ) :* <->", '"'):
        result = await _search(client, query)
        assert result == {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}, "edges": []}
    # Operators of either database's query language are just punctuation.
    assert (await _search(client, "narkotika & !polisen | ( ")) == await _search(client, "narkotika polisen")


async def test_a_10000_character_query_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": RESULTS, "variables": {"q": "narkotika " * 1000}})
    body = response.json()
    assert body.get("data") is None
    assert body["errors"][0]["message"] == "The search query is too long: 10,000 characters, at most 500 are allowed."


async def test_statements_per_search_do_not_grow_with_hits(
    seeded: Database, client: httpx.AsyncClient, sql_counter: QueryCounter
) -> None:
    async def statements(query: str, **variables: Any) -> int:
        sql_counter.statements.clear()
        await _search(client, query, **variables)
        return len(sql_counter.statements)

    commitments = {"types": ["COMMITMENT"]}
    one = await statements("polisen", first=1, filter=commitments)
    many = await statements("polisen", first=100, filter=commitments)
    assert one == many == 4, sql_counter.statements  # total, page, commitments, their promises
    # Every kind at once: total, page, one query per kind, and the commitments' promises; on
    # PostgreSQL the kinds' queries go as one.
    every_kind = 4 if seeded.backend == "postgres" else 7
    assert await statements("polisen", first=100) == every_kind, sql_counter.statements
    assert await statements("och") == 0


DRAFTS: dict[str, list[object]] = {
    "citizen_promises": [
        promise_item("utkast-lofte", "1471", commitments=2, status="DRAFT")
        | {"problem_picture": "Cykelstölder vid stationen."},
        promise_item("senare-lofte", "1471", commitments=1)
        | {"problem_picture": "Cykelstölder i centrum.", "publish_at": "2199-01-01T00:00:00Z"},
        promise_item("publicerat-lofte", "1480", commitments=1) | {"problem_picture": "Cykelstölderna har minskat."},
    ]
}


async def test_drafts_and_scheduled_content_are_never_found(fresh: Database, tmp_path: Path) -> None:
    await load_documents(tmp_path, {"drafts": DRAFTS})
    async with make_client() as client:
        found = await _search(client, "cykelstöld")
        assert _names(found) == ["CitizenPromise:publicerat-lofte"]
        # Commitments of an invisible promise are invisible too.
        commitments = _names(await _search(client, "insats nummer", first=100))
        assert commitments == ["Commitment:publicerat-lofte#k-1"]
    # Editorial preview sees them (the index holds them; the rule is applied when searching).
    preview = await find(Criteria("cykelstöld"), now=datetime.now(UTC), preview=True, first=10)
    assert preview.total == 3
    # The schedule passes without a write.
    later = await find(Criteria("cykelstöld"), now=datetime(2199, 1, 2, tzinfo=UTC), first=10)
    assert later.total == 2


async def test_the_index_follows_a_write_in_its_transaction(fresh: Database, tmp_path: Path) -> None:
    now = datetime.now(UTC) + timedelta(seconds=1)
    promise = await CitizenPromise.get(slug="gotene-medborgarlofte-2019")

    class Rollback(Exception):
        pass

    try:
        async with in_transaction():
            # Written as the writer writes it: with its rendering (models/rendered.py), which is what is indexed.
            text = "Mopedbuskörning i centrum."
            await CitizenPromise.filter(id=promise.id).update(problem_picture=text, problem_picture_plain=text)
            await content_written("citizen_promises", [promise.id])
            inside = await find(Criteria("mopedbuskörning"), now=now, first=10)
            assert inside.total == 1
            assert "Mopedbuskörning" in inside.matches[0].body
            raise Rollback
    except Rollback:
        pass
    # Rolled back with the content: the old text is found again, the new is not.
    assert (await find(Criteria("mopedbuskörning"), now=now, first=10)).total == 0
    assert (await find(Criteria("medborgarundersökningen"), now=now, first=10)).total == 1

    # Through the seed loader: an edited file replaces the old words.
    first = promise_item("redigerat-lofte", "1471", commitments=1) | {"problem_picture": "Klotter på skolan."}
    await load_documents(tmp_path / "v1", {"edit": {"citizen_promises": [first]}})
    assert (await find(Criteria("klotter"), now=datetime.now(UTC), first=10)).total == 1
    second = first | {"problem_picture": "Skadegörelse på skolan."}
    second["commitments"] = []
    await load_documents(tmp_path / "v2", {"edit": {"citizen_promises": [second]}})
    assert (await find(Criteria("klotter"), now=datetime.now(UTC), first=10)).total == 0
    assert (await find(Criteria("skadegörelse"), now=datetime.now(UTC), first=10)).total == 1
    # Its commitment left the file, so it left the index.
    assert (await find(Criteria("insats nummer"), now=datetime.now(UTC), first=10)).total == 0


async def _cli(url: str, *arguments: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from seed.cli import main; main()",
        *arguments,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


PLAIN_SUMMARY = '{ citizenPromise(slug: "gotene-medborgarlofte-2019") { summary(format: PLAIN) } }'


async def test_reindex_rebuilds_the_index_from_the_stored_plain_text_and_migrate_renders_old_rows_again(
    fresh: Database,
) -> None:
    now = datetime.now(UTC)
    before = await find(Criteria("polisen"), now=now, first=100)
    # The index and both read paths take the stored rendering, never the Markdown: a word only
    # in a promise's stored plain text is found, and read.
    promise = await CitizenPromise.get(slug="gotene-medborgarlofte-2019")
    stale = f"{promise.summary_plain} Renderingsprovet."
    await CitizenPromise.filter(id=promise.id).update(summary_plain=stale)
    async with make_client() as client:
        assert (await graphql(client, PLAIN_SUMMARY))["citizenPromise"]["summary"] == stale
    async with in_transaction() as connection:
        await connection.execute_query("DELETE FROM search_place")
        await connection.execute_query("DELETE FROM search_document")
    assert (await find(Criteria("polisen"), now=now, first=100)).total == 0
    assert (await _cli(fresh.url, "search", "reindex")).splitlines()[-1] == "search index rebuilt: 30 documents"
    after = await find(Criteria("polisen"), now=now, first=100)
    assert [(m.kind, m.item_id) for m in after.matches] == [(m.kind, m.item_id) for m in before.matches]
    assert (await find(Criteria("renderingsprovet"), now=now, first=10)).total == 1

    # Rows an older renderer made (the promise, an entry) are rendered again by `migrate`, in
    # their own batches, and indexed again.
    entry = await FollowUpEntry.all().order_by("id").first()
    assert entry is not None
    await CitizenPromise.filter(id=promise.id).update(render_version=VERSION - 1)
    await FollowUpEntry.filter(id=entry.id).update(narrative_html="<p>gammal</p>", render_version=0)
    await close_database()
    rendered = await migrate(fresh.url)  # as `samverkan migrate` runs it (a process costs seconds here)
    await open_database(fresh.url)
    assert rendered == 2
    promise = await CitizenPromise.get(id=promise.id)
    assert promise.summary and (promise.summary_plain, promise.render_version) == (to_plain(promise.summary), VERSION)
    entry = await FollowUpEntry.get(id=entry.id)
    assert (entry.narrative_html, entry.render_version) == (to_html(entry.narrative), VERSION)
    assert (await find(Criteria("renderingsprovet"), now=now, first=10)).total == 0
    async with make_client() as client:
        assert (await graphql(client, PLAIN_SUMMARY))["citizenPromise"]["summary"] == promise.summary_plain
    assert await rerender() == 0  # nothing older is left
