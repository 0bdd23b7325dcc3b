"""Reading content back out of the database in its canonical seed form, in few queries."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel
from tortoise.models import Model

from models import (
    Agreement,
    AgreementParty,
    Area,
    CitizenPromise,
    CitizenPromiseContact,
    CitizenPromiseParty,
    CitizenPromiseSignatory,
    Commitment,
    CommitmentPartner,
    CommitmentPerformer,
    CommitmentTarget,
    CommitmentTopic,
    Contact,
    ContactMunicipality,
    FollowUp,
    FollowUpAuthor,
    FollowUpEntry,
    FollowUpEntryCommitment,
    FollowUpEntryResult,
    FollowUpRule,
    GovernanceBody,
    GovernanceBodyMember,
    Organisation,
    PrintedRole,
    ServiceAgreement,
    ServiceAgreementParty,
    ServicePoint,
    Signatory,
    Succession,
    TargetGroup,
)
from models.sql import TRUE, Fragment, one_of, sql
from models.sql import rows as select_rows
from seed import format as fmt
from seed.yamlio import dump as dump_yaml

CHUNK = 500


@dataclass(frozen=True)
class Stored:
    """A content item as the database holds it."""

    id: int
    item: BaseModel
    document: str
    seed_hash: str | None


def content_hash(item: BaseModel) -> str:
    return hashlib.sha256(orjson.dumps(fmt.dump(item), option=orjson.OPT_SORT_KEYS)).hexdigest()


MODELS: dict[str, type[Model]] = {
    "contacts": Contact,
    "agreements": Agreement,
    "citizen_promises": CitizenPromise,
    "follow_ups": FollowUp,
    "service_agreements": ServiceAgreement,
}

_ITEM_FIELDS = (
    "id",
    "slug",
    "document",
    "seed_hash",
    "status",
    "publish_at",
    "unpublish_at",
    "published_at",
    "source_url",
    "source_published_on",
    "source_updated_on",
    "source_incomplete",
    "source_note",
)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class _Select:
    """A SELECT of a model's fields by name, as Tortoise's `values()` names and converts them
    (`organisation__slug`: the slug of the row the foreign key `organisation` points to, joined
    LEFT), built with the one SQL builder (models/sql.py) from the models' own description of
    their tables and foreign keys."""

    def __init__(self, model: type[Model], names: Sequence[str]) -> None:
        self.model = model
        self.joins: dict[str, tuple[str, str]] = {}  # foreign key path: (alias, JOIN clause)
        self.columns = [self.column(name) for name in names]
        self.names = list(names)
        self.converters = [self._converter(name) for name in names]

    def column(self, name: str) -> str:
        model, alias, path = self.model, "t", ""
        *links, last = name.split("__")
        for link in links:
            key = model._meta.fields_map[link]
            related: type[Model] = key.related_model  # type: ignore[attr-defined]
            path += link + "__"
            if path not in self.joins:
                joined = f"j{len(self.joins)}"
                source = model._meta.fields_db_projection[key.source_field]  # type: ignore[index]
                self.joins[path] = (
                    joined,
                    f'LEFT JOIN "{related._meta.db_table}" {joined}'
                    f' ON {joined}."{related._meta.db_pk_column}" = {alias}."{source}"',
                )
            alias, model = self.joins[path][0], related
        return f'{alias}."{model._meta.fields_db_projection[last]}"'

    def _converter(self, name: str) -> Callable[[Any], Any] | None:
        model = self.model
        *links, last = name.split("__")
        for link in links:
            model = model._meta.fields_map[link].related_model  # type: ignore[attr-defined]
        if last in (native for _, native, _ in model._meta.db_native_fields):
            return None
        return model._meta.fields_map[last].to_python_value

    async def rows(self, where: Fragment, order: Sequence[str]) -> list[dict[str, Any]]:
        selected = ", ".join(f'{column} AS "{name}"' for column, name in zip(self.columns, self.names, strict=True))
        joins = "".join(f" {join}" for _, join in self.joins.values())
        ordered = ", ".join(self.column(name) for name in order)
        found = await select_rows(
            sql(
                f'SELECT {selected} FROM "{self.model._meta.db_table}" t{joins} WHERE {{}} ORDER BY {ordered}',
                where,
            )
        )
        converting = [(name, convert) for name, convert in zip(self.names, self.converters, strict=True) if convert]
        for row in found:
            for name, convert in converting:
                row[name] = convert(row[name])
        return found

    async def where_in(self, name: str, values: Sequence[Any], order: Sequence[str]) -> list[dict[str, Any]]:
        """The rows whose field `name` is one of `values`, in slices."""
        found: list[dict[str, Any]] = []
        for chunk in _chunks(list(values)):
            found += await self.rows(one_of(self.column(name), chunk), order)
        return found


async def _all_or(select: _Select, slugs: Sequence[str] | None) -> list[dict[str, Any]]:
    """Every row of the model, or those of the slugs, by slug."""
    return await select.rows(TRUE if slugs is None else one_of(select.column("slug"), list(slugs)), ["slug"])


async def _rows(model: type[Model], slugs: Sequence[str] | None, *fields: str) -> list[dict[str, Any]]:
    select = _Select(model, [*_ITEM_FIELDS, *fields])
    if slugs is None:
        return await select.rows(TRUE, ["slug"])
    return await select.where_in("slug", slugs, ["slug"])


async def _children(
    model: type[Model], parent: str, ids: Sequence[int], *fields: str
) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in await _Select(model, [parent, *fields]).where_in(parent, ids, [parent, "position"]):
        grouped[row[parent]].append(row)
    return grouped


def _item_fields(row: dict[str, Any], *same_names: str) -> dict[str, Any]:
    """The fields every item has, and those stored under the name the format uses."""
    return {
        **{name: row[name] for name in same_names},
        "slug": row["slug"],
        "status": row["status"],
        "publish_at": row["publish_at"],
        "unpublish_at": row["unpublish_at"],
        "published_at": row["published_at"],
        "source_url": row["source_url"],
        "source_published_on": row["source_published_on"],
        "source_updated_on": row["source_updated_on"],
        "source_incomplete": row["source_incomplete"],
        "source_note": row["source_note"],
    }


GROUP_FIELDS = ("label", "age_from", "age_to", "school_year")
TARGET_FIELDS = ("key", "quantity", "qualifier", "counted", "interval", "deadline", "phrase")
RESULT_FIELDS = ("quantity", "approximate", "counted", "interval", "phrase")


def _period(row: dict[str, Any]) -> dict[str, Any] | None:
    if row["period_start"] is None:
        return None
    return {"start": row["period_start"], "end": row["period_end"], "label": row["period_label"]}


POINT_FIELDS = (
    "key",
    "name",
    "kind",
    "address",
    "opening_hours_text",
    "opening_hours",
    "valid_from",
    "valid_until",
    "note",
)
SIGNATORY_FIELDS = ("person__name", "title", "organisation__slug", "signed_on", "place")
ROLE_FIELDS = ("kind", "position", "role", "organisation__slug", "signed_on", "place")


def _signatory(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["person__name"],
        "title": row["title"],
        "organisation": row["organisation__slug"],
        "signed_on": row["signed_on"],
        "place": row["place"],
    }


def _signatures(named: list[dict[str, Any]], roles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A document's signatories as printed: the named ones and the roles signed without a name
    (printed_role SIGNATORY), in the one numbering they share."""
    unnamed = [{**row, "person__name": None, "title": row["role"]} for row in roles if row["kind"] == "SIGNATORY"]
    return [_signatory(row) for row in sorted([*named, *unnamed], key=lambda row: row["position"])]


def _contact_roles(roles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"role": r["role"], "organisation": r["organisation__slug"]} for r in roles if r["kind"] == "CONTACT"]


SUCCESSION_FIELDS = ("kind", "target_slug", "target_key", "reference")


def _succession(row: dict[str, Any]) -> dict[str, Any]:
    target = row["target_slug"] + (f"#{row['target_key']}" if row["target_key"] else "")
    return {"kind": row["kind"], "target": target, "reference": row["reference"]}


def _stored(row: dict[str, Any], item: BaseModel) -> Stored:
    return Stored(id=row["id"], item=item, document=row["document"], seed_hash=row["seed_hash"])


async def export_agreements(slugs: Sequence[str] | None = None) -> dict[str, Stored]:
    rows = await _rows(
        Agreement,
        slugs,
        "title",
        "title_composed",
        "period_start",
        "period_end",
        "period_label",
        "signed_on",
        "signed_place",
        "summary",
        "sections",
        "problem_areas",
        "links",
    )
    ids = [row["id"] for row in rows]
    parties = await _children(AgreementParty, "agreement_id", ids, "organisation__slug")
    signatories = await _children(Signatory, "agreement_id", ids, "position", *SIGNATORY_FIELDS)
    roles = await _children(PrintedRole, "agreement_id", ids, *ROLE_FIELDS)
    bodies = await _children(
        GovernanceBody, "agreement_id", ids, "id", "key", "name", "role", "meetings_per_year", "cadence", "parent__key"
    )
    members = await _children(
        GovernanceBodyMember, "body_id", [b["id"] for group in bodies.values() for b in group], "organisation__slug"
    )
    rules = await _children(
        FollowUpRule,
        "agreement_id",
        ids,
        "form",
        "times_per_year",
        "responsible__key",
        "at_meetings_of__key",
        "reported_to",
        "phrase",
    )
    result = {}
    for row in rows:
        item = fmt.Agreement.model_validate(
            {
                **_item_fields(
                    row,
                    "title",
                    "title_composed",
                    "signed_on",
                    "signed_place",
                    "summary",
                    "sections",
                    "problem_areas",
                    "links",
                ),
                "period": _period(row),
                "parties": [p["organisation__slug"] for p in parties[row["id"]]],
                "signatories": _signatures(signatories[row["id"]], roles[row["id"]]),
                "bodies": [
                    {
                        "key": b["key"],
                        "name": b["name"],
                        "role": b["role"],
                        "members": [m["organisation__slug"] for m in members[b["id"]]],
                        "meetings_per_year": b["meetings_per_year"],
                        "cadence": b["cadence"],
                        "parent": b["parent__key"],
                    }
                    for b in bodies[row["id"]]
                ],
                "follow_up_rules": [
                    {
                        "form": r["form"],
                        "times_per_year": r["times_per_year"],
                        "responsible": r["responsible__key"],
                        "at_meetings_of": r["at_meetings_of__key"],
                        "reported_to": r["reported_to"],
                        "phrase": r["phrase"],
                    }
                    for r in rules[row["id"]]
                ],
            }
        )
        result[row["slug"]] = _stored(row, item)
    return result


async def export_citizen_promises(slugs: Sequence[str] | None = None) -> dict[str, Stored]:
    rows = await _rows(
        CitizenPromise,
        slugs,
        "title",
        "title_composed",
        "period_start",
        "period_end",
        "period_label",
        "municipality_id",
        "agreement__slug",
        "area__slug",
        "signed_on",
        "summary",
        "problem_picture",
        "sections",
        "links",
    )
    ids = [row["id"] for row in rows]
    commitments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    commitment_ids: list[int] = []
    select = _Select(
        Commitment,
        ["id", "citizen_promise_id", "key", "actor", "actor_label", "number", "text", "area__slug", "parent__key"],
    )
    for commitment in await select.where_in("citizen_promise_id", ids, ["citizen_promise_id", "document_order"]):
        commitments[commitment["citizen_promise_id"]].append(commitment)
        commitment_ids.append(commitment["id"])
    topics = await _children(CommitmentTopic, "commitment_id", commitment_ids, "topic_id")
    partners = await _children(CommitmentPartner, "commitment_id", commitment_ids, "organisation__slug")
    performers = await _children(CommitmentPerformer, "commitment_id", commitment_ids, "organisation__slug")
    targets = await _children(CommitmentTarget, "commitment_id", commitment_ids, *TARGET_FIELDS)
    contacts = await _children(CitizenPromiseContact, "citizen_promise_id", ids, "contact__slug")
    promise_parties = await _children(CitizenPromiseParty, "citizen_promise_id", ids, "organisation__slug")
    promise_signatories = await _children(
        CitizenPromiseSignatory, "citizen_promise_id", ids, "position", *SIGNATORY_FIELDS
    )
    promise_roles = await _children(PrintedRole, "citizen_promise_id", ids, *ROLE_FIELDS)
    promise_groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    commitment_groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for group_rows in (
        await _children(TargetGroup, "citizen_promise_id", ids, "commitment_id", "position", *GROUP_FIELDS)
    ).values():
        for group in sorted(group_rows, key=lambda g: (g["commitment_id"] or 0, g["position"])):
            owner = (
                commitment_groups[group["commitment_id"]]
                if group["commitment_id"]
                else promise_groups[group["citizen_promise_id"]]
            )
            owner.append({name: group[name] for name in GROUP_FIELDS})
    promise_links: dict[int, list[dict[str, Any]]] = defaultdict(list)
    commitment_links: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for link_rows in (
        await _children(Succession, "citizen_promise_id", ids, "commitment_id", "position", *SUCCESSION_FIELDS)
    ).values():
        for link in sorted(link_rows, key=lambda g: (g["commitment_id"] or 0, g["position"])):
            owner = (
                commitment_links[link["commitment_id"]]
                if link["commitment_id"]
                else promise_links[link["citizen_promise_id"]]
            )
            owner.append(_succession(link))
    result = {}
    for row in rows:
        item = fmt.CitizenPromise.model_validate(
            {
                **_item_fields(row, "title", "title_composed", "summary", "problem_picture", "sections", "links"),
                "municipality": row["municipality_id"],
                "agreement": row["agreement__slug"],
                "area": row["area__slug"],
                "period": _period(row),
                "parties": [p["organisation__slug"] for p in promise_parties[row["id"]]],
                "signed_on": row["signed_on"],
                "signatories": _signatures(promise_signatories[row["id"]], promise_roles[row["id"]]),
                "contact_roles": _contact_roles(promise_roles[row["id"]]),
                "target_groups": promise_groups[row["id"]],
                "commitments": [
                    {
                        "key": c["key"],
                        "actor": c["actor"],
                        "actor_label": c["actor_label"],
                        "number": c["number"],
                        "text": c["text"],
                        "area": c["area__slug"],
                        "parent": c["parent__key"],
                        "target_groups": commitment_groups[c["id"]],
                        "topics": [t["topic_id"] for t in topics[c["id"]]],
                        "partners": [p["organisation__slug"] for p in partners[c["id"]]],
                        "performed_by": [p["organisation__slug"] for p in performers[c["id"]]],
                        "targets": [{name: t[name] for name in TARGET_FIELDS} for t in targets[c["id"]]],
                        "succession": commitment_links[c["id"]],
                    }
                    for c in commitments[row["id"]]
                ],
                "contacts": [c["contact__slug"] for c in contacts[row["id"]]],
                "succession": promise_links[row["id"]],
            }
        )
        result[row["slug"]] = _stored(row, item)
    return result


async def export_follow_ups(slugs: Sequence[str] | None = None) -> dict[str, Stored]:
    rows = await _rows(
        FollowUp,
        slugs,
        "title",
        "title_composed",
        "citizen_promise__slug",
        "year",
        "span",
        "span_number",
        "period_start",
        "period_end",
        "period_label",
        "summary",
        "links",
    )
    ids = [row["id"] for row in rows]
    entries = await _children(FollowUpEntry, "follow_up_id", ids, "id", "heading", "actor", "narrative", "assessment")
    authors: dict[int, dict[str, Any]] = {}
    select = _Select(FollowUpAuthor, ["follow_up_id", *SIGNATORY_FIELDS])
    for author in await select.where_in("follow_up_id", ids, ["follow_up_id"]):
        authors[author["follow_up_id"]] = _signatory(author)
    # An author printed as a role only (printed_role AUTHOR): no name, the role in title.
    for group in (await _children(PrintedRole, "follow_up_id", ids, *ROLE_FIELDS)).values():
        for role in group:
            authors[role["follow_up_id"]] = _signatory({**role, "person__name": None, "title": role["role"]})
    announced = await _children(Succession, "follow_up_id", ids, *SUCCESSION_FIELDS)
    entry_ids = [entry["id"] for group in entries.values() for entry in group]
    links = await _children(FollowUpEntryCommitment, "entry_id", entry_ids, "commitment__key")
    results = await _children(
        FollowUpEntryResult,
        "entry_id",
        entry_ids,
        *RESULT_FIELDS,
        "target__key",
        "period_start",
        "period_end",
        "period_label",
    )
    result = {}
    for row in rows:
        item = fmt.FollowUp.model_validate(
            {
                **_item_fields(row, "title", "title_composed", "year", "span", "span_number", "summary", "links"),
                "citizen_promise": row["citizen_promise__slug"],
                "period": _period(row),
                "author": authors.get(row["id"]),
                "succession": [_succession(link) for link in announced[row["id"]]],
                "entries": [
                    {
                        "heading": e["heading"],
                        "actor": e["actor"],
                        "narrative": e["narrative"],
                        "commitments": [link["commitment__key"] for link in links[e["id"]]],
                        "assessment": e["assessment"],
                        "results": [
                            {
                                **{name: r[name] for name in RESULT_FIELDS},
                                "target": r["target__key"],
                                "period": _period(r),
                            }
                            for r in results[e["id"]]
                        ],
                    }
                    for e in entries[row["id"]]
                ],
            }
        )
        result[row["slug"]] = _stored(row, item)
    return result


async def export_service_agreements(slugs: Sequence[str] | None = None) -> dict[str, Stored]:
    rows = await _rows(
        ServiceAgreement,
        slugs,
        "title",
        "title_composed",
        "municipality_id",
        "provider",
        "since",
        "since_label",
        "services",
        "summary",
    )
    parties = await _children(
        ServiceAgreementParty, "service_agreement_id", [r["id"] for r in rows], "organisation__slug"
    )
    points = await _children(ServicePoint, "service_agreement_id", [r["id"] for r in rows], *POINT_FIELDS, "area__slug")
    result = {}
    for row in rows:
        item = fmt.ServiceAgreement.model_validate(
            {
                **_item_fields(
                    row, "title", "title_composed", "provider", "since", "since_label", "services", "summary"
                ),
                "municipality": row["municipality_id"],
                "parties": [p["organisation__slug"] for p in parties[row["id"]]],
                "points": [
                    {**{name: p[name] for name in POINT_FIELDS}, "area": p["area__slug"]} for p in points[row["id"]]
                ],
            }
        )
        result[row["slug"]] = _stored(row, item)
    return result


async def export_contacts(slugs: Sequence[str] | None = None) -> dict[str, Stored]:
    rows = await _rows(Contact, slugs, "role", "person__name", "person__email", "person__phone", "organisation__slug")
    municipalities = await _children(ContactMunicipality, "contact_id", [r["id"] for r in rows], "municipality_id")
    result = {}
    for row in rows:
        item = fmt.Contact.model_validate(
            {
                **_item_fields(row, "role"),
                "name": row["person__name"],
                "email": row["person__email"],
                "phone": row["person__phone"],
                "organisation": row["organisation__slug"],
                "municipalities": [m["municipality_id"] for m in municipalities[row["id"]]],
            }
        )
        result[row["slug"]] = _stored(row, item)
    return result


EXPORTERS = {
    "contacts": export_contacts,
    "agreements": export_agreements,
    "citizen_promises": export_citizen_promises,
    "follow_ups": export_follow_ups,
    "service_agreements": export_service_agreements,
}


async def export_organisations(
    slugs: Sequence[str] | None = None,
) -> dict[str, tuple[int, fmt.Organisation, str]]:
    rows = await _all_or(
        _Select(Organisation, ["id", "slug", "kind", "name", "municipality_id", "police_unit__slug", "document"]), slugs
    )
    # A municipality's contacts printed as a role only, in the order printed.
    roles = await _children(PrintedRole, "municipality_organisation_id", [row["id"] for row in rows], *ROLE_FIELDS)
    return {
        row["slug"]: (
            row["id"],
            fmt.Organisation(
                slug=row["slug"],
                kind=row["kind"],
                name=row["name"],
                municipality=row["municipality_id"],
                police_unit=row["police_unit__slug"],
                contact_roles=[fmt.ContactRole(**role) for role in _contact_roles(roles[row["id"]])],
            ),
            row["document"],
        )
        for row in rows
    }


async def export_areas(slugs: Sequence[str] | None = None) -> dict[str, tuple[int, fmt.Area, str]]:
    rows = await _all_or(
        _Select(Area, ["id", "slug", "kind", "name", "municipality_id", "parent__slug", "document"]), slugs
    )
    return {
        row["slug"]: (
            row["id"],
            fmt.Area(
                slug=row["slug"],
                kind=row["kind"],
                name=row["name"],
                municipality=row["municipality_id"],
                parent=row["parent__slug"],
            ),
            row["document"],
        )
        for row in rows
    }


async def export_documents() -> dict[str, fmt.Document]:
    """The whole database as seed documents, keyed by document (file stem)."""
    grouped: dict[str, dict[str, list[BaseModel]]] = defaultdict(lambda: defaultdict(list))
    for _, organisation, document in (await export_organisations()).values():
        grouped[document]["organisations"].append(organisation)
    for _, area, document in (await export_areas()).values():
        grouped[document]["areas"].append(area)
    for kind, exporter in EXPORTERS.items():
        for stored in (await exporter()).values():
            grouped[stored.document][kind].append(stored.item)
    return {name: fmt.Document.model_validate(dict(lists)) for name, lists in sorted(grouped.items())}


def document_yaml(document: fmt.Document) -> str:
    data: dict[str, Any] = {}
    for kind in ("organisations", "areas", *fmt.CONTENT_TYPES):
        items = getattr(document, kind)
        if items:
            data[kind] = [fmt.dump(item) for item in items]
    return dump_yaml(data)


async def export_texts() -> dict[str, str]:
    """Every seed file the database makes, by file name, byte-stable for the same content."""
    return {f"{name}.yaml": document_yaml(document) for name, document in (await export_documents()).items()}


def write_files(folder: Path, texts: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in texts.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
