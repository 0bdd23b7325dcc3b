"""Citizen promise and commitment filters, applied in SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import strawberry

from api.core.enums import described_enum
from api.geography.filters import (
    COMMITMENT_AREA,
    COUNTY_CODE,
    MUNICIPALITY_CODE,
    PLACE_OF_MUNICIPALITY,
    POLICE_REGION,
    area_sql,
    place_sql,
)
from models.enums import Actor as Actor  # re-exported: the API's enum
from models.sql import Fragment, sql

# The model's enum is the GraphQL enum too, so the values are listed once.
described_enum(
    Actor,
    "Whose promise it is, as grouped in a medborgarlöfte. Statistics count each value as itself.",
    {
        "KOMMUN": 'Kommunen: the municipality promises ("Kommunen lovar att").',
        "POLIS": 'Polisen: the police promise ("Polisen lovar att").',
        "TILLSAMMANS": 'Tillsammans: both promise it together ("Tillsammans lovar vi att").',
        "OTHER": (
            "An organisation that is neither the municipality nor the police (a housing company, a school, the"
            " rescue service), named in `performedBy`."
        ),
        "UNSPECIFIED": 'The document names no actor (a passive "ska etableras", or none stated).',
    },
)

# A citizen promise `p` with its municipality `m`, county `co` and police region `r`: what the
# place filters need.
PROMISE_PLACES = f"JOIN municipality m ON m.code = p.municipality_id {PLACE_OF_MUNICIPALITY}"


@strawberry.input(description="Filters combine with AND.")
class CitizenPromiseFilter:
    municipality_code: str | None = strawberry.field(default=None, description=MUNICIPALITY_CODE)
    county_code: str | None = strawberry.field(default=None, description=COUNTY_CODE)
    police_region: str | None = strawberry.field(default=None, description=POLICE_REGION)
    year: int | None = strawberry.field(default=None, description="Promises whose period covers this calendar year.")
    area: str | None = strawberry.field(
        default=None,
        description="Slug of an area below the municipality (Area.slug): promises for it or for an area inside it"
        " (a stadsdel's neighbourhoods and places). Promises for the whole municipality are not included.",
    )


@strawberry.input(description="Filters combine with AND.")
class CommitmentFilter:
    actor: Actor | None = strawberry.field(default=None, description="Commitments of this actor only.")
    municipality_code: str | None = strawberry.field(default=None, description=MUNICIPALITY_CODE)
    county_code: str | None = strawberry.field(default=None, description=COUNTY_CODE)
    police_region: str | None = strawberry.field(default=None, description=POLICE_REGION)
    year: int | None = strawberry.field(
        default=None, description="Commitments of citizen promises whose period covers this calendar year."
    )
    topic: str | None = strawberry.field(
        default=None, description='A topic key (see `topics`), e.g. "narkotika": commitments tagged with it.'
    )
    area: str | None = strawberry.field(
        default=None,
        description="Slug of an area below the municipality (Area.slug): commitments for it or for an area inside"
        " it; a commitment is for its own area, else its citizen promise's.",
    )


def covers_year_sql(alias: str, year: int) -> Fragment:
    """The period of `alias` covers some of the calendar year."""
    a = sql.raw(alias)
    return sql(
        "({}.period_start <= {} AND ({}.period_end IS NULL OR {}.period_end >= {}))",
        a,
        dt.date(year, 12, 31),
        a,
        a,
        dt.date(year, 1, 1),
    )


def citizen_promise_where(value: CitizenPromiseFilter | None) -> list[Fragment]:
    """Conditions on a citizen promise `p` joined as PROMISE_PLACES."""
    if value is None:
        return []
    where = place_sql(value.municipality_code, value.county_code, value.police_region)
    if value.year is not None:
        where.append(covers_year_sql("p", value.year))
    if value.area is not None:
        where.append(area_sql("p.area_id", value.area))
    return where


def commitment_where(
    value: CommitmentFilter | None, year: Callable[[int], Fragment] | None = None, actor: str = "c.actor"
) -> list[Fragment]:
    """Conditions on a commitment `c` of citizen promise `p` joined as PROMISE_PLACES: the
    commitment filter, for lists and statistics alike (`year`: what the year filter asks of
    the promise; statistics ask it of their series of years; `actor`: whose actor the actor
    filter asks for, target statistics' rows with no commitment having one of their own)."""
    if value is None:
        return []
    where = place_sql(value.municipality_code, value.county_code, value.police_region)
    if value.year is not None:
        where.append(covers_year_sql("p", value.year) if year is None else year(value.year))
    if value.actor is not None:
        where.append(sql(f"{actor} = {{}}", value.actor.value))
    if value.topic is not None:
        where.append(topic_sql(value.topic))
    if value.area is not None:
        where.append(area_sql(COMMITMENT_AREA, value.area))
    return where


def topic_sql(topic: str) -> Fragment:
    """The commitment `c` is tagged with the topic."""
    return sql("EXISTS (SELECT 1 FROM commitment_topic ft WHERE ft.commitment_id = c.id AND ft.topic_id = {})", topic)
