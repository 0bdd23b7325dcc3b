"""The GraphQL types of search: what to look in, and a ranked hit with its snippet."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from api.agreements.types import Agreement
from api.core.enums import described_enum
from api.followups.types import FollowUp
from api.geography.filters import COUNTY_CODE, MUNICIPALITY_CODE, POLICE_REGION
from api.promises.types import CitizenPromise, Commitment
from models.search import index


class SearchType(Enum):
    AGREEMENT = index.AGREEMENT
    CITIZEN_PROMISE = index.CITIZEN_PROMISE
    COMMITMENT = index.COMMITMENT
    FOLLOW_UP = index.FOLLOW_UP


# Described here rather than with strawberry.enum_value, which would type `.value` (the index's kind)
# as an EnumValueDefinition.
described_enum(
    SearchType,
    "The kinds of content search looks in.",
    {
        "AGREEMENT": "Samverkansöverenskommelser (agreements).",
        "CITIZEN_PROMISE": "Medborgarlöften (citizen promises).",
        "COMMITMENT": "Single commitments (löften) of medborgarlöften.",
        "FOLLOW_UP": "Uppföljningar (follow-ups).",
    },
)


@strawberry.input(description="Filters combine with AND.")
class SearchFilter:
    municipality_code: str | None = strawberry.field(
        default=None, description=MUNICIPALITY_CODE + " An agreement matches each municipality party to it."
    )
    county_code: str | None = strawberry.field(default=None, description=COUNTY_CODE)
    police_region: str | None = strawberry.field(default=None, description=POLICE_REGION)
    types: list[SearchType] | None = strawberry.field(default=None, description="Null: every type.")


SearchHit = Annotated[
    Agreement | CitizenPromise | Commitment | FollowUp,
    strawberry.union("SearchHit", description="What a search found: one of the kinds of content it looks in."),
]


@strawberry.type(description="One search hit, best first.")
class SearchResult:
    hit: SearchHit = strawberry.field(description="The matching item.")
    snippet: str = strawberry.field(description="HTML-escaped text around the match, the matched words in <mark>.")
    score: float = strawberry.field(description="Relevance; higher is better. Comparable within one search only.")
