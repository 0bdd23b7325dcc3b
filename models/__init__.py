"""Samverkan's content model (Tortoise ORM)."""

from models.agreements import Agreement, AgreementParty, Signatory
from models.editorial import Activity, ApiToken, Approval, Erasure, Review, Revision
from models.followups import FollowUp, FollowUpEntry, FollowUpEntryCommitment
from models.geography import County, Municipality, PoliceUnit
from models.people import Contact, ContactMunicipality, Organisation, Person
from models.promises import (
    CitizenPromise,
    CitizenPromiseContact,
    Commitment,
    CommitmentPartner,
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
    "CommitmentTopic",
    "Contact",
    "ContactMunicipality",
    "County",
    "Erasure",
    "FollowUp",
    "FollowUpEntry",
    "FollowUpEntryCommitment",
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
