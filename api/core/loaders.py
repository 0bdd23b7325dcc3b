"""DataLoaders, one instance per request: `SomethingByKeyLoader.of(info).load(key)`.

Each loader answers a whole batch of keys with one query and returns results in key order.

Resolvers use `resolve(key, build)`, which gives the built value itself when this request has
read the key already and an awaitable otherwise. A list's resolver `prefetch`es what the query
asks of its items (api/prefetch.py), so the items' resolvers answer at once: one statement per
level, and no awaitable, future or task per item, which is where GraphQL execution spends its
time on lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from functools import cache
from typing import Any, Generic, Self, TypeAlias, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.context import Context
from api.core.sql import NOTHING
from api.core.sql import Row as Row  # re-exported: the row type loaders return
from models.sql import all_of, one_of, sql

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")
Maybe: TypeAlias = T | Awaitable[T]


_MISSING: Any = object()

# The row builders (`from_row`) of the types, by GraphQL type name, registered when the schema is
# composed (api/schema.py). A field whose items are of a type from a domain above its own
# (Municipality.agreements: api/agreements imports api/geography) builds them through here, so
# the lower domain imports the higher one's loaders, which import no types, and never its types.
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

    async def prefetch(self, keys: Iterable[K]) -> list[V]:
        """Load in one batch the keys this request has not asked for yet and keep them, so
        `resolve` answers at once; the values of all `keys`, in order."""
        keys = list(keys)
        missing = [key for key in dict.fromkeys(keys) if key not in self.loaded and self.cache_map.get(key) is None]
        if missing:
            self.prime_many(dict(zip(missing, await self.load_batch(missing, missing), strict=True)))
        return [self.loaded[key] if key in self.loaded else await self.load(key) for key in keys]

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


class Selecting:
    """A loader whose rows one SELECT gives: `select` ("SELECT … FROM …"), matched on
    `key_column`, with the publication rules of the tables aliased in `visible`."""

    context: Context
    select = ""
    key_column = ""
    visible: tuple[str, ...] = ()
    order_by = ""
    decode = NOTHING

    async def fetch(self, keys: list[Any]) -> Iterable[Row]:
        where = [one_of(self.key_column, keys)]
        where += [self.context.visible_sql(alias) for alias in self.visible]
        order = f" ORDER BY {self.order_by}" if self.order_by else ""
        return await self.context.rows(
            sql("{} WHERE {}{}", sql.raw(self.select), all_of(where), sql.raw(order)), self.decode
        )


class RowLoader(Selecting, Loader[K, Row | None]):
    """One row per key, or None (missing or not visible)."""

    key_field = "id"

    async def load_batch(self, unique: list[K], keys: list[K]) -> list[Row | None]:
        by_key = {row[self.key_field]: row for row in await self.fetch(unique)}
        return [by_key.get(key) for key in keys]

    def prime_rows(self, rows: Iterable[Row]) -> None:
        """Keep rows another statement read (a join), so this loader need not read them again."""
        self.prime_many({row[self.key_field]: row for row in rows})


class RowsLoader(Selecting, Loader[K, list[Row]]):
    """All rows per key, in the order the query gives them."""

    group_field = "id"

    async def load_batch(self, unique: list[K], keys: list[K]) -> list[list[Row]]:
        grouped: dict[Any, list[Row]] = defaultdict(list)
        for row in await self.fetch(unique):
            grouped[row[self.group_field]].append(row)
        return [grouped.get(key, []) for key in keys]

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


@cache
def each(build: Callable[[Row], T]) -> Callable[[list[Row]], list[T]]:
    """`build` for every row of a list."""
    return lambda rows: [build(row) for row in rows]


@cache
def optional(build: Callable[[Row], T]) -> Callable[[Row | None], T | None]:
    """`build` for a row that may be missing (not there or not visible)."""
    return lambda row: None if row is None else build(row)


@cache
def required(build: Callable[[Row], T]) -> Callable[[Row | None], T]:
    """`build` for a row that a foreign key or a visibility rule guarantees is there."""

    def build_present(row: Row | None) -> T:
        assert row is not None
        return build(row)

    return build_present
