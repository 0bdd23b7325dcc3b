"""Rate limits through the endpoint (both databases): 429 with Retry-After and a JSON error once a
client is over a rate, per token apart from per address, writes and expensive reads stricter
than reads, health checks never limited, a switch to turn it off, proxies trusted only when named."""

from __future__ import annotations

import httpx
from graphql import get_introspection_query

from api.editorial.access import Role
from api.settings import Settings
from seed.remote import Server
from tests.conftest import Database, make_client
from tests.editorial import token

CHEAP = {"query": '{ municipality(code: "1471") { name } }'}
WRITE = {"query": 'mutation { publish(id: "QWdyZWVtZW50Om5vcGU=") { outcome } }'}
EXPENSIVE = {"query": get_introspection_query()}  # estimated cost 27,000, over the 20,000 of "expensive"
# Rates per day in tests: the sliding window counter may let one more through where a window ends,
# which during a test of a second is a chance of 1 in 86,400.


def assert_limited(response: httpx.Response, rate: str, window: int = 86_400) -> None:
    assert response.status_code == 429, response.text[:300]
    assert 1 <= int(response.headers["retry-after"]) <= window
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert f"the limit is {rate} per client" in error["message"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": int(response.headers["retry-after"])}


async def test_a_client_over_its_read_rate_gets_429_with_retry_after_but_health_checks_answer(
    seeded: Database,
) -> None:
    async with make_client(Settings(rate_limit_reads="3/minute")) as client:
        for _ in range(3):
            assert (await client.post("/graphql", json=CHEAP)).status_code == 200
        # One more may pass if a minute ended meanwhile (see above); not two.
        statuses = [(await client.post("/graphql", json=CHEAP)).status_code for _ in range(2)]
        assert statuses[-1] == 429 and statuses[0] in {200, 429}
        assert_limited(await client.post("/graphql", json=CHEAP), "3/minute", window=60)
        assert_limited(await client.get("/graphql", params=CHEAP), "3/minute", window=60)
        assert_limited(await client.get("/export/README"), "3/minute", window=60)
        for _ in range(5):
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).status_code == 200


async def test_tokens_are_counted_apart_from_their_address_and_from_each_other(fresh: Database) -> None:
    first, second = await token(Role.REVIEWER), await token(Role.REVIEWER)
    async with make_client(Settings(rate_limit_reads="2/day")) as client:
        for _ in range(2):
            assert (await client.post("/graphql", json=CHEAP)).status_code == 200
        assert_limited(await client.post("/graphql", json=CHEAP), "2/day")
        for secret in (first, second):
            headers = {"authorization": f"Bearer {secret}"}
            for _ in range(2):
                assert (await client.post("/graphql", json=CHEAP, headers=headers)).status_code == 200
            assert_limited(await client.post("/graphql", json=CHEAP, headers=headers), "2/day")
        # Wrong tokens count against the address, which is spent: guessing is limited too.
        wrong = await client.post("/graphql", json=CHEAP, headers={"authorization": "Bearer svk_guess"})
        assert_limited(wrong, "2/day")


async def test_writes_and_expensive_reads_have_stricter_rates_than_reads(seeded: Database) -> None:
    settings = Settings(rate_limit_writes="2/day", rate_limit_expensive="1/day")
    async with make_client(settings) as client:
        for _ in range(2):
            answered = await client.post("/graphql", json=WRITE)
            assert answered.status_code == 200 and answered.json()["data"]["publish"]["outcome"] == "DENIED"
        assert_limited(await client.post("/graphql", json=WRITE), "2/day")
        assert (await client.post("/graphql", json=EXPENSIVE)).status_code == 200
        assert_limited(await client.post("/graphql", json=EXPENSIVE), "1/day")
        for _ in range(10):
            assert (await client.post("/graphql", json=CHEAP)).status_code == 200
    async with make_client(settings) as client:
        assert (await client.get("/export/commitments.json", params={"countyCode": "14"})).status_code == 200
        assert_limited(await client.get("/export/commitments.csv"), "1/day")
        assert (await client.get("/export/README")).status_code == 200


async def test_rate_limits_can_be_turned_off(seeded: Database) -> None:
    async with make_client(Settings(rate_limits=False, rate_limit_reads="1/day")) as client:
        for _ in range(5):
            assert (await client.post("/graphql", json=CHEAP)).status_code == 200


async def test_forwarded_addresses_are_ignored_unless_the_peer_is_a_trusted_proxy(seeded: Database) -> None:
    def spoofed(address: str) -> dict[str, str]:
        return {"x-forwarded-for": address}

    # The test client connects from 127.0.0.1: untrusted, every "client" below is that one address.
    async with make_client(Settings(rate_limit_reads="2/day")) as client:
        for address in ("192.0.2.1", "192.0.2.2"):
            assert (await client.post("/graphql", json=CHEAP, headers=spoofed(address))).status_code == 200
        assert_limited(await client.post("/graphql", json=CHEAP, headers=spoofed("192.0.2.3")), "2/day")

    trusted = Settings(rate_limit_reads="2/day", trusted_proxies=["127.0.0.0/8", "10.0.0.0/8"])
    async with make_client(trusted) as client:
        # The first address from the right that is not a trusted proxy: all three are 192.0.2.1, so
        # what a client writes in front of its own address is no use.
        for chain in ("192.0.2.1", "198.51.100.7, 192.0.2.1"):
            assert (await client.post("/graphql", json=CHEAP, headers=spoofed(chain))).status_code == 200
        limited = await client.post("/graphql", json=CHEAP, headers=spoofed("203.0.113.9, 192.0.2.1, 10.1.2.3"))
        assert_limited(limited, "2/day")
        assert (await client.post("/graphql", json=CHEAP, headers=spoofed("192.0.2.2"))).status_code == 200

    forwarded = Settings(rate_limit_reads="1/day", trusted_proxies=["127.0.0.1"], client_address_header="Forwarded")
    async with make_client(forwarded) as client:
        for value in ('for="[2001:db8::1]:4711"', "for=192.0.2.60;proto=https, for=127.0.0.1"):
            assert (await client.post("/graphql", json=CHEAP, headers={"forwarded": value})).status_code == 200
        again = await client.post("/graphql", json=CHEAP, headers={"forwarded": "for=192.0.2.60:1234"})
        assert_limited(again, "1/day")


def test_seed_push_waits_out_a_429_as_long_as_retry_after_says() -> None:
    answers = [
        httpx.Response(429, json={"errors": [{"message": "Too many writes"}]}, headers={"retry-after": "0"}),
        httpx.Response(429, json={"errors": [{"message": "Too many writes"}]}, headers={"retry-after": "0"}),
        httpx.Response(200, json={"data": {"publish": {"outcome": "UNCHANGED"}}}),
    ]
    sent: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop(0)

    remote = Server("http://samverkan.test", "svk_token")
    remote.client = httpx.Client(transport=httpx.MockTransport(server), headers=remote.client.headers)
    assert remote.call(WRITE["query"]) == {"publish": {"outcome": "UNCHANGED"}}
    assert len(sent) == 3 and all(r.headers["authorization"] == "Bearer svk_token" for r in sent)
