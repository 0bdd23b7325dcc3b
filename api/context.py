"""The per-request context: settings, the time the request reads at, the viewer, and loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from tortoise.expressions import Q

from api.core.visibility import visible
from api.editorial.access import ANONYMOUS, Viewer
from api.settings import Settings


@dataclass
class Context:
    request: Request | None
    settings: Settings
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Set by editorial access (preview of drafts); public reads leave it False.
    preview: bool = False
    # Who asks (from the Authorization header); anonymous reads published content only.
    viewer: Viewer = ANONYMOUS
    loaders: dict[type, Any] = field(default_factory=dict)
    request_id: str = "-"

    def visible(self, relation: str = "") -> Q:
        """The filter for content this request may see; empty (everything) in preview."""
        return Q() if self.preview else visible(self.now, relation)
