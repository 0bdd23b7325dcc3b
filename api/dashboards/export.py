"""Open data: every published commitment as CSV or JSON, one row each, streamed page by page.

GET /export/commitments.csv and /export/commitments.json take the filters of the GraphQL
CommitmentFilter as query parameters (actor, municipalityCode, countyCode, policeRegion, year,
topic); without any they are the full dataset. `orderBy` sorts as the GraphQL `commitments` list
does (so a page of the list and its download agree); without it rows come by commitment id. GET
/export/README is the data dictionary. Rows are read in keyset pages of the order's key, so memory
stays flat however many there are.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from api.core import inputs
from api.core.pagination import SortKey, after_sql, order_by
from api.core.relay import to_global_id
from api.core.sql import Decode, rows
from api.dashboards.targets import ITEMS, target_relation
from api.geography.filters import COMMITMENT_AREA
from api.promises.filters import PROMISE_PLACES, Actor, CommitmentFilter, commitment_where
from api.promises.ordering import COMMITMENT_ORDERS, CommitmentOrder, commitment_tables
from models.sql import one_of, sql, visible

PAGE_SIZE = 1_000
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    """A column of a dataset, with its Table Schema type (api/dashboards/opendata.py)."""

    name: str
    meaning: str
    type: str = "string"
    pattern: str | None = None


MUNICIPALITY_CODE = Column(
    "municipality_code", "Kommunkod of the municipality the medborgarlöfte is for, four digits.", pattern=r"^\d{4}$"
)
COUNTY_CODE = Column("county_code", "Länskod, two digits.", pattern=r"^\d{2}$")
ACTOR = Column(
    "actor",
    "Whose commitment it is: KOMMUN, POLIS, TILLSAMMANS (both), OTHER (another organisation, see performed_by) or"
    " UNSPECIFIED (the document names no actor).",
)
PERFORMED_BY = Column(
    "performed_by", "Slugs of the organisations that do the work (actor OTHER names at least one), separated by ';'."
)

COLUMNS = [
    Column("id", "The commitment's global ID in the GraphQL API (`node(id:)`)."),
    MUNICIPALITY_CODE,
    Column("municipality_name", "The municipality's name."),
    COUNTY_CODE,
    Column("county_name", "The county's name."),
    Column("police_region", 'The police region\'s name, e.g. "Väst".'),
    Column("citizen_promise", "The medborgarlöfte's slug: stable, unique, used in links and global IDs."),
    Column("citizen_promise_title", "The medborgarlöfte's title as printed (or composed, when none is printed)."),
    Column("period_start", "First day of the medborgarlöfte's period (ISO 8601 date).", "date"),
    Column("period_end", "Last day of the period (ISO 8601 date); empty: open-ended.", "date"),
    Column("period_label", 'The period as printed, e.g. "2023–2024".'),
    Column("commitment_key", 'The commitment\'s key within its medborgarlöfte, e.g. "polis-1".'),
    ACTOR,
    Column("actor_label", 'The heading as printed, e.g. "Polisen lovar att".'),
    Column("text", "The commitment as printed."),
    Column("topics", "Topic keys of the controlled vocabulary (GraphQL `topics`), separated by ';'."),
    Column("follow_up_years", "Years of the published follow-ups reporting on it, ascending, separated by ';'."),
    Column(
        "assessments",
        "YEAR:ASSESSMENT for each follow-up entry on it, separated by ';'; ASSESSMENT is FULFILLED,"
        " PARTLY_FULFILLED, NOT_FULFILLED or NOT_ASSESSED.",
    ),
    PERFORMED_BY,
    Column(
        "area",
        "Slug of the area below the municipality the commitment is for (GraphQL `Area`): its own, else its"
        " medborgarlöfte's; empty: the whole municipality.",
    ),
    Column(
        "parent",
        "Two levels: the key of the joint statement (a commitment of the same medborgarlöfte) it stands under;"
        " empty: none.",
    ),
    Column("number", 'The list\'s printed numbering, e.g. "1." or "2 a)"; empty: the document numbers none.'),
    Column(
        "repeats",
        "The commitments of earlier periods it repeats, as `promise-slug#key` (whether or not they are here),"
        " separated by ';'.",
    ),
    Column(
        "source_incomplete",
        "true: the medborgarlöfte's source page is incomplete (cut short), so it may print more commitments.",
        "boolean",
    ),
]
# Each commitment `c` with its citizen promise `p`, municipality `m`, county `co`, region `r`.
EXPORT_COLUMNS = (
    "c.id AS id, c.key AS key, c.actor AS actor, c.actor_label AS actor_label, c.text AS text,"
    " p.slug AS promise_slug, p.title AS promise_title, p.period_start AS period_start,"
    " p.period_end AS period_end, p.period_label AS period_label, m.code AS municipality_code,"
    " m.name AS municipality_name, co.code AS county_code, co.name AS county_name, r.name AS police_region,"
    f" (SELECT ea.slug FROM area ea WHERE ea.id = {COMMITMENT_AREA}) AS area,"
    " (SELECT pc.key FROM commitment pc WHERE pc.id = c.parent_id) AS parent_key,"
    " c.number AS number, p.source_incomplete AS source_incomplete"
)
Pages = AsyncIterator[list[dict[str, Any]]]
FILTER_PARAMETERS = ("actor", "municipalityCode", "countyCode", "policeRegion", "year", "topic", "area")
PARAMETERS = (*FILTER_PARAMETERS, "orderBy")
BY_ID = [SortKey("c.id", "sort_id", is_number=True)]


class BadParameter(ValueError):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def parse_filter(request: Request) -> CommitmentFilter:
    """The CommitmentFilter of the query string; unknown, malformed or out-of-bounds parameters
    are refused, all before a response starts (a stream that has answered 200 cannot say 400)."""
    params = request.query_params
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise BadParameter(
            unknown[0][:40],
            f"unknown parameter '{unknown[0][:40]}'; the filters are: {', '.join(FILTER_PARAMETERS)}, and orderBy",
        )
    for name, value in params.multi_items():
        error = inputs.refusal(**{name: value})
        if error is not None:
            raise BadParameter(name, error.message)
    actor = params.get("actor")
    if actor is not None and actor not in Actor.__members__:
        raise BadParameter("actor", f"actor must be one of {', '.join(Actor.__members__)}, not '{actor[:40]}'")
    year = params.get("year")
    if year is not None and not (year.isascii() and year.isdigit() and len(year) == 4):
        raise BadParameter("year", f"year must be four digits, not '{year[:40]}'")
    if year is not None and (error := inputs.refusal(year=int(year))) is not None:
        raise BadParameter("year", error.message)
    return CommitmentFilter(
        actor=Actor[actor] if actor else None,
        municipality_code=params.get("municipalityCode"),
        county_code=params.get("countyCode"),
        police_region=params.get("policeRegion"),
        year=int(year) if year else None,
        topic=params.get("topic"),
        area=params.get("area"),
    )


def parse_order(request: Request) -> CommitmentOrder | None:
    value = request.query_params.get("orderBy")
    if value is None:
        return None
    if value not in CommitmentOrder.__members__:
        raise BadParameter(
            "orderBy", f"orderBy must be one of {', '.join(CommitmentOrder.__members__)}, not '{value[:40]}'"
        )
    return CommitmentOrder[value]


async def export_rows(
    filter: CommitmentFilter | None, now: datetime | None = None, order: CommitmentOrder | None = None
) -> Pages:
    """Pages of export rows (one dict per commitment, keys as COLUMNS), published content only,
    in `order` (as the GraphQL list) or by commitment id."""
    now = now or datetime.now(UTC)
    keys = COMMITMENT_ORDERS[order] if order else BY_ID
    sort_columns = sql.join(sql("{} AS {}", key.sql, sql.raw(key.name)) for key in keys)
    last: list[Any] | None = None
    while True:
        where = [visible("p", now), *commitment_where(filter)]
        if last is not None:
            where.append(after_sql(keys, last))
        page = await rows(
            sql(
                f"SELECT {EXPORT_COLUMNS}, {{}} FROM {commitment_tables(order, PROMISE_PLACES)}"
                " WHERE {} ORDER BY {} LIMIT {}",
                sort_columns,
                sql.join(where, " AND "),
                order_by(keys),
                PAGE_SIZE,
            ),
            Decode(
                dates=("period_start", "period_end", *(key.name for key in keys if key.is_date)),
                booleans=("source_incomplete",),
            ),
        )
        if not page:
            return
        ids = [row["id"] for row in page]
        last = [_iso(page[-1][key.name]) if key.is_date else page[-1][key.name] for key in keys]
        topics: dict[int, list[str]] = defaultdict(list)
        for row in await rows(
            sql(
                "SELECT ct.commitment_id AS commitment_id, ct.topic_id AS topic_id FROM commitment_topic ct"
                " WHERE {} ORDER BY ct.commitment_id, ct.position",
                one_of("ct.commitment_id", ids),
            )
        ):
            topics[row["commitment_id"]].append(str(row["topic_id"]))
        follow_ups: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for row in await rows(
            sql(
                "SELECT fec.commitment_id AS commitment_id, f.year AS year, e.assessment AS assessment"
                " FROM follow_up_entry_commitment fec JOIN follow_up_entry e ON e.id = fec.entry_id"
                " JOIN follow_up f ON f.id = e.follow_up_id"
                " WHERE {} AND {} ORDER BY fec.commitment_id, f.year, e.position",
                one_of("fec.commitment_id", ids),
                visible("f", now),
            )
        ):
            follow_ups[row["commitment_id"]].append((int(row["year"]), str(row["assessment"])))
        performers = await performed_by(ids)
        repeats: dict[int, list[str]] = defaultdict(list)
        for row in await rows(
            sql(
                "SELECT sc.commitment_id AS commitment_id, sc.target_slug AS slug, sc.target_key AS key"
                " FROM succession sc WHERE {} ORDER BY sc.commitment_id, sc.position",
                one_of("sc.commitment_id", ids),
            )
        ):
            repeats[row["commitment_id"]].append(f"{row['slug']}#{row['key']}")
        yield [
            {
                **_row(row, topics[row["id"]], follow_ups[row["id"]]),
                "performed_by": performers[row["id"]],
                "repeats": repeats[row["id"]],
            }
            for row in page
        ]
        if len(page) < PAGE_SIZE:
            return


async def performed_by(ids: list[int]) -> dict[int, list[str]]:
    """The slugs of the organisations performing each of the commitments, in order."""
    found: dict[int, list[str]] = defaultdict(list)
    for row in await rows(
        sql(
            "SELECT cp.commitment_id AS commitment_id, o.slug AS slug FROM commitment_performer cp"
            " JOIN organisation o ON o.id = cp.organisation_id WHERE {} ORDER BY cp.commitment_id, cp.position",
            one_of("cp.commitment_id", ids),
        )
    ):
        found[row["commitment_id"]].append(str(row["slug"]))
    return found


def _row(row: dict[str, Any], topics: list[str], follow_ups: list[tuple[int, str]]) -> dict[str, Any]:
    return {
        "id": to_global_id("Commitment", f"{row['promise_slug']}/{row['key']}"),
        "municipality_code": row["municipality_code"],
        "municipality_name": row["municipality_name"],
        "county_code": row["county_code"],
        "county_name": row["county_name"],
        "police_region": row["police_region"],
        "citizen_promise": row["promise_slug"],
        "citizen_promise_title": row["promise_title"],
        "period_start": _iso(row["period_start"]),
        "period_end": _iso(row["period_end"]),
        "period_label": row["period_label"],
        "commitment_key": row["key"],
        "actor": str(row["actor"]),
        "actor_label": row["actor_label"],
        "text": row["text"],
        "topics": topics,
        "follow_up_years": sorted({year for year, _ in follow_ups}),
        "assessments": [{"year": year, "assessment": assessment} for year, assessment in dict.fromkeys(follow_ups)],
        "area": row["area"],
        "parent": row["parent_key"],
        "number": row["number"],
        "source_incomplete": bool(row["source_incomplete"]),
    }


def _iso(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _csv_cell(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if name == "assessments":
        return LIST_SEPARATOR.join(f"{item['year']}:{item['assessment']}" for item in value)
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return "" if value is None else str(value)


def _csv(columns: list[Column]) -> Callable[[Pages], AsyncIterator[bytes]]:
    async def body(pages: Pages) -> AsyncIterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([column.name for column in columns])
        async for page in pages:
            for row in page:
                writer.writerow([_csv_cell(column.name, row[column.name]) for column in columns])
            yield _drain(buffer)
        yield _drain(buffer)

    return body


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


async def _json(pages: Pages) -> AsyncIterator[bytes]:
    yield b"["
    first = True
    async for page in pages:
        chunk = b",\n".join(orjson.dumps(row) for row in page)
        yield (b"\n" if first else b",\n") + chunk
        first = False
    yield b"\n]\n"


async def _read_ahead(pages: Pages) -> Pages:
    """The pages, the first one read before the answer starts: a database that cannot be read
    is then answered 503 (api/http/unavailable.py), not a 200 cut short."""
    first = await anext(pages, None)

    async def all_pages() -> Pages:
        if first is not None:
            yield first
        async for page in pages:
            yield page

    return all_pages()


# The targets dataset: one row per target of a published commitment, with the status counted
# for it as api/dashboards/targets.py counts it (the same relation), so the rows add up to
# targetStatistics.
TARGET_COLUMNS = [
    Column("citizen_promise", "The medborgarlöfte's slug."),
    Column("commitment_key", 'The commitment\'s key within its medborgarlöfte, e.g. "polis-1".'),
    Column("target_key", "The target's key, unique within its medborgarlöfte."),
    MUNICIPALITY_CODE,
    Column("municipality_name", "The municipality's name."),
    COUNTY_CODE,
    Column("county_name", "The county's name."),
    Column("police_region", 'The police region\'s name, e.g. "Väst".'),
    ACTOR,
    PERFORMED_BY,
    Column("counted", 'What the target counts, as printed, e.g. "trygghetsvandringar".'),
    Column("quantity", "The number promised; empty: none printed.", "number"),
    Column("qualifier", "How the number binds: EXACTLY, AT_LEAST (minst), AT_MOST (högst) or ABOUT (cirka, ±10 %)."),
    Column(
        "interval",
        "The span the number counts over: DAY, WEEK, MONTH, TERM, YEAR or PERIOD (the promise's period); empty: over"
        " the period or by the deadline.",
    ),
    Column("deadline", "A deadline printed instead of an interval (ISO 8601 date).", "date"),
    Column("phrase", "The words printed."),
    Column(
        "follow_up_year",
        "The year of the follow-up whose status counts: with `year`, that year's; otherwise the latest. Empty: no"
        " published follow-up.",
        "integer",
    ),
    Column(
        "status",
        "The target's derived status for that follow-up: NOT_REPORTED, NOT_COMPARABLE, MET, EXCEEDED or MISSED"
        " (the table is in the GraphQL schema, enum TargetStatus).",
    ),
    Column("reported_quantity", "The quantities of the follow-up's results linked to the target, added up.", "number"),
    Column(
        "approximate", "true: a linked result is approximate (ett 20-tal) and compared by its stated number.", "boolean"
    ),
]


async def target_rows(filter: CommitmentFilter | None, now: datetime | None = None) -> Pages:
    """Pages of target rows (keys as TARGET_COLUMNS), published content only, by target id."""
    now = now or datetime.now(UTC)
    last = 0
    while True:
        relation = target_relation([], filter, now)
        # Targets only: the relation's results on no target have no tg.id.
        relation.where.append(sql("tg.id > {}", last))
        select = [
            "tg.id AS id, c.id AS commitment_id, p.slug AS citizen_promise, c.key AS commitment_key,"
            " tg.key AS target_key, m.code AS municipality_code, m.name AS municipality_name,"
            " co.code AS county_code, co.name AS county_name, r.name AS police_region, c.actor AS actor,"
            ' tg.counted AS counted, tg.quantity AS quantity, tg.qualifier AS qualifier, tg."interval" AS "interval",'
            " tg.deadline AS deadline, tg.phrase AS phrase, fu.year AS follow_up_year,"
            f" {STATUS_SQL} AS status, ts.reported_quantity AS reported_quantity,"
            " ts.approximate AS approximate"
        ]
        page = await rows(
            relation.sql(ITEMS, [], select) + sql(" ORDER BY tg.id LIMIT {}", PAGE_SIZE),
            Decode(dates=("deadline",), booleans=("approximate",)),
        )
        if not page:
            return
        last = int(page[-1]["id"])
        performers = await performed_by([row["commitment_id"] for row in page])
        yield [
            {
                **{column.name: row.get(column.name) for column in TARGET_COLUMNS},
                "actor": str(row["actor"]),
                "performed_by": performers[row["commitment_id"]],
                "deadline": _iso(row["deadline"]),
                "quantity": _float(row["quantity"]),
                "reported_quantity": _float(row["reported_quantity"]),
                "approximate": bool(row["approximate"]),
            }
            for row in page
        ]
        if len(page) < PAGE_SIZE:
            return


STATUS_SQL = "COALESCE(ts.status, 'NOT_REPORTED')"


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _download(
    media_type: str,
    body: Callable[[Pages], AsyncIterator[bytes]],
    extension: str,
    dataset: str = "commitments",
) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            filter = parse_filter(request)
            order = parse_order(request) if dataset == "commitments" else None
            if dataset != "commitments" and "orderBy" in request.query_params:
                raise BadParameter("orderBy", "the targets come by target id; orderBy sorts commitments only")
        except BadParameter as error:
            return JSONResponse({"error": str(error), "parameter": error.parameter}, status_code=400)
        filename = f"samverkan-{dataset}-{datetime.now(UTC).date().isoformat()}.{extension}"
        pages = export_rows(filter, order=order) if dataset == "commitments" else target_rows(filter)
        return StreamingResponse(
            body(await _read_ahead(pages)),
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    return endpoint


def data_dictionary() -> str:
    lines = [
        "# Samverkan open data: commitments and their targets",
        "",
        "One row per commitment (löfte) of every published medborgarlöfte, and one per measurable target of those"
        " commitments, UTF-8. `GET /export/datapackage.json` describes both as a Frictionless data package"
        " (Table Schema: each column's type; codes are strings, keep their leading zeros), `GET /export/dcat.rdf`"
        " as DCAT-AP-SE, the profile Sweden's open data portal harvests.",
        "",
        "- `GET /export/commitments.csv`, `GET /export/targets.csv`: CSV (RFC 4180, comma-separated, header row,"
        " CRLF line ends, no byte order mark). Lists inside a cell are separated by `;`; an empty cell is no value;"
        " booleans are `true` and `false`.",
        "- `GET /export/commitments.json`, `GET /export/targets.json`: a JSON array of objects with the same names;"
        " lists are arrays, `assessments` is an array of `{year, assessment}`, no value is `null`.",
        "",
        "Without parameters each is the full dataset. They take the filters of the GraphQL API's"
        " `CommitmentFilter`, combined with AND: `actor` (KOMMUN, POLIS, TILLSAMMANS, OTHER, UNSPECIFIED),"
        " `municipalityCode`, `countyCode`, `policeRegion` (the region's name, e.g. Väst), `year` (promises whose"
        " period covers it) and `topic` (a topic key), e.g. `/export/commitments.csv?countyCode=14&year=2023`.",
        "",
        "Commitments come by commitment id, or sorted as the GraphQL `commitments` list with `orderBy`"
        f" ({', '.join(CommitmentOrder.__members__)}), e.g. `?countyCode=14&orderBy=MUNICIPALITY`.",
        "",
        "## commitments",
        "",
        "| column | type | meaning |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{column.name}` | {column.type} | {column.meaning} |" for column in COLUMNS]
    lines += [
        "",
        "## targets",
        "",
        "Targets come by target id. The figures of the GraphQL `targetStatistics` are counted from these rows: a"
        " target's `status` and `reported_quantity` are those of the follow-up of the `year` filtered for, or of"
        " the latest published follow-up; `quantity` adds up to `promisedQuantity`, the rows per `status` to the"
        " counts per status, and `reported_quantity` to `reportedQuantity` less the results that report on no"
        " target, which are no rows here but count in `reportedQuantity` (see TargetStatistic in the schema).",
        "",
        "| column | type | meaning |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{column.name}` | {column.type} | {column.meaning} |" for column in TARGET_COLUMNS]
    return "\n".join(lines) + "\n"


async def readme(request: Request) -> Response:
    return PlainTextResponse(data_dictionary(), media_type="text/markdown; charset=utf-8")


ROUTES = [
    Route("/export/commitments.csv", _download("text/csv; charset=utf-8", _csv(COLUMNS), "csv")),
    Route("/export/commitments.json", _download("application/json", _json, "json")),
    Route("/export/targets.csv", _download("text/csv; charset=utf-8", _csv(TARGET_COLUMNS), "csv", "targets")),
    Route("/export/targets.json", _download("application/json", _json, "json", "targets")),
    Route("/export/README", readme),
]
