"""The schema: the domains' queries merged, with the protection extensions from settings.

`python -m api.schema` prints the SDL that is kept in schema.graphql.
"""

from __future__ import annotations

import strawberry
from graphql import ASTValidationRule, GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from tortoise.models import Model

import models
from api.agreements.queries import AgreementQuery
from api.compiled import registry
from api.compiled.declare import Table
from api.core import relations
from api.core.loaders import BUILDERS
from api.core.relay import NODE_RESOLVERS, Node
from api.dashboards.queries import DashboardQuery
from api.followups.queries import FollowUpQuery
from api.geography.queries import GeographyQuery
from api.node import NodeQuery, node_resolver
from api.people.types import Contact, Organisation
from api.promises.queries import PromiseQuery
from api.search.queries import SearchQuery
from api.services.types import ServiceAgreement
from api.settings import Settings

# Composition: what the lower modules look up by type name is filled in here, once. The
# reference path reads each declared type's rows and relations from the declarations
# (api/core/relations.py) and builds them with the type's `from_row`, found in the schema by the
# declaration's name when the schema is built (`_register`), as are the types `node(id:)` finds:
# a new declared type needs no list here.
relations.compose(
    registry.types(),
    registry.roots(),
    {
        model._meta.db_table: model
        for model in vars(models).values()
        if isinstance(model, type) and issubclass(model, Model) and not model._meta.abstract
    },
)

Query = merge_types(
    "Query", (NodeQuery, GeographyQuery, AgreementQuery, PromiseQuery, FollowUpQuery, DashboardQuery, SearchQuery)
)

# Editorial writes and history (api/editorial); every root query field takes `preview`.
from api.agreements.mutations import AgreementMutation  # noqa: E402
from api.editorial.mutations import EditorialMutation  # noqa: E402
from api.editorial.preview import add_preview_argument  # noqa: E402
from api.editorial.queries import EditorialQuery  # noqa: E402
from api.editorial.review_queries import WorkflowQuery  # noqa: E402
from api.followups.mutations import FollowUpMutation  # noqa: E402
from api.people.mutations import ContactMutation  # noqa: E402
from api.promises.mutations import PromiseMutation  # noqa: E402
from api.services.mutations import ServiceAgreementMutation  # noqa: E402

# merge_types without a description; the root types are described like every other type.
Query = add_preview_argument(
    strawberry.type(
        merge_types("Query", (Query, EditorialQuery, WorkflowQuery)),
        description="Reads: published content for everyone; with an editorial token also drafts (header"
        " `Samverkan-Preview: true`), schedules and history (`revisions`, `editorialItems`), the review queue and,"
        " for admins, the activity log.",
    )
)
Mutation = strawberry.type(
    merge_types(
        "Mutation",
        (
            AgreementMutation,
            PromiseMutation,
            FollowUpMutation,
            ServiceAgreementMutation,
            ContactMutation,
            EditorialMutation,
        ),
    ),
    description="Editorial writes, each one transaction, with an editorial token (Authorization: Bearer …) within"
    " its scope. Items go in and come out in the seed file format (seed/README.md); every change is recorded as a"
    " revision. Non-admin tokens move an item's state only through the review workflow (`submitForReview`,"
    " `approve`, `requestChanges`, `publish`).",
)

# Types reached only through interfaces or `node(id:)` still belong in the schema.
EXTRA_TYPES = [Contact, Organisation, ServiceAgreement]


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    schema = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Node, *EXTRA_TYPES],
        config=StrawberryConfig(
            disable_field_suggestions=not settings.field_suggestions,
            batching_config={"max_operations": settings.max_batch} if settings.batching else None,
        ),
    )
    _register(schema)
    return schema


def _register(schema: strawberry.Schema) -> None:
    """Every declared type's row builder (its `from_row`; api/core/loaders.py, BUILDERS), by the
    name the schema and the declaration share, and for each declared Table whose type implements
    Node how `node(id:)` finds it (api/core/relay.py, NODE_RESOLVERS), as the compiled path
    decides which IDs name something."""
    declared = registry.types()
    for name, concrete in schema.schema_converter.type_map.items():
        origin = getattr(concrete.definition, "origin", None)
        build = getattr(origin, "from_row", None)
        if name not in declared or build is None:
            continue
        BUILDERS[name] = build
        if isinstance(declared[name], Table) and isinstance(origin, type) and issubclass(origin, Node):
            NODE_RESOLVERS.setdefault(name, node_resolver(name))


def validation_rules(settings: Settings) -> list[type[ASTValidationRule]]:
    """Validation rules beyond graphql-core's own, from the switches. The query limits (depth,
    aliases, cost, ...) are checked before validation, by api/protection/limits.py."""
    rules: list[type[ASTValidationRule]] = []
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return rules


def print_schema() -> str:
    return build_schema().as_str() + "\n"


if __name__ == "__main__":
    print(print_schema(), end="")


__all__ = ["GraphQLError", "build_schema", "print_schema"]
