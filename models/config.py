"""The Tortoise configuration, read from DATABASE_URL (SQLite file by default)."""

from __future__ import annotations

import os
from typing import Any

DEFAULT_DATABASE_URL = "sqlite://data/samverkan.sqlite3"

MODEL_MODULES = [
    "models.geography",
    "models.people",
    "models.agreements",
    "models.promises",
    "models.followups",
    "models.services",
    "models.editorial",
]


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    # Tortoise spells the asyncpg scheme "postgres"; accept the usual libpq spellings too.
    for alias in ("postgresql://", "postgresql+asyncpg://"):
        if url.startswith(alias):
            url = "postgres://" + url.removeprefix(alias)
    return url


def tortoise_config(url: str | None = None) -> dict[str, Any]:
    return {
        "connections": {"default": url or database_url()},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


TORTOISE_ORM = tortoise_config()
