"""How often a client may ask: rate limits per token and per client address, with `limits`.

A request with a valid token counts against that token, so that the editors of one office
behind one address do not share a budget; any other request counts against its client address.
Every request to /graphql and /export counts as a read; a mutation also counts as a write, and a
query whose estimated cost (api/protection/limits.py) is at least `rate_limit_expensive_cost`,
or an export of commitments, also as an expensive read. Each class has its own rates, in the
`limits` notation ("50/second;1200/minute"); the sliding window counter keeps two counters per
client and rate, and a refusal is 429 with `Retry-After` (seconds until the window lets one
more through) and a GraphQL error in JSON. `/healthz` and `/readyz` are never limited.

Counters live in process memory by default: each worker process counts on its own, so N workers
allow N times the rates. Several processes or hosts share counters through a storage URI that
`limits` knows (`redis://host:6379`, `memcached://host:11211`, ...). When that storage fails,
requests are served uncounted (and the failure logged): the limits protect the service, an
outage of theirs must not become one of the service.

The client address is the connection's peer. Behind a reverse proxy that is the proxy, so a
deployment names its proxies (`trusted_proxies`, addresses or networks) and the header they
write (X-Forwarded-For or Forwarded); only then, and only on connections from those proxies, is
the header read: from the right, the first address that is not itself a trusted proxy is the
client. Nothing is trusted by default, so a client cannot choose its own address.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson
from limits import RateLimitItem, parse_many
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string
from starlette.requests import Request
from starlette.responses import Response

from api.settings import Settings

logger = logging.getLogger("samverkan.protection")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Tier(StrEnum):
    READ = "read"
    EXPENSIVE = "expensive"
    WRITE = "write"


@dataclass(frozen=True)
class Refusal:
    tier: Tier
    rate: str
    retry_after: int

    @property
    def message(self) -> str:
        what = {Tier.READ: "requests", Tier.EXPENSIVE: "expensive reads", Tier.WRITE: "writes"}[self.tier]
        return f"Too many {what}: the limit is {self.rate} per client. Retry after {self.retry_after} s."

    def response(self) -> Response:
        error = {"message": self.message, "extensions": {"code": "RATE_LIMITED", "retryAfter": self.retry_after}}
        return Response(
            orjson.dumps({"errors": [error]}),
            status_code=429,
            media_type="application/json",
            headers={"retry-after": str(self.retry_after), "cache-control": "no-store"},
        )


def _rate(item: RateLimitItem) -> str:
    return f"{item.amount}/{item.multiples if item.multiples > 1 else ''}{item.GRANULARITY.name}"


class RateLimits:
    """One per application: the rates, the counters and who the client is."""

    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.rate_limits
        self.rates = {
            Tier.READ: parse_many(settings.rate_limit_reads),
            Tier.EXPENSIVE: parse_many(settings.rate_limit_expensive),
            Tier.WRITE: parse_many(settings.rate_limit_writes),
        }
        self.expensive_cost = settings.rate_limit_expensive_cost
        uri = settings.rate_limit_storage
        storage = storage_from_string(uri if uri.startswith("async+") else "async+" + uri)
        self.limiter = SlidingWindowCounterRateLimiter(storage)
        self.trusted: list[Network] = [ipaddress.ip_network(proxy, strict=False) for proxy in settings.trusted_proxies]
        header = settings.client_address_header.strip().lower()
        if header not in {"x-forwarded-for", "forwarded"}:
            raise ValueError(f"SAMVERKAN_CLIENT_ADDRESS_HEADER must be X-Forwarded-For or Forwarded (got {header!r})")
        self.header = header

    def tiers(self, *, write: bool = False, cost: int = 0) -> list[Tier]:
        """The stricter classes an operation counts against besides reads."""
        tiers = [Tier.WRITE] if write else []
        if cost >= self.expensive_cost:
            tiers.append(Tier.EXPENSIVE)
        return tiers

    async def hit(self, client: str, tiers: Sequence[Tier]) -> Refusal | None:
        """Count one request of `client` against each tier; the first rate it exceeds, or None."""
        if not self.enabled:
            return None
        try:
            for tier in tiers:
                for item in self.rates[tier]:
                    if not await self.limiter.hit(item, tier.value, client):
                        stats = await self.limiter.get_window_stats(item, tier.value, client)
                        return Refusal(tier, _rate(item), max(1, math.ceil(stats.reset_time - time.time())))
        except Exception as error:  # a shared storage that is down: serve rather than refuse everyone
            logger.warning("rate limits not counted, their storage failed: %s", error)
        return None

    def address(self, scope: Mapping[str, Any]) -> str:
        peer = (scope.get("client") or ("unknown",))[0]
        if not self.trusted or not self._is_trusted(peer):
            return str(peer)
        headers = [value.decode("latin-1") for name, value in scope.get("headers", ()) if name == self.header.encode()]
        hops = _forwarded_for(",".join(headers)) if self.header == "forwarded" else _x_forwarded_for(headers)
        for hop in reversed(hops):
            if not self._is_trusted(hop):
                return hop
        return hops[0] if hops else str(peer)

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def guard(self, endpoint: Callable[[Request], Awaitable[Response]], *tiers: Tier) -> Callable[..., Any]:
        """A route endpoint counted per client address against reads and `tiers`."""

        async def limited(request: Request) -> Response:
            refusal = await self.hit("address:" + self.address(request.scope), [Tier.READ, *tiers])
            return refusal.response() if refusal else await endpoint(request)

        return limited


def _x_forwarded_for(headers: list[str]) -> list[str]:
    return [hop.strip() for header in headers for hop in header.split(",") if hop.strip()]


def _forwarded_for(header: str) -> list[str]:
    """The `for=` of each element of an RFC 7239 Forwarded header, without quotes and ports."""
    hops = []
    for element in header.split(","):
        for pair in element.split(";"):
            name, _, value = pair.strip().partition("=")
            if name.lower() != "for":
                continue
            value = value.strip().strip('"')
            if value.startswith("["):  # "[2001:db8::1]:4711"
                value = value[1:].split("]")[0]
            elif value.count(":") == 1:  # "192.0.2.60:4711"
                value = value.split(":")[0]
            if value:
                hops.append(value)
    return hops
