"""Descriptions of the open data that tools read right: a Frictionless data package and DCAT-AP-SE.

`GET /export/datapackage.json` is a Tabular Data Package: each dataset of api/dashboards/export.py
as a resource with a Table Schema, the column types and descriptions taken from the same Column
lists the CSV is written from, so the two cannot drift. Codes (kommunkod, länskod) are strings
with a pattern: read without it, pandas made 0127 the integer 127. Resource paths are relative to
the descriptor (`commitments.csv` beside `/export/datapackage.json`), as the specification reads
them.

`GET /export/dcat.rdf` describes the same datasets in RDF/XML by DCAT-AP-SE, the Swedish profile
of DCAT-AP that Sweden's open data portal (dataportal.se) harvests: a catalogue, its publisher,
one dataset per resource with its contact point, theme (JUST: justice, legal system and public
safety), language and distributions (CSV, JSON). The profile makes a dataset's contact point
mandatory, with a name and an e-mail address (`vcard:fn`, `vcard:hasEmail`), and recommends a
licence on each distribution (`dcterms:license`). Both are the publisher's decision, not the
software's, so both are settings (api/settings.py: `open_data_contact_email`, and
`open_data_licence`, default CC0 1.0), and the data package names the same licence.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.dashboards.export import COLUMNS, TARGET_COLUMNS, Column
from api.dashboards.export import ROUTES as DOWNLOAD_ROUTES
from api.settings import Settings

# What GET /export/datapackage.json, GET /export/dcat.rdf and GET /export/README are: descriptions,
# cheap to answer (api/app.py does not count them as expensive reads).
DESCRIPTIONS = frozenset({"/export/README", "/export/datapackage.json", "/export/dcat.rdf"})

DATASETS: dict[str, tuple[str, str, list[Column]]] = {
    "commitments": (
        "Löften i medborgarlöften",
        "Varje löfte i publicerade medborgarlöften mellan kommuner och polisen: kommun, län, polisregion, aktör,"
        " text, ämnen och uppföljningar.",
        COLUMNS,
    ),
    "targets": (
        "Mätbara mål i medborgarlöften och vad uppföljningarna redovisar",
        "Varje mätbart mål i publicerade löften (antal, vad som räknas, intervall eller tidsgräns) med den senaste"
        " (eller årets) uppföljningens redovisade antal och härledda status.",
        TARGET_COLUMNS,
    ),
}


def _field(column: Column) -> dict[str, Any]:
    field: dict[str, Any] = {"name": column.name, "type": column.type, "description": column.meaning}
    if column.type == "boolean":
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    if column.pattern:
        # Table Schema patterns are implicitly anchored (XML Schema regular expressions).
        field["constraints"] = {"pattern": column.pattern.removeprefix("^").removesuffix("$")}
    return field


def datapackage(settings: Settings) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": "samverkan",
        "licenses": [{"path": settings.open_data_licence}],
        "title": "Samverkan: medborgarlöften mellan kommuner och polisen",
        "description": "Publicerade medborgarlöften, deras löften och mätbara mål. Kolumnerna beskrivs i"
        " /export/README.",
        "resources": [
            {
                "name": name,
                "title": title,
                "description": description,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True, "quoteChar": '"'},
                "schema": {"fields": [_field(column) for column in columns], "missingValues": [""]},
            }
            for name, (title, description, columns) in DATASETS.items()
        ],
    }


NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
EU = "http://publications.europa.eu/resource/authority"
FORMATS = {"csv": ("CSV", "text/csv"), "json": ("JSON", "application/json")}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def _add(parent: ET.Element, name: str, text: str | None = None, resource: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, _q(name))
    if resource is not None:
        element.set(_q("rdf:resource"), resource)
    if text is not None:
        element.text = text
        element.set("{http://www.w3.org/XML/1998/namespace}lang", "sv")
    return element


def dcat(base: str, settings: Settings) -> bytes:
    """The catalogue as RDF/XML; `base` is the API's address without a trailing slash."""
    for prefix, uri in NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    root = ET.Element(_q("rdf:RDF"))
    publisher = f"{base}/export/dcat.rdf#publisher"
    catalog = ET.SubElement(root, _q("dcat:Catalog"), {_q("rdf:about"): f"{base}/export/dcat.rdf#catalog"})
    _add(catalog, "dcterms:title", "Samverkan: öppna data om medborgarlöften")
    _add(catalog, "dcterms:description", "Medborgarlöften och samverkansöverenskommelser mellan kommuner och polisen.")
    _add(catalog, "dcterms:publisher", resource=publisher)
    _add(catalog, "dcterms:language", resource=f"{EU}/language/SWE")
    _add(catalog, "foaf:homepage", resource=f"{base}/")
    for name in DATASETS:
        _add(catalog, "dcat:dataset", resource=f"{base}/export/dcat.rdf#{name}")

    agent = ET.SubElement(root, _q("foaf:Agent"), {_q("rdf:about"): publisher})
    _add(agent, "foaf:name", "Samverkan")

    for name, (title, description, _) in DATASETS.items():
        dataset = ET.SubElement(root, _q("dcat:Dataset"), {_q("rdf:about"): f"{base}/export/dcat.rdf#{name}"})
        _add(dataset, "dcterms:title", title)
        _add(dataset, "dcterms:description", description)
        _add(dataset, "dcterms:publisher", resource=publisher)
        _add(dataset, "dcat:theme", resource=f"{EU}/data-theme/JUST")
        _add(dataset, "dcterms:language", resource=f"{EU}/language/SWE")
        _add(dataset, "dcterms:spatial", resource=f"{EU}/country/SWE")
        _add(dataset, "dcterms:accessRights", resource=f"{EU}/access-right/PUBLIC")
        _add(dataset, "dcterms:conformsTo", resource=f"{base}/export/datapackage.json")
        _add(dataset, "dcat:landingPage", resource=f"{base}/export/README")
        for keyword in ("medborgarlöfte", "polisen", "kommun", "brottsförebyggande", "trygghet"):
            _add(dataset, "dcat:keyword", keyword)
        contact = ET.SubElement(_add(dataset, "dcat:contactPoint"), _q("vcard:Organization"))
        _add(contact, "vcard:fn", "Samverkan")
        _add(contact, "vcard:hasEmail", resource=f"mailto:{settings.open_data_contact_email}")
        _add(contact, "vcard:hasURL", resource=f"{base}/export/README")
        for extension, (file_type, media_type) in FORMATS.items():
            url = f"{base}/export/{name}.{extension}"
            distribution = ET.SubElement(_add(dataset, "dcat:distribution"), _q("dcat:Distribution"))
            distribution.set(_q("rdf:about"), url)
            _add(distribution, "dcterms:title", f"{title} ({file_type})")
            _add(distribution, "dcat:accessURL", resource=url)
            _add(distribution, "dcat:downloadURL", resource=url)
            _add(distribution, "dcterms:license", resource=settings.open_data_licence)
            _add(distribution, "dcterms:format", resource=f"{EU}/file-type/{file_type}")
            _add(distribution, "dcat:mediaType", resource=f"https://www.iana.org/assignments/media-types/{media_type}")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def routes(settings: Settings) -> list[Route]:
    """The downloads and their descriptions, which carry the settings' contact and licence."""

    async def datapackage_json(request: Request) -> Response:
        return JSONResponse(datapackage(settings), media_type="application/json")

    async def dcat_rdf(request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return Response(dcat(base, settings), media_type="application/rdf+xml")

    return [
        *DOWNLOAD_ROUTES,
        Route("/export/datapackage.json", datapackage_json),
        Route("/export/dcat.rdf", dcat_rdf),
    ]
