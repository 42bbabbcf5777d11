"""The classic v3 JavaScript client (npm mattermost@3.4.0) against the live server."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from apps.posts.models import Post
from tests.clients.conftest import node_script


@pytest.mark.django_db(transaction=True)
def test_v3_client_signs_up_posts_edits_deletes_and_logs_out(live_server: Any) -> None:
    script = node_script("v3_flow.js", "mattermost")
    run = subprocess.run(
        ["node", str(script), live_server.url, "carol", "carol@example.com", "passw0rd!"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["logged_in"] == seen["user"]
    assert seen["token"] == 26
    assert seen["server_version"]
    assert seen["team"] == "classic"
    assert seen["channel"] == "old-school"
    assert seen["posted"]["message"] == "hello from the v3 client"
    assert seen["posted"]["pending_post_id"].endswith(":12345")
    assert seen["listed"] is True
    assert seen["read"] == "hello from the v3 client"
    assert seen["edited"] == "edited by the v3 client"
    assert seen["listed_after_delete"] is False
    assert seen["logged_out"] == seen["user"]
    assert seen["me_after_logout"] == "refused"
    # What the v3 client did is what the v4 data model holds.
    post = Post.objects.get(pk=seen["deleted"])
    assert post.message == "edited by the v3 client"
    assert post.edit_at > 0
    assert post.delete_at > 0
    assert post.user_id == seen["user"]
