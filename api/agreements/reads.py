"""What agreements and their signatories read, declared once (api/compiled/declare.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from api.agreements.filters import agreement_where
from api.agreements.types import GOVERNANCE_ROLES
from api.compiled.declare import (
    PERIOD,
    SECTIONS,
    ByKey,
    Element,
    Elements,
    Listing,
    Nested,
    Related,
    Root,
    Shape,
    Table,
    Value,
    Visible,
    content_fields,
)
from api.core.pagination import SortKey
from models.sql import Fragment, sql

AGREEMENT = Table(
    "Agreement",
    {
        **content_fields(),
        "title": Value("{c}.title"),
        "period": PERIOD,
        "signedOn": Value("{c}.signed_on", "date"),
        "signedPlace": Value("{c}.signed_place"),
        "sections": SECTIONS,
        "governance": Elements(
            "Section", "{c}.sections", "{c} ->> 'role' IN (" + ", ".join(f"'{role}'" for role in GOVERNANCE_ROLES) + ")"
        ),
        "problemAreas": Elements("ProblemArea", "{c}.problem_areas"),
        "parties": Related(
            "Organisation",
            "agreement_party {j} JOIN organisation {c} ON {c}.id = {j}.organisation_id",
            "{j}.agreement_id = {p}.id",
            "{j}.position",
        ),
        "municipalities": Related(
            "Municipality",
            "agreement_party {j} JOIN organisation {j2} ON {j2}.id = {j}.organisation_id"
            " JOIN municipality {c} ON {c}.code = {j2}.municipality_id",
            "{j}.agreement_id = {p}.id",
            "{j}.position",
        ),
        "signatories": Related("Signatory", "signatory {c}", "{c}.agreement_id = {p}.id", "{c}.position"),
        "signingRoles": Related(
            "PrintedRole", "printed_role {c}", "{c}.agreement_id = {p}.id AND {c}.kind = 'SIGNATORY'", "{c}.position"
        ),
        "bodies": Related("GovernanceBody", "governance_body {c}", "{c}.agreement_id = {p}.id", "{c}.position"),
        "followUpRules": Related("FollowUpRule", "follow_up_rule {c}", "{c}.agreement_id = {p}.id", "{c}.position"),
        "citizenPromises": Related(
            "CitizenPromise",
            "citizen_promise {c}",
            "{c}.agreement_id = {p}.id",
            "{c}.period_start DESC, {c}.slug",
            visible=(("c", "p"),),
        ),
    },
    table="agreement",
    lookup_visible=(("c", "a"),),
)

SIGNATORY = Table(
    "Signatory",
    {
        "person": Nested("Person"),
        "signedOn": Value("{c}.signed_on", "date"),
        "place": Value("{c}.place"),
    },
    table="signatory",
)

# A signatory's person: the name from the person, the title as signed.
PERSON = Shape(
    "Person",
    {
        "name": Value("(SELECT sp.name FROM person sp WHERE sp.id = {c}.person_id)"),
        "title": Value("{c}.title"),
        "organisation": Related("Organisation", "organisation {c}", "{c}.id = {p}.organisation_id", many=False),
    },
)

_BODY = "governance_body {c}"
GOVERNANCE_BODY = Table(
    "GovernanceBody",
    {
        "key": Value("{c}.key"),
        "position": Value("{c}.position", "number"),
        "name": Value("{c}.name"),
        "role": Value("{c}.role"),
        "meetingsPerYear": Value("{c}.meetings_per_year", "number"),
        "cadence": Value("{c}.cadence"),
        "members": Related(
            "Organisation",
            "governance_body_member {j} JOIN organisation {c} ON {c}.id = {j}.organisation_id",
            "{j}.body_id = {p}.id",
            "{j}.position",
        ),
        "parent": Related("GovernanceBody", _BODY, "{c}.id = {p}.parent_id", many=False),
    },
    table="governance_body",
)

FOLLOW_UP_RULE = Table(
    "FollowUpRule",
    {
        "position": Value("{c}.position", "number"),
        "form": Value("{c}.form", "enum"),
        "timesPerYear": Value("{c}.times_per_year", "number"),
        "reportedTo": Value("{c}.reported_to"),
        "phrase": Value("{c}.phrase"),
        "responsible": Related("GovernanceBody", _BODY, "{c}.id = {p}.responsible_id", many=False),
        "atMeetingsOf": Related("GovernanceBody", _BODY, "{c}.id = {p}.at_meetings_of_id", many=False),
    },
    table="follow_up_rule",
)

# A problem area of an agreement's `problem_areas`, its sub-problems a JSON list of texts.
PROBLEM_AREA = Element(
    "ProblemArea",
    {"title": Value("{c} ->> 'title'", may_be_null=True), "items": Value("COALESCE({c} -> 'items', '[]')", "json")},
)

DECLARED = (AGREEMENT, SIGNATORY, PERSON, GOVERNANCE_BODY, FOLLOW_UP_RULE, PROBLEM_AREA)


def _agreements_where(visible: Visible, arguments: Mapping[str, Any]) -> list[Fragment]:
    return [visible("a"), *agreement_where("a", arguments.get("filter"))]


# Newest period first; an unknown period counts from the date the agreement is in force from:
# the list's order (both paths) and, in api/geography/reads.py, a municipality's agreements'.
AGREEMENT_ORDER = (
    SortKey(
        sql("COALESCE(a.period_start, a.signed_on, a.source_published_on, {})", dt.date(1, 1, 1)),
        "sort_start",
        descending=True,
        is_date=True,
    ),
    SortKey("a.slug", "sort_slug"),
)

ROOTS: dict[str, Root] = {
    "agreement": ByKey("Agreement", "slug"),
    "agreements": Listing(
        "Agreement",
        "agreement a",
        "a",
        _agreements_where,
        AGREEMENT_ORDER,
    ),
}
