"""What follow-ups and their entries read, declared once (api/compiled/declare.py).

A follow-up is visible when it and its citizen promise are (api/followups/loaders.py)."""

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
    },
    table="follow_up_entry",
)

DECLARED = (FOLLOW_UP, FOLLOW_UP_ENTRY)

ROOTS: dict[str, Root] = {"followUp": ByKey("FollowUp", "slug")}
