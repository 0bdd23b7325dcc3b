"""`/healthz`: the process answers. `/readyz`: and it can reach its database."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import Tortoise

logger = logging.getLogger("samverkan.health")


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"}, headers={"cache-control": "no-store"})


async def readyz(request: Request) -> JSONResponse:
    try:
        await Tortoise.get_connection("default").execute_query("SELECT 1")
    except Exception as error:  # any failure to reach the database means not ready
        logger.warning("database not reachable: %s", error)
        return JSONResponse(
            {"status": "unavailable", "database": "unreachable"},
            status_code=503,
            headers={"cache-control": "no-store"},
        )
    return JSONResponse({"status": "ok", "database": "reachable"}, headers={"cache-control": "no-store"})
