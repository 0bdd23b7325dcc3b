"""Erasing a person: name, e-mail and phone leave current content, every revision and so every
export, pending revisions and review comments (models/editorial.py, `Review`), and the activity
log (its messages and token names; entries and slugs are renamed with the items); an Erasure
row records that it happened and how many items changed, never what. Items are rewritten
through the writer, so the stored renderings of their rich text (models/rendered.py) and the
search index are made again from the scrubbed Markdown in the same transaction."""

from __future__ import annotations

import re
import secrets
from typing import Any

from models import (
    Activity,
    Approval,
    CitizenPromiseSignatory,
    Contact,
    Erasure,
    FollowUpAuthor,
    Person,
    Review,
    Revision,
    Signatory,
)
from models.transactions import write_transaction
from seed import format as fmt
from seed.export import EXPORTERS, MODELS
from seed.writer import Writer

PLACEHOLDER = "[namn borttaget]"
AUTHOR = "erasure"


class _Scrubber:
    def __init__(self, name: str, details: set[str], slug_part: str) -> None:
        self.name = name.strip().casefold()
        # Slugs made from the name (e.g. elisabeth-oliv-kommunpolis) get a neutral part instead.
        self.key = fmt.person_key(name)
        self.slug_part = slug_part
        # Longest first, so an e-mail address is replaced whole before the name inside it.
        secrets = sorted({name.strip(), self.key, *details} - {""}, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(s) for s in secrets), re.IGNORECASE)

    def _replace(self, match: re.Match[str]) -> str:
        return self.slug_part if match.group(0).lower() == self.key else PLACEHOLDER

    def is_person(self, value: Any) -> bool:
        return isinstance(value, str) and value.strip().casefold() == self.name

    def scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.pattern.sub(self._replace, value)
        if isinstance(value, list):
            return [self.scrub(entry) for entry in value]
        if isinstance(value, dict):
            if self.is_person(value.get("name")):
                # A contact or signatory of this person: the person goes, the role stays.
                value = {key: entry for key, entry in value.items() if key not in {"email", "phone"}}
            return {key: self.scrub(entry) for key, entry in value.items()}
        return value


async def erase_person(name: str) -> int:
    """Erase everything about the person called `name`; returns how many items changed."""
    async with write_transaction(exclusive=True):
        people = [p for p in await Person.all() if p.name.strip().casefold() == name.strip().casefold()]
        details = {value for p in people for value in (p.email, p.phone) if value}
        revisions = await Revision.all()
        for revision in revisions:
            _collect_details(revision.snapshot, name, details)
        scrubber = _Scrubber(name, details, f"borttagen-{secrets.token_hex(3)}")
        changed_items: set[tuple[str, str]] = set()
        if scrubber.key:
            for kind, model in MODELS.items():
                for row_id, slug in await model.filter(slug__icontains=scrubber.key).values_list("id", "slug"):
                    new_slug = scrubber.scrub(slug)
                    await model.filter(id=row_id).update(slug=new_slug)
                    for bookkeeping in (Revision, Review, Approval, Activity):
                        await bookkeeping.filter(item_type=kind, item_slug=slug).update(item_slug=new_slug)

        writer = Writer(author=AUTHOR, from_files=False)
        await writer.prepare()
        for kind, exporter in EXPORTERS.items():
            for slug, stored in (await exporter()).items():
                before = fmt.dump(stored.item)
                after = scrubber.scrub(before)
                if after != before:
                    item = fmt.CONTENT_TYPES[kind].model_validate(after)
                    await writer.save(kind, item, stored.document, stored, summary="personal data erased")
                    changed_items.add((kind, slug))

        for revision in await Revision.all():
            snapshot = scrubber.scrub(revision.snapshot)
            summary = scrubber.scrub(revision.summary)
            if snapshot != revision.snapshot or summary != revision.summary:
                await Revision.filter(id=revision.id).update(snapshot=snapshot, summary=summary)
                changed_items.add((revision.item_type, revision.item_slug))

        for review in await Review.all():
            snapshot = scrubber.scrub(review.snapshot) if review.snapshot is not None else None
            comment = scrubber.scrub(review.comment) if review.comment is not None else None
            if snapshot != review.snapshot or comment != review.comment:
                await Review.filter(id=review.id).update(snapshot=snapshot, comment=comment)
                changed_items.add((review.item_type, review.item_slug))
        for entry in await Activity.all():
            message = scrubber.scrub(entry.message) if entry.message is not None else None
            token_name = scrubber.scrub(entry.token_name)
            if message != entry.message or token_name != entry.token_name:
                await Activity.filter(id=entry.id).update(message=message, token_name=token_name)

        for person in people:
            # Nothing refers to the old row any more; an unexpected reference keeps it, blanked.
            referred = await Contact.filter(person_id=person.id).exists()
            referred = referred or await Signatory.filter(person_id=person.id).exists()
            referred = referred or await CitizenPromiseSignatory.filter(person_id=person.id).exists()
            if referred or await FollowUpAuthor.filter(person_id=person.id).exists():
                await Person.filter(id=person.id).update(
                    key=f"borttagen-{person.id}", name=PLACEHOLDER, email=None, phone=None
                )
            else:
                await Person.filter(id=person.id).delete()
        await Erasure.create(items_changed=len(changed_items))
    return len(changed_items)


def _collect_details(value: Any, name: str, found: set[str]) -> None:
    """E-mail addresses and phone numbers stored with the person in older revisions."""
    if isinstance(value, dict):
        if isinstance(value.get("name"), str) and value["name"].strip().casefold() == name.strip().casefold():
            found.update(str(value[key]) for key in ("email", "phone") if value.get(key))
        for entry in value.values():
            _collect_details(entry, name, found)
    elif isinstance(value, list):
        for entry in value:
            _collect_details(entry, name, found)
