"""DataLoaders, one instance per request: `SomethingLoader.of(info).load(key)`.

Each loader answers a whole batch of keys with one query and returns results in key order. The
reference path's relations and lookups are loaders derived from the declarations
(api/core/relations.py); the others here are for what no declaration describes (coverage's
missing municipalities).

Resolvers use `resolve(key, build)`, which gives the built value itself when this request has
read the key already and an awaitable otherwise: the items of a list ask together, so a
relation costs one statement per level, and an object read twice is built once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping
from functools import cache
from typing import Any, Generic, Self, TypeAlias, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.context import Context
from api.core.sql import Row as Row  # re-exported: the row type loaders return

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")
Maybe: TypeAlias = T | Awaitable[T]


_MISSING: Any = object()

# The row builders (`from_row`) of the declared types, by GraphQL type name, registered when the
# schema is built (api/schema.py, `_register`: each declared type of the schema, no list). A
# relation's items are built through here (api/core/relations.py), so a field whose items are of
# a type from a domain above its own (Municipality.agreements: api/agreements imports
# api/geography) never imports that domain's types.
BUILDERS: dict[str, Callable[[Row], Any]] = {}


class Loader(DataLoader[K, V], Generic[K, V]):
    def __init__(self, context: Context) -> None:
        super().__init__(load_fn=self._load)
        self.context = context
        # What this request has read, by key, and what resolvers built of it: the same promise
        # on a hundred commitments is one object.
        self.loaded: dict[K, V] = {}
        self.built: dict[tuple[K, Callable[[V], Any]], Any] = {}

    @classmethod
    def of(cls, info: Info[Context, Any] | Context) -> Self:
        context = info if isinstance(info, Context) else info.context
        loader = context.loaders.get(cls)
        if loader is None:
            loader = context.loaders[cls] = cls(context)
        return loader  # type: ignore[no-any-return]

    def resolve(self, key: K, build: Callable[[V], T]) -> Maybe[T]:
        """`build` of the key's value: at once when this request has read it, else awaitable.
        `build` is one of `each`, `optional`, `required` or another function kept for the process."""
        built = self.built.get((key, build), _MISSING)
        if built is not _MISSING:
            return built  # type: ignore[no-any-return]
        value = self.loaded.get(key, _MISSING)
        if value is not _MISSING:
            built = self.built[(key, build)] = build(value)
            return built  # type: ignore[no-any-return]
        return self._build_later(key, build)

    async def _build_later(self, key: K, build: Callable[[V], T]) -> T:
        return build(await self.load(key))

    def load(self, key: K) -> Awaitable[V]:
        value = self.loaded.get(key, _MISSING)
        if value is _MISSING:
            return super().load(key)
        future = self.loop.create_future()
        future.set_result(value)
        return future

    def prime_many(self, data: Mapping[K, V], force: bool = False) -> None:
        """Keep values read elsewhere. `loaded` is where `load` finds them: strawberry's own
        priming makes a future per key, most of which nobody awaits."""
        for key, value in data.items():
            if force or key not in self.loaded:
                self.loaded[key] = value
        if self.batch is not None and not self.batch.dispatched:
            super().prime_many(data, force)  # keys waiting in a batch not sent yet get theirs

    async def _load(self, keys: list[K]) -> list[V]:
        values = await self.load_batch(list(dict.fromkeys(keys)), keys)
        self.loaded.update(zip(keys, values, strict=True))
        return values

    async def load_batch(self, unique: list[K], keys: list[K]) -> list[V]:
        raise NotImplementedError


@cache
def each(build: Callable[[Row], T]) -> Callable[[list[Row]], list[T]]:
    """`build` for every row of a list."""
    return lambda rows: [build(row) for row in rows]


@cache
def optional(build: Callable[[Row], T]) -> Callable[[Row | None], T | None]:
    """`build` for a row that may be missing (not there or not visible)."""
    return lambda row: None if row is None else build(row)
