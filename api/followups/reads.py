"""What follow-ups and their entries read, declared once (api/compiled/declare.py).

A follow-up is visible when it and its citizen promise are."""

from __future__ import annotations

from api.compiled.declare import PERIOD, ByKey, Related, Root, Table, Text, Value, content_fields

_OF_PROMISE = "follow_up {c} JOIN citizen_promise {j} ON {j}.id = {c}.citizen_promise_id"
_VISIBLE = (("c", "f"), ("j", "p"))

FOLLOW_UP = Table(
    "FollowUp",
    {
        **content_fields(),
        "title": Value("{c}.title"),
        "year": Value("{c}.year", "number"),
        "span": Value("{c}.span", "enum"),
        "spanNumber": Value("{c}.span_number", "number"),
        "author": Related("Signatory", "follow_up_author {c}", "{c}.follow_up_id = {p}.id", many=False),
        "authorRole": Related(
            "PrintedRole", "printed_role {c}", "{c}.follow_up_id = {p}.id AND {c}.kind = 'AUTHOR'", many=False
        ),
        "period": PERIOD,
        "citizenPromise": Related(
            "CitizenPromise",
            "citizen_promise {c}",
            "{c}.id = {p}.citizen_promise_id",
            many=False,
            visible=(("c", "p"),),
            required=True,
        ),
        "entries": Related("FollowUpEntry", "follow_up_entry {c}", "{c}.follow_up_id = {p}.id", "{c}.position"),
        "targetStatuses": Related(
            "TargetStatusReport", "target_status {c}", "{c}.follow_up_id = {p}.id", "{c}.commitment_order, {c}.position"
        ),
        "succession": Related("Succession", "succession {c}", "{c}.follow_up_id = {p}.id", "{c}.position"),
    },
    table="follow_up",
    lookup_source="JOIN citizen_promise {j} ON {j}.id = {c}.citizen_promise_id",
    lookup_visible=_VISIBLE,
)

FOLLOW_UP_ENTRY = Table(
    "FollowUpEntry",
    {
        "assessment": Value("{c}.assessment", "enum"),
        "position": Value("{c}.position", "number"),
        "heading": Value("{c}.heading"),
        "actor": Value("{c}.actor", "enum"),
        "narrative": Text("{c}.narrative", default=""),
        "commitments": Related(
            "Commitment",
            "follow_up_entry_commitment {j} JOIN commitment {c} ON {c}.id = {j}.commitment_id",
            "{j}.entry_id = {p}.id",
            "{j}.position",
        ),
        "followUp": Related(
            "FollowUp", _OF_PROMISE, "{c}.id = {p}.follow_up_id", many=False, visible=_VISIBLE, required=True
        ),
        "results": Related("FollowUpResult", "follow_up_entry_result {c}", "{c}.entry_id = {p}.id", "{c}.position"),
    },
    table="follow_up_entry",
)

# A result's or a status's target is of the same citizen promise (a trigger keeps it so), so
# it is as visible as the follow-up it is read through.
_TARGET = Related("Target", "commitment_target {c}", "{c}.id = {p}.target_id", many=False)

FOLLOW_UP_RESULT = Table(
    "FollowUpResult",
    {
        "position": Value("{c}.position", "number"),
        "quantity": Value("{c}.quantity", "number"),
        "approximate": Value("{c}.approximate", "boolean"),
        "counted": Value("{c}.counted"),
        "interval": Value('{c}."interval"', "enum"),
        "period": PERIOD,
        "phrase": Value("{c}.phrase"),
        "target": _TARGET,
    },
    table="follow_up_entry_result",
)

# The view of models/migrations/0010_targets_results.py: one row per (follow-up, target).
TARGET_STATUS = Table(
    "TargetStatusReport",
    {
        "status": Value("{c}.status", "enum"),
        "reportedQuantity": Value("{c}.reported_quantity", "number"),
        "approximate": Value("{c}.approximate", "boolean"),
        "results": Value("{c}.results", "number"),
        "target": Related("Target", "commitment_target {c}", "{c}.id = {p}.target_id", many=False, required=True),
    },
    table="target_status",
)

DECLARED = (FOLLOW_UP, FOLLOW_UP_ENTRY, FOLLOW_UP_RESULT, TARGET_STATUS)

ROOTS: dict[str, Root] = {"followUp": ByKey("FollowUp", "slug")}
