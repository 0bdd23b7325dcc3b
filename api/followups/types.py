from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.content import ContentItem, Period, content_fields
from api.core.enums import described_enum
from api.core.loaders import Maybe, Row, each, required
from api.core.text import FormatArgument, TextFormat, render
from api.followups.loaders import CommitmentsByEntryLoader, EntriesByFollowUpLoader, FollowUpByIdLoader
from api.promises.loaders import CitizenPromiseByIdLoader
from api.promises.types import CitizenPromise, Commitment
from models.enums import Assessment as Assessment  # re-exported: the API's enum

# The model's enum is the GraphQL enum too, so the values are listed once.
described_enum(
    Assessment,
    "Editorial judgement, in a follow-up entry, of how far the commitments it reports on were kept.",
    {
        "FULFILLED": "Uppfyllt: kept.",
        "PARTLY_FULFILLED": "Delvis uppfyllt: partly kept.",
        "NOT_FULFILLED": "Ej uppfyllt: not kept.",
        "NOT_ASSESSED": "Ej bedömt: the follow-up reports on it without judging how far it was kept.",
    },
)


@strawberry.type(description="Uppföljning: what was done, for one follow-up period of a medborgarlöfte.")
class FollowUp(ContentItem):
    title: str = strawberry.field(description='As printed, e.g. "Uppföljning medborgarlöfte 2023".')
    year: int = strawberry.field(description="The calendar year it reports on (the last one, if several).")
    period: Period | None = strawberry.field(description="When it covers something else than one calendar year.")
    citizen_promise_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Row) -> FollowUp:
        return cls(
            **content_fields(row),
            title=row["title"],
            year=row["year"],
            period=Period.from_row(row),
            citizen_promise_id=row["citizen_promise_id"],
        )

    @strawberry.field(description="The medborgarlöfte it follows up.", graphql_type=CitizenPromise)
    def citizen_promise(self, info: Info[Context, Any]) -> Maybe[CitizenPromise]:
        # Follow-ups are only visible with their citizen promise.
        return CitizenPromiseByIdLoader.of(info).resolve(self.citizen_promise_id, required(CitizenPromise.from_row))

    @strawberry.field(description="In document order.", graphql_type=list["FollowUpEntry"])
    def entries(self, info: Info[Context, Any]) -> Maybe[list[FollowUpEntry]]:
        return EntriesByFollowUpLoader.of(info).resolve(self.pk, each(FollowUpEntry.from_row))


@strawberry.type(
    description="One narrative block of a follow-up, tied to the commitments it reports on (none: work beyond them)."
)
class FollowUpEntry:
    assessment: Assessment = strawberry.field(description="NOT_ASSESSED unless an editor set it.")
    position: int = strawberry.field(description="Order in the follow-up, from 1.")
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

    @strawberry.field(description="What was done, as written (Markdown as stored, or as `format` asks).")
    def narrative(self, format: FormatArgument = TextFormat.MARKDOWN) -> str:
        return render(self.narrative_markdown, format) or ""

    @strawberry.field(
        description="The commitments of the same citizen promise it reports on, in the order listed; empty: work"
        " beyond them.",
        graphql_type=list[Commitment],
    )
    def commitments(self, info: Info[Context, Any]) -> Maybe[list[Commitment]]:
        return CommitmentsByEntryLoader.of(info).resolve(self.pk, each(Commitment.from_row))

    @strawberry.field(description="The uppföljning it is part of.", graphql_type=FollowUp)
    def follow_up(self, info: Info[Context, Any]) -> Maybe[FollowUp]:
        # Entries are only read through visible follow-ups.
        return FollowUpByIdLoader.of(info).resolve(self.follow_up_id, required(FollowUp.from_row))
