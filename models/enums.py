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


class PoliceUnitLevel(StrEnum):
    REGION = "REGION"
    POLICE_AREA = "POLICE_AREA"
    LOCAL_POLICE_AREA = "LOCAL_POLICE_AREA"


class OrganisationKind(StrEnum):
    MUNICIPALITY = "MUNICIPALITY"
    POLICE = "POLICE"
    OTHER = "OTHER"


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
