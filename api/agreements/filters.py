"""Agreement filters, applied in SQL."""

from __future__ import annotations

import datetime as dt

import strawberry
from tortoise.expressions import Q, Subquery

from api.core.visibility import q
from api.geography.filters import place_conditions
from models import AgreementParty


@strawberry.input(description="Filters combine with AND.")
class AgreementFilter:
    municipality_code: str | None = strawberry.field(default=None, description='Kommunkod, e.g. "1471".')
    county_code: str | None = strawberry.field(default=None, description='Two digits, e.g. "14".')
    police_region: str | None = strawberry.field(
        default=None, description='The region\'s name as the police write it ("Väst", "Nord", "Stockholm").'
    )
    active_on: dt.date | None = strawberry.field(
        default=None,
        description="In force on this date: its period covers it; an agreement whose period is unknown is in"
        " force from its signing or publication date on.",
    )


def active_on(date: dt.date, relation: str = "") -> Q:
    """In force on `date`. Without a period, from its signing date, else the printed publication
    date, else the day it was first published here."""
    p = f"{relation}__" if relation else ""
    next_day = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    period_covers = q({f"{p}period_start__lte": date}) & (
        q({f"{p}period_end__isnull": True}) | q({f"{p}period_end__gte": date})
    )
    in_force_since = (
        q({f"{p}signed_on__lte": date})
        | q({f"{p}signed_on__isnull": True, f"{p}source_published_on__lte": date})
        | q({f"{p}signed_on__isnull": True, f"{p}source_published_on__isnull": True, f"{p}published_at__lt": next_day})
    )
    return period_covers | (q({f"{p}period_start__isnull": True}) & in_force_since)


def party_filter(municipality_code: str | None, county_code: str | None, police_region: str | None) -> Q:
    """Agreements with a municipality party matching all the given places."""
    conditions = place_conditions(municipality_code, county_code, police_region, "organisation")
    if not conditions:
        return Q()
    return Q(id__in=Subquery(AgreementParty.filter(**conditions).values("agreement_id")))


def agreement_filter(value: AgreementFilter | None) -> Q:
    if value is None:
        return Q()
    query = party_filter(value.municipality_code, value.county_code, value.police_region)
    if value.active_on is not None:
        query &= active_on(value.active_on)
    return query
