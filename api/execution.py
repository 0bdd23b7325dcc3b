"""Planned execution: a faster way to run the read queries clients send over and over.

graphql-core runs a document generically. For every field of every item it builds a resolve info,
coerces the arguments and checks the result's type, and strawberry then converts the arguments
again and wraps the resolver. A page of 100 items with 15 fields each does that 1,500 times, and
that was most of the request. Here a query operation is compiled once per document text into a
plan: for each object type, which fields to run and how to complete each. Per request, each
planned field's arguments and resolve info are built once, not once per item.

A plan covers only what it can answer exactly as graphql-core would:
- A document with directives, introspection or fragment variables is not planned.
- A request that meets anything unusual is run again by graphql-core from the start, so errors,
  their paths and null propagation stay graphql-core's own. Unusual means a resolver raising, a
  null where the schema promises a value, or a value that does not serialise.
- Reads have no side effects, so running one again is safe. Mutations never take this path.
- Except a statement stopped by the time limit (models/statement_timeout.py): running it again
  would take as long again, so the endpoint answers the timeout at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    default_type_resolver,
    get_nullable_type,
)
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined
from strawberry import Schema
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from api.compiled.reads import CompiledReads
from api.core.selections import collect_fields
from api.protection.documents import Bounded
from models.statement_timeout import is_statement_timeout

log = logging.getLogger("samverkan.execution")

is_awaitable = optimized_is_awaitable


class Unplannable(Exception):
    """The document uses something plans do not cover; graphql-core runs it."""


class Detour(Exception):
    """This request met something unusual; graphql-core runs it again from the start."""


# Completes a resolved value into its response value, or into an awaitable of it.
Complete = Callable[["Run", Any], Any]
# Resolves a planned field on one source object.
Resolve = Callable[["Run", "PlannedField", Any], Any]


@dataclass(eq=False)
class PlannedField:
    key: str
    nodes: list[FieldNode]
    definition: GraphQLField
    parent: GraphQLObjectType
    # One path per planned field, without list indexes: resolvers here never read it, and
    # errors (where paths matter) are graphql-core's to report.
    path: Path
    resolve: Resolve = field(init=False)
    complete: Complete = field(init=False)
    # Whether completing can give an awaitable: not for scalars and enums, the most common.
    may_wait: bool = field(init=False)


@dataclass(eq=False)
class ObjectPlan:
    type: GraphQLObjectType
    fields: list[PlannedField]


@dataclass(frozen=True)
class OperationPlan:
    root: ObjectPlan


class Run:
    """One request along a plan: the arguments and resolve infos it built, once per field."""

    __slots__ = ("arguments", "executor", "infos")

    def __init__(self, executor: Any) -> None:
        self.executor = executor
        self.infos: dict[PlannedField, GraphQLResolveInfo[Any]] = {}
        self.arguments: dict[PlannedField, Any] = {}

    def info(self, planned: PlannedField) -> GraphQLResolveInfo[Any]:
        info = self.infos.get(planned)
        if info is None:
            info = self.executor.build_resolve_info(planned.definition, planned.nodes, planned.parent, planned.path)
            self.infos[planned] = info
        return info

    def raw_arguments(self, planned: PlannedField) -> dict[str, Any]:
        arguments = self.arguments.get(planned)
        if arguments is None:
            arguments = get_argument_values(planned.definition, planned.nodes[0], self.executor.variable_values)
            self.arguments[planned] = arguments
        return arguments

    def execute_fields(self, plan: ObjectPlan, source: Any) -> Any:
        data: dict[str, Any] = {}
        waiting: list[str] | None = None
        for planned in plan.fields:
            value = planned.resolve(self, planned, source)
            if is_awaitable(value):
                value = self.after(value, planned.complete)
            else:
                value = planned.complete(self, value)
                if not planned.may_wait or not is_awaitable(value):
                    data[planned.key] = value
                    continue
            data[planned.key] = value
            if waiting is None:
                waiting = [planned.key]
            else:
                waiting.append(planned.key)
        if waiting is None:
            return data
        return self.gather_fields(data, waiting)

    async def after(self, awaitable: Awaitable[Any], complete: Complete) -> Any:
        result = complete(self, await awaitable)
        if is_awaitable(result):
            result = await result
        return result

    async def gather_fields(self, data: dict[str, Any], keys: list[str]) -> dict[str, Any]:
        for key, value in zip(keys, await gather(data[key] for key in keys), strict=True):
            data[key] = value
        return data


async def gather(awaitables: Iterable[Awaitable[Any]]) -> list[Any]:
    """Like graphql-core: side by side, so loaders batch; and every one finished before a detour,
    so none keeps running while graphql-core starts again. One alone is awaited in place: a task
    for it would only cost (an object's one field that waits, a list's item's only relation: of
    the regional list's 900 tasks per page of 100, 400 were such)."""
    listed = list(awaitables)
    if len(listed) == 1:
        try:
            return [await listed[0]]
        except Exception as reason:
            raise Detour(f"{type(reason).__name__}: {reason}") from reason
    values = await asyncio.gather(*listed, return_exceptions=True)
    for value in values:
        if isinstance(value, BaseException):
            raise Detour(f"{type(value).__name__}: {value}") from value
    return values


# ---------------------------------------------------------------- resolving


def _typename(run: Run, planned: PlannedField, source: Any) -> Any:
    return planned.parent.name


def _attribute(name: str) -> Resolve:
    def resolve(run: Run, planned: PlannedField, source: Any) -> Any:
        return getattr(source, name)

    return resolve


def _strawberry_resolver(schema: Schema, strawberry_field: StrawberryField) -> Resolve:
    """Calls the field's own function with its arguments converted once per request, as
    strawberry's wrapper would per item."""
    resolver = strawberry_field.base_resolver
    assert resolver is not None
    function = resolver.wrapped_func
    if not callable(function):  # a staticmethod or classmethod object: strawberry's wrapper copes
        raise Unplannable(f"{strawberry_field.python_name} is not a plain function")
    takes_self = resolver.self_parameter is not None
    source_names = [p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None]
    info_parameter = resolver.info_parameter
    converter = schema.schema_converter
    info_class = schema.config.info_class

    def arguments(run: Run, planned: PlannedField) -> dict[str, Any]:
        kwargs = run.arguments.get(planned)
        if kwargs is None:
            raw_info = run.info(planned)
            info = info_class(_raw_info=raw_info, _field=strawberry_field)
            raw = get_argument_values(planned.definition, planned.nodes[0], run.executor.variable_values)
            kwargs = convert_arguments(
                raw, strawberry_field.arguments, converter.scalar_registry, schema.config, info=info
            )
            if info_parameter is not None:
                kwargs[info_parameter.name] = info
            run.arguments[planned] = kwargs
        return kwargs

    def resolve(run: Run, planned: PlannedField, source: Any) -> Any:
        kwargs = arguments(run, planned)
        if source_names:
            kwargs = {**kwargs, **dict.fromkeys(source_names, source)}
        return function(source, **kwargs) if takes_self else function(**kwargs)

    return resolve


def _graphql_core_resolver(definition: GraphQLField) -> Resolve:
    def resolve(run: Run, planned: PlannedField, source: Any) -> Any:
        function = definition.resolve or run.executor.field_resolver
        return function(source, run.info(planned), **run.raw_arguments(planned))

    return resolve


# ---------------------------------------------------------------- planning


class Planner:
    """Compiles one operation of one document."""

    def __init__(self, schema: Schema, document: DocumentNode, operation: OperationDefinitionNode) -> None:
        self.schema = schema
        self.graphql_schema: GraphQLSchema = schema._schema
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self.operation = operation
        # Strawberry's exception handlers would change what a resolver's error becomes.
        self.direct_resolvers = not getattr(schema.schema_converter, "exception_handlers", ())

    def plan(self) -> OperationPlan:
        query_type = self.graphql_schema.query_type
        if self.operation.operation != OperationType.QUERY or query_type is None:
            raise Unplannable("only queries are planned")
        return OperationPlan(self.object_plan(query_type, [self.operation.selection_set], None))

    def object_plan(
        self, type_: GraphQLObjectType, selection_sets: list[SelectionSetNode], path: Path | None
    ) -> ObjectPlan:
        fields = []
        for key, nodes in self.collect(type_, selection_sets).items():
            name = nodes[0].name.value
            if name == "__typename":
                definition = GraphQLField(GraphQLNonNull(self.graphql_schema.get_type("String")))  # type: ignore[arg-type]
            elif name.startswith("__"):
                raise Unplannable("introspection is left to graphql-core")
            else:
                definition = type_.fields[name]
            planned = PlannedField(key, nodes, definition, type_, Path(path, key, type_.name))
            planned.resolve = _typename if name == "__typename" else self.resolver(definition)
            planned.complete = self.completer(definition.type, planned)
            planned.may_wait = not isinstance(get_nullable_type(definition.type), GraphQLScalarType | GraphQLEnumType)
            fields.append(planned)
        return ObjectPlan(type_, fields)

    def resolver(self, definition: GraphQLField) -> Resolve:
        strawberry_field = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if not isinstance(strawberry_field, StrawberryField) or strawberry_field.extensions:
            return _graphql_core_resolver(definition)
        if strawberry_field.base_resolver is None:
            if self.schema.config.default_resolver is getattr:
                return _attribute(strawberry_field.python_name)
            return _graphql_core_resolver(definition)
        if self.direct_resolvers:
            return _strawberry_resolver(self.schema, strawberry_field)
        return _graphql_core_resolver(definition)

    def collect(self, type_: GraphQLObjectType, selection_sets: list[SelectionSetNode]) -> dict[str, list[FieldNode]]:
        """The fields selected on an object of `type_`, by response key (api/core/selections.py);
        any directive is left to graphql-core."""
        return collect_fields(
            self.graphql_schema, self.fragments, type_, selection_sets, included=_no_directives, refuse=Unplannable
        )

    def completer(self, type_: GraphQLOutputType, planned: PlannedField) -> Complete:
        if isinstance(type_, GraphQLNonNull):
            return _non_null(self.completer(type_.of_type, planned))
        if isinstance(type_, GraphQLList):
            return _list(self.completer(type_.of_type, planned))
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            return _leaf(type_.serialize)
        selection_sets = [node.selection_set for node in planned.nodes if node.selection_set]
        if isinstance(type_, GraphQLObjectType):
            return _object(self.object_plan(type_, selection_sets, planned.path), planned)
        if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
            plans = {
                possible.name: self.object_plan(possible, selection_sets, planned.path)
                for possible in self.graphql_schema.get_possible_types(type_)
            }
            return _abstract(type_, plans, planned)
        raise Unplannable(f"cannot complete {type_}")


# ---------------------------------------------------------------- completing


def _non_null(inner: Complete) -> Complete:
    def complete(run: Run, value: Any) -> Any:
        if value is None:
            raise Detour("null where the schema promises a value")
        return inner(run, value)

    return complete


def _leaf(serialize: Callable[[Any], Any]) -> Complete:
    def complete(run: Run, value: Any) -> Any:
        if value is None:
            return None
        result = serialize(value)
        if result is None or result is Undefined:
            raise Detour("a value that does not serialise")
        return result

    return complete


def _list(item: Complete) -> Complete:
    def complete_item(run: Run, value: Any) -> Any:
        if is_awaitable(value):
            return run.after(value, item)
        return item(run, value)

    def complete(run: Run, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise Detour("a list field resolved to something that is not a list")
        results = [complete_item(run, element) for element in value]
        waiting = [index for index, result in enumerate(results) if is_awaitable(result)]
        if not waiting:
            return results
        return _gather_items(results, waiting)

    return complete


async def _gather_items(results: list[Any], waiting: list[int]) -> list[Any]:
    for index, value in zip(waiting, await gather(results[index] for index in waiting), strict=True):
        results[index] = value
    return results


def _object(plan: ObjectPlan, planned: PlannedField) -> Complete:
    is_type_of = plan.type.is_type_of

    def complete(run: Run, value: Any) -> Any:
        if value is None:
            return None
        if is_type_of is not None and not is_type_of(value, run.info(planned)):
            raise Detour(f"a value that is not a {plan.type.name}")
        return run.execute_fields(plan, value)

    return complete


def _abstract(
    type_: GraphQLInterfaceType | GraphQLUnionType, plans: dict[str, ObjectPlan], planned: PlannedField
) -> Complete:
    resolve_type = type_.resolve_type or default_type_resolver

    def complete(run: Run, value: Any) -> Any:
        if value is None:
            return None
        info = run.info(planned)
        name = resolve_type(value, info, type_)
        plan = plans.get(name) if isinstance(name, str) else None
        if plan is None:
            raise Detour(f"no object type of {type_.name} for the value")
        if plan.type.is_type_of is not None and not plan.type.is_type_of(value, info):
            raise Detour(f"a value that is not a {plan.type.name}")
        return run.execute_fields(plan, value)

    return complete


# ---------------------------------------------------------------- entry point


@dataclass
class PlannedExecution:
    """Plans by document text and operation name, and the count of requests sent back to
    graphql-core, which tests read to see that the plans really ran."""

    schema: Schema
    size: int = 500
    plans: Bounded[tuple[str, str | None], OperationPlan | Unplannable] = field(init=False)
    detours: int = 0
    # Off, every request goes to graphql-core: for comparing the two.
    enabled: bool = True
    # Reads compiled to SQL (api/compiled/): tried first; what they do not cover is planned here.
    compiled: CompiledReads = field(init=False)

    def __post_init__(self) -> None:
        self.plans = Bounded(self.size)
        self.compiled = CompiledReads(self.schema, size=self.size)

    def plan_for(
        self, text: str, document: DocumentNode, operation: OperationDefinitionNode, name: str | None
    ) -> OperationPlan | None:
        key = (text, name)
        plan = self.plans.get(key)
        if plan is None:
            try:
                plan = Planner(self.schema, document, operation).plan()
            except Unplannable as reason:
                plan = reason
            except Exception as reason:  # a shape the planner gets wrong must not cost the answer
                log.warning("not planned, graphql-core runs it: %r", reason)
                plan = Unplannable(repr(reason))
            self.plans.put(key, plan)
        return plan if isinstance(plan, OperationPlan) else None

    async def execute(
        self,
        text: str,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        context: Any,
    ) -> ExecutionResult | None:
        """The result, or None when graphql-core must run this request."""
        compiled = await self.compiled.execute(text, document, operation, operation_name, variables, context)
        if compiled is not None:
            return compiled
        plan = self.plan_for(text, document, operation, operation_name) if self.enabled else None
        if plan is None:
            return None
        executor = self.schema.execution_context_class.build(
            self.schema._schema,
            document,
            context_value=context,
            raw_variable_values=variables,
            operation_name=operation_name,
            is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
        )
        if isinstance(executor, list):
            return None  # variable errors: graphql-core words them
        run = Run(executor)
        try:
            data = run.execute_fields(plan.root, executor.root_value)
            if is_awaitable(data):
                data = await data
        except Exception as reason:  # anything unusual is graphql-core's to answer
            if is_statement_timeout(reason):
                raise  # running it again would take as long again
            self.detours += 1
            log.debug("graphql-core runs %s again: %r", operation_name or "the operation", reason)
            return None
        return ExecutionResult(
            data=data, extensions={"execution": "planned"} if context.settings.debug_execution else None
        )


def _no_directives(selection: SelectionNode) -> bool:
    if selection.directives:
        raise Unplannable("directives are evaluated by graphql-core")
    return True
