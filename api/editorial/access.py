"""Who is asking: API tokens (stored only as a hash), roles, expiry, and the municipalities a
token's scope covers.

Roles: `admin` may do everything; `editor` works on content concerning its municipalities (a
police-unit scope covers the municipalities of that unit's area, units below included); `reviewer`
reads drafts and history (of its scope, or of everything when it has none) but writes nothing;
anyone without a token reads published content only. What an editor may do with an item is the
scope rule in api/editorial/scope.py.

A token's last use is written at most once a minute (a conditional UPDATE sent only when the
stored time is older), so a stream of reads with one token costs one small write a minute, and a
failure to write it never fails the request.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from api.editorial import activity
from models import ApiToken, Municipality, PoliceUnit

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "svk_"
# How stale a token's stored last use may get: at most one write per token and minute.
LAST_USED_EVERY = timedelta(minutes=1)


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    REVIEWER = "reviewer"


class TokenError(Exception):
    """A bearer token that is malformed, unknown, revoked or expired."""


@dataclass(frozen=True)
class Viewer:
    """The caller of one request. `name` is the token's name: the author of its revisions."""

    name: str = "anonymous"
    role: Role | None = None
    municipality_codes: frozenset[str] = field(default_factory=frozenset)
    police_unit_slugs: frozenset[str] = field(default_factory=frozenset)
    # The municipalities the scope covers: the codes given and those of the police units' areas.
    # None: every municipality (an admin, or a reviewer without a scope).
    municipalities: frozenset[str] | None = frozenset()

    @property
    def can_preview(self) -> bool:
        return self.role is not None

    def covers_all(self, codes: frozenset[str] | set[str]) -> bool:
        return self.municipalities is None or codes <= self.municipalities

    def covers_any(self, codes: frozenset[str] | set[str]) -> bool:
        return self.municipalities is None or bool(codes & self.municipalities)

    def describe_scope(self) -> str:
        own = sorted(self.municipality_codes) + sorted(self.police_unit_slugs)
        return ", ".join(own) or "nothing"

    @property
    def can_write(self) -> bool:
        return self.role in {Role.ADMIN, Role.EDITOR}

    def write_refusal(self) -> str | None:
        """Why this viewer may write nothing at all, or None."""
        if self.role is None:
            return "writing needs a token: send 'Authorization: Bearer <token>' (see `samverkan token create`)"
        if not self.can_write:
            return f"token '{self.name}' has the role {self.role.value}, which reads drafts but writes nothing"
        return None


ANONYMOUS = Viewer()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header; None without the header."""
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("the Authorization header must be 'Bearer <token>'")
    return token.strip()


async def viewer_for(header: str | None, now: datetime | None = None) -> Viewer:
    token = bearer(header)
    if token is None:
        return ANONYMOUS
    now = now or datetime.now(UTC)
    row = await ApiToken.get_or_none(token_hash=hash_token(token))
    if row is None or row.revoked_at is not None:
        raise TokenError("the token is unknown or revoked")
    if row.expires_at is not None and row.expires_at <= now:
        raise TokenError(
            f"token '{row.name}' expired on {row.expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC;"
            " ask for a new one (`samverkan token create`)"
        )
    await _note_use(row, now)
    role = Role(row.role)
    codes = frozenset(row.municipality_codes)
    units = frozenset(row.police_unit_slugs)
    everything = role == Role.ADMIN or (role == Role.REVIEWER and not codes and not units)
    return Viewer(
        name=row.name,
        role=role,
        municipality_codes=codes,
        police_unit_slugs=units,
        municipalities=None if everything else codes | await municipalities_of_units(units),
    )


async def _note_use(row: ApiToken, now: datetime) -> None:
    """Record the token's use, at most once a minute; never fails the request."""
    since = now - LAST_USED_EVERY
    if row.last_used_at is not None and row.last_used_at >= since:
        return
    try:
        await ApiToken.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=since), id=row.id).update(
            last_used_at=now
        )
    except Exception:  # a busy database must not turn a read into an error
        logger.warning("could not record the use of token '%s'", row.name, exc_info=True)


async def municipalities_of_units(slugs: frozenset[str]) -> frozenset[str]:
    """The municipalities served by these police units or any unit below them."""
    if not slugs:
        return frozenset()
    children: dict[int | None, list[int]] = defaultdict(list)
    pending = []
    for unit_id, slug, parent in await PoliceUnit.all().values_list("id", "slug", "parent_id"):
        children[parent].append(unit_id)
        if slug in slugs:
            pending.append(unit_id)
    covered: set[int] = set()
    while pending:
        unit_id = pending.pop()
        if unit_id not in covered:
            covered.add(unit_id)
            pending.extend(children.get(unit_id, []))
    codes = await Municipality.filter(local_police_area_id__in=sorted(covered)).values_list("code", flat=True)
    return frozenset(str(code) for code in codes)


async def create_token(
    name: str,
    role: Role,
    municipality_codes: list[str] | None = None,
    police_unit_slugs: list[str] | None = None,
    expires_at: datetime | None = None,
    by: str = "cli",
) -> str:
    """Store a new token's hash; returns the token, which is shown once and never stored. The
    change goes into the activity log, as done by `by` (the command line)."""
    token = new_token()
    scope = ", ".join(sorted(municipality_codes or []) + sorted(police_unit_slugs or [])) or "no scope"
    async with in_transaction():
        await ApiToken.create(
            name=name,
            role=role.value,
            token_hash=hash_token(token),
            municipality_codes=sorted(municipality_codes or []),
            police_unit_slugs=sorted(police_unit_slugs or []),
            expires_at=expires_at,
        )
        await activity.record(
            activity.Entry(by, "token_create", "CREATED", message=f"token '{name}': {role.value}, {scope}")
        )
    return token


def parse_expiry(text: str, now: datetime | None = None) -> datetime:
    """`90d`, `12h`, `2w` from now, or an ISO date (its midnight, UTC) or date and time."""
    now = now or datetime.now(UTC)
    text = text.strip()
    units = {"h": "hours", "d": "days", "w": "weeks"}
    if len(text) > 1 and text[-1].lower() in units and text[:-1].isdigit():
        amount = int(text[:-1])
        if amount <= 0:
            raise ValueError(f"'{text}' is not in the future")
        try:
            return now + timedelta(**{units[text[-1].lower()]: amount})
        except OverflowError:
            raise ValueError(
                f"'{text}' is too far in the future; leave --expires out for a token that never expires"
            ) from None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"'{text}' is neither a duration (e.g. 12h, 90d, 2w) nor an ISO date (e.g. 2027-06-30)"
        ) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if moment <= now:
        raise ValueError(f"'{text}' is not in the future")
    return moment


async def revoke_token(name: str, by: str = "cli") -> bool:
    async with in_transaction():
        revoked = bool(await ApiToken.filter(name=name, revoked_at__isnull=True).update(revoked_at=datetime.now(UTC)))
        result = "UPDATED" if revoked else "NOT_FOUND"
        await activity.record(activity.Entry(by, "token_revoke", result, message=f"token '{name}'"))
    return revoked
