"""The limit line of the benchmark: the fastest this stack answers the core documents.

A bare Starlette app on uvicorn with one hand-written PostgreSQL statement per core document
(`node`: one per type it is asked for), each building the whole answer as JSON in the database
and sent out as the text PostgreSQL gives. No parsing, validation, protection, planning or
GraphQL execution: the request body's query text picks the statement, its variables are the
parameters. It answers the same content as Samverkan (bench/run.py checks), so the gap to it is
what the GraphQL server costs above the database round trip.

    python -m bench.limit PORT    (DATABASE_URL: the benchmark's PostgreSQL database)
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def _visible(alias: str) -> str:
    return (
        f"({alias}.status = 'PUBLISHED' AND ({alias}.publish_at IS NULL OR {alias}.publish_at <= now())"
        f" AND ({alias}.unpublish_at IS NULL OR {alias}.unpublish_at > now()))"
    )


def _period(alias: str) -> str:
    return f"json_build_object('start', {alias}.period_start, 'end', {alias}.period_end, 'label', {alias}.period_label)"


def _base64(text: str) -> str:
    return f"translate(rtrim(replace(encode(convert_to({text}, 'UTF8'), 'base64'), chr(10), ''), '='), '+/', '-_')"


def _active(alias: str, on: str) -> str:
    a = alias
    return (
        f"(({a}.period_start <= {on} AND ({a}.period_end IS NULL OR {a}.period_end >= {on}))"
        f" OR ({a}.period_start IS NULL AND ({a}.signed_on <= {on}"
        f" OR ({a}.signed_on IS NULL AND {a}.source_published_on <= {on})"
        f" OR ({a}.signed_on IS NULL AND {a}.source_published_on IS NULL AND {a}.published_at < {on} + 1))))"
    )


_PARTIES = (
    "(SELECT COALESCE(json_agg(json_build_object('kind', o.kind, 'name', o.name) ORDER BY ap.position), '[]')"
    " FROM agreement_party ap JOIN organisation o ON o.id = ap.organisation_id WHERE ap.agreement_id = a.id)"
)
_NEWEST = "COALESCE(a.period_start, a.signed_on, a.source_published_on, DATE '0001-01-01') DESC, a.slug"


def _commitments(actor: str) -> str:
    return (
        "(SELECT COALESCE(json_agg(json_build_object('text', c.text, 'position', c.position) ORDER BY c.document_order),"
        f" '[]') FROM commitment c WHERE c.citizen_promise_id = p.id AND c.actor = '{actor}')"
    )


MUNICIPALITY_PAGE = f"""
SELECT (SELECT json_build_object(
  'code', m.code, 'name', m.name,
  'county', (SELECT json_build_object('code', co.code, 'name', co.name) FROM county co WHERE co.code = m.county_id),
  'localPoliceArea', (SELECT json_build_object('name', u.name, 'parent',
      (SELECT json_build_object('name', up.name) FROM police_unit up WHERE up.id = u.parent_id))
    FROM police_unit u WHERE u.id = m.local_police_area_id),
  'agreements', (SELECT COALESCE(json_agg(json_build_object(
      'title', a.title,
      'period', CASE WHEN a.period_start IS NULL THEN NULL ELSE {_period("a")} END,
      'parties', {_PARTIES},
      'signatories', (SELECT COALESCE(json_agg(json_build_object(
          'person', json_build_object('name', pe.name, 'title', s.title), 'signedOn', s.signed_on, 'place', s.place)
          ORDER BY s.position), '[]') FROM signatory s JOIN person pe ON pe.id = s.person_id WHERE s.agreement_id = a.id)
    ) ORDER BY {_NEWEST}), '[]')
    FROM agreement_party xp JOIN organisation xo ON xo.id = xp.organisation_id JOIN agreement a ON a.id = xp.agreement_id
    WHERE xo.municipality_id = m.code AND {_visible("a")} AND {_active("a", "$2::date")}),
  'citizenPromises', (SELECT COALESCE(json_agg(json_build_object(
      'title', p.title, 'period', {_period("p")}, 'problemPicture', p.problem_picture,
      'kommun', {_commitments("KOMMUN")}, 'polis', {_commitments("POLIS")}, 'tillsammans', {_commitments("TILLSAMMANS")},
      'followUps', (SELECT COALESCE(json_agg(json_build_object('year', f.year, 'title', f.title, 'entries',
          (SELECT COALESCE(json_agg(json_build_object('narrative', e.narrative, 'commitments',
              (SELECT COALESCE(json_agg(json_build_object('actor', c.actor, 'position', c.position) ORDER BY fec.position),
                '[]') FROM follow_up_entry_commitment fec JOIN commitment c ON c.id = fec.commitment_id
                WHERE fec.entry_id = e.id)) ORDER BY e.position), '[]') FROM follow_up_entry e WHERE e.follow_up_id = f.id))
          ORDER BY f.year, f.slug), '[]') FROM follow_up f WHERE f.citizen_promise_id = p.id AND {_visible("f")})
    ) ORDER BY p.period_start DESC, p.slug), '[]')
    FROM citizen_promise p WHERE p.municipality_id = m.code AND {_visible("p")}
      AND p.period_start <= make_date($3::int, 12, 31) AND (p.period_end IS NULL OR p.period_end >= make_date($3::int, 1, 1))),
  'serviceAgreements', (SELECT COALESCE(json_agg(json_build_object(
      'provider', s.provider, 'sinceLabel', s.since_label, 'services', s.services) ORDER BY s.slug), '[]')
    FROM service_agreement s WHERE s.municipality_id = m.code AND {_visible("s")}),
  'contacts', (SELECT COALESCE(json_agg(json_build_object('role', k.role, 'name', pe.name, 'email', pe.email,
      'phone', pe.phone) ORDER BY k.role, k.slug), '[]')
    FROM contact_municipality km JOIN contact k ON k.id = km.contact_id LEFT JOIN person pe ON pe.id = k.person_id
    WHERE km.municipality_id = m.code AND {_visible("k")})
) FROM municipality m WHERE m.code = $1)
"""

_IN_COUNTY = (
    "a.id IN (SELECT ap.agreement_id FROM agreement_party ap JOIN organisation o ON o.id = ap.organisation_id"
    " JOIN municipality m ON m.code = o.municipality_id WHERE m.county_id = $1)"
)
AGREEMENTS_IN_FORCE = f"""
SELECT json_build_object(
  'totalCount', (SELECT COUNT(*) FROM agreement a WHERE {_visible("a")} AND {_IN_COUNTY} AND {_active("a", "$2::date")}),
  'edges', (SELECT COALESCE(json_agg(json_build_object('node', json_build_object(
      'id', {_base64("'Agreement:' || a.slug")}, 'slug', a.slug, 'title', a.title,
      'period', CASE WHEN a.period_start IS NULL THEN NULL ELSE {_period("a")} END,
      'municipalities', (SELECT COALESCE(json_agg(json_build_object('code', m.code, 'name', m.name) ORDER BY ap.position),
          '[]') FROM agreement_party ap JOIN organisation o ON o.id = ap.organisation_id
          JOIN municipality m ON m.code = o.municipality_id WHERE ap.agreement_id = a.id),
      'parties', {_PARTIES})) ORDER BY {_NEWEST}), '[]')
    FROM (SELECT a.* FROM agreement a WHERE {_visible("a")} AND {_IN_COUNTY} AND {_active("a", "$2::date")}
      ORDER BY {_NEWEST} LIMIT 50) a))
"""

_REGIONAL_WHERE = (
    "FROM commitment c JOIN citizen_promise p ON p.id = c.citizen_promise_id JOIN municipality m ON m.code = p.municipality_id"
    " JOIN county co ON co.code = m.county_id LEFT JOIN police_unit r ON r.id = co.police_region_id"
    f" WHERE {_visible('p')} AND r.name = $1 AND p.period_start <= make_date($2::int, 12, 31)"
    " AND (p.period_end IS NULL OR p.period_end >= make_date($2::int, 1, 1))"
)
_CURSOR = _base64(
    "'[' || CAST(to_json(pg.period_start) AS text) || ',' || CAST(to_json(pg.slug) AS text) || ','"
    " || CAST(pg.document_order AS text) || ']'"
)
REGIONAL_LIST = f"""
WITH page AS (SELECT c.id, p.period_start, p.slug, c.document_order,
    ROW_NUMBER() OVER (ORDER BY p.period_start DESC, p.slug, c.document_order) AS n
  {_REGIONAL_WHERE} ORDER BY p.period_start DESC, p.slug, c.document_order LIMIT 101)
SELECT json_build_object(
  'totalCount', (SELECT COUNT(*) {_REGIONAL_WHERE}),
  'pageInfo', json_build_object('hasNextPage', (SELECT COUNT(*) FROM page) > 100,
    'endCursor', (SELECT {_CURSOR} FROM page pg WHERE pg.n <= 100 ORDER BY pg.n DESC LIMIT 1)),
  'edges', (SELECT COALESCE(json_agg(json_build_object('cursor', {_CURSOR}, 'node', json_build_object(
      'actor', c.actor, 'text', c.text,
      'topics', (SELECT COALESCE(json_agg(ct.topic_id ORDER BY ct.position), '[]') FROM commitment_topic ct
          WHERE ct.commitment_id = c.id),
      'citizenPromise', (SELECT json_build_object('title', p.title, 'municipality', (SELECT json_build_object(
          'code', m.code, 'name', m.name, 'county', (SELECT json_build_object('name', co.name) FROM county co
          WHERE co.code = m.county_id)) FROM municipality m WHERE m.code = p.municipality_id))
        FROM citizen_promise p WHERE p.id = c.citizen_promise_id),
      'followUpEntries', (SELECT COALESCE(json_agg(json_build_object('followUp', json_build_object('year', f.year))
          ORDER BY f.year, f.slug, e.position), '[]') FROM follow_up_entry_commitment fec
          JOIN follow_up_entry e ON e.id = fec.entry_id JOIN follow_up f ON f.id = e.follow_up_id
          WHERE fec.commitment_id = c.id AND {_visible("f")})
    )) ORDER BY pg.n), '[]') FROM page pg JOIN commitment c ON c.id = pg.id WHERE pg.n <= 100))
"""

# `node`: the fields the contract document asks of each type, the ID as asked for.
NODE = {
    "Agreement": f"SELECT json_build_object('id', $1::text, 'title', a.title) FROM agreement a"
    f" WHERE a.slug = $2 AND {_visible('a')}",
    "CitizenPromise": "SELECT json_build_object('id', $1::text, 'title', p.title, 'period',"
    f" json_build_object('label', p.period_label)) FROM citizen_promise p WHERE p.slug = $2 AND {_visible('p')}",
    "Commitment": "SELECT json_build_object('id', $1::text, 'actor', c.actor, 'text', c.text) FROM commitment c"
    " JOIN citizen_promise p ON p.id = c.citizen_promise_id"
    f" WHERE p.slug = split_part($2, '/', 1) AND c.key = split_part($2, '/', 2) AND {_visible('p')}",
    "FollowUp": "SELECT json_build_object('id', $1::text, 'year', f.year, 'title', f.title) FROM follow_up f"
    f" JOIN citizen_promise p ON p.id = f.citizen_promise_id WHERE f.slug = $2 AND {_visible('f')} AND {_visible('p')}",
    "Municipality": "SELECT json_build_object('id', $1::text, 'code', m.code, 'name', m.name) FROM municipality m"
    " WHERE m.code = $2",
}

pool: asyncpg.Pool | None = None


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


async def _answer(query: str, variables: dict[str, Any]) -> bytes:
    assert pool is not None
    if "MunicipalityPage" in query:
        code, today, year = variables["code"], _date(variables["today"]), variables["year"]
        value = await pool.fetchval(MUNICIPALITY_PAGE, code, today, year)
        return b'{"data":{"municipality":' + (value or "null").encode() + b"}}"
    if "AgreementsInForce" in query:
        value = await pool.fetchval(AGREEMENTS_IN_FORCE, variables["county"], _date(variables["on"]))
        return b'{"data":{"agreements":' + str(value).encode() + b"}}"
    if "RegionalCommitments" in query:
        value = await pool.fetchval(REGIONAL_LIST, variables["region"], variables["year"])
        return b'{"data":{"commitments":' + str(value).encode() + b"}}"
    if "query Node" in query:
        global_id = variables["id"]
        type_name, _, key = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode().partition(":")
        statement = NODE.get(type_name)
        value = await pool.fetchval(statement, global_id, key) if statement else None
        return b'{"data":{"node":' + (value or "null").encode() + b"}}"
    return b'{"data":{"__typename":"Query"}}'  # the readiness probe


async def graphql(request: Request) -> Response:
    body = orjson.loads(await request.body())
    return Response(await _answer(body["query"], body.get("variables") or {}), media_type="application/json")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global pool
    dsn = "postgresql://" + os.environ["DATABASE_URL"].split("://", 1)[1]
    pool = await asyncpg.create_pool(dsn, min_size=4, max_size=16)
    try:
        yield
    finally:
        await pool.close()


app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=False, log_level="warning")
