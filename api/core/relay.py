"""Relay: global IDs from stable keys, the Node interface, keyset-paginated connections."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import orjson
import strawberry
from strawberry.types import Info

from api.core.inputs import ID_LENGTH, BadInput, text

NodeType = TypeVar("NodeType")

# The argument of the root fields that read one item by its slug.
Slug = Annotated[str, strawberry.argument(description="The item's slug, as in its seed file.")]

# The paging arguments of every connection.
First = Annotated[
    int | None,
    strawberry.argument(
        description="How many items to return, 20 if not given; 0 to the page size limit (100 by default)."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Start after this cursor (an `endCursor` or edge `cursor` this list gave out)."),
]


def to_global_id(type_name: str, key: str) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("="))


def from_global_id(global_id: str, argument: str = "id") -> tuple[str, str]:
    """The type name and key of a global ID; anything else is the client's error, naming `argument`."""
    text(argument, global_id, ID_LENGTH)
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, key = base64.urlsafe_b64decode(padded.encode()).decode().split(":", 1)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadInput(argument, f"is not a Samverkan ID (got '{global_id[:40]}')") from None
    if "\x00" in type_name + key:
        raise BadInput(argument, f"is not a Samverkan ID (got '{global_id[:40]}')")
    return type_name, key


@strawberry.interface(description="An object with a global, opaque ID, stable across restarts and databases.")
class Node:
    # The stable key the global ID encodes; the ID itself is only built when a query asks for it.
    node_key: strawberry.Private[str]

    @strawberry.field(
        description="The global ID: opaque and stable, derived from the type and the slug (or code), not from a"
        " database key, so the same on SQLite and PostgreSQL and across export and import. Pass it to `node(id:)`."
    )
    def id(self) -> strawberry.ID:
        return to_global_id(self.__strawberry_definition__.name, self.node_key)  # type: ignore[attr-defined]


# Finds an object by type name and key: api/node.py's, one per declared Node type, registered
# when the schema is built (api/schema.py, `_register`). Here, below every type, so that a field of any type can
# resolve a node (Link.target) without this module or the type's importing all the others.
NodeResolver = Callable[[Info[Any, Any], str], Awaitable[Node | None]]
NODE_RESOLVERS: dict[str, NodeResolver] = {}


async def resolve_node(info: Info[Any, Any], type_name: str, key: str) -> Node | None:
    resolver = NODE_RESOLVERS.get(type_name)
    return await resolver(info, key) if resolver else None


@strawberry.type(
    description="Where a page stands in its list (Relay). Lists page forward only, with `first` and `after`."
)
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow: ask again with `after: endCursor`.")
    has_previous_page: bool = strawberry.field(
        description="This page was asked for with `after` (items came before it)."
    )
    start_cursor: str | None = strawberry.field(description="The first edge's cursor; null on an empty page.")
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor, the `after` of the next page; null on an empty page."
    )


@strawberry.type(description="One item of a page, with its cursor.")
class Edge(Generic[NodeType]):
    cursor: str = strawberry.field(
        description="Opaque keyset cursor: pass it as `after` to continue after this item. It stays valid while"
        " content changes, for the list and order it came from."
    )
    node: NodeType = strawberry.field(description="The item.")


@strawberry.type(description="One page of a list (Relay connection), in the list's order.")
class Connection(Generic[NodeType]):
    edges: list[Edge[NodeType]] = strawberry.field(
        description="The page's items: `first` of them, fewer at the end of the list."
    )
    page_info: PageInfo = strawberry.field(description="Whether more follow, and the cursors to ask for them.")
    total_count: int = strawberry.field(
        description="How many items the whole list has with these filters, not only this page."
    )


def encode_cursor(values: Sequence[Any], tag: str | None = None) -> str:
    """The sort key of a row; `tag` names the list's order when a list has several."""
    return base64.urlsafe_b64encode(orjson.dumps([tag, *values] if tag else list(values))).decode().rstrip("=")


def bad_cursor(cursor: str) -> BadInput:
    return BadInput("after", f"is not a cursor this list gave out (got '{cursor[:40]}')")


def decode_cursor(cursor: str, size: int, tag: str | None = None) -> list[Any]:
    """The values of a cursor: a list of `size` strings, numbers or nulls (their types against
    the list's order are checked where they are bound, api/core/pagination.py), after `tag`
    when the list's order has one."""
    text("after", cursor, ID_LENGTH)
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, orjson.JSONDecodeError, ValueError):
        raise bad_cursor(cursor) from None
    if not isinstance(values, list) or len(values) != size + (1 if tag else 0):
        raise bad_cursor(cursor)
    if tag:
        if values[0] != tag:
            raise BadInput("after", f"is a cursor of another order than {tag} (got '{cursor[:40]}')")
        return values[1:]
    return values


@dataclass(frozen=True)
class PageRequest:
    first: int
    after: list[Any] | None


def page_request(
    first: int | None, after: str | None, *, default: int, maximum: int, keys: int, tag: str | None = None
) -> PageRequest:
    if first is None:
        first = default
    if first < 0 or first > maximum:
        raise BadInput("first", f"must be between 0 and {maximum} (got {first}); page with 'after' for more")
    return PageRequest(first=first, after=decode_cursor(after, keys, tag) if after else None)


def connection(
    nodes: Sequence[NodeType], cursors: Sequence[str], *, request: PageRequest, has_next: bool, total: int
) -> Connection[NodeType]:
    edges = [Edge(cursor=cursor, node=node) for node, cursor in zip(nodes, cursors, strict=True)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=request.after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
        total_count=total,
    )
