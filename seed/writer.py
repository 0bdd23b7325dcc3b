"""Writing validated content items with their revisions: the one writing code of the seed loader,
the editorial mutations and erasure.

Items of one type are written together, with a few statements per table however many there
are (a whole-country load, 6,380 items with 25,651 commitments, sends 331 statements in all on
PostgreSQL and 440 on SQLite, where saving item by item sent 142,000), and one item goes through
the same code as a thousand. The rows themselves go in as one COPY per table on PostgreSQL and
1,000-row VALUES lists on SQLite (seed/rows.py), and the search index is told which items are
new (`created`), so it does not look for their old documents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.models import Model

from models import (
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
    ContactMunicipality,
    FollowUpAuthor,
    FollowUpEntry,
    FollowUpEntryCommitment,
    FollowUpEntryResult,
    FollowUpRule,
    GovernanceBody,
    GovernanceBodyMember,
    Organisation,
    Person,
    PoliceUnit,
    PrintedRole,
    Revision,
    ServiceAgreementParty,
    ServicePoint,
    Signatory,
    Succession,
    TargetGroup,
)
from models.enums import PublicationStatus
from models.rendered import MARKDOWN, renderings
from models.sql import one_of, sql
from seed import format as fmt
from seed.changes import content_written
from seed.export import MODELS, Stored, content_hash
from seed.rows import Row, Rows

# Kept commitments move this far out of the way while a promise's commitments are reordered,
# so no intermediate state collides with the unique positions and document orders.
_REORDER = sql.raw("100000")

# The kinds of content other items refer to.
_REFERRED_CONTENT = ("contacts", "agreements", "citizen_promises")


class RevisionConflict(Exception):
    """The item's revision is no longer the one the write was based on."""

    def __init__(self, kind: str, slug: str, expected: int) -> None:
        super().__init__(f"{kind} '{slug}' is no longer at revision {expected}")
        self.kind = kind
        self.slug = slug
        self.expected = expected


@dataclass(frozen=True)
class Write:
    """One item to create (`stored` is None) or replace, and the summary of its revision.
    `expected_revision`: the revision the change was based on (editorial writes); None: any."""

    item: fmt.Item
    document: str
    stored: Stored | None
    summary: str
    expected_revision: int | None = None


@dataclass(frozen=True)
class _Written:
    id: int
    item: Any  # the kind's fmt model
    fresh: bool
    values: Row


class Writer:
    """Writes validated canonical items (seed.format) with their revisions. Use inside a
    transaction, after `prepare`.

    `from_files` says the item comes from a seed file; only then is it the new `seed_hash`, so a
    later load tells an API edit from a file edit and refuses to overwrite it silently."""

    def __init__(self, author: str, *, from_files: bool = True) -> None:
        self.author = author
        self.from_files = from_files
        self.now = datetime.now(UTC)
        # The last item written as stored (its revision snapshot), e.g. with a publication time.
        self.final: fmt.Item | None = None
        self.organisation_ids: dict[str, int] = {}
        self.police_unit_ids: dict[str, int] = {}
        self.area_ids: dict[str, int] = {}
        self.ids: dict[str, dict[str, int]] = {kind: {} for kind in fmt.CONTENT_TYPES}
        self.people: dict[str, dict[str, Any]] = {}
        # The ids of the commitments and targets of promises, by promise id and key: those this
        # writer wrote (all of each promise's) and those it read, so the follow-ups written
        # after them in the same transaction need not read them back.
        self.commitment_ids: dict[int, dict[str, int]] = {}
        self.target_ids: dict[int, dict[str, int]] = {}
        # Work done ahead (`work_ahead`, in another thread) for items about to be written: by
        # id(item), the item, its content hash and its snapshot if it is created.
        self.ahead: dict[int, tuple[Any, str, dict[str, Any]]] = {}

    async def prepare(self, ids: Mapping[str, Mapping[str, int]] | None = None) -> None:
        """Know the ids of what the items to write refer to: `ids` (seed.load.dependencies: by
        kind and slug, police_units, organisations, contacts, agreements, citizen_promises),
        or without it every such id in the database (erasure, which rewrites everything)."""
        if ids is None:
            ids = {
                "police_units": dict(await PoliceUnit.all().values_list("slug", "id")),
                "organisations": dict(await Organisation.all().values_list("slug", "id")),
                "areas": dict(await Area.all().values_list("slug", "id")),
                **{kind: dict(await MODELS[kind].all().values_list("slug", "id")) for kind in _REFERRED_CONTENT},
            }
        self.police_unit_ids = dict(ids["police_units"])
        self.organisation_ids = dict(ids["organisations"])
        self.area_ids = dict(ids.get("areas", {}))
        for kind in _REFERRED_CONTENT:
            self.ids[kind] = dict(ids[kind])

    async def organisations(self, organisations: Sequence[tuple[fmt.Organisation, str, int | None]]) -> None:
        """Create (id None) or update organisations, given with their document."""
        rows = Rows()
        new: list[Row] = []
        changed: list[Row] = []
        for organisation, document, organisation_id in organisations:
            values = {
                "kind": organisation.kind,
                "name": organisation.name,
                "municipality_id": organisation.municipality,
                "police_unit_id": self.police_unit_ids.get(organisation.police_unit or ""),
                "document": document,
            }
            if organisation_id is None:
                new.append({"slug": organisation.slug, **values})
            else:
                changed.append({"id": organisation_id, **values})
        await rows.insert(Organisation, new, ids=True)
        for row in new:
            self.organisation_ids[row["slug"]] = row["id"]
        await rows.update(Organisation, changed)
        # A municipality's contacts printed as a role only, once every organisation of the batch
        # (which they may name) has its id.
        await rows.delete(PrintedRole, "municipality_organisation_id", [row["id"] for row in changed])
        await rows.insert(
            PrintedRole,
            [
                {
                    "municipality_organisation_id": organisation_id or self.organisation_ids[organisation.slug],
                    "kind": "CONTACT",
                    "position": position,
                    "role": contact.role,
                    "organisation_id": self.organisation_ids.get(contact.organisation or ""),
                    "signed_on": None,
                    "place": None,
                }
                for organisation, _, organisation_id in organisations
                for position, contact in enumerate(organisation.contact_roles, start=1)
            ],
        )

    async def areas(self, areas: Sequence[tuple[fmt.Area, str, int | None]]) -> None:
        """Create (id None) or update areas, given with their document; parents are set after
        every area of the batch has its id, so a file may list a place before its stadsdel."""
        rows = Rows()
        new: list[Row] = []
        changed: list[Row] = []
        for area, document, area_id in areas:
            values = {"kind": area.kind, "name": area.name, "municipality_id": area.municipality, "document": document}
            if area_id is None:
                new.append({"slug": area.slug, "parent_id": None, **values})
            else:
                changed.append({"id": area_id, **values})
        await rows.insert(Area, new, ids=True)
        for row in new:
            self.area_ids[row["slug"]] = row["id"]
        await rows.update(Area, changed)
        await rows.update(
            Area,
            [
                {"id": self.area_ids[area.slug], "parent_id": self.area_ids[area.parent] if area.parent else None}
                for area, _, _ in areas
            ],
        )

    async def save(
        self,
        kind: str,
        item: fmt.Item,
        document: str,
        stored: Stored | None,
        *,
        summary: str,
        expected_revision: int | None = None,
    ) -> tuple[int, int]:
        """Create or replace one item; see `save_many`."""
        (saved,) = await self.save_many(kind, [Write(item, document, stored, summary, expected_revision)])
        return saved

    async def save_many(self, kind: str, writes: Sequence[Write]) -> list[tuple[int, int]]:
        """Create or replace items of one kind, tell `seed.changes`, and store their revisions;
        returns (id, revision) of each. Raises RevisionConflict when an item's
        `expected_revision` is not the stored one (the transaction must then be rolled back)."""
        if not writes:
            return []
        rows = Rows()
        now = datetime.now(UTC)
        items = [write.item for write in writes]
        await self._people(rows, kind, items)
        table = MODELS[kind]._meta.db_table
        values = [_rendered(table, await self._values(rows, kind, item)) for item in items]
        finals = []
        snapshots = []
        for write, row in zip(writes, values, strict=True):
            final, snapshot = self._common_values(write, row)
            finals.append(final)
            snapshots.append(snapshot)
        saved = await self._rows(rows, kind, writes, values, now)
        for write, (item_id, _) in zip(writes, saved, strict=True):
            self.ids[kind][write.item.slug] = item_id
        written = [
            _Written(item_id, write.item, write.stored is None, row)
            for write, (item_id, _), row in zip(writes, saved, values, strict=True)
        ]
        await getattr(self, f"_children_{kind}")(rows, written)
        await content_written(kind, [w.id for w in written], created=[w.id for w in written if w.fresh])
        await rows.insert(
            Revision,
            [
                {
                    "item_type": kind,
                    "item_slug": write.item.slug,
                    "number": revision,
                    "snapshot": snapshot,
                    "deleted": False,
                    "author": self.author,
                    "summary": write.summary[:500],
                    "created_at": now,
                }
                for write, snapshot, (_, revision) in zip(writes, snapshots, saved, strict=True)
            ],
        )
        self.final = finals[-1]
        return saved

    def work_ahead(self, items: Sequence[fmt.Item]) -> None:
        """Compute for items about to be written what `save_many` would (content hash, and the
        revision snapshot of an item created), where it finds them: the seed loader runs this
        in a thread for the next batch while this one waits for the database (a whole-country
        load hashes and dumps 5,800 items, about 0.7 s of CPU). Thread-safe in effect: each
        entry is one dictionary assignment, and the writer checks it is the item's."""
        for item in items:
            final = self._final(item, None)
            self.ahead[id(item)] = (item, content_hash(item), fmt.dump(final))

    def _ahead(self, item: fmt.Item) -> tuple[Any, str, dict[str, Any]] | None:
        """What `work_ahead` computed for the item, taken (None: it did not get to it)."""
        ahead = self.ahead.pop(id(item), None)
        return ahead if ahead is not None and ahead[0] is item else None

    def content_hash(self, item: fmt.Item) -> str:
        """The item's content hash: the one computed ahead, or computed now."""
        ahead = self._ahead(item)
        return ahead[1] if ahead else content_hash(item)

    def _final(self, item: fmt.Item, stored: Stored | None) -> fmt.Item:
        """The item as it will be stored: with its publication time, kept or set now."""
        published_at = item.published_at
        if published_at is None and stored is not None:
            published_at = getattr(stored.item, "published_at", None)
        if published_at is None and item.status == PublicationStatus.PUBLISHED:
            published_at = self.now
        return item.model_copy(update={"published_at": published_at})

    def _common_values(self, write: Write, values: Row) -> tuple[fmt.Item, dict[str, Any]]:
        """Add the fields every item has to `values`; returns the item as it will be stored and
        its revision snapshot."""
        item, stored = write.item, write.stored
        final = self._final(item, stored)
        published_at = final.published_at
        ahead = self._ahead(item)
        values.update(
            status=item.status,
            publish_at=item.publish_at,
            unpublish_at=item.unpublish_at,
            published_at=published_at,
            source_url=item.source_url,
            source_published_on=item.source_published_on,
            source_updated_on=item.source_updated_on,
            source_incomplete=item.source_incomplete,
            source_note=item.source_note,
            document=write.document,
        )
        if self.from_files:
            values["seed_hash"] = ahead[1] if ahead else content_hash(item)
        elif stored is None:
            # Not from a file: a later load of a file with this slug must see a database edit.
            values["seed_hash"] = ""
        # The revision snapshot is what is stored, including a publication time set here.
        return final, ahead[2] if ahead and stored is None else fmt.dump(final)

    async def _rows(
        self, rows: Rows, kind: str, writes: Sequence[Write], values: Sequence[Row], now: datetime
    ) -> list[tuple[int, int]]:
        model = MODELS[kind]
        revisions: dict[str, int] = {}
        new: list[Row] = []
        created = [write.item.slug for write in writes if write.stored is None]
        # A slug deleted before continues its history: the last revision is the delete's.
        earlier = (
            await rows.rows(
                sql(
                    'SELECT "item_slug" AS "slug", MAX("number") AS "number" FROM "revision"'
                    ' WHERE "item_type" = {} AND {} GROUP BY "item_slug"',
                    kind,
                    one_of('"item_slug"', created),
                )
            )
            if created
            else []
        )
        last = {str(row["slug"]): int(row["number"]) for row in earlier}
        for write, row in zip(writes, values, strict=True):
            if write.stored is None:
                slug = write.item.slug
                revisions[slug] = last.get(slug, 0) + 1
                new.append({"slug": slug, "revision": revisions[slug], "created_at": now, "updated_at": now, **row})
        await rows.insert(model, new, ids=True)
        ids = {row["slug"]: row["id"] for row in new}

        updates = [(write, row) for write, row in zip(writes, values, strict=True) if write.stored is not None]
        if updates:
            # Bump first, in one statement that takes the rows' locks: what it returns is the
            # revision this write makes, whatever another writer did before.
            table = model._meta.db_table
            bumped = await rows.rows(
                sql(
                    'UPDATE {} SET "revision" = "revision" + 1 WHERE {} RETURNING "id", "revision"',
                    sql.identifier(table),
                    one_of('"id"', [write.stored.id for write, _ in updates if write.stored]),
                )
            )
            numbers = {int(row["id"]): int(row["revision"]) for row in bumped}
            for write, _ in updates:
                assert write.stored is not None
                expected = write.expected_revision
                if expected is not None and numbers[write.stored.id] != expected + 1:
                    raise RevisionConflict(kind, write.item.slug, expected)
                ids[write.item.slug] = write.stored.id
                revisions[write.item.slug] = numbers[write.stored.id]
            await rows.update(
                model,
                [{"id": write.stored.id, "updated_at": now, **row} for write, row in updates if write.stored],
            )
        return [(ids[write.item.slug], revisions[write.item.slug]) for write in writes]

    async def _people(self, rows: Rows, kind: str, items: Sequence[Any]) -> None:
        """Create the people the items name, and give contacts' people the contacts' details."""
        people: list[tuple[str, str | None, str | None, bool]] = []
        if kind == "contacts":
            people = [(item.name, item.email, item.phone, True) for item in items]
        elif kind in ("agreements", "citizen_promises"):
            people = [
                (signatory.name, None, None, False)
                for item in items
                for signatory in item.signatories
                if signatory.name is not None
            ]
        elif kind == "follow_ups":
            people = [(item.author.name, None, None, False) for item in items if item.author and item.author.name]
        needed = [key for key in dict.fromkeys(fmt.person_key(name) for name, *_ in people) if key not in self.people]
        for found in await rows.select(Person, ("id", "key", "name", "email", "phone"), "key", needed):
            self.people[found["key"]] = found
        new: dict[str, None] = {}
        changed: dict[str, None] = {}
        for name, email, phone, contact in people:
            key = fmt.person_key(name)
            row = self.people.get(key)
            if row is None:
                self.people[key] = {"id": None, "key": key, "name": name, "email": email, "phone": phone}
                new[key] = None
            elif contact and (row["name"], row["email"], row["phone"]) != (name, email, phone):
                row.update(name=name, email=email, phone=phone)
                if key not in new:
                    changed[key] = None
        fields = ("key", "name", "email", "phone")
        # A concurrent write may create the same person first: theirs is the row (same key).
        await rows.insert(Person, [{name: self.people[key][name] for name in fields} for key in new], unique="key")
        for row in await rows.select(Person, ("key", "id"), "key", list(new)):
            self.people[row["key"]]["id"] = row["id"]
        await rows.update(Person, [{name: self.people[key][name] for name in ("id", *fields)} for key in changed])

    @staticmethod
    def _period(period: fmt.Period | None) -> Row:
        return {
            "period_start": period.start if period else None,
            "period_end": period.end if period else None,
            "period_label": period.label if period else None,
        }

    @staticmethod
    def _json(items: list[Any]) -> list[dict[str, Any]]:
        return [fmt.dump(entry) for entry in items]

    async def _values(self, rows: Rows, kind: str, item: Any) -> Row:
        """The item's own columns (those every item has are added by `_common_values`)."""
        if kind == "contacts":
            return {
                "role": item.role,
                "person_id": self.people[fmt.person_key(item.name)]["id"],
                "organisation_id": self.organisation_ids.get(item.organisation or ""),
            }
        if kind == "agreements":
            return {
                "title": item.title,
                "title_composed": item.title_composed,
                **self._period(item.period),
                "signed_on": item.signed_on,
                "signed_place": item.signed_place,
                "summary": item.summary,
                "sections": self._json(item.sections),
                "problem_areas": self._json(item.problem_areas),
                "links": self._json(item.links),
            }
        if kind == "citizen_promises":
            return {
                "title": item.title,
                "title_composed": item.title_composed,
                **self._period(item.period),
                "municipality_id": item.municipality,
                "agreement_id": self.ids["agreements"].get(item.agreement or ""),
                "area_id": self.area_ids[item.area] if item.area else None,
                "signed_on": item.signed_on,
                "summary": item.summary,
                "problem_picture": item.problem_picture,
                "sections": self._json(item.sections),
                "links": self._json(item.links),
            }
        if kind == "follow_ups":
            promise_id = self.ids["citizen_promises"].get(item.citizen_promise)
            if promise_id is None:
                promise_id = (await CitizenPromise.get(slug=item.citizen_promise)).id
                self.ids["citizen_promises"][item.citizen_promise] = promise_id
            return {
                "title": item.title,
                "title_composed": item.title_composed,
                "citizen_promise_id": promise_id,
                "year": item.year,
                "span": item.span,
                "span_number": item.span_number,
                **self._period(item.period),
                "summary": item.summary,
                "links": self._json(item.links),
            }
        assert kind == "service_agreements"
        return {
            "title": item.title,
            "title_composed": item.title_composed,
            "municipality_id": item.municipality,
            "provider": item.provider,
            "since": item.since,
            "since_label": item.since_label,
            "services": list(item.services),
            "summary": item.summary,
        }

    async def _children_contacts(self, rows: Rows, written: Sequence[_Written]) -> None:
        municipalities = [
            {"contact_id": w.id, "municipality_id": code, "position": position}
            for w in written
            for position, code in enumerate(w.item.municipalities, start=1)
        ]
        await _replace(rows, ContactMunicipality, "contact_id", written, municipalities)

    async def _children_agreements(self, rows: Rows, written: Sequence[_Written]) -> None:
        parties = [
            {"agreement_id": w.id, "organisation_id": self.organisation_ids[slug], "position": position}
            for w in written
            for position, slug in enumerate(w.item.parties, start=1)
        ]
        await _replace(rows, AgreementParty, "agreement_id", written, parties)
        await _replace(rows, Signatory, "agreement_id", written, self._signatories(written, "agreement_id"))
        await _replace(rows, PrintedRole, "agreement_id", written, self._printed_roles(written, "agreement_id"))
        await self._governance(rows, written)

    async def _governance(self, rows: Rows, written: Sequence[_Written]) -> None:
        """An agreement's bodies (parents once all have ids), their members, its follow-up rules."""
        await _replace(rows, FollowUpRule, "agreement_id", written, [])
        await _replace(rows, GovernanceBody, "agreement_id", written, [])
        bodies = [
            {
                "agreement_id": w.id,
                "key": body.key,
                "position": position,
                "name": body.name,
                "role": body.role,
                "meetings_per_year": body.meetings_per_year,
                "cadence": body.cadence,
            }
            for w in written
            for position, body in enumerate(w.item.bodies, start=1)
        ]
        await rows.insert(GovernanceBody, bodies, ids=True)
        ids = {(row["agreement_id"], row["key"]): row["id"] for row in bodies}
        await rows.update(
            GovernanceBody,
            [
                {"id": ids[(w.id, body.key)], "parent_id": ids[(w.id, body.parent)]}
                for w in written
                for body in w.item.bodies
                if body.parent
            ],
        )
        await rows.insert(
            GovernanceBodyMember,
            [
                {"body_id": ids[(w.id, body.key)], "organisation_id": self.organisation_ids[slug], "position": position}
                for w in written
                for body in w.item.bodies
                for position, slug in enumerate(body.members, start=1)
            ],
        )
        await rows.insert(
            FollowUpRule,
            [
                {
                    "agreement_id": w.id,
                    "position": position,
                    "form": rule.form,
                    "times_per_year": rule.times_per_year,
                    "responsible_id": ids[(w.id, rule.responsible)] if rule.responsible else None,
                    "at_meetings_of_id": ids[(w.id, rule.at_meetings_of)] if rule.at_meetings_of else None,
                    "reported_to": rule.reported_to,
                    "phrase": rule.phrase,
                }
                for w in written
                for position, rule in enumerate(w.item.follow_up_rules, start=1)
            ],
        )

    def _signatories(self, written: Sequence[_Written], parent: str) -> list[Row]:
        """The signatory rows of agreements or citizen promises (`parent` their column)."""
        return [
            {
                parent: w.id,
                "position": position,
                "person_id": self.people[fmt.person_key(signatory.name)]["id"],
                "title": signatory.title,
                "organisation_id": self.organisation_ids.get(signatory.organisation or ""),
                "signed_on": signatory.signed_on,
                "place": signatory.place,
            }
            for w in written
            for position, signatory in enumerate(w.item.signatories, start=1)
            if signatory.name is not None
        ]

    def _printed_roles(self, written: Sequence[_Written], parent: str) -> list[Row]:
        """The roles agreements or citizen promises print without a person: signatories with no
        name, numbered among the named ones so the printed order survives, and a promise's
        contact roles."""
        rows: list[Row] = [
            {
                parent: w.id,
                "kind": "SIGNATORY",
                "position": position,
                "role": signatory.title,
                "organisation_id": self.organisation_ids.get(signatory.organisation or ""),
                "signed_on": signatory.signed_on,
                "place": signatory.place,
            }
            for w in written
            for position, signatory in enumerate(w.item.signatories, start=1)
            if signatory.name is None
        ]
        rows += [
            {
                parent: w.id,
                "kind": "CONTACT",
                "position": position,
                "role": contact.role,
                "organisation_id": self.organisation_ids.get(contact.organisation or ""),
                "signed_on": None,
                "place": None,
            }
            for w in written
            for position, contact in enumerate(getattr(w.item, "contact_roles", ()), start=1)
        ]
        return rows

    async def _children_citizen_promises(self, rows: Rows, written: Sequence[_Written]) -> None:
        contacts = [
            {"citizen_promise_id": w.id, "contact_id": self.ids["contacts"][slug], "position": position}
            for w in written
            for position, slug in enumerate(w.item.contacts, start=1)
        ]
        await _replace(rows, CitizenPromiseContact, "citizen_promise_id", written, contacts)
        parties = [
            {"citizen_promise_id": w.id, "organisation_id": self.organisation_ids[slug], "position": position}
            for w in written
            for position, slug in enumerate(w.item.parties, start=1)
        ]
        await _replace(rows, CitizenPromiseParty, "citizen_promise_id", written, parties)
        await _replace(
            rows,
            CitizenPromiseSignatory,
            "citizen_promise_id",
            written,
            self._signatories(written, "citizen_promise_id"),
        )
        await _replace(
            rows, PrintedRole, "citizen_promise_id", written, self._printed_roles(written, "citizen_promise_id")
        )
        # A promise's target groups and its commitments', once the commitments have their ids.
        commitment_ids = await self._commitments(rows, written)
        groups = [
            {"citizen_promise_id": w.id, "commitment_id": commitment_id, "position": position, **fmt.dump(group)}
            for w in written
            for commitment_id, owned in [
                (None, w.item.target_groups),
                *((commitment_ids[(w.id, c.key)], c.target_groups) for c in w.item.commitments if c.target_groups),
            ]
            for position, group in enumerate(owned, start=1)
        ]
        await _replace(rows, TargetGroup, "citizen_promise_id", written, _full_groups(groups))
        # Succession links of a promise and of its commitments (both ids set for the latter).
        links = [
            _succession_row(link, position, citizen_promise_id=w.id, commitment_id=commitment_id)
            for w in written
            for commitment_id, owned in [
                (None, w.item.succession),
                *((commitment_ids[(w.id, c.key)], c.succession) for c in w.item.commitments if c.succession),
            ]
            for position, link in enumerate(owned, start=1)
        ]
        await _replace(rows, Succession, "citizen_promise_id", written, links)

    async def _commitments(self, rows: Rows, written: Sequence[_Written]) -> dict[tuple[int, str], int]:
        """A promise's commitments become those of the item; kept ones (same key) keep their id,
        so follow-ups that report on them stay linked. Returns their ids by (promise id, key)."""
        wanted: dict[int, list[Row]] = {}
        for w in written:
            positions: Counter[str] = Counter()
            wanted[w.id] = []
            for order, commitment in enumerate(w.item.commitments, start=1):
                positions[commitment.actor] += 1
                wanted[w.id].append(
                    {
                        "key": commitment.key,
                        "actor": commitment.actor,
                        "actor_label": commitment.actor_label,
                        "number": commitment.number,
                        "text": commitment.text,
                        "position": positions[commitment.actor],
                        "document_order": order,
                        "area_id": self.area_ids[commitment.area] if commitment.area else None,
                    }
                )
        replaced = [w.id for w in written if not w.fresh]
        existing: dict[tuple[int, str], int] = {}
        if replaced:
            existing = await _commitment_ids(rows, replaced)
            keys = {(promise_id, row["key"]) for promise_id, group in wanted.items() for row in group}
            await rows.delete(Commitment, "id", [c_id for key, c_id in existing.items() if key not in keys])
            await rows.rows(
                sql(
                    'UPDATE "commitment" SET "position" = "position" + {}, "document_order" = "document_order" + {}'
                    " WHERE {}",
                    _REORDER,
                    _REORDER,
                    one_of('"citizen_promise_id"', replaced),
                )
            )
            await rows.update(
                Commitment,
                [
                    {"id": existing[(promise_id, row["key"])], **row}
                    for promise_id, group in wanted.items()
                    for row in group
                    if (promise_id, row["key"]) in existing
                ],
            )
        new = [
            {"citizen_promise_id": promise_id, **row}
            for promise_id, group in wanted.items()
            for row in group
            if (promise_id, row["key"]) not in existing
        ]
        await rows.insert(Commitment, new, ids=True)
        ids = {
            key: existing[key]
            for key in ((p, row["key"]) for p, group in wanted.items() for row in group)
            if key in existing
        }
        ids.update(((row["citizen_promise_id"], row["key"]), row["id"]) for row in new)
        for promise_id, group in wanted.items():
            self.commitment_ids[promise_id] = {row["key"]: ids[(promise_id, row["key"])] for row in group}
        # Parents once every commitment has its id (a statement may stand after its activities);
        # a new promise's commitments without a parent have none already, so a whole-country load
        # sends no statement for them.
        await rows.update(
            Commitment,
            [
                {"id": ids[(w.id, c.key)], "parent_id": ids[(w.id, c.parent)] if c.parent else None}
                for w in written
                for c in w.item.commitments
                if c.parent or not w.fresh
            ],
        )
        if replaced:
            for model in (CommitmentTopic, CommitmentPartner, CommitmentPerformer):
                await rows.rows(
                    sql(
                        'DELETE FROM {} WHERE "commitment_id" IN (SELECT "id" FROM "commitment" WHERE {})',
                        sql.identifier(model._meta.db_table),
                        one_of('"citizen_promise_id"', replaced),
                    )
                )
        await rows.insert(
            CommitmentTopic,
            [
                {"commitment_id": ids[(w.id, c.key)], "topic_id": topic, "position": position}
                for w in written
                for c in w.item.commitments
                for position, topic in enumerate(c.topics, start=1)
            ],
        )
        await rows.insert(
            CommitmentPartner,
            [
                {
                    "commitment_id": ids[(w.id, c.key)],
                    "organisation_id": self.organisation_ids[slug],
                    "position": position,
                }
                for w in written
                for c in w.item.commitments
                for position, slug in enumerate(c.partners, start=1)
            ],
        )
        await rows.insert(
            CommitmentPerformer,
            [
                {
                    "commitment_id": ids[(w.id, c.key)],
                    "organisation_id": self.organisation_ids[slug],
                    "position": position,
                }
                for w in written
                for c in w.item.commitments
                for position, slug in enumerate(c.performed_by, start=1)
            ],
        )
        await self._targets(rows, written, ids, bool(replaced))
        return ids

    async def _targets(
        self, rows: Rows, written: Sequence[_Written], ids: dict[tuple[int, str], int], replaced: bool
    ) -> None:
        """A commitment's targets become those of the item; kept ones (same commitment and key)
        keep their id, so follow-up results that report on them stay linked."""
        wanted = {
            (ids[(w.id, c.key)], target.key): {
                "position": position,
                "quantity": target.quantity,
                "qualifier": target.qualifier,
                "counted": target.counted,
                "interval": target.interval,
                "deadline": target.deadline,
                "phrase": target.phrase,
            }
            for w in written
            for c in w.item.commitments
            for position, target in enumerate(c.targets, start=1)
        }
        existing: dict[tuple[int, str], int] = {}
        if replaced:
            commitment_ids = list(ids.values())
            found = await rows.select(CommitmentTarget, ("commitment_id", "key", "id"), "commitment_id", commitment_ids)
            existing = {(row["commitment_id"], row["key"]): row["id"] for row in found}
            await rows.delete(CommitmentTarget, "id", [t_id for key, t_id in existing.items() if key not in wanted])
            if commitment_ids:
                await rows.rows(
                    sql(
                        'UPDATE "commitment_target" SET "position" = "position" + {} WHERE {}',
                        _REORDER,
                        one_of('"commitment_id"', commitment_ids),
                    )
                )
            await rows.update(
                CommitmentTarget, [{"id": existing[key], **row} for key, row in wanted.items() if key in existing]
            )
        new = [
            {"commitment_id": commitment_id, "key": key, **row}
            for (commitment_id, key), row in wanted.items()
            if (commitment_id, key) not in existing
        ]
        await rows.insert(CommitmentTarget, new, ids=True)
        promise_of = {ids[(w.id, c.key)]: w.id for w in written for c in w.item.commitments}
        for w in written:
            self.target_ids[w.id] = {}
        for key, target_id in existing.items():
            if key in wanted:
                self.target_ids[promise_of[key[0]]][key[1]] = target_id
        for row in new:
            self.target_ids[promise_of[row["commitment_id"]]][row["key"]] = row["id"]

    async def _children_follow_ups(self, rows: Rows, written: Sequence[_Written]) -> None:
        entries = [
            _rendered(
                "follow_up_entry",
                {
                    "follow_up_id": w.id,
                    "position": position,
                    "narrative": entry.narrative,
                    "assessment": entry.assessment,
                    "actor": entry.actor,
                    "heading": entry.heading,
                },
            )
            for w in written
            for position, entry in enumerate(w.item.entries, start=1)
        ]
        await _replace(rows, FollowUpEntry, "follow_up_id", written, entries, ids=True)
        entry_ids = {(row["follow_up_id"], row["position"]): row["id"] for row in entries}
        authors = [
            {
                "follow_up_id": w.id,
                "person_id": self.people[fmt.person_key(w.item.author.name)]["id"],
                "title": w.item.author.title,
                "organisation_id": self.organisation_ids.get(w.item.author.organisation or ""),
                "signed_on": w.item.author.signed_on,
                "place": w.item.author.place,
            }
            for w in written
            if w.item.author and w.item.author.name is not None
        ]
        await _replace(rows, FollowUpAuthor, "follow_up_id", written, authors)
        # An author printed as a role only, no person: printed_role AUTHOR, one per follow-up.
        author_roles = [
            {
                "follow_up_id": w.id,
                "kind": "AUTHOR",
                "position": 1,
                "role": w.item.author.title,
                "organisation_id": self.organisation_ids.get(w.item.author.organisation or ""),
                "signed_on": w.item.author.signed_on,
                "place": w.item.author.place,
            }
            for w in written
            if w.item.author and w.item.author.name is None
        ]
        await _replace(rows, PrintedRole, "follow_up_id", written, author_roles)
        announced = [
            _succession_row(link, position, follow_up_id=w.id)
            for w in written
            for position, link in enumerate(w.item.succession, start=1)
        ]
        await _replace(rows, Succession, "follow_up_id", written, announced)
        promise_ids = [w.values["citizen_promise_id"] for w in written]
        commitment_ids = await self._known(rows, self.commitment_ids, _commitment_ids, promise_ids)
        links = [
            {
                "entry_id": entry_ids[(w.id, e_position)],
                "commitment_id": commitment_ids[(w.values["citizen_promise_id"], key)],
                "position": position,
            }
            for w in written
            for e_position, entry in enumerate(w.item.entries, start=1)
            for position, key in enumerate(entry.commitments, start=1)
        ]
        await rows.insert(FollowUpEntryCommitment, links)
        target_ids = await self._known(rows, self.target_ids, promise_targets, promise_ids)
        await rows.insert(
            FollowUpEntryResult,
            [
                {
                    "entry_id": entry_ids[(w.id, e_position)],
                    "position": position,
                    "quantity": result.quantity,
                    "approximate": result.approximate,
                    "counted": result.counted,
                    "interval": result.interval,
                    **self._period(result.period),
                    "phrase": result.phrase,
                    "target_id": target_ids[(w.values["citizen_promise_id"], result.target)] if result.target else None,
                }
                for w in written
                for e_position, entry in enumerate(w.item.entries, start=1)
                for position, result in enumerate(entry.results, start=1)
            ],
        )

    @staticmethod
    async def _known(
        rows: Rows,
        known: dict[int, dict[str, int]],
        read: Callable[[Rows, Sequence[int]], Awaitable[dict[tuple[int, str], int]]],
        promise_ids: Sequence[int],
    ) -> dict[tuple[int, str], int]:
        """The ids (of commitments or targets, `known` by promise and key) of the promises'
        items by (promise id, key); those of promises not known yet are read (`read`)."""
        missing = [promise_id for promise_id in dict.fromkeys(promise_ids) if promise_id not in known]
        for promise_id in missing:
            known[promise_id] = {}
        for (promise_id, key), item_id in (await read(rows, missing)).items():
            known[promise_id][key] = item_id
        wanted = dict.fromkeys(promise_ids)
        return {(promise_id, key): item_id for promise_id in wanted for key, item_id in known[promise_id].items()}

    async def _children_service_agreements(self, rows: Rows, written: Sequence[_Written]) -> None:
        parties = [
            {"service_agreement_id": w.id, "organisation_id": self.organisation_ids[slug], "position": position}
            for w in written
            for position, slug in enumerate(w.item.parties, start=1)
        ]
        await _replace(rows, ServiceAgreementParty, "service_agreement_id", written, parties)
        points = [
            {
                "service_agreement_id": w.id,
                "key": point.key,
                "position": position,
                "name": point.name,
                "kind": point.kind,
                "address": point.address,
                "area_id": self.area_ids[point.area] if point.area else None,
                "opening_hours_text": point.opening_hours_text,
                "opening_hours": point.opening_hours,
                "valid_from": point.valid_from,
                "valid_until": point.valid_until,
                "note": point.note,
            }
            for w in written
            for position, point in enumerate(w.item.points, start=1)
        ]
        await _replace(rows, ServicePoint, "service_agreement_id", written, points)


def _succession_row(
    link: fmt.Succession,
    position: int,
    *,
    citizen_promise_id: int | None = None,
    commitment_id: int | None = None,
    follow_up_id: int | None = None,
) -> Row:
    slug, _, key = link.target.partition("#")
    return {
        "citizen_promise_id": citizen_promise_id,
        "commitment_id": commitment_id,
        "follow_up_id": follow_up_id,
        "position": position,
        "kind": link.kind,
        "target_slug": slug,
        "target_key": key or None,
        "reference": link.reference,
    }


def render_ahead(kind: str, items: Sequence[Any]) -> None:
    """Render the Markdown of items of `kind` that are about to be written, as `save_many` will,
    so that it finds the renderings in the renderer's cache (models/text.py). The loader runs it
    in a thread for the next batch while this one waits for the database (a whole-country load
    renders for about 1 s of CPU)."""
    table = MODELS[kind]._meta.db_table
    names = MARKDOWN.get(table, ())
    for item in items:
        if names:
            renderings(table, {name: _markdown_value(getattr(item, name)) for name in names})
        for entry in getattr(item, "entries", ()) if kind == "follow_ups" else ():
            renderings("follow_up_entry", {"narrative": entry.narrative})


def _markdown_value(value: Any) -> Any:
    """A Markdown field as `renderings` takes it: sections as dicts with their body."""
    if isinstance(value, list):
        return [{"body": section.body} for section in value]
    return value


def _rendered(table: str, row: Row) -> Row:
    """The row with the renderings of its Markdown (models/rendered.py), where it has any."""
    if table in MARKDOWN:
        row.update(renderings(table, row))
    return row


def _full_groups(groups: list[Row]) -> list[Row]:
    """Every row with every column (Rows.insert wants the same fields in each)."""
    return [{"age_from": None, "age_to": None, "school_year": None, **group} for group in groups]


async def _replace(
    rows: Rows, model: type[Model], parent: str, written: Sequence[_Written], new: list[Row], *, ids: bool = False
) -> None:
    """The rows of `model` under the written items become `new` (`ids`: each given its id)."""
    await rows.delete(model, parent, [w.id for w in written if not w.fresh])
    await rows.insert(model, new, ids=ids)


async def _commitment_ids(rows: Rows, promise_ids: Sequence[int]) -> dict[tuple[int, str], int]:
    """The id of every commitment of the promises, by (promise id, key)."""
    found = await rows.select(Commitment, ("citizen_promise_id", "key", "id"), "citizen_promise_id", promise_ids)
    return {(row["citizen_promise_id"], row["key"]): row["id"] for row in found}


async def promise_targets(rows: Rows, promise_ids: Sequence[int]) -> dict[tuple[int, str], int]:
    """The id of every target of the promises, by (promise id, target key)."""
    if not promise_ids:
        return {}
    found = await rows.rows(
        sql(
            'SELECT c."citizen_promise_id" AS "promise", t."key" AS "key", t."id" AS "id" FROM "commitment_target" t'
            ' JOIN "commitment" c ON c."id" = t."commitment_id" WHERE {}',
            one_of('c."citizen_promise_id"', promise_ids),
        )
    )
    return {(row["promise"], row["key"]): row["id"] for row in found}
