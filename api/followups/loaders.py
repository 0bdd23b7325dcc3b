from __future__ import annotations

from collections.abc import Iterable

from api.core.content import CONTENT_FIELDS
from api.core.loaders import Row, RowLoader, RowsLoader
from api.promises.loaders import COMMITMENT_FIELDS
from models import FollowUp, FollowUpEntry, FollowUpEntryCommitment

FOLLOW_UP_FIELDS = (
    *CONTENT_FIELDS,
    "title",
    "year",
    "period_start",
    "period_end",
    "period_label",
    "citizen_promise_id",
    "links",
)
ENTRY_FIELDS = ("id", "follow_up_id", "position", "narrative", "assessment")
OLDEST_FIRST = ("year", "slug")


class FollowUpByIdLoader(RowLoader[int]):
    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        return await FollowUp.filter(
            self.context.visible(), self.context.visible("citizen_promise"), id__in=keys
        ).values(*FOLLOW_UP_FIELDS)


class FollowUpBySlugLoader(RowLoader[str]):
    key_field = "slug"

    async def fetch(self, keys: list[str]) -> Iterable[Row]:
        return await FollowUp.filter(
            self.context.visible(), self.context.visible("citizen_promise"), slug__in=keys
        ).values(*FOLLOW_UP_FIELDS)


class FollowUpsByCitizenPromiseLoader(RowsLoader[int]):
    group_field = "citizen_promise_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        return await (
            FollowUp.filter(
                self.context.visible(), self.context.visible("citizen_promise"), citizen_promise_id__in=keys
            )
            .order_by(*OLDEST_FIRST)
            .values(*FOLLOW_UP_FIELDS)
        )


class EntriesByFollowUpLoader(RowsLoader[int]):
    group_field = "follow_up_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        return (
            await FollowUpEntry.filter(follow_up_id__in=keys).order_by("follow_up_id", "position").values(*ENTRY_FIELDS)
        )


class EntriesByCommitmentLoader(RowsLoader[int]):
    """The visible follow-up entries reporting on a commitment, oldest follow-up first."""

    group_field = "commitment_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        rows = await (
            FollowUpEntryCommitment.filter(self.context.visible("entry__follow_up"), commitment_id__in=keys)
            .order_by("commitment_id", "entry__follow_up__year", "entry__follow_up__slug", "entry__position")
            .values("commitment_id", *(f"entry__{name}" for name in ENTRY_FIELDS))
        )
        return [
            {"commitment_id": row["commitment_id"], **{n: row[f"entry__{n}"] for n in ENTRY_FIELDS}} for row in rows
        ]


class CommitmentsByEntryLoader(RowsLoader[int]):
    group_field = "entry_id"

    async def fetch(self, keys: list[int]) -> Iterable[Row]:
        rows = await (
            FollowUpEntryCommitment.filter(entry_id__in=keys)
            .order_by("entry_id", "position")
            .values("entry_id", *(f"commitment__{name}" for name in COMMITMENT_FIELDS))
        )
        return [
            {"entry_id": row["entry_id"], **{n: row[f"commitment__{n}"] for n in COMMITMENT_FIELDS}} for row in rows
        ]
