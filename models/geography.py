"""Reference geography: counties, police units and the 290 municipalities."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.enums import AreaKind, PoliceUnitLevel


class PoliceUnit(Model):
    """A polisregion, polisområde or lokalpolisområde, the three levels form a tree."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=100, unique=True)
    level = fields.CharEnumField(PoliceUnitLevel, max_length=20)
    name = fields.CharField(max_length=200)
    parent: fields.ForeignKeyNullableRelation[PoliceUnit] = fields.ForeignKeyField(
        "models.PoliceUnit", related_name="children", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "police_unit"
        indexes = (Index(fields=("parent_id",)),)

    def __str__(self) -> str:
        return self.name


class County(Model):
    """A län, identified by its two-digit code."""

    code = fields.CharField(max_length=2, primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    police_region: fields.ForeignKeyNullableRelation[PoliceUnit] = fields.ForeignKeyField(
        "models.PoliceUnit", related_name="counties", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "county"
        indexes = (Index(fields=("police_region_id",)),)

    def __str__(self) -> str:
        return self.name


class Municipality(Model):
    """A kommun, identified by its four-digit kommunkod."""

    code = fields.CharField(max_length=4, primary_key=True)
    name = fields.CharField(max_length=100)
    county: fields.ForeignKeyRelation[County] = fields.ForeignKeyField(
        "models.County", related_name="municipalities", on_delete=fields.RESTRICT
    )
    local_police_area: fields.ForeignKeyNullableRelation[PoliceUnit] = fields.ForeignKeyField(
        "models.PoliceUnit", related_name="municipalities", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "municipality"
        indexes = (
            Index(fields=("county_id",)),
            Index(fields=("local_police_area_id",)),
        )

    def __str__(self) -> str:
        return self.name


class Area(Model):
    """An area below the municipality that a promise or a commitment is for: a stadsdel, a
    tätort, a neighbourhood, or a place (a centre, a street, a school, a station). Areas nest
    (`parent`, in the same municipality); content defines them, in seed files, as organisations."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=200, unique=True)
    kind = fields.CharEnumField(AreaKind, max_length=20)
    name = fields.CharField(max_length=300)
    municipality: fields.ForeignKeyRelation[Municipality] = fields.ForeignKeyField(
        "models.Municipality", related_name="areas", on_delete=fields.RESTRICT
    )
    parent: fields.ForeignKeyNullableRelation[Area] = fields.ForeignKeyField(
        "models.Area", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    document = fields.CharField(max_length=200)

    class Meta:
        table = "area"
        indexes = (
            Index(fields=("municipality_id",)),
            Index(fields=("parent_id",)),
        )

    def __str__(self) -> str:
        return self.name
