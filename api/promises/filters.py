"""Citizen promise and commitment filters, applied in SQL."""

from __future__ import annotations

import datetime as dt

import strawberry
from tortoise.expressions import Q, Subquery

from api.core.visibility import q
from api.geography.filters import place_filter
from models import CommitmentTopic
from models.enums import Actor as Actor  # re-exported: the API's enum

# The model's enum is the GraphQL enum too, so the values are listed once.
strawberry.enum(Actor, description="Whose promise it is, as grouped in a medborgarlöfte.")


@strawberry.input(description="Filters combine with AND.")
class CitizenPromiseFilter:
    municipality_code: str | None = None
    county_code: str | None = None
    police_region: str | None = None
    year: int | None = strawberry.field(default=None, description="Promises whose period covers this calendar year.")


@strawberry.input(description="Filters combine with AND.")
class CommitmentFilter:
    actor: Actor | None = None
    municipality_code: str | None = None
    county_code: str | None = None
    police_region: str | None = None
    year: int | None = None
    topic: str | None = None


def covers_year(year: int, relation: str = "") -> Q:
    p = f"{relation}__" if relation else ""
    return q({f"{p}period_start__lte": dt.date(year, 12, 31)}) & (
        q({f"{p}period_end__isnull": True}) | q({f"{p}period_end__gte": dt.date(year, 1, 1)})
    )


def citizen_promise_filter(value: CitizenPromiseFilter | None) -> Q:
    if value is None:
        return Q()
    query = place_filter(value.municipality_code, value.county_code, value.police_region)
    if value.year is not None:
        query &= covers_year(value.year)
    return query


def commitment_filter(value: CommitmentFilter | None) -> Q:
    if value is None:
        return Q()
    query = place_filter(value.municipality_code, value.county_code, value.police_region, "citizen_promise")
    if value.year is not None:
        query &= covers_year(value.year, "citizen_promise")
    if value.actor is not None:
        query &= Q(actor=value.actor.value)
    if value.topic is not None:
        query &= Q(id__in=Subquery(CommitmentTopic.filter(topic_id=value.topic).values("commitment_id")))
    return query
