"""What a content item concerns (municipalities, police units), and whether a viewer covers it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from api.editorial.access import Role, Viewer
from models import CitizenPromise, Municipality, Organisation, PoliceUnit
from seed import format as fmt

KIND_NAMES = {
    "agreements": "agreement",
    "citizen_promises": "citizen promise",
    "follow_ups": "follow-up",
    "service_agreements": "service agreement",
    "contacts": "contact",
}


@dataclass
class Scope:
    municipalities: set[str] = field(default_factory=set)
    police_units: set[str] = field(default_factory=set)

    def describe(self) -> str:
        names = sorted(self.municipalities) + sorted(self.police_units)
        return ", ".join(names) if names else "no municipality or police unit"


async def scope_of(kind: str, item: fmt.Item) -> Scope:
    scope = Scope()
    organisations: list[str] = []
    if isinstance(item, fmt.Agreement):
        organisations = list(item.parties)
    elif isinstance(item, fmt.ServiceAgreement):
        scope.municipalities.add(item.municipality)
        organisations = list(item.parties)
    elif isinstance(item, fmt.Contact):
        scope.municipalities.update(item.municipalities)
        organisations = [item.organisation] if item.organisation else []
    elif isinstance(item, fmt.CitizenPromise):
        scope.municipalities.add(item.municipality)
    elif isinstance(item, fmt.FollowUp):
        code = await CitizenPromise.filter(slug=item.citizen_promise).values_list("municipality_id", flat=True)
        scope.municipalities.update(str(c) for c in code)
    if organisations:
        for row in await Organisation.filter(slug__in=organisations).values("municipality_id", "police_unit__slug"):
            if row["municipality_id"]:
                scope.municipalities.add(row["municipality_id"])
            if row["police_unit__slug"]:
                scope.police_units.add(row["police_unit__slug"])
    if isinstance(item, fmt.CitizenPromise | fmt.FollowUp | fmt.ServiceAgreement) and scope.municipalities:
        # The police party of a municipality's promise is the local police area serving it.
        areas = await Municipality.filter(code__in=sorted(scope.municipalities)).values_list(
            "local_police_area__slug", flat=True
        )
        scope.police_units.update(str(a) for a in areas if a)
    return scope


async def police_units_covered(slugs: frozenset[str]) -> set[str]:
    """The units given and every unit below them."""
    if not slugs:
        return set()
    children: dict[str | None, list[str]] = defaultdict(list)
    for slug, parent in await PoliceUnit.all().values_list("slug", "parent__slug"):
        children[parent].append(str(slug))
    covered: set[str] = set()
    pending = list(slugs)
    while pending:
        slug = pending.pop()
        if slug not in covered:
            covered.add(slug)
            pending.extend(children.get(slug, []))
    return covered


async def refusal(viewer: Viewer, kind: str, item: fmt.Item) -> str | None:
    """Why `viewer` may not write this item (in the state given), or None when it may."""
    general = viewer.write_refusal()
    if general:
        return general
    if viewer.role == Role.ADMIN:
        return None
    scope = await scope_of(kind, item)
    if scope.municipalities & viewer.municipality_codes:
        return None
    if scope.police_units & await police_units_covered(viewer.police_unit_slugs):
        return None
    own = sorted(viewer.municipality_codes) + sorted(viewer.police_unit_slugs)
    return (
        f"token '{viewer.name}' is an editor for {', '.join(own) or 'nothing'}; {KIND_NAMES[kind]} '{item.slug}'"
        f" concerns {scope.describe()}"
    )
