"""Schema fuzzing: hypothesis-graphql documents over the whole schema, sent through /graphql.

Every root field of Query and Mutation, in positive mode (valid documents with arbitrary
argument values: NUL bytes, huge and negative numbers, dates at the ends of time, random JSON
items) and negative mode (one schema violation each), with and without editorial tokens, as
written and with the root selection moved into a named fragment. A response is a failure when
it is a 5xx or carries a masked "Unexpected error": every error a client can provoke must be a
clear one. Anything else (a validation error, BAD_USER_INPUT, an INVALID payload) is counted
by kind.

Documents are drawn with a fixed seed and a fixed count (`draw`), then sent one by one: the
draw is deterministic, so a failure found once is found again. `tests/test_fuzz.py` runs a
short form in `make test`; `make fuzz` (`python -m tests.fuzz`) runs rounds of fresh seeds for
a time budget on both databases and prints what it tried.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import dataclasses
import datetime as dt
import logging
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphql
import httpx
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema

from api.core.relay import to_global_id
from api.schema import build_schema
from seed.format import CONTENT_TYPES
from seed.yamlio import read

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = build_schema()._schema
QUERY_FIELDS = tuple(SCHEMA.query_type.fields) if SCHEMA.query_type else ()
MUTATION_FIELDS = tuple(SCHEMA.mutation_type.fields) if SCHEMA.mutation_type else ()

# Keys of the seed file format, so that random JSON items sometimes reach the item validation's
# deeper rules rather than stopping at "unknown field".
SEED_KEYS = (
    "slug",
    "title",
    "status",
    "publish_at",
    "unpublish_at",
    "published_at",
    "source_url",
    "period",
    "start",
    "end",
    "label",
    "municipality",
    "parties",
    "citizen_promise",
    "year",
    "commitments",
    "key",
    "actor",
    "text",
    "entries",
    "narrative",
    "summary",
    "role",
    "name",
)


def _string(value: str) -> graphql.StringValueNode:
    return graphql.StringValueNode(value=value)


_EDGE_DATES = ("0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01", "2024-02-30", "", "\x00", "infinity")
_EDGE_TIMES = (
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
    "2024-05-07T10:00:00",
    "2024-05-07T10:00:00+00:00",
    "tomorrow",
)
_DATES = st.one_of(st.dates().map(dt.date.isoformat), st.sampled_from(_EDGE_DATES), st.text(max_size=12))
_TIMES = st.one_of(
    st.datetimes(timezones=st.timezones()).map(dt.datetime.isoformat),
    st.sampled_from(_EDGE_TIMES),
    st.text(max_size=12),
)


def _json_node(value: Any) -> graphql.ValueNode:
    if value is None:
        return graphql.NullValueNode()
    if isinstance(value, bool):
        return graphql.BooleanValueNode(value=value)
    if isinstance(value, int):
        return graphql.IntValueNode(value=str(value))
    if isinstance(value, float):
        return graphql.FloatValueNode(value=repr(value))
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return graphql.ListValueNode(values=tuple(_json_node(item) for item in value))
    return graphql.ObjectValueNode(
        fields=tuple(
            graphql.ObjectFieldNode(name=graphql.NameNode(value=key), value=_json_node(item))
            for key, item in value.items()
        )
    )


_JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    _DATES,
    _TIMES,
)
_JSON = st.recursive(
    _JSON_LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(SEED_KEYS), inner, max_size=6),
    ),
    max_leaves=20,
)


def _seed_items() -> dict[str, list[dict[str, Any]]]:
    """Every content item of the seed files, as plain data, by kind."""
    items: dict[str, list[dict[str, Any]]] = {kind: [] for kind in CONTENT_TYPES}
    for path in sorted((ROOT / "seed" / "content").glob("*.yaml")):
        data = read(path).data
        for kind in CONTENT_TYPES:
            items[kind].extend(data.get(kind) or [])
    return items


SEED_ITEMS = _seed_items()
# The kind of content and the type name each `<prefix>Create` / `<prefix>Update` writes.
MUTATION_KINDS = {
    "agreement": ("agreements", "Agreement"),
    "citizenPromise": ("citizen_promises", "CitizenPromise"),
    "followUp": ("follow_ups", "FollowUp"),
    "serviceAgreement": ("service_agreements", "ServiceAgreement"),
    "contact": ("contacts", "Contact"),
}
# Values worth trying in any field of a real item: what the databases cannot hold, the ends of
# time, sizes beyond every column.
_BAD: tuple[Any, ...] = (
    "\x00",
    "a\x00b",
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
    "x" * 100_001,
    "a" * 990_000,
    2**63,
    -(2**31),
    "",
    [],
    {},
)
# And values just inside the bounds, which must be stored and read back.
_EDGE = (
    "1900-01-01",
    "2199-12-31",
    "2199-12-31T23:59:59+00:00",
    "1900-01-01T12:00:00-11:00",
    "å" * 200,
    "ÅÄÖ\u200b\U0001f600 \t\r\n",
    "x" * 100_000,
)


def _leaf_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            paths += _leaf_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += _leaf_paths(item, (*prefix, index))
    return paths


@st.composite
def _perturbed(draw: st.DrawFn, kind: str | None = None) -> dict[str, Any]:
    """A real seed item, under a new slug or its own, with up to two fields replaced by a value
    out of bounds or just inside them: such items pass the format's other rules and reach the
    writes."""
    pool = SEED_ITEMS[kind] if kind else [item for items in SEED_ITEMS.values() for item in items]
    item: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(pool)))
    item["slug"] = draw(st.sampled_from([item["slug"], item["slug"] + "-fuzz"]))
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        path = draw(st.sampled_from(_leaf_paths(item)))
        target = item
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = draw(st.one_of(st.sampled_from(_BAD), st.sampled_from(_EDGE), _JSON_LEAVES))
    return item


CUSTOM_SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "Date": _DATES.map(_string),
    "DateTime": _TIMES.map(_string),
    "JSON": st.one_of(_JSON, _perturbed()).map(_json_node),
}


def as_fragment(document: graphql.DocumentNode) -> graphql.DocumentNode:
    """The same operation with its root selection in a named fragment."""
    operation = document.definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    root = SCHEMA.get_root_type(operation.operation)
    assert root is not None
    fragment = graphql.FragmentDefinitionNode(
        name=graphql.NameNode(value="Root"),
        type_condition=graphql.NamedTypeNode(name=graphql.NameNode(value=root.name)),
        selection_set=operation.selection_set,
    )
    spread = graphql.FragmentSpreadNode(name=graphql.NameNode(value="Root"), directives=())
    wrapped = graphql.OperationDefinitionNode(
        operation=operation.operation,
        selection_set=graphql.SelectionSetNode(selections=(spread,)),
        variable_definitions=(),
        directives=(),
    )
    return graphql.DocumentNode(definitions=(wrapped, fragment))


def _argument(name: str, value: graphql.ValueNode) -> graphql.ArgumentNode:
    return graphql.ArgumentNode(name=graphql.NameNode(value=name), value=value)


@st.composite
def _with_real_items(draw: st.DrawFn, document: graphql.DocumentNode) -> graphql.DocumentNode:
    """Half of the time, each `<type>Create` / `<type>Update` takes a (perturbed) real item of
    its own kind, and an update the item's own ID, so that writes get as far as the database."""
    if not draw(st.booleans()):
        return document
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, graphql.OperationDefinitionNode):
            selections = tuple(draw(_real_item(selection)) for selection in definition.selection_set.selections)
            definition = dataclasses.replace(
                definition, selection_set=dataclasses.replace(definition.selection_set, selections=selections)
            )
        definitions.append(definition)
    return dataclasses.replace(document, definitions=tuple(definitions))


@st.composite
def _real_item(draw: st.DrawFn, selection: graphql.SelectionNode) -> graphql.SelectionNode:
    if not isinstance(selection, graphql.FieldNode):
        return selection
    name = selection.name.value
    prefix = name.removesuffix("Create").removesuffix("Update")
    if prefix == name or prefix not in MUTATION_KINDS:
        return selection
    kind, type_name = MUTATION_KINDS[prefix]
    item = draw(_perturbed(kind))
    arguments = {argument.name.value: argument for argument in selection.arguments or ()}
    arguments["item"] = _argument("item", _json_node(item))
    if name.endswith("Update") and isinstance(item.get("slug"), str):
        arguments["id"] = _argument("id", _string(str(to_global_id(type_name, item["slug"]))))
        arguments["expectedRevision"] = _argument("expectedRevision", graphql.IntValueNode(value="1"))
    return dataclasses.replace(selection, arguments=tuple(arguments.values()))


def strategy(fields: tuple[str, ...], mode: Mode) -> st.SearchStrategy[str]:
    documents = from_schema(
        SCHEMA, fields=fields, custom_scalars=CUSTOM_SCALARS, mode=mode, print_ast=lambda document: document
    )
    if mode == Mode.POSITIVE:
        documents = documents.flatmap(_with_real_items)
    return st.tuples(documents, st.booleans()).map(
        lambda drawn: graphql.print_ast(as_fragment(drawn[0]) if drawn[1] else drawn[0])
    )


def draw(fields: tuple[str, ...], mode: Mode, count: int, seed_value: int) -> list[str]:
    """`count` documents, the same ones for the same seed."""
    found: list[str] = []

    @seed(seed_value)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy(fields, mode))
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return found


class _Unexpected(logging.Handler):
    """The exceptions behind masked errors, as api/protection/errors.py logs them."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.causes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            frame = record.exc_info[2]
            while frame is not None and frame.tb_next is not None:
                frame = frame.tb_next
            where = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else "?"
            self.causes.append(f"{type(error).__name__}: {str(error)[:200]} at {where}")
        else:
            self.causes.append(record.getMessage()[:200])


@dataclass
class Report:
    """What was tried and what came back."""

    sent: int = 0
    documents: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def merge(self, other: Report) -> None:
        self.sent += other.sent
        self.documents.update(other.documents)
        self.outcomes.update(other.outcomes)
        self.failures.extend(other.failures)

    def lines(self) -> list[str]:
        out = [f"{self.sent} documents; root fields asked for, by name:"]
        out += [f"  {name:<28} {count}" for name, count in sorted(self.documents.items())]
        out.append("outcomes:")
        out += [f"  {name:<40} {count}" for name, count in self.outcomes.most_common()]
        out.append(f"failures (5xx or masked 'Unexpected error'): {len(self.failures)}")
        causes: dict[str, list[str]] = {}
        for failure in self.failures:
            cause, _, document = failure.partition("\t")
            causes.setdefault(cause.split("] ", 1)[-1], []).append(document)
        for cause, documents in causes.items():
            out.append(f"  {len(documents)} x {cause}, e.g. for {documents[0]}")
        return out


def root_fields(document: str) -> list[str]:
    try:
        parsed = graphql.parse(document)
    except graphql.GraphQLError:
        return ["(unparsable)"]
    names = []
    for definition in parsed.definitions:
        if isinstance(definition, graphql.OperationDefinitionNode | graphql.FragmentDefinitionNode):
            kind = getattr(definition, "operation", None)
            if kind is not None and any(
                isinstance(s, graphql.FragmentSpreadNode) for s in definition.selection_set.selections
            ):
                continue
            for selection in definition.selection_set.selections:
                if isinstance(selection, graphql.FieldNode):
                    names.append(selection.name.value)
    return names or ["(none)"]


def _kind(error: dict[str, Any]) -> str:
    """An error's code, or its message with the quoted values left out."""
    code = (error.get("extensions") or {}).get("code")
    message = re.sub(r"'[^']*'|\"[^\"]*\"|-?\d+", "…", str(error.get("message", "")))
    if "not to be None" in message:  # a null where the schema promises a value: say where
        message += " at " + ".".join(str(part) for part in error.get("path") or [] if not isinstance(part, int))
    return f"{code or 'error'}: {message[:80]}"


async def send(client: httpx.AsyncClient, documents: list[str], token: str | None, label: str) -> Report:
    """POST each document; count outcomes; a 5xx or a masked error is a failure."""
    report = Report()
    handler = _Unexpected()
    logger = logging.getLogger("samverkan.errors")
    logger.addHandler(handler)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        for document in documents:
            report.sent += 1
            for name in root_fields(document):
                report.documents[name] += 1
            handler.causes.clear()
            response = await client.post("/graphql", json={"query": document}, headers=headers)
            if response.status_code >= 500:
                report.outcomes[f"HTTP {response.status_code}"] += 1
                report.failures.append(f"[{label}] HTTP {response.status_code}\t{document[:300]!r}")
                continue
            body = response.json()
            errors = body.get("errors") or []
            if not errors:
                report.outcomes[f"HTTP {response.status_code} data"] += 1
            for value in (body.get("data") or {}).values():
                if isinstance(value, dict) and "outcome" in value:  # a write's payload: what it did
                    report.outcomes[f"write {value['outcome']}"] += 1
            for error in errors:
                if str(error.get("message", "")).startswith("Unexpected error"):
                    report.outcomes["masked Unexpected error"] += 1
                    cause = "; ".join(handler.causes) or "?"
                    where = ".".join(str(part) for part in error.get("path") or [])
                    report.failures.append(f"[{label}] {where}: {cause}\t{document[:300]!r}")
                else:
                    report.outcomes[_kind(error)] += 1
    finally:
        logger.removeHandler(handler)
    return report


@dataclass(frozen=True)
class Plan:
    """How many documents of each kind one round draws."""

    queries: int
    negative_queries: int
    mutations: int
    negative_mutations: int


async def anonymous_queries(client: httpx.AsyncClient, plan: Plan, at: int, label: str) -> Report:
    """Queries without a token, for the seeded (read-only) database."""
    report = await send(client, draw(QUERY_FIELDS, Mode.POSITIVE, plan.queries, at), None, f"{label} query")
    report.merge(
        await send(client, draw(QUERY_FIELDS, Mode.NEGATIVE, plan.negative_queries, at + 1), None, f"{label} -query")
    )
    return report


async def editorial_round(client: httpx.AsyncClient, tokens: dict[str, str], plan: Plan, at: int, label: str) -> Report:
    """Queries with each token, and mutations with each and without one, for a fresh database."""
    report = Report()
    for offset, (role, token) in enumerate(tokens.items(), start=2):
        documents = draw(QUERY_FIELDS, Mode.POSITIVE, plan.queries // 2, at + offset)
        report.merge(await send(client, documents, token, f"{label} {role} query"))
    callers: list[tuple[str, str | None]] = [("anonymous", None), *tokens.items()]
    for offset, (role, caller) in enumerate(callers, start=10):
        documents = draw(MUTATION_FIELDS, Mode.POSITIVE, plan.mutations, at + offset)
        documents += draw(MUTATION_FIELDS, Mode.NEGATIVE, plan.negative_mutations, at + offset + 100)
        report.merge(await send(client, documents, caller, f"{label} {role} mutation"))
    return report


async def editorial_tokens(label: str) -> dict[str, str]:
    """An admin token and an editor's (Götene, 1471), in the open database."""
    from api.editorial.access import Role, create_token

    return {
        "admin": await create_token(f"fuzz-admin-{label}", Role.ADMIN, None, None),
        "editor": await create_token(f"fuzz-editor-{label}", Role.EDITOR, ["1471"], None),
    }


async def _main(seconds: float, first_seed: int, backends: list[str]) -> int:
    from models.database import close_database, open_database
    from tests.conftest import _Registry, make_client

    logging.getLogger("samverkan.errors").propagate = False
    for quiet in ("samverkan.access", "httpx"):
        logging.getLogger(quiet).setLevel(logging.WARNING)
    plan = Plan(queries=60, negative_queries=30, mutations=30, negative_mutations=10)
    total = Report()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        registry = _Registry(Path(tmp))
        try:
            databases = []
            for backend in backends:
                seeded = await registry.seeded_database(backend)
                databases.append((backend, seeded, await registry.copy(seeded, "fuzz")))
            started = time.monotonic()
            round_number = 0
            while time.monotonic() - started < seconds:
                for backend, seeded, fresh in databases:
                    at = first_seed + round_number * 1000
                    await open_database(seeded.url)
                    async with make_client() as client:
                        report = await anonymous_queries(client, plan, at, backend)
                    await close_database()
                    await open_database(fresh.url)
                    tokens = await editorial_tokens(str(round_number))
                    async with make_client() as client:
                        report.merge(await editorial_round(client, tokens, plan, at, backend))
                    await close_database()
                    total.merge(report)
                    print(
                        f"round {round_number} on {backend} (seed {at}): {report.sent} documents,"
                        f" {len(report.failures)} failures, {time.monotonic() - started:.0f} s",
                        flush=True,
                    )
                round_number += 1
        finally:
            await registry.drop_all()
    print("\n".join(total.lines()))
    return 1 if total.failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=180, help="time budget (a round always finishes)")
    parser.add_argument("--seed", type=int, default=12, help="seed of the first round")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgres"], help="default: both")
    arguments = parser.parse_args()
    raise SystemExit(asyncio.run(_main(arguments.seconds, arguments.seed, arguments.backend or ["sqlite", "postgres"])))


if __name__ == "__main__":
    main()
