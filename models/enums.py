"""Enumerations shared by the models, the seed format and the GraphQL schema."""

from __future__ import annotations

from enum import StrEnum


class PublicationStatus(StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


class Actor(StrEnum):
    KOMMUN = "KOMMUN"
    POLIS = "POLIS"
    TILLSAMMANS = "TILLSAMMANS"
    # An organisation that is neither the municipality nor the police (a housing company, a
    # rescue service, a school), named in the commitment's `performed_by`.
    OTHER = "OTHER"
    # The document names no actor ("ska etableras", a heading with no actor).
    UNSPECIFIED = "UNSPECIFIED"


class PoliceUnitLevel(StrEnum):
    REGION = "REGION"
    POLICE_AREA = "POLICE_AREA"
    LOCAL_POLICE_AREA = "LOCAL_POLICE_AREA"


class OrganisationKind(StrEnum):
    MUNICIPALITY = "MUNICIPALITY"
    POLICE = "POLICE"
    OTHER = "OTHER"


class AreaKind(StrEnum):
    """What an area below the municipality is: a stadsdel (city district), a tätort (built-up
    locality), a neighbourhood (bostadsområde), or a place an item names: a centre, a street, a
    school, a station; OTHER for anything else printed."""

    STADSDEL = "STADSDEL"
    TATORT = "TATORT"
    NEIGHBOURHOOD = "NEIGHBOURHOOD"
    CENTRE = "CENTRE"
    STREET = "STREET"
    SCHOOL = "SCHOOL"
    STATION = "STATION"
    OTHER = "OTHER"


class FollowUpSpan(StrEnum):
    """What part of its year a follow-up reports on: the whole YEAR, a HALF_YEAR (halvår, 1 or
    2) or a TERTIAL (tertial, 1 to 3)."""

    YEAR = "YEAR"
    HALF_YEAR = "HALF_YEAR"
    TERTIAL = "TERTIAL"


class FollowUpForm(StrEnum):
    """How an agreement's follow-up is given: WRITTEN (skriftligt) or ORAL (muntligt)."""

    WRITTEN = "WRITTEN"
    ORAL = "ORAL"


class ServicePointKind(StrEnum):
    """What a samtjänstavtal's service point is: a FIXED desk or office with its own opening
    hours, or a MOBILE police office (a bus, a van) that comes on its days."""

    FIXED = "FIXED"
    MOBILE = "MOBILE"


class SuccessionKind(StrEnum):
    """How an item follows on from another, as printed: a promise CONTINUES (fortsätter) or
    REPLACES (ersätter) an earlier promise; a commitment REPEATS a commitment of an earlier
    period; a follow-up ANNOUNCES the next promise."""

    CONTINUES = "CONTINUES"
    REPLACES = "REPLACES"
    REPEATS = "REPEATS"
    ANNOUNCES = "ANNOUNCES"


class Assessment(StrEnum):
    FULFILLED = "FULFILLED"
    PARTLY_FULFILLED = "PARTLY_FULFILLED"
    NOT_FULFILLED = "NOT_FULFILLED"
    NOT_ASSESSED = "NOT_ASSESSED"


class SectionRole(StrEnum):
    """What a section of an agreement does, so clients can find e.g. the governance part."""

    PURPOSE = "PURPOSE"
    BACKGROUND = "BACKGROUND"
    METHOD = "METHOD"
    COMMITMENTS = "COMMITMENTS"
    ACTION_PLAN = "ACTION_PLAN"
    GOVERNANCE = "GOVERNANCE"
    FOLLOW_UP = "FOLLOW_UP"
    COMMUNICATION = "COMMUNICATION"
    TERM = "TERM"
    OTHER = "OTHER"


class TargetQualifier(StrEnum):
    """How a target's quantity binds: "sex" EXACTLY, "minst sex" AT_LEAST, "högst" AT_MOST,
    "cirka" ABOUT (within ±10 %)."""

    EXACTLY = "EXACTLY"
    AT_LEAST = "AT_LEAST"
    AT_MOST = "AT_MOST"
    ABOUT = "ABOUT"


class Interval(StrEnum):
    """The span one target's (or result's) quantity counts over: "per termin" TERM, "under
    året" YEAR, "i veckan" WEEK; PERIOD: the whole period of the promise (or of the result)."""

    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"
    TERM = "TERM"
    YEAR = "YEAR"
    PERIOD = "PERIOD"


class TargetStatus(StrEnum):
    """A target's derived status for one follow-up (api/followups/status.py has the table)."""

    NOT_REPORTED = "NOT_REPORTED"
    NOT_COMPARABLE = "NOT_COMPARABLE"
    MET = "MET"
    EXCEEDED = "EXCEEDED"
    MISSED = "MISSED"
