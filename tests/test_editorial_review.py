"""The review workflow (api/editorial/review.py, workflow.py) through /graphql on both databases:
every side approves the current revision before it reaches citizens, an edit voids approvals,
a published item stays public while its next revision is in review, non-admins cannot set a
status, and every attempt — refused ones included — is in the activity log and changes nothing."""

from __future__ import annotations

import asyncio
import base64
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from api.editorial.access import Role
from api.settings import Settings
from models import Activity, Approval, CitizenPromise, Review, Revision
from tests.conftest import Database, make_client
from tests.editorial import PAYLOAD, PROMISE_GOTENE_2019, call, gid, mutate, seed_form, token

GOTENE, ANGE = "1471", "2260"
THREE = "mariestad-toreboda-gullspang-overenskommelse"
NEW = "gotene-medborgarlofte-2032"
STEP = f"{PAYLOAD} reviewState pending"
SUBMIT = f"mutation($id: ID!, $rev: Int!) {{ submitForReview(id: $id, expectedRevision: $rev) {{ {STEP} }} }}"
APPROVE = f"mutation($id: ID!, $rev: Int!) {{ approve(id: $id, revision: $rev) {{ {STEP} }} }}"
PUBLISH = f"mutation($id: ID!) {{ publish(id: $id) {{ {STEP} }} }}"
CREATE = f"mutation($item: JSON!) {{ citizenPromiseCreate(item: $item) {{ {PAYLOAD} reviewState pending }} }}"
UPDATE = """mutation($id: ID!, $rev: Int!, $item: JSON!, $type: String) {{
  {name}Update(id: $id, expectedRevision: $rev, item: $item) {{ {payload} reviewState pending }}
}}"""
REQUEST = f"""mutation($id: ID!, $rev: Int!, $comment: String!) {{
  requestChanges(id: $id, revision: $rev, comment: $comment) {{ {PAYLOAD} reviewState }}
}}"""
QUEUE = """{ reviewQueue(first: 10) { totalCount edges { node {
  slug revision state pending submittedBy sides { kind key approved approvedBy } } } } }"""
ACTIVITY = """query($filter: ActivityFilter, $after: String) {
  activity(first: 2, filter: $filter, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { tokenName action itemSlug revision result message requestId } }
  }
}"""
PUBLIC_PROMISE = "query($slug: String!) { citizenPromise(slug: $slug) { slug title status } }"


def _update(name: str) -> str:
    return UPDATE.format(name=name, payload=PAYLOAD).replace(", $type: String", "")


def _promise(**changes: Any) -> dict[str, Any]:
    return {
        "slug": NEW,
        "title": "Medborgarlöfte Götene 2032",
        "municipality": GOTENE,
        "period": {"start": "2032-01-01", "end": "2032-12-31", "label": "2032"},
        **changes,
    }


async def _public(slug: str, query: str = PUBLIC_PROMISE) -> list[Any]:
    """The promise as anonymous readers get it on both read paths (compiled SQL, reference)."""
    answers = []
    for compiled in (True, False):
        async with make_client(Settings(rate_limits=False, compiled_reads=compiled)) as client:
            answers.append((await call(client, query, {"slug": slug}))["data"]["citizenPromise"])
    return answers


async def _picture(slug: str) -> list[Any]:
    """The promise's problem picture in HTML, as stored with it, on both read paths."""
    query = "query($slug: String!) { citizenPromise(slug: $slug) { problemPicture(format: HTML) } }"
    return [answer["problemPicture"] for answer in await _public(slug, query)]


async def test_a_promise_needs_both_the_municipality_and_its_police_area_and_an_edit_voids_approvals(
    fresh: Database,
) -> None:
    gotene = await token(Role.EDITOR, [GOTENE])
    police = await token(Role.EDITOR, police_units=["lpo-vastra-skaraborg"])
    ange = await token(Role.EDITOR, [ANGE])
    id_ = gid("CitizenPromise", NEW)
    async with make_client() as client:
        # Non-admins cannot set a status through a write: it moves only through the workflow.
        direct = await mutate(client, CREATE, {"item": _promise(status="PUBLISHED")}, gotene)
        assert (direct["outcome"], direct["problems"][0]["field"]) == ("DENIED", "status")
        created = await mutate(client, CREATE, {"item": _promise()}, gotene)
        assert (created["outcome"], created["revision"], created["reviewState"]) == ("CREATED", 1, "DRAFT")
        archived = await mutate(
            client, _update("citizenPromise"), {"id": id_, "rev": 1, "item": _promise(status="ARCHIVED")}, gotene
        )
        assert (archived["outcome"], archived["problems"][0]["field"]) == ("DENIED", "status")

        early = await mutate(client, APPROVE, {"id": id_, "rev": 1}, gotene)
        assert (early["outcome"], early["problems"][0]["field"]) == ("INVALID", "id")  # not submitted yet
        submitted = await mutate(client, SUBMIT, {"id": id_, "rev": 1}, gotene)
        assert (submitted["outcome"], submitted["reviewState"]) == ("UPDATED", "IN_REVIEW")
        assert (await mutate(client, APPROVE, {"id": id_, "rev": 1}, ange))["outcome"] == "DENIED"  # no side of it
        assert (await mutate(client, APPROVE, {"id": id_, "rev": 1}, gotene))["reviewState"] == "IN_REVIEW"

        alone = await mutate(client, PUBLISH, {"id": id_}, gotene)
        assert alone["outcome"] == "DENIED"
        assert "police lpo-vastra-skaraborg" in alone["problems"][0]["message"]
        assert "municipality 1471" not in alone["problems"][0]["message"].split("approved it:")[1]
        queue = (await call(client, QUEUE, token=police))["data"]["reviewQueue"]
        (waiting,) = [edge["node"] for edge in queue["edges"] if edge["node"]["slug"] == NEW]
        assert [(s["kind"], s["key"], s["approved"]) for s in waiting["sides"]] == [
            ("MUNICIPALITY", GOTENE, True),
            ("POLICE", "lpo-vastra-skaraborg", False),
        ]
        assert NEW not in str((await call(client, QUEUE, token=ange))["data"])  # covers no side of it

        # An edit makes a new revision: the approvals of revision 1 are void, the review ends.
        edited = await mutate(
            client, _update("citizenPromise"), {"id": id_, "rev": 1, "item": _promise(summary="Ny text")}, gotene
        )
        assert (edited["revision"], edited["reviewState"]) == (2, "DRAFT")
        stale = await mutate(client, APPROVE, {"id": id_, "rev": 1}, police)
        assert (stale["outcome"], stale["revision"], stale["problems"][0]["field"]) == ("CONFLICT", 2, "revision")
        assert (await mutate(client, PUBLISH, {"id": id_}, gotene))["outcome"] == "DENIED"

        assert (await mutate(client, SUBMIT, {"id": id_, "rev": 2}, gotene))["outcome"] == "UPDATED"
        sent_back = await mutate(
            client, REQUEST, {"id": id_, "rev": 2, "comment": "Lägg till polisens löften."}, police
        )
        assert sent_back["reviewState"] == "CHANGES_REQUESTED"
        assert (await mutate(client, SUBMIT, {"id": id_, "rev": 2}, gotene))["outcome"] == "UPDATED"
        assert (await mutate(client, APPROVE, {"id": id_, "rev": 2}, gotene))["reviewState"] == "IN_REVIEW"
        assert (await mutate(client, APPROVE, {"id": id_, "rev": 2}, police))["reviewState"] == "APPROVED"
        assert await _public(NEW) == [None, None]
        published = await mutate(client, PUBLISH, {"id": id_}, gotene)
        assert (published["outcome"], published["status"], published["revision"]) == ("UPDATED", "PUBLISHED", 3)
    assert await _public(NEW) == [{"slug": NEW, "title": "Medborgarlöfte Götene 2032", "status": "PUBLISHED"}] * 2
    assert not await Review.filter(item_slug=NEW).exists() and not await Approval.filter(item_slug=NEW).exists()


async def test_a_promise_that_prints_its_police_party_needs_that_unit_not_the_local_police_area(
    fresh: Database,
) -> None:
    """Where a promise prints its own parties, they are its sides: signed by Polisområde Skaraborg,
    the lokalpolisområde below it covers no side, the polisområde does."""
    gotene = await token(Role.EDITOR, [GOTENE])
    local = await token(Role.EDITOR, police_units=["lpo-vastra-skaraborg"])
    area = await token(Role.EDITOR, police_units=["polisomrade-skaraborg"])
    id_ = gid("CitizenPromise", NEW)
    async with make_client() as client:
        item = _promise(parties=["gotene-kommun", "polisomrade-skaraborg"])
        assert (await mutate(client, CREATE, {"item": item}, gotene))["outcome"] == "CREATED"
        assert (await mutate(client, SUBMIT, {"id": id_, "rev": 1}, gotene))["reviewState"] == "IN_REVIEW"
        queue = (await call(client, QUEUE, token=area))["data"]["reviewQueue"]
        (waiting,) = [edge["node"] for edge in queue["edges"] if edge["node"]["slug"] == NEW]
        assert [(s["kind"], s["key"]) for s in waiting["sides"]] == [
            ("MUNICIPALITY", GOTENE),
            ("POLICE", "polisomrade-skaraborg"),
        ]
        assert (await mutate(client, APPROVE, {"id": id_, "rev": 1}, local))["outcome"] == "DENIED"
        assert (await mutate(client, APPROVE, {"id": id_, "rev": 1}, gotene))["reviewState"] == "IN_REVIEW"
        alone = await mutate(client, PUBLISH, {"id": id_}, gotene)
        assert alone["outcome"] == "DENIED" and "police polisomrade-skaraborg" in alone["problems"][0]["message"]
        assert (await mutate(client, APPROVE, {"id": id_, "rev": 1}, area))["reviewState"] == "APPROVED"
        assert (await mutate(client, PUBLISH, {"id": id_}, gotene))["status"] == "PUBLISHED"


async def test_the_live_revision_stays_public_while_the_next_is_in_review(fresh: Database) -> None:
    gotene = await token(Role.EDITOR, [GOTENE])
    police = await token(Role.EDITOR, police_units=["polisomrade-skaraborg"])  # above Götene's area
    admin = await token(Role.ADMIN)
    id_ = gid("CitizenPromise", PROMISE_GOTENE_2019)
    live = await seed_form("citizen_promises", PROMISE_GOTENE_2019)
    changed = {**live, "title": "Medborgarlöfte 2019 (reviderat)", "problem_picture": "Ny **problembild**."}
    live_picture = await _picture(PROMISE_GOTENE_2019)
    async with make_client() as client:
        pending = await mutate(client, _update("citizenPromise"), {"id": id_, "rev": 1, "item": changed}, gotene)
        assert (pending["outcome"], pending["pending"], pending["revision"]) == ("UPDATED", True, 2)
        assert (pending["status"], pending["item"]["title"]) == ("PUBLISHED", "Medborgarlöfte 2019 (reviderat)")
        again = await mutate(client, _update("citizenPromise"), {"id": id_, "rev": 1, "item": changed}, gotene)
        assert again["outcome"] == "UNCHANGED"
        stale = await mutate(client, _update("citizenPromise"), {"id": id_, "rev": 1, "item": live}, gotene)
        assert (stale["outcome"], stale["revision"]) == ("CONFLICT", 2)
        items = (await call(client, "{ editorialItems { slug: id revision item } }", token=gotene))["data"]
        (head,) = [i for i in items["editorialItems"] if i["slug"] == id_]
        assert (head["revision"], head["item"]["title"]) == (2, "Medborgarlöfte 2019 (reviderat)")
        preview = await client.post(
            "/graphql",
            json={"query": PUBLIC_PROMISE, "variables": {"slug": PROMISE_GOTENE_2019}},
            headers={"Authorization": f"Bearer {gotene}", "Samverkan-Preview": "true"},
        )
        # The typed preview shows the live row; the pending revision is read in its seed form.
        assert preview.json()["data"]["citizenPromise"]["title"] == "Medborgarlöfte 2019"

        assert (await mutate(client, SUBMIT, {"id": id_, "rev": 2}, gotene))["outcome"] == "UPDATED"
        assert (await mutate(client, APPROVE, {"id": id_, "rev": 2}, gotene))["outcome"] == "UPDATED"
        assert await _public(PROMISE_GOTENE_2019) == [{**_title("Medborgarlöfte 2019")}] * 2
        assert await _picture(PROMISE_GOTENE_2019) == live_picture  # a pending revision renders nothing live
        assert (await CitizenPromise.get(slug=PROMISE_GOTENE_2019)).revision == 1
        assert (await mutate(client, PUBLISH, {"id": id_}, gotene))["outcome"] == "DENIED"  # police missing
        assert (await mutate(client, APPROVE, {"id": id_, "rev": 2}, police))["reviewState"] == "APPROVED"
        published = await mutate(client, PUBLISH, {"id": id_}, police)  # its scope covers Götene by its area
        assert (published["outcome"], published["revision"], published["status"]) == ("UPDATED", 3, "PUBLISHED")
        assert await _public(PROMISE_GOTENE_2019) == [_title("Medborgarlöfte 2019 (reviderat)")] * 2
        # Publishing wrote the pending revision to the row with its renderings.
        assert await _picture(PROMISE_GOTENE_2019) == ["<p>Ny <strong>problembild</strong>.</p>"] * 2

        # A revert of the published item is a pending revision too; an admin publishes it without approvals.
        revert = "mutation($id: ID!) { revert(id: $id, revision: 1) { outcome revision pending } }"
        reverted = (await call(client, revert, {"id": id_}, gotene))["data"]["revert"]
        assert reverted == {"outcome": "UPDATED", "revision": 4, "pending": True}
        assert await _public(PROMISE_GOTENE_2019) == [_title("Medborgarlöfte 2019 (reviderat)")] * 2
        forced = await mutate(client, PUBLISH, {"id": id_}, admin)
        assert (forced["outcome"], forced["revision"]) == ("UPDATED", 5)
    assert await _public(PROMISE_GOTENE_2019) == [_title("Medborgarlöfte 2019")] * 2
    assert await _picture(PROMISE_GOTENE_2019) == live_picture
    numbers = await Revision.filter(item_slug=PROMISE_GOTENE_2019).order_by("number").values_list("number", "summary")
    assert [n for n, _ in numbers] == [1, 3, 5]  # pending revisions enter the history when published
    assert "without every side's approval" in str(numbers[-1][1])
    entry = await Activity.filter(item_slug=PROMISE_GOTENE_2019, action="publish", result="UPDATED").order_by("-id")
    assert "without every side's approval" in str(entry[0].message)


def _title(title: str) -> dict[str, str]:
    return {"slug": PROMISE_GOTENE_2019, "title": title, "status": "PUBLISHED"}


async def test_a_three_municipality_agreement_needs_all_three_municipalities_and_the_police(fresh: Database) -> None:
    mariestad, toreboda, gullspang = [await token(Role.EDITOR, [code]) for code in ("1493", "1473", "1447")]
    police = await token(Role.EDITOR, police_units=["polisomrade-skaraborg"])
    publisher = await token(Role.EDITOR, ["1493", "1473", "1447"])
    id_ = gid("Agreement", THREE)
    item = {**await seed_form("agreements", THREE), "summary": "Reviderad överenskommelse."}
    async with make_client() as client:
        # One municipality's editor makes the pending revision of the joint, published agreement.
        pending = await mutate(client, _update("agreement"), {"id": id_, "rev": 1, "item": item}, gullspang)
        assert (pending["outcome"], pending["pending"]) == ("UPDATED", True)
        assert (await mutate(client, SUBMIT, {"id": id_, "rev": 2}, gullspang))["outcome"] == "UPDATED"
        for secret in (mariestad, toreboda, police):
            assert (await mutate(client, APPROVE, {"id": id_, "rev": 2}, secret))["outcome"] == "UPDATED"
        missing = await mutate(client, PUBLISH, {"id": id_}, publisher)
        assert missing["outcome"] == "DENIED"
        assert missing["problems"][0]["message"].endswith("municipality 1447; nothing was changed")
        assert (await mutate(client, APPROVE, {"id": id_, "rev": 2}, gullspang))["reviewState"] == "APPROVED"
        published = await mutate(client, PUBLISH, {"id": id_}, publisher)
        assert (published["outcome"], published["revision"]) == ("UPDATED", 3)
        public = await call(client, f'{{ agreement(slug: "{THREE}") {{ summary }} }}')
    assert public["data"]["agreement"]["summary"] == "Reviderad överenskommelse."
    approvers = await Activity.filter(item_slug=THREE, action="approve").values_list("token_name", flat=True)
    assert len(approvers) == 4


async def test_denied_attempts_are_in_the_activity_log_and_change_nothing(fresh: Database) -> None:
    ange = await token(Role.EDITOR, [ANGE])
    reviewer = await token(Role.REVIEWER)
    admin = await token(Role.ADMIN)
    gotene = await token(Role.EDITOR, [GOTENE])
    stockholm = await token(Role.EDITOR, ["0180"])
    id_ = gid("CitizenPromise", PROMISE_GOTENE_2019)
    live = await seed_form("citizen_promises", PROMISE_GOTENE_2019)
    before = await Revision.all().count(), await Review.all().count(), await Approval.all().count()
    # Entries from now on: the database copied may hold refusals of tests that ran on the shared seed before.
    start = datetime.now(UTC).isoformat()
    async with make_client() as client:
        changed = {"id": id_, "rev": 1, "item": {**live, "title": "Ånges ändring"}}
        response = await client.post(
            "/graphql",
            json={"query": _update("citizenPromise"), "variables": changed},
            headers={"Authorization": f"Bearer {ange}", "X-Request-ID": "denied-edit-1"},
        )
        assert response.json()["data"]["citizenPromiseUpdate"]["outcome"] == "DENIED"
        assert (await mutate(client, PUBLISH, {"id": id_}, stockholm))["outcome"] == "DENIED"
        assert (await mutate(client, APPROVE, {"id": id_, "rev": 1}, reviewer))["outcome"] == "DENIED"
        assert (await mutate(client, PUBLISH, {"id": id_}))["outcome"] == "DENIED"  # no token at all
        assert (await Revision.all().count(), await Review.all().count(), await Approval.all().count()) == before
        assert await seed_form("citizen_promises", PROMISE_GOTENE_2019) == live

        refused = {"result": "DENIED", "itemId": id_, "since": start}
        first = (await call(client, ACTIVITY, {"filter": refused}, admin))["data"]["activity"]
        assert first["totalCount"] == 4 and first["pageInfo"]["hasNextPage"]
        rest = await call(client, ACTIVITY, {"filter": refused, "after": first["pageInfo"]["endCursor"]}, admin)
        entries = [e["node"] for e in first["edges"] + rest["data"]["activity"]["edges"]]
        assert [(e["action"], e["tokenName"]) for e in entries] == [
            ("publish", "anonymous"),
            ("approve", entries[1]["tokenName"]),
            ("publish", entries[2]["tokenName"]),
            ("update", entries[3]["tokenName"]),
        ]
        assert entries[1]["tokenName"].startswith("reviewer") and entries[2]["tokenName"].startswith("editor-0180")
        edit = entries[3]
        assert edit["tokenName"].startswith("editor-2260") and edit["requestId"] == "denied-edit-1"
        assert edit["itemSlug"] == PROMISE_GOTENE_2019 and "1471" in edit["message"]
        assert "1471 is not" in entries[2]["message"]
        # Only an admin reads the log; times without an offset are UTC; a made-up cursor is the client's error.
        assert "errors" in await call(client, ACTIVITY, {}, gotene)
        naive = start.removesuffix("+00:00")
        window = {"filter": {**refused, "since": naive, "until": "2199-01-01T00:00:00+00:00"}}
        assert (await call(client, ACTIVITY, window, admin))["data"]["activity"]["totalCount"] == 4
        bad = base64.urlsafe_b64encode(b'["x"]').decode()
        for query in (ACTIVITY, "query($after: String) { reviewQueue(after: $after) { totalCount } }"):
            errors = (await call(client, query, {"after": bad}, admin))["errors"]
            assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", errors


async def test_the_preview_header_is_honoured_only_with_an_editorial_token(fresh: Database) -> None:
    gotene = await token(Role.EDITOR, [GOTENE])
    async with make_client() as client:
        assert (await mutate(client, CREATE, {"item": _promise()}, gotene))["outcome"] == "CREATED"
        node = "query($id: ID!) { node(id: $id) { id ... on CitizenPromise { status } } }"
        variables = {"id": gid("CitizenPromise", NEW)}

        async def ask(headers: dict[str, str]) -> httpx.Response:
            return await client.post("/graphql", json={"query": node, "variables": variables}, headers=headers)

        listed = "{ citizenPromises(first: 100) { edges { node { slug } } } }"
        for compiled in (True, False):
            settings = Settings(rate_limits=False, compiled_reads=compiled, debug_execution=True)
            async with make_client(settings) as other:
                for header, shown in (("false", False), ("true", True), ("false", False)):  # not one cached answer
                    answer = await other.post(
                        "/graphql",
                        json={"query": listed},
                        headers={"Authorization": f"Bearer {gotene}", "Samverkan-Preview": header},
                    )
                    assert (NEW in answer.text) is shown, (compiled, header)
                    assert (answer.json()["extensions"]["execution"] == "compiled") is compiled
        editorial = await ask({"Authorization": f"Bearer {gotene}", "Samverkan-Preview": "true"})
        assert editorial.json()["data"]["node"]["status"] == "DRAFT"
        assert "Samverkan-Preview" in editorial.headers["vary"]
        assert (await ask({"Authorization": f"Bearer {gotene}"})).json()["data"]["node"] is None
        assert (await ask({"Samverkan-Preview": "true"})).json()["data"]["node"] is None  # anonymous: not honoured
        wrong = await ask({"Authorization": f"Bearer {gotene}", "Samverkan-Preview": "ja"})
        assert wrong.status_code == 400 and "Samverkan-Preview" in wrong.text
        old = await call(client, "query($id: ID!) { node(id: $id, preview: true) { id } }", variables, gotene)
        assert "preview" in old["errors"][0]["message"]  # Relay's node(id: ID!) has no other argument
    async with make_client(Settings(rate_limits=False, cors_origins=["https://kommun.example"])) as client:
        allowed = await client.options(
            "/graphql",
            headers={
                "Origin": "https://kommun.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "samverkan-preview",
            },
        )
    assert allowed.status_code == 200 and "samverkan-preview" in allowed.headers["access-control-allow-headers"].lower()


async def _samverkan(database: Database, *arguments: str, **environment: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "samverkan"),
        *arguments,
        env={**os.environ, "DATABASE_URL": database.url, **environment},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    return int(process.returncode or 0), out.decode()


async def test_samverkan_activity_lists_token_changes_and_refusals_and_prunes_by_retention(fresh: Database) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=400)
    old = await Activity.create(at=long_ago, token_name="gammal", action="update", result="UPDATED", request_id="x")
    ange = await token(Role.EDITOR, [ANGE])  # a token change: recorded as done by the command line
    async with make_client() as client:
        denied = await mutate(client, PUBLISH, {"id": gid("CitizenPromise", PROMISE_GOTENE_2019)}, ange)
    assert denied["outcome"] == "DENIED"

    code, out = await _samverkan(fresh, "activity", "--limit", "2")  # newest first
    assert code == 0, out
    refusal, change = (line.split("\t") for line in out.strip().splitlines())
    assert refusal[2:5] == ["publish", f"citizen_promises:{PROMISE_GOTENE_2019}", "DENIED"]
    assert refusal[1].startswith("editor-2260") and "1471" in refusal[6]
    assert change[1:5] == ["cli", "token_create", "-", "CREATED"] and refusal[1] in change[6]

    retention = {"SAMVERKAN_ACTIVITY_RETENTION_DAYS": "30"}
    code, out = await _samverkan(fresh, "activity", "--prune", "--token", "gammal", **retention)
    assert code == 0 and out.startswith("1 entry older than the retention deleted") and "no entries" in out, out
    assert not await Activity.filter(id=old.id).exists() and await Activity.filter(result="DENIED").exists()


async def test_an_approval_racing_an_edit_never_approves_the_new_revision(fresh: Database) -> None:
    gotene = await token(Role.EDITOR, [GOTENE])
    admin = await token(Role.ADMIN)
    id_ = gid("CitizenPromise", NEW)
    async with make_client() as client:
        assert (await mutate(client, CREATE, {"item": _promise()}, gotene))["outcome"] == "CREATED"
        assert (await mutate(client, SUBMIT, {"id": id_, "rev": 1}, gotene))["outcome"] == "UPDATED"
        edit = {"id": id_, "rev": 1, "item": _promise(summary="Samtidig ändring")}
        approved, edited = await asyncio.gather(
            mutate(client, APPROVE, {"id": id_, "rev": 1}, gotene),
            mutate(client, _update("citizenPromise"), edit, gotene),
        )
        assert edited["outcome"] == "UPDATED" and edited["revision"] == 2
        assert approved["outcome"] in {"UPDATED", "CONFLICT"}  # before the edit (then void), or after it
        assert not await Approval.filter(item_slug=NEW, revision=2).exists()
        assert (await mutate(client, PUBLISH, {"id": id_}, gotene))["outcome"] == "DENIED"
        delete = "mutation($id: ID!) { citizenPromiseDelete(id: $id, expectedRevision: 2) { outcome } }"
        assert (await call(client, delete, {"id": id_}, admin))["data"]["citizenPromiseDelete"]["outcome"] == "DELETED"
        gone = await mutate(client, APPROVE, {"id": id_, "rev": 2}, gotene)
        assert (gone["outcome"], gone["problems"][0]["field"]) == ("NOT_FOUND", "id")
    assert not await Review.filter(item_slug=NEW).exists()
