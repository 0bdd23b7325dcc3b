"""Relay: global IDs from stable keys, the Node interface, keyset-paginated connections."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
import strawberry

from api.core.inputs import ID_LENGTH, BadInput, text

NodeType = TypeVar("NodeType")


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

    @strawberry.field
    def id(self) -> strawberry.ID:
        return to_global_id(self.__strawberry_definition__.name, self.node_key)  # type: ignore[attr-defined]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeType]):
    cursor: str
    node: NodeType


@strawberry.type
class Connection(Generic[NodeType]):
    edges: list[Edge[NodeType]]
    page_info: PageInfo
    total_count: int


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(values))).decode().rstrip("=")


def bad_cursor(cursor: str) -> BadInput:
    return BadInput("after", f"is not a cursor this list gave out (got '{cursor[:40]}')")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    """The values of a cursor: a list of `size` strings, numbers or nulls (their types against
    the list's order are checked where they are bound, api/core/pagination.py)."""
    text("after", cursor, ID_LENGTH)
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, orjson.JSONDecodeError, ValueError):
        raise bad_cursor(cursor) from None
    if not isinstance(values, list) or len(values) != size:
        raise bad_cursor(cursor)
    return values


@dataclass(frozen=True)
class PageRequest:
    first: int
    after: list[Any] | None


def page_request(first: int | None, after: str | None, *, default: int, maximum: int, keys: int) -> PageRequest:
    if first is None:
        first = default
    if first < 0 or first > maximum:
        raise BadInput("first", f"must be between 0 and {maximum} (got {first}); page with 'after' for more")
    return PageRequest(first=first, after=decode_cursor(after, keys) if after else None)


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
