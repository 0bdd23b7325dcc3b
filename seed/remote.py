"""`seed push` and `seed pull`: seed files to and from a Samverkan server, through its public
GraphQL API with an editor's token, so scope, revisions and conflicts apply as for any editor.

Pull leaves `.samverkan-revisions.json` in the folder: the revision each item was pulled (or last
pushed) at. Push sends that as `expectedRevision`, so a change made on the server meanwhile is a
conflict, not overwritten; an item without an entry is based on the server's current revision.

Areas (`areas:` at the top of a file) travel like organisations: pull writes those its items
name, with the areas they lie in, in their files; push checks the files against the server's
areas and refuses to send one the server does not have (an administrator adds them, by a seed
load), since no mutation writes areas. A municipality's contact roles (an organisation's
`contact_roles`) come with its organisation, and the organisations they name with them; push
refuses a file whose contact roles differ from the server's, for the same reason.

Push does not publish: an item's `status` is not sent (state moves only through the server's
review workflow, api/editorial/review.py). A new item is created as a DRAFT, a changed one keeps
its state on the server (a change of a published item becomes its pending revision), and every
item created or changed whose file says PUBLISHED is submitted for review instead, which push
says item by item: it is published once every side has approved it.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from models.enums import PublicationStatus
from seed import format as fmt
from seed.reference import read_reference
from seed.validate import Bundle, Known, read_files, seed_files, validate_documents
from seed.yamlio import Problem
from seed.yamlio import dump as dump_yaml

MANIFEST = ".samverkan-revisions.json"
TIMEOUT = 60.0
# A server's rate limit answers 429 with Retry-After: wait that long (at most this often).
RATE_LIMIT_RETRIES = 10

ITEMS = "query { editorialItems { id kind document revision item } }"
REFERENCES = "query { editorialReferences }"
PAYLOAD = "outcome ok id revision problems { field message }"
SUBMIT = (
    "mutation($id: ID!, $rev: Int!) { submitForReview(id: $id, expectedRevision: $rev)"
    " { outcome ok revision problems { field message } } }"
)
MUTATION_NAMES = {
    "agreements": "agreement",
    "citizen_promises": "citizenPromise",
    "follow_ups": "followUp",
    "service_agreements": "serviceAgreement",
    "contacts": "contact",
}
OUTCOMES = {
    "CREATED": "created",
    "UPDATED": "updated",
    "UNCHANGED": "unchanged",
    "CONFLICT": "conflict",
}


class RemoteError(Exception):
    """The server could not be asked, or refused the request as a whole."""


@dataclass
class PushSummary:
    counts: Counter[str] = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        kinds = ("created", "updated", "unchanged", "refused", "conflict", "submitted for review")
        counts = ", ".join(f"{self.counts[k]} {k}" for k in kinds)
        return [*self.messages, counts]


class Server:
    def __init__(self, url: str, token: str) -> None:
        base = url.rstrip("/")
        self.url = base if base.endswith("/graphql") else base + "/graphql"
        self.client = httpx.Client(timeout=TIMEOUT, headers={"Authorization": f"Bearer {token}"})

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_: object) -> None:
        self.client.close()

    def call(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        for _ in range(RATE_LIMIT_RETRIES):
            try:
                response = self.client.post(self.url, json={"query": query, "variables": variables or {}})
            except httpx.HTTPError as error:
                raise RemoteError(f"{self.url}: {error}") from None
            if response.status_code != 429:
                break
            wait = response.headers.get("retry-after", "")
            time.sleep(min(int(wait), 60) if wait.isdigit() else 1)
        try:
            body = response.json()
        except ValueError:
            raise RemoteError(f"{self.url} answered {response.status_code} without JSON") from None
        if body.get("errors"):
            raise RemoteError("; ".join(str(e.get("message")) for e in body["errors"]))
        if response.status_code != 200:
            raise RemoteError(f"{self.url} answered {response.status_code}")
        return body["data"]  # type: ignore[no-any-return]

    def items(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {(row["kind"], row["item"]["slug"]): row for row in self.call(ITEMS)["editorialItems"]}


def _manifest_path(path: Path) -> Path:
    return (path if path.is_dir() else path.parent) / MANIFEST


def _read_manifest(path: Path) -> dict[str, dict[str, int]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_manifest(path: Path, revisions: dict[str, dict[str, int]]) -> None:
    ordered = {kind: dict(sorted(slugs.items())) for kind, slugs in sorted(revisions.items()) if slugs}
    path.write_text(json.dumps(ordered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def server_known(references: dict[str, Any]) -> Known:
    """What files may refer to on the server, from its `editorialReferences`."""
    reference = read_reference()
    areas = {a["item"]["slug"]: (a["item"]["municipality"], a["item"].get("parent")) for a in references["areas"]}
    return Known(
        municipalities=frozenset(row["kommunkod"] for row in reference.municipalities),
        police_units=frozenset(unit.slug for unit in reference.police_units),
        topics=frozenset(topic.key for topic in reference.topics),
        organisations=frozenset(o["item"]["slug"] for o in references["organisations"]),
        agreements=frozenset(references["agreements"]),
        contacts=frozenset(references["contacts"]),
        commitment_keys={slug: frozenset(keys) for slug, keys in references["commitment_keys"].items()},
        areas=areas,
    )


def push(path: Path, url: str, token: str) -> tuple[PushSummary, list[Problem]]:
    """Validate the files locally, then send every item; nothing is sent if a file is invalid."""
    summary = PushSummary()
    with Server(url, token) as server:
        references = server.call(REFERENCES)["editorialReferences"]
        parsed, problems = read_files(seed_files(path))
        bundle, more = validate_documents(parsed, server_known(references))
        problems.extend(more)
        if problems:
            return summary, problems
        for message in refused_references(bundle, references):
            summary.counts["refused"] += 1
            summary.messages.append(message)
        remote = server.items()
        manifest_path = _manifest_path(path)
        manifest = _read_manifest(manifest_path)
        for kind in fmt.CONTENT_TYPES:
            for slug, located in bundle.items[kind].items():
                name = MUTATION_NAMES[kind]
                item = fmt.dump(located.item)
                wanted = item.pop("status", PublicationStatus.DRAFT.value)
                found = remote.get((kind, slug))
                if found is None:
                    query = (
                        f"mutation($item: JSON!, $document: String) {{ {name}Create(item: $item,"
                        f" document: $document) {{ {PAYLOAD} }} }}"
                    )
                    variables: dict[str, Any] = {"item": item, "document": located.document}
                else:
                    expected = manifest.get(kind, {}).get(slug, found["revision"])
                    query = (
                        f"mutation($id: ID!, $rev: Int!, $item: JSON!, $document: String) {{ {name}Update(id: $id,"
                        f" expectedRevision: $rev, item: $item, document: $document) {{ {PAYLOAD} }} }}"
                    )
                    variables = {"id": found["id"], "rev": expected, "item": item, "document": located.document}
                result = next(iter(server.call(query, variables).values()))
                outcome = OUTCOMES.get(result["outcome"], "refused")
                summary.counts[outcome] += 1
                if result["ok"]:
                    manifest.setdefault(kind, {})[slug] = result["revision"]
                    if wanted == PublicationStatus.PUBLISHED.value and result["outcome"] in {"CREATED", "UPDATED"}:
                        submitted = server.call(SUBMIT, {"id": result["id"], "rev": result["revision"]})
                        step = next(iter(submitted.values()))
                        if step["ok"]:
                            summary.counts["submitted for review"] += 1
                            summary.messages.append(
                                f"{slug}: submitted for review at revision {step['revision']} (the file says"
                                " PUBLISHED; push does not publish): it is published once every side has approved it"
                            )
                        else:
                            for problem in step["problems"]:
                                summary.messages.append(
                                    f"{slug}: not submitted for review: {problem['field']}: {problem['message']}"
                                )
                else:
                    where = f"{located.file.display}:{located.file.line_of(located.path)}"
                    for problem in result["problems"]:
                        summary.messages.append(f"{where}: {slug}: {problem['field']}: {problem['message']}")
        _write_manifest(manifest_path, manifest)
    return summary, []


def refused_references(bundle: Bundle, references: dict[str, Any]) -> list[str]:
    """What push cannot send, since no mutation writes it: organisations and areas the server
    does not have, and a municipality's contact roles (an organisation's `contact_roles`) other
    than the server's. An administrator changes those by a seed load."""
    refused = []
    on_server = {o["item"]["slug"]: o["item"] for o in references["organisations"]}
    for slug, located in bundle.organisations.items():
        if slug not in on_server:
            refused.append(f"organisation '{slug}': not on the server; organisations are added by an administrator")
        elif fmt.dump(located.item).get("contact_roles", []) != on_server[slug].get("contact_roles", []):
            refused.append(
                f"organisation '{slug}': contact_roles differ from the server's; a municipality's contact roles"
                " are changed by an administrator"
            )
    areas_on_server = {a["item"]["slug"] for a in references["areas"]}
    for slug in bundle.areas:
        if slug not in areas_on_server:
            refused.append(f"area '{slug}': not on the server; areas are added by an administrator")
    return refused


def pull(folder: Path, url: str, token: str) -> list[Path]:
    """Write the token's content (and the organisations and areas it refers to) as seed files."""
    with Server(url, token) as server:
        rows = server.call(ITEMS)["editorialItems"]
        references = server.call(REFERENCES)["editorialReferences"]
    return write_pulled(folder, rows, references)


def write_pulled(folder: Path, rows: list[dict[str, Any]], references: dict[str, Any]) -> list[Path]:
    """The seed files of what `editorialItems` and `editorialReferences` answered, with the
    manifest of revisions."""
    documents: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    revisions: dict[str, dict[str, int]] = defaultdict(dict)
    organisations: set[str] = set()
    areas: set[str] = set()
    for row in rows:
        documents[row["document"]][row["kind"]].append(row["item"])
        revisions[row["kind"]][row["item"]["slug"]] = row["revision"]
        organisations.update(_organisations_of(row["item"]))
        areas.update(_areas_of(row["item"]))
    # An organisation comes with those its contact roles (a municipality's) belong to.
    contact_roles = {o["item"]["slug"]: o["item"].get("contact_roles", []) for o in references["organisations"]}
    for slug in list(organisations):
        organisations.update(r["organisation"] for r in contact_roles.get(slug, []) if r.get("organisation"))
    for organisation in references["organisations"]:
        if organisation["item"]["slug"] in organisations:
            documents[organisation["document"]]["organisations"].append(organisation["item"])
    # An area comes with the areas it lies in (a file's area names its parent).
    parents = {a["item"]["slug"]: a["item"].get("parent") for a in references["areas"]}
    for slug in list(areas):
        parent = parents.get(slug)
        while parent is not None and parent not in areas:
            areas.add(parent)
            parent = parents.get(parent)
    for area in references["areas"]:
        if area["item"]["slug"] in areas:
            documents[area["document"]]["areas"].append(area["item"])
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for document, lists in sorted(documents.items()):
        data = {kind: lists[kind] for kind in ("organisations", "areas", *fmt.CONTENT_TYPES) if lists.get(kind)}
        target = folder / f"{document}.yaml"
        target.write_text(dump_yaml(data), encoding="utf-8")
        written.append(target)
    _write_manifest(folder / MANIFEST, revisions)
    return written


def _organisations_of(item: dict[str, Any]) -> set[str]:
    found = set(item.get("parties", []))
    if item.get("organisation"):
        found.add(item["organisation"])
    for person in [*item.get("signatories", []), *item.get("contact_roles", []), item.get("author") or {}]:
        if person.get("organisation"):
            found.add(person["organisation"])
    for body in item.get("bodies", []):
        found.update(body.get("members", []))
    for commitment in item.get("commitments", []):
        found.update(commitment.get("partners", []))
        found.update(commitment.get("performed_by", []))
    return found


def _areas_of(item: dict[str, Any]) -> set[str]:
    """The areas an item names: a promise's, its commitments', a service agreement's points'."""
    named = [item, *item.get("commitments", []), *item.get("points", [])]
    return {entry["area"] for entry in named if entry.get("area")}
