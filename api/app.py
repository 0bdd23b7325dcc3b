"""The ASGI application: GraphQL at /graphql, health checks, CORS, access logs."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import RedirectResponse
from starlette.routing import Route

from api.dashboards.opendata import DESCRIPTIONS
from api.dashboards.opendata import routes as export_routes
from api.http.access_log import AccessLogMiddleware
from api.http.graphql import GraphQLEndpoint
from api.http.health import healthz, readyz
from api.http.server import BodyTimeoutMiddleware
from api.http.unavailable import DatabaseErrorsMiddleware, quiet_driver_logs
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


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
    settings = settings or Settings.from_environment()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
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
    middleware = [
        Middleware(AccessLogMiddleware),
        Middleware(DatabaseErrorsMiddleware),
        Middleware(BodyTimeoutMiddleware, timeout=settings.body_timeout),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-Request-ID", "If-None-Match", "Samverkan-Preview"],
                expose_headers=["ETag", "X-Request-ID"],
                max_age=600,
            )
        )
    return Starlette(
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
