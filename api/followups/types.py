from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.content import ContentItem, Period, content_fields
from api.core.loaders import Row
from api.core.text import TextFormat, render
from api.followups.loaders import CommitmentsByEntryLoader, EntriesByFollowUpLoader, FollowUpByIdLoader
from api.promises.loaders import CitizenPromiseByIdLoader
from api.promises.types import CitizenPromise, Commitment
from models.enums import Assessment as Assessment  # re-exported: the API's enum

# The model's enum is the GraphQL enum too, so the values are listed once.
strawberry.enum(
    Assessment,
    description="Editorial judgement, in a follow-up entry, of how far the commitments it reports on were kept.",
)


@strawberry.type(description="Uppföljning: what was done, for one follow-up period of a medborgarlöfte.")
class FollowUp(ContentItem):
    title: str
    year: int = strawberry.field(description="The calendar year it reports on (the last one, if several).")
    period: Period | None = strawberry.field(description="When it covers something else than one calendar year.")
    citizen_promise_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Row) -> FollowUp:
        return cls(
            **content_fields("FollowUp", row),
            title=row["title"],
            year=row["year"],
            period=Period.from_row(row),
            citizen_promise_id=row["citizen_promise_id"],
        )

    @strawberry.field
    async def citizen_promise(self, info: Info[Context, Any]) -> CitizenPromise:
        row = await CitizenPromiseByIdLoader.of(info).load(self.citizen_promise_id)
        assert row is not None  # follow-ups are only visible with their citizen promise
        return CitizenPromise.from_row(row)

    @strawberry.field(description="In document order.")
    async def entries(self, info: Info[Context, Any]) -> list[FollowUpEntry]:
        return [FollowUpEntry.from_row(row) for row in await EntriesByFollowUpLoader.of(info).load(self.pk)]


@strawberry.type(
    description="One narrative block of a follow-up, tied to the commitments it reports on (none: work beyond them)."
)
class FollowUpEntry:
    assessment: Assessment = strawberry.field(description="NOT_ASSESSED unless an editor set it.")
    position: int
    pk: strawberry.Private[int]
    follow_up_id: strawberry.Private[int]
    narrative_markdown: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: Row) -> FollowUpEntry:
        return cls(
            assessment=Assessment(row["assessment"]),
            position=row["position"],
            pk=row["id"],
            follow_up_id=row["follow_up_id"],
            narrative_markdown=row["narrative"],
        )

    @strawberry.field
    def narrative(self, format: TextFormat | None = TextFormat.MARKDOWN) -> str:
        return render(self.narrative_markdown, format) or ""

    @strawberry.field
    async def commitments(self, info: Info[Context, Any]) -> list[Commitment]:
        return [Commitment.from_row(row) for row in await CommitmentsByEntryLoader.of(info).load(self.pk)]

    @strawberry.field
    async def follow_up(self, info: Info[Context, Any]) -> FollowUp:
        row = await FollowUpByIdLoader.of(info).load(self.follow_up_id)
        assert row is not None  # entries are only read through visible follow-ups
        return FollowUp.from_row(row)
