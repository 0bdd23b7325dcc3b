"""Every limit and switch of the API in one place, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# The browser pages' sources and built assets (web/README.md).
WEB_DIR = str(Path(__file__).resolve().parent.parent / "web")


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _str(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def _list(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    # Query protection: refused before execution, with a message that says which limit.
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 10_000
    max_cost: int = 50_000
    # Counted as if every fragment were written out where it is spread (api/protection/limits.py).
    max_selections: int = 5_000
    max_fragment_spreads: int = 1_000
    # graphql-core's check that fields of one response name can be merged compares them pairwise.
    max_field_comparisons: int = 10_000
    default_page_size: int = 20
    max_page_size: int = 100
    # Longer search queries are refused: they are pasted text, not something to look for.
    max_search_query_length: int = 500
    max_query_bytes: int = 1_000_000
    # Seconds any one SQL statement of the server may run (0: no limit); see models/statement_timeout.py.
    statement_timeout: float = 5.0
    # Switches for production.
    graphiql: bool = True
    introspection: bool = True
    field_suggestions: bool = True
    batching: bool = False
    max_batch: int = 10
    # Rate limits per token, or per client address without one (api/protection/rates.py), in the
    # `limits` notation. Expensive: queries of at least this estimated cost, and exports.
    rate_limits: bool = True
    rate_limit_reads: str = "100/second;3000/minute"
    rate_limit_expensive: str = "60/minute"
    rate_limit_writes: str = "120/minute"
    rate_limit_expensive_cost: int = 20_000
    rate_limit_storage: str = "memory://"
    # The client address: the connection's peer, or what these proxies say it is in this header.
    trusted_proxies: list[str] = field(default_factory=list)
    client_address_header: str = "X-Forwarded-For"
    # HTTP.
    cors_origins: list[str] = field(default_factory=list)
    # Public GET answers may be kept this long by browsers and shared caches (CDNs). Unpublishing
    # purges nothing: a cache may show an unpublished item until max-age (plus
    # stale-while-revalidate, when that is set) has passed. Short by default for that reason.
    cache_max_age: int = 10
    cache_stale_while_revalidate: int = 0
    parser_cache_size: int = 512
    web_dir: str = WEB_DIR
    # Read queries compiled to SQL (api/compiled/); off, the reference path answers every query.
    compiled_reads: bool = True
    # A response extension saying which path answered: "compiled", "planned" or "graphql-core".
    debug_execution: bool = False
    # Connections (`samverkan serve`, per worker; api/http/server.py). A client must send its
    # request line and headers within header_timeout seconds of connecting (or of the previous
    # answer), and its body within body_timeout seconds of the headers; beyond connection_limit
    # open connections or running requests, new requests get 503 at once.
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    connection_limit: int = 200
    # Days the activity log keeps an entry (api/editorial/activity.py); 0: for ever.
    activity_retention_days: int = 365
    # The open data's description (GET /export/dcat.rdf, /export/datapackage.json): where users
    # write with questions about the data (DCAT-AP-SE's contact point needs an e-mail; set the
    # publisher's functional mailbox, never a person's), and the licence the data is published
    # under, as its URI (default CC0 1.0: no rights reserved, as open data is usually published).
    open_data_contact_email: str = "oppnadata@samverkan.example"
    open_data_licence: str = "http://creativecommons.org/publicdomain/zero/1.0/"

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            max_depth=_int("SAMVERKAN_MAX_DEPTH", cls.max_depth),
            max_aliases=_int("SAMVERKAN_MAX_ALIASES", cls.max_aliases),
            max_tokens=_int("SAMVERKAN_MAX_TOKENS", cls.max_tokens),
            max_cost=_int("SAMVERKAN_MAX_COST", cls.max_cost),
            max_query_bytes=_int("SAMVERKAN_MAX_QUERY_BYTES", cls.max_query_bytes),
            max_selections=_int("SAMVERKAN_MAX_SELECTIONS", cls.max_selections),
            max_fragment_spreads=_int("SAMVERKAN_MAX_FRAGMENT_SPREADS", cls.max_fragment_spreads),
            max_field_comparisons=_int("SAMVERKAN_MAX_FIELD_COMPARISONS", cls.max_field_comparisons),
            max_page_size=_int("SAMVERKAN_MAX_PAGE_SIZE", cls.max_page_size),
            statement_timeout=_float("SAMVERKAN_STATEMENT_TIMEOUT", cls.statement_timeout),
            graphiql=_flag("SAMVERKAN_GRAPHIQL", cls.graphiql),
            introspection=_flag("SAMVERKAN_INTROSPECTION", cls.introspection),
            field_suggestions=_flag("SAMVERKAN_FIELD_SUGGESTIONS", cls.field_suggestions),
            batching=_flag("SAMVERKAN_BATCHING", cls.batching),
            max_batch=_int("SAMVERKAN_MAX_BATCH", cls.max_batch),
            rate_limits=_flag("SAMVERKAN_RATE_LIMITS", cls.rate_limits),
            rate_limit_reads=_str("SAMVERKAN_RATE_LIMIT_READS", cls.rate_limit_reads),
            rate_limit_expensive=_str("SAMVERKAN_RATE_LIMIT_EXPENSIVE", cls.rate_limit_expensive),
            rate_limit_writes=_str("SAMVERKAN_RATE_LIMIT_WRITES", cls.rate_limit_writes),
            rate_limit_expensive_cost=_int("SAMVERKAN_RATE_LIMIT_EXPENSIVE_COST", cls.rate_limit_expensive_cost),
            rate_limit_storage=_str("SAMVERKAN_RATE_LIMIT_STORAGE", cls.rate_limit_storage),
            trusted_proxies=_list("SAMVERKAN_TRUSTED_PROXIES"),
            client_address_header=_str("SAMVERKAN_CLIENT_ADDRESS_HEADER", cls.client_address_header),
            cors_origins=_list("SAMVERKAN_CORS_ORIGINS"),
            cache_max_age=_int("SAMVERKAN_CACHE_MAX_AGE", cls.cache_max_age),
            web_dir=os.environ.get("SAMVERKAN_WEB_DIR") or WEB_DIR,
            compiled_reads=_flag("SAMVERKAN_COMPILED_READS", cls.compiled_reads),
            debug_execution=_flag("SAMVERKAN_DEBUG_EXECUTION", cls.debug_execution),
            cache_stale_while_revalidate=_int(
                "SAMVERKAN_CACHE_STALE_WHILE_REVALIDATE", cls.cache_stale_while_revalidate
            ),
            header_timeout=_float("SAMVERKAN_HEADER_TIMEOUT", cls.header_timeout),
            body_timeout=_float("SAMVERKAN_BODY_TIMEOUT", cls.body_timeout),
            connection_limit=_int("SAMVERKAN_CONNECTION_LIMIT", cls.connection_limit),
            activity_retention_days=_int("SAMVERKAN_ACTIVITY_RETENTION_DAYS", cls.activity_retention_days),
            open_data_contact_email=_str("SAMVERKAN_OPEN_DATA_CONTACT_EMAIL", cls.open_data_contact_email),
            open_data_licence=_str("SAMVERKAN_OPEN_DATA_LICENCE", cls.open_data_licence),
        )

    @property
    def public_cache_control(self) -> str:
        value = f"public, max-age={self.cache_max_age}"
        if self.cache_stale_while_revalidate > 0:
            value += f", stale-while-revalidate={self.cache_stale_while_revalidate}"
        return value
