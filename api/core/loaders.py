"""DataLoaders, one instance per request: `SomethingByKeyLoader.of(info).load(key)`.

Each loader answers a whole batch of keys with one query and returns results in key order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Any, Generic, Self, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.context import Context

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Row = dict[str, Any]


class Loader(DataLoader[K, V], Generic[K, V]):
    def __init__(self, context: Context) -> None:
        super().__init__(load_fn=self._load)
        self.context = context

    @classmethod
    def of(cls, info: Info[Context, Any] | Context) -> Self:
        context = info if isinstance(info, Context) else info.context
        loader = context.loaders.get(cls)
        if loader is None:
            loader = context.loaders[cls] = cls(context)
        return loader  # type: ignore[no-any-return]

    async def _load(self, keys: list[K]) -> list[V]:
        return await self.load_batch(list(dict.fromkeys(keys)), keys)

    async def load_batch(self, unique: list[K], keys: list[K]) -> list[V]:
        raise NotImplementedError


class RowLoader(Loader[K, Row | None]):
    """One row per key, or None (missing or not visible)."""

    key_field = "id"

    async def load_batch(self, unique: list[K], keys: list[K]) -> list[Row | None]:
        by_key = {row[self.key_field]: row for row in await self.fetch(unique)}
        return [by_key.get(key) for key in keys]

    async def fetch(self, keys: list[K]) -> Iterable[Row]:
        raise NotImplementedError


class RowsLoader(Loader[K, list[Row]]):
    """All rows per key, in the order the query gives them."""

    group_field = "id"

    async def load_batch(self, unique: list[K], keys: list[K]) -> list[list[Row]]:
        grouped: dict[Any, list[Row]] = defaultdict(list)
        for row in await self.fetch(unique):
            grouped[row[self.group_field]].append(row)
        return [grouped.get(key, []) for key in keys]

    async def fetch(self, keys: list[K]) -> Iterable[Row]:
        raise NotImplementedError
