from __future__ import annotations

from collections import defaultdict

from api.core.content import CONTENT_DECODE, CONTENT_FIELDS, PERIOD_DECODE
from api.core.loaders import Loader, Row, RowLoader, RowsLoader
from api.core.sql import Decode, columns
from api.people.loaders import ORGANISATION_FIELDS
from api.promises.filters import Actor, covers_year_sql
from models.sql import all_of, one_of, sql

CITIZEN_PROMISE_FIELDS = (
    *CONTENT_FIELDS,
    "title",
    "period_start",
    "period_end",
    "period_label",
    "municipality_id",
    "agreement_id",
    "area_id",
    "signed_on",
    "problem_picture",
    "problem_picture_html",
    "problem_picture_plain",
    "sections",
    "sections_html",
    "sections_plain",
    "links",
)
CITIZEN_PROMISE_DECODE = (
    CONTENT_DECODE + PERIOD_DECODE + Decode(dates=("signed_on",), json=("sections", "sections_html", "sections_plain"))
)
CITIZEN_PROMISE_COLUMNS = columns("p", CITIZEN_PROMISE_FIELDS)
COMMITMENT_FIELDS = (
    "id",
    "key",
    "actor",
    "actor_label",
    "number",
    "text",
    "position",
    "document_order",
    "citizen_promise_id",
    "area_id",
    "parent_id",
)
# A commitment's global ID names its citizen promise by slug: `c` joined to its promise `p`.
COMMITMENT_COLUMNS = columns("c", COMMITMENT_FIELDS) + ", p.slug AS citizen_promise__slug"
NEWEST_FIRST = "p.period_start DESC, p.slug"


class CitizenPromiseByIdLoader(RowLoader[int]):
    select = f"SELECT {CITIZEN_PROMISE_COLUMNS} FROM citizen_promise p"
    key_column = "p.id"
    visible = ("p",)
    decode = CITIZEN_PROMISE_DECODE


class CitizenPromiseBySlugLoader(RowLoader[str]):
    key_field = "slug"
    select = f"SELECT {CITIZEN_PROMISE_COLUMNS} FROM citizen_promise p"
    key_column = "p.slug"
    visible = ("p",)
    decode = CITIZEN_PROMISE_DECODE


class CitizenPromisesByMunicipalityLoader(Loader[tuple[str, int | None], list[Row]]):
    """A municipality's promises, all or those covering a year, newest first."""

    with_commitments = False

    async def load_batch(
        self, unique: list[tuple[str, int | None]], keys: list[tuple[str, int | None]]
    ) -> list[list[Row]]:
        codes_by_year: dict[int | None, list[str]] = defaultdict(list)
        for code, year in unique:
            codes_by_year[year].append(code)
        found: dict[tuple[str, int | None], list[Row]] = {key: [] for key in unique}
        for year, codes in codes_by_year.items():
            where = [one_of("p.municipality_id", codes), self.context.visible_sql("p")]
            if year is not None:
                where.append(covers_year_sql("p", year))
            if not self.with_commitments:
                rows = await self.context.rows(
                    sql(
                        f"SELECT {CITIZEN_PROMISE_COLUMNS} FROM citizen_promise p WHERE {{}} ORDER BY {NEWEST_FIRST}",
                        all_of(where),
                    ),
                    CITIZEN_PROMISE_DECODE,
                )
            else:
                rows = await self.context.rows(
                    sql(
                        f"SELECT {CITIZEN_PROMISE_COLUMNS}, {columns('c', COMMITMENT_FIELDS, 'commitment__')}"
                        " FROM citizen_promise p LEFT JOIN commitment c ON c.citizen_promise_id = p.id"
                        f" WHERE {{}} ORDER BY {NEWEST_FIRST}, c.document_order",
                        all_of(where),
                    ),
                    CITIZEN_PROMISE_DECODE,
                )
                rows = self._keep_commitments(rows)
            for row in rows:
                found[(row["municipality_id"], year)].append(row)
        return [found[key] for key in keys]

    def _keep_commitments(self, rows: list[Row]) -> list[Row]:
        """Prime CommitmentsByCitizenPromiseLoader (all and each actor's) from the joined rows;
        the promise rows, each once."""
        promises: dict[int, Row] = {}
        commitments: dict[int, list[Row]] = {}
        for row in rows:
            promise = promises.get(row["id"])
            if promise is None:
                promise = promises[row["id"]] = {name: row[name] for name in CITIZEN_PROMISE_FIELDS}
                commitments[row["id"]] = []
            if row["commitment__id"] is not None:
                commitment = {name: row[f"commitment__{name}"] for name in COMMITMENT_FIELDS}
                commitment["citizen_promise__slug"] = row["slug"]
                commitments[row["id"]].append(commitment)
        primed: dict[tuple[int, str | None], list[Row]] = {}
        for promise_id, found in commitments.items():
            primed[(promise_id, None)] = found
            for actor in Actor:
                primed[(promise_id, actor.value)] = [row for row in found if row["actor"] == actor.value]
        CommitmentsByCitizenPromiseLoader.of(self.context).prime_many(primed)
        return list(promises.values())


class CitizenPromisesWithCommitmentsByMunicipalityLoader(CitizenPromisesByMunicipalityLoader):
    """The same promises read with all their commitments in one statement, for a page that shows
    both: primes CitizenPromisesByMunicipalityLoader and CommitmentsByCitizenPromiseLoader."""

    with_commitments = True

    async def load_batch(
        self, unique: list[tuple[str, int | None]], keys: list[tuple[str, int | None]]
    ) -> list[list[Row]]:
        found = await super().load_batch(unique, keys)
        CitizenPromisesByMunicipalityLoader.of(self.context).prime_many(dict(zip(keys, found, strict=True)))
        return found


class CitizenPromisesByAgreementLoader(RowsLoader[int]):
    group_field = "agreement_id"
    select = f"SELECT {CITIZEN_PROMISE_COLUMNS} FROM citizen_promise p"
    key_column = "p.agreement_id"
    visible = ("p",)
    order_by = NEWEST_FIRST
    decode = CITIZEN_PROMISE_DECODE


class CommitmentsByCitizenPromiseLoader(Loader[tuple[int, str | None], list[Row]]):
    """Commitments of a promise in document order, all or one actor's."""

    async def load_batch(
        self, unique: list[tuple[int, str | None]], keys: list[tuple[int, str | None]]
    ) -> list[list[Row]]:
        where = [one_of("c.citizen_promise_id", sorted({promise_id for promise_id, _ in unique}))]
        actors = {actor for _, actor in unique}
        if None not in actors:
            where.append(one_of("c.actor", sorted(a for a in actors if a is not None)))
        rows = await self.context.rows(
            sql(
                f"SELECT {COMMITMENT_COLUMNS} FROM commitment c JOIN citizen_promise p ON p.id = c.citizen_promise_id"
                " WHERE {} ORDER BY c.citizen_promise_id, c.document_order",
                all_of(where),
            )
        )
        grouped: dict[tuple[int, str | None], list[Row]] = defaultdict(list)
        for row in rows:
            grouped[(row["citizen_promise_id"], None)].append(row)
            grouped[(row["citizen_promise_id"], row["actor"])].append(row)
        return [grouped.get(key, []) for key in keys]


class CommitmentByIdLoader(RowLoader[int]):
    select = f"SELECT {COMMITMENT_COLUMNS} FROM commitment c JOIN citizen_promise p ON p.id = c.citizen_promise_id"
    key_column = "c.id"
    visible = ("p",)


class ActivitiesByCommitmentLoader(RowsLoader[int]):
    """The activities under a joint statement, in document order (same promise, so visible)."""

    group_field = "parent_id"
    select = f"SELECT {COMMITMENT_COLUMNS} FROM commitment c JOIN citizen_promise p ON p.id = c.citizen_promise_id"
    key_column = "c.parent_id"
    order_by = "c.parent_id, c.document_order"


class CommitmentByKeyLoader(Loader[tuple[str, str], Row | None]):
    """By (citizen promise slug, commitment key): how global IDs and links name a commitment."""

    async def load_batch(self, unique: list[tuple[str, str]], keys: list[tuple[str, str]]) -> list[Row | None]:
        rows = await self.context.rows(
            sql(
                f"SELECT {COMMITMENT_COLUMNS} FROM commitment c JOIN citizen_promise p ON p.id = c.citizen_promise_id"
                " WHERE {} AND {} AND {}",
                one_of("p.slug", sorted({slug for slug, _ in unique})),
                one_of("c.key", sorted({key for _, key in unique})),
                self.context.visible_sql("p"),
            )
        )
        by_key = {(row["citizen_promise__slug"], row["key"]): row for row in rows}
        return [by_key.get(key) for key in keys]


class TopicsByCommitmentLoader(RowsLoader[int]):
    group_field = "commitment_id"
    select = "SELECT ct.commitment_id AS commitment_id, ct.topic_id AS topic_id FROM commitment_topic ct"
    key_column = "ct.commitment_id"
    order_by = "ct.commitment_id, ct.position"


class PartiesByCitizenPromiseLoader(RowsLoader[int]):
    group_field = "citizen_promise_id"
    select = (
        f"SELECT cpp.citizen_promise_id AS citizen_promise_id, {columns('o', ORGANISATION_FIELDS)}"
        " FROM citizen_promise_party cpp JOIN organisation o ON o.id = cpp.organisation_id"
    )
    key_column = "cpp.citizen_promise_id"
    order_by = "cpp.citizen_promise_id, cpp.position"


class SignatoriesByCitizenPromiseLoader(RowsLoader[int]):
    group_field = "citizen_promise_id"
    select = (
        "SELECT s.citizen_promise_id AS citizen_promise_id, pe.name AS person__name, s.title AS title,"
        " s.organisation_id AS organisation_id, s.signed_on AS signed_on, s.place AS place"
        " FROM citizen_promise_signatory s JOIN person pe ON pe.id = s.person_id"
    )
    key_column = "s.citizen_promise_id"
    order_by = "s.citizen_promise_id, s.position"
    decode = Decode(dates=("signed_on",))


class PartnersByCommitmentLoader(RowsLoader[int]):
    group_field = "commitment_id"
    select = (
        f"SELECT cp.commitment_id AS commitment_id, {columns('o', ORGANISATION_FIELDS)}"
        " FROM commitment_partner cp JOIN organisation o ON o.id = cp.organisation_id"
    )
    key_column = "cp.commitment_id"
    order_by = "cp.commitment_id, cp.position"


class TopicsLoader(Loader[None, list[Row]]):
    async def load_batch(self, unique: list[None], keys: list[None]) -> list[list[Row]]:
        rows = await self.context.rows(
            sql.raw("SELECT t.key AS key, t.label AS label FROM topic t ORDER BY t.position, t.key")
        )
        return [rows for _ in keys]


class PerformersByCommitmentLoader(RowsLoader[int]):
    group_field = "commitment_id"
    select = (
        f"SELECT cp.commitment_id AS commitment_id, {columns('o', ORGANISATION_FIELDS)}"
        " FROM commitment_performer cp JOIN organisation o ON o.id = cp.organisation_id"
    )
    key_column = "cp.commitment_id"
    order_by = "cp.commitment_id, cp.position"


TARGET_FIELDS = (
    "id",
    "commitment_id",
    "key",
    "position",
    "quantity",
    "qualifier",
    "counted",
    "interval",
    "deadline",
    "phrase",
)
TARGET_COLUMNS = columns("t", TARGET_FIELDS)
TARGET_DECODE = Decode(dates=("deadline",))


class TargetsByCommitmentLoader(RowsLoader[int]):
    group_field = "commitment_id"
    select = f"SELECT {TARGET_COLUMNS} FROM commitment_target t"
    key_column = "t.commitment_id"
    order_by = "t.commitment_id, t.position"
    decode = TARGET_DECODE


class TargetByIdLoader(RowLoader[int]):
    """A target by id; read through a visible follow-up's result, of the same (visible) promise."""

    select = f"SELECT {TARGET_COLUMNS} FROM commitment_target t"
    key_column = "t.id"
    decode = TARGET_DECODE


TARGET_GROUP_FIELDS = (
    "id",
    "citizen_promise_id",
    "commitment_id",
    "position",
    "label",
    "age_from",
    "age_to",
    "school_year",
)
TARGET_GROUP_COLUMNS = columns("tg", TARGET_GROUP_FIELDS)


class TargetGroupsByCitizenPromiseLoader(RowsLoader[int]):
    """A promise's own target groups (not its commitments'), in the order printed."""

    group_field = "citizen_promise_id"
    select = f"SELECT {TARGET_GROUP_COLUMNS} FROM (SELECT * FROM target_group WHERE commitment_id IS NULL) tg"
    key_column = "tg.citizen_promise_id"
    order_by = "tg.citizen_promise_id, tg.position"


class TargetGroupsByCommitmentLoader(RowsLoader[int]):
    group_field = "commitment_id"
    select = f"SELECT {TARGET_GROUP_COLUMNS} FROM target_group tg"
    key_column = "tg.commitment_id"
    order_by = "tg.commitment_id, tg.position"


SUCCESSION_FIELDS = (
    "id",
    "citizen_promise_id",
    "commitment_id",
    "follow_up_id",
    "position",
    "kind",
    "target_slug",
    "target_key",
    "reference",
)
SUCCESSION_COLUMNS = columns("sc", SUCCESSION_FIELDS)


class SuccessionByCitizenPromiseLoader(RowsLoader[int]):
    """A promise's own succession links (not its commitments'), in the order printed."""

    group_field = "citizen_promise_id"
    select = f"SELECT {SUCCESSION_COLUMNS} FROM (SELECT * FROM succession WHERE commitment_id IS NULL) sc"
    key_column = "sc.citizen_promise_id"
    order_by = "sc.citizen_promise_id, sc.position"


class SuccessionByCommitmentLoader(RowsLoader[int]):
    group_field = "commitment_id"
    select = f"SELECT {SUCCESSION_COLUMNS} FROM succession sc"
    key_column = "sc.commitment_id"
    order_by = "sc.commitment_id, sc.position"


class SuccessionByFollowUpLoader(RowsLoader[int]):
    group_field = "follow_up_id"
    select = f"SELECT {SUCCESSION_COLUMNS} FROM succession sc"
    key_column = "sc.follow_up_id"
    order_by = "sc.follow_up_id, sc.position"
