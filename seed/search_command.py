"""`samverkan search reindex`: rebuild the whole search index from the content, in one transaction."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from api.search.index import rebuild


async def reindex() -> list[str]:
    """Rebuild the index; returns one line per kind of document, for the command to print."""
    async with in_transaction():
        counts = await rebuild()
    lines = [f"{kind.lower().replace('_', ' ')}: {count} documents" for kind, count in counts.items()]
    return [*lines, f"search index rebuilt: {sum(counts.values())} documents"]
