"""What follows every write of content, inside the same transaction as the write.

The seed loader and the editorial mutations call these after creating, updating or deleting
an item, so that derived data (the search index) never disagrees with the content.
"""

from __future__ import annotations

from collections.abc import Collection

from models.search import index


async def content_written(kind: str, item_ids: list[int], *, created: Collection[int] = ()) -> None:
    """Items of `kind` (a key of seed.format.CONTENT_TYPES) were created or updated; `created`:
    those of them that were created (they have nothing derived to replace yet).

    Writing a citizen promise also re-indexes its commitments (call it after changing them)
    and its follow-ups; "commitments" is accepted too, for a write of single commitments.
    """
    await index.content_written(kind, item_ids, created=created)


async def content_deleted(kind: str, item_ids: list[int]) -> None:
    """Items of `kind` were deleted (before or after the rows go: either order works)."""
    await index.content_deleted(kind, item_ids)
