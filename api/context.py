"""The per-request context: settings, the time the request reads at, the viewer, and loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from api.core.sql import Batch, Statement
from api.editorial.access import ANONYMOUS, Viewer
from api.editorial.scope import concerns_sql
from api.settings import Settings


@dataclass
class Context:
    request: Request | None
    settings: Settings
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Set by editorial access (preview of drafts); public reads leave it False.
    preview: bool = False
    # The request's `Samverkan-Preview: true` header, honoured (api/editorial/preview.py).
    preview_asked: bool = False
    # Who asks (from the Authorization header); anonymous reads published content only.
    viewer: Viewer = ANONYMOUS
    loaders: dict[type, Any] = field(default_factory=dict)
    request_id: str = "-"
    # Set for queries: their SELECTs may go to PostgreSQL together (api/core/sql.py, Batch).
    batch: Batch | None = None

    @property
    def visible_at(self) -> datetime | None:
        """The moment visibility is judged at; None in a preview that sees everything (an admin,
        or a reviewer without a scope)."""
        return None if self.preview and self.viewer.municipalities is None else self.now

    @property
    def sees_everything(self) -> bool:
        """A preview of every draft: counts and searches over unpublished content are whole."""
        return self.visible_at is None

    @property
    def drafts_of(self) -> frozenset[str] | None:
        """In a scoped preview, the municipalities whose items show unpublished too; else None."""
        return self.viewer.municipalities if self.preview else None

    def statement(self) -> Statement:
        statement = Statement.for_default_connection()
        statement.batch = self.batch
        return statement

    def visible_sql(self, statement: Statement, alias: str) -> str:
        """The SQL condition for rows of `alias` this request may see: published content, and
        in preview also every row the token may edit drafts of (api/editorial/scope.py)."""
        visible = statement.visible(alias, self.visible_at)
        codes = self.drafts_of
        if not codes:
            return visible
        own = concerns_sql(alias, lambda column: statement.any(column, "scope_codes", sorted(codes)))
        return f"({visible} OR {own})"
