"""The ASGI application: GraphQL at /graphql, health checks, exports, web pages, CORS, access logs.

Starlette routes every path but one. `/graphql`, nearly every request the API answers, goes
from the application's own call straight to its stack: the request layer (api/http/guard.py),
CORS when configured, and the endpoint, the same layers in the same order as through
Starlette's, without Starlette's error and exception middlewares, router and route around
them (28 of the 428 Python calls of a `node` request). Those add nothing for
this endpoint: it answers every error itself (api/http/graphql.py), and what would still escape
it (none is known) the server answers 500 as Starlette's error middleware would. A deployment
under a root path (`root_path` in the ASGI scope) goes through Starlette's router, which
strips it.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import RedirectResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from api.dashboards.opendata import DESCRIPTIONS
from api.dashboards.opendata import routes as export_routes
from api.http.access_log import FORMAT, AccessLog
from api.http.graphql import GraphQLEndpoint
from api.http.guard import RequestGuard
from api.http.health import healthz, readyz
from api.http.unavailable import quiet_driver_logs
from api.http.web import web_routes
from api.protection.rates import RateLimits, Tier
from api.schema import build_schema
from api.settings import Settings
from models.availability import DatabaseUnavailable, check_database
from models.database import close_database, open_database

logger = logging.getLogger("samverkan.database")


def settle_garbage_collector() -> None:
    """A request allocates tens of thousands of short-lived objects; with Python's defaults the
    collector runs every 700 allocations and its older generations rescan the whole schema and
    every module each time. Objects alive after start-up are frozen out of collection, and the
    youngest generation is collected less often. Memory stays bounded: cycles are still found."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


async def report_database() -> None:
    """At start-up, say whether the database is reachable and migrated. The server starts
    either way and answers 503 meanwhile (api/http/unavailable.py): a database that comes
    back, or is migrated, is used without a restart."""
    try:
        await check_database()
    except DatabaseUnavailable as unavailable:
        fix = f"; {unavailable.fix}" if unavailable.fix else ""
        logger.warning("%s%s; answering 503 until it is ready", unavailable, fix)
    else:
        logger.info("database ready: reachable, every migration applied")


def lighter_log_records() -> None:
    """Every request writes an access line (api/http/access_log.py). A log record otherwise
    looks up its caller's file and line (a walk up the stack), its thread and its process, none
    of which the format prints: 47 → 36 µs a line on the 2-core machine, a tenth of a `node`
    request. These are the switches of the logging documentation's "Optimization" section."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


class Application(Starlette):
    """Starlette, with `/graphql` answered by its own stack (the module's docstring says why)."""

    graphql: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/graphql" and not scope.get("root_path"):
            scope["app"] = self
            await self.graphql(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Application:
    settings = settings or Settings.from_environment()
    logging.basicConfig(level=logging.INFO, format=FORMAT)
    lighter_log_records()
    quiet_driver_logs()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await open_database(settings.database_url, statement_timeout=settings.statement_timeout, create=False)
            await report_database()
        settle_garbage_collector()
        try:
            yield
        finally:
            if manage_database:
                await close_database()

    rates = RateLimits(settings)
    endpoint = GraphQLEndpoint(build_schema(settings), settings, rates)
    # Exports stream the whole dataset: expensive reads. /healthz and /readyz are never limited.
    exports = [
        Route(r.path, rates.guard(r.endpoint, *([] if r.path in DESCRIPTIONS else [Tier.EXPENSIVE])))
        for r in export_routes(settings)
    ]
    access = AccessLog()
    middleware = [Middleware(RequestGuard, body_timeout=settings.body_timeout, access=access)]
    graphql: ASGIApp = endpoint
    if settings.cors_origins:
        cors: dict[str, Any] = {
            "allow_origins": settings.cors_origins,
            "allow_methods": ["GET", "POST"],
            "allow_headers": ["Authorization", "Content-Type", "X-Request-ID", "If-None-Match", "Samverkan-Preview"],
            "expose_headers": ["ETag", "X-Request-ID"],
            "max_age": 600,
        }
        middleware.append(Middleware(CORSMiddleware, **cors))
        graphql = CORSMiddleware(graphql, **cors)
    app = Application(
        routes=[
            Route("/graphql", endpoint, methods=None),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *exports,
            *web_routes(settings),
            Route("/", lambda request: RedirectResponse("/graphql")),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.graphql = RequestGuard(graphql, body_timeout=settings.body_timeout, access=access)
    return app
