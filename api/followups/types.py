from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.agreements.types import Signatory
from api.context import Context
from api.core.content import ContentItem, Period, content_fields
from api.core.enums import described_enum
from api.core.loaders import Maybe, Row
from api.core.relations import declared_values, related
from api.core.text import FormatArgument, Rendered, TextFormat, render
from api.people.types import PrintedRole
from api.promises.filters import Actor
from api.promises.types import CitizenPromise, Commitment, Interval, Succession, Target
from models.enums import Assessment as Assessment  # re-exported: the API's enum
from models.enums import FollowUpSpan as FollowUpSpan
from models.enums import TargetStatus as TargetStatus

# The derived status, as the view target_status computes it (models/migrations/0010_targets_results.py).
TARGET_STATUS_TABLE = (
    "A target's status for one follow-up, derived from the results linked to it (distinct from an entry's"
    " editorial `assessment`). NOT_REPORTED: no result of the follow-up is linked to the target."
    " NOT_COMPARABLE: the target or a linked result has no quantity, what they count differs, or their"
    " intervals differ (e.g. a per-term target against a yearly result). Otherwise the linked results'"
    " quantities, added up, against the target's, by its qualifier: EXACTLY: equal MET, above EXCEEDED, below"
    " MISSED; AT_LEAST: at or above MET (above: EXCEEDED), below MISSED; AT_MOST: at or below MET, above"
    ' MISSED; ABOUT: within ±10 % MET, above EXCEEDED, below MISSED. Approximate results ("ett 20-tal")'
    " compare by their stated number, and `approximate` says so."
)

# The model's enum is the GraphQL enum too, so the values are listed once.
described_enum(
    TargetStatus,
    TARGET_STATUS_TABLE,
    {
        "NOT_REPORTED": "No result of the follow-up is linked to the target.",
        "NOT_COMPARABLE": (
            "The target or a linked result has no quantity, what they count differs, or their intervals differ."
        ),
        "MET": "Kept, by the target's qualifier (see the type's description).",
        "EXCEEDED": "More than the target (EXACTLY, AT_LEAST, ABOUT beyond +10 %).",
        "MISSED": "Less than the target (EXACTLY, AT_LEAST, ABOUT below −10 %), or above an AT_MOST bound.",
    },
)
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


described_enum(
    FollowUpSpan,
    "What part of its year a follow-up reports on.",
    {
        "YEAR": "The whole year (årsuppföljning).",
        "HALF_YEAR": "A halvår: spanNumber 1 (January–June) or 2 (July–December).",
        "TERTIAL": "A tertial, a third of the year: spanNumber 1 to 3 (January–April, May–August, September–December).",
    },
)


@strawberry.type(description="Uppföljning: what was done, for one follow-up period of a medborgarlöfte.")
class FollowUp(ContentItem):
    title: str = strawberry.field(description='As printed, e.g. "Uppföljning medborgarlöfte 2023".')
    year: int = strawberry.field(description="The calendar year it reports on (the last one, if several).")
    span: FollowUpSpan = strawberry.field(description="Per year, or per halvår or tertial of `year`.")
    span_number: int | None = strawberry.field(
        description="Which halvår (1–2) or tertial (1–3) of the year; null for a yearly follow-up."
    )
    period: Period | None = strawberry.field(description="When it covers something else than one calendar year.")

    @classmethod
    def from_row(cls, row: Row) -> FollowUp:
        return cls(**declared_values(cls, row), **content_fields(row), period=Period.from_row(row))

    @strawberry.field(description="The medborgarlöfte it follows up.", graphql_type=CitizenPromise)
    def citizen_promise(self, info: Info[Context, Any]) -> Maybe[CitizenPromise]:
        return related(info.context, "FollowUp", "citizenPromise", self.row)

    @strawberry.field(
        description="Every target of the promise's commitments, in document order, with its derived status for this"
        " follow-up (see TargetStatus for the table).",
        graphql_type=list["TargetStatusReport"],
    )
    def target_statuses(self, info: Info[Context, Any]) -> Maybe[list[TargetStatusReport]]:
        return related(info.context, "FollowUp", "targetStatuses", self.row)

    @strawberry.field(
        description="Who wrote and signed it, as printed (a kommunpolis); null: not printed. The name is personal"
        " data (Person).",
        graphql_type=Signatory | None,
    )
    def author(self, info: Info[Context, Any]) -> Maybe[Signatory | None]:
        return related(info.context, "FollowUp", "author", self.row)

    @strawberry.field(
        description='Who signed it when it prints a role without a person ("Kommunpolisen i Götene"); null: no'
        " such role printed (a named author is in `author`, and a follow-up has at most one of the two).",
        graphql_type=PrintedRole | None,
    )
    def author_role(self, info: Info[Context, Any]) -> Maybe[PrintedRole | None]:
        return related(info.context, "FollowUp", "authorRole", self.row)

    @strawberry.field(description="In document order.", graphql_type=list["FollowUpEntry"])
    def entries(self, info: Info[Context, Any]) -> Maybe[list[FollowUpEntry]]:
        return related(info.context, "FollowUp", "entries", self.row)

    @strawberry.field(
        description="The next promise it announces, in the order printed; empty: none printed.",
        graphql_type=list[Succession],
    )
    def succession(self, info: Info[Context, Any]) -> Maybe[list[Succession]]:
        return related(info.context, "FollowUp", "succession", self.row)


@strawberry.type(
    description="One narrative block of a follow-up, tied to the commitments it reports on (none: work beyond them)."
)
class FollowUpEntry:
    assessment: Assessment = strawberry.field(description="NOT_ASSESSED unless an editor set it.")
    position: int = strawberry.field(description="Order in the follow-up, from 1.")
    heading: str | None = strawberry.field(
        description='The heading of the section it stands in, as printed ("Polisens uppföljning"); null: none.'
    )
    actor: Actor | None = strawberry.field(
        description="The actor the entry speaks for (one the promise's commitments have); null: not one actor."
    )
    row: strawberry.Private[Row]
    narrative_text: strawberry.Private[Rendered]

    @classmethod
    def from_row(cls, row: Row) -> FollowUpEntry:
        narrative = Rendered(row["narrative"], row["narrative_html"], row["narrative_plain"])
        return cls(**declared_values(cls, row), row=row, narrative_text=narrative)

    @strawberry.field(description="What was done, as written (Markdown as stored, or as `format` asks).")
    def narrative(self, format: FormatArgument = TextFormat.MARKDOWN) -> str:
        return render(self.narrative_text, format) or ""

    @strawberry.field(
        description="The commitments of the same citizen promise it reports on, in the order listed; empty: work"
        " beyond them.",
        graphql_type=list[Commitment],
    )
    def commitments(self, info: Info[Context, Any]) -> Maybe[list[Commitment]]:
        return related(info.context, "FollowUpEntry", "commitments", self.row)

    @strawberry.field(description="The uppföljning it is part of.", graphql_type=FollowUp)
    def follow_up(self, info: Info[Context, Any]) -> Maybe[FollowUp]:
        return related(info.context, "FollowUpEntry", "followUp", self.row)

    @strawberry.field(
        description="Counted results the entry prints, in the order printed.", graphql_type=list["FollowUpResult"]
    )
    def results(self, info: Info[Context, Any]) -> Maybe[list[FollowUpResult]]:
        return related(info.context, "FollowUpEntry", "results", self.row)


@strawberry.type(
    description='A counted result a follow-up prints: "ett 20-tal skolbesök" is quantity 20, approximate, counted'
    ' "skolbesök". It may report on a target of the same citizen promise, or on none.'
)
class FollowUpResult:
    position: int = strawberry.field(description="Order within its entry, from 1.")
    quantity: float | None = strawberry.field(description="Null: no number printed.")
    approximate: bool = strawberry.field(description='The number is approximate ("ett 20-tal", "cirka").')
    counted: str = strawberry.field(description='What is counted, e.g. "skolbesök".')
    interval: Interval | None = strawberry.field(description='The span the number counts over ("under året": YEAR).')
    period: Period | None = strawberry.field(description="The dates it covers, when printed.")
    phrase: str = strawberry.field(description="The words printed.")
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> FollowUpResult:
        return cls(**declared_values(cls, row), period=Period.from_row(row), row=row)

    @strawberry.field(description="The target it reports on, if any.", graphql_type=Target | None)
    def target(self, info: Info[Context, Any]) -> Maybe[Target | None]:
        return related(info.context, "FollowUpResult", "target", self.row)


@strawberry.type(description="A target with its derived status for one follow-up (see TargetStatus for the table).")
class TargetStatusReport:
    status: TargetStatus = strawberry.field(description="The target's derived status for this follow-up.")
    reported_quantity: float | None = strawberry.field(
        description="The linked results' quantities added up; null when none is linked or none has a quantity."
    )
    approximate: bool = strawberry.field(description="A linked result is approximate: compared by its stated number.")
    results: int = strawberry.field(description="How many of the follow-up's results are linked to the target.")
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> TargetStatusReport:
        return cls(**{**declared_values(cls, row), "results": int(row["results"])}, row=row)

    @strawberry.field(description="The target of the promise the status is of.", graphql_type=Target)
    def target(self, info: Info[Context, Any]) -> Maybe[Target]:
        return related(info.context, "TargetStatusReport", "target", self.row)
