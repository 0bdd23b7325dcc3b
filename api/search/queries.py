"""`search(query, filter, first, after)`: ranked, filtered, paged search in Swedish."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from api.agreements.types import Agreement
from api.context import Context
from api.core import inputs
from api.core.inputs import BadInput
from api.core.relations import by_id
from api.core.relay import After, Connection, First, connection, encode_cursor, page_request
from api.followups.types import FollowUp
from api.promises.types import CitizenPromise, Commitment
from api.search.finder import Criteria, Match, find
from api.search.types import SearchFilter, SearchResult
from models.search import index
from models.search.analysis import query_terms, snippet

# More words than this rarely match anything together, and each is a prefix scan.
MAX_TERMS = 20


QUERY_REFUSED = {"code": inputs.BAD_USER_INPUT, "argument": "query"}


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description="Search in Swedish across published agreements, citizen promises, commitments and follow-ups,"
        " best match first. Every word must match, as a word or as the start of one (so inflections and"
        ' compounds match: "narkotika" finds "narkotikabrott"). A query of only stop words finds nothing.'
    )
    async def search(
        self,
        info: Info[Context, Any],
        query: Annotated[
            str, strawberry.argument(description="The words to look for, at most 500 characters and 20 words.")
        ],
        filter: Annotated[SearchFilter | None, strawberry.argument(description="None: no filter.")] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[SearchResult]:
        settings = info.context.settings
        limit = settings.max_search_query_length
        if len(query) > limit:
            raise GraphQLError(
                f"The search query is too long: {len(query):,} characters, at most {limit:,} are allowed.",
                extensions=QUERY_REFUSED,
            )
        inputs.check(query=query, filter=filter)
        if len(query_terms(query)) > MAX_TERMS:
            raise GraphQLError(
                f"The search query has too many words: at most {MAX_TERMS} are searched for.", extensions=QUERY_REFUSED
            )
        request = page_request(first, after, default=settings.default_page_size, maximum=settings.max_page_size, keys=1)
        offset = _offset(request.after)
        criteria = Criteria(
            query=query,
            kinds=[kind.value for kind in filter.types] if filter and filter.types is not None else None,
            municipality_code=filter.municipality_code if filter else None,
            county_code=filter.county_code if filter else None,
            police_region=filter.police_region if filter else None,
        )
        context = info.context
        found = await find(
            criteria,
            now=context.now,
            preview=context.sees_everything,
            drafts_of=context.drafts_of,
            first=request.first,
            offset=offset,
        )
        hits = await asyncio.gather(*(_hit(info, match) for match in found.matches))
        results = []
        cursors = []
        for position, (match, hit) in enumerate(zip(found.matches, hits, strict=True), start=offset + 1):
            if hit is None:
                continue  # gone between the two reads
            results.append(
                SearchResult(hit=hit, snippet=snippet([match.body, match.title], found.terms), score=match.score)
            )
            cursors.append(encode_cursor([position]))
        has_next = offset + len(found.matches) < found.total
        return connection(results, cursors, request=request, has_next=has_next, total=found.total)


def _offset(after: list[Any] | None) -> int:
    """Cursors hold the position of a hit in the ranking: scores depend on corpus-wide
    statistics, so a keyset on them is no steadier than a position."""
    if after is None:
        return 0
    position = after[0]
    if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position < 2**31:
        raise BadInput("after", "is not a cursor this search gave out")
    return position


async def _hit(info: Info[Context, Any], match: Match) -> Agreement | CitizenPromise | Commitment | FollowUp | None:
    found: Agreement | CitizenPromise | Commitment | FollowUp | None = await by_id(
        info.context, _TYPES[match.kind], match.item_id
    )
    return found


# The GraphQL type of each kind of search document.
_TYPES = {
    index.AGREEMENT: "Agreement",
    index.CITIZEN_PROMISE: "CitizenPromise",
    index.COMMITMENT: "Commitment",
    index.FOLLOW_UP: "FollowUp",
}
