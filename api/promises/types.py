from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from api.agreements.loaders import AgreementByIdLoader
from api.agreements.types import Agreement
from api.context import Context
from api.core.content import ContentItem, Period, Section, content_fields, sections
from api.core.loaders import Row
from api.core.relay import Node, to_global_id
from api.core.text import TextFormat, render
from api.geography.types import Municipality
from api.people.loaders import ContactsByCitizenPromiseLoader
from api.people.types import Contact, Organisation, municipality
from api.promises.filters import Actor
from api.promises.loaders import (
    CitizenPromiseByIdLoader,
    CommitmentsByCitizenPromiseLoader,
    PartnersByCommitmentLoader,
    TopicsByCommitmentLoader,
)

if TYPE_CHECKING:
    from api.followups.types import FollowUp, FollowUpEntry


@strawberry.type(description="A topic of the controlled vocabulary; Commitment.topics holds the keys.")
class Topic:
    key: str
    label: str


@strawberry.type(description="Medborgarlöfte: what the parties promise the citizens of one municipality for a period.")
class CitizenPromise(ContentItem):
    title: str
    period: Period
    municipality_code: strawberry.Private[str]
    agreement_id: strawberry.Private[int | None]
    problem_picture_markdown: strawberry.Private[str | None]
    section_data: strawberry.Private[list[dict[str, Any]]]

    @classmethod
    def from_row(cls, row: Row) -> CitizenPromise:
        period = Period.from_row(row)
        assert period is not None  # a citizen promise always has a period
        return cls(
            **content_fields("CitizenPromise", row),
            title=row["title"],
            period=period,
            municipality_code=row["municipality_id"],
            agreement_id=row["agreement_id"],
            problem_picture_markdown=row["problem_picture"],
            section_data=row["sections"],
        )

    @strawberry.field(description="Problembild / lägesbild.")
    def problem_picture(self, format: TextFormat | None = TextFormat.MARKDOWN) -> str | None:
        return render(self.problem_picture_markdown, format)

    @strawberry.field
    def sections(self) -> list[Section]:
        return sections(self.section_data)

    @strawberry.field
    async def municipality(self, info: Info[Context, Any]) -> Municipality:
        found = await municipality(info, self.municipality_code)
        assert found is not None  # a foreign key guarantees it
        return found

    @strawberry.field
    async def agreement(self, info: Info[Context, Any]) -> Agreement | None:
        if self.agreement_id is None:
            return None
        row = await AgreementByIdLoader.of(info).load(self.agreement_id)
        return Agreement.from_row(row) if row else None

    @strawberry.field(description="In document order.")
    async def commitments(self, info: Info[Context, Any], actor: Actor | None = None) -> list[Commitment]:
        key = (self.pk, actor.value if actor else None)
        return [Commitment.from_row(row) for row in await CommitmentsByCitizenPromiseLoader.of(info).load(key)]

    @strawberry.field(description="Oldest first.")
    async def follow_ups(
        self, info: Info[Context, Any]
    ) -> list[Annotated[FollowUp, strawberry.lazy("api.followups.types")]]:
        from api.followups.loaders import FollowUpsByCitizenPromiseLoader
        from api.followups.types import FollowUp

        return [FollowUp.from_row(row) for row in await FollowUpsByCitizenPromiseLoader.of(info).load(self.pk)]

    @strawberry.field
    async def contacts(self, info: Info[Context, Any]) -> list[Contact]:
        return [Contact.from_row(row) for row in await ContactsByCitizenPromiseLoader.of(info).load(self.pk)]


@strawberry.type(
    description="One löfte: a single commitment by one actor inside a medborgarlöfte. (Not named Promise: that"
    " name collides with the Promise type of every JavaScript client.)"
)
class Commitment(Node):
    key: str = strawberry.field(description='Stable within its citizen promise, e.g. "polis-1"; links use it.')
    actor: Actor
    actor_label: str | None = strawberry.field(description='The heading as printed, e.g. "Polisen lovar att".')
    text: str
    position: int = strawberry.field(description="Order inside its actor group, from 1.")
    document_order: int = strawberry.field(description="Order in the document across all actors, from 1.")
    pk: strawberry.Private[int]
    citizen_promise_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Row) -> Commitment:
        return cls(
            id=to_global_id("Commitment", f"{row['citizen_promise__slug']}/{row['key']}"),
            key=row["key"],
            actor=Actor(row["actor"]),
            actor_label=row["actor_label"],
            text=row["text"],
            position=row["position"],
            document_order=row["document_order"],
            pk=row["id"],
            citizen_promise_id=row["citizen_promise_id"],
        )

    @strawberry.field(description='Topic keys, e.g. "narkotika", "trafik", "trygghetsvandring".')
    async def topics(self, info: Info[Context, Any]) -> list[str]:
        return [row["topic_id"] for row in await TopicsByCommitmentLoader.of(info).load(self.pk)]

    @strawberry.field(description="Organisations the commitment names as taking part.")
    async def partners(self, info: Info[Context, Any]) -> list[Organisation]:
        return [Organisation.from_row(row) for row in await PartnersByCommitmentLoader.of(info).load(self.pk)]

    @strawberry.field
    async def citizen_promise(self, info: Info[Context, Any]) -> CitizenPromise:
        row = await CitizenPromiseByIdLoader.of(info).load(self.citizen_promise_id)
        assert row is not None  # commitments are only read through visible promises
        return CitizenPromise.from_row(row)

    @strawberry.field
    async def follow_up_entries(
        self, info: Info[Context, Any]
    ) -> list[Annotated[FollowUpEntry, strawberry.lazy("api.followups.types")]]:
        from api.followups.loaders import EntriesByCommitmentLoader
        from api.followups.types import FollowUpEntry

        return [FollowUpEntry.from_row(row) for row in await EntriesByCommitmentLoader.of(info).load(self.pk)]
