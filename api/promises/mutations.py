"""citizenPromiseCreate, citizenPromiseUpdate, citizenPromiseDelete (commitments are part of
the item), and citizenPromiseCopy, which starts next period's medborgarlöfte."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from pydantic import ValidationError
from strawberry.tools import merge_types
from strawberry.types import Info

from api.context import Context
from api.core import inputs
from api.editorial import writes
from api.editorial.mutations import content_mutations, invalid_arguments, target
from api.editorial.types import ContentWritePayload
from api.editorial.writes import FieldProblem, Outcome, WriteResult
from seed import format as fmt

CitizenPromiseCrud = content_mutations("CitizenPromise", "citizen_promises")


@strawberry.input(description="A period as printed.")
class PeriodInput:
    start: dt.date = strawberry.field(description="First day.")
    end: dt.date | None = strawberry.field(default=None, description="Last day; null: open-ended.")
    label: str = strawberry.field(description='As it will be printed, e.g. "2025".')


@strawberry.type
class CitizenPromiseCopyMutation:
    @strawberry.mutation(
        description="Start the next period's medborgarlöfte as a DRAFT copy of this one (commitments, contacts,"
        " sections); the title's period label is replaced. Slug defaults to this one's with the new years."
    )
    async def citizen_promise_copy(
        self,
        info: Info[Context, Any],
        id: Annotated[strawberry.ID, strawberry.argument(description="The citizen promise to copy.")],
        period: Annotated[PeriodInput, strawberry.argument(description="The new promise's period.")],
        slug: Annotated[
            str | None, strawberry.argument(description="The new promise's slug; null: derived from this one's.")
        ] = None,
        title: Annotated[
            str | None,
            strawberry.argument(
                description="The new promise's title; null: this one's with the period label replaced."
            ),
        ] = None,
    ) -> ContentWritePayload:
        found = target(id, "citizen_promises")
        if isinstance(found, WriteResult):
            return ContentWritePayload.of(found)
        bad = inputs.refusal(slug=slug, title=title)
        if bad:
            return ContentWritePayload.of(invalid_arguments("citizen_promises", bad))
        try:
            new_period = fmt.Period(start=period.start, end=period.end, label=period.label)
        except ValidationError as error:
            problems = [FieldProblem("period", e["msg"].removeprefix("Value error, ")) for e in error.errors()]
            return ContentWritePayload.of(WriteResult(Outcome.INVALID, "citizen_promises", None, problems=problems))
        result = await writes.copy_promise(info.context.viewer, found[1], new_period, slug, title)
        return ContentWritePayload.of(result)


PromiseMutation = merge_types("PromiseMutation", (CitizenPromiseCrud, CitizenPromiseCopyMutation))
