"""Writing the search index: one document per agreement, citizen promise, commitment, follow-up.

`seed.changes` calls `content_written` / `content_deleted` after every write of content, inside
the write's transaction; `rebuild` makes the whole index anew (`samverkan search reindex`).
A document holds plain text (the renderings the writer stored beside the Markdown,
models/rendered.py: the index renders nothing) and the municipalities it concerns; whether it
may be shown is decided when searching, from the content rows.

Documents are written in bulk (models.sql.insert: on PostgreSQL one COPY, on SQLite VALUES
lists), their ids taken in one statement first (models.sql.new_ids), their places from one
lookup of the municipalities they name, and the documents of items just created are not looked
for to be replaced. A whole-country load indexes 30,581
documents; that cost 4.8 s of the SQLite load's CPU when each document's places were an INSERT …
SELECT of their own and each text was rendered as Markdown, and costs 1.8 s now (most of it the
Swedish analysis for FTS5; PostgreSQL analyses in the database: 1.0 s here, 1.3 s there).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from models.search.analysis import index_terms
from models.sql import client_postgres, execute, insert, json_value, new_ids, one_of, rows, sql

AGREEMENT = "AGREEMENT"
CITIZEN_PROMISE = "CITIZEN_PROMISE"
COMMITMENT = "COMMITMENT"
FOLLOW_UP = "FOLLOW_UP"

# Large rebuilds go in slices, under both databases' limits on bound parameters.
_CHUNK = 500


@dataclass
class Document:
    kind: str
    item_id: int
    title: str
    body: str
    municipality_codes: list[str] = field(default_factory=list)
    agreement_id: int | None = None
    citizen_promise_id: int | None = None
    follow_up_id: int | None = None
    commitment_id: int | None = None


async def content_written(
    kind: str, item_ids: list[int], client: BaseDBAsyncClient | None = None, *, created: Collection[int] = ()
) -> None:
    """Re-index items of `kind` (a key of seed.format.CONTENT_TYPES, or "commitments").
    `created`: those of them that were just created, so have no documents yet to replace
    (a whole-country load creates every item; skipping their deletes saved ten statements
    that each scanned the growing index, 1.4 s of a PostgreSQL load on the busy machine)."""
    index = _Index(client, frozenset(created))
    for chunk in _chunks(item_ids):
        if kind == "agreements":
            await index.agreements(chunk)
        elif kind == "citizen_promises":
            await index.citizen_promises(chunk)
        elif kind == "follow_ups":
            await index.follow_ups(chunk)
        elif kind == "commitments":
            await index.commitments(chunk)
        # Contacts and service agreements are not searched.


async def content_deleted(kind: str, item_ids: list[int], client: BaseDBAsyncClient | None = None) -> None:
    index = _Index(client)
    for chunk in _chunks(item_ids):
        if kind == "agreements":
            await index.delete("kind = 'AGREEMENT' AND item_id", chunk)
        elif kind == "citizen_promises":
            await index.delete("kind = 'CITIZEN_PROMISE' AND item_id", chunk)
            await index.delete("kind IN ('COMMITMENT', 'FOLLOW_UP') AND citizen_promise_id", chunk)
        elif kind == "follow_ups":
            await index.delete("kind = 'FOLLOW_UP' AND item_id", chunk)
        elif kind == "commitments":
            await index.delete("kind = 'COMMITMENT' AND item_id", chunk)


async def rebuild(client: BaseDBAsyncClient | None = None) -> dict[str, int]:
    """Empty the index and index all content again; returns documents per kind.
    Run it inside a transaction, so searches see the old index until it is done."""
    await execute(sql.raw("DELETE FROM search_place"), client)
    await execute(sql.raw("DELETE FROM search_document"), client)
    # Citizen promises bring their commitments and follow-ups along.
    for kind, table in (("agreements", "agreement"), ("citizen_promises", "citizen_promise")):
        ids = [row["id"] for row in await rows(sql.raw(f"SELECT id FROM {table} ORDER BY id"), client)]
        await content_written(kind, ids, client, created=ids)
    documents = sql.raw("SELECT kind, COUNT(*) AS documents FROM search_document GROUP BY kind ORDER BY kind")
    return {row["kind"]: int(row["documents"]) for row in await rows(documents, client)}


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), _CHUNK):
        yield unique[start : start + _CHUNK]


def _plain(text: str | None) -> str:
    return text or ""


def _sections(value: Any, plain: Any) -> list[str]:
    """Each section's heading and its body's stored plain text (in the sections' order)."""
    bodies = json_value(plain) or []
    return [
        f"{section['heading']}\n{bodies[number] if number < len(bodies) else ''}"
        for number, section in enumerate(json_value(value) or [])
    ]


def _problem_areas(value: Any) -> list[str]:
    return [f"{area['title']}: {', '.join(area.get('items', []))}" for area in json_value(value) or []]


def _join(parts: Iterable[str]) -> str:
    return "\n\n".join(part for part in parts if part)


class _Index:
    def __init__(self, client: BaseDBAsyncClient | None, created: frozenset[int] = frozenset()) -> None:
        self.client = client
        self.postgres = client_postgres(client)
        self.created = created

    async def rows(self, template: str, *parts: Any) -> list[dict[str, Any]]:
        return await rows(sql(template, *parts), self.client)

    async def agreements(self, ids: list[int]) -> None:
        found = await self.rows(
            "SELECT id, title, summary_plain, sections, sections_plain, problem_areas FROM agreement WHERE {}",
            one_of("id", ids),
        )
        parties = await self.rows(
            "SELECT p.agreement_id, o.municipality_id FROM agreement_party p"
            " JOIN organisation o ON o.id = p.organisation_id"
            " WHERE {} AND o.municipality_id IS NOT NULL ORDER BY p.agreement_id, p.position",
            one_of("p.agreement_id", ids),
        )
        codes: dict[int, list[str]] = defaultdict(list)
        for party in parties:
            codes[party["agreement_id"]].append(party["municipality_id"])
        documents = [
            Document(
                kind=AGREEMENT,
                item_id=row["id"],
                agreement_id=row["id"],
                title=row["title"],
                body=_join(
                    [
                        _plain(row["summary_plain"]),
                        *_sections(row["sections"], row["sections_plain"]),
                        *_problem_areas(row["problem_areas"]),
                    ]
                ),
                municipality_codes=codes[row["id"]],
            )
            for row in found
        ]
        await self.replace("kind = 'AGREEMENT' AND item_id", ids)
        await self.insert(documents)

    async def citizen_promises(self, ids: list[int]) -> None:
        """A promise and its commitments (written with it, and possibly gone from it), then its
        follow-ups: they concern the promise's municipality, which may have changed."""
        found = await self.rows(
            "SELECT id, title, summary_plain, problem_picture_plain, sections, sections_plain, municipality_id"
            " FROM citizen_promise WHERE {}",
            one_of("id", ids),
        )
        commitments = await self.rows(
            "SELECT c.id, c.text, c.citizen_promise_id, p.municipality_id FROM commitment c"
            " JOIN citizen_promise p ON p.id = c.citizen_promise_id WHERE {}",
            one_of("c.citizen_promise_id", ids),
        )
        documents = [
            Document(
                kind=CITIZEN_PROMISE,
                item_id=row["id"],
                citizen_promise_id=row["id"],
                title=row["title"],
                body=_join(
                    [
                        _plain(row["summary_plain"]),
                        _plain(row["problem_picture_plain"]),
                        *_sections(row["sections"], row["sections_plain"]),
                    ]
                ),
                municipality_codes=[row["municipality_id"]],
            )
            for row in found
        ]
        documents += [_commitment(row) for row in commitments]
        await self.replace("kind IN ('CITIZEN_PROMISE', 'COMMITMENT') AND citizen_promise_id", ids)
        await self.insert(documents)
        follow_ups = await self.rows("SELECT id FROM follow_up WHERE {}", one_of("citizen_promise_id", ids))
        # `created` names promises: their follow-ups (written before them) may have documents.
        for chunk in _chunks([row["id"] for row in follow_ups]):
            await _Index(self.client).follow_ups(chunk)

    async def commitments(self, ids: list[int]) -> None:
        found = await self.rows(
            "SELECT c.id, c.text, c.citizen_promise_id, p.municipality_id FROM commitment c"
            " JOIN citizen_promise p ON p.id = c.citizen_promise_id WHERE {}",
            one_of("c.id", ids),
        )
        documents = [_commitment(row) for row in found]
        await self.replace("kind = 'COMMITMENT' AND item_id", ids)
        await self.insert(documents)

    async def follow_ups(self, ids: list[int]) -> None:
        found = await self.rows(
            "SELECT f.id, f.title, f.summary_plain, f.citizen_promise_id, p.municipality_id FROM follow_up f"
            " JOIN citizen_promise p ON p.id = f.citizen_promise_id WHERE {}",
            one_of("f.id", ids),
        )
        entries = await self.rows(
            "SELECT follow_up_id, narrative_plain FROM follow_up_entry WHERE {} ORDER BY follow_up_id, position",
            one_of("follow_up_id", ids),
        )
        narratives: dict[int, list[str]] = defaultdict(list)
        for entry in entries:
            narratives[entry["follow_up_id"]].append(_plain(entry["narrative_plain"]))
        documents = [
            Document(
                kind=FOLLOW_UP,
                item_id=row["id"],
                follow_up_id=row["id"],
                citizen_promise_id=row["citizen_promise_id"],
                title=row["title"],
                body=_join([_plain(row["summary_plain"]), *narratives[row["id"]]]),
                municipality_codes=[row["municipality_id"]],
            )
            for row in found
        ]
        await self.replace("kind = 'FOLLOW_UP' AND item_id", ids)
        await self.insert(documents)

    async def replace(self, condition: str, ids: list[int]) -> None:
        """Delete the documents of items written before (not `created`) where `{condition} IN ids`."""
        await self.delete(condition, [item_id for item_id in ids if item_id not in self.created])

    async def delete(self, condition: str, ids: list[int]) -> None:
        """Delete the documents where `{condition} IN ids` (the condition ends with a column)."""
        if not ids:
            return
        where = one_of(condition, ids)
        await execute(
            sql("DELETE FROM search_place WHERE document_id IN (SELECT id FROM search_document WHERE {})", where),
            self.client,
        )
        await execute(sql("DELETE FROM search_document WHERE {}", where), self.client)

    async def insert(self, documents: list[Document]) -> None:
        if not documents:
            return
        columns = [
            "kind",
            "item_id",
            "agreement_id",
            "citizen_promise_id",
            "follow_up_id",
            "commitment_id",
            "title",
            "body",
        ]
        rows: list[list[Any]] = []
        for d in documents:
            row = [d.kind, d.item_id, d.agreement_id, d.citizen_promise_id, d.follow_up_id, d.commitment_id]
            row += [d.title, d.body]
            if not self.postgres:
                # PostgreSQL analyses the text itself (a generated tsvector column).
                row += [index_terms(d.title), index_terms(d.body)]
            rows.append(row)
        if not self.postgres:
            columns += ["title_terms", "body_terms"]
        # Ids taken first (one statement), so the documents go in without handing rows back.
        taken = await new_ids("search_document", len(rows), self.client)
        for row, taken_id in zip(rows, taken, strict=True):
            row.insert(0, taken_id)
        await insert("search_document", ["id", *columns], rows, client=self.client)
        ids = {(d.kind, d.item_id): row[0] for d, row in zip(documents, rows, strict=True)}
        await self.places(documents, ids)

    async def places(self, documents: list[Document], ids: dict[tuple[str, int], int]) -> None:
        """Each document's municipalities with their county and police region; `ids`: the
        documents' ids by (kind, item id). A code that is no municipality gets no place."""
        codes = sorted({code for d in documents for code in d.municipality_codes})
        if not codes:
            return
        where = await self.rows(
            "SELECT m.code AS code, m.county_id AS county, r.name AS region FROM municipality m"
            " JOIN county c ON c.code = m.county_id LEFT JOIN police_unit r ON r.id = c.police_region_id"
            " WHERE {}",
            one_of("m.code", codes),
        )
        found = {row["code"]: (row["county"], row["region"]) for row in where}
        # As the seed writer's rows go in (COPY or multi-row VALUES).
        await insert(
            "search_place",
            ["document_id", "municipality_code", "county_code", "police_region"],
            [
                [ids[(d.kind, d.item_id)], code, *found[code]]
                for d in documents
                for code in dict.fromkeys(d.municipality_codes)
                if code in found
            ],
            client=self.client,
        )


def _commitment(row: dict[str, Any]) -> Document:
    return Document(
        kind=COMMITMENT,
        item_id=row["id"],
        commitment_id=row["id"],
        citizen_promise_id=row["citizen_promise_id"],
        title="",
        body=_plain(row["text"]),
        municipality_codes=[row["municipality_id"]],
    )
