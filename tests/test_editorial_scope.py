"""The scope rule (api/editorial/scope.py) through /graphql on both databases: drafts need one
municipality of the item in scope, anything public needs all of them, an item concerning no
municipality needs an admin; unpublished content and history show only within the scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from api.editorial.access import Role
from models import Agreement, Contact, Revision
from tests.conftest import Database, make_client
from tests.editorial import PAYLOAD, call, gid, mutate, seed_form, token

GOTENE, ANGE, STOCKHOLM = "1471", "2260", "0180"
TYPE_NAMES = {
    "agreements": "Agreement",
    "citizen_promises": "CitizenPromise",
    "follow_ups": "FollowUp",
    "service_agreements": "ServiceAgreement",
    "contacts": "Contact",
}


def _create(kind: str) -> str:
    name = TYPE_NAMES[kind][0].lower() + TYPE_NAMES[kind][1:]
    return f"mutation($item: JSON!) {{ {name}Create(item: $item) {{ {PAYLOAD} }} }}"


def _update(kind: str) -> str:
    name = TYPE_NAMES[kind][0].lower() + TYPE_NAMES[kind][1:]
    return (
        f"mutation($id: ID!, $rev: Int!, $item: JSON!) {{"
        f" {name}Update(id: $id, expectedRevision: $rev, item: $item) {{ {PAYLOAD} }} }}"
    )


def _delete(kind: str) -> str:
    name = TYPE_NAMES[kind][0].lower() + TYPE_NAMES[kind][1:]
    return f"mutation($id: ID!, $rev: Int!) {{ {name}Delete(id: $id, expectedRevision: $rev) {{ {PAYLOAD} }} }}"


STATE_CHANGE = {
    verb: f"mutation($id: ID!) {{ {verb}(id: $id) {{ {PAYLOAD} }} }}" for verb in ("publish", "unpublish", "archive")
}
REVERT = f"mutation($id: ID!, $to: Int!) {{ revert(id: $id, revision: $to) {{ {PAYLOAD} }} }}"
SUBMIT = f"mutation($id: ID!, $rev: Int!) {{ submitForReview(id: $id, expectedRevision: $rev) {{ {PAYLOAD} }} }}"
APPROVE = f"mutation($id: ID!, $rev: Int!) {{ approve(id: $id, revision: $rev) {{ {PAYLOAD} }} }}"

# One new item of each kind. The joint ones (an agreement with both municipalities as parties,
# a contact serving both) concern Götene and Ånge; the others concern Götene alone.
ITEMS: dict[str, dict[str, Any]] = {
    "agreements": {
        "slug": "gotene-ange-overenskommelse",
        "title": "Överenskommelse mellan Götene och Ånge",
        "parties": ["gotene-kommun", "ange-kommun", "lokalpolisomrade-vastra-skaraborg"],
    },
    "contacts": {
        "slug": "gotene-ange-samordnare",
        "role": "Brottsförebyggande samordnare",
        "name": "Åsa Öberg",
        "phone": "0511-386 00",
        "municipalities": [GOTENE, ANGE],
    },
    "citizen_promises": {
        "slug": "gotene-medborgarlofte-2031",
        "title": "Medborgarlöfte Götene 2031",
        "municipality": GOTENE,
        "period": {"start": "2031-01-01", "end": "2031-12-31", "label": "2031"},
    },
    "follow_ups": {
        "slug": "gotene-uppfoljning-2024",
        "title": "Uppföljning av medborgarlöftet 2024",
        "citizen_promise": "gotene-medborgarlofte-2023-2024",
        "year": 2024,
    },
    "service_agreements": {
        "slug": "gotene-samtjanstavtal",
        "title": "Samtjänstavtal",
        "municipality": GOTENE,
        "provider": "Götene bibliotek",
    },
}
JOINT = {"agreements", "contacts"}


def _changed(kind: str, text: str) -> dict[str, str]:
    """A change to the item's text (contacts have no summary: their role)."""
    return {"role": text} if kind == "contacts" else {"summary": text}


@dataclass
class Tokens:
    outsider: str  # covers none of the item's municipalities
    partial: str | None  # covers some (joint items only)
    whole: str  # covers every one
    admin: str


async def _tokens(kind: str) -> Tokens:
    if kind in JOINT:
        return Tokens(
            outsider=await token(Role.EDITOR, [STOCKHOLM]),
            partial=await token(Role.EDITOR, [GOTENE]),
            whole=await token(Role.EDITOR, [GOTENE], police_units=["lpo-medelpad"]),  # Ånge by its police area
            admin=await token(Role.ADMIN),
        )
    return Tokens(
        outsider=await token(Role.EDITOR, [ANGE]),
        partial=None,
        whole=await token(Role.EDITOR, [GOTENE]),
        admin=await token(Role.ADMIN),
    )


class Steps:
    """Sends one kind's writes and checks each outcome."""

    def __init__(self, client: httpx.AsyncClient, kind: str) -> None:
        self.client, self.kind = client, kind
        self.id = gid(TYPE_NAMES[kind], ITEMS[kind]["slug"])

    async def expect(self, outcome: str, query: str, variables: dict[str, Any], secret: str) -> dict[str, Any]:
        result = await mutate(self.client, query, variables, secret)
        assert result["outcome"] == outcome, (self.kind, query, result["problems"])
        if outcome == "DENIED":
            assert result["problems"][0]["field"] == "(access)"
        return result

    async def create(self, outcome: str, secret: str, **changes: Any) -> dict[str, Any]:
        return await self.expect(outcome, _create(self.kind), {"item": {**ITEMS[self.kind], **changes}}, secret)

    async def update(self, outcome: str, secret: str, revision: int, text: str, **changes: Any) -> dict[str, Any]:
        variables = {
            "id": self.id,
            "rev": revision,
            "item": {**ITEMS[self.kind], **_changed(self.kind, text), **changes},
        }
        return await self.expect(outcome, _update(self.kind), variables, secret)

    async def change(self, outcome: str, verb: str, secret: str) -> dict[str, Any]:
        return await self.expect(outcome, STATE_CHANGE[verb], {"id": self.id}, secret)

    async def revert(self, outcome: str, secret: str, to: int) -> dict[str, Any]:
        return await self.expect(outcome, REVERT, {"id": self.id, "to": to}, secret)

    async def delete(self, outcome: str, secret: str, revision: int) -> dict[str, Any]:
        return await self.expect(outcome, _delete(self.kind), {"id": self.id, "rev": revision}, secret)


@pytest.mark.parametrize("kind", list(ITEMS))
async def test_each_write_and_state_change_needs_one_municipality_for_drafts_and_all_for_anything_public(
    fresh: Database, kind: str
) -> None:
    tokens = await _tokens(kind)
    # For a joint item the editor of one party drafts; for the others the editor of its municipality.
    drafter = tokens.partial or tokens.whole
    limited = [t for t in (tokens.outsider, tokens.partial) if t]
    async with make_client() as client:
        steps = Steps(client, kind)
        await steps.create("DENIED", tokens.outsider)
        for secret in limited:
            await steps.create("DENIED", secret, status="PUBLISHED")  # creating it published is publishing
        assert (await steps.create("CREATED", drafter))["revision"] == 1
        await steps.update("DENIED", tokens.outsider, 1, "Utanför")
        assert (await steps.update("UPDATED", drafter, 1, "Första utkast"))["revision"] == 2
        for secret in limited:
            await steps.change("DENIED", "publish", secret)
            await steps.change("DENIED", "archive", secret)
            await steps.revert("DENIED", secret, 1)
            await steps.delete("DENIED", secret, 2)
        # Publishing also needs every side's approval (tests/test_editorial_review.py): an admin gives them here.
        await steps.expect("UPDATED", SUBMIT, {"id": steps.id, "rev": 2}, drafter)
        await steps.expect("UPDATED", APPROVE, {"id": steps.id, "rev": 2}, tokens.admin)
        assert (await steps.change("UPDATED", "publish", tokens.whole))["status"] == "PUBLISHED"  # revision 3
        await steps.update("DENIED", tokens.outsider, 3, "Ändrad efter publicering", status="PUBLISHED")
        for secret in limited:
            await steps.change("DENIED", "unpublish", secret)
        # A change of the published item is its pending revision, which one municipality's editor may make.
        await steps.update("UPDATED", drafter, 3, "Ändrad efter publicering", status="PUBLISHED")  # pending 4
        await steps.change("UPDATED", "unpublish", tokens.whole)  # 4: the pending revision is dropped
        await steps.change("UPDATED", "archive", tokens.whole)  # 5
        for secret in limited:  # an archived item is not a draft either
            await steps.update("DENIED", secret, 5, "Arkiverad", status="ARCHIVED")
        reverted = await steps.revert("UPDATED", tokens.whole, 1)  # 6, the first draft's content, still archived
        assert (reverted["revision"], reverted["status"]) == (6, "ARCHIVED")
        for secret in limited:
            await steps.delete("DENIED", secret, 6)
        assert (await steps.delete("DELETED", tokens.whole, 6))["revision"] == 7
        await steps.revert("DENIED", tokens.outsider, 6)  # bringing it back is reverting
        back = await steps.revert("CREATED", tokens.whole, 6)
        assert (back["revision"], back["status"]) == (8, "DRAFT")  # a non-admin brings it back as a draft
    numbers = await Revision.filter(item_type=kind, item_slug=ITEMS[kind]["slug"]).values_list("number", flat=True)
    assert sorted(int(str(n)) for n in numbers) == list(range(1, 9))  # every refusal wrote nothing


async def test_the_reported_escalations_by_a_gotene_editor_are_refused(fresh: Database) -> None:
    gotene = await token(Role.EDITOR, [GOTENE])
    admin = await token(Role.ADMIN)
    agreement = {**ITEMS["agreements"], "status": "PUBLISHED"}
    made_up = {
        "slug": "falsk-kontakt",
        "status": "PUBLISHED",
        "role": "Kommunpolis",
        "name": "Falsk Kontakt",
        "phone": "070-123 45 67",
        "municipalities": [GOTENE, ANGE, STOCKHOLM],
    }
    nowhere = {"slug": "kontakt-utan-kommun", "role": "Samordnare", "name": "Ingen Kommun"}
    async with make_client() as client:
        published = await mutate(client, _create("agreements"), {"item": agreement}, gotene)
        assert published["outcome"] == "DENIED"
        assert "every municipality" in published["problems"][0]["message"]
        assert "2260 is not" in published["problems"][0]["message"]

        contact = await mutate(client, _create("contacts"), {"item": made_up}, gotene)
        assert contact["outcome"] == "DENIED"
        assert "0180, 2260 are not" in contact["problems"][0]["message"]

        draft = await mutate(client, _create("contacts"), {"item": nowhere}, gotene)
        assert draft["outcome"] == "DENIED"
        assert "concerns no municipality" in draft["problems"][0]["message"]
        assert (await mutate(client, _create("contacts"), {"item": nowhere}, admin))["outcome"] == "CREATED"
        changed = {"item": {**nowhere, "name": "Ändrat Namn"}, "id": gid("Contact", nowhere["slug"]), "rev": 1}
        assert (await mutate(client, _update("contacts"), changed, gotene))["outcome"] == "DENIED"

        pages = await call(
            client,
            '{ ange: municipality(code: "2260") { agreements { slug } contacts { slug } }'
            ' stockholm: municipality(code: "0180") { contacts { slug } } }',
        )
    assert "falsk-kontakt" not in str(pages["data"]) and ITEMS["agreements"]["slug"] not in str(pages["data"])
    assert not await Agreement.filter(slug=agreement["slug"]).exists()
    assert not await Contact.filter(slug="falsk-kontakt").exists()
    assert (await seed_form("contacts", nowhere["slug"]))["name"] == "Ingen Kommun"


async def test_taking_a_draft_away_from_a_municipality_needs_that_municipality(fresh: Database) -> None:
    gotene = await token(Role.EDITOR, [GOTENE])
    admin = await token(Role.ADMIN)
    item = ITEMS["agreements"]
    variables = {"id": gid("Agreement", item["slug"]), "rev": 1}
    async with make_client() as client:
        assert (await mutate(client, _create("agreements"), {"item": item}, admin))["outcome"] == "CREATED"
        without_ange = {**item, "parties": ["gotene-kommun", "lokalpolisomrade-vastra-skaraborg"]}
        taken = await mutate(client, _update("agreements"), {**variables, "item": without_ange}, gotene)
        assert taken["outcome"] == "DENIED"
        assert "taking agreement 'gotene-ange-overenskommelse' away from 2260" in taken["problems"][0]["message"]
        # Adding to a draft is working on it: each party may.
        with_more = {**item, "parties": [*item["parties"], "gullspangs-kommun"]}
        assert (await mutate(client, _update("agreements"), {**variables, "item": with_more}, gotene))["ok"]

        # But not taking over another municipality's draft by adding itself: the old state counts too.
        ange_only = {**item, "slug": "ange-utkast", "parties": ["ange-kommun", "lokalpolisomrade-medelpad"]}
        assert (await mutate(client, _create("agreements"), {"item": ange_only}, admin))["outcome"] == "CREATED"
        taken_over = {**ange_only, "parties": [*ange_only["parties"], "gotene-kommun"]}
        variables = {"id": gid("Agreement", "ange-utkast"), "rev": 1, "item": taken_over}
        assert (await mutate(client, _update("agreements"), variables, gotene))["outcome"] == "DENIED"


SEES = """
query($slug: String!, $id: ID!, $commitment: ID!) {
  citizenPromise(slug: $slug, preview: true) { slug }
  citizenPromises(first: 100, preview: true) { totalCount edges { node { slug } } }
  municipality(code: "1471") { citizenPromises { slug } }
  node(id: $id) { id }
  commitment: node(id: $commitment) { id }
  search(query: "Hemlighetsfull", preview: true) { totalCount }
  editorialItems { id }
  published: citizenPromise(slug: "gotene-medborgarlofte-2019") { slug }
}"""
REVISIONS = "query($id: ID!) { revisions(id: $id) { number } }"
DIFF = "query($id: ID!) { revisionDiff(id: $id, from: 1, to: 2) { path } }"


async def _what_is_seen(client: httpx.AsyncClient, secret: str, slug: str) -> dict[str, Any]:
    promise_id = gid("CitizenPromise", slug)
    variables = {"slug": slug, "id": promise_id, "commitment": gid("Commitment", f"{slug}/polis-1")}
    body = await call(client, SEES, variables, secret)
    assert "errors" not in body, body["errors"]
    data = body["data"]
    revisions = await call(client, REVISIONS, {"id": promise_id}, secret)
    diff = await call(client, DIFF, {"id": promise_id}, secret)
    return {
        "one": data["citizenPromise"] is not None,
        "list": slug in [edge["node"]["slug"] for edge in data["citizenPromises"]["edges"]],
        "municipality": slug in [p["slug"] for p in data["municipality"]["citizenPromises"]],
        "node": data["node"] is not None,
        "commitment": data["commitment"] is not None,
        "search": data["search"]["totalCount"] > 0,
        "editorialItems": promise_id in [row["id"] for row in data["editorialItems"]],
        "revisions": "errors" not in revisions and len(revisions["data"]["revisions"]) == 2,
        "revisionDiff": "errors" not in diff and bool(diff["data"]["revisionDiff"]),
        "published": data["published"] is not None,
    }


async def test_an_out_of_scope_draft_is_hidden_alike_from_preview_search_history_and_editorial_items(
    fresh: Database,
) -> None:
    admin = await token(Role.ADMIN)
    ange = await token(Role.EDITOR, [ANGE])
    ange_reviewer = await token(Role.REVIEWER, [ANGE])
    gotene = await token(Role.EDITOR, [GOTENE])
    reviewer = await token(Role.REVIEWER)
    draft = {
        **ITEMS["citizen_promises"],
        "summary": "Hemlighetsfull plan för centrum.",
        "commitments": [{"key": "polis-1", "actor": "POLIS", "text": "Patrullera i centrum."}],
    }
    async with make_client() as client:
        assert (await mutate(client, _create("citizen_promises"), {"item": draft}, admin))["outcome"] == "CREATED"
        variables = {"id": gid("CitizenPromise", draft["slug"]), "rev": 1, "item": {**draft, "title": "Nytt namn"}}
        assert (await mutate(client, _update("citizen_promises"), variables, admin))["outcome"] == "UPDATED"
        seen = {
            name: await _what_is_seen(client, secret, draft["slug"])
            for name, secret in {
                "ange": ange,
                "ange-reviewer": ange_reviewer,
                "gotene": gotene,
                "all": reviewer,
            }.items()
        }
        outside = await call(client, REVISIONS, {"id": gid("CitizenPromise", draft["slug"])}, ange)
        unknown = await call(client, REVISIONS, {"id": gid("CitizenPromise", "finns-inte")}, ange)
    for name in ("ange", "ange-reviewer"):
        assert seen[name] == {**{key: False for key in seen[name]}, "published": True}, name
    for name in ("gotene", "all"):
        assert all(seen[name].values()), (name, seen[name])
    # Outside the scope reads exactly as an item that does not exist.
    message = outside["errors"][0]["message"]
    assert "no history this token may see" in message
    assert unknown["errors"][0]["message"] == message.replace(draft["slug"], "finns-inte")
