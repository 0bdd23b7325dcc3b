"""`node(id:)`: any object by its global ID, through the same loaders and visibility as lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.agreements.loaders import AgreementBySlugLoader
from api.agreements.types import Agreement
from api.context import Context
from api.core.relay import Node, NodeResolver, from_global_id, resolve_node
from api.followups.loaders import FollowUpBySlugLoader
from api.followups.types import FollowUp
from api.geography.loaders import CountyByCodeLoader, MunicipalityByCodeLoader, PoliceUnitBySlugLoader
from api.geography.types import County, Municipality, PoliceUnit
from api.people.loaders import ContactBySlugLoader, OrganisationBySlugLoader
from api.people.types import Contact, Organisation
from api.promises.loaders import CitizenPromiseBySlugLoader, CommitmentByKeyLoader
from api.promises.types import CitizenPromise, Commitment
from api.services.loaders import ServiceAgreementBySlugLoader
from api.services.types import ServiceAgreement

Resolver = NodeResolver


def _by(loader: Any, build: Callable[[Any], Node]) -> Resolver:
    async def resolve(info: Info[Context, Any], key: str) -> Node | None:
        row = await loader.of(info).load(key)
        return build(row) if row else None

    return resolve


async def _commitment(info: Info[Context, Any], key: str) -> Node | None:
    # Links in seed files write `promise-slug#key`; global IDs carry `promise-slug/key`.
    promise_slug, _, commitment_key = key.replace("#", "/").partition("/")
    row = await CommitmentByKeyLoader.of(info).load((promise_slug, commitment_key))
    return Commitment.from_row(row) if row else None


RESOLVERS: dict[str, Resolver] = {
    "Municipality": _by(MunicipalityByCodeLoader, Municipality.from_row),
    "County": _by(CountyByCodeLoader, County.from_row),
    "PoliceUnit": _by(PoliceUnitBySlugLoader, PoliceUnit.from_row),
    "Organisation": _by(OrganisationBySlugLoader, Organisation.from_row),
    "Contact": _by(ContactBySlugLoader, Contact.from_row),
    "Agreement": _by(AgreementBySlugLoader, Agreement.from_row),
    "CitizenPromise": _by(CitizenPromiseBySlugLoader, CitizenPromise.from_row),
    "FollowUp": _by(FollowUpBySlugLoader, FollowUp.from_row),
    "ServiceAgreement": _by(ServiceAgreementBySlugLoader, ServiceAgreement.from_row),
    "Commitment": _commitment,
}


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Refetch any object by its global ID (Relay); null if there is none (or it is not visible)."
    )
    async def node(
        self,
        info: Info[Context, Any],
        id: Annotated[strawberry.ID, strawberry.argument(description="A global ID, as any `id` field gives it.")],
    ) -> Node | None:
        type_name, key = from_global_id(id)
        return await resolve_node(info, type_name, key)
