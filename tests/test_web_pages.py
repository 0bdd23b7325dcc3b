"""GraphiQL and the dashboard as served: every asset from the app's own origin, a strict
Content-Security-Policy, the dashboard's GraphQL documents valid against the schema and answered
on the seed content (both databases)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import httpx
import orjson
import pytest
import strawberry
from graphql import parse, validate

from api.http.web import DASHBOARD_CSP, GRAPHIQL_CSP, dashboard_queries
from api.schema import build_schema
from api.settings import Settings
from tests.conftest import Database, graphql, make_client
from tests.web import VENDOR, WEB, require_assets

QUERY_FILES = sorted((WEB / "dashboard" / "queries").glob("*.graphql"))
HTML = {"accept": "text/html"}


def csp_directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def local_references(html: str) -> list[str]:
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references
    return references


def test_no_page_allows_anything_but_its_own_origin() -> None:
    for header in (GRAPHIQL_CSP, DASHBOARD_CSP):
        directives = csp_directives(header)
        assert directives["default-src"] == ["'none'"]
        for name in ("script-src", "style-src", "connect-src"):
            assert directives[name] == ["'self'"], (name, header)
        assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
        assert not re.search(r"https?:", header)
        assert directives["frame-ancestors"] == ["'none'"]


async def test_graphiql_loads_every_asset_from_the_app_itself_under_its_policy() -> None:
    require_assets()
    async with make_client() as client:
        response = await client.get("/graphql", headers=HTML)
        assert response.status_code == 200
        assert response.headers["content-security-policy"] == GRAPHIQL_CSP
        assert "unpkg" not in response.text and "<script>" not in response.text
        references = local_references(response.text)
        assert all(reference.startswith("/assets/") for reference in references), references
        for reference in references:
            asset = await client.get(reference)
            assert asset.status_code == 200, reference
            kind = "javascript" if reference.endswith(".js") else "css" if reference.endswith(".css") else "svg"
            assert kind in asset.headers["content-type"], (reference, asset.headers["content-type"])


def test_vendored_files_are_the_bytes_strawberrys_page_pins() -> None:
    """The same SHA-384 as the integrity attributes of strawberry's CDN page: the same release."""
    require_assets()
    page = (Path(str(strawberry.__file__)).parent / "static" / "graphiql.html").read_text()
    pinned = set(re.findall(r'integrity="sha384-([^"]+)"', page))
    manifest = orjson.loads((VENDOR / "manifest.json").read_bytes())
    for name in ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "graphiql.min.css"):
        assert manifest[name]["sha384"] in pinned, name
    assert manifest["graphiql.min.js"]["package"].startswith("graphiql@3.")
    assert manifest["react.production.min.js"]["package"].startswith("react@18.")


def test_the_charts_module_is_d3_from_npm_with_its_licences() -> None:
    """web/build.mjs bundles the d3 modules charts.mjs names (and what they import) from the
    lock file's versions; each bundled package's licence ships beside it."""
    require_assets()
    manifest = orjson.loads((VENDOR / "manifest.json").read_bytes())
    lock = orjson.loads((WEB / "package-lock.json").read_bytes())["packages"]
    bundled = manifest["d3-charts.min.js"]["package"].split()
    assert {"d3-axis", "d3-scale", "d3-selection", "d3-format"} <= {name.split("@")[0] for name in bundled}
    for package in bundled:
        name, version = package.split("@")
        assert lock[f"node_modules/{name}"]["version"] == version, package
        assert "Permission to use, copy, modify" in (VENDOR / "licenses" / f"{name}.txt").read_text(), package
    digest = base64.b64encode(hashlib.sha384((VENDOR / "d3-charts.min.js").read_bytes()).digest()).decode()
    assert manifest["d3-charts.min.js"]["sha384"] == digest


async def test_graphiql_switched_off_is_not_served_and_neither_are_its_documents_changed() -> None:
    async with make_client(Settings(graphiql=False)) as client:
        response = await client.get("/graphql", headers=HTML)
        assert response.status_code == 404
        assert "turned off" in response.json()["errors"][0]["message"]


async def test_without_the_web_folder_both_pages_say_what_is_missing(tmp_path: Path, seeded: Database) -> None:
    async with make_client(Settings(web_dir=str(tmp_path))) as client:
        graphiql = await client.get("/graphql", headers=HTML)
        assert graphiql.status_code == 503 and "make web" in graphiql.text
        dashboard = await client.get("/dashboard")
        assert dashboard.status_code == 503 and "no dashboard/" in dashboard.text
        # The API itself is unaffected.
        assert (await client.get("/graphql", params={"query": "{ __typename }"})).status_code == 200


async def test_the_dashboard_is_a_swedish_page_with_its_documents_and_a_strict_policy() -> None:
    async with make_client() as client:
        response = await client.get("/dashboard")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == DASHBOARD_CSP
    assert '<html lang="sv">' in response.text
    block = re.search(r'<script type="application/json" id="queries">(.*?)</script>', response.text, re.S)
    assert block is not None
    documents = orjson.loads(block.group(1))
    assert set(documents) == {path.stem for path in QUERY_FILES}
    assert documents["sverige"] == (WEB / "dashboard" / "queries" / "sverige.graphql").read_text()
    # Executable scripts only from files: the one inline block is data.
    assert re.findall(r"<script(?![^>]*(?:src=|type=\"application/json\"))", response.text) == []
    assert all(ref.startswith(("/assets/", "/graphql", "/export/", "#")) for ref in local_references(response.text))


async def test_the_dashboard_assets_are_served_and_node_modules_is_not() -> None:
    require_assets()
    async with make_client() as client:
        for path in ("/assets/dashboard/app.js", "/assets/dashboard/lib.js", "/assets/dashboard/dashboard.css"):
            assert (await client.get(path)).status_code == 200, path
        charts = await client.get("/assets/vendor/d3-charts.min.js")
        assert charts.status_code == 200 and "javascript" in charts.headers["content-type"]
        first_line = charts.text.split("\n", 1)[0]
        assert first_line.startswith("/* d3-") and "d3-scale@4." in first_line and "export{" in charts.text
        assert (await client.get("/assets/dashboard/../package.json")).status_code == 404
        assert (await client.get("/assets/node_modules/react/package.json")).status_code == 404


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda path: path.stem)
def test_every_dashboard_document_is_valid_against_the_schema(path: Path) -> None:
    schema = build_schema(Settings())._schema
    errors = validate(schema, parse(path.read_text(encoding="utf-8")))
    assert errors == [], [error.message for error in errors]


async def test_every_dashboard_document_answers_on_the_seed_content(client: httpx.AsyncClient) -> None:
    documents = dashboard_queries(Settings())
    reference = await graphql(client, documents["reference"])
    assert len(reference["counties"]) == 21 and reference["topics"] and reference["years"]
    sverige = await graphql(client, documents["sverige"], {"year": 2024})
    assert len(sverige["coverage"]) == 21
    assert sum(row["municipalities"] for row in sverige["coverage"]) == 290
    region = await graphql(
        client, documents["region"], {"filter": {"countyCode": "14"}, "year": 2024, "countyCode": "14"}
    )
    assert sum(row["commitments"] for row in region["byActor"]) > 0
    assert len(region["coverage"]) == 49
    police = await graphql(
        client, documents["region"], {"filter": {"policeRegion": "Väst"}, "year": 2024, "policeRegion": "Väst"}
    )
    assert len(police["coverage"]) == 55  # Västra Götaland and Halland
    # The seed promises print no targets; Götene's 2023 follow-up counts results on none.
    assert region["targets"] == police["targets"] == []
    variables = {"filter": {"policeRegion": "Väst"}, "year": 2023, "policeRegion": "Väst"}
    reported = {
        g["group"][0]["label"]: (g["targets"], g["reportedQuantity"])
        for g in (await graphql(client, documents["region"], variables))["targets"]
    }
    assert reported["skolbesök"] == (0, 20)
    variables = {"code": "1471", "today": "2024-06-01", "year": 2024}
    municipality = await graphql(client, documents["municipality"], variables)
    assert municipality["municipality"]["name"] == "Götene"
    assert municipality["municipality"]["citizenPromises"][0]["commitments"]
    found = await graphql(client, documents["search"], {"query": "trygghet", "filter": {"countyCode": "14"}})
    assert found["search"]["totalCount"] > 0 and "<mark>" in found["search"]["edges"][0]["node"]["snippet"]
    page = await graphql(
        client, documents["commitments"], {"filter": {"countyCode": "14"}, "orderBy": "MUNICIPALITY", "first": 5}
    )
    assert len(page["commitments"]["edges"]) == 5
