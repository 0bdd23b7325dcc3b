"""`node(id:)`: any object by its global ID, found as its declaration says (Table.lookup,
api/core/relations.py) with the same visibility as lists."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.relations import lookup
from api.core.relay import Node, NodeResolver, from_global_id, resolve_node


def node_resolver(type_name: str) -> NodeResolver:
    """How `node(id:)` finds an object of a declared Table whose type implements Node (every
    such type: api/schema.py registers them when the schema is built)."""

    async def resolve(info: Info[Context, Any], key: str) -> Node | None:
        found: Node | None = await lookup(info.context, type_name, key)
        return found

    return resolve


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Refetch any object by its global ID (Relay); null if there is none (or it is not visible)."
    )
    async def node(
        self,
        info: Info[Context, Any],
        id: Annotated[strawberry.ID, strawberry.argument(description="A global ID, as any `id` field gives it.")],
    ) -> Node | None:
        type_name, key = from_global_id(id)
        return await resolve_node(info, type_name, key)
