"""What citizen promises and commitments read, declared once (api/compiled/declare.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.compiled.declare import (
    SECTIONS,
    ByKey,
    Everything,
    GlobalId,
    Listing,
    Nested,
    Related,
    Root,
    Table,
    Text,
    Value,
    Values,
    Visible,
    content_fields,
)
from api.core.pagination import SortKey
from api.promises.filters import PROMISE_PLACES, citizen_promise_where, commitment_where
from api.promises.ordering import COMMITMENT_ORDERS, CommitmentOrder, commitment_tables, cursor_tag
from models.sql import Fragment, sql


def _actor(alias: str, arguments: Mapping[str, Any]) -> list[Fragment]:
    actor = arguments.get("actor")
    return [] if actor is None else [sql(f"{alias}.actor = {{}}", actor.value)]


def _commitment_key(key: str) -> dict[str, str]:
    # Links in seed files write `promise-slug#key`; global IDs carry `promise-slug/key` (api/node.py).
    promise, _, commitment = key.replace("#", "/").partition("/")
    return {"promise": promise, "commitment": commitment}


CITIZEN_PROMISE = Table(
    "CitizenPromise",
    {
        **content_fields(),
        "title": Value("{c}.title"),
        "period": Nested("Period"),
        "problemPicture": Text("{c}.problem_picture"),
        "sections": SECTIONS,
        "municipality": Related("Municipality", "municipality {c}", "{c}.code = {p}.municipality_id", many=False),
        "area": Related("Area", "area {c}", "{c}.id = {p}.area_id", many=False),
        "targetGroups": Related(
            "TargetGroup",
            "target_group {c}",
            "{c}.citizen_promise_id = {p}.id AND {c}.commitment_id IS NULL",
            "{c}.position",
        ),
        "signedOn": Value("{c}.signed_on", "date"),
        "parties": Related(
            "Organisation",
            "citizen_promise_party {j} JOIN organisation {c} ON {c}.id = {j}.organisation_id",
            "{j}.citizen_promise_id = {p}.id",
            "{j}.position",
        ),
        "signatories": Related(
            "Signatory", "citizen_promise_signatory {c}", "{c}.citizen_promise_id = {p}.id", "{c}.position"
        ),
        "signingRoles": Related(
            "PrintedRole",
            "printed_role {c}",
            "{c}.citizen_promise_id = {p}.id AND {c}.kind = 'SIGNATORY'",
            "{c}.position",
        ),
        "contactRoles": Related(
            "PrintedRole",
            "printed_role {c}",
            "{c}.citizen_promise_id = {p}.id AND {c}.kind = 'CONTACT'",
            "{c}.position",
        ),
        "agreement": Related(
            "Agreement", "agreement {c}", "{c}.id = {p}.agreement_id", many=False, visible=(("c", "a"),)
        ),
        "commitments": Related(
            "Commitment", "commitment {c}", "{c}.citizen_promise_id = {p}.id", "{c}.document_order", arguments=_actor
        ),
        "followUps": Related(
            "FollowUp",
            "follow_up {c} JOIN citizen_promise {j} ON {j}.id = {c}.citizen_promise_id",
            "{c}.citizen_promise_id = {p}.id",
            "{c}.year, {c}.slug",
            visible=(("c", "f"), ("j", "p")),
        ),
        "contacts": Related(
            "Contact",
            "citizen_promise_contact {j} JOIN contact {c} ON {c}.id = {j}.contact_id",
            "{j}.citizen_promise_id = {p}.id",
            "{j}.position",
            visible=(("c", "k"),),
        ),
        "succession": Related(
            "Succession",
            "succession {c}",
            "{c}.citizen_promise_id = {p}.id AND {c}.commitment_id IS NULL",
            "{c}.position",
        ),
    },
    table="citizen_promise",
    lookup_visible=(("c", "p"),),
)

COMMITMENT = Table(
    "Commitment",
    {
        "id": GlobalId(),
        "key": Value("{c}.key"),
        "actor": Value("{c}.actor", "enum"),
        "actorLabel": Value("{c}.actor_label"),
        "number": Value("{c}.number"),
        "text": Value("{c}.text"),
        "position": Value("{c}.position", "number"),
        "documentOrder": Value("{c}.document_order", "number"),
        "area": Related("Area", "area {c}", "{c}.id = {p}.area_id", many=False),
        "parent": Related(
            "Commitment",
            "commitment {c} JOIN citizen_promise {j} ON {j}.id = {c}.citizen_promise_id",
            "{c}.id = {p}.parent_id",
            many=False,
            visible=(("j", "p"),),
        ),
        "activities": Related("Commitment", "commitment {c}", "{c}.parent_id = {p}.id", "{c}.document_order"),
        "targetGroups": Related("TargetGroup", "target_group {c}", "{c}.commitment_id = {p}.id", "{c}.position"),
        "topics": Values("{j}.topic_id", "commitment_topic {j}", "{j}.commitment_id = {p}.id", "{j}.position"),
        "partners": Related(
            "Organisation",
            "commitment_partner {j} JOIN organisation {c} ON {c}.id = {j}.organisation_id",
            "{j}.commitment_id = {p}.id",
            "{j}.position",
        ),
        "performedBy": Related(
            "Organisation",
            "commitment_performer {j} JOIN organisation {c} ON {c}.id = {j}.organisation_id",
            "{j}.commitment_id = {p}.id",
            "{j}.position",
        ),
        "targets": Related("Target", "commitment_target {c}", "{c}.commitment_id = {p}.id", "{c}.position"),
        "citizenPromise": Related(
            "CitizenPromise",
            "citizen_promise {c}",
            "{c}.id = {p}.citizen_promise_id",
            many=False,
            visible=(("c", "p"),),
            required=True,
        ),
        "followUpEntries": Related(
            "FollowUpEntry",
            "follow_up_entry_commitment {j} JOIN follow_up_entry {c} ON {c}.id = {j}.entry_id"
            " JOIN follow_up {j2} ON {j2}.id = {c}.follow_up_id",
            "{j}.commitment_id = {p}.id",
            "{j2}.year, {j2}.slug, {c}.position",
            visible=(("j2", "f"),),
        ),
        "succession": Related("Succession", "succession {c}", "{c}.commitment_id = {p}.id", "{c}.position"),
    },
    table="commitment",
    key="(SELECT kp.slug FROM citizen_promise kp WHERE kp.id = {c}.citizen_promise_id) || '/' || {c}.key",
    lookup="{j}.slug = {promise} AND {c}.key = {commitment}",
    lookup_source="JOIN citizen_promise {j} ON {j}.id = {c}.citizen_promise_id",
    lookup_visible=(("j", "p"),),
    split_key=_commitment_key,
)

TARGET = Table(
    "Target",
    {
        "key": Value("{c}.key"),
        "position": Value("{c}.position", "number"),
        "quantity": Value("{c}.quantity", "number"),
        "qualifier": Value("{c}.qualifier", "enum"),
        "counted": Value("{c}.counted"),
        "interval": Value('{c}."interval"', "enum"),
        "deadline": Value("{c}.deadline", "date"),
        "phrase": Value("{c}.phrase"),
        "commitment": Related(
            "Commitment",
            "commitment {c} JOIN citizen_promise {j} ON {j}.id = {c}.citizen_promise_id",
            "{c}.id = {p}.commitment_id",
            many=False,
            visible=(("j", "p"),),
            required=True,
        ),
    },
    table="commitment_target",
)

TARGET_GROUP = Table(
    "TargetGroup",
    {
        "label": Value("{c}.label"),
        "position": Value("{c}.position", "number"),
        "ageFrom": Value("{c}.age_from", "number"),
        "ageTo": Value("{c}.age_to", "number"),
        "schoolYear": Value("{c}.school_year", "number"),
    },
    table="target_group",
)

# A succession link names its item by slug (and key), found on every read when it is here.
SUCCESSION = Table(
    "Succession",
    {
        "kind": Value("{c}.kind", "enum"),
        "position": Value("{c}.position", "number"),
        "target": Value("{c}.target_slug || COALESCE('#' || {c}.target_key, '')"),
        "reference": Value("{c}.reference"),
        "citizenPromise": Related(
            "CitizenPromise",
            "citizen_promise {c}",
            "{c}.slug = {p}.target_slug AND {p}.target_key IS NULL",
            many=False,
            visible=(("c", "p"),),
        ),
        "commitment": Related(
            "Commitment",
            "commitment {c} JOIN citizen_promise {j} ON {j}.id = {c}.citizen_promise_id",
            "{j}.slug = {p}.target_slug AND {c}.key = {p}.target_key",
            many=False,
            visible=(("j", "p"),),
        ),
    },
    table="succession",
)

# The topics commitments are tagged with: reference data.
TOPIC = Table("Topic", {"key": Value("{c}.key"), "label": Value("{c}.label")}, table="topic", key="{c}.key")

DECLARED = (CITIZEN_PROMISE, COMMITMENT, TARGET, TARGET_GROUP, SUCCESSION, TOPIC)


def _promises_where(visible: Visible, arguments: Mapping[str, Any]) -> list[Fragment]:
    return [visible("p"), *citizen_promise_where(arguments.get("filter"))]


def _commitments_where(visible: Visible, arguments: Mapping[str, Any]) -> list[Fragment]:
    return [visible("p"), *commitment_where(arguments.get("filter"))]


def _commitments_order(arguments: Mapping[str, Any]) -> tuple[tuple[Any, ...], str | None, str]:
    order = arguments.get("order_by") or CommitmentOrder.NEWEST_FIRST
    return tuple(COMMITMENT_ORDERS[order]), cursor_tag(order), commitment_tables(order, PROMISE_PLACES)


# Newest period first.
PROMISE_ORDER = (
    SortKey("p.period_start", "sort_period_start", descending=True, is_date=True),
    SortKey("p.slug", "sort_slug"),
)

ROOTS: dict[str, Root] = {
    "citizenPromise": ByKey("CitizenPromise", "slug"),
    "topics": Everything("Topic", "{c}.position, {c}.key"),
    "citizenPromises": Listing(
        "CitizenPromise", f"citizen_promise p {PROMISE_PLACES}", "p", _promises_where, PROMISE_ORDER
    ),
    "commitments": Listing(
        "Commitment",
        commitment_tables(CommitmentOrder.NEWEST_FIRST, PROMISE_PLACES),
        "c",
        _commitments_where,
        tuple(COMMITMENT_ORDERS[CommitmentOrder.NEWEST_FIRST]),
        accepts=frozenset({"filter", "first", "after", "orderBy", "preview"}),
        ordered=_commitments_order,
    ),
}
