"""The schema: the domains' queries merged, with the protection extensions from settings.

`python -m api.schema` prints the SDL that is kept in schema.graphql.
"""

from __future__ import annotations

import strawberry
from graphql import ASTValidationRule, GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from api.agreements.queries import AgreementQuery
from api.core.relay import Node
from api.dashboards.queries import DashboardQuery
from api.followups.queries import FollowUpQuery
from api.geography.queries import GeographyQuery
from api.node import NodeQuery
from api.promises.queries import PromiseQuery
from api.search.queries import SearchQuery
from api.settings import Settings

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

Query = add_preview_argument(merge_types("Query", (Query, EditorialQuery, WorkflowQuery)))
Mutation = merge_types(
    "Mutation",
    (
        AgreementMutation,
        PromiseMutation,
        FollowUpMutation,
        ServiceAgreementMutation,
        ContactMutation,
        EditorialMutation,
    ),
)

# Types reached only through interfaces or `node(id:)` still belong in the schema.
from api.people.types import Contact, Organisation  # noqa: E402
from api.services.types import ServiceAgreement  # noqa: E402

EXTRA_TYPES = [Contact, Organisation, ServiceAgreement]


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Node, *EXTRA_TYPES],
        config=StrawberryConfig(
            disable_field_suggestions=not settings.field_suggestions,
            batching_config={"max_operations": settings.max_batch} if settings.batching else None,
        ),
    )


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
