"""Against a really running server (uvicorn in a subprocess on a fresh database): concurrent
updates, and `samverkan seed push` / `seed pull` with an editor's token."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio

from api.editorial.access import Role, create_token
from models import Agreement, CitizenPromise, Contact, Review, Revision
from tests.conftest import ROOT, SEED_CONTENT, Database
from tests.editorial import AGREEMENT_ANGE, AGREEMENT_GOTENE, PAYLOAD, PROMISE_GOTENE_2019, gid, seed_form
from tests.servers import SAMVERKAN, running_server


@pytest_asyncio.fixture
async def server(fresh: Database) -> AsyncIterator[str]:
    async with running_server(fresh.url) as url:
        yield url


async def _samverkan(*args: str, database: Database | None = None) -> tuple[int, str, str]:
    env = {**os.environ}
    if database is not None:
        env["DATABASE_URL"] = database.url
    process = await asyncio.create_subprocess_exec(
        str(SAMVERKAN),
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return int(process.returncode or 0), out.decode(), err.decode()


async def test_two_concurrent_updates_from_one_revision_give_one_success_one_conflict(
    fresh: Database, server: str
) -> None:
    secret = await create_token("gotene-redaktion", Role.EDITOR, ["1471"])
    item = await seed_form("agreements", AGREEMENT_GOTENE)
    query = f"""mutation($id: ID!, $item: JSON!) {{
      agreementUpdate(id: $id, expectedRevision: 1, item: $item) {{ {PAYLOAD} }}
    }}"""
    headers = {"Authorization": f"Bearer {secret}"}
    async with httpx.AsyncClient(base_url=server, headers=headers, timeout=30) as client:

        async def update(title: str) -> dict[str, object]:
            variables = {"id": gid("Agreement", AGREEMENT_GOTENE), "item": {**item, "title": title}}
            response = await client.post("/graphql", json={"query": query, "variables": variables})
            assert response.status_code == 200, response.text
            return response.json()["data"]["agreementUpdate"]  # type: ignore[no-any-return]

        first, second = await asyncio.gather(update("Version A"), update("Version B"))
    assert sorted([str(first["outcome"]), str(second["outcome"])]) == ["CONFLICT", "UPDATED"]
    winner = first if first["outcome"] == "UPDATED" else second
    # An editor's change of the published agreement is its pending revision: the live row stays.
    stored = await Agreement.get(slug=AGREEMENT_GOTENE)
    pending = await Review.get(item_type="agreements", item_slug=AGREEMENT_GOTENE)
    assert pending.snapshot is not None
    assert (stored.revision, pending.revision, pending.snapshot["title"]) == (1, 2, winner["item"]["title"])  # type: ignore[index]
    assert await Revision.filter(item_slug=AGREEMENT_GOTENE).count() == 1


async def test_seed_push_writes_as_the_token_and_refuses_other_scopes(
    fresh: Database, server: str, tmp_path: Path
) -> None:
    code, out, err = await _samverkan(
        "token", "create", "--role", "editor", "--municipality", "1471", "--name", "gotene-push", database=fresh
    )
    assert code == 0, err
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("svk_") and secret not in (await _samverkan("token", "list", database=fresh))[1]

    files = tmp_path / "content"
    shutil.copytree(SEED_CONTENT, files)
    gotene = files / "gotene-medborgarlofte-2019.yaml"
    gotene.write_text(
        gotene.read_text(encoding="utf-8").replace("title: Medborgarlöfte 2019", "title: Medborgarlöfte 2019 (nytt)"),
        encoding="utf-8",
    )
    gotene.write_text(
        gotene.read_text(encoding="utf-8")
        + "\n  - slug: ny-kontakt-gotene\n    status: DRAFT\n    role: Trygghetssamordnare\n"
        + "    name: Kim Berg\n    municipalities: ['1471']\n",
        encoding="utf-8",
    )
    ange = files / "ange-samverkansoverenskommelse-2023-2026.yaml"
    ange.write_text(
        ange.read_text(encoding="utf-8").replace("mellan Polisen och Ånge kommun 2023 - 2026\n", "ÄNDRAD\n", 1),
        encoding="utf-8",
    )
    ange_before = await seed_form("agreements", AGREEMENT_ANGE)

    code, out, err = await _samverkan("seed", "push", str(files), "--url", server, "--token", secret)
    assert code == 1, out + err  # something was refused
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("1 created, 1 updated,"), out
    assert "refused" in summary and "0 conflict" in summary and "1 submitted for review" in summary
    assert AGREEMENT_ANGE in out and "2260" in out
    assert f"{PROMISE_GOTENE_2019}: submitted for review at revision 2" in out

    assert await seed_form("agreements", AGREEMENT_ANGE) == ange_before
    # Push does not publish: the change of the published promise is its pending revision, in review.
    promise = await CitizenPromise.get(slug=PROMISE_GOTENE_2019)
    assert (promise.title, promise.revision) == ("Medborgarlöfte 2019", 1)
    review = await Review.get(item_type="citizen_promises", item_slug=PROMISE_GOTENE_2019)
    assert review.snapshot is not None
    assert (review.state, review.revision, review.snapshot["title"]) == ("IN_REVIEW", 2, "Medborgarlöfte 2019 (nytt)")
    assert await Contact.filter(slug="ny-kontakt-gotene").exists()
    authors = await Revision.filter(item_slug__in=[PROMISE_GOTENE_2019, "ny-kontakt-gotene"], author="gotene-push")
    assert sorted((r.item_slug, r.number) for r in authors) == [("ny-kontakt-gotene", 1)]

    # A second push finds nothing to change in its scope.
    code, out, _ = await _samverkan("seed", "push", str(gotene), "--url", server, "--token", secret)
    assert code == 0 and out.strip().splitlines()[-1].startswith("0 created, 0 updated, 3 unchanged"), out

    # Pull writes the token's scope back to files, which validate and push as unchanged.
    pulled = tmp_path / "pulled"
    code, out, err = await _samverkan("seed", "pull", str(pulled), "--url", server, "--token", secret)
    assert code == 0, err
    texts = {path.name: path.read_text(encoding="utf-8") for path in pulled.glob("*.yaml")}
    assert "Medborgarlöfte 2019 (nytt)" in texts["gotene-medborgarlofte-2019.yaml"]
    assert not any("ange-" in name for name in texts) and "2260" not in "".join(texts.values())
    assert (pulled / ".samverkan-revisions.json").exists()
    code, out, err = await _samverkan("seed", "push", str(pulled), "--url", server, "--token", secret)
    assert code == 0, out + err
    assert " 0 updated" in out and "0 refused" in out

    code, out, _ = await _samverkan("token", "revoke", "gotene-push", database=fresh)
    assert code == 0
    code, out, err = await _samverkan("seed", "pull", str(pulled), "--url", server, "--token", secret)
    assert code == 1 and "unknown or revoked" in err
