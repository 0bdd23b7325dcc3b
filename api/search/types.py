"""The GraphQL types of search: what to look in, and a ranked hit with its snippet."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from api.agreements.types import Agreement
from api.followups.types import FollowUp
from api.promises.types import CitizenPromise, Commitment
from api.search import index


@strawberry.enum(description="The kinds of content search looks in.")
class SearchType(Enum):
    AGREEMENT = index.AGREEMENT
    CITIZEN_PROMISE = index.CITIZEN_PROMISE
    COMMITMENT = index.COMMITMENT
    FOLLOW_UP = index.FOLLOW_UP


@strawberry.input(description="Filters combine with AND.")
class SearchFilter:
    municipality_code: str | None = strawberry.field(
        default=None, description='Kommunkod, e.g. "1471"; an agreement matches each municipality party to it.'
    )
    county_code: str | None = strawberry.field(default=None, description='Two digits, e.g. "14".')
    police_region: str | None = strawberry.field(
        default=None, description='The region\'s name as the police write it ("Väst", "Nord", "Stockholm").'
    )
    types: list[SearchType] | None = strawberry.field(default=None, description="Null: every type.")


SearchHit = Annotated[Agreement | CitizenPromise | Commitment | FollowUp, strawberry.union("SearchHit")]


@strawberry.type(description="One search hit, best first.")
class SearchResult:
    hit: SearchHit
    snippet: str = strawberry.field(description="HTML-escaped text around the match, the matched words in <mark>.")
    score: float = strawberry.field(description="Relevance; higher is better. Comparable within one search only.")
