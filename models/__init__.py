"""Samverkan's content model (Tortoise ORM)."""

from models import _tortoise  # noqa: F401  (before the models: how Tortoise makes their classes)
from models.agreements import Agreement, AgreementParty, FollowUpRule, GovernanceBody, GovernanceBodyMember, Signatory
from models.editorial import Activity, ApiToken, Approval, Erasure, Review, Revision
from models.followups import (
    FollowUp,
    FollowUpAuthor,
    FollowUpEntry,
    FollowUpEntryCommitment,
    FollowUpEntryResult,
    Succession,
)
from models.geography import Area, County, Municipality, PoliceUnit
from models.people import Contact, ContactMunicipality, Organisation, Person
from models.promises import (
    CitizenPromise,
    CitizenPromiseContact,
    CitizenPromiseParty,
    CitizenPromiseSignatory,
    Commitment,
    CommitmentPartner,
    CommitmentPerformer,
    CommitmentTarget,
    CommitmentTopic,
    PrintedRole,
    TargetGroup,
    Topic,
)
from models.services import ServiceAgreement, ServiceAgreementParty, ServicePoint

__all__ = [
    "Activity",
    "Agreement",
    "AgreementParty",
    "ApiToken",
    "Approval",
    "Area",
    "CitizenPromise",
    "CitizenPromiseContact",
    "CitizenPromiseParty",
    "CitizenPromiseSignatory",
    "Commitment",
    "CommitmentPartner",
    "CommitmentPerformer",
    "CommitmentTarget",
    "CommitmentTopic",
    "Contact",
    "ContactMunicipality",
    "County",
    "Erasure",
    "FollowUp",
    "FollowUpAuthor",
    "FollowUpEntry",
    "FollowUpEntryCommitment",
    "FollowUpEntryResult",
    "FollowUpRule",
    "GovernanceBody",
    "GovernanceBodyMember",
    "Municipality",
    "Organisation",
    "Person",
    "PoliceUnit",
    "PrintedRole",
    "Review",
    "Revision",
    "ServiceAgreement",
    "ServiceAgreementParty",
    "ServicePoint",
    "Signatory",
    "Succession",
    "TargetGroup",
    "Topic",
]
