"""Samverkan's content model (Tortoise ORM)."""

from models.agreements import Agreement, AgreementParty, Signatory
from models.editorial import Activity, ApiToken, Approval, Erasure, Review, Revision
from models.followups import FollowUp, FollowUpEntry, FollowUpEntryCommitment, FollowUpEntryResult
from models.geography import County, Municipality, PoliceUnit
from models.people import Contact, ContactMunicipality, Organisation, Person
from models.promises import (
    CitizenPromise,
    CitizenPromiseContact,
    Commitment,
    CommitmentPartner,
    CommitmentPerformer,
    CommitmentTarget,
    CommitmentTopic,
    Topic,
)
from models.services import ServiceAgreement, ServiceAgreementParty

__all__ = [
    "Activity",
    "Agreement",
    "AgreementParty",
    "ApiToken",
    "Approval",
    "CitizenPromise",
    "CitizenPromiseContact",
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
    "FollowUpEntry",
    "FollowUpEntryCommitment",
    "FollowUpEntryResult",
    "Municipality",
    "Organisation",
    "Person",
    "PoliceUnit",
    "Review",
    "Revision",
    "ServiceAgreement",
    "ServiceAgreementParty",
    "Signatory",
    "Topic",
]
