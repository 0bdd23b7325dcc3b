"""`samverkan search reindex`: rebuild the whole search index from the content, in one transaction."""

from __future__ import annotations

from models.search.index import rebuild
from models.transactions import write_transaction


async def reindex() -> list[str]:
    """Rebuild the index; returns one line per kind of document, for the command to print."""
    async with write_transaction(exclusive=True):
        counts = await rebuild()
    lines = [f"{kind.lower().replace('_', ' ')}: {count} documents" for kind, count in counts.items()]
    return [*lines, f"search index rebuilt: {sum(counts.values())} documents"]
