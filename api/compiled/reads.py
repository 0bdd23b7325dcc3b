"""The compiled path's entry point: a query the compiler covers is answered with one statement
per root field, and the database's JSON goes into the response as it came.

Each root field's statement returns its JSON as text; the response is spliced from those texts
(`orjson.Fragment`: the `{"data": {...}}` envelope around them is all that is encoded here).
A request goes to the reference path (api/execution.py: planned execution, or graphql-core)
when the compiler does not cover its document, when an argument is refused (the reference path
words the error), when the viewer asks for a preview it may not see, or when a statement fails
(the compiled SQL fails on purpose where the schema promises a value the data lacks, so that
null propagation and the error are the reference path's), or when the viewer is one a root
does not admit (the editorial reads; kept statements are keyed by the viewer's role too). Reads
have no side effects, so answering again is safe; a statement stopped by the time limit is not
answered again (the reference path would take as long): the endpoint answers with the timeout
error.

Which documents the compiler covers is kept per document text and operation, so a document it
does not cover costs one dictionary look-up per request after the first. The statements of a
request are kept by document, operation, variables and viewer kind, with only the request's
moment bound anew: a page asked for again (a municipality's website, the same county's list)
costs no compiling (0.8 ms of CPU for the municipality page). Their SQL texts are kept once per
shape, and each database prepares one statement per text. The request's moment is the one value
bound anew (a late value of the statement's fragment, models/sql.py).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from graphql import DocumentNode, ExecutionResult, OperationDefinitionNode, OperationType
from strawberry import Schema
from tortoise.context import require_context

from api.compiled.compiler import MOMENT, Answer, Compiler, Step, Unsupported, finish
from api.compiled.dialect import b64url, enum_value
from api.protection.documents import Bounded
from models.sql import Compiled
from models.statement_timeout import is_statement_timeout

log = logging.getLogger("samverkan.compiled")
_QUERY = OperationType.QUERY  # an enum member looked up on its class costs about 0.3 µs in Python 3.11


@dataclass
class CompiledReads:
    schema: Schema
    size: int = 500
    # Off, every request takes the reference path: for comparing the two.
    enabled: bool = True
    # Documents (text, operation name) the compiler does not cover, with the reason.
    unsupported: Bounded[tuple[str, str | None], str] = field(init=False)
    # Compiled statements by document, operation, variables and viewer kind (see `Kept`), and
    # their SQL texts, each kept once for all the variables that give the same text.
    compiled: Bounded[tuple[Any, ...], tuple[dict[str, Kept], bool]] = field(init=False)
    texts: Bounded[str, str] = field(init=False)
    # Requests answered, and requests that started here and went to the reference path.
    answered: int = 0
    fallbacks: int = 0

    def __post_init__(self) -> None:
        self.unsupported = Bounded(self.size)
        self.compiled = Bounded(self.size * 4)
        self.texts = Bounded(self.size)

    async def execute(
        self,
        text: str,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        context: Any,
    ) -> ExecutionResult | None:
        """The result, or None when the reference path must answer."""
        if not self.enabled or operation.operation is not _QUERY:
            return None
        key = (text, operation_name)
        if self.unsupported.get(key) is not None:
            return None
        # Tortoise.get_connection("default") without its deprecated wrapper and the import it
        # runs each call (1-2 µs): the same context look-up, once per request.
        client = require_context().connections.get("default")
        postgres = client.capabilities.dialect == "postgres"
        viewer = context.viewer
        # A preview asked for by the request header (api/editorial/preview.py), before any field.
        asked = bool(context.preview_asked)
        request_key = (
            asked,
            text,
            operation_name,
            orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS),
            viewer.can_preview,
            # Roots some roles may read and others not (`Listing.admits`): admins and reviewers
            # without a scope differ by nothing else.
            viewer.role,
            viewer.municipalities,
            postgres,
            # Statistics' window of years is the request's year's (api/dashboards/statistics.py).
            context.now.year,
        )
        kept = self.compiled.get(request_key)
        if kept is not None:
            context.preview = kept[1] or asked
            return await self._answer(kept[0], client, postgres, context)
        executor = self.schema.execution_context_class.build(
            self.schema._schema, document, raw_variable_values=variables, operation_name=operation_name
        )
        if isinstance(executor, list):
            return None  # variable errors: graphql-core words them
        compiler = Compiler(self.schema, document, operation, executor.variable_values, context, postgres)
        try:
            anywhere, running = compiler.asks_preview()
            if running and not context.viewer.can_preview:
                return None  # the refusal is the reference path's error
            if anywhere and context.viewer.can_preview:
                context.preview = True
            fields = compiler.root_fields()
            answers = {key: self._kept(compiler.root(nodes), postgres, compiler.steps) for key, nodes in fields.items()}
        except Unsupported as reason:
            self.unsupported.put(key, str(reason))
            return None
        except Exception as reason:  # a refused argument, or a shape the compiler gets wrong
            log.debug("compiled path leaves %s to the reference path: %r", operation_name or "the operation", reason)
            self.fallbacks += 1
            context.preview = asked
            return None
        self.compiled.put(request_key, (answers, context.preview))
        return await self._answer(answers, client, postgres, context)

    def _kept(self, answer: Answer, postgres: bool, steps: list[Step]) -> Kept:
        """The answer compiled, its SQL text shared with the answers of other variables of that shape."""
        if isinstance(answer, str):
            return answer
        compiled = answer.compiled(postgres)
        kept = self.texts.get(compiled.text)
        if kept is None:
            self.texts.put(compiled.text, compiled.text)
            kept = compiled.text
        statement = Compiled(kept, compiled.bound, compiled.late, compiled.postgres)
        return Finished(statement, tuple(steps)) if steps else statement

    async def _answer(
        self, answers: dict[str, Kept], client: Any, postgres: bool, context: Any
    ) -> ExecutionResult | None:
        try:
            if len(answers) == 1:  # the common case (`node`, each core document): no task, no level more
                ((key, answer),) = answers.items()
                pool = getattr(client, "_pool", None) if postgres else None
                if not postgres:
                    await _with_base64(client)
                texts = {key: await _one(answer, context.now, client, pool)}
            else:
                texts = await self._run(answers, client, postgres, context.now)
        except Exception as reason:
            if is_statement_timeout(reason):
                raise  # not run again along the reference path, which would take as long: the endpoint words it
            log.debug("a compiled statement failed, the reference path answers: %r", reason)
            self.fallbacks += 1
            context.preview = bool(context.preview_asked)
            return None
        self.answered += 1
        data = {key: orjson.Fragment(value if value is not None else b"null") for key, value in texts.items()}
        extensions = {"execution": "compiled"} if context.settings.debug_execution else None
        return ExecutionResult(data=data, extensions=extensions)

    async def _run(self, answers: dict[str, Kept], client: Any, postgres: bool, now: datetime) -> dict[str, str | None]:
        """The JSON texts of several root fields: side by side on PostgreSQL, one after another
        on SQLite (one connection)."""
        if not postgres:
            await _with_base64(client)
            return {key: await _one(answer, now, client, None) for key, answer in answers.items()}
        pool = getattr(client, "_pool", None)
        found = await asyncio.gather(*(_one(answer, now, client, pool) for answer in answers.values()))
        return dict(zip(answers, found, strict=True))


# A kept answer: its statement compiled for the database, or the JSON text itself. Every value a
# statement binds follows from the document, its variables and the viewer kind, which key the
# kept statements, except the moment visibility is judged at (bound when it runs).
@dataclass(frozen=True)
class Finished:
    """A statement whose JSON Python finishes once it has run (api/compiled/compiler.py, `Step`):
    parsed, changed at each step's path, and encoded again (orjson keeps the keys' order)."""

    statement: Compiled
    steps: tuple[Step, ...]


Kept = Compiled | Finished | str


async def _one(answer: Kept, now: datetime, client: Any, pool: Any) -> str | None:
    """One root field's JSON text. On PostgreSQL straight from asyncpg's pool (`pool`), as the
    limit app (bench/limit.py) does: Tortoise's `execute_query_dict` adds three wrapping
    coroutines, a connection wrapper and a dict per row, and nothing of Tortoise is needed here
    (a read outside any transaction; a failure sends the request to the reference path, which
    meets it again through Tortoise). The statement is logged as Tortoise logs its own (DEBUG,
    `tortoise.db_client`), where statement counts are read."""
    if isinstance(answer, str):
        return answer
    if isinstance(answer, Finished):
        text = await _one(answer.statement, now, client, pool)
        value = None if text is None else orjson.loads(text)
        for path, step in answer.steps:
            value = finish(value, path, step)
        return orjson.dumps(value).decode()
    values = answer.values(**{MOMENT: now})
    if pool is not None:
        client.log.debug("%s: %s", answer.text, values)
        found = await pool.fetchval(answer.text, *values)
        return None if found is None else str(found)
    rows = await client.execute_query_dict(answer.text, values)
    value = rows[0]["j"]
    return None if value is None else str(value)


_registered: weakref.WeakSet[Any] = weakref.WeakSet()


async def _with_base64(client: Any) -> None:
    """SQLite has no base64: give its connection one, once (api/compiled/dialect.py)."""
    async with client.acquire_connection() as connection:
        if connection in _registered:
            return
        await connection.create_function("samverkan_b64url", 1, b64url, deterministic=True)
        await connection.create_function("samverkan_enum", 2, enum_value, deterministic=True)
        _registered.add(connection)
