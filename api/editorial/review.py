"""The review workflow's rule: an item's sides, which a token covers, and where an item stands.

A medborgarlöfte or a samverkansöverenskommelse belongs to two sides, and reaches citizens only
when every side has approved the revision that is published (api/editorial/workflow.py).

- **Sides**: each municipality the item concerns (api/editorial/scope.py, `concerned`), and the
  police: the police units of its POLICE parties (agreements, service agreements, a citizen
  promise that prints its own `parties`; a contact's organisation when it is one), otherwise —
  a follow-up, a citizen promise without printed parties, or any item without a police party —
  the lokalpolisområde of each municipality it concerns. A municipality without a
  lokalpolisområde adds no police side.
- **Covering**: a token covers a municipality side when the kommunkod is among its own
  municipality codes, and a police side when the unit, or a unit above it, is among its police
  units; an admin covers every side. Deliberately not the write scope's widening (a police
  unit's scope also *writes* the municipalities of its area): a police token approving would
  otherwise approve for the municipality too, and one party could publish alone.
- **States**: DRAFT → IN_REVIEW → APPROVED (every side has approved the current revision) →
  PUBLISHED (shown from `publishAt` on, when set); CHANGES_REQUESTED (with a comment) sends it
  back; ARCHIVED. Only DRAFT, PUBLISHED and ARCHIVED are a row's `status`; the rest live in
  the `review` table beside the content (models/editorial.py, `Review`), one row per item.

**A published item stays public while its next revision is reviewed.** Its content row stays
what the public reads; an edit (or revert) of it by anyone is stored as a *pending revision*:
the item in its seed form in `Review.snapshot`, numbered on from the live revision. Published,
the snapshot is written to the content row by the one writing code (seed/writer.py), and only
then does the public read it. Why there and not in the content tables: both read paths (the
reference resolvers and the compiled SQL, api/compiled/) and search stay exactly as they are —
one visibility rule over live rows — with no second copy of every content table to keep in
step. The cost: an editorial preview of the typed fields (`preview`, `Samverkan-Preview`)
shows the *live* row of such an item; the pending revision is read in its seed form
(`editorialItems`, `reviewQueue`, the payloads of writes), which is what editors and `seed
pull` work with anyway. Numbers of pending revisions replaced before they were published are
not in the history (the history holds what was live or a draft): a history can skip numbers.
Measured in SQL statements on SQLite (the seed's gotene-medborgarlofte-2019, activity entry
included): an editor's pending edit 13 (12 for the next one), where an admin's live edit of the
same item is 29; publishing the pending revision 34, the live write plus the review's
bookkeeping. Reads of the public pay nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from api.editorial.access import Role, Viewer
from api.editorial.scope import Described, _field, _listed, concerned
from models import Approval, Municipality, Organisation, PoliceUnit, Review
from models.enums import OrganisationKind


class ReviewState(StrEnum):
    DRAFT = "DRAFT"
    IN_REVIEW = "IN_REVIEW"
    APPROVED = "APPROVED"
    CHANGES_REQUESTED = "CHANGES_REQUESTED"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


class SideKind(StrEnum):
    MUNICIPALITY = "MUNICIPALITY"
    POLICE = "POLICE"


@dataclass(frozen=True, order=True)
class Side:
    kind: SideKind
    key: str  # a kommunkod, or a police unit's slug

    @property
    def id(self) -> str:
        return f"{self.kind.value.lower()}:{self.key}"

    def describe(self) -> str:
        return f"municipality {self.key}" if self.kind == SideKind.MUNICIPALITY else f"police {self.key}"


async def sides_of(kind: str, items: Sequence[Described]) -> list[tuple[Side, ...]]:
    """Every item's sides, in order: a few queries for the whole list."""
    municipalities = await concerned(kind, items)
    police: list[set[str]] = [set() for _ in items]
    organisations: list[list[str]] = []
    if kind in {"agreements", "service_agreements", "citizen_promises"}:
        organisations = [_listed(item, "parties") for item in items]
    elif kind == "contacts":
        organisations = [[str(_field(item, "organisation"))] if _field(item, "organisation") else [] for item in items]
    wanted = sorted({slug for listed in organisations for slug in listed})
    if wanted:
        rows = await Organisation.filter(slug__in=wanted, kind=OrganisationKind.POLICE).values_list(
            "slug", "police_unit__slug"
        )
        unit_of = {str(slug): str(unit) for slug, unit in rows if unit}
        for index, listed in enumerate(organisations):
            police[index] = {unit_of[slug] for slug in listed if slug in unit_of}
    fallback = sorted({code for index, codes in enumerate(municipalities) if not police[index] for code in codes})
    areas: dict[str, str] = {}
    if fallback:
        rows = await Municipality.filter(code__in=fallback, local_police_area_id__isnull=False).values_list(
            "code", "local_police_area__slug"
        )
        areas = {str(code): str(unit) for code, unit in rows}
    found = []
    for index, codes in enumerate(municipalities):
        units = police[index] or {areas[code] for code in codes if code in areas}
        found.append(
            tuple(
                [Side(SideKind.MUNICIPALITY, code) for code in sorted(codes)]
                + [Side(SideKind.POLICE, unit) for unit in sorted(units)]
            )
        )
    return found


async def covered(viewer: Viewer, sides: Sequence[Side]) -> frozenset[Side]:
    """The sides `viewer` covers (see the module docstring)."""
    if viewer.role == Role.ADMIN:
        return frozenset(sides)
    result = {side for side in sides if side.kind == SideKind.MUNICIPALITY and side.key in viewer.municipality_codes}
    police = [side for side in sides if side.kind == SideKind.POLICE]
    if police and viewer.police_unit_slugs:
        parents: dict[str, str | None] = {
            str(slug): (str(parent) if parent else None)
            for slug, parent in await PoliceUnit.all().values_list("slug", "parent__slug")
        }
        for side in police:
            unit: str | None = side.key
            seen: set[str] = set()
            while unit is not None and unit not in seen:
                if unit in viewer.police_unit_slugs:
                    result.add(side)
                    break
                seen.add(unit)
                unit = parents.get(unit)
    return frozenset(result)


async def review_of(kind: str, slug: str) -> Review | None:
    return await Review.get_or_none(item_type=kind, item_slug=slug)


async def approvals_of(kind: str, slug: str, revision: int) -> dict[str, str]:
    """The sides that approved this revision, with the token that did."""
    rows = await Approval.filter(item_type=kind, item_slug=slug, revision=revision).values_list("side", "token_name")
    return {str(side): str(name) for side, name in rows}


async def approvals_by_item(keys: Sequence[tuple[str, str, int]]) -> dict[tuple[str, str], dict[str, str]]:
    """`approvals_of` for many items at once (one query per kind)."""
    found: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    by_kind: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, slug, revision in keys:
        by_kind[kind][slug] = revision
    for kind, revisions in by_kind.items():
        rows = await Approval.filter(item_type=kind, item_slug__in=sorted(revisions)).values_list(
            "item_slug", "revision", "side", "token_name"
        )
        for slug, revision, side, name in rows:
            if revisions.get(str(slug)) == revision:
                found[(kind, str(slug))][str(side)] = str(name)
    return found


async def forget(kind: str, slug: str) -> None:
    """The item leaves the workflow: its review row and approvals go."""
    await Review.filter(item_type=kind, item_slug=slug).delete()
    await Approval.filter(item_type=kind, item_slug=slug).delete()


def describe(sides: Sequence[Side]) -> str:
    return ", ".join(side.describe() for side in sides)
