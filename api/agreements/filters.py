"""Agreement filters, applied in SQL."""

from __future__ import annotations

import datetime as dt

import strawberry

from api.core.sql import Statement
from api.geography.filters import COUNTY_CODE, MUNICIPALITY_CODE, PLACE_OF_MUNICIPALITY, POLICE_REGION, place_sql


@strawberry.input(description="Filters combine with AND; the place filters match a municipality that is a party.")
class AgreementFilter:
    municipality_code: str | None = strawberry.field(
        default=None, description=MUNICIPALITY_CODE + " Agreements the municipality is a party to."
    )
    county_code: str | None = strawberry.field(default=None, description=COUNTY_CODE)
    police_region: str | None = strawberry.field(default=None, description=POLICE_REGION)
    active_on: dt.date | None = strawberry.field(
        default=None,
        description="In force on this date: its period covers it; an agreement whose period is unknown is in"
        " force from its signing or publication date on.",
    )


def active_on_sql(statement: Statement, alias: str, date: dt.date) -> str:
    """In force on `date`. Without a period, from its signing date, else the printed publication
    date, else the day it was first published here."""
    a = alias
    on = statement.date("active_on", date)
    next_day = statement.timestamp(
        "active_on_next_day", dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    )
    return (
        f"(({a}.period_start <= {on} AND ({a}.period_end IS NULL OR {a}.period_end >= {on}))"
        f" OR ({a}.period_start IS NULL AND ({a}.signed_on <= {on}"
        f" OR ({a}.signed_on IS NULL AND {a}.source_published_on <= {on})"
        f" OR ({a}.signed_on IS NULL AND {a}.source_published_on IS NULL AND {a}.published_at < {next_day}))))"
    )


def agreement_where(statement: Statement, alias: str, value: AgreementFilter | None) -> list[str]:
    """Conditions on agreements `alias`: a municipality party matching all the places given."""
    if value is None:
        return []
    where = []
    places = place_sql(statement, value.municipality_code, value.county_code, value.police_region)
    if places:
        where.append(
            f"{alias}.id IN (SELECT ap.agreement_id FROM agreement_party ap"
            " JOIN organisation o ON o.id = ap.organisation_id JOIN municipality m ON m.code = o.municipality_id"
            f" {PLACE_OF_MUNICIPALITY}"
            f" WHERE {' AND '.join(places)})"
        )
    if value.active_on is not None:
        where.append(active_on_sql(statement, alias, value.active_on))
    return where
