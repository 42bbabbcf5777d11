"""The official JavaScript client (npm @mattermost/client, Client4) against the live server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.teams.services import team_create
from tests.clients.conftest import node_script


@pytest.fixture
def client4() -> Path:
    return node_script("posts_flow.js", "@mattermost/client")


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
