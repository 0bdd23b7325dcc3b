from __future__ import annotations

from collections.abc import Iterable

from api.core.content import CONTENT_DECODE, CONTENT_FIELDS, PERIOD_DECODE
from api.core.loaders import K, Row, RowLoader, RowsLoader, joined
from api.core.sql import Decode, columns
from api.promises.loaders import COMMITMENT_COLUMNS, COMMITMENT_FIELDS

FOLLOW_UP_FIELDS = (
    *CONTENT_FIELDS,
    "title",
    "year",
    "span",
    "span_number",
    "period_start",
    "period_end",
    "period_label",
    "citizen_promise_id",
    "links",
)
FOLLOW_UP_DECODE = CONTENT_DECODE + PERIOD_DECODE
FOLLOW_UP_COLUMNS = columns("f", FOLLOW_UP_FIELDS)
# A follow-up `f` is visible when it and its citizen promise `p` are.
FOLLOW_UP_TABLES = "follow_up f JOIN citizen_promise p ON p.id = f.citizen_promise_id"
ENTRY_FIELDS = (
    "id",
    "follow_up_id",
    "position",
    "narrative",
    "narrative_html",
    "narrative_plain",
    "assessment",
    "actor",
    "heading",
)


class FollowUpLoader(RowLoader[K]):
    select = f"SELECT {FOLLOW_UP_COLUMNS} FROM {FOLLOW_UP_TABLES}"
    visible = ("f", "p")
    decode = FOLLOW_UP_DECODE


class FollowUpByIdLoader(FollowUpLoader[int]):
    key_column = "f.id"


class FollowUpBySlugLoader(FollowUpLoader[str]):
    key_field = "slug"
    key_column = "f.slug"


class FollowUpsByCitizenPromiseLoader(RowsLoader[int]):
    group_field = "citizen_promise_id"
    select = f"SELECT {FOLLOW_UP_COLUMNS} FROM {FOLLOW_UP_TABLES}"
    key_column = "f.citizen_promise_id"
    visible = ("f", "p")
    order_by = "f.year, f.slug"
    decode = FOLLOW_UP_DECODE


class FollowUpsWithEntriesByCitizenPromiseLoader(RowsLoader[int]):
    """The follow-ups of FollowUpsByCitizenPromiseLoader read with their entries and the
    commitments each entry reports on, in one statement, for a page that shows them together:
    primes FollowUpsByCitizenPromiseLoader, EntriesByFollowUpLoader and CommitmentsByEntryLoader."""

    group_field = "citizen_promise_id"
    select = (
        f"SELECT {FOLLOW_UP_COLUMNS}, {columns('e', ENTRY_FIELDS, 'entry__')},"
        f" {columns('c', COMMITMENT_FIELDS, 'commitment__')}, p.slug AS promise_slug"
        f" FROM {FOLLOW_UP_TABLES} LEFT JOIN follow_up_entry e ON e.follow_up_id = f.id"
        " LEFT JOIN follow_up_entry_commitment fec ON fec.entry_id = e.id"
        " LEFT JOIN commitment c ON c.id = fec.commitment_id"
    )
    key_column = "f.citizen_promise_id"
    visible = ("f", "p")
    order_by = "f.year, f.slug, e.position, fec.position"
    decode = FOLLOW_UP_DECODE

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        rows = await super().fetch(keys)
        follow_ups = joined(rows, "", FOLLOW_UP_FIELDS, "id")
        entries = joined(rows, "entry__", ENTRY_FIELDS, "id")
        commitments = [
            {
                **{name: row[f"commitment__{name}"] for name in COMMITMENT_FIELDS},
                "entry_id": row["entry__id"],
                "citizen_promise__slug": row["promise_slug"],
            }
            for row in rows
            if row["commitment__id"] is not None
        ]
        FollowUpsByCitizenPromiseLoader.of(self.context).prime_rows(keys, follow_ups)
        EntriesByFollowUpLoader.of(self.context).prime_rows([row["id"] for row in follow_ups], entries)
        CommitmentsByEntryLoader.of(self.context).prime_rows([row["id"] for row in entries], commitments)
        return follow_ups


class EntriesByFollowUpLoader(RowsLoader[int]):
    group_field = "follow_up_id"
    select = f"SELECT {columns('e', ENTRY_FIELDS)} FROM follow_up_entry e"
    key_column = "e.follow_up_id"
    order_by = "e.follow_up_id, e.position"


class EntriesByCommitmentLoader(RowsLoader[int]):
    """The visible follow-up entries reporting on a commitment, oldest follow-up first."""

    group_field = "commitment_id"
    select = (
        f"SELECT fec.commitment_id AS commitment_id, {columns('e', ENTRY_FIELDS)}"
        " FROM follow_up_entry_commitment fec JOIN follow_up_entry e ON e.id = fec.entry_id"
        " JOIN follow_up f ON f.id = e.follow_up_id"
    )
    key_column = "fec.commitment_id"
    visible = ("f",)
    order_by = "fec.commitment_id, f.year, f.slug, e.position"


class CommitmentsByEntryLoader(RowsLoader[int]):
    group_field = "entry_id"
    select = (
        f"SELECT fec.entry_id AS entry_id, {COMMITMENT_COLUMNS}"
        " FROM follow_up_entry_commitment fec JOIN commitment c ON c.id = fec.commitment_id"
        " JOIN citizen_promise p ON p.id = c.citizen_promise_id"
    )
    key_column = "fec.entry_id"
    order_by = "fec.entry_id, fec.position"


RESULT_FIELDS = (
    "id",
    "entry_id",
    "position",
    "quantity",
    "approximate",
    "counted",
    "interval",
    "period_start",
    "period_end",
    "period_label",
    "phrase",
    "target_id",
)


class ResultsByEntryLoader(RowsLoader[int]):
    group_field = "entry_id"
    select = f"SELECT {columns('r', RESULT_FIELDS)} FROM follow_up_entry_result r"
    key_column = "r.entry_id"
    order_by = "r.entry_id, r.position"
    decode = PERIOD_DECODE + Decode(booleans=("approximate",))


STATUS_FIELDS = ("follow_up_id", "target_id", "status", "reported_quantity", "approximate", "results")


class TargetStatusesByFollowUpLoader(RowsLoader[int]):
    """Every target of a follow-up's promise with its derived status for the follow-up (the
    `target_status` view, models/migrations/0010_targets_results.py), in document order."""

    group_field = "follow_up_id"
    select = f"SELECT {columns('ts', STATUS_FIELDS)} FROM target_status ts"
    key_column = "ts.follow_up_id"
    order_by = "ts.follow_up_id, ts.commitment_order, ts.position"
    decode = Decode(booleans=("approximate",))


class AuthorByFollowUpLoader(RowLoader[int]):
    """The author of a follow-up (read through the visible follow-up), as a signatory row."""

    key_field = "follow_up_id"
    select = (
        "SELECT s.follow_up_id AS follow_up_id, pe.name AS person__name, s.title AS title,"
        " s.organisation_id AS organisation_id, s.signed_on AS signed_on, s.place AS place"
        " FROM follow_up_author s JOIN person pe ON pe.id = s.person_id"
    )
    key_column = "s.follow_up_id"
    decode = Decode(dates=("signed_on",))
