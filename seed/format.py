"""The seed file format: one YAML file per document, validated by these models.

The same models are the canonical form of each content item: the exporter produces them from
the database, the loader compares them with the database to tell what changed, and revisions
store their JSON. Order in lists is document order, so positions are derived, never written.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
    model_validator,
)

from models import bounds
from models.enums import (
    Actor,
    AreaKind,
    Assessment,
    FollowUpForm,
    FollowUpSpan,
    Interval,
    OrganisationKind,
    PoliceUnitLevel,
    PublicationStatus,
    SectionRole,
    ServicePointKind,
    SuccessionKind,
    TargetQualifier,
)
from seed import hours

MAX_TEXT = 100_000

# Every string, date, time and year of content is held to models/bounds.py (no NUL, dates and
# years 1900–2199), the same bounds the API's arguments are held to.
Stored = AfterValidator(bounds.text)
Date = Annotated[dt.date, AfterValidator(bounds.date)]
Timestamp = Annotated[dt.datetime, AfterValidator(bounds.timestamp)]
Year = Annotated[int, AfterValidator(bounds.year)]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=200), Stored]
Key = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=100), Stored]
MunicipalityCode = Annotated[str, StringConstraints(pattern=r"^\d{4}$")]
Line = Annotated[str, StringConstraints(min_length=1, max_length=1_000), Stored]
# Lines stored in their own columns are no longer than the columns (models/).
Title = Annotated[str, StringConstraints(min_length=1, max_length=300), Stored]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200), Stored]
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT), Stored]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=500), Stored]


def _whole_as_int(value: float) -> int | float:
    # "6" is read as 6.0; it is written back as 6, so a file keeps the number as printed.
    return int(value) if value.is_integer() else value


# A counted quantity: never negative, finite, at most a billion (any count a document prints).
Quantity = Annotated[
    float, Field(ge=0, le=1_000_000_000, allow_inf_nan=False), PlainSerializer(_whole_as_int, return_type=int | float)
]


class Strict(BaseModel):
    # Unknown keys are typos; refusing them keeps editors from losing content silently.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Period(Strict):
    """A period as printed: the widest dates it allows and the printed words."""

    start: Date
    end: Date | None = None
    label: Label

    @model_validator(mode="after")
    def _end_after_start(self) -> Period:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end.isoformat()} is before start {self.start.isoformat()}")
        return self

    def covers_year(self, year: int) -> bool:
        return self.start.year <= year and (self.end is None or self.end.year >= year)


class Section(Strict):
    heading: Line
    body: Text
    role: SectionRole | None = None


class ProblemArea(Strict):
    title: Line
    items: list[Line] = Field(default_factory=list)


LINK_TARGET_TYPES = ("Agreement", "CitizenPromise", "FollowUp", "ServiceAgreement", "Commitment")


class LinkTarget(Strict):
    """Another item of ours; for a Commitment the slug is `promise-slug#key`."""

    type: str
    slug: Annotated[str, StringConstraints(min_length=1, max_length=301), Stored]

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in LINK_TARGET_TYPES:
            raise ValueError(f"'{value}' is not one of {', '.join(LINK_TARGET_TYPES)}")
        return value


class Link(Strict):
    label: Line
    url: Url | None = None
    target: LinkTarget | None = None


class Item(Strict):
    """Fields every editable content item has."""

    slug: Slug
    status: PublicationStatus = PublicationStatus.DRAFT
    publish_at: Timestamp | None = None
    unpublish_at: Timestamp | None = None
    published_at: Timestamp | None = None
    source_url: Url | None = None
    source_published_on: Date | None = None
    source_updated_on: Date | None = None
    # The source page is incomplete (cut short, a part missing); the note says what is missing.
    source_incomplete: bool = False
    source_note: Line | None = None

    @model_validator(mode="after")
    def _schedule_in_order(self) -> Item:
        for name in ("publish_at", "unpublish_at", "published_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} needs a UTC offset, e.g. 2024-05-07T10:00:00+00:00")
        if self.publish_at and self.unpublish_at and self.unpublish_at <= self.publish_at:
            raise ValueError("unpublish_at must be later than publish_at")
        return self


class ContactRole(Strict):
    """A contact printed as a role only, without a person ("kontakta kommunens
    trygghetssamordnare"), by a citizen promise or for a municipality (on its MUNICIPALITY
    organisation), and the organisation the role belongs to, where printed."""

    role: Title
    organisation: Slug | None = None


class Organisation(Strict):
    """A party or a body. An organisation of kind MUNICIPALITY stands for its municipality, and
    its `contact_roles` are the municipality's contacts printed as a role only, without a
    person ("Kommunpolisen i Götene"), in the order printed."""

    slug: Slug
    kind: OrganisationKind
    name: Title
    municipality: MunicipalityCode | None = None
    police_unit: Slug | None = None
    contact_roles: list[ContactRole] = Field(default_factory=list)

    @model_validator(mode="after")
    def _links_match_kind(self) -> Organisation:
        if self.municipality and self.kind != OrganisationKind.MUNICIPALITY:
            raise ValueError("only a MUNICIPALITY organisation names a municipality")
        if self.police_unit and self.kind != OrganisationKind.POLICE:
            raise ValueError("only a POLICE organisation names a police_unit")
        if self.contact_roles and self.municipality is None:
            raise ValueError(
                "contact_roles are a municipality's contacts: only a MUNICIPALITY organisation that names its"
                " municipality has them"
            )
        return self


class Area(Strict):
    """An area below the municipality: a stadsdel, a tätort, a neighbourhood, or a place an item
    names (a centre, a street, a school, a station). `parent`: the area it lies in, of the same
    municipality. Promises and commitments name it by slug; statistics roll it up to its
    municipality."""

    slug: Slug
    kind: AreaKind
    name: Title
    municipality: MunicipalityCode
    parent: Slug | None = None


class Signatory(Strict):
    """A signature as printed: a person's `name` (personal data) with the `title` under it, or a
    role printed without a person ("Kommunens trygghetssamordnare"): no name, the role in
    `title`, which it then needs. A name with no title is a person as before."""

    name: Label | None = None
    title: Title | None = None
    organisation: Slug | None = None
    signed_on: Date | None = None
    place: Label | None = None

    @model_validator(mode="after")
    def _role_only_has_role(self) -> Signatory:
        if self.name is None and self.title is None:
            raise ValueError("a signatory printed without a name (a role only) needs its role in title")
        return self


class Author(Signatory):
    """Who wrote and signed a follow-up: a named person (a kommunpolis), or a role printed
    without a person ("Kommunpolisen i Götene"): no name, the role in `title`, which it then
    needs."""


class GovernanceBody(Strict):
    """A body the agreement sets up or relies on, as printed beside its text: "BRÅ-gruppen",
    "Trygghetsrådet", a chefssamråd that meets four times a year (meetings_per_year 4), an
    operative group below one (`parent`: that body's key)."""

    key: Key
    name: Title
    role: Line | None = None
    members: list[Slug] = Field(default_factory=list)
    meetings_per_year: Annotated[int, Field(ge=1, le=366)] | None = None
    cadence: Label | None = None
    parent: Key | None = None


class FollowUpRule(Strict):
    """How the agreement is followed up, as printed: WRITTEN or ORAL, how often a year, the body
    responsible and the body at whose meetings it happens (keys), to whom it is reported."""

    form: FollowUpForm
    times_per_year: Annotated[int, Field(ge=1, le=366)] | None = None
    responsible: Key | None = None
    at_meetings_of: Key | None = None
    reported_to: Title | None = None
    phrase: Line


class Agreement(Item):
    title: Title
    title_composed: bool = False
    period: Period | None = None
    signed_on: Date | None = None
    signed_place: Label | None = None
    parties: list[Slug] = Field(min_length=2)
    signatories: list[Signatory] = Field(default_factory=list)
    summary: Text | None = None
    sections: list[Section] = Field(default_factory=list)
    problem_areas: list[ProblemArea] = Field(default_factory=list)
    bodies: list[GovernanceBody] = Field(default_factory=list)
    follow_up_rules: list[FollowUpRule] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)


class Target(Strict):
    """A measurable target a commitment prints: "minst sex trygghetsvandringar under året" is
    quantity 6, qualifier AT_LEAST, counted "trygghetsvandringar", interval YEAR. A deadline
    ("senast 2024-06-30") takes the place of an interval; "inom 48 timmar" is quantity 48,
    AT_MOST, counted "timmar till svar". `key` is unique within the citizen promise: a
    follow-up's result names it."""

    key: Key
    quantity: Quantity | None = None
    qualifier: TargetQualifier = TargetQualifier.EXACTLY
    counted: Label
    interval: Interval | None = None
    deadline: Date | None = None
    phrase: Line

    @model_validator(mode="after")
    def _interval_or_deadline(self) -> Target:
        if self.interval is not None and self.deadline is not None:
            raise ValueError("a target has an interval or a deadline, not both")
        return self


class TargetGroup(Strict):
    """Who an item is for, as printed: "ungdomar 13–17 år" is label, age_from 13, age_to 17;
    "årskurs 8" is school_year 8 (grundskolan's årskurs, 0 for förskoleklass); "seniorer" a
    label alone."""

    label: Label
    age_from: Annotated[int, Field(ge=0, le=120)] | None = None
    age_to: Annotated[int, Field(ge=0, le=120)] | None = None
    school_year: Annotated[int, Field(ge=0, le=12)] | None = None

    @model_validator(mode="after")
    def _ages_in_order(self) -> TargetGroup:
        if self.age_from is not None and self.age_to is not None and self.age_to < self.age_from:
            raise ValueError(f"age_to {self.age_to} is below age_from {self.age_from}")
        return self


# A succession link's item: a citizen promise's slug, or `promise-slug#key` for a commitment.
SuccessionTarget = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:#[a-z0-9]+(?:-[a-z0-9]+)*)?$", max_length=301), Stored
]


class Succession(Strict):
    """How the item follows on from another, as printed: a promise CONTINUES or REPLACES an
    earlier promise (`target`: its slug), a commitment REPEATS one of an earlier period
    (`promise-slug#key`), a follow-up ANNOUNCES the next promise (its slug). The target need not
    be here: `reference` keeps the words printed ("Medborgarlöfte 2022"), and the API resolves
    the target once it is."""

    kind: SuccessionKind
    target: SuccessionTarget
    reference: Line | None = None


def _succession_kinds(links: list[Succession], allowed: tuple[SuccessionKind, ...], owner: str) -> list[Succession]:
    for link in links:
        if link.kind not in allowed:
            names = " or ".join(kind.value for kind in allowed)
            raise ValueError(f"a {owner}'s succession is {names}, not {link.kind.value}")
    return links


class Commitment(Strict):
    key: Key
    actor: Actor
    actor_label: Label | None = None
    # The list's printed numbering ("1.", "2 a)"), when the document numbers its commitments.
    number: Annotated[str, StringConstraints(min_length=1, max_length=50), Stored] | None = None
    text: Text
    # The area the commitment is for, when it names one (a centre, a school); else its promise's.
    area: Slug | None = None
    # Two levels: the key of the joint statement ("Kommunen och polisen lovar att minska
    # narkotikabrotten") this activity ("Det ska vi göra genom att …") stands under, in the same
    # promise. Statistics count the activities, not the statement above them.
    parent: Key | None = None
    target_groups: list[TargetGroup] = Field(default_factory=list)
    topics: list[Key] = Field(default_factory=list)
    partners: list[Slug] = Field(default_factory=list)
    # Who does the work when it is neither the municipality nor the police (actor OTHER).
    performed_by: list[Slug] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    # REPEATS: the commitment of an earlier period it repeats.
    succession: list[Succession] = Field(default_factory=list)

    @field_validator("succession")
    @classmethod
    def _repeats(cls, links: list[Succession]) -> list[Succession]:
        return _succession_kinds(links, (SuccessionKind.REPEATS,), "commitment")

    @model_validator(mode="after")
    def _performers_match_actor(self) -> Commitment:
        if self.actor == Actor.OTHER and not self.performed_by:
            raise ValueError("actor OTHER needs performed_by: the organisations the commitment names")
        if self.actor == Actor.UNSPECIFIED and self.performed_by:
            raise ValueError("actor UNSPECIFIED names no organisation; use OTHER with performed_by")
        return self


class CitizenPromise(Item):
    title: Title
    title_composed: bool = False
    municipality: MunicipalityCode
    agreement: Slug | None = None
    # The area below the municipality the promise is for (a stadsdel); none: the whole municipality.
    area: Slug | None = None
    period: Period
    # The promise's own parties, when printed (not only through its agreement): its sides.
    parties: list[Slug] = Field(default_factory=list)
    signed_on: Date | None = None
    signatories: list[Signatory] = Field(default_factory=list)
    target_groups: list[TargetGroup] = Field(default_factory=list)
    summary: Text | None = None
    problem_picture: Text | None = None
    sections: list[Section] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)
    contacts: list[Slug] = Field(default_factory=list)
    # Contacts printed as a role only, without a person, in the order printed.
    contact_roles: list[ContactRole] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    # CONTINUES or REPLACES: the earlier promises it follows on from.
    succession: list[Succession] = Field(default_factory=list)

    @field_validator("succession")
    @classmethod
    def _follows(cls, links: list[Succession]) -> list[Succession]:
        return _succession_kinds(links, (SuccessionKind.CONTINUES, SuccessionKind.REPLACES), "citizen promise")


class Result(Strict):
    """A counted result a follow-up prints: "ett 20-tal skolbesök" is quantity 20, approximate,
    counted "skolbesök". `interval`: the span the number counts over ("under året": YEAR);
    `period`: the dates it covers when printed; `target`: the key of a target of the same
    citizen promise that it reports on, if any."""

    quantity: Quantity | None = None
    approximate: bool = False
    counted: Label
    interval: Interval | None = None
    period: Period | None = None
    phrase: Line
    target: Key | None = None


class FollowUpEntry(Strict):
    # The section it stands in, as printed ("Polisens uppföljning"), and the actor it speaks for.
    heading: Line | None = None
    actor: Actor | None = None
    narrative: Text
    commitments: list[Key] = Field(default_factory=list)
    assessment: Assessment = Assessment.NOT_ASSESSED
    results: list[Result] = Field(default_factory=list)


class FollowUp(Item):
    title: Title
    title_composed: bool = False
    citizen_promise: Slug
    year: Year
    # Per year (default), or per halvår (HALF_YEAR, span_number 1–2) or tertial (TERTIAL, 1–3).
    span: FollowUpSpan = FollowUpSpan.YEAR
    span_number: int | None = None
    period: Period | None = None
    # Who wrote and signed it (a kommunpolis): a name, title and organisation as printed, or a
    # role printed without a person (no name, the role in title).
    author: Author | None = None
    summary: Text | None = None
    entries: list[FollowUpEntry] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    # ANNOUNCES: the next promise it announces.
    succession: list[Succession] = Field(default_factory=list)

    @field_validator("succession")
    @classmethod
    def _announces(cls, links: list[Succession]) -> list[Succession]:
        return _succession_kinds(links, (SuccessionKind.ANNOUNCES,), "follow-up")

    @model_validator(mode="after")
    def _span_fits(self) -> FollowUp:
        parts = SPAN_PARTS[self.span]
        if parts == 0 and self.span_number is not None:
            raise ValueError("a yearly follow-up has no span_number")
        if parts and not (self.span_number is not None and 1 <= self.span_number <= parts):
            raise ValueError(f"a {self.span.value} follow-up needs span_number 1 to {parts}")
        return self


# How many parts of its year a follow-up of each span is one of (0: the whole year).
SPAN_PARTS = {FollowUpSpan.YEAR: 0, FollowUpSpan.HALF_YEAR: 2, FollowUpSpan.TERTIAL: 3}


class ServicePoint(Strict):
    """Where the services are given: a desk at a library (FIXED), a mobile police office one day
    a week (MOBILE), a temporary arrangement (`valid_until`: its end date). `opening_hours_text`
    as printed ("måndag–fredag 07.30–16.00"); `opening_hours` the same in OpenStreetMap syntax
    ("Mo-Fr 07:30-16:00"), which must parse and open on the days the text names."""

    key: Key
    name: Title
    kind: ServicePointKind = ServicePointKind.FIXED
    address: Title | None = None
    area: Slug | None = None
    opening_hours_text: Line | None = None
    opening_hours: Line | None = None
    valid_from: Date | None = None
    valid_until: Date | None = None
    note: Line | None = None

    @field_validator("opening_hours")
    @classmethod
    def _parses(cls, value: str | None) -> str | None:
        if value is not None:
            hours.parse(value)
        return value

    @model_validator(mode="after")
    def _hours_beside_text(self) -> ServicePoint:
        if self.opening_hours is not None and self.opening_hours_text is None:
            raise ValueError("opening_hours needs opening_hours_text, the words printed")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError(
                f"valid_until {self.valid_until.isoformat()} is before valid_from {self.valid_from.isoformat()}"
            )
        return self


class ServiceAgreement(Item):
    title: Title
    title_composed: bool = False
    municipality: MunicipalityCode
    parties: list[Slug] = Field(default_factory=list)
    provider: Title
    since: Date | None = None
    since_label: Label | None = None
    services: list[Line] = Field(default_factory=list)
    points: list[ServicePoint] = Field(default_factory=list)
    summary: Text | None = None

    @model_validator(mode="after")
    def _since_has_label(self) -> ServiceAgreement:
        if self.since is not None and self.since_label is None:
            raise ValueError("since needs since_label, the words printed (e.g. 'februari 2011')")
        return self


class Contact(Item):
    role: Label
    name: Label
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200), Stored] | None = (
        None
    )
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9+][0-9 ()\-]{4,30}$")] | None = None
    organisation: Slug | None = None
    municipalities: list[MunicipalityCode] = Field(default_factory=list)


class Document(Strict):
    """One seed file. Every list is optional; slugs are unique across all files."""

    organisations: list[Organisation] = Field(default_factory=list)
    areas: list[Area] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    citizen_promises: list[CitizenPromise] = Field(default_factory=list)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    service_agreements: list[ServiceAgreement] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)


# The content types in load order: what a later type refers to is loaded before it.
CONTENT_TYPES: dict[str, type[Item]] = {
    "contacts": Contact,
    "agreements": Agreement,
    "citizen_promises": CitizenPromise,
    "follow_ups": FollowUp,
    "service_agreements": ServiceAgreement,
}


class PoliceUnit(Strict):
    slug: Slug
    level: PoliceUnitLevel
    name: Label
    parent: Slug | None = None
    municipalities: list[MunicipalityCode] = Field(default_factory=list)


def person_key(name: str) -> str:
    """The key of a person: their name, lower-cased, with runs of other characters as '-'."""
    return re.sub(r"[^0-9a-zåäöéü]+", "-", name.lower()).strip("-")


def dump(item: BaseModel) -> dict[str, Any]:
    """The canonical plain form of an item: JSON types, defaults left out, keys in model order."""
    return item.model_dump(mode="json", exclude_defaults=True)
