"""The app's own web pages: GraphiQL and the dashboard, with every asset served from this origin.

Strawberry's GraphiQL page loads React and GraphiQL from unpkg.com: on a network without internet
it shows "Loading..." only, and every visitor's browser contacts a third party. The same files
(the same bytes: their SHA-384 equals the integrity hashes in strawberry's page) come from npm at
build time (`web/package.json`, `web/package-lock.json`, `make web` → `web/dist/vendor/`) and
are served here. Both pages carry a Content-Security-Policy that allows this origin only: the
scripts that start them are files, not inline, so no nonce is needed; GraphiQL's stylesheet
embeds its fonts as data: URLs, which is why its page allows `font-src data:`.

The dashboard (`web/dashboard/`) is a client of the public GraphQL API like any other. Its GraphQL
documents are files (`web/dashboard/queries/*.graphql`, validated against the schema in the
tests) and travel inside its HTML page as a JSON data block, so the first view needs the page,
its stylesheet, its script modules (its own two and d3's for the charts, `d3-charts.min.js`,
bundled from npm by `web/build.mjs`), its icon and its GraphQL requests, nothing else. Without
the built d3 module its charts cannot draw, so the page answers 503 as GraphiQL's does.
"""

from __future__ import annotations

from pathlib import Path

import orjson
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from api.settings import Settings

_STRICT = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
    " base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
DASHBOARD_CSP = _STRICT
GRAPHIQL_CSP = _STRICT.replace("img-src 'self'", "img-src 'self' data:; font-src 'self' data:")
_SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
}

GRAPHIQL_HTML = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Samverkan GraphiQL</title>
    <link rel="icon" href="/assets/dashboard/favicon.svg" type="image/svg+xml">
    <link rel="stylesheet" href="/assets/vendor/graphiql.min.css">
    <link rel="stylesheet" href="/assets/vendor/plugin-explorer.css">
    <link rel="stylesheet" href="/assets/graphiql/graphiql.css">
    <script src="/assets/vendor/react.production.min.js" defer></script>
    <script src="/assets/vendor/react-dom.production.min.js" defer></script>
    <script src="/assets/vendor/graphiql.min.js" defer></script>
    <script src="/assets/vendor/plugin-explorer.umd.js" defer></script>
    <script src="/assets/graphiql/graphiql.js" defer></script>
  </head>
  <body>
    <div id="graphiql" class="graphiql-container">Loading…</div>
  </body>
</html>
"""


CHARTS = "d3-charts.min.js"  # the dashboard's charts module, built from npm by web/build.mjs


def vendor_dir(settings: Settings) -> Path:
    return Path(settings.web_dir) / "dist" / "vendor"


def _not_built(settings: Settings) -> Response:
    return PlainTextResponse(
        f"The web assets are not built ({vendor_dir(settings)} is missing): run `make web`.", status_code=503
    )


def graphiql_page(settings: Settings) -> Response:
    if not (vendor_dir(settings) / "graphiql.min.js").is_file():
        return _not_built(settings)
    return HTMLResponse(GRAPHIQL_HTML, headers={**_SECURITY_HEADERS, "content-security-policy": GRAPHIQL_CSP})


def dashboard_queries(settings: Settings) -> dict[str, str]:
    """Every GraphQL document the dashboard sends, by file name without `.graphql`."""
    folder = Path(settings.web_dir) / "dashboard" / "queries"
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.graphql"))}


def dashboard_html(settings: Settings) -> str | None:
    """The page with its documents; None when the web folder is not there (an installed package
    without the checkout's web/)."""
    path = Path(settings.web_dir) / "dashboard" / "index.html"
    if not path.is_file():
        return None
    template = path.read_text(encoding="utf-8")
    # Inside <script type="application/json"> only "</" could end the block early.
    data = orjson.dumps(dashboard_queries(settings)).decode().replace("</", "<\\/")
    block = f'<script type="application/json" id="queries">{data}</script>'
    return template.replace("<!-- queries -->", block)


def web_routes(settings: Settings) -> list[BaseRoute]:
    """/dashboard and the static assets of both pages (read once at start-up: the page is fixed)."""
    web = Path(settings.web_dir)
    page = dashboard_html(settings)

    async def dashboard(request: Request) -> Response:
        if page is None:
            return PlainTextResponse(f"The dashboard is not installed here ({web} has no dashboard/).", 503)
        if not (vendor_dir(settings) / CHARTS).is_file():
            return _not_built(settings)
        return HTMLResponse(page, headers={**_SECURITY_HEADERS, "content-security-policy": DASHBOARD_CSP})

    def assets(directory: Path) -> GZipMiddleware:
        # Compressed on the fly: GraphiQL's script is 3.5 MB as built, about 1 MB gzipped.
        return GZipMiddleware(StaticFiles(directory=directory), minimum_size=1024)

    routes: list[BaseRoute] = [Route("/dashboard", dashboard)]
    for name in ("dashboard", "graphiql"):
        if (web / name).is_dir():
            routes.append(Mount(f"/assets/{name}", assets(web / name), name=f"{name}-assets"))
    if vendor_dir(settings).is_dir():
        routes.append(Mount("/assets/vendor", assets(vendor_dir(settings)), name="vendor-assets"))
    return routes
