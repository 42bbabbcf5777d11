"""Odd input on every integrations route is a clear 4xx, never a 500: here the NUL
character, which JSON can carry (``\\u0000``) but PostgreSQL cannot store."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from apps.channels.models import Channel
from apps.integrations.models import IncomingWebhook
from apps.teams.models import Team
from tests.helpers import assert_error, bearer

NUL = "\u0000"
INVALID_BODY = "api.context.invalid_body_param.app_error"


def bodies(team: Team, channel: Channel) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, body) of each write, with a NUL in one of its strings."""
    command = {"team_id": team.id, "trigger": "deploy", "url": "http://example.test", "method": "P"}
    hook = {"team_id": team.id, "trigger_words": ["go"], "callback_urls": ["http://example.test"]}
    return [
        (
            "post",
            "/api/v4/commands/execute",
            {"command": f"/join ~{NUL}", "channel_id": channel.id},
        ),
        ("post", "/api/v4/commands/execute", {"command": f"/{NUL}", "channel_id": channel.id}),
        (
            "post",
            "/api/v4/commands/execute",
            {"command": "/me", "channel_id": channel.id, "team_id": NUL},
        ),
        ("post", "/api/v4/commands", {**command, "trigger": NUL}),
        ("post", "/api/v4/commands", {**command, "display_name": f"a{NUL}"}),
        ("post", "/api/v4/commands", {**command, "team_id": NUL}),
        ("post", "/api/v4/hooks/outgoing", {**hook, "trigger_words": [NUL]}),
        ("post", "/api/v4/hooks/outgoing", {**hook, "description": NUL}),
        ("post", "/api/v4/hooks/outgoing", {**hook, "team_id": NUL}),
        ("post", "/api/v4/hooks/incoming", {"channel_id": channel.id, "display_name": NUL}),
        ("put", "/api/v4/commands/" + "a" * 26 + "/move", {"team_id": NUL}),
    ]


@pytest.mark.parametrize("index", range(11))
def test_a_nul_character_in_a_body_is_a_400(
    client: Client, token: str, alpha: Team, town_square: Channel, index: int
) -> None:
    method, path, body = bodies(alpha, town_square)[index]
    resp = getattr(client, method)(
        path, data=json.dumps(body), content_type="application/json", **bearer(token)
    )
    assert_error(resp, 400, INVALID_BODY)


def test_a_nul_character_in_a_listing_filter_is_a_400(client: Client, token: str) -> None:
    assert_error(
        client.get("/api/v4/commands?team_id=%00", **bearer(token)),
        400,
        "api.context.invalid_url_param.app_error",
    )


def test_a_nul_character_in_a_webhook_payload_is_a_400(
    client: Client, hook: IncomingWebhook
) -> None:
    for body, content_type in [
        (json.dumps({"text": f"a{NUL}b"}), "application/json"),
        ("payload=" + json.dumps({"text": f"a{NUL}b"}), "application/x-www-form-urlencoded"),
    ]:
        resp = client.post(f"/hooks/{hook.id}", data=body, content_type=content_type)
        assert_error(resp, 400, "model.incoming_hook.parse_data.app_error")
    multipart = client.post(f"/hooks/{hook.id}", {"text": f"a{NUL}b"})
    assert_error(multipart, 400, "model.incoming_hook.parse_data.app_error")


def nested(depth: int) -> str:
    """A JSON payload whose props nest ``depth`` lists deep."""
    return '{"text": "deep", "props": {"a": ' + "[" * depth + "]" * depth + "}}"


@pytest.mark.parametrize("depth", [900, 100_000])
def test_a_deeply_nested_webhook_payload_is_a_400(
    client: Client, hook: IncomingWebhook, depth: int
) -> None:
    client.raise_request_exception = False
    resp = client.post(f"/hooks/{hook.id}", data=nested(depth), content_type="application/json")
    assert_error(resp, 400, "model.incoming_hook.parse_data.app_error")
