from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core import inputs
from api.core.relations import lookup
from api.core.relay import Slug
from api.followups.types import FollowUp


@strawberry.type
class FollowUpQuery:
    @strawberry.field(description="One uppföljning by its slug; null if there is none (or it is not visible).")
    async def follow_up(self, info: Info[Context, Any], slug: Slug) -> FollowUp | None:
        inputs.check(slug=slug)
        found: FollowUp | None = await lookup(info.context, "FollowUp", slug)
        return found
