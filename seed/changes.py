"""What follows every write of content, inside the same transaction as the write.

The seed loader and the editorial mutations call these after creating, updating or deleting
an item, so that derived data (the search index) never disagrees with the content.
"""

from __future__ import annotations


async def content_written(kind: str, item_ids: list[int]) -> None:
    """Items of `kind` (a key of seed.format.CONTENT_TYPES) were created or updated."""


async def content_deleted(kind: str, item_ids: list[int]) -> None:
    """Items of `kind` were deleted."""
