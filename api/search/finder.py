"""Finding documents: full-text match, visibility, filters, ranking and paging, all in SQL.

Two statements per search on either database, whatever it finds: the total and the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from api.editorial.scope import concerns_sql
from api.geography.filters import place_sql
from models.search.analysis import fts5_query, query_terms, query_words, tsquery_text
from models.sql import Fragment, all_of, client_postgres, one_of, rows, sql, visible

# Title matches weigh more than body matches: PostgreSQL ranks weight A (titles) 10 times
# weight D (bodies) by default; SQLite's bm25 gets the same ratio as column weights.
_SQLITE_SCORE = "-bm25(search_text, 10.0, 1.0)"
_POSTGRES_SCORE = "ts_rank(d.search_vector, q)"


@dataclass(frozen=True)
class Criteria:
    query: str
    kinds: Sequence[str] | None = None
    municipality_code: str | None = None
    county_code: str | None = None
    police_region: str | None = None


@dataclass(frozen=True)
class Match:
    kind: str
    item_id: int
    title: str
    body: str
    score: float


@dataclass(frozen=True)
class Found:
    total: int
    matches: list[Match]
    terms: list[str]  # the stems searched for, to mark them in snippets


async def find(
    criteria: Criteria,
    *,
    now: datetime,
    preview: bool = False,
    drafts_of: frozenset[str] | None = None,
    first: int,
    offset: int = 0,
    client: BaseDBAsyncClient | None = None,
) -> Found:
    terms = query_terms(criteria.query)
    if not terms or criteria.kinds == []:
        return Found(0, [], terms)
    if client_postgres(client):
        source = sql(
            "search_document d CROSS JOIN to_tsquery('swedish', {}) AS q", tsquery_text(query_words(criteria.query))
        )
        conditions = [sql.raw("d.search_vector @@ q")]
        score = _POSTGRES_SCORE
    else:
        source = sql.raw("search_text JOIN search_document d ON d.id = search_text.rowid")
        conditions = [sql("search_text MATCH {}", fts5_query(terms))]
        score = _SQLITE_SCORE
    source += sql.raw(
        " LEFT JOIN agreement a ON a.id = d.agreement_id"
        " LEFT JOIN citizen_promise p ON p.id = d.citizen_promise_id"
        " LEFT JOIN follow_up f ON f.id = d.follow_up_id"
        " LEFT JOIN commitment c ON c.id = d.commitment_id"
    )
    for column, alias in (("agreement_id", "a"), ("citizen_promise_id", "p"), ("follow_up_id", "f")):
        conditions.append(sql(f"(d.{column} IS NULL OR {{}})", _shown(alias, now, preview, drafts_of)))
    conditions.append(sql.raw("(d.commitment_id IS NULL OR c.id IS NOT NULL)"))
    if criteria.kinds is not None:
        conditions.append(one_of("d.kind", list(criteria.kinds)))
    places = place_sql(criteria.municipality_code, criteria.county_code, criteria.police_region, _PLACE_COLUMNS)
    if places:
        # Documents concerning a municipality that matches every given place (an agreement
        # concerns each municipality party to it).
        conditions.append(
            sql("EXISTS (SELECT 1 FROM search_place s WHERE s.document_id = d.id AND {})", all_of(places))
        )
    where = all_of(conditions)
    count = await rows(sql("SELECT COUNT(*) AS total FROM {} WHERE {}", source, where), client)
    found = await rows(
        sql(
            f"SELECT d.kind, d.item_id, d.title, d.body, {score} AS score FROM {{}} WHERE {{}}"
            " ORDER BY score DESC, d.kind, d.item_id LIMIT {} OFFSET {}",
            source,
            where,
            first,
            offset,
        ),
        client,
    )
    matches = [Match(row["kind"], row["item_id"], row["title"], row["body"], float(row["score"])) for row in found]
    return Found(int(count[0]["total"]), matches, terms)


# The place filter (api/geography/filters.py) over the places a document concerns.
_PLACE_COLUMNS = ("s.municipality_code", "s.county_code", "s.police_region")


def _shown(alias: str, now: datetime, preview: bool, drafts_of: frozenset[str] | None) -> Fragment:
    """The read path's visibility rule (Context.visible_sql in api/context.py): published and
    inside its publish_at/unpublish_at window; in preview everything (`preview`) or also what
    concerns a municipality of `drafts_of` (a scoped token's preview, api/editorial/scope.py).
    A missing row (deleted content) is never shown, not even in preview."""
    if preview:
        return sql.raw(f"{alias}.id IS NOT NULL")
    shown = visible(alias, now)
    if not drafts_of:
        return shown
    codes = sql.value(sorted(drafts_of))
    return sql("({} OR {})", shown, concerns_sql(alias, lambda column: one_of(column, codes)))
