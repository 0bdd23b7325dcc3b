from __future__ import annotations

from collections import defaultdict

from api.core.loaders import Loader, Row
from api.dashboards.coverage import Restriction, missing
from api.dashboards.types import CoverageKind, StatisticsDimension

MissingKey = tuple[CoverageKind, int, StatisticsDimension, Restriction, str]
Batch = tuple[CoverageKind, int, StatisticsDimension, Restriction]


class MissingMunicipalitiesLoader(Loader[MissingKey, list[Row]]):
    """Municipalities without an item, by (kind, year, grouping, restriction, group key).

    One query per kind, year, grouping and restriction, for all the groups asked about.
    """

    async def load_batch(self, unique: list[MissingKey], keys: list[MissingKey]) -> list[list[Row]]:
        batches: dict[Batch, list[str]] = defaultdict(list)
        for kind, year, dimension, restrict, group_key in unique:
            batches[(kind, year, dimension, restrict)].append(group_key)
        found: dict[MissingKey, list[Row]] = defaultdict(list)
        for (kind, year, dimension, restrict), group_keys in batches.items():
            rows = await missing(
                kind, year, dimension, group_keys, restrict, self.context.now, self.context.sees_everything
            )
            for row in rows:
                found[(kind, year, dimension, restrict, str(row["group_key"]))].append(row)
        return [found.get(key, []) for key in keys]
