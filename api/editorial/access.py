"""Who is asking: API tokens (stored only as a hash), roles, and the scope an editor may write.

Roles: `admin` may do everything; `editor` writes and publishes content that concerns one of
its municipalities or police units (or a unit below one of them); `reviewer` reads drafts and
history but writes nothing; anyone without a token reads published content only.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from models import ApiToken

TOKEN_PREFIX = "svk_"


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    REVIEWER = "reviewer"


class TokenError(Exception):
    """A bearer token that is malformed, unknown or revoked."""


@dataclass(frozen=True)
class Viewer:
    """The caller of one request. `name` is the token's name: the author of its revisions."""

    name: str = "anonymous"
    role: Role | None = None
    municipality_codes: frozenset[str] = field(default_factory=frozenset)
    police_unit_slugs: frozenset[str] = field(default_factory=frozenset)

    @property
    def can_preview(self) -> bool:
        return self.role is not None

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


async def viewer_for(header: str | None) -> Viewer:
    token = bearer(header)
    if token is None:
        return ANONYMOUS
    row = await ApiToken.get_or_none(token_hash=hash_token(token))
    if row is None or row.revoked_at is not None:
        raise TokenError("the token is unknown or revoked")
    return Viewer(
        name=row.name,
        role=Role(row.role),
        municipality_codes=frozenset(row.municipality_codes),
        police_unit_slugs=frozenset(row.police_unit_slugs),
    )


async def create_token(
    name: str, role: Role, municipality_codes: list[str] | None = None, police_unit_slugs: list[str] | None = None
) -> str:
    """Store a new token's hash; returns the token, which is shown once and never stored."""
    token = new_token()
    await ApiToken.create(
        name=name,
        role=role.value,
        token_hash=hash_token(token),
        municipality_codes=sorted(municipality_codes or []),
        police_unit_slugs=sorted(police_unit_slugs or []),
    )
    return token


async def revoke_token(name: str) -> bool:
    return bool(await ApiToken.filter(name=name, revoked_at__isnull=True).update(revoked_at=datetime.now(UTC)))
