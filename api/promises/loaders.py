from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from api.core.content import CONTENT_FIELDS
from api.core.loaders import Loader, Row, RowLoader, RowsLoader
from api.people.loaders import ORGANISATION_FIELDS
from api.promises.filters import covers_year
from models import CitizenPromise, Commitment, CommitmentPartner, CommitmentTopic, Topic

CITIZEN_PROMISE_FIELDS = (
    *CONTENT_FIELDS,
    "title",
    "period_start",
    "period_end",
    "period_label",
    "municipality_id",
    "agreement_id",
    "problem_picture",
    "sections",
    "links",
)
COMMITMENT_FIELDS = (
    "id",
    "key",
    "actor",
    "actor_label",
    "text",
    "position",
    "document_order",
    "citizen_promise_id",
    "citizen_promise__slug",
)
NEWEST_FIRST = ("-period_start", "slug")


class CitizenPromiseByIdLoader(RowLoader[int]):
    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        return await CitizenPromise.filter(self.context.visible(), id__in=keys).values(*CITIZEN_PROMISE_FIELDS)


class CitizenPromiseBySlugLoader(RowLoader[str]):
    key_field = "slug"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        return await CitizenPromise.filter(self.context.visible(), slug__in=keys).values(*CITIZEN_PROMISE_FIELDS)


class CitizenPromisesByMunicipalityLoader(Loader[tuple[str, int | None], list[Row]]):
    async def load_batch(
        self, unique: list[tuple[str, int | None]], keys: list[tuple[str, int | None]]
    ) -> list[list[Row]]:
        codes_by_year: dict[int | None, list[str]] = defaultdict(list)
        for code, year in unique:
            codes_by_year[year].append(code)
        found: dict[tuple[str, int | None], list[Row]] = defaultdict(list)
        for year, codes in codes_by_year.items():
            query = CitizenPromise.filter(self.context.visible(), municipality_id__in=codes)
            if year is not None:
                query = query.filter(covers_year(year))
            for row in await query.order_by(*NEWEST_FIRST).values(*CITIZEN_PROMISE_FIELDS):
                found[(row["municipality_id"], year)].append(row)
        return [found.get(key, []) for key in keys]


class CitizenPromisesByAgreementLoader(RowsLoader[int]):
    group_field = "agreement_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        return await (
            CitizenPromise.filter(self.context.visible(), agreement_id__in=keys)
            .order_by(*NEWEST_FIRST)
            .values(*CITIZEN_PROMISE_FIELDS)
        )


class CommitmentsByCitizenPromiseLoader(Loader[tuple[int, str | None], list[Row]]):
    """Commitments of a promise in document order, all or one actor's."""

    async def load_batch(
        self, unique: list[tuple[int, str | None]], keys: list[tuple[int, str | None]]
    ) -> list[list[Row]]:
        promise_ids = sorted({promise_id for promise_id, _ in unique})
        actors = {actor for _, actor in unique}
        query = Commitment.filter(citizen_promise_id__in=promise_ids)
        if None not in actors:
            query = query.filter(actor__in=sorted(a for a in actors if a is not None))
        rows = await query.order_by("citizen_promise_id", "document_order").values(*COMMITMENT_FIELDS)
        grouped: dict[tuple[int, str | None], list[Row]] = defaultdict(list)
        for row in rows:
            grouped[(row["citizen_promise_id"], None)].append(row)
            grouped[(row["citizen_promise_id"], row["actor"])].append(row)
        return [grouped.get(key, []) for key in keys]


class CommitmentByIdLoader(RowLoader[int]):
    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        return await Commitment.filter(self.context.visible("citizen_promise"), id__in=keys).values(*COMMITMENT_FIELDS)


class CommitmentByKeyLoader(Loader[tuple[str, str], Row | None]):
    """By (citizen promise slug, commitment key): how global IDs and links name a commitment."""

    async def load_batch(self, unique: list[tuple[str, str]], keys: list[tuple[str, str]]) -> list[Row | None]:
        slugs = sorted({slug for slug, _ in unique})
        rows = await Commitment.filter(
            self.context.visible("citizen_promise"),
            citizen_promise__slug__in=slugs,
            key__in=sorted({key for _, key in unique}),
        ).values(*COMMITMENT_FIELDS)
        by_key = {(row["citizen_promise__slug"], row["key"]): row for row in rows}
        return [by_key.get(key) for key in keys]


class TopicsByCommitmentLoader(RowsLoader[int]):
    group_field = "commitment_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        return await (
            CommitmentTopic.filter(commitment_id__in=keys)
            .order_by("commitment_id", "position")
            .values("commitment_id", "topic_id", "topic__label")
        )


class PartnersByCommitmentLoader(RowsLoader[int]):
    group_field = "commitment_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        rows = await (
            CommitmentPartner.filter(commitment_id__in=keys)
            .order_by("commitment_id", "position")
            .values("commitment_id", *(f"organisation__{name}" for name in ORGANISATION_FIELDS))
        )
        return [
            {
                "commitment_id": row["commitment_id"],
                **{n: row[f"organisation__{n}"] for n in ORGANISATION_FIELDS},
            }
            for row in rows
        ]


class TopicsLoader(Loader[None, list[Row]]):
    async def load_batch(self, unique: list[None], keys: list[None]) -> list[list[Row]]:
        rows = await Topic.all().order_by("position", "key").values("key", "label")
        return [rows for _ in keys]
