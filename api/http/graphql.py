"""GraphQL over HTTP, as its specification says.

POST with application/json, GET for queries only, `application/graphql-response+json` when the
client accepts it (then documents that fail to parse or validate get 400), ETag and
Cache-Control on GET so that shared caches and browsers can keep public answers.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
from inspect import isawaitable
from typing import Any, NamedTuple

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    execute,
)
from starlette.requests import Request
from starlette.responses import Response
from strawberry import Schema
from strawberry.execution.is_awaitable import optimized_is_awaitable

from api.context import Context
from api.core.sql import Batch
from api.editorial.access import ANONYMOUS, TokenError, Viewer, viewer_for
from api.editorial.activity import REQUEST_ID
from api.editorial.preview import HEADER as PREVIEW_HEADER
from api.editorial.preview import preview_header
from api.execution import PlannedExecution
from api.http.disconnect import ClientDisconnected, unless_disconnected
from api.http.request_id import request_id_for
from api.http.server import BodyTimeout
from api.http.web import graphiql_page
from api.protection.documents import DocumentCache
from api.protection.errors import logger as error_logger
from api.protection.errors import mask_unexpected, timeout_error, unexpected
from api.protection.limits import DocumentLimits, QueryLimits
from api.protection.rates import RateLimits, Refusal, Tier
from api.schema import validation_rules
from api.settings import Settings
from models.availability import explain
from models.statement_timeout import is_statement_timeout

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


class GraphQLParams(NamedTuple):  # a tuple: half the cost of a frozen dataclass, made per request
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


class RateLimited(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers or {}


@functools.lru_cache(maxsize=64)
def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header; None when we have nothing acceptable.
    Kept for the few Accept headers clients send (about 5 µs each time otherwise)."""
    if not accept:
        return JSON  # the spec's legacy default for clients that do not say
    offered: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if quality <= 0:
            continue
        if media == GRAPHQL_RESPONSE:
            offered.append((quality, -index, GRAPHQL_RESPONSE))
        elif media == JSON:
            offered.append((quality, -index, JSON))
        elif media in {"*/*", "application/*"}:
            offered.append((quality - 0.0001, -index, JSON))
    return max(offered)[2] if offered else None


def _params(data: Any) -> GraphQLParams:
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object with a 'query'.")
    query = data.get("query")
    if not isinstance(query, str) or not query.strip():
        raise BadRequest("'query' must be a non-empty string holding a GraphQL document.")
    variables = data.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("'variables' must be an object (or null).")
    operation_name = data.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("'operationName' must be a string (or null).")
    extensions = data.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise BadRequest("'extensions' must be an object (or null).")
    return GraphQLParams(query, variables, operation_name, extensions)


def _json_param(request: Request, name: str) -> Any:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest(f"The '{name}' parameter is not valid JSON.") from None


class GraphQLRequest(Request):
    """A request whose headers are read from a dict made on first use: starlette's
    `headers.get` encodes the name and decodes and compares header after header each time,
    and a request here reads six of them."""

    _named: dict[bytes, bytes] | None = None

    def header(self, name: bytes) -> str | None:
        """The first header of that (lower-case) name, as starlette's `headers.get` gives it."""
        if self._named is None:
            self._named = dict(reversed(self.scope["headers"]))
        value = self._named.get(name)
        return None if value is None else value.decode("latin-1")


class GraphQLEndpoint:
    def __init__(self, schema: Schema, settings: Settings, rates: RateLimits | None = None) -> None:
        self.schema = schema
        self.settings = settings
        self.rates = rates or RateLimits(settings)
        self.documents = DocumentCache(
            schema._schema,
            validation_rules(settings),
            limits=DocumentLimits(schema._schema, QueryLimits.from_settings(settings)),
            max_tokens=settings.max_tokens,
            max_field_comparisons=settings.max_field_comparisons,
            size=settings.parser_cache_size,
            suggestions=settings.field_suggestions,
        )
        self.planned = PlannedExecution(schema, size=settings.parser_cache_size)
        self.planned.compiled.enabled = settings.compiled_reads
        # Off, each SELECT of a query goes alone: for comparing the two.
        self.batch_statements = True

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        request = GraphQLRequest(scope, receive)
        request_id = request_id_for(request.header(b"x-request-id"))
        # What starlette's `request.state.request_id = ...` stores, without its State object.
        state = scope.get("state")
        if state is None:
            state = scope["state"] = {}
        state["request_id"] = request_id
        response: Response | Answer
        try:
            response = await self._handle(request, request_id)
        except BadRequest as error:
            body = orjson.dumps({"errors": [{"message": error.message}]})
            headers = {**error.headers, "cache-control": "no-store"}
            response = Response(body, status_code=error.status, media_type=JSON, headers=headers)
        except RateLimited as limited:
            response = limited.refusal.response()
        except (ClientDisconnected, BodyTimeout):
            raise  # answered around the app: the access log (nobody to answer), the body timeout (408)
        except Exception as error:
            if await explain(error) is not None:
                raise  # the database is not there: 503 (api/http/unavailable.py)
            # Whatever escaped is still answered in JSON, as the protocol asks, never as text.
            error_logger.exception("request %s: unexpected error outside execution", request_id)
            body = orjson.dumps({"errors": [unexpected(request_id).formatted]})
            response = Response(body, status_code=500, media_type=JSON, headers={"cache-control": "no-store"})
        # No response here has one yet: appended, not looked for first as `headers[...] =` does.
        response.raw_headers.append((b"x-request-id", request_id.encode()))
        await response(scope, receive, send)

    async def _handle(self, request: GraphQLRequest, request_id: str) -> Response | Answer:
        method = request.method
        if method not in {"GET", "POST"}:
            raise BadRequest("GraphQL is served over GET (queries) and POST.", 405, {"allow": "GET, POST"})
        accept = request.header(b"accept")
        if method == "GET" and self._wants_ide(request, accept):
            if not self.settings.graphiql:
                raise BadRequest("GraphiQL is turned off on this server.", 404)
            return graphiql_page(self.settings)
        media_type = negotiate(accept)
        if media_type is None:
            raise BadRequest(f"Cannot answer with any of: {accept}. Accept {GRAPHQL_RESPONSE} or {JSON}.", 406)
        viewer, client = await self._admit(request)

        if method == "GET":
            data = {
                "query": request.query_params.get("query"),
                "variables": _json_param(request, "variables"),
                "operationName": request.query_params.get("operationName"),
                "extensions": _json_param(request, "extensions"),
            }
        else:
            content_type = (request.header(b"content-type") or "").split(";")[0].strip().lower()
            if content_type != JSON:
                raise BadRequest(f"POST bodies must be {JSON} (got '{content_type or 'nothing'}').", 415)
            body = await self._read_body(request)
            try:
                data = orjson.loads(body)
            except orjson.JSONDecodeError:
                raise BadRequest("The request body is not valid JSON.") from None

        if isinstance(data, list):
            return await self._batch(request, data, media_type, request_id, viewer, client)
        params = _params(data)
        result = await self._execute(request, params, request_id, viewer, client)
        executed = _executed(result)
        status = 400 if media_type == GRAPHQL_RESPONSE and not executed else 200
        body = orjson.dumps(_payload(result, executed))
        if method != "GET" or result.errors:
            # No cache may keep it: a POST, or errors.
            return Answer(status, body, [*_NOT_CACHEABLE_RAW, *_length_and_type(body, media_type)])
        headers = self._cache_headers(request, body)
        if headers["etag"] in _etags(request.header(b"if-none-match")):
            return Response(b"", status_code=304, media_type=media_type, headers=headers)
        return Response(body, status_code=status, media_type=media_type, headers=headers)

    async def _admit(self, request: GraphQLRequest) -> tuple[Viewer, str]:
        """Who asks, and who is counted: against the read rate, a valid token by its name, anyone
        else (a wrong token too, so that guessing is limited) by the client address."""
        address = "address:" + self.rates.address(request.scope)
        header = request.header(b"authorization")
        try:
            viewer = ANONYMOUS if header is None else await viewer_for(header)
        except TokenError as error:
            refusal = await self.rates.hit(address, _READ)
            if refusal:
                raise RateLimited(refusal) from None
            raise BadRequest(f"{error}.", 401, {"www-authenticate": 'Bearer error="invalid_token"'}) from None
        client = f"token:{viewer.name}" if viewer.role is not None else address
        if self.rates.enabled and (refusal := await self.rates.hit(client, _READ)):
            raise RateLimited(refusal)
        return viewer, client

    async def _read_body(self, request: GraphQLRequest) -> bytes:
        """The body, read no further than the limit, so a huge upload costs no memory."""
        limit = self.settings.max_query_bytes
        declared = request.header(b"content-length") or ""
        if declared.isdigit() and int(declared) > limit:
            raise BadRequest(f"The request body is larger than {limit:,} bytes.", 413)
        chunks: list[bytes] = []
        size = 0
        while True:  # the ASGI messages themselves: starlette's `stream()` is a generator more
            message = await request.receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise BadRequest(f"The request body is larger than {limit:,} bytes.", 413)
            if not message.get("more_body", False):
                return chunk if not chunks else b"".join([*chunks, chunk])
            chunks.append(chunk)

    def _wants_ide(self, request: Request, accept: str | None) -> bool:
        return "query" not in request.query_params and "text/html" in (accept or "")

    async def _execute(
        self, request: GraphQLRequest, params: GraphQLParams, request_id: str, viewer: Viewer, client: str
    ) -> ExecutionResult:
        """Parse and validate (both cached by the document's text), check the operation may be
        sent this way, then run a query along its plan (api/execution.py) or, for what plans do
        not cover, with graphql-core on strawberry's schema. Strawberry's own `Schema.execute`
        would add per-request extension hooks that cost a quarter of a small request."""
        prepared = self.documents.prepare(params.query)
        document = prepared.document
        if document is None or prepared.errors:
            return ExecutionResult(data=None, errors=prepared.errors)
        operation = prepared.operation(params.operation_name)
        if operation is None:
            message = (
                f"No operation named '{params.operation_name}' in the document."
                if params.operation_name
                else "The document holds several operations; say which one with 'operationName'."
            )
            return ExecutionResult(data=None, errors=[GraphQLError(message)])
        kind = operation.operation
        if kind is _MUTATION and request.method == "GET":
            raise BadRequest("Mutations are sent with POST, not GET.", 405, {"allow": "POST"})
        if kind is _SUBSCRIPTION:
            raise BadRequest("Subscriptions are not served here.", 405, {"allow": "POST"})
        tiers = self.rates.tiers(
            write=kind is _MUTATION, cost=prepared.cost(operation.name.value if operation.name else None)
        )
        if tiers and (refusal := await self.rates.hit(client, tiers)):
            raise RateLimited(refusal)
        context = Context(request=request, settings=self.settings, request_id=request_id, viewer=viewer)
        try:
            context.preview = context.preview_asked = preview_header(request.header(_PREVIEW), viewer.can_preview)
        except ValueError as error:
            raise BadRequest(str(error)) from None
        REQUEST_ID.set(request_id)
        if kind is not _QUERY:
            return await self._run(params, document, operation, context, request_id)
        if self.batch_statements:
            context.batch = Batch()
        return await unless_disconnected(request.receive, self._run(params, document, operation, context, request_id))

    async def _run(
        self,
        params: GraphQLParams,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        context: Context,
        request_id: str,
    ) -> ExecutionResult:
        try:
            try:
                planned = await self.planned.execute(
                    params.query, document, operation, params.operation_name, params.variables, context
                )
            except Exception as error:
                if not is_statement_timeout(error):
                    raise
                # Not run again by graphql-core (it would take as long): the field is not known here.
                timeout = timeout_error(self.settings.statement_timeout, request_id, original=error)
                return ExecutionResult(data=None, errors=[timeout])
            if planned is not None:
                return planned
            result = execute(
                self.schema._schema,
                document,
                variable_values=params.variables,
                operation_name=params.operation_name,
                context_value=context,
                executor_class=self.schema.execution_context_class,
                is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]  # strawberry passes it too
            )
            if isawaitable(result):
                result = await result
        except asyncio.CancelledError:
            if context.batch is not None:
                context.batch.cancel()  # its statements run in tasks of their own
            raise
        finally:
            # Loaders and the context refer to each other; without this, what a request read
            # waits for the cycle collector instead of going with the request.
            context.loaders.clear()
        assert isinstance(result, ExecutionResult)
        if self.settings.debug_execution:
            result.extensions = {**(result.extensions or {}), "execution": "graphql-core"}
        if result.errors:
            # An outage is no field's error: the whole request is answered 503 (api/http/unavailable.py).
            for failure in result.errors:
                if failure.original_error is not None and (unavailable := await explain(failure.original_error)):
                    raise unavailable from failure.original_error
            result.errors = mask_unexpected(list(result.errors), request_id, self.settings.statement_timeout)
        return result

    async def _batch(
        self, request: GraphQLRequest, data: list[Any], media_type: str, request_id: str, viewer: Viewer, client: str
    ) -> Response:
        if not self.settings.batching:
            raise BadRequest("Batched requests are turned off on this server; send one operation per request.")
        if not data or len(data) > self.settings.max_batch:
            raise BadRequest(f"A batch holds 1 to {self.settings.max_batch} operations (got {len(data)}).")
        payloads = []
        for index, item in enumerate(data):
            result = await self._execute(request, _params(item), f"{request_id}-{index}", viewer, client)
            payloads.append(_payload(result, _executed(result)))
        response = Response(orjson.dumps(payloads), media_type=media_type)
        response.headers["cache-control"] = "no-store"
        return response

    def _cache_headers(self, request: GraphQLRequest, body: bytes) -> dict[str, str]:
        """The headers of a GET's answer without errors, which caches may keep."""
        private = request.header(b"authorization") is not None
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return {
            "vary": _VARY,
            "cache-control": "private, no-cache" if private else self.settings.public_cache_control,
            "etag": etag,
        }


_PREVIEW = PREVIEW_HEADER.lower().encode()
_VARY = f"Accept, Authorization, {PREVIEW_HEADER}"
_READ = [Tier.READ]
# An enum member looked up on its class costs about 0.3 µs in Python 3.11: once, here.
_QUERY, _MUTATION, _SUBSCRIPTION = OperationType.QUERY, OperationType.MUTATION, OperationType.SUBSCRIPTION
# The headers of an answer no cache may keep: POST, errors.
_NOT_CACHEABLE_RAW = [(b"vary", _VARY.encode()), (b"cache-control", b"no-store")]
_MEDIA_TYPES = {media: media.encode() for media in (JSON, GRAPHQL_RESPONSE)}


def _length_and_type(body: bytes, media_type: str) -> list[tuple[bytes, bytes]]:
    return [(b"content-length", str(len(body)).encode()), (b"content-type", _MEDIA_TYPES[media_type])]


class Answer:
    """A response sent as its two ASGI messages, as starlette's `Response` sends them, with its
    headers given as they go out: a `Response` builds them from a dict and encodes every name
    and value again per request. For the answers of executed operations."""

    __slots__ = ("body", "raw_headers", "status_code")

    def __init__(self, status_code: int, body: bytes, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code = status_code
        self.body = body
        self.raw_headers = raw_headers

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": self.body})


def _etags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


def _executed(result: ExecutionResult) -> bool:
    """Whether execution started: only errors raised while executing carry a field path (or,
    from a planned run, are a statement's timeout)."""
    return (
        result.data is not None
        or not result.errors
        or any(error.path or (error.extensions or {}).get("code") == "TIMEOUT" for error in result.errors)
    )


def _payload(result: ExecutionResult, executed: bool) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    if result.errors:
        payload["errors"] = [error.formatted for error in result.errors]
    if executed:
        payload["data"] = result.data  # null when a non-null root field failed
    if result.extensions:
        payload["extensions"] = result.extensions
    return payload
