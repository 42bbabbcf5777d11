"""Running the official JavaScript clients (installed by `npm ci` in tests/clients/node)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CLIENT_DIR = Path(__file__).resolve().parent / "node"


def node_script(script: str, package: str) -> Path:
    """The path of ``script``, once node and the npm ``package`` it drives are installed.
    Outside CI a missing client skips the test; in CI it fails it."""
    if shutil.which("node") is None or not (CLIENT_DIR / "node_modules" / package).exists():
        if os.environ.get("CI"):
            pytest.fail("node and tests/clients/node/node_modules are needed in CI (npm ci)")
        pytest.skip("run `npm ci --prefix tests/clients/node` to test with the JS clients")
    return CLIENT_DIR / script
