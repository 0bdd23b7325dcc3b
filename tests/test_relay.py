"""Relay conformance: relay-compiler (npm, tests/relay/) compiles a `@refetchable` fragment (which
needs exactly `node(id: ID!): Node` on Query) and a `@connection` against the schema the server
serves, read by introspection. Without the npm package the test skips (under CI=true: fails)."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from graphql import build_client_schema, get_introspection_query, print_schema

from tests.conftest import IN_CI, ROOT, Database, graphql, make_client

RELAY = ROOT / "tests" / "relay"
COMPILER = RELAY / "node_modules" / ".bin" / "relay-compiler"


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_relay_compiler_accepts_the_served_schema(seeded: Database, tmp_path: Path) -> None:
    if shutil.which("node") is None or not COMPILER.exists():
        reason = "node or the relay-compiler npm package is missing (run `make test-tools`)"
        if IN_CI:
            pytest.fail(reason + " under CI=true")
        pytest.skip(reason)
    async with make_client() as client:
        introspection = await graphql(client, get_introspection_query())
    served = print_schema(build_client_schema(introspection))  # type: ignore[arg-type]
    (tmp_path / "schema.graphql").write_text(served, encoding="utf-8")
    shutil.copytree(RELAY / "src", tmp_path / "src")
    config = {"src": "./src", "schema": "./schema.graphql", "language": "javascript"}
    (tmp_path / "relay.config.json").write_text(json.dumps(config), encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        str(COMPILER),
        "relay.config.json",
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, out.decode()
    generated = {path.name for path in (tmp_path / "src" / "__generated__").iterdir()}
    assert {"PromiseCardRefetchQuery.graphql.js", "PromiseListPaginationQuery.graphql.js"} <= generated
    refetch = (tmp_path / "src" / "__generated__" / "PromiseCardRefetchQuery.graphql.js").read_text(encoding="utf-8")
    assert "node(id: $id)" in refetch
