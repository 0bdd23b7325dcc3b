"""Who sees what: public reads see published content inside its schedule, nothing else."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q

from models.enums import PublicationStatus


def visible(now: datetime, relation: str = "") -> Q:
    """Published and inside its publish_at/unpublish_at window, for a row or a related row."""
    p = f"{relation}__" if relation else ""
    return (
        Q(**{f"{p}status": PublicationStatus.PUBLISHED})
        & (Q(**{f"{p}publish_at__isnull": True}) | Q(**{f"{p}publish_at__lte": now}))
        & (Q(**{f"{p}unpublish_at__isnull": True}) | Q(**{f"{p}unpublish_at__gt": now}))
    )
