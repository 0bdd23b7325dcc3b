"""Raw SQL for the dashboards, written once for SQLite and PostgreSQL.

Statements use named parameters (`:year`); `Statement.run` turns them into the dialect's
placeholders (`?` or `$1`), so values are always bound and never pasted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise

from models.enums import PublicationStatus

Row = dict[str, Any]

_NAMED = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


@dataclass
class Statement:
    """SQL text being built, with the values of its named parameters."""

    dialect: str
    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_default_connection(cls) -> Statement:
        return cls(Tortoise.get_connection("default").capabilities.dialect)

    @property
    def postgres(self) -> bool:
        return self.dialect == "postgres"

    def bind(self, name: str, value: Any) -> str:
        """Register a value; returns its placeholder for the text."""
        if name in self.values and self.values[name] != value:
            raise ValueError(f"parameter :{name} bound twice with different values")
        self.values[name] = value
        return f":{name}"

    def bind_list(self, name: str, values: list[Any]) -> str:
        """Placeholders for an IN (...) list; an empty list matches nothing."""
        if not values:
            return "(NULL)"
        return "(" + ", ".join(self.bind(f"{name}_{index}", value) for index, value in enumerate(values)) + ")"

    def year_of(self, column: str) -> str:
        """The calendar year of a date or timestamp column, as an integer (NULL stays NULL)."""
        if self.postgres:
            return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"
        # SQLite keeps dates and timestamps as ISO text.
        return f"CAST(SUBSTR({column}, 1, 4) AS INTEGER)"

    def visible(self, alias: str, now: datetime | None) -> str:
        """Published and inside its publishing window; `now=None` (editorial preview) sees everything."""
        if now is None:
            return "1 = 1"
        status = self.bind("published", PublicationStatus.PUBLISHED.value)
        stamp = self.bind("now", self._timestamp(now))
        return (
            f"({alias}.status = {status}"
            f" AND ({alias}.publish_at IS NULL OR {alias}.publish_at <= {stamp})"
            f" AND ({alias}.unpublish_at IS NULL OR {alias}.unpublish_at > {stamp}))"
        )

    def _timestamp(self, value: datetime) -> Any:
        if self.postgres:
            return value
        # As Tortoise writes timestamps into SQLite, so text comparison orders them.
        return str(value.astimezone(UTC))

    def render(self, sql: str) -> tuple[str, list[Any]]:
        """The text with the dialect's placeholders, and the values in their order."""
        if self.postgres:
            numbers: dict[str, int] = {}

            def numbered(match: re.Match[str]) -> str:
                name = match.group(1)
                if name not in numbers:
                    numbers[name] = len(numbers) + 1
                return f"${numbers[name]}"

            text = _NAMED.sub(numbered, sql)
            ordered = sorted(numbers, key=numbers.__getitem__)
            return text, [self.values[name] for name in ordered]
        names: list[str] = []

        def positional(match: re.Match[str]) -> str:
            names.append(match.group(1))
            return "?"

        text = _NAMED.sub(positional, sql)
        return text, [self.values[name] for name in names]

    async def run(self, sql: str) -> list[Row]:
        text, values = self.render(sql)
        return await Tortoise.get_connection("default").execute_query_dict(text, values)
