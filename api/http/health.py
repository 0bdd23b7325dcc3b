"""`/healthz`: the process answers. `/readyz`: and its database is reachable and migrated.

Readiness is one statement (the applied migrations, `models.availability`), so a load
balancer may poll it often. Not ready is 503 with what is wrong; which migrations are missing
is named, the database's address and the driver's words are only logged.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from models.availability import DatabaseUnavailable, NotMigrated, check_database

logger = logging.getLogger("samverkan.health")
NO_STORE = {"cache-control": "no-store"}


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


async def readyz(request: Request) -> JSONResponse:
    try:
        await check_database()
    except NotMigrated as missing:
        body = {"status": "unavailable", "database": "not migrated", "missing": missing.missing, "fix": missing.fix}
        return JSONResponse(body, status_code=503, headers=NO_STORE)
    except DatabaseUnavailable as unavailable:
        logger.warning("not ready: %s", unavailable)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503, headers=NO_STORE)
    except Exception:  # not an outage we know: still not ready, and worth a traceback in the log
        logger.exception("not ready: the readiness check failed")
        return JSONResponse({"status": "unavailable", "database": "error"}, status_code=503, headers=NO_STORE)
    return JSONResponse({"status": "ok", "database": "reachable", "migrations": "applied"}, headers=NO_STORE)
