"""What the web tests need: the built web assets (`make web`) and, for the browser test, node and
Debian's chromium. Missing pieces skip the test with the reason, except under CI=true, where
they fail it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import IN_CI, ROOT

WEB = ROOT / "web"
VENDOR = WEB / "dist" / "vendor"
NODE_MODULES = WEB / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")


def missing(what: str) -> None:
    message = f"{what}: run `make web` (npm ci in web/) and `apt-get install chromium`"
    if IN_CI:
        pytest.fail(message + " (CI=true: the web tests must run)")
    pytest.skip(message)


def require_assets() -> None:
    if not (VENDOR / "graphiql.min.js").is_file():
        missing(f"the web assets are not built ({VENDOR} is missing)")


def require_browser() -> str:
    """The node executable, once the browser test's tools are all there."""
    require_assets()
    node = shutil.which("node")
    if node is None:
        missing("node is not installed")
    if not (NODE_MODULES / "playwright-core").is_dir() or not (NODE_MODULES / "axe-core").is_dir():
        missing(f"playwright-core and axe-core are not in {NODE_MODULES}")
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is missing (Debian package chromium)")
    return str(node)
