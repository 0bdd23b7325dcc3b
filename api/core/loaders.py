"""DataLoaders, one instance per request: `SomethingByKeyLoader.of(info).load(key)`.

Each loader answers a whole batch of keys with one query and returns results in key order.

Resolvers use `get(key)`, which gives the value itself when this request has it already and an
awaitable otherwise. A list's resolver `prefetch`es what the query asks of its items (see
api/core/lookahead.py), so the items' resolvers answer at once: one statement per level, and no
awaitable, future or task per item, which is where GraphQL execution spends its time on lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from inspect import isawaitable
from typing import Any, Generic, Self, TypeAlias, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.context import Context

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")
Row = dict[str, Any]
Maybe: TypeAlias = T | Awaitable[T]


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

    def get(self, key: K) -> Maybe[V]:
        """The value at once when this request has loaded it, else an awaitable of it."""
        future = self.cache_map.get(key)
        if future is not None and future.done() and not future.cancelled() and future.exception() is None:
            return future.result()  # type: ignore[no-any-return]
        return self.load(key)

    async def prefetch(self, keys: Iterable[K]) -> list[V]:
        """Load in one batch the keys this request has not asked for yet and keep them, so
        `get` answers at once; the values of all `keys`, in order."""
        keys = list(keys)
        missing = [key for key in dict.fromkeys(keys) if self.cache_map.get(key) is None]
        if missing:
            self.prime_many(dict(zip(missing, await self.load_batch(missing, missing), strict=True)))
        return [await value if isawaitable(value) else value for value in map(self.get, keys)]

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

    def prime_rows(self, rows: Iterable[Row]) -> None:
        """Keep rows another statement read (a join), so this loader need not read them again."""
        self.prime_many({row[self.key_field]: row for row in rows})


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

    def prime_rows(self, keys: Iterable[K], rows: Iterable[Row]) -> None:
        """Keep the rows of `keys` another statement read: all of them, none missing."""
        grouped: dict[Any, list[Row]] = {key: [] for key in keys}
        for row in rows:
            grouped[row[self.group_field]].append(row)
        self.prime_many(grouped)


def joined(rows: Iterable[Row], prefix: str, names: Iterable[str], key: str) -> list[Row]:
    """The rows a join selected as `prefix` + name, under their own names, each once by `key`."""
    columns = [(name, prefix + name) for name in names]
    found: dict[Any, Row] = {}
    for row in rows:
        if row[prefix + key] is not None and row[prefix + key] not in found:
            found[row[prefix + key]] = {name: row[column] for name, column in columns}
    return list(found.values())


def then(value: Maybe[V], build: Callable[[V], T]) -> Maybe[T]:
    """`build(value)`, at once when the value is there, else once it has been awaited."""
    if isawaitable(value):

        async def later() -> T:
            return build(await value)

        return later()
    return build(value)  # type: ignore[arg-type]


def each(build: Callable[[Row], T]) -> Callable[[list[Row]], list[T]]:
    """`build` for every row of a list."""
    return lambda rows: [build(row) for row in rows]


def optional(build: Callable[[Row], T]) -> Callable[[Row | None], T | None]:
    """`build` for a row that may be missing (not there or not visible)."""
    return lambda row: None if row is None else build(row)


def required(build: Callable[[Row], T]) -> Callable[[Row | None], T]:
    """`build` for a row that a foreign key or a visibility rule guarantees is there."""

    def build_present(row: Row | None) -> T:
        assert row is not None
        return build(row)

    return build_present
