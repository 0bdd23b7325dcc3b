"""Token expiry and last use, through /graphql on both databases and through `samverkan token`."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.editorial.access import LAST_USED_EVERY, Role, create_token, parse_expiry
from models import ApiToken
from tests.conftest import ROOT, Database, QueryCounter, make_client

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
QUERY = {"query": "{ counties { code } }"}


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_expiry_is_hours_days_or_weeks_from_now_or_an_iso_date() -> None:
    assert parse_expiry("12h", NOW) == NOW + timedelta(hours=12)
    assert parse_expiry("90d", NOW) == NOW + timedelta(days=90)
    assert parse_expiry("2w", NOW) == NOW + timedelta(weeks=2)
    assert parse_expiry("2027-06-30", NOW) == datetime(2027, 6, 30, tzinfo=UTC)
    assert parse_expiry("2027-06-30T12:00:00+02:00", NOW) == datetime(2027, 6, 30, 10, tzinfo=UTC)
    wrong_ones = [("0d", "not in the future"), ("2020-01-01", "not in the future"), ("soon", "neither")]
    for wrong, why in [*wrong_ones, ("1.5d", "neither"), ("99999999999w", "too far")]:
        with pytest.raises(ValueError, match=why):
            parse_expiry(wrong, NOW)


async def test_an_expired_token_is_refused_with_401_saying_when(fresh: Database) -> None:
    expired = await create_token("utgangen", Role.EDITOR, ["1471"], expires_at=datetime.now(UTC) - timedelta(hours=1))
    valid = await create_token("giltig", Role.EDITOR, ["1471"], expires_at=datetime.now(UTC) + timedelta(days=1))
    stored = await ApiToken.get(name="utgangen")
    assert stored.expires_at is not None
    async with make_client() as client:
        refused = await client.post("/graphql", json=QUERY, headers=_auth(expired))
        accepted = await client.post("/graphql", json=QUERY, headers=_auth(valid))
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/")
    assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    message = refused.json()["errors"][0]["message"]
    assert message.startswith(f"token 'utgangen' expired on {stored.expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    assert refused.json().get("data") is None
    assert accepted.status_code == 200 and "errors" not in accepted.json()
    # A refused token is not "used".
    assert (await ApiToken.get(name="utgangen")).last_used_at is None


def _token_updates(counter: QueryCounter) -> list[str]:
    return [s for s in counter.statements if s.upper().startswith("UPDATE") and "api_token" in s]


async def test_a_token_s_last_use_is_written_at_most_once_a_minute(fresh: Database, sql_counter: QueryCounter) -> None:
    secret = await create_token("redaktion", Role.EDITOR, ["1471"])
    assert (await ApiToken.get(name="redaktion")).last_used_at is None
    async with make_client() as client:
        for _ in range(3):
            assert (await client.post("/graphql", json=QUERY, headers=_auth(secret))).status_code == 200
        first = (await ApiToken.get(name="redaktion")).last_used_at
        assert len(_token_updates(sql_counter)) == 1
        assert first is not None and abs(datetime.now(UTC) - first) < LAST_USED_EVERY

        # Once the stored time is over a minute old, the next request writes it again, once.
        earlier = first - LAST_USED_EVERY - timedelta(seconds=1)
        await ApiToken.filter(name="redaktion").update(last_used_at=earlier)
        sql_counter.statements.clear()
        for _ in range(2):
            assert (await client.post("/graphql", json=QUERY, headers=_auth(secret))).status_code == 200
    assert len(_token_updates(sql_counter)) == 1
    later = (await ApiToken.get(name="redaktion")).last_used_at
    assert later is not None and later > earlier + LAST_USED_EVERY


async def test_token_create_takes_expires_and_token_list_shows_expiry_and_last_use(fresh: Database) -> None:
    async def samverkan(*args: str) -> tuple[int, str, str]:
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "samverkan"),
            *args,
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": fresh.url},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        return int(process.returncode or 0), out.decode(), err.decode()

    code, out, err = await samverkan(
        "token", "create", "--role", "editor", "--municipality", "1471", "--name", "kvartal", "--expires", "90d"
    )
    assert code == 0, err
    expires = (await ApiToken.get(name="kvartal")).expires_at
    assert expires is not None and timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)
    assert f"expires {expires.astimezone(UTC):%Y-%m-%d %H:%M} UTC" in out
    await create_token("gammal", Role.REVIEWER, expires_at=datetime.now(UTC) - timedelta(days=1))
    async with make_client() as client:
        used = await client.post("/graphql", json=QUERY, headers=_auth(out.strip().splitlines()[-1]))
    assert used.status_code == 200
    used_at = (await ApiToken.get(name="kvartal")).last_used_at
    assert used_at is not None

    code, out, err = await samverkan("token", "list")
    assert code == 0, err
    lines = {line.split("\t")[0]: line.split("\t") for line in out.strip().splitlines()}
    assert lines["kvartal"][4:] == [
        f"active, expires {expires.astimezone(UTC):%Y-%m-%d %H:%M}",
        f"last used {used_at.astimezone(UTC):%Y-%m-%d %H:%M}",
    ]
    assert lines["gammal"][4].startswith("expired ") and lines["gammal"][5] == "never used"

    code, _, err = await samverkan("token", "create", "--role", "admin", "--name", "x", "--expires", "igår")
    assert code == 2 and "--expires: 'igår' is neither a duration" in err
