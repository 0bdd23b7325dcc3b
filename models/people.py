"""Organisations, people and contacts.

Personal data (names, e-mail, phone of officials) lives only in `Person`, so it can be hidden
or erased in one place; signatories and contacts refer to a person. A role printed without a
person ("kommunens trygghetssamordnare") is no person: it is a `PrintedRole` (models/promises.py).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.content import ContentItem
from models.enums import OrganisationKind
from models.geography import Municipality, PoliceUnit


class Organisation(Model):
    """A party to an agreement or a body named in a promise: kommun, police unit or other."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=200, unique=True)
    kind = fields.CharEnumField(OrganisationKind, max_length=20)
    name = fields.CharField(max_length=300)
    municipality: fields.ForeignKeyNullableRelation[Municipality] = fields.ForeignKeyField(
        "models.Municipality", related_name="organisations", null=True, on_delete=fields.RESTRICT
    )
    police_unit: fields.ForeignKeyNullableRelation[PoliceUnit] = fields.ForeignKeyField(
        "models.PoliceUnit", related_name="organisations", null=True, on_delete=fields.RESTRICT
    )
    document = fields.CharField(max_length=200)

    class Meta:
        table = "organisation"
        indexes = (
            Index(fields=("municipality_id",)),
            Index(fields=("police_unit_id",)),
        )

    def __str__(self) -> str:
        return self.name


class Person(Model):
    """A named official. The only table that holds names, e-mail addresses and phone numbers."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=200, unique=True)
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=200, null=True)
    phone = fields.CharField(max_length=50, null=True)

    class Meta:
        table = "person"

    def __str__(self) -> str:
        return self.name


class Contact(ContentItem):
    """Someone the public can turn to, in a role, for one or more municipalities."""

    role = fields.CharField(max_length=200)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="contacts", on_delete=fields.RESTRICT
    )
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="contacts", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "contact"
        indexes = (
            Index(fields=("person_id",)),
            Index(fields=("organisation_id",)),
        )


class ContactMunicipality(Model):
    """A municipality a contact serves, in the order printed."""

    id = fields.IntField(primary_key=True)
    contact: fields.ForeignKeyRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="municipality_links", on_delete=fields.CASCADE
    )
    municipality: fields.ForeignKeyRelation[Municipality] = fields.ForeignKeyField(
        "models.Municipality", related_name="contact_links", on_delete=fields.RESTRICT
    )
    position = fields.IntField()

    class Meta:
        table = "contact_municipality"
        indexes = (Index(fields=("municipality_id",)),)
        unique_together = (("contact", "municipality"), ("contact", "position"))
