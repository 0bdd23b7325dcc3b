"""The activity log: every editorial write, review step and token change, and every attempt that
was refused, with who (the token's name), what (action, item, revision), when, how it ended
(the write's outcome) and the request id (api/http/request_id.py) that ties it to the access log.

An entry of a write that took effect is inserted inside the write's own transaction, so an
acknowledged write always has its entry and a rolled-back one none. An attempt that changed
nothing (DENIED, INVALID, CONFLICT, NOT_FOUND) has no transaction to ride on — it was rolled back
or never began — so its entry is inserted alone after it; a failure to insert it is logged and
never turns the refusal into an error. Entries older than `Settings.activity_retention_days`
are deleted by `prune` (`samverkan activity --prune`, and at most once an hour by writes).
Cost: one INSERT per mutation. Inside a write's transaction it adds no commit of its own; an
entry alone (a refusal) is its own commit: 300 of them took 1.4 ms each on SQLite and 8 ms each
on PostgreSQL 15, measured on the shared 2-core machine while other test runs loaded it (load
average 9.5), so an upper figure.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from models import Activity

logger = logging.getLogger(__name__)

# The id of the request being answered (set by api/http/graphql.py); "-" outside a request.
REQUEST_ID: ContextVar[str] = ContextVar("samverkan_request_id", default="-")
# The longest message kept: refusals name municipalities and sides, never whole items.
MESSAGE_LENGTH = 2_000
PRUNE_EVERY = 3600.0
_last_prune = [0.0]


@dataclass(frozen=True)
class Entry:
    token_name: str
    action: str
    result: str
    item_type: str | None = None
    item_slug: str | None = None
    revision: int | None = None
    message: str | None = None


async def record(entry: Entry) -> None:
    """Insert one entry in the current transaction (or alone, outside one)."""
    await Activity.create(
        at=datetime.now(UTC),
        token_name=entry.token_name[:200],
        action=entry.action[:40],
        item_type=entry.item_type,
        item_slug=entry.item_slug[:200] if entry.item_slug else None,
        revision=entry.revision,
        result=entry.result[:20],
        message=entry.message[:MESSAGE_LENGTH] if entry.message else None,
        request_id=REQUEST_ID.get()[:64],
    )


async def record_alone(entry: Entry) -> None:
    """An attempt that changed nothing, after its transaction: never fails the request."""
    try:
        await record(entry)
    except Exception:
        logger.warning("could not record %s by '%s' in the activity log", entry.action, entry.token_name, exc_info=True)


async def prune(retention_days: int, now: datetime | None = None) -> int:
    """Delete entries older than the retention (0: keep everything); returns how many."""
    if retention_days <= 0:
        return 0
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    return int(await Activity.filter(at__lt=cutoff).delete())


async def prune_now_and_then(retention_days: int) -> None:
    """`prune`, at most once an hour per process; never fails the request."""
    moment = time.monotonic()
    if moment - _last_prune[0] < PRUNE_EVERY:
        return
    _last_prune[0] = moment
    try:
        await prune(retention_days)
    except Exception:
        logger.warning("could not prune the activity log", exc_info=True)
