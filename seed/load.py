"""Putting validated seed content into the database: one transaction, idempotent, conflict-aware."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from tortoise.expressions import F
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models import (
    Agreement,
    AgreementParty,
    CitizenPromise,
    CitizenPromiseContact,
    Commitment,
    CommitmentPartner,
    CommitmentTopic,
    Contact,
    ContactMunicipality,
    FollowUpEntry,
    FollowUpEntryCommitment,
    Organisation,
    Person,
    PoliceUnit,
    Revision,
    ServiceAgreementParty,
    Signatory,
)
from models.enums import PublicationStatus
from seed import format as fmt
from seed.changes import content_written
from seed.export import EXPORTERS, MODELS, Stored, content_hash, export_organisations
from seed.reference import ReferenceData, load_reference, read_reference
from seed.validate import Bundle, Known, Located

KIND_LABELS = {
    "organisations": "organisations",
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


async def known_data(reference: ReferenceData | None = None) -> Known:
    """What files may refer to: reference data from the project, content from the database."""
    reference = reference or read_reference()
    promises = await CitizenPromise.all().values_list("id", "slug")
    keys: dict[str, set[str]] = {slug: set() for _, slug in promises}
    slug_by_id = dict(promises)
    for promise_id, key in await Commitment.all().values_list("citizen_promise_id", "key"):
        keys[slug_by_id[promise_id]].add(key)
    return Known(
        municipalities=frozenset(row["kommunkod"] for row in reference.municipalities),
        police_units=frozenset(unit.slug for unit in reference.police_units) | await _slugs(PoliceUnit),
        topics=frozenset(topic.key for topic in reference.topics),
        organisations=await _slugs(Organisation),
        agreements=await _slugs(Agreement),
        contacts=await _slugs(Contact),
        commitment_keys={slug: frozenset(k) for slug, k in keys.items()},
    )


async def _slugs(model: type[Model]) -> frozenset[str]:
    return frozenset(str(slug) for slug in await model.all().values_list("slug", flat=True))


def comparable(stored: BaseModel, incoming: BaseModel) -> BaseModel:
    """The stored item as the file would write it: a file without published_at keeps ours."""
    if getattr(incoming, "published_at", None) is None and getattr(stored, "published_at", None) is not None:
        return stored.model_copy(update={"published_at": None})
    return stored


async def _bulk(model: type[Model], objects: Iterable[Model]) -> None:
    rows = list(objects)
    if rows:
        await model.bulk_create(rows)


ProgressCallback = Callable[[str, int, int], None]


async def load_bundle(
    bundle: Bundle,
    *,
    force: bool = False,
    author: str = "seed",
    progress: ProgressCallback | None = None,
    reference: ReferenceData | None = None,
) -> Summary:
    summary = Summary()
    async with in_transaction():
        await load_reference(reference)
        writer = Writer(author=author)
        await writer.prepare()
        await writer.organisations(bundle, summary)
        for kind in fmt.CONTENT_TYPES:
            located_items = bundle.items[kind]
            existing = await EXPORTERS[kind](list(located_items))
            for done, (slug, located) in enumerate(located_items.items(), start=1):
                await writer.item(kind, slug, located, existing.get(slug), force, summary)
                if progress:
                    progress(kind, done, len(located_items))
    return summary


class RevisionConflict(Exception):
    """The item's revision is no longer the one the write was based on."""

    def __init__(self, kind: str, slug: str, expected: int) -> None:
        super().__init__(f"{kind} '{slug}' is no longer at revision {expected}")
        self.kind = kind
        self.slug = slug
        self.expected = expected


class Writer:
    """Writes validated canonical items (seed.format) with their revisions: the one writing code
    of the seed loader and of the editorial mutations. Use inside a transaction, after `prepare`.

    `from_files` says the item comes from a seed file; only then is it the new `seed_hash`, so a
    later load tells an API edit from a file edit and refuses to overwrite it silently."""

    def __init__(self, author: str, *, from_files: bool = True) -> None:
        self.author = author
        self.from_files = from_files
        self.now = datetime.now(UTC)
        # The revision an update must start from (editorial writes); None: the stored one.
        self.expected_revision: int | None = None
        self.final: fmt.Item | None = None
        # The last revision number of deleted items, so a re-created item continues its history.
        self.deleted_revisions: dict[tuple[str, str], int] = {}
        self.organisation_ids: dict[str, int] = {}
        self.police_unit_ids: dict[str, int] = {}
        self.ids: dict[str, dict[str, int]] = {kind: {} for kind in fmt.CONTENT_TYPES}
        self.people: dict[str, dict[str, Any]] = {}

    async def prepare(self) -> None:
        self.police_unit_ids = dict(await PoliceUnit.all().values_list("slug", "id"))
        self.organisation_ids = dict(await Organisation.all().values_list("slug", "id"))
        for kind in ("contacts", "agreements", "citizen_promises"):
            self.ids[kind] = dict(await MODELS[kind].all().values_list("slug", "id"))
        for row in await Person.all().values("id", "key", "name", "email", "phone"):
            self.people[row["key"]] = row
        for kind, slug, number in await Revision.filter(deleted=True).values_list("item_type", "item_slug", "number"):
            key = (str(kind), str(slug))
            self.deleted_revisions[key] = max(int(number), self.deleted_revisions.get(key, 0))

    async def organisations(self, bundle: Bundle, summary: Summary) -> None:
        existing = await export_organisations(list(bundle.organisations))
        for slug, located in bundle.organisations.items():
            organisation = located.item
            assert isinstance(organisation, fmt.Organisation)
            values: dict[str, Any] = {
                "kind": organisation.kind,
                "name": organisation.name,
                "municipality_id": organisation.municipality,
                "police_unit_id": self.police_unit_ids.get(organisation.police_unit or ""),
                "document": located.document,
            }
            if slug not in existing:
                created = await Organisation.create(slug=slug, **values)
                self.organisation_ids[slug] = created.id
                summary.add("organisations", "created")
            elif existing[slug][1] != organisation or existing[slug][2] != located.document:
                await Organisation.filter(slug=slug).update(**values)
                summary.add("organisations", "updated")
            else:
                summary.add("organisations", "unchanged")

    async def person(self, name: str, email: str | None = None, phone: str | None = None, *, contact: bool) -> int:
        key = fmt.person_key(name)
        row = self.people.get(key)
        if row is None:
            person = await Person.create(key=key, name=name, email=email, phone=phone)
            row = {"id": person.id, "key": key, "name": name, "email": email, "phone": phone}
            self.people[key] = row
        elif contact and (row["name"], row["email"], row["phone"]) != (name, email, phone):
            await Person.filter(id=row["id"]).update(name=name, email=email, phone=phone)
            row.update(name=name, email=email, phone=phone)
        return int(row["id"])

    async def item(
        self, kind: str, slug: str, located: Located, stored: Stored | None, force: bool, summary: Summary
    ) -> None:
        incoming = located.item
        assert isinstance(incoming, fmt.Item)
        if stored is not None:
            current = comparable(stored.item, incoming)
            if current == incoming:
                if stored.seed_hash != content_hash(incoming) or stored.document != located.document:
                    await (
                        MODELS[kind]
                        .filter(id=stored.id)
                        .update(seed_hash=content_hash(incoming), document=located.document)
                    )
                summary.add(kind, "unchanged")
                self.ids[kind][slug] = stored.id
                return
            if stored.seed_hash is not None and content_hash(current) != stored.seed_hash and not force:
                where = f"{located.file.display}:{located.file.line_of(located.path)}"
                summary.conflicts.append(Conflict(kind, slug, where))
                summary.add(kind, "conflict")
                self.ids[kind][slug] = stored.id
                return
        await self.save(
            kind,
            incoming,
            located.document,
            stored,
            summary=f"{'updated' if stored else 'created'} from seed file {located.file.display}",
        )
        summary.add(kind, "updated" if stored else "created")

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
        """Create or replace one item, tell `seed.changes`, and store the revision; returns
        (id, revision). Raises RevisionConflict when `expected_revision` is not the stored one."""
        self.expected_revision = expected_revision
        self.final = None
        item_id, revision = await getattr(self, f"_save_{kind}")(item, document, stored)
        self.ids[kind][item.slug] = item_id
        await content_written(kind, [item_id])
        snapshot = self.final or item
        await Revision.create(
            item_type=kind,
            item_slug=item.slug,
            number=revision,
            snapshot=fmt.dump(snapshot),
            author=self.author,
            summary=summary[:500],
        )
        return item_id, revision

    async def _save_row(
        self, kind: str, item: fmt.Item, document: str, stored: Stored | None, values: dict[str, Any]
    ) -> tuple[int, int]:
        model = MODELS[kind]
        published_at = item.published_at
        if published_at is None and stored is not None:
            published_at = getattr(stored.item, "published_at", None)
        if published_at is None and item.status == PublicationStatus.PUBLISHED:
            published_at = self.now
        values = {
            **values,
            "status": item.status,
            "publish_at": item.publish_at,
            "unpublish_at": item.unpublish_at,
            "published_at": published_at,
            "source_url": item.source_url,
            "source_published_on": item.source_published_on,
            "source_updated_on": item.source_updated_on,
            "document": document,
        }
        if self.from_files:
            values["seed_hash"] = content_hash(item)
        elif stored is None:
            # Not from a file: a later load of a file with this slug must see a database edit.
            values["seed_hash"] = ""
        # The revision snapshot is what is stored, including a publication time set here.
        self.final = item.model_copy(update={"published_at": published_at})
        if stored is None:
            revision = self.deleted_revisions.pop((kind, item.slug), 0) + 1
            row = await model.create(slug=item.slug, revision=revision, **values)
            return int(row.pk), revision
        row = await model.get(id=stored.id)
        expected = self.expected_revision
        if expected is None:
            expected = int(row.revision)  # type: ignore[attr-defined]
        # Check and bump in one statement: of two writers starting from the same revision,
        # exactly one matches the row; the other changes nothing and is told so.
        if not await model.filter(id=stored.id, revision=expected).update(revision=expected + 1):
            raise RevisionConflict(kind, item.slug, expected)
        row.update_from_dict({**values, "revision": expected + 1})
        await row.save()
        return stored.id, expected + 1

    @staticmethod
    def _period(period: fmt.Period | None) -> dict[str, Any]:
        return {
            "period_start": period.start if period else None,
            "period_end": period.end if period else None,
            "period_label": period.label if period else None,
        }

    @staticmethod
    def _json(items: list[Any]) -> list[dict[str, Any]]:
        return [fmt.dump(entry) for entry in items]

    async def _save_contacts(self, item: fmt.Contact, document: str, stored: Stored | None) -> tuple[int, int]:
        person_id = await self.person(item.name, item.email, item.phone, contact=True)
        values = {
            "role": item.role,
            "person_id": person_id,
            "organisation_id": self.organisation_ids.get(item.organisation or ""),
        }
        item_id, revision = await self._save_row("contacts", item, document, stored, values)
        await ContactMunicipality.filter(contact_id=item_id).delete()
        await _bulk(
            ContactMunicipality,
            [
                ContactMunicipality(contact_id=item_id, municipality_id=code, position=position)
                for position, code in enumerate(item.municipalities, start=1)
            ],
        )
        return item_id, revision

    async def _save_agreements(self, item: fmt.Agreement, document: str, stored: Stored | None) -> tuple[int, int]:
        values = {
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
        item_id, revision = await self._save_row("agreements", item, document, stored, values)
        await AgreementParty.filter(agreement_id=item_id).delete()
        await _bulk(
            AgreementParty,
            [
                AgreementParty(agreement_id=item_id, organisation_id=self.organisation_ids[slug], position=position)
                for position, slug in enumerate(item.parties, start=1)
            ],
        )
        await Signatory.filter(agreement_id=item_id).delete()
        signatories = []
        for position, signatory in enumerate(item.signatories, start=1):
            signatories.append(
                Signatory(
                    agreement_id=item_id,
                    position=position,
                    person_id=await self.person(signatory.name, contact=False),
                    title=signatory.title,
                    organisation_id=self.organisation_ids.get(signatory.organisation or ""),
                    signed_on=signatory.signed_on,
                    place=signatory.place,
                )
            )
        await _bulk(Signatory, signatories)
        return item_id, revision

    async def _save_citizen_promises(
        self, item: fmt.CitizenPromise, document: str, stored: Stored | None
    ) -> tuple[int, int]:
        values = {
            "title": item.title,
            "title_composed": item.title_composed,
            **self._period(item.period),
            "municipality_id": item.municipality,
            "agreement_id": self.ids["agreements"].get(item.agreement or ""),
            "summary": item.summary,
            "problem_picture": item.problem_picture,
            "sections": self._json(item.sections),
            "links": self._json(item.links),
        }
        item_id, revision = await self._save_row("citizen_promises", item, document, stored, values)
        await CitizenPromiseContact.filter(citizen_promise_id=item_id).delete()
        await _bulk(
            CitizenPromiseContact,
            [
                CitizenPromiseContact(
                    citizen_promise_id=item_id, contact_id=self.ids["contacts"][slug], position=position
                )
                for position, slug in enumerate(item.contacts, start=1)
            ],
        )
        await self._save_commitments(item_id, item.commitments, fresh=stored is None)
        return item_id, revision

    async def _save_commitments(self, promise_id: int, commitments: list[fmt.Commitment], *, fresh: bool) -> None:
        positions: Counter[str] = Counter()
        rows = []
        for order, commitment in enumerate(commitments, start=1):
            positions[commitment.actor] += 1
            rows.append(
                {
                    "key": commitment.key,
                    "actor": commitment.actor,
                    "actor_label": commitment.actor_label,
                    "text": commitment.text,
                    "position": positions[commitment.actor],
                    "document_order": order,
                }
            )
        existing: dict[str, int] = {}
        if not fresh:
            existing = dict(await Commitment.filter(citizen_promise_id=promise_id).values_list("key", "id"))
            gone = [commitment_id for key, commitment_id in existing.items() if key not in {r["key"] for r in rows}]
            if gone:
                await Commitment.filter(id__in=gone).delete()
            # Move kept rows out of the way so reordering never collides with the unique orders.
            await Commitment.filter(citizen_promise_id=promise_id).update(
                position=F("position") + 100_000, document_order=F("document_order") + 100_000
            )
            for row in rows:
                if row["key"] in existing:
                    await Commitment.filter(id=existing[row["key"]]).update(**row)
        new_rows = [Commitment(citizen_promise_id=promise_id, **row) for row in rows if row["key"] not in existing]
        await _bulk(Commitment, new_rows)
        ids = dict(await Commitment.filter(citizen_promise_id=promise_id).values_list("key", "id"))
        if not fresh:
            await CommitmentTopic.filter(commitment_id__in=list(ids.values())).delete()
            await CommitmentPartner.filter(commitment_id__in=list(ids.values())).delete()
        topics = [
            CommitmentTopic(commitment_id=ids[c.key], topic_id=topic, position=position)
            for c in commitments
            for position, topic in enumerate(c.topics, start=1)
        ]
        partners = [
            CommitmentPartner(commitment_id=ids[c.key], organisation_id=self.organisation_ids[slug], position=position)
            for c in commitments
            for position, slug in enumerate(c.partners, start=1)
        ]
        await _bulk(CommitmentTopic, topics)
        await _bulk(CommitmentPartner, partners)

    async def _save_follow_ups(self, item: fmt.FollowUp, document: str, stored: Stored | None) -> tuple[int, int]:
        promise_id = self.ids["citizen_promises"].get(item.citizen_promise)
        if promise_id is None:
            promise_id = (await CitizenPromise.get(slug=item.citizen_promise)).id
        values = {
            "title": item.title,
            "title_composed": item.title_composed,
            "citizen_promise_id": promise_id,
            "year": item.year,
            **self._period(item.period),
            "summary": item.summary,
            "links": self._json(item.links),
        }
        item_id, revision = await self._save_row("follow_ups", item, document, stored, values)
        await FollowUpEntry.filter(follow_up_id=item_id).delete()
        await _bulk(
            FollowUpEntry,
            [
                FollowUpEntry(
                    follow_up_id=item_id,
                    position=position,
                    narrative=entry.narrative,
                    assessment=entry.assessment,
                )
                for position, entry in enumerate(item.entries, start=1)
            ],
        )
        entry_ids = dict(await FollowUpEntry.filter(follow_up_id=item_id).values_list("position", "id"))
        commitment_ids = dict(await Commitment.filter(citizen_promise_id=promise_id).values_list("key", "id"))
        links = [
            FollowUpEntryCommitment(
                entry_id=entry_ids[e_position], commitment_id=commitment_ids[key], position=position
            )
            for e_position, entry in enumerate(item.entries, start=1)
            for position, key in enumerate(entry.commitments, start=1)
        ]
        await _bulk(FollowUpEntryCommitment, links)
        return item_id, revision

    async def _save_service_agreements(
        self, item: fmt.ServiceAgreement, document: str, stored: Stored | None
    ) -> tuple[int, int]:
        values = {
            "title": item.title,
            "title_composed": item.title_composed,
            "municipality_id": item.municipality,
            "provider": item.provider,
            "since": item.since,
            "since_label": item.since_label,
            "services": list(item.services),
            "summary": item.summary,
        }
        item_id, revision = await self._save_row("service_agreements", item, document, stored, values)
        await ServiceAgreementParty.filter(service_agreement_id=item_id).delete()
        await _bulk(
            ServiceAgreementParty,
            [
                ServiceAgreementParty(
                    service_agreement_id=item_id,
                    organisation_id=self.organisation_ids[slug],
                    position=position,
                )
                for position, slug in enumerate(item.parties, start=1)
            ],
        )
        return item_id, revision
