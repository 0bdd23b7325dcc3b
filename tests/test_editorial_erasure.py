"""`samverkan erase-person`: no trace of the person in content, any revision or the export."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import orjson

from api.editorial.access import Role
from models import Activity, Erasure, Person, Review, Revision
from models.rendered import MARKDOWN, rendered_columns
from models.sql import rows, sql
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
    for review in await Review.all():
        if "oliv" in (orjson.dumps(review.snapshot).decode() + (review.comment or "")).lower():
            found.append(f"review of {review.item_slug}")
    found += [f"activity {a.id}" for a in await Activity.all() if "oliv" in (a.message or "").lower()]
    found += [name for name, text in (await export_texts()).items() if "oliv" in text.lower()]
    for table in MARKDOWN:
        columns = [column for column in rendered_columns(table) if column != "render_version"]
        for row in await rows(sql.raw(f"SELECT id, {', '.join(columns)} FROM {table}")):
            if any("oliv" in str(row[column]).lower() for column in columns):
                found.append(f"rendering of {table} {row['id']}")
    return found


async def test_erase_person_leaves_no_trace_in_any_revision(fresh: Database) -> None:
    # Give her more history first: an edit through the API stores another revision with her in it.
    admin = await token(Role.ADMIN)
    promise = await seed_form("citizen_promises", PROMISE_GOTENE_2019)
    update = f"""mutation($id: ID!, $item: JSON!) {{
      citizenPromiseUpdate(id: $id, expectedRevision: 1, item: $item) {{ {PAYLOAD} }}
    }}"""
    async with make_client() as client:
        # Her name and address in Markdown, rendered (a link, emphasis, a section's body) when written.
        edited = {
            **promise,
            "summary": f"Kontakta **{NAME}** ({EMAIL}) med frågor.",
            "sections": [{"heading": "Kontakt", "body": f"Mejla [{NAME}](mailto:{EMAIL})."}],
        }
        result = await mutate(client, update, {"id": gid("CitizenPromise", PROMISE_GOTENE_2019), "item": edited}, admin)
        assert result["outcome"] == "UPDATED"
        # A pending revision naming her, and a request for changes whose comment does (the activity log keeps it).
        gotene = await token(Role.EDITOR, ["1471"])
        police = await token(Role.EDITOR, police_units=["lpo-vastra-skaraborg"])
        pending = {**edited, "summary": f"Ring {NAME} på 010-123 45 67."}
        result = await mutate(
            client,
            update.replace("expectedRevision: 1", "expectedRevision: 2"),
            {"id": gid("CitizenPromise", PROMISE_GOTENE_2019), "item": pending},
            gotene,
        )
        assert (result["outcome"], result["revision"]) == ("UPDATED", 3)
        step = {"id": gid("CitizenPromise", PROMISE_GOTENE_2019), "rev": 3}
        submit = (
            f"mutation($id: ID!, $rev: Int!) {{ submitForReview(id: $id, expectedRevision: $rev) {{ {PAYLOAD} }} }}"
        )
        assert (await mutate(client, submit, step, gotene))["outcome"] == "UPDATED"
        request = f"""mutation($id: ID!, $rev: Int!) {{
          requestChanges(id: $id, revision: $rev, comment: "Fråga {NAME} först.") {{ {PAYLOAD} }}
        }}"""
        assert (await mutate(client, request, step, police))["outcome"] == "UPDATED"
    traces = await _traces()
    assert any(t.startswith("review") for t in traces) and any(t.startswith("activity") for t in traces)
    assert any(t.startswith("rendering of citizen_promise") for t in traces)
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
