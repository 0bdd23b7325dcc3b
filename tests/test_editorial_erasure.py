"""`samverkan erase-person`: no trace of the person in content, any revision or the export."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import orjson

from api.editorial.access import Role
from models import Erasure, Person, Revision
from seed import format as fmt
from seed.export import export_contacts, export_texts
from tests.conftest import Database, make_client
from tests.editorial import PAYLOAD, PROMISE_GOTENE_2019, gid, mutate, seed_form, token

NAME = "Elisabeth Oliv"
EMAIL = "elisabeth.oliv@polisen.se"


async def _traces() -> list[str]:
    found = []
    for revision in await Revision.all():
        text = orjson.dumps(revision.snapshot).decode() + revision.summary
        if "oliv" in text.lower():
            found.append(f"revision {revision}")
    found += [f"person {p.key}" for p in await Person.all() if "oliv" in (p.name + (p.email or "")).lower()]
    found += [name for name, text in (await export_texts()).items() if "oliv" in text.lower()]
    return found


async def test_erase_person_leaves_no_trace_in_any_revision(fresh: Database) -> None:
    # Give her more history first: an edit through the API stores another revision with her in it.
    admin = await token(Role.ADMIN)
    promise = await seed_form("citizen_promises", PROMISE_GOTENE_2019)
    update = f"""mutation($id: ID!, $item: JSON!) {{
      citizenPromiseUpdate(id: $id, expectedRevision: 1, item: $item) {{ {PAYLOAD} }}
    }}"""
    async with make_client() as client:
        edited = {**promise, "summary": f"Kontakta {NAME} ({EMAIL}) med frågor."}
        result = await mutate(client, update, {"id": gid("CitizenPromise", PROMISE_GOTENE_2019), "item": edited}, admin)
        assert result["outcome"] == "UPDATED"
    assert await _traces()
    erasures = await Erasure.all().count()

    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "samverkan"),
        "erase-person",
        NAME,
        env={**os.environ, "DATABASE_URL": fresh.url},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    assert out.decode().startswith("personal data erased from ")

    assert await _traces() == []
    assert await Erasure.all().count() == erasures + 1
    # What is recorded is that an erasure happened, not what was erased.
    record = await Erasure.all().order_by("-id").first().values()
    assert set(record) == {"id", "created_at", "items_changed"}
    assert record["items_changed"] >= 2  # her contact and the promise printing her name
    contacts = {k: fmt.dump(s.item) for k, s in (await export_contacts()).items() if k.startswith("borttagen-")}
    [(slug, contact)] = contacts.items()
    assert (contact["role"], contact["name"], "email" in contact) == ("Kommunpolis", "[namn borttaget]", False)
    promise = await seed_form("citizen_promises", PROMISE_GOTENE_2019)
    assert promise["contacts"] == [slug]
    # Content that did not mention her is left alone.
    assert await Revision.filter(item_slug="ange-samverkansoverenskommelse-2023-2026").count() == 1
