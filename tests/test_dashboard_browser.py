"""The dashboard and GraphiQL in a real browser (Debian's chromium through playwright-core) on a
real uvicorn serving the seed content: each view shows the numbers the API gives, search and its
links work, the downloaded CSV holds exactly the rows of the filtered table, axe-core finds no
serious or critical WCAG 2.1 AA violation, nothing is requested from anywhere but the server,
no Content-Security-Policy violation, no horizontal scrolling at 320 px; GraphiQL runs a query.

The browser side is `web/tests/browser.mjs`: it reports what the pages showed, and this test
compares that with the API's answers. Screenshots of every view (desktop and 320 px) go to
test-output/browser/; each view's load time and transferred bytes are printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import io
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.conftest import ROOT, _Registry
from tests.servers import free_port, wait_until_up
from tests.web import WEB, require_browser

OUTPUT = ROOT / "test-output" / "browser"
BIN = Path(sys.executable).parent
ACTORS = {"KOMMUN": "Kommunen", "POLIS": "Polisen", "TILLSAMMANS": "Tillsammans"}
ASSESSMENTS = {
    "FULFILLED": "Uppfyllt",
    "PARTLY_FULFILLED": "Delvis uppfyllt",
    "NOT_FULFILLED": "Inte uppfyllt",
    "NOT_ASSESSED": "Inte bedömt",
}

pytestmark = pytest.mark.slow


def sv_number(value: int) -> str:
    """Intl.NumberFormat('sv-SE'): digits grouped by a (no-break) space."""
    return f"{value:,}".replace(",", " ")


def sv_percent(part: int, whole: int) -> str:
    """Intl.NumberFormat('sv-SE', {style: 'percent', maximumFractionDigits: 1}): "12,5 %"."""
    text = f"{round(100 * part / whole, 1):.1f}".removesuffix(".0").replace(".", ",")
    return f"{text} %"


def sv_quantity(value: float | None) -> str:
    """A quantity as the dashboard shows it: Intl's sv-SE (at most three decimals), "–" for none."""
    if value is None:
        return "–"
    whole, _, decimals = f"{value:.3f}".rstrip("0").partition(".")
    return sv_number(int(whole)) + (f",{decimals}" if decimals else "")


def sv_list(items: list[str]) -> str:
    return f"{', '.join(items[:-1])} och {items[-1]}" if len(items) > 1 else "".join(items)


def plain(value: Any) -> Any:
    """Text as shown, with the no-break spaces of Swedish number formats as plain spaces."""
    if isinstance(value, str):
        return value.replace("\u00a0", " ").replace("\u202f", " ")
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


@contextlib.asynccontextmanager
async def serving(database_url: str) -> AsyncIterator[str]:
    """A real uvicorn on the database, until the block ends."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port)),
        *("--log-level", "warning"),
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_until_up(url, "/healthz")
        yield url
    finally:
        process.terminate()
        await process.wait()


async def run_browser(node: str, url: str, label: str, *options: str) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        node,
        str(WEB / "tests" / "browser.mjs"),
        url,
        str(OUTPUT),
        label,
        *options,
        cwd=WEB,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=180)
    except TimeoutError:
        process.kill()
        raise
    assert process.returncode == 0, stderr.decode()[-3000:]
    return orjson.loads(stdout)  # type: ignore[no-any-return]


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.client.post("/graphql", json={"query": query, "variables": variables})
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]


# A target's derived status as the dashboard names them, in its order.
TARGET_STATUSES = (
    ("met", "Uppnått"),
    ("exceeded", "Överträffat"),
    ("missed", "Inte uppnått"),
    ("notComparable", "Inte jämförbart"),
    ("notReported", "Inte redovisat"),
)
TARGETS = """query ($filter: CommitmentFilter) { targetStatistics(groupBy: [COUNTED], filter: $filter) {
  group { label } targets promisedQuantity reportedQuantity met exceeded missed notComparable notReported } }"""
STATISTICS = """query ($filter: CommitmentFilter, $by: [StatisticsDimension!]!) {
  commitmentStatistics(groupBy: $by, filter: $filter) { group { key label } commitments } }"""


async def check_sverige(api: Api, shown: dict[str, Any]) -> None:
    await check_sverige_numbers(api, shown)
    assert shown["measure"] == "withCitizenPromise"  # the default share
    assert shown["skip"][0] == "Hoppa till innehållet" and shown["skip"][1] != "none"
    assert shown["afterSkip"] == "innehall"
    assert shown["changed"]["measure"] == "withAgreement"
    assert int(shown["changed"]["year"]) < int(shown["year"])
    await check_sverige_numbers(api, shown["changed"])
    assert shown["tileFocus"] == "rgb(179, 89, 0)"  # the focus colour, var(--focus)
    assert shown["opened"].startswith("#/lan/14")


async def check_sverige_numbers(api: Api, shown: dict[str, Any]) -> None:
    year, measure = int(shown["year"]), shown["measure"]
    data = await api(
        "query ($year: Int!) { coverage(groupBy: COUNTY, year: $year) { group { key label } municipalities"
        " withAgreement withCitizenPromise withFollowUp } }",
        year=year,
    )
    expected = [
        [
            c["group"][0]["label"],
            sv_number(c["municipalities"]),
            sv_number(c["withCitizenPromise"]),
            sv_number(c["withAgreement"]),
            sv_number(c["withFollowUp"]),
            sv_percent(c[measure], c["municipalities"]),
        ]
        for c in data["coverage"]
    ]
    assert plain(shown["table"]) == expected
    assert len(shown["tiles"]) == 21
    shares = {c["group"][0]["key"]: c[measure] / c["municipalities"] for c in data["coverage"]}
    for code, text, shade in shown["tiles"]:
        coverage = next(c for c in data["coverage"] if c["group"][0]["key"] == code)
        assert plain(text) == sv_percent(coverage[measure], coverage["municipalities"])
        assert shade == f"s{sum(shares[code] >= limit for limit in (0.2, 0.4, 0.6, 0.8))}"


async def check_county(api: Api, shown: dict[str, Any]) -> list[dict[str, Any]]:
    """Returns the targets' groups of the year before the default (what the panel showed last)."""
    assert shown["title"] == "Västra Götalands län"
    by = {}
    for dimension in ("ACTOR", "YEAR", "TOPIC"):
        data = await api(STATISTICS, filter={"countyCode": "14"}, by=[dimension])
        by[dimension] = data["commitmentStatistics"]
    assert shown["byActor"] == [[ACTORS[s["group"][0]["key"]], s["commitments"]] for s in by["ACTOR"]]
    assert sorted(shown["byYear"]) == sorted([s["group"][0]["key"], s["commitments"]] for s in by["YEAR"])
    topics = {s["group"][0]["label"]: s["commitments"] for s in by["TOPIC"]}
    assert sum(value for _, value in shown["byTopic"]) == sum(topics.values())
    assert len(shown["byTopic"]) == len(topics)
    assert [value for _, value in shown["byTopic"]] == sorted(topics.values(), reverse=True)
    assert plain(shown["actorTable"]) == [
        [ACTORS[s["group"][0]["key"]], sv_number(s["commitments"])] for s in by["ACTOR"]
    ]
    # Each chart's text alternative (the targets' chart: for the year before, the one last shown).
    labels = [label for label in shown["svgLabels"] if not label.startswith("Löften per")]
    assert all(label.startswith(f"Mål per status {shown['targetsYearBefore']['year']}: ") for label in labels)
    assert len(labels) == bool(shown["targetsYearBefore"]["chart"])
    for axis in shown["axes"]:
        check_axis(axis)
    coverage = await api(
        'query ($year: Int!) { coverage(groupBy: MUNICIPALITY, year: $year, countyCode: "14") {'
        " group { label } withAgreement withCitizenPromise withFollowUp } }",
        year=int(shown["year"]),
    )
    yes = {True: "Ja", False: "Nej"}
    assert shown["municipalities"] == [
        [
            c["group"][0]["label"],
            yes[c["withAgreement"] > 0],
            yes[c["withCitizenPromise"] > 0],
            yes[c["withFollowUp"] > 0],
        ]
        for c in coverage["coverage"]
    ]
    county = {"countyCode": "14"}
    await check_targets(api, shown["targets"], county, "Västra Götalands län")
    assert int(shown["targetsYearBefore"]["year"]) < int(shown["year"])
    return await check_targets(api, shown["targetsYearBefore"], county, "Västra Götalands län")


async def check_targets(api: Api, shown: dict[str, Any], filter: dict[str, str], place: str) -> list[dict[str, Any]]:
    """The targets panel for its year: the summary sentence, the chart of targets per status with
    its table, and the table per thing counted, as the API counts them; without targets, the
    sentence that says so and what the follow-ups reported anyway. Returns the API's groups."""
    year = int(shown["year"])
    groups: list[dict[str, Any]] = (await api(TARGETS, filter={**filter, "year": year}))["targetStatistics"]
    targets = sum(g["targets"] for g in groups)
    if not targets:
        anyway = [
            f"{sv_quantity(g['reportedQuantity'])} {g['group'][0]['label']}"
            for g in groups
            if g["reportedQuantity"] is not None
        ]
        sentence = f"Det finns inga mätbara mål i publicerade medborgarlöften i {place} {year}."
        assert plain(shown["summary"]) == sentence + (
            f" Uppföljningarna redovisar ändå {sv_list(anyway)}." if anyway else ""
        )
        assert shown["chart"] == shown["table"] == []
        return groups
    sums = {field: sum(g[field] for g in groups) for field, _ in TARGET_STATUSES}
    assert plain(shown["summary"]) == (
        f"{sv_number(targets)} mätbara mål i publicerade medborgarlöften i {place} {year}:"
        f" {sv_number(sums['met'] + sums['exceeded'])} uppnådda (varav {sv_number(sums['exceeded'])} överträffade),"
        f" {sv_number(sums['missed'])} inte uppnådda, {sv_number(sums['notComparable'])} inte jämförbara och"
        f" {sv_number(sums['notReported'])} inte redovisade i årets uppföljning."
    )
    assert shown["chart"] == [[label, sums[field]] for field, label in TARGET_STATUSES]
    assert plain(shown["chartTable"]) == [[label, sv_number(sums[field])] for field, label in TARGET_STATUSES]
    assert plain(shown["table"]) == [
        [
            g["group"][0]["label"],
            sv_number(g["targets"]),
            sv_quantity(g["promisedQuantity"]),
            sv_quantity(g["reportedQuantity"]),
            *(sv_number(g[field]) for field, _ in TARGET_STATUSES),
        ]
        for g in groups
    ]
    return groups


def check_axis(axis: dict[str, Any]) -> None:
    """The chart's scale as drawn: whole-number ticks from 0 in Swedish format, evenly spaced, and
    each bar ending where its value stands on that scale."""
    labels = [int(plain(text).replace(" ", "")) for text, _ in axis["ticks"]]
    assert labels[0] == 0 and labels == sorted(labels) and len(labels) >= 2, axis
    assert [plain(text) for text, _ in axis["ticks"]] == [sv_number(value) for value in labels]
    x0, x1, last = axis["ticks"][0][1], axis["ticks"][-1][1], labels[-1]
    per_unit = (x1 - x0) / last
    steps = [b[1] - a[1] for a, b in zip(axis["ticks"], axis["ticks"][1:], strict=False)]
    assert max(steps) - min(steps) < 0.01, axis
    for value, start, width in axis["bars"]:
        assert abs(start - x0) <= 0.5, axis  # d3-axis shifts ticks half a pixel, for crisp lines
        # A bar of a non-zero value is at least 2 units wide, to be seen.
        assert abs(width - (max(2, value * per_unit) if value else 0)) < 0.01, (axis["id"], value, width)


async def check_municipality(api: Api, shown: dict[str, Any], year: int) -> None:
    data = await api(
        'query ($year: Int!) { municipality(code: "1471") { name citizenPromises(year: $year) {'
        " commitments { actor } followUps { year entries { assessment } } } } }",
        year=year,
    )
    municipality = data["municipality"]
    assert shown["title"] == municipality["name"]
    commitments = [c["actor"] for p in municipality["citizenPromises"] for c in p["commitments"]]
    assert shown["actors"] == [[actor, commitments.count(actor)] for actor in ACTORS if actor in commitments]
    follow_ups = sorted((f for p in municipality["citizenPromises"] for f in p["followUps"]), key=lambda f: -f["year"])
    if follow_ups:
        assert [row[0] for row in shown["assessments"]] == [
            ASSESSMENTS[e["assessment"]] for e in follow_ups[0]["entries"]
        ]
    # Links to the source pages of what the page shows (the seed content has none).
    pages = await api(
        'query ($today: Date!) { municipality(code: "1471") { agreements(activeOn: $today) { sourceUrl }'
        " citizenPromises { sourceUrl followUps { sourceUrl } } } }",
        today=dt.date.today().isoformat(),
    )
    found = pages["municipality"]
    urls = [a["sourceUrl"] for a in found["agreements"]] + [p["sourceUrl"] for p in found["citizenPromises"]]
    urls += [f["sourceUrl"] for p in found["citizenPromises"] for f in p["followUps"]]
    assert sorted(shown["sources"]) == sorted({url for url in urls if url})


async def check_search(api: Api, shown: dict[str, Any]) -> None:
    data = await api(
        '{ search(query: "trygghet", filter: {countyCode: "14"}, first: 20) { totalCount } }',
    )
    total = data["search"]["totalCount"]
    assert plain(shown["heading"]) == f"{sv_number(total)} träffar på ”trygghet”"
    assert shown["hits"] == min(20, total)
    if total > 20:  # "Visa fler träffar" appends the next page
        assert shown["hitsAfterMore"] == min(40, total)
    else:
        assert "hitsAfterMore" not in shown
    assert shown["marks"] and all(mark.lower().startswith("trygg") for mark in shown["marks"])
    assert shown["hash"] == "#/sok?q=trygghet&lan=14"
    code = shown["followed"]["target"].removeprefix("#/kommun/")
    named = await api("query ($code: String!) { municipality(code: $code) { name } }", code=code)
    assert shown["followed"]["hash"] == shown["followed"]["target"]
    assert shown["followed"]["title"] == named["municipality"]["name"]


async def check_commitments(api: Api, client: httpx.AsyncClient, shown: dict[str, Any]) -> None:
    query = """query ($after: String) {
      commitments(filter: {countyCode: "14"}, orderBy: MUNICIPALITY, first: 100, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { id text citizenPromise { municipality { name } } } } } }"""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await api(query, after=after))["commitments"]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    total = len(nodes)
    assert shown["hash"].startswith("#/loften?lan=14") and "ordning=MUNICIPALITY" in shown["hash"]
    assert plain(shown["status"]).startswith(f"Visar 1–{sv_number(min(25, total))} av {sv_number(total)} löften")
    table = shown["first"] + shown["second"]
    assert [[row[0], row[3]] for row in table] == [
        [n["citizenPromise"]["municipality"]["name"], n["text"]] for n in nodes[: len(table)]
    ]
    assert shown["csvHref"] == "/export/commitments.csv?countyCode=14&orderBy=MUNICIPALITY"
    rows = list(csv.DictReader(io.StringIO(shown["csv"], newline="")))
    assert [row["id"] for row in rows] == [n["id"] for n in nodes]
    assert [row["text"] for row in rows] == [n["text"] for n in nodes]
    assert {row["county_code"] for row in rows} == {"14"}
    # Sorted by the Aktör header: ascending, then descending, from the first page.
    by_actor = """query ($order: CommitmentOrder!) {
      commitments(filter: {countyCode: "14"}, orderBy: $order, first: 25) { edges { node { actor text } } } }"""
    orders = (("ACTOR", "ascending"), ("ACTOR_DESC", "descending"))
    for shown_order, (order, direction) in zip(shown["actorOrder"], orders, strict=True):
        assert f"ordning={order}" in shown_order["hash"] and "sida" not in shown_order["hash"]
        assert shown_order["csvHref"] == f"/export/commitments.csv?countyCode=14&orderBy={order}"
        assert shown_order["sort"] == [None, None, direction, None, None]
        edges = (await api(by_actor, order=order))["commitments"]["edges"]
        assert [[row[2], row[3]] for row in shown_order["rows"]] == [
            [ACTORS[e["node"]["actor"]], e["node"]["text"]] for e in edges
        ]


def check_page_rules(report: dict[str, Any], label: str, widths: tuple[str, ...]) -> None:
    assert report["external"] == [], "requests left the server"
    assert report["csp"] == [] and report["errors"] == []
    assert report["axeChecks"] > 0
    for name, view in report["views"].items():
        serious = [v for v in view["violations"] if v["impact"] in {"serious", "critical"}]
        assert serious == [], (name, serious)
        if "320" in widths:
            assert view["overflowAt320"] <= 0, f"{name} scrolls sideways at 320 px"
        assert view["metrics"]["graphqlRequests"] <= 2, name
        for width in widths:
            assert (OUTPUT / f"{label}-{name}-{width}.png").stat().st_size > 0


def print_metrics(report: dict[str, Any], label: str, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["", f"{label}: view       load ms   requests   transferred bytes"]
    pages = [*report["views"].items(), *([("graphiql", report["graphiql"])] if "graphiql" in report else [])]
    for name, view in pages:
        metrics = view["metrics"]
        lines.append(f"  {name:<19} {metrics['loadMs']:>8} {metrics['requests']:>10} {metrics['bytes']:>19,}")
    (OUTPUT / f"{label}-metrics.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\n".join(lines))


async def test_the_dashboard_and_graphiql_in_a_real_browser(
    registry: _Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    node = require_browser()
    database = await registry.seeded_database("sqlite")
    async with serving(database.url) as server, httpx.AsyncClient(base_url=server) as client:
        report = await run_browser(node, server, "seed")
        api = Api(client)
        views = report["views"]
        await check_sverige(api, views["sverige"]["shown"])
        # The seed prints no targets; Götene's follow-up of 2023 counts results on none.
        groups = await check_county(api, views["lan"]["shown"])
        assert views["lan"]["shown"]["targetsYearBefore"]["year"] == "2023"
        assert {g["group"][0]["label"]: g["reportedQuantity"] for g in groups}["skolbesök"] == 20
        assert views["polisregion"]["shown"]["title"] == "Polisregion Väst"
        assert len(views["polisregion"]["shown"]["municipalities"]) == 55
        await check_municipality(api, views["kommun"]["shown"], int(views["sverige"]["shown"]["year"]))
        await check_search(api, views["sok"]["shown"])
        await check_commitments(api, client, views["loften"]["shown"])
        counties = await api("{ counties { code name } }")
        assert orjson.loads(report["graphiql"]["answer"]) == {"data": counties}
    check_page_rules(report, "seed", ("desktop", "320"))
    print_metrics(report, "seed", capsys)


async def test_the_dashboard_on_the_whole_country(country_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The same checks of the views whose size grows with the content, on every municipality, at
    desktop width and at 320 px (screenshots of both, axe-core on both, no sideways scrolling)."""
    node = require_browser()
    async with serving(country_database) as server, httpx.AsyncClient(base_url=server) as client:
        report = await run_browser(node, server, "country", "sverige,lan,kommun,sok,loften", "desktop,320")
        api = Api(client)
        views = report["views"]
        await check_sverige(api, views["sverige"]["shown"])
        # The generated content has targets and, for the years before this one, results.
        groups = await check_county(api, views["lan"]["shown"])
        assert all(sum(g[field] for g in groups) for field, _ in TARGET_STATUSES), groups
        await check_municipality(api, views["kommun"]["shown"], int(views["sverige"]["shown"]["year"]))
        await check_search(api, views["sok"]["shown"])
        assert "hitsAfterMore" in views["sok"]["shown"]
        await check_commitments(api, client, views["loften"]["shown"])
    check_page_rules(report, "country", ("desktop", "320"))
    print_metrics(report, "country", capsys)
