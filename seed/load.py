"""Putting validated seed content into the database: one transaction, idempotent, conflict-aware."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from tortoise import connections
from tortoise.models import Model

from models import (
    Agreement,
    Area,
    CitizenPromise,
    Commitment,
    CommitmentTarget,
    Contact,
    FollowUp,
    Organisation,
    PoliceUnit,
    ServiceAgreement,
)
from models.sql import one_of, sql, writes_behind
from models.transactions import Lock, lock_rows, write_transaction
from seed import format as fmt
from seed.export import EXPORTERS, MODELS, content_hash, export_areas, export_organisations
from seed.reference import ReferenceData, load_reference, read_reference
from seed.rows import Rows
from seed.validate import Bundle, Known, Located, cross_check, references
from seed.writer import RevisionConflict, Write, Writer, promise_targets, render_ahead
from seed.yamlio import Problem

# The writing code lives in seed.writer; the editorial mutations import it from here too.
__all__ = [
    "Dependencies",
    "Invalidated",
    "RevisionConflict",
    "Summary",
    "Writer",
    "comparable",
    "dependencies",
    "known_data",
    "load_bundle",
]

KIND_LABELS = {
    "organisations": "organisations",
    "areas": "areas",
    "contacts": "contacts",
    "agreements": "agreements",
    "citizen_promises": "citizen promises",
    "follow_ups": "follow-ups",
    "service_agreements": "service agreements",
}


@dataclass
class Conflict:
    kind: str
    slug: str
    where: str

    def __str__(self) -> str:
        return (
            f"{self.where}: {KIND_LABELS[self.kind]} '{self.slug}' was changed in the database since it"
            " was last loaded; left as it is (use --force to overwrite it with the file)"
        )


@dataclass
class Summary:
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)

    def add(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def written(self) -> int:
        """How many items were created or updated so far."""
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def lines(self) -> list[str]:
        lines = []
        for kind, label in KIND_LABELS.items():
            count = self.counts.get(kind, Counter())
            if sum(count.values()):
                lines.append(
                    f"{label}: {count['created']} created, {count['updated']} updated,"
                    f" {count['unchanged']} unchanged, {count['conflict']} conflicts"
                )
        lines.extend(str(conflict) for conflict in self.conflicts)
        lines.append(
            "changes written" if self.changed else "nothing to change: the database already holds this content"
        )
        return lines


def reference_known(reference: ReferenceData | None = None) -> Known:
    """What files may refer to without a database: the project's reference data only."""
    reference = reference or read_reference()
    return Known(
        municipalities=frozenset(row["kommunkod"] for row in reference.municipalities),
        police_units=frozenset(unit.slug for unit in reference.police_units),
        topics=frozenset(topic.key for topic in reference.topics),
        complete=False,
    )


class Invalidated(Exception):
    """The content no longer validates against the database at the moment of writing (an item
    it refers to was deleted or changed since it was checked); nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


# What a write locks of the items it refers to (models/transactions.py), in the content model's
# order: their existence (KEY SHARE), and for promises their commitments too (SHARE).
_REFERRED = {
    "police_units": (PoliceUnit, Lock.KEY_SHARE),
    "organisations": (Organisation, Lock.KEY_SHARE),
    "contacts": (Contact, Lock.KEY_SHARE),
    "agreements": (Agreement, Lock.KEY_SHARE),
    "citizen_promises": (CitizenPromise, Lock.SHARE),
    "areas": (Area, Lock.KEY_SHARE),
}


@dataclass
class Dependencies:
    """The stored items some content refers to: their ids by kind and slug (only those that
    exist), and the commitment keys of the promises among them."""

    ids: dict[str, dict[str, int]]
    commitment_keys: dict[str, frozenset[str]]
    target_keys: dict[str, frozenset[str]] = field(default_factory=dict)
    promise_periods: dict[str, fmt.Period] = field(default_factory=dict)
    reported: dict[str, frozenset[tuple[str, str, str]]] = field(default_factory=dict)
    areas: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    promise_actors: dict[str, frozenset[str]] = field(default_factory=dict)
    item_kinds: dict[str, str] = field(default_factory=dict)

    def known(self, reference: ReferenceData) -> Known:
        return Known(
            municipalities=frozenset(row["kommunkod"] for row in reference.municipalities),
            police_units=frozenset(unit.slug for unit in reference.police_units) | self.ids["police_units"].keys(),
            topics=frozenset(topic.key for topic in reference.topics),
            organisations=frozenset(self.ids["organisations"]),
            agreements=frozenset(self.ids["agreements"]),
            contacts=frozenset(self.ids["contacts"]),
            commitment_keys=self.commitment_keys,
            target_keys=self.target_keys,
            promise_periods=self.promise_periods,
            reported=self.reported,
            areas=self.areas,
            promise_actors=self.promise_actors,
            item_kinds=self.item_kinds,
        )


# The kinds of content a succession link may wrongly name instead of a citizen promise.
_OTHER_ITEMS = {
    "agreements": Agreement,
    "follow_ups": FollowUp,
    "service_agreements": ServiceAgreement,
    "contacts": Contact,
}


async def _item_kinds(slugs: set[str]) -> dict[str, str]:
    """The kind of the stored items (other than citizen promises) with these slugs: one
    statement per kind, none when no succession link names anything."""
    found: dict[str, str] = {}
    for kind, model in _OTHER_ITEMS.items():
        for row in await lock_rows(model, sorted(slugs), None):
            found[str(row["slug"])] = kind
    return found


async def _area_places(ids: list[int]) -> dict[str, tuple[str, str | None]]:
    """(municipality, parent slug) of the areas, by slug."""
    if not ids:
        return {}
    return {
        str(row["slug"]): (str(row["municipality"]), row["parent"])
        for row in await Rows().rows(
            sql(
                'SELECT a."slug" AS "slug", a."municipality_id" AS "municipality", pa."slug" AS "parent"'
                ' FROM "area" a LEFT JOIN "area" pa ON pa."id" = a."parent_id" WHERE {}',
                one_of('a."id"', ids),
            )
        )
    }


async def dependencies(bundle: Bundle, *, lock: bool = True) -> Dependencies:
    """Read what the bundle refers to, nothing else: a write's work follows its own size, not
    the database's. `lock`: hold them (on PostgreSQL) until the transaction ends, so what the
    write validated stays true until it commits; a seed load excludes other writers instead."""
    wanted = references(bundle)
    ids: dict[str, dict[str, int]] = {}
    for kind, (model, mode) in _REFERRED.items():
        rows = await lock_rows(model, sorted(wanted[kind]), mode if lock else None)
        ids[kind] = {str(row["slug"]): int(row["id"]) for row in rows}
    slug_by_id = {promise_id: slug for slug, promise_id in ids["citizen_promises"].items()}
    keys: dict[str, set[str]] = {slug: set() for slug in ids["citizen_promises"]}
    actors: dict[str, set[str]] = {slug: set() for slug in ids["citizen_promises"]}
    for row in await Rows().select(
        Commitment, ("citizen_promise_id", "key", "actor"), "citizen_promise_id", list(slug_by_id)
    ):
        keys[slug_by_id[row["citizen_promise_id"]]].add(str(row["key"]))
        actors[slug_by_id[row["citizen_promise_id"]]].add(str(row["actor"]))
    targets: dict[str, set[str]] = {slug: set() for slug in ids["citizen_promises"]}
    for promise_id, key in await promise_targets(Rows(), list(slug_by_id)):
        targets[slug_by_id[promise_id]].add(str(key))
    periods = {
        slug_by_id[row["id"]]: _period(row)
        for row in await Rows().select(
            CitizenPromise, ("id", "period_start", "period_end", "period_label"), "id", list(slug_by_id)
        )
    }
    return Dependencies(
        ids,
        {slug: frozenset(found) for slug, found in keys.items()},
        {slug: frozenset(found) for slug, found in targets.items()},
        periods,
        await reported_on(list(bundle.items["citizen_promises"])),
        await _area_places(list(ids["areas"].values())),
        {slug: frozenset(found) for slug, found in actors.items()},
        await _item_kinds(wanted["items"] - ids["citizen_promises"].keys()),
    )


async def reported_on(promise_slugs: list[str]) -> dict[str, frozenset[tuple[str, str, str]]]:
    """What stored follow-ups report on, of some promises: their entries' commitments and their
    results' targets (the rows the database keeps with ON DELETE RESTRICT)."""
    if not promise_slugs:
        return {}
    # One bound list, named by both parts of the UNION.
    slugs = sql.value(list(promise_slugs))
    statement = sql(
        'SELECT p."slug" AS "promise", \'commitments\' AS "kind", c."key" AS "key", f."slug" AS "follow_up"'
        ' FROM "follow_up_entry_commitment" l JOIN "commitment" c ON c."id" = l."commitment_id"'
        ' JOIN "citizen_promise" p ON p."id" = c."citizen_promise_id" JOIN "follow_up_entry" e ON e."id" = l."entry_id"'
        ' JOIN "follow_up" f ON f."id" = e."follow_up_id" WHERE {}'
        ' UNION SELECT p."slug", \'targets\', t."key", f."slug"'
        ' FROM "follow_up_entry_result" r JOIN "commitment_target" t ON t."id" = r."target_id"'
        ' JOIN "commitment" c ON c."id" = t."commitment_id" JOIN "citizen_promise" p ON p."id" = c."citizen_promise_id"'
        ' JOIN "follow_up_entry" e ON e."id" = r."entry_id" JOIN "follow_up" f ON f."id" = e."follow_up_id"'
        " WHERE {}",
        one_of('p."slug"', slugs),
        one_of('p."slug"', slugs),
    )
    found: dict[str, set[tuple[str, str, str]]] = {}
    for row in await Rows().rows(statement):
        found.setdefault(str(row["promise"]), set()).add((str(row["kind"]), str(row["key"]), str(row["follow_up"])))
    return {slug: frozenset(items) for slug, items in found.items()}


def _period(row: dict[str, Any]) -> fmt.Period:
    return fmt.Period(start=row["period_start"], end=row["period_end"], label=row["period_label"])


async def known_data(reference: ReferenceData | None = None) -> Known:
    """Everything files may refer to: reference data from the project, all content of the
    database (for listing it; a write reads only its `dependencies`)."""
    reference = reference or read_reference()
    keys: dict[str, set[str]] = {str(slug): set() for slug in await CitizenPromise.all().values_list("slug", flat=True)}
    # One statement, so a promise written between two reads cannot leave a key without its promise.
    actors: dict[str, set[str]] = {}
    for slug, key, actor in await Commitment.all().values_list("citizen_promise__slug", "key", "actor"):
        keys.setdefault(str(slug), set()).add(str(key))
        actors.setdefault(str(slug), set()).add(str(actor))
    targets: dict[str, set[str]] = {}
    for slug, key in await CommitmentTarget.all().values_list("commitment__citizen_promise__slug", "key"):
        targets.setdefault(str(slug), set()).add(str(key))
    periods = {
        str(row["slug"]): _period(row)
        for row in await CitizenPromise.all().values("slug", "period_start", "period_end", "period_label")
    }
    return Known(
        municipalities=frozenset(row["kommunkod"] for row in reference.municipalities),
        police_units=frozenset(unit.slug for unit in reference.police_units) | await _slugs(PoliceUnit),
        topics=frozenset(topic.key for topic in reference.topics),
        organisations=await _slugs(Organisation),
        agreements=await _slugs(Agreement),
        contacts=await _slugs(Contact),
        commitment_keys={slug: frozenset(k) for slug, k in keys.items()},
        target_keys={slug: frozenset(k) for slug, k in targets.items()},
        promise_periods=periods,
        areas=await _area_places([int(row["id"]) for row in await Area.all().values("id")]),
        promise_actors={slug: frozenset(found) for slug, found in actors.items()},
        item_kinds={slug: kind for kind, model in _OTHER_ITEMS.items() for slug in await _slugs(model)},
    )


async def _slugs(model: type[Model]) -> frozenset[str]:
    return frozenset(str(slug) for slug in await model.all().values_list("slug", flat=True))


def comparable(stored: BaseModel, incoming: BaseModel) -> BaseModel:
    """The stored item as the file would write it: a file without published_at keeps ours."""
    if getattr(incoming, "published_at", None) is None and getattr(stored, "published_at", None) is not None:
        return stored.model_copy(update={"published_at": None})
    return stored


ProgressCallback = Callable[[str, int, int], None]

# Items of one type are compared and written this many at a time.
BATCH = 500


async def load_bundle(
    bundle: Bundle,
    *,
    force: bool = False,
    author: str = "seed",
    progress: ProgressCallback | None = None,
    reference: ReferenceData | None = None,
    checked: Known | None = None,
) -> Summary:
    """Write a validated bundle in one transaction that excludes every other content write
    (models/transactions.py: other loads wait for it, API writes wait or get "busy"). Inside it
    the bundle is checked again against what it refers to, since the database may have changed
    since it was validated; raises Invalidated (nothing written) if it no longer holds, and
    models.transactions.Busy if another writer kept the database too long. `checked`: what the
    bundle was validated against (seed.pipeline.check_path); if the database still holds the
    same for it, the result would be the same and the cross-check is not run again (0.3–0.4 s
    of CPU on a whole-country load)."""
    summary = Summary()
    reference = reference or read_reference()
    async with write_transaction(exclusive=True):
        await load_reference(reference)
        found = await dependencies(bundle, lock=False)
        known = found.known(reference)
        problems = [] if known == checked else cross_check(bundle, known)
        if problems:
            raise Invalidated(problems)
        writer = Writer(author=author)
        await writer.prepare(found.ids)
        batches = [
            (kind, start, located[start : start + BATCH], len(located))
            for kind in fmt.CONTENT_TYPES
            for located in [list(bundle.items[kind].items())]
            for start in range(0, len(located), BATCH)
        ]
        # The next batch's Markdown is rendered, and its items hashed and dumped for their
        # revisions (Writer.work_ahead), in a thread while this one waits for the database (one
        # batch ahead, so the renderer's cache still holds it when it is written; a batch the
        # thread has not begun when its turn comes is left to the writer). Not after a batch
        # that wrote nothing: a load of unchanged content would render for nothing.
        # On PostgreSQL each COPY is sent ahead (models/sql.py, `writes_behind`): the next rows
        # are built while the database writes the last ones.
        with ThreadPoolExecutor(max_workers=1) as ahead:
            try:
                pending = ahead.submit(_work_ahead, writer, batches[0]) if batches else None
                async with writes_behind():
                    await _organisations(writer, bundle, summary)
                    await _areas(writer, bundle, summary)
                    wrote = True
                    for number, (kind, start, batch, of) in enumerate(batches):
                        if pending is not None:
                            pending.cancel()
                        if wrote and number + 1 < len(batches):
                            pending = ahead.submit(_work_ahead, writer, batches[number + 1])
                        before = summary.written()
                        await _items(writer, kind, batch, force, summary)
                        wrote = summary.written() > before
                        if progress:
                            progress(kind, start + len(batch), of)
            finally:
                ahead.shutdown(cancel_futures=True)
    if summary.changed:
        await refresh_planner_statistics()
    return summary


def _work_ahead(writer: Writer, batch: tuple[str, int, list[tuple[str, Located]], int]) -> None:
    kind, _, located, _ = batch
    items = [item.item for _, item in located]
    render_ahead(kind, items)
    writer.work_ahead([item for item in items if isinstance(item, fmt.Item)])


async def refresh_planner_statistics() -> None:
    """After a load, let the database plan with the new content's statistics. PostgreSQL's
    autovacuum gets there on its own, but only after a while, and SQLite never does; until then
    the read path's joins are planned as if the tables were empty (measured on PostgreSQL: 18 ms
    instead of 1 ms for one statement)."""
    await connections.get("default").execute_script("ANALYZE")


async def _organisations(writer: Writer, bundle: Bundle, summary: Summary) -> None:
    existing = await export_organisations(list(bundle.organisations))
    changes: list[tuple[fmt.Organisation, str, int | None]] = []
    for slug, located in bundle.organisations.items():
        organisation = located.item
        assert isinstance(organisation, fmt.Organisation)
        if slug not in existing:
            changes.append((organisation, located.document, None))
            summary.add("organisations", "created")
        elif existing[slug][1] != organisation or existing[slug][2] != located.document:
            changes.append((organisation, located.document, existing[slug][0]))
            summary.add("organisations", "updated")
        else:
            summary.add("organisations", "unchanged")
    await writer.organisations(changes)


async def _areas(writer: Writer, bundle: Bundle, summary: Summary) -> None:
    existing = await export_areas(list(bundle.areas))
    changes: list[tuple[fmt.Area, str, int | None]] = []
    for slug, located in bundle.areas.items():
        area = located.item
        assert isinstance(area, fmt.Area)
        if slug not in existing:
            changes.append((area, located.document, None))
            summary.add("areas", "created")
        elif existing[slug][1] != area or existing[slug][2] != located.document:
            changes.append((area, located.document, existing[slug][0]))
            summary.add("areas", "updated")
        else:
            summary.add("areas", "unchanged")
    await writer.areas(changes)


async def _items(writer: Writer, kind: str, batch: list[tuple[str, Located]], force: bool, summary: Summary) -> None:
    """Compare items of one kind with the database and write those that changed in the files."""
    existing = await EXPORTERS[kind]([slug for slug, _ in batch])
    writes: list[Write] = []
    rehashed: list[dict[str, Any]] = []
    for slug, located in batch:
        incoming = located.item
        assert isinstance(incoming, fmt.Item)
        stored = existing.get(slug)
        if stored is not None:
            current = comparable(stored.item, incoming)
            if current == incoming:
                seed_hash = writer.content_hash(incoming)
                if stored.seed_hash != seed_hash or stored.document != located.document:
                    rehashed.append({"id": stored.id, "seed_hash": seed_hash, "document": located.document})
                summary.add(kind, "unchanged")
                writer.ids[kind][slug] = stored.id
                continue
            if stored.seed_hash is not None and content_hash(current) != stored.seed_hash and not force:
                where = f"{located.file.display}:{located.file.line_of(located.path)}"
                summary.conflicts.append(Conflict(kind, slug, where))
                summary.add(kind, "conflict")
                writer.ids[kind][slug] = stored.id
                continue
        action = "updated" if stored else "created"
        writes.append(Write(incoming, located.document, stored, f"{action} from seed file {located.file.display}"))
        summary.add(kind, action)
    await Rows().update(MODELS[kind], rehashed)
    await writer.save_many(kind, writes)
