"""The official JavaScript client (npm @mattermost/client, Client4) against the live server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.teams.services import team_create

CLIENT_DIR = Path(__file__).resolve().parent / "node"


def node_ready() -> bool:
    return (
        shutil.which("node") is not None
        and (CLIENT_DIR / "node_modules/@mattermost/client").exists()
    )


@pytest.fixture
def client4() -> Path:
    if not node_ready():
        if os.environ.get("CI"):
            pytest.fail("node and tests/clients/node/node_modules are needed in CI (npm ci)")
        pytest.skip("run `npm ci --prefix tests/clients/node` to test with Client4")
    return CLIENT_DIR / "posts_flow.js"


@pytest.mark.django_db(transaction=True)
def test_client4_creates_reads_patches_reacts_and_deletes(
    live_server: Any, user: User, client4: Path
) -> None:
    team = team_create(creator=user, display_name="Alpha", name="alpha", type="O")
    channel = Channel.objects.get(team=team, name="town-square")
    run = subprocess.run(
        ["node", str(client4), live_server.url, "alice", "passw0rd!", channel.id],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["me"] == user.id
    assert seen["created"]["message"] == "hello from Client4"
    assert seen["created"]["channel_id"] == channel.id
    assert seen["read"] == "hello from Client4"
    assert seen["patched"]["message"] == "edited by Client4"
    assert seen["patched"]["edit_at"] > 0
    assert seen["reaction"] == "thumbsup"
    assert seen["reactions"] == ["thumbsup"]
    assert seen["listed"] is True
    assert seen["deleted"] == {"status": "OK"}
