"""Revisions: every change is one, revert restores exactly, a delete can be undone, diffs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from api.editorial.access import Role
from models import CitizenPromise, Revision, ServiceAgreement
from models.enums import PublicationStatus
from models.text import VERSION
from seed import format as fmt
from seed.export import export_citizen_promises, export_service_agreements
from seed.load import known_data, load_bundle
from seed.validate import read_files, seed_files, validate_documents
from tests.conftest import SEED_CONTENT, Database, make_client
from tests.editorial import PAYLOAD, PROMISE_GOTENE_2019, call, gid, mutate, seed_form, token

UPDATE_PROMISE = f"""
mutation($id: ID!, $rev: Int!, $item: JSON!) {{
  citizenPromiseUpdate(id: $id, expectedRevision: $rev, item: $item, summary: "nya löften") {{ {PAYLOAD} }}
}}"""
REVERT = f"mutation($id: ID!, $n: Int!) {{ revert(id: $id, revision: $n) {{ {PAYLOAD} }} }}"
REVISIONS = "query($id: ID!) { revisions(id: $id) { number author summary deleted snapshot } }"
DIFF = "query($id: ID!) { revisionDiff(id: $id, from: 1, to: 2) { path before after } }"
SERVICE = "gullspang-samtjanstavtal"
RICH_TEXT = """query($slug: String!) { citizenPromise(slug: $slug) {
  summary(format: HTML) plain: summary(format: PLAIN) sections { body(format: HTML) text: body(format: PLAIN) }
} }"""


async def _rich_text(client: httpx.AsyncClient) -> dict[str, Any]:
    """The promise's summary and sections as HTML and plain text, read through the endpoint
    (tests/differential.py compares the compiled path's answer with the reference path's)."""
    body = await call(client, RICH_TEXT, {"slug": PROMISE_GOTENE_2019})
    return body["data"]["citizenPromise"]  # type: ignore[no-any-return]


async def test_update_diff_and_revert_restore_exactly(fresh: Database) -> None:
    # An admin: an editor's change of a published item is a pending revision (tests/test_editorial_review.py).
    editor = await token(Role.ADMIN)
    promise_id = gid("CitizenPromise", PROMISE_GOTENE_2019)
    original = await seed_form("citizen_promises", PROMISE_GOTENE_2019)
    changed = {
        **original,
        "title": "Medborgarlöfte 2019 (reviderat)",
        "summary": "Fler **trygghetsvandringar** i [Götene](https://www.gotene.se).",
        "sections": [{"heading": "Uppföljning", "body": "- Två gånger om året\n- I *kommunstyrelsen*"}],
        "commitments": [{**original["commitments"][0], "text": "Genomföra fler trygghetsvandringar."}],
    }
    async with make_client() as client:
        before = await _rich_text(client)
        updated = await mutate(client, UPDATE_PROMISE, {"id": promise_id, "rev": 1, "item": changed}, editor)
        assert (updated["outcome"], updated["revision"]) == ("UPDATED", 2)
        # The mutation stored the new renderings with the Markdown, in its transaction.
        assert await _rich_text(client) == {
            "summary": '<p>Fler <strong>trygghetsvandringar</strong> i <a href="https://www.gotene.se"'
            ' rel="noopener noreferrer">Götene</a>.</p>',
            "plain": "Fler trygghetsvandringar i Götene.",
            "sections": [
                {
                    "body": "<ul>\n<li>Två gånger om året</li>\n<li>I <em>kommunstyrelsen</em></li>\n</ul>",
                    "text": "Två gånger om året\n\nI kommunstyrelsen",
                }
            ],
        }
        row = await CitizenPromise.get(slug=PROMISE_GOTENE_2019)
        assert (row.render_version, row.sections_plain) == (VERSION, ["Två gånger om året\n\nI kommunstyrelsen"])
        stale = await mutate(client, UPDATE_PROMISE, {"id": promise_id, "rev": 1, "item": original}, editor)
        assert (stale["outcome"], stale["revision"]) == ("CONFLICT", 2)
        assert stale["problems"][0]["field"] == "expectedRevision"

        diff = (await call(client, DIFF, {"id": promise_id}, editor))["data"]["revisionDiff"]
        paths = {change["path"] for change in diff}
        assert "title" in paths and "commitments[0].text" in paths and "commitments[8]" in paths
        title = next(change for change in diff if change["path"] == "title")
        assert (title["before"], title["after"]) == ("Medborgarlöfte 2019", "Medborgarlöfte 2019 (reviderat)")

        reverted = await mutate(client, REVERT, {"id": promise_id, "n": 1}, editor)
        assert (reverted["outcome"], reverted["revision"]) == ("UPDATED", 3)
        assert await _rich_text(client) == before  # revert renders what it restores
        history = (await call(client, REVISIONS, {"id": promise_id}, editor))["data"]["revisions"]
        anonymous = await call(client, REVISIONS, {"id": promise_id})

    authors = [r["author"] for r in history]
    assert authors[0] == "seed" and authors[1] == authors[2] and authors[1].startswith("admin-all")
    assert [r["number"] for r in history] == [1, 2, 3]
    assert history[1]["summary"] == "nya löften" and history[2]["summary"].startswith("reverted to revision 1")
    restored = (await export_citizen_promises([PROMISE_GOTENE_2019]))[PROMISE_GOTENE_2019].item
    assert restored == fmt.CitizenPromise.model_validate(history[0]["snapshot"])
    assert fmt.dump(restored) == original
    assert anonymous.get("data") is None and "editorial token" in anonymous["errors"][0]["message"]


async def test_a_delete_is_a_revision_and_revert_brings_the_item_back(fresh: Database) -> None:
    admin = await token(Role.ADMIN)
    service_id = gid("ServiceAgreement", SERVICE)
    original = await seed_form("service_agreements", SERVICE)
    delete = f"mutation($id: ID!) {{ serviceAgreementDelete(id: $id, expectedRevision: 1) {{ {PAYLOAD} }} }}"
    async with make_client() as client:
        deleted = await mutate(client, delete, {"id": service_id}, admin)
        assert (deleted["outcome"], deleted["revision"]) == ("DELETED", 2)
        assert not await ServiceAgreement.filter(slug=SERVICE).exists()
        restored = await mutate(client, REVERT, {"id": service_id, "n": 1}, admin)
        assert (restored["outcome"], restored["revision"]) == ("CREATED", 3)
    numbers = await Revision.filter(item_slug=SERVICE).order_by("number").values_list("number", "deleted")
    assert list(numbers) == [(1, False), (2, True), (3, False)]
    assert fmt.dump((await export_service_agreements([SERVICE]))[SERVICE].item) == original
    assert (await ServiceAgreement.get(slug=SERVICE)).revision == 3


async def test_a_referred_item_cannot_be_deleted(fresh: Database) -> None:
    admin = await token(Role.ADMIN)
    delete = f"mutation($id: ID!) {{ citizenPromiseDelete(id: $id, expectedRevision: 1) {{ {PAYLOAD} }} }}"
    async with make_client() as client:
        refused = await mutate(client, delete, {"id": gid("CitizenPromise", "gotene-medborgarlofte-2023-2024")}, admin)
    assert refused["outcome"] == "INVALID"
    assert "gotene-uppfoljning-2023" in refused["problems"][0]["message"]
    assert await CitizenPromise.filter(slug="gotene-medborgarlofte-2023-2024").exists()


async def test_copy_starts_next_periods_promise_as_a_draft(fresh: Database) -> None:
    editor = await token(Role.EDITOR, ["1471"])
    copy = f"""mutation($id: ID!) {{
      citizenPromiseCopy(id: $id, period: {{start: "2020-01-01", end: "2020-12-31", label: "2020"}}) {{ {PAYLOAD} }}
    }}"""
    async with make_client() as client:
        copied = await mutate(client, copy, {"id": gid("CitizenPromise", PROMISE_GOTENE_2019)}, editor)
        again = await mutate(client, copy, {"id": gid("CitizenPromise", PROMISE_GOTENE_2019)}, editor)
        public = await call(client, '{ citizenPromise(slug: "gotene-medborgarlofte-2020") { slug } }')
    assert (copied["outcome"], copied["slug"], copied["status"]) == ("CREATED", "gotene-medborgarlofte-2020", "DRAFT")
    assert again["outcome"] == "CONFLICT"  # the next period's exists already
    new = await CitizenPromise.get(slug="gotene-medborgarlofte-2020")
    assert (new.title, new.period_label, new.status) == ("Medborgarlöfte 2020", "2020", PublicationStatus.DRAFT)
    source = await seed_form("citizen_promises", PROMISE_GOTENE_2019)
    assert copied["item"]["commitments"] == source["commitments"]
    assert public["data"] == {"citizenPromise": None}


async def test_seed_load_does_not_silently_overwrite_an_api_edit(fresh: Database) -> None:
    admin = await token(Role.ADMIN)
    original = await seed_form("citizen_promises", PROMISE_GOTENE_2019)
    async with make_client() as client:
        await mutate(
            client,
            UPDATE_PROMISE,
            {"id": gid("CitizenPromise", PROMISE_GOTENE_2019), "rev": 1, "item": {**original, "title": "Via API"}},
            admin,
        )
    parsed, problems = read_files(seed_files(SEED_CONTENT), base=Path(SEED_CONTENT).parent.parent)
    bundle, more = validate_documents(parsed, await known_data())
    assert not problems + more
    summary = await load_bundle(bundle)
    assert [conflict.slug for conflict in summary.conflicts] == [PROMISE_GOTENE_2019]
    assert (await CitizenPromise.get(slug=PROMISE_GOTENE_2019)).title == "Via API"
