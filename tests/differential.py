"""The differential check of the compiled read path (api/compiled/), over every query the suite
sends: each request the compiled path answers is answered again along the reference path
(graphql-core, as api/http/graphql.py runs it when nothing else does), and the two bodies,
parsed with the order of keys kept, must be equal. A mismatch fails the test that sent the
request, with a diff (`Differential.failures`, read by the autouse fixture in tests/conftest.py).

Every in-process app goes through `CompiledReads.execute` (the endpoint's only way to the
compiled path), so the check covers `make_client()`, the tests' own `create_app` and the
fuzzers alike; servers in subprocesses (tests/servers.py) are not checked.

Cost: the reference side runs once per (document, operation, variables, viewer kind, preview header, database,
writes so far): a test sending the same page fifty times pays for one reference run, and a
request after a mutation is checked again. Its SQL is kept out of the statement counters
(`QueryCounter`, tests/conftest.py) by a filter on Tortoise's logger, so tests that count
statements count the request's own. A request that raced a mutation of the same process (the
editorial race tests) is not compared: the two paths read at different moments.
"""

from __future__ import annotations

import difflib
import json
import logging
import time
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any

import orjson
from graphql import DocumentNode, ExecutionResult, OperationDefinitionNode, OperationType, execute
from strawberry.execution.is_awaitable import optimized_is_awaitable
from tortoise import Tortoise

from api.compiled.reads import CompiledReads
from api.context import Context
from api.core.sql import Batch, default_dialect
from api.http.graphql import GraphQLEndpoint

# Set while the reference side runs: its statements are not the request's.
_REFERENCE: ContextVar[bool] = ContextVar("differential_reference", default=False)


class _NotTheRequests(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _REFERENCE.get()


@dataclass
class Differential:
    enabled: bool = True
    checked: set[tuple[Any, ...]] = field(default_factory=set)
    # Mismatches since the running test began: (request, diff).
    failures: list[str] = field(default_factory=list)
    compared: int = 0
    raced: int = 0
    # Wall time spent on the reference side, and answers compared by database and viewer kind,
    # for the suite's summary line.
    seconds: float = 0.0
    kinds: Counter[str] = field(default_factory=Counter)
    # Mutations of this process: begun or ended (generation), and running now.
    writes: int = 0
    writing: int = 0

    def install(self, monkeypatch: Any) -> None:
        compiled_execute = CompiledReads.execute
        endpoint_run = GraphQLEndpoint._run
        check = self

        async def execute_checked(
            reads: CompiledReads,
            text: str,
            document: DocumentNode,
            operation: OperationDefinitionNode,
            operation_name: str | None,
            variables: dict[str, Any] | None,
            context: Any,
        ) -> ExecutionResult | None:
            writes = (check.writes, check.writing)
            result = await compiled_execute(reads, text, document, operation, operation_name, variables, context)
            if result is None or not check.enabled or _REFERENCE.get():
                return result
            await check.compare(reads, result, writes, text, document, operation_name, variables, context)
            return result

        async def run_counting_writes(endpoint: GraphQLEndpoint, *args: Any, **kwargs: Any) -> Any:
            operation = args[2] if len(args) > 2 else kwargs["operation"]
            if operation.operation != OperationType.MUTATION:
                return await endpoint_run(endpoint, *args, **kwargs)
            check.writes += 1
            check.writing += 1
            try:
                return await endpoint_run(endpoint, *args, **kwargs)
            finally:
                check.writing -= 1
                check.writes += 1

        monkeypatch.setattr(CompiledReads, "execute", execute_checked)
        monkeypatch.setattr(GraphQLEndpoint, "_run", run_counting_writes)
        logging.getLogger("tortoise.db_client").addFilter(_NotTheRequests())

    async def compare(
        self,
        reads: CompiledReads,
        compiled: ExecutionResult,
        writes: tuple[int, int],
        text: str,
        document: DocumentNode,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        context: Any,
    ) -> None:
        viewer = context.viewer
        key = (
            text,
            operation_name,
            orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS),
            viewer.role,
            viewer.municipalities,
            context.preview_asked,
            _database(),
            self.writes,
        )
        if key in self.checked:
            return
        started = time.perf_counter()
        reference = await _reference(reads, document, operation_name, variables, context)
        self.seconds += time.perf_counter() - started
        if writes[1] or self.writing or writes[0] != self.writes:
            self.raced += 1  # a mutation ran meanwhile: the paths read different content
            return
        self.checked.add(key)
        self.compared += 1
        backend = "postgres" if default_dialect() == "postgres" else "sqlite"
        self.kinds[f"{backend} {'editorial' if viewer.can_preview else 'anonymous'}"] += 1
        first, second = _body(compiled), _body(reference)
        if _ordered(first) != _ordered(second):
            request = json.dumps({"query": text, "operationName": operation_name, "variables": variables})
            self.failures.append(f"{request}\n{_diff(first, second)}")


async def _reference(
    reads: CompiledReads,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    context: Context,
) -> ExecutionResult:
    """The request along graphql-core, in a context of its own at the same moment."""
    again = Context(
        request=context.request,
        settings=context.settings,
        now=context.now,
        viewer=context.viewer,
        request_id=context.request_id,
        batch=Batch(),
        # As the endpoint set them before any field ran: the `Samverkan-Preview` header, honoured.
        preview=context.preview_asked,
        preview_asked=context.preview_asked,
    )
    token = _REFERENCE.set(True)
    try:
        result = execute(
            reads.schema._schema,
            document,
            variable_values=variables,
            operation_name=operation_name,
            context_value=again,
            executor_class=reads.schema.execution_context_class,
            is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
        )
        if isawaitable(result):
            result = await result
    finally:
        _REFERENCE.reset(token)
        again.loaders.clear()
    assert isinstance(result, ExecutionResult)
    return result


def _database() -> str:
    connection: Any = Tortoise.get_connection("default")
    return str(getattr(connection, "filename", None) or getattr(connection, "database", None))


def _body(result: ExecutionResult) -> bytes:
    """The response body as the endpoint sends it, without the debug extension."""
    payload: dict[str, Any] = {}
    if result.errors:
        payload["errors"] = [error.formatted for error in result.errors]
    payload["data"] = result.data
    return orjson.dumps(payload)


def _ordered(body: bytes) -> Any:
    """The JSON with every object as its list of pairs: equal only with the same key order."""
    return json.loads(body, object_pairs_hook=lambda pairs: pairs)


def _diff(compiled: bytes, reference: bytes) -> str:
    def lines(body: bytes) -> list[str]:
        return json.dumps(json.loads(body), indent=1, ensure_ascii=False).splitlines()

    diff = difflib.unified_diff(lines(compiled), lines(reference), "compiled", "reference", lineterm="", n=2)
    text = "\n".join(list(diff)[:60])
    return text if text else "(the same values, keys in another order)"
