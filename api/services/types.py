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
    title: str
    provider: str = strawberry.field(description='"Gullspång och Hova bibliotek".')
    since: dt.date | None
    since_label: str | None = strawberry.field(description='As printed, e.g. "februari 2011".')
    services: list[str]
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

    @strawberry.field
    async def municipality(self, info: Info[Context, Any]) -> Municipality:
        found = await municipality(info, self.municipality_code)
        assert found is not None  # a foreign key guarantees it
        return found

    @strawberry.field
    async def parties(self, info: Info[Context, Any]) -> list[Organisation]:
        return [Organisation.from_row(row) for row in await PartiesByServiceAgreementLoader.of(info).load(self.pk)]
