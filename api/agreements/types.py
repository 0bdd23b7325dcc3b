from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Optional

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.content import ContentItem, Period, Section, content_fields, sections
from api.core.enums import described_enum
from api.core.loaders import Maybe, Row
from api.core.relations import declared_values, related
from api.geography.types import Municipality
from api.people.types import Organisation, Person, PrintedRole
from models.enums import FollowUpForm as FollowUpForm  # re-exported: the API's enum

if TYPE_CHECKING:
    from api.promises.types import CitizenPromise


# The roles of the sections `governance` lists (api/agreements/reads.py filters by them too).
GOVERNANCE_ROLES = ("GOVERNANCE", "FOLLOW_UP", "ACTION_PLAN")


@strawberry.type(description="A person who signed an agreement, with the title printed under the signature.")
class Signatory:
    person: Person = strawberry.field(description="Who signed, with the title and organisation printed.")
    signed_on: dt.date | None = strawberry.field(description="When this person signed, where printed.")
    place: str | None = strawberry.field(description="Where this person signed, where printed.")

    @classmethod
    def from_row(cls, row: Row) -> Signatory:
        person = Person(name=row["person__name"], title=row["title"], row=row)
        return cls(**declared_values(cls, row), person=person)


@strawberry.type(description="A named problem area with its sub-problems, e.g. Trafik: Hastighetsöverträdelser, …")
class ProblemArea:
    title: str = strawberry.field(description='The area as printed, e.g. "Trafik".')
    items: list[str] = strawberry.field(description="Its sub-problems as printed, in document order.")


@strawberry.type(
    description="Samverkansöverenskommelse: the cooperation agreement a municipality (kommun) signs with its"
    " lokalpolisområde for several years, on the local problems they will work on together. Its yearly"
    " medborgarlöften (citizen promises) come under it."
)
class Agreement(ContentItem):
    title: str = strawberry.field(description="As printed (or composed from what is printed).")
    period: Period | None = strawberry.field(
        description="The years it runs; null when the document gives none (it is then in force from its signing"
        " or publication date on)."
    )
    signed_on: dt.date | None = strawberry.field(description="When it was signed, where printed.")
    signed_place: str | None = strawberry.field(description='Where it was signed, e.g. "Götene".')
    section_list: strawberry.Private[list[Section]]
    problem_area_data: strawberry.Private[list[dict[str, Any]]]

    @classmethod
    def from_row(cls, row: Row) -> Agreement:
        return cls(
            **declared_values(cls, row),
            **content_fields(row),
            period=Period.from_row(row),
            section_list=sections(row),
            problem_area_data=row["problem_areas"],
        )

    @strawberry.field(description="The agreement's text as titled blocks, in document order.")
    def sections(self) -> list[Section]:
        return self.section_list

    @strawberry.field(description="The sections on governance (e.g. a Trygghetsråd) and follow-up arrangements.")
    def governance(self) -> list[Section]:
        return [s for s in self.section_list if s.role in GOVERNANCE_ROLES]

    @strawberry.field(description="The problem areas the parties agree to work on, in document order.")
    def problem_areas(self) -> list[ProblemArea]:
        return [ProblemArea(title=area["title"], items=list(area.get("items", []))) for area in self.problem_area_data]

    @strawberry.field(
        description="The organisations that are party to it (at least two), in the order printed.",
        graphql_type=list[Organisation],
    )
    def parties(self, info: Info[Context, Any]) -> Maybe[list[Organisation]]:
        return related(info.context, "Agreement", "parties", self.row)

    @strawberry.field(description="The kommuner among its parties.", graphql_type=list[Municipality])
    def municipalities(self, info: Info[Context, Any]) -> Maybe[list[Municipality]]:
        return related(info.context, "Agreement", "municipalities", self.row)

    @strawberry.field(description="Who signed it, in the order printed.", graphql_type=list[Signatory])
    def signatories(self, info: Info[Context, Any]) -> Maybe[list[Signatory]]:
        return related(info.context, "Agreement", "signatories", self.row)

    @strawberry.field(
        description='The roles that signed it without a person printed ("Kommunens trygghetssamordnare"),'
        " in the order printed; the signatories with a name are in `signatories`.",
        graphql_type=list[PrintedRole],
    )
    def signing_roles(self, info: Info[Context, Any]) -> Maybe[list[PrintedRole]]:
        return related(info.context, "Agreement", "signingRoles", self.row)

    @strawberry.field(
        description="The bodies the agreement sets up or relies on (trygghetsråd, BRÅ-grupp, chefssamråd, an"
        " operative group below one), in the order printed; typed beside the text, which stays as printed.",
        graphql_type=list["GovernanceBody"],
    )
    def bodies(self, info: Info[Context, Any]) -> Maybe[list[GovernanceBody]]:
        return related(info.context, "Agreement", "bodies", self.row)

    @strawberry.field(
        description="How the agreement says it is followed up (skriftligt once a year, muntligt at each meeting,"
        " reported to kommunstyrelsen), in the order printed.",
        graphql_type=list["FollowUpRule"],
    )
    def follow_up_rules(self, info: Info[Context, Any]) -> Maybe[list[FollowUpRule]]:
        return related(info.context, "Agreement", "followUpRules", self.row)

    @strawberry.field(
        description="The visible medborgarlöften made under it, newest period first.",
        graphql_type=list[Annotated["CitizenPromise", strawberry.lazy("api.promises.types")]],
    )
    def citizen_promises(self, info: Info[Context, Any]) -> Maybe[list[CitizenPromise]]:
        return related(info.context, "Agreement", "citizenPromises", self.row)


described_enum(
    FollowUpForm,
    "How a follow-up is given.",
    {"WRITTEN": "Skriftligt: in writing (a report).", "ORAL": "Muntligt: orally, at a meeting."},
)


@strawberry.type(
    description="A body of an agreement's governance (styrning): a trygghetsråd, a BRÅ-grupp (local crime"
    " prevention group), a chefssamråd (heads' council), an operative group below one."
)
class GovernanceBody:
    key: str = strawberry.field(description='Unique within its agreement, e.g. "trygghetsradet".')
    position: int = strawberry.field(description="Order in the agreement, from 1.")
    name: str = strawberry.field(description='As printed, e.g. "BRÅ-gruppen".')
    role: str | None = strawberry.field(description="What the agreement says it does, as printed.")
    meetings_per_year: int | None = strawberry.field(description="How many times a year it meets, when printed.")
    cadence: str | None = strawberry.field(description='The cadence as printed, e.g. "fyra gånger per år".')
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> GovernanceBody:
        return cls(**declared_values(cls, row), row=row)

    @strawberry.field(description="Its parties or members, in the order printed.", graphql_type=list[Organisation])
    def members(self, info: Info[Context, Any]) -> Maybe[list[Organisation]]:
        return related(info.context, "GovernanceBody", "members", self.row)

    @strawberry.field(
        description="The body it is below (same agreement); null: none.", graphql_type=Optional["GovernanceBody"]
    )
    def parent(self, info: Info[Context, Any]) -> Maybe[GovernanceBody | None]:
        return related(info.context, "GovernanceBody", "parent", self.row)


@strawberry.type(description="How an agreement is followed up, typed beside the words printed.")
class FollowUpRule:
    position: int = strawberry.field(description="Order in the agreement, from 1.")
    form: FollowUpForm = strawberry.field(description="Written or oral.")
    times_per_year: int | None = strawberry.field(description='How often a year, when printed ("en gång/år": 1).')
    reported_to: str | None = strawberry.field(description='To whom it is reported, e.g. "kommunstyrelsen".')
    phrase: str = strawberry.field(description="The words printed.")
    row: strawberry.Private[Row]

    @classmethod
    def from_row(cls, row: Row) -> FollowUpRule:
        return cls(**declared_values(cls, row), row=row)

    @strawberry.field(description="The body responsible for it.", graphql_type=GovernanceBody | None)
    def responsible(self, info: Info[Context, Any]) -> Maybe[GovernanceBody | None]:
        return related(info.context, "FollowUpRule", "responsible", self.row)

    @strawberry.field(description="The body at whose meetings it is given.", graphql_type=GovernanceBody | None)
    def at_meetings_of(self, info: Info[Context, Any]) -> Maybe[GovernanceBody | None]:
        return related(info.context, "FollowUpRule", "atMeetingsOf", self.row)
