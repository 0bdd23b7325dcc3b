"""Agreement filters, applied in SQL."""

from __future__ import annotations

import datetime as dt

import strawberry

from api.geography.filters import COUNTY_CODE, MUNICIPALITY_CODE, PLACE_OF_MUNICIPALITY, POLICE_REGION, place_sql
from models.sql import Fragment, all_of, sql, year_of


@strawberry.input(description="Filters combine with AND; the place filters match a municipality that is a party.")
class AgreementFilter:
    municipality_code: str | None = strawberry.field(
        default=None, description=MUNICIPALITY_CODE + " Agreements the municipality is a party to."
    )
    county_code: str | None = strawberry.field(default=None, description=COUNTY_CODE)
    police_region: str | None = strawberry.field(default=None, description=POLICE_REGION)
    active_on: dt.date | None = strawberry.field(
        default=None,
        description="In force on this date: its period covers it. An agreement that prints no period is in"
        " force from its signing date (else its printed publication date, else the day it was first published"
        " here) to the end of the third calendar year after that one: four calendar years, the term such"
        " agreements print (2020–2023, 2023–2026); after that it no longer counts as in force.",
    )


# An agreement that prints no period is in force for this many calendar years, counting the
# year it is known from: the term the seed agreements print (2020–2023, 2023–2026). Before issue
# 17 it counted as in force in every year after its signing, for ever.
UNDATED_TERM_YEARS = 4


def undated_since_year(alias: str) -> Fragment:
    """The year an agreement without a period is in force from: of its signing date, else of the
    printed publication date, else of the day it was first published here."""
    a = alias
    return sql(
        "COALESCE({}, {}, {})",
        year_of(f"{a}.signed_on"),
        year_of(f"{a}.source_published_on"),
        year_of(f"{a}.published_at"),
    )


def active_on_sql(alias: str, date: dt.date) -> Fragment:
    """In force on `date`. Without a period, from its signing date, else the printed publication
    date, else the day it was first published here, for UNDATED_TERM_YEARS calendar years."""
    a = alias
    on = sql.value(date)
    next_day = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    first_year = date.year - UNDATED_TERM_YEARS + 1
    return sql(
        f"(({a}.period_start <= {{}} AND ({a}.period_end IS NULL OR {a}.period_end >= {{}}))"
        f" OR ({a}.period_start IS NULL AND {{}} >= {{}}"
        f" AND ({a}.signed_on <= {{}}"
        f" OR ({a}.signed_on IS NULL AND {a}.source_published_on <= {{}})"
        f" OR ({a}.signed_on IS NULL AND {a}.source_published_on IS NULL AND {a}.published_at < {{}}))))",
        on,
        on,
        undated_since_year(a),
        first_year,
        on,
        on,
        next_day,
    )


def agreement_where(alias: str, value: AgreementFilter | None) -> list[Fragment]:
    """Conditions on agreements `alias`: a municipality party matching all the places given."""
    if value is None:
        return []
    where = []
    places = place_sql(value.municipality_code, value.county_code, value.police_region)
    if places:
        where.append(
            sql(
                f"{alias}.id IN (SELECT ap.agreement_id FROM agreement_party ap"
                " JOIN organisation o ON o.id = ap.organisation_id JOIN municipality m ON m.code = o.municipality_id"
                f" {PLACE_OF_MUNICIPALITY}"
                " WHERE {})",
                all_of(places),
            )
        )
    if value.active_on is not None:
        where.append(active_on_sql(alias, value.active_on))
    return where
