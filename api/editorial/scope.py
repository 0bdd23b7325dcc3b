"""The scope rule: which municipalities an item concerns, and what a token may do with it.

One rule, for writes and for reads of drafts and history (README, "Through the API, with a
token"); later workflow work (a two-party review) only extends it:

- An item concerns: an agreement its municipal parties, a citizen promise its municipality, a
  follow-up its promise's municipality, a service agreement its municipality, a contact the
  municipalities it serves. A token's scope covers its municipalities and those served by its
  police units' areas (units below them included): see `Viewer.municipalities`.
- An editor may create and change *drafts* of items that concern at least one municipality in
  scope (so each party of a joint agreement can work on it); a municipality an item is taken
  away from must be in scope too.
- Publishing, unpublishing, archiving, deleting, reverting, and any change to an item that is
  not a draft (scheduled or archived) or that becomes one (creating it PUBLISHED),
  need every municipality the item concerns, before and after, in scope: otherwise an admin.
  The review workflow (api/editorial/review.py) adds to this: publishing also needs every
  side's approval, a non-admin sets no status, and a change or revert of a published item is
  its pending revision, judged by the draft rule above since it does not reach the public.
- An item that concerns no municipality needs an admin.
- Drafts and history (`preview: true`, `revisions`, `revisionDiff`, `editorialItems`) are shown
  of the items a token may edit drafts of; published content is shown to everyone.

Writes call `state_of` inside their own transaction, on the data they read there, and then the
pure `refusal`: the decision is made on what the transaction writes against.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from api.editorial.access import Role, Viewer
from models import CitizenPromise, Organisation
from models.enums import PublicationStatus
from models.sql import Fragment, sql
from seed import format as fmt

KIND_NAMES = {
    "agreements": "agreement",
    "citizen_promises": "citizen promise",
    "follow_ups": "follow-up",
    "service_agreements": "service agreement",
    "contacts": "contact",
}


class Action(StrEnum):
    CREATE = "creating"
    UPDATE = "changing"
    DELETE = "deleting"
    PUBLISH = "publishing"
    UNPUBLISH = "unpublishing"
    ARCHIVE = "archiving"
    REVERT = "reverting"


STATUS_ACTIONS = {
    PublicationStatus.PUBLISHED: Action.PUBLISH,
    PublicationStatus.DRAFT: Action.UNPUBLISH,
    PublicationStatus.ARCHIVED: Action.ARCHIVE,
}

# What changes public pages (or their record) whatever state the item is in.
WHOLE_SCOPE = frozenset({Action.DELETE, Action.PUBLISH, Action.UNPUBLISH, Action.ARCHIVE, Action.REVERT})


@dataclass(frozen=True)
class State:
    """An item as the scope rule sees it: the municipalities it concerns, and its status."""

    municipalities: frozenset[str]
    status: PublicationStatus

    @property
    def draft(self) -> bool:
        return self.status == PublicationStatus.DRAFT


Described = fmt.Item | Mapping[str, Any]  # an item, or its seed form (a revision's snapshot)


def _field(item: Described, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def _listed(item: Described, name: str) -> list[str]:
    value = _field(item, name)
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


async def concerned(kind: str, items: Sequence[Described]) -> list[frozenset[str]]:
    """The municipalities each item concerns, in order: at most one query for the whole list
    (the organisations of agreements, the promises of follow-ups). Inside a write's transaction
    this reads what that transaction sees."""
    if kind in {"agreements", "follow_ups"}:
        model, name = (Organisation, "parties") if kind == "agreements" else (CitizenPromise, "citizen_promise")
        keys = [_listed(item, name) if kind == "agreements" else [str(_field(item, name))] for item in items]
        wanted = sorted({key for listed in keys for key in listed})
        rows = await model.filter(slug__in=wanted).values_list("slug", "municipality_id") if wanted else []
        codes = {str(slug): str(code) for slug, code in rows if code}
        return [frozenset(codes[key] for key in listed if key in codes) for listed in keys]
    if kind == "contacts":
        return [frozenset(_listed(item, "municipalities")) for item in items]
    return [
        frozenset([str(_field(item, "municipality"))]) if _field(item, "municipality") else frozenset()
        for item in items
    ]


async def state_of(kind: str, item: fmt.Item) -> State:
    (municipalities,) = await concerned(kind, [item])
    return State(municipalities, PublicationStatus(item.status))


def refusal(
    viewer: Viewer, kind: str, slug: str, action: Action, before: State | None, after: State | None
) -> str | None:
    """Why `viewer` may not take `action` on the item (`before`: as stored, None when new;
    `after`: as it would be written, None for a delete), or None when it may."""
    general = viewer.write_refusal()
    if general:
        return general
    if viewer.role == Role.ADMIN:
        return None
    name = f"{KIND_NAMES[kind]} '{slug}'"
    who = f"token '{viewer.name}' is an editor for {viewer.describe_scope()}"
    states = [state for state in (before, after) if state is not None]
    concerns = frozenset[str]().union(*(state.municipalities for state in states))
    if not concerns:
        return f"{who}; {name} concerns no municipality, so only an admin may write it"
    if action in WHOLE_SCOPE or not all(state.draft for state in states):
        missing = concerns - (viewer.municipalities or frozenset())
        if not missing:
            return None
        if action in WHOLE_SCOPE:
            what = f"{action.value} {name}"
        elif before is not None and not before.draft:
            what = f"changing {name}, which is {before.status.value}"
        else:
            what = f"{action.value} {name} as {after.status.value if after else 'it is'}"
        return (
            f"{who}; {what} needs every municipality it concerns ({_codes(concerns)}) in the token's scope,"
            f" and {_codes(missing)} {'is' if len(missing) == 1 else 'are'} not: an admin may do it"
        )
    for state in states:
        if not viewer.covers_any(state.municipalities):
            return f"{who}; {name} concerns {_codes(state.municipalities)}"
    left = before.municipalities - after.municipalities if before and after else frozenset()
    if not viewer.covers_all(left):
        return f"{who}; taking {name} away from {_codes(left)} needs those municipalities in the token's scope"
    return None


def may_see_drafts(viewer: Viewer, municipalities: frozenset[str]) -> bool:
    """Whether the drafts and history of an item concerning these municipalities are shown."""
    return viewer.can_preview and viewer.covers_any(municipalities)


def _codes(codes: frozenset[str]) -> str:
    return ", ".join(sorted(codes))


def concerns_sql(alias: str, one_of: Callable[[str], Fragment]) -> Fragment:
    """SQL: the row of `alias` (the read path's aliases: a agreement, p citizen_promise,
    f follow_up, s service_agreement, k contact) concerns a municipality `one_of(column)` accepts."""
    if alias == "a":
        return sql(
            "EXISTS (SELECT 1 FROM agreement_party scope_ap JOIN organisation scope_o"
            " ON scope_o.id = scope_ap.organisation_id"
            " WHERE scope_ap.agreement_id = a.id AND {})",
            one_of("scope_o.municipality_id"),
        )
    if alias == "f":
        return sql(
            "EXISTS (SELECT 1 FROM citizen_promise scope_p WHERE scope_p.id = f.citizen_promise_id AND {})",
            one_of("scope_p.municipality_id"),
        )
    if alias == "k":
        return sql(
            "EXISTS (SELECT 1 FROM contact_municipality scope_km WHERE scope_km.contact_id = k.id AND {})",
            one_of("scope_km.municipality_id"),
        )
    if alias in {"p", "s"}:
        return one_of(f"{alias}.municipality_id")
    raise ValueError(f"no scope rule for the alias {alias!r}")


def snapshot_concerns_sql(kind: str, snapshot: str, one_of: Callable[[Fragment], Fragment]) -> Fragment:
    """SQL: the item of `kind` whose seed form is the JSON column `snapshot` (a revision's)
    concerns a municipality `one_of(code)` accepts, as `concerned` judges the item."""
    if kind == "agreements":
        return sql(
            "EXISTS (SELECT 1 FROM {} JOIN organisation scope_o ON scope_o.slug = {} WHERE {})",
            _elements(snapshot, "parties"),
            _ELEMENT,
            one_of(sql.raw("scope_o.municipality_id")),
        )
    if kind == "follow_ups":
        return sql(
            "EXISTS (SELECT 1 FROM citizen_promise scope_p WHERE scope_p.slug = {} AND {})",
            _member(snapshot, "citizen_promise"),
            one_of(sql.raw("scope_p.municipality_id")),
        )
    if kind == "contacts":
        return sql("EXISTS (SELECT 1 FROM {} WHERE {})", _elements(snapshot, "municipalities"), one_of(_ELEMENT))
    return one_of(_member(snapshot, "municipality"))


# The element of a list `_elements` gives, as text.
_ELEMENT = sql.either(postgres=sql.raw("scope_e.v"), sqlite=sql.raw("CAST(scope_e.value AS TEXT)"))


def _member(snapshot: str, name: str) -> Fragment:
    """The seed form's value of `name`, as text."""
    return sql.either(
        postgres=sql.raw(f"({snapshot} ->> '{name}')"),
        sqlite=sql.raw(f"CAST(json_extract({snapshot}, '$.{name}') AS TEXT)"),
    )


def _elements(snapshot: str, name: str) -> Fragment:
    """A FROM-part: the elements of the seed form's list `name` (none when it is not a list)."""
    return sql.either(
        postgres=sql.raw(
            f"jsonb_array_elements_text(CASE WHEN jsonb_typeof({snapshot} -> '{name}') = 'array'"
            f" THEN {snapshot} -> '{name}' ELSE '[]'::jsonb END) AS scope_e(v)"
        ),
        sqlite=sql.raw(
            f"json_each(CASE WHEN json_type({snapshot}, '$.{name}') = 'array'"
            f" THEN json_extract({snapshot}, '$.{name}') ELSE '[]' END) AS scope_e"
        ),
    )
