from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from api.agreements.filters import active_on_sql
from api.core.content import CONTENT_DECODE, CONTENT_FIELDS, PERIOD_DECODE
from api.core.loaders import Loader, Row, RowLoader, RowsLoader
from api.core.sql import Decode, columns
from api.geography.loaders import MUNICIPALITY_FIELDS
from api.people.loaders import ORGANISATION_FIELDS
from models.sql import all_of, one_of, sql

AGREEMENT_FIELDS = (
    *CONTENT_FIELDS,
    "title",
    "period_start",
    "period_end",
    "period_label",
    "signed_on",
    "signed_place",
    "sections",
    "sections_html",
    "sections_plain",
    "problem_areas",
    "links",
)
AGREEMENT_DECODE = (
    CONTENT_DECODE
    + PERIOD_DECODE
    + Decode(dates=("signed_on",), json=("sections", "sections_html", "sections_plain", "problem_areas"))
)
AGREEMENT_COLUMNS = columns("a", AGREEMENT_FIELDS)


class AgreementByIdLoader(RowLoader[int]):
    select = f"SELECT {AGREEMENT_COLUMNS} FROM agreement a"
    key_column = "a.id"
    visible = ("a",)
    decode = AGREEMENT_DECODE


class AgreementBySlugLoader(RowLoader[str]):
    key_field = "slug"
    select = f"SELECT {AGREEMENT_COLUMNS} FROM agreement a"
    key_column = "a.slug"
    visible = ("a",)
    decode = AGREEMENT_DECODE


class AgreementsByMunicipalityLoader(Loader[tuple[str, dt.date | None], list[Row]]):
    """Agreements a municipality is party to, newest period first; optionally those in force."""

    async def load_batch(
        self, unique: list[tuple[str, dt.date | None]], keys: list[tuple[str, dt.date | None]]
    ) -> list[list[Row]]:
        codes_by_date: dict[dt.date | None, list[str]] = defaultdict(list)
        for code, date in unique:
            codes_by_date[date].append(code)
        found: dict[tuple[str, dt.date | None], list[Row]] = defaultdict(list)
        for date, codes in codes_by_date.items():
            where = [one_of("o.municipality_id", codes), self.context.visible_sql("a")]
            if date is not None:
                where.append(active_on_sql("a", date))
            rows = await self.context.rows(
                sql(
                    f"SELECT o.municipality_id AS party_municipality_id, {AGREEMENT_COLUMNS}"
                    " FROM agreement_party ap JOIN agreement a ON a.id = ap.agreement_id"
                    " JOIN organisation o ON o.id = ap.organisation_id"
                    " WHERE {}",
                    all_of(where),
                ),
                AGREEMENT_DECODE,
            )
            for row in rows:
                found[(row.pop("party_municipality_id"), date)].append(row)
        return [sort_newest_first(found.get(key, [])) for key in keys]


def sort_newest_first(rows: list[Row]) -> list[Row]:
    """Newest period first, then by slug: the order of the agreements connection. An unknown
    period sorts by the date the agreement is in force from."""
    by_slug = sorted(rows, key=lambda row: row["slug"])
    return sorted(by_slug, key=lambda row: str(effective_start(row)), reverse=True)


def effective_start(row: Row) -> dt.date | str:
    return row["period_start"] or row["signed_on"] or row["source_published_on"] or "0001-01-01"


class PartiesByAgreementLoader(RowsLoader[int]):
    """The parties in document order, and with them the municipalities among them: one statement
    serves both Agreement.parties and Agreement.municipalities."""

    group_field = "agreement_id"
    select = (
        f"SELECT ap.agreement_id AS agreement_id, {columns('o', ORGANISATION_FIELDS)},"
        f" {columns('m', MUNICIPALITY_FIELDS, 'municipality__')}"
        " FROM agreement_party ap JOIN organisation o ON o.id = ap.organisation_id"
        " LEFT JOIN municipality m ON m.code = o.municipality_id"
    )
    key_column = "ap.agreement_id"
    order_by = "ap.agreement_id, ap.position"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        rows = await super().fetch(keys)
        MunicipalitiesByAgreementLoader.of(self.context).prime_rows(keys, municipalities_of(rows))
        return rows


def municipalities_of(parties: Iterable[Row]) -> list[Row]:
    return [
        {"agreement_id": row["agreement_id"], **{name: row[f"municipality__{name}"] for name in MUNICIPALITY_FIELDS}}
        for row in parties
        if row["municipality__code"] is not None
    ]


class MunicipalitiesByAgreementLoader(RowsLoader[int]):
    group_field = "agreement_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        parties = PartiesByAgreementLoader.of(self.context)
        rows = await parties.fetch(keys)
        parties.prime_rows(keys, rows)
        return municipalities_of(rows)


class SignatoriesByAgreementLoader(RowsLoader[int]):
    group_field = "agreement_id"
    select = (
        "SELECT s.agreement_id AS agreement_id, pe.name AS person__name, s.title AS title,"
        " s.organisation_id AS organisation_id, s.signed_on AS signed_on, s.place AS place"
        " FROM signatory s JOIN person pe ON pe.id = s.person_id"
    )
    key_column = "s.agreement_id"
    order_by = "s.agreement_id, s.position"
    decode = Decode(dates=("signed_on",))


BODY_COLUMNS = (
    "b.id AS id, b.agreement_id AS agreement_id, b.key AS key, b.position AS position, b.name AS name,"
    " b.role AS role, b.meetings_per_year AS meetings_per_year, b.cadence AS cadence, b.parent_id AS parent_id"
)


class BodiesByAgreementLoader(RowsLoader[int]):
    group_field = "agreement_id"
    select = f"SELECT {BODY_COLUMNS} FROM governance_body b"
    key_column = "b.agreement_id"
    order_by = "b.agreement_id, b.position"


class BodyByIdLoader(RowLoader[int]):
    """A body by id; read through its visible agreement."""

    select = f"SELECT {BODY_COLUMNS} FROM governance_body b"
    key_column = "b.id"


class MembersByBodyLoader(RowsLoader[int]):
    group_field = "body_id"
    select = (
        f"SELECT gm.body_id AS body_id, {columns('o', ORGANISATION_FIELDS)}"
        " FROM governance_body_member gm JOIN organisation o ON o.id = gm.organisation_id"
    )
    key_column = "gm.body_id"
    order_by = "gm.body_id, gm.position"


class FollowUpRulesByAgreementLoader(RowsLoader[int]):
    group_field = "agreement_id"
    select = (
        "SELECT r.agreement_id AS agreement_id, r.position AS position, r.form AS form,"
        " r.times_per_year AS times_per_year, r.responsible_id AS responsible_id,"
        " r.at_meetings_of_id AS at_meetings_of_id, r.reported_to AS reported_to, r.phrase AS phrase"
        " FROM follow_up_rule r"
    )
    key_column = "r.agreement_id"
    order_by = "r.agreement_id, r.position"
