from __future__ import annotations

from collections import defaultdict

from api.core.loaders import Loader, Row
from api.dashboards.coverage import missing
from api.dashboards.types import CoverageKind, StatisticsDimension

MissingKey = tuple[CoverageKind, int, StatisticsDimension, str]


class MissingMunicipalitiesLoader(Loader[MissingKey, list[Row]]):
    """Municipalities without an item, by (kind, year, grouping, group key): one query per kind and year."""

    async def load_batch(self, unique: list[MissingKey], keys: list[MissingKey]) -> list[list[Row]]:
        batches: dict[tuple[CoverageKind, int, StatisticsDimension], list[str]] = defaultdict(list)
        for kind, year, dimension, group_key in unique:
            batches[(kind, year, dimension)].append(group_key)
        found: dict[MissingKey, list[Row]] = defaultdict(list)
        for (kind, year, dimension), group_keys in batches.items():
            rows = await missing(kind, year, dimension, group_keys, self.context.now, self.context.preview)
            for row in rows:
                found[(kind, year, dimension, str(row["group_key"]))].append(row)
        return [found.get(key, []) for key in keys]
