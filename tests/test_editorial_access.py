"""Who may write what: anonymous and wrongly scoped callers are refused and nothing changes."""

from __future__ import annotations

from api.editorial.access import Role
from models import Agreement, CitizenPromise, Revision
from models.enums import PublicationStatus
from tests.conftest import Database, make_client
from tests.editorial import (
    AGREEMENT_ANGE,
    AGREEMENT_GOTENE,
    APPROVE,
    PAYLOAD,
    PROMISE_GOTENE_2019,
    PUBLISH,
    SUBMIT,
    UNPUBLISH,
    UPDATE_AGREEMENT,
    call,
    gid,
    mutate,
    seed_form,
    token,
)

CREATE_PROMISE = f"mutation($item: JSON!) {{ citizenPromiseCreate(item: $item) {{ {PAYLOAD} }} }}"
DELETE_AGREEMENT = (
    f"mutation($id: ID!, $rev: Int!) {{ agreementDelete(id: $id, expectedRevision: $rev) {{ {PAYLOAD} }} }}"
)


async def _state() -> tuple[int, list[tuple[str, int, str]]]:
    rows = await Agreement.all().order_by("slug").values_list("slug", "revision", "title")
    return await Revision.all().count(), [tuple(row) for row in rows]  # type: ignore[misc]


async def test_anonymous_reviewer_and_other_scope_are_refused_and_nothing_changes(fresh: Database) -> None:
    gotene = await token(Role.EDITOR, ["1471"])
    reviewer = await token(Role.REVIEWER)
    before = await _state()
    ange = await seed_form("agreements", AGREEMENT_ANGE)
    changed = {**ange, "title": "Ändrad titel"}
    variables = {"id": gid("Agreement", AGREEMENT_ANGE), "rev": 1, "item": changed}
    async with make_client() as client:
        anonymous = await mutate(client, UPDATE_AGREEMENT, variables)
        assert anonymous["outcome"] == "DENIED" and not anonymous["ok"]
        assert anonymous["problems"][0]["field"] == "(access)"
        assert "needs a token" in anonymous["problems"][0]["message"]

        by_reviewer = await mutate(client, UPDATE_AGREEMENT, variables, reviewer)
        assert by_reviewer["outcome"] == "DENIED"
        assert "writes nothing" in by_reviewer["problems"][0]["message"]

        by_gotene = await mutate(client, UPDATE_AGREEMENT, variables, gotene)
        assert by_gotene["outcome"] == "DENIED"
        assert "2260" in by_gotene["problems"][0]["message"]

        # Nor may the Götene editor create content for Ånge, or delete Ånge's.
        promise = {
            "slug": "ange-medborgarlofte-2025",
            "title": "Medborgarlöfte Ånge 2025",
            "municipality": "2260",
            "period": {"start": "2025-01-01", "label": "2025"},
        }
        created = await mutate(client, CREATE_PROMISE, {"item": promise}, gotene)
        assert created["outcome"] == "DENIED"
        deleted = await mutate(client, DELETE_AGREEMENT, {"id": gid("Agreement", AGREEMENT_ANGE), "rev": 1}, gotene)
        assert deleted["outcome"] == "DENIED"

        # A Götene item may not be moved to Ånge either: both states must be in scope.
        gotene_promise = await seed_form("citizen_promises", PROMISE_GOTENE_2019)
        moved = await mutate(
            client,
            f"mutation($id: ID!, $item: JSON!) {{ citizenPromiseUpdate(id: $id, expectedRevision: 1, item: $item)"
            f" {{ {PAYLOAD} }} }}",
            {"id": gid("CitizenPromise", PROMISE_GOTENE_2019), "item": {**gotene_promise, "municipality": "2260"}},
            gotene,
        )
        assert moved["outcome"] == "DENIED"

        unknown = await client.post(
            "/graphql", json={"query": "{ counties { code } }"}, headers={"Authorization": "Bearer svk_nonsense"}
        )
        assert unknown.status_code == 401
        assert "unknown or revoked" in unknown.json()["errors"][0]["message"]
    assert await _state() == before
    assert not await CitizenPromise.filter(slug="ange-medborgarlofte-2025").exists()


async def test_gotene_editor_publishes_gotene_content_but_not_anges(fresh: Database) -> None:
    admin = await token(Role.ADMIN)
    gotene = await token(Role.EDITOR, ["1471"])
    async with make_client() as client:
        for slug in (AGREEMENT_GOTENE, AGREEMENT_ANGE):
            taken_back = await mutate(client, UNPUBLISH, {"id": gid("Agreement", slug)}, admin)
            assert (taken_back["outcome"], taken_back["status"]) == ("UPDATED", "DRAFT")

        # Once both sides approved (the review workflow: tests/test_editorial_review.py).
        police = await token(Role.EDITOR, police_units=["lpo-vastra-skaraborg"])
        step = {"id": gid("Agreement", AGREEMENT_GOTENE), "rev": 2}
        assert (await mutate(client, SUBMIT, step, gotene))["outcome"] == "UPDATED"
        for secret in (gotene, police):
            assert (await mutate(client, APPROVE, step, secret))["outcome"] == "UPDATED"
        published = await mutate(client, PUBLISH, {"id": gid("Agreement", AGREEMENT_GOTENE)}, gotene)
        assert (published["outcome"], published["status"], published["revision"]) == ("UPDATED", "PUBLISHED", 3)
        refused = await mutate(client, PUBLISH, {"id": gid("Agreement", AGREEMENT_ANGE)}, gotene)
        assert refused["outcome"] == "DENIED"

    statuses = dict(await Agreement.filter(slug__in=[AGREEMENT_GOTENE, AGREEMENT_ANGE]).values_list("slug", "status"))
    assert statuses == {AGREEMENT_GOTENE: PublicationStatus.PUBLISHED, AGREEMENT_ANGE: PublicationStatus.DRAFT}
    authors = await Revision.filter(item_slug=AGREEMENT_GOTENE).order_by("number").values_list("author", "summary")
    assert [author for author, _ in authors][1:] == ["admin-all-" + authors[1][0].rsplit("-", 1)[1], authors[2][0]]
    assert authors[2][0].startswith("editor-1471")


async def test_police_unit_editor_covers_units_below_it(fresh: Database) -> None:
    # Polisområde Skaraborg is above lokalpolisområde Västra Skaraborg (a party to Götene's agreement);
    # region Nord is above Medelpad (Ånge's).
    skaraborg = await token(Role.EDITOR, police_units=["polisomrade-skaraborg"])
    nord = await token(Role.EDITOR, police_units=["region-nord"])
    async with make_client() as client:
        own = await mutate(client, UNPUBLISH, {"id": gid("Agreement", AGREEMENT_GOTENE)}, skaraborg)
        assert own["outcome"] == "UPDATED"
        other = await mutate(client, UNPUBLISH, {"id": gid("Agreement", AGREEMENT_GOTENE)}, nord)
        assert other["outcome"] == "DENIED"
        ange = await mutate(client, UNPUBLISH, {"id": gid("Agreement", AGREEMENT_ANGE)}, nord)
        assert ange["outcome"] == "UPDATED"


async def test_invalid_item_reports_field_paths_and_writes_nothing(fresh: Database) -> None:
    admin = await token(Role.ADMIN)
    promise = {
        "slug": "gotene-medborgarlofte-2030",
        "title": "Medborgarlöfte 2030",
        "municipality": "1471",
        "period": {"start": "2030-01-01", "end": "2029-12-31", "label": "2030"},
        "commitments": [{"key": "polis-1", "actor": "POLISEN", "text": "Patrullera."}],
        "contacts": ["ingen-sadan-kontakt"],
    }
    async with make_client() as client:
        result = await mutate(client, CREATE_PROMISE, {"item": promise}, admin)
        body = await call(client, "{ counties { code } }")
    assert result["outcome"] == "INVALID"
    fields = {problem["field"] for problem in result["problems"]}
    assert {"period", "commitments[0].actor"} <= fields
    assert all(problem["message"] for problem in result["problems"])
    assert "errors" not in body
    assert not await CitizenPromise.filter(slug="gotene-medborgarlofte-2030").exists()
