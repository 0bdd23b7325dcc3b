"""Who sees what: public reads see published content inside its schedule, nothing else."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from models.enums import PublicationStatus


def visible(now: datetime, relation: str = "") -> Q:
    """Published and inside its publish_at/unpublish_at window, for a row or a related row."""
    p = f"{relation}__" if relation else ""
    return (
        q({f"{p}status": PublicationStatus.PUBLISHED})
        & (q({f"{p}publish_at__isnull": True}) | q({f"{p}publish_at__lte": now}))
        & (q({f"{p}unpublish_at__isnull": True}) | q({f"{p}unpublish_at__gt": now}))
    )


def q(conditions: dict[str, Any]) -> Q:
    """A Q from conditions whose field names are computed (e.g. behind a relation prefix)."""
    return Q(**conditions)
