from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Optional

import strawberry
from strawberry.types import Info

from api.agreements.types import Agreement, Signatory
from api.context import Context
from api.core.content import ContentItem, Period, Section, content_fields, sections
from api.core.enums import described_enum
from api.core.loaders import Maybe, Row
from api.core.relations import declared_values, related
from api.core.relay import Node
from api.core.text import FormatArgument, Rendered, TextFormat, render, rendered
from api.geography.types import Area, Municipality
from api.people.types import Contact, Organisation, PrintedRole
from api.promises.filters import Actor
from models.enums import Interval as Interval  # re-exported: the API's enums
from models.enums import SuccessionKind as SuccessionKind
from models.enums import TargetQualifier as TargetQualifier

if TYPE_CHECKING:
    from api.followups.types import FollowUp, FollowUpEntry


described_enum(
    TargetQualifier,
    'How a target\'s quantity binds: EXACTLY ("sex"), AT_LEAST ("minst sex"), AT_MOST ("högst"), ABOUT ("cirka",'
    " met within ±10 %).",
    {
        "EXACTLY": 'Exactly the quantity ("sex trygghetsvandringar").',
        "AT_LEAST": 'At least the quantity ("minst sex", "inte färre än").',
        "AT_MOST": 'At most the quantity ("högst", "inom 48 timmar" as an upper bound).',
        "ABOUT": 'About the quantity ("cirka", "ett 30-tal"): within ±10 % is met.',
    },
)
described_enum(
    Interval,
    "The span a target's or a result's quantity counts over.",
    {
        "DAY": '"per dag": each day.',
        "WEEK": '"i veckan", "per vecka": each week.',
        "MONTH": '"per månad": each month.',
        "TERM": '"per termin": each school term.',
        "YEAR": '"under året", "per år": each year.',
        "PERIOD": "The whole period of the promise (or of the result).",
    },
)


described_enum(
    SuccessionKind,
    "How an item follows on from another, as printed.",
    {
        "CONTINUES": "A citizen promise continues (fortsätter) an earlier promise.",
        "REPLACES": "A citizen promise replaces (ersätter) an earlier promise.",
        "REPEATS": "A commitment repeats a commitment of an earlier period.",
        "ANNOUNCES": "A follow-up announces the next citizen promise.",
    },
)


@strawberry.type(description="A topic of the controlled vocabulary; Commitment.topics holds the keys.")
class Topic:
    key: str = strawberry.field(description='Stable key, e.g. "narkotika"; filters and Commitment.topics use it.')
    label: str = strawberry.field(description='In Swedish, for display, e.g. "Narkotika".')

    @classmethod
    def from_row(cls, row: Row) -> Topic:
        return cls(**declared_values(cls, row))


@strawberry.type(
    description='Who a citizen promise or a commitment is for, as printed ("ungdomar 13–17 år", "årskurs 8",'
    ' "seniorer"), with the ages or the school year (årskurs) when printed.'
)
class TargetGroup:
    label: str = strawberry.field(description='As printed, e.g. "ungdomar 13–17 år".')
    position: int = strawberry.field(description="Order within its promise or commitment, from 1.")
    age_from: int | None = strawberry.field(description='The lowest age printed (13 in "13–17 år"), if any.')
    age_to: int | None = strawberry.field(description='The highest age printed (17 in "13–17 år"), if any.')
    school_year: int | None = strawberry.field(
        description='Grundskolan\'s årskurs printed ("årskurs 8": 8; förskoleklass: 0), if any.'
    )

    @classmethod
    def from_row(cls, row: Row) -> TargetGroup:
        return cls(**declared_values(cls, row))


@strawberry.type(
    description="A typed link, as printed, to the item this one follows on from (or announces): the item when it"
    " is here and visible, else null, beside the printed reference."
)
class Succession:
    kind: SuccessionKind = strawberry.field(description="How this item follows on from the other (see SuccessionKind).")
    position: int = strawberry.field(description="Order among the item's succession links, from 1.")
    target: str = strawberry.field(
        description="The item named, as written: a citizen promise's slug, or `promise-slug#key` for a commitment."
    )
    reference: str | None = strawberry.field(
        description='The reference as printed, e.g. "Medborgarlöfte 2022"; null: none printed.'
    )
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> Succession:
        return cls(**declared_values(cls, row), row=row)

    @strawberry.field(
        description="The citizen promise named (CONTINUES, REPLACES, ANNOUNCES) when it is here and visible; null"
        " otherwise, and for REPEATS.",
        graphql_type=Optional["CitizenPromise"],
    )
    def citizen_promise(self, info: Info[Context, Any]) -> Maybe[CitizenPromise | None]:
        return related(info.context, "Succession", "citizenPromise", self.row)

    @strawberry.field(
        description="The commitment named (REPEATS) when it is here and its promise visible; null otherwise.",
        graphql_type=Optional["Commitment"],
    )
    def commitment(self, info: Info[Context, Any]) -> Maybe[Commitment | None]:
        return related(info.context, "Succession", "commitment", self.row)


@strawberry.type(description="Medborgarlöfte: what the parties promise the citizens of one municipality for a period.")
class CitizenPromise(ContentItem):
    title: str = strawberry.field(description='As printed, e.g. "Medborgarlöfte 2023–2024".')
    period: Period = strawberry.field(description="The period the promises are for (always known).")
    signed_on: dt.date | None = strawberry.field(
        description="The day the promise's parties signed it, when printed (a signatory may print its own)."
    )
    problem_picture_text: strawberry.Private[Rendered | None]
    section_list: strawberry.Private[list[Section]]

    @classmethod
    def from_row(cls, row: Row) -> CitizenPromise:
        period = Period.from_row(row)
        assert period is not None  # a citizen promise always has a period
        return cls(
            **declared_values(cls, row),
            **content_fields(row),
            period=period,
            problem_picture_text=rendered(row, "problem_picture"),
            section_list=sections(row),
        )

    @strawberry.field(
        description="Problembild / lägesbild: the local problems the promises answer, as the parties describe them."
    )
    def problem_picture(self, format: FormatArgument = TextFormat.MARKDOWN) -> str | None:
        return render(self.problem_picture_text, format)

    @strawberry.field(description="Further titled blocks of the document, in document order.")
    def sections(self) -> list[Section]:
        return self.section_list

    @strawberry.field(description="The kommun the promises are made to.", graphql_type=Municipality)
    def municipality(self, info: Info[Context, Any]) -> Maybe[Municipality]:
        return related(info.context, "CitizenPromise", "municipality", self.row)

    @strawberry.field(
        description="The area below the municipality the promise is for (a stadsdel, a tätort); null: the whole"
        " municipality.",
        graphql_type=Area | None,
    )
    def area(self, info: Info[Context, Any]) -> Maybe[Area | None]:
        return related(info.context, "CitizenPromise", "area", self.row)

    @strawberry.field(
        description="Who the promise as a whole is for, in the order printed (a commitment's own groups are on it).",
        graphql_type=list[TargetGroup],
    )
    def target_groups(self, info: Info[Context, Any]) -> Maybe[list[TargetGroup]]:
        return related(info.context, "CitizenPromise", "targetGroups", self.row)

    @strawberry.field(
        description="The promise's own parties as printed (a stadsdelsförvaltning, a lokalpolisområde), in the order"
        " printed; empty: none printed. Where printed they are the promise's sides; else its sides are its"
        " municipality and that municipality's local police area.",
        graphql_type=list[Organisation],
    )
    def parties(self, info: Info[Context, Any]) -> Maybe[list[Organisation]]:
        return related(info.context, "CitizenPromise", "parties", self.row)

    @strawberry.field(
        description="Who signed the promise, in the order printed; names are personal data (Person).",
        graphql_type=list[Signatory],
    )
    def signatories(self, info: Info[Context, Any]) -> Maybe[list[Signatory]]:
        return related(info.context, "CitizenPromise", "signatories", self.row)

    @strawberry.field(
        description='The roles that signed the promise without a person printed ("Kommunens'
        ' trygghetssamordnare"), in the order printed; the signatories with a name are in `signatories`.',
        graphql_type=list[PrintedRole],
    )
    def signing_roles(self, info: Info[Context, Any]) -> Maybe[list[PrintedRole]]:
        return related(info.context, "CitizenPromise", "signingRoles", self.row)

    @strawberry.field(
        description="The samverkansöverenskommelse it belongs under, if known and visible.",
        graphql_type=Agreement | None,
    )
    def agreement(self, info: Info[Context, Any]) -> Maybe[Agreement | None]:
        return related(info.context, "CitizenPromise", "agreement", self.row)

    @strawberry.field(description="In document order.", graphql_type=list["Commitment"])
    def commitments(
        self,
        info: Info[Context, Any],
        actor: Annotated[Actor | None, strawberry.argument(description="Only this actor's commitments.")] = None,
    ) -> Maybe[list[Commitment]]:
        return related(info.context, "CitizenPromise", "commitments", self.row, actor=actor)

    @strawberry.field(
        description="Its uppföljningar (follow-ups), oldest first.",
        graphql_type=list[Annotated["FollowUp", strawberry.lazy("api.followups.types")]],
    )
    def follow_ups(self, info: Info[Context, Any]) -> Maybe[list[FollowUp]]:
        return related(info.context, "CitizenPromise", "followUps", self.row)

    @strawberry.field(
        description="Whom the public can contact about the promises, as printed.", graphql_type=list[Contact]
    )
    def contacts(self, info: Info[Context, Any]) -> Maybe[list[Contact]]:
        return related(info.context, "CitizenPromise", "contacts", self.row)

    @strawberry.field(
        description='The contacts the promise prints as a role only, without a person ("kontakta kommunens'
        ' trygghetssamordnare"), in the order printed; the named contacts are in `contacts`.',
        graphql_type=list[PrintedRole],
    )
    def contact_roles(self, info: Info[Context, Any]) -> Maybe[list[PrintedRole]]:
        return related(info.context, "CitizenPromise", "contactRoles", self.row)

    @strawberry.field(
        description="The earlier promises it continues or replaces, in the order printed; empty: none printed.",
        graphql_type=list[Succession],
    )
    def succession(self, info: Info[Context, Any]) -> Maybe[list[Succession]]:
        return related(info.context, "CitizenPromise", "succession", self.row)


@strawberry.type(
    description="One löfte: a single commitment by one actor inside a medborgarlöfte. (Not named Promise: that"
    " name collides with the Promise type of every JavaScript client.)"
)
class Commitment(Node):
    key: str = strawberry.field(description='Stable within its citizen promise, e.g. "polis-1"; links use it.')
    actor: Actor = strawberry.field(description="Whose promise it is: the kommun, the police, or both together.")
    actor_label: str | None = strawberry.field(description='The heading as printed, e.g. "Polisen lovar att".')
    number: str | None = strawberry.field(
        description='The list\'s printed numbering, e.g. "1." or "2 a)"; null: the document numbers none.'
    )
    text: str = strawberry.field(description="What is promised, as printed.")
    position: int = strawberry.field(description="Order inside its actor group, from 1.")
    document_order: int = strawberry.field(description="Order in the document across all actors, from 1.")
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> Commitment:
        return cls(**declared_values(cls, row), node_key=row["node_key"], row=row)

    @strawberry.field(
        description='Two levels: the joint statement this activity stands under ("Kommunen och polisen lovar att'
        ' minska narkotikabrotten" above "Det ska vi göra genom att …"), of the same citizen promise; null: none.',
        graphql_type=Optional["Commitment"],
    )
    def parent(self, info: Info[Context, Any]) -> Maybe[Commitment | None]:
        return related(info.context, "Commitment", "parent", self.row)

    @strawberry.field(
        description="The activities under this joint statement, in document order; empty: none. Statistics count"
        " a statement with activities through them, never as well as them.",
        graphql_type=list["Commitment"],
    )
    def activities(self, info: Info[Context, Any]) -> Maybe[list[Commitment]]:
        return related(info.context, "Commitment", "activities", self.row)

    @strawberry.field(
        description='Who the commitment is for, in the order printed ("årskurs 7"); empty: none printed.',
        graphql_type=list[TargetGroup],
    )
    def target_groups(self, info: Info[Context, Any]) -> Maybe[list[TargetGroup]]:
        return related(info.context, "Commitment", "targetGroups", self.row)

    @strawberry.field(
        description="The area the commitment names (a centre, a street, a school, a station); null: its citizen"
        " promise's area (see CitizenPromise.area). Statistics count a commitment in its own area, else its"
        " promise's.",
        graphql_type=Area | None,
    )
    def area(self, info: Info[Context, Any]) -> Maybe[Area | None]:
        return related(info.context, "Commitment", "area", self.row)

    @strawberry.field(
        description='Topic keys, e.g. "narkotika", "trafik", "trygghetsvandring".', graphql_type=list[str]
    )
    def topics(self, info: Info[Context, Any]) -> Maybe[list[str]]:
        return related(info.context, "Commitment", "topics", self.row)

    @strawberry.field(description="Organisations the commitment names as taking part.", graphql_type=list[Organisation])
    def partners(self, info: Info[Context, Any]) -> Maybe[list[Organisation]]:
        return related(info.context, "Commitment", "partners", self.row)

    @strawberry.field(
        description="Organisations that do the work (actor OTHER names at least one): a housing company, a rescue"
        " service, a school. Distinct from `partners`, which take part.",
        graphql_type=list[Organisation],
    )
    def performed_by(self, info: Info[Context, Any]) -> Maybe[list[Organisation]]:
        return related(info.context, "Commitment", "performedBy", self.row)

    @strawberry.field(
        description="Measurable targets the commitment prints, in the order printed.", graphql_type=list["Target"]
    )
    def targets(self, info: Info[Context, Any]) -> Maybe[list[Target]]:
        return related(info.context, "Commitment", "targets", self.row)

    @strawberry.field(description="The medborgarlöfte it is part of.", graphql_type=CitizenPromise)
    def citizen_promise(self, info: Info[Context, Any]) -> Maybe[CitizenPromise]:
        return related(info.context, "Commitment", "citizenPromise", self.row)

    @strawberry.field(
        description="The visible follow-up entries reporting on it, oldest follow-up first.",
        graphql_type=list[Annotated["FollowUpEntry", strawberry.lazy("api.followups.types")]],
    )
    def follow_up_entries(self, info: Info[Context, Any]) -> Maybe[list[FollowUpEntry]]:
        return related(info.context, "Commitment", "followUpEntries", self.row)

    @strawberry.field(
        description="The commitments of earlier periods it repeats, in the order printed; empty: none printed.",
        graphql_type=list[Succession],
    )
    def succession(self, info: Info[Context, Any]) -> Maybe[list[Succession]]:
        return related(info.context, "Commitment", "succession", self.row)


@strawberry.type(
    description='A measurable target inside a commitment: "minst sex trygghetsvandringar under året" is quantity 6,'
    ' AT_LEAST, counted "trygghetsvandringar", interval YEAR. FollowUp.targetStatuses compares it with results.'
)
class Target:
    key: str = strawberry.field(description="Unique within its citizen promise; follow-up results name it.")
    position: int = strawberry.field(description="Order within its commitment, from 1.")
    quantity: float | None = strawberry.field(description="Null: the target counts nothing (no number printed).")
    qualifier: TargetQualifier = strawberry.field(description="How the quantity binds (see TargetQualifier).")
    counted: str = strawberry.field(description='What is counted, e.g. "trygghetsvandringar".')
    interval: Interval | None = strawberry.field(description="Null: over the promise's period, or by the deadline.")
    deadline: dt.date | None = strawberry.field(description='A date printed instead of an interval ("senast …").')
    phrase: str = strawberry.field(description='The words printed, e.g. "minst sex trygghetsvandringar under året".')
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> Target:
        return cls(**declared_values(cls, row), row=row)

    @strawberry.field(description="The commitment the target is part of.", graphql_type=Commitment)
    def commitment(self, info: Info[Context, Any]) -> Maybe[Commitment]:
        return related(info.context, "Target", "commitment", self.row)
