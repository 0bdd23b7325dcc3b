from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.content import ContentItem, content_fields
from api.core.loaders import Row
from api.geography.types import Municipality
from api.people.types import Organisation, municipality
from api.services.loaders import PartiesByServiceAgreementLoader


@strawberry.type(description="Samtjänstavtal: the municipality performs some police services, e.g. at a library.")
class ServiceAgreement(ContentItem):
    title: str = strawberry.field(description="As printed (or composed from what is printed).")
    provider: str = strawberry.field(
        description='Who performs the services on the municipality\'s behalf, e.g. "Gullspång och Hova bibliotek".'
    )
    since: dt.date | None = strawberry.field(description="Since when (the first day, if printed by month or year).")
    since_label: str | None = strawberry.field(description='As printed, e.g. "februari 2011".')
    services: list[str] = strawberry.field(
        description='The police services performed, as printed, e.g. "Lämnar ut blanketter.".'
    )
    municipality_code: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: Row) -> ServiceAgreement:
        return cls(
            **content_fields(row),
            title=row["title"],
            provider=row["provider"],
            since=row["since"],
            since_label=row["since_label"],
            services=list(row["services"]),
            municipality_code=row["municipality_id"],
        )

    @strawberry.field(description="The kommun where the services are performed.")
    async def municipality(self, info: Info[Context, Any]) -> Municipality:
        found = await municipality(info, self.municipality_code)
        assert found is not None  # a foreign key guarantees it
        return found

    @strawberry.field(description="The parties to the agreement, in the order printed.")
    async def parties(self, info: Info[Context, Any]) -> list[Organisation]:
        return [Organisation.from_row(row) for row in await PartiesByServiceAgreementLoader.of(info).load(self.pk)]
