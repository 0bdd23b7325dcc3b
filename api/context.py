"""The per-request context: settings, the time the request reads at, the viewer, and loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from api.core.sql import NOTHING, Batch, Decode, Row, rows
from api.editorial.access import ANONYMOUS, Viewer
from api.editorial.scope import concerns_sql
from api.settings import Settings
from models.sql import Fragment, one_of, sql, visible


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
    # A loader by its class, or by its class and what it reads (api/core/relations.py).
    loaders: dict[Any, Any] = field(default_factory=dict)
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

    async def rows(self, statement: Fragment, decode: Decode = NOTHING) -> list[Row]:
        """A SELECT of this request: on PostgreSQL it may go together with others (Batch)."""
        return await rows(statement, decode, self.batch)

    def visible_sql(self, alias: str, moment: Fragment | None = None) -> Fragment:
        """The SQL condition for rows of `alias` this request may see: published content, and
        in preview also every row the token may edit drafts of (api/editorial/scope.py).
        `moment` stands for the request's time in a statement kept for other requests."""
        at = self.visible_at
        shown = visible(alias, None if at is None else moment or at)
        codes = self.drafts_of
        if not codes:
            return shown
        scope = sql.value(sorted(codes))
        return sql("({} OR {})", shown, concerns_sql(alias, lambda column: one_of(column, scope)))
