"""Incoming webhooks over API v3 (/api/v3/teams/{team_id}/hooks/incoming/*), and their
round trip with API v4."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from apps.integrations.models import IncomingWebhook
from apps.integrations.services import incoming_webhook_create
from apps.teams.models import Team
from tests.channels.v3_setup import (
    FORBIDDEN,
    INVALID_PARAM,
    MISSING_CHANNEL,
    NO_SESSION,
    UNKNOWN_ID,
    V3World,
)
from tests.helpers import assert_error, bearer
from tests.integrations.v3_helpers import grant_team_users, ok

pytestmark = pytest.mark.django_db

HOOK_KEYS = [
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "user_id",
    "channel_id",
    "team_id",
    "display_name",
    "description",
    "username",
    "icon_url",
]
DISABLED = "api.incoming_webhook.disabled.app_error"
MISSING = "app.webhooks.get_incoming.app_error"


def hooks(v3: V3World, team: Team | None = None) -> str:
    return f"/teams/{(team or v3.team).id}/hooks/incoming"


@pytest.fixture
def ci(v3: V3World) -> IncomingWebhook:
    return incoming_webhook_create(
        creator=v3.alice, channel=v3.dev, display_name="CI", channel_locked=True
    )


# --- create ---------------------------------------------------------------------------


def test_create_answers_the_hook_in_4_10_shape(v3: V3World) -> None:
    body = {"channel_id": v3.dev.id, "display_name": "CI", "description": "builds"}
    hook = ok(v3.api("alice").post(f"{hooks(v3)}/create", body))
    assert list(hook) == HOOK_KEYS
    assert (hook["channel_id"], hook["team_id"], hook["user_id"]) == (
        v3.dev.id,
        v3.team.id,
        v3.alice.id,
    )
    assert (hook["display_name"], hook["description"]) == ("CI", "builds")
    assert IncomingWebhook.objects.filter(pk=hook["id"]).exists()


@pytest.mark.parametrize("raw", ["[]", "nope", '{"channel_id": 1}', '{"create_at": "x"}'])
def test_create_with_a_body_of_the_wrong_shape_is_400(v3: V3World, raw: str) -> None:
    assert_error(v3.api("alice").post(f"{hooks(v3)}/create", raw=raw), 400, INVALID_PARAM)


def test_create_checks_the_fields_as_v4_does(v3: V3World) -> None:
    body = {"channel_id": v3.dev.id, "display_name": "x" * 65}
    resp = v3.api("alice").post(f"{hooks(v3)}/create", body)
    assert_error(resp, 400, "model.incoming_hook.display_name.app_error")


def test_create_into_an_unknown_channel_is_404(v3: V3World) -> None:
    resp = v3.api("alice").post(f"{hooks(v3)}/create", {"channel_id": UNKNOWN_ID})
    assert_error(resp, 404, MISSING_CHANNEL)
    resp = v3.api("alice").post(f"{hooks(v3)}/create", {})
    assert_error(resp, 404, MISSING_CHANNEL)


def test_create_needs_a_session_membership_the_permission_and_the_room(
    v3: V3World, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = f"{hooks(v3)}/create"
    assert_error(v3.api(None).post(path, {"channel_id": v3.dev.id}), 401, NO_SESSION)
    assert_error(v3.api("carol").post(path, {"channel_id": v3.dev.id}), 403, FORBIDDEN)
    assert_error(v3.api("bob").post(path, {"channel_id": v3.dev.id}), 403, FORBIDDEN)
    grant_team_users(monkeypatch, "manage_incoming_webhooks")
    assert ok(v3.api("bob").post(path, {"channel_id": v3.dev.id}))["user_id"] == v3.bob.id
    # A private channel bob is not in stays closed to him.
    assert_error(v3.api("bob").post(path, {"channel_id": v3.secret.id}), 403, FORBIDDEN)


def test_create_is_501_when_incoming_webhooks_are_off(
    v3: V3World, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_incoming_webhooks=False)
    resp = v3.api("alice").post(f"{hooks(v3)}/create", {"channel_id": v3.dev.id})
    assert_error(resp, 501, DISABLED)


# --- update ---------------------------------------------------------------------------


def test_update_replaces_the_texts_and_channel_and_keeps_the_lock(
    v3: V3World, ci: IncomingWebhook
) -> None:
    body = {"id": ci.id, "channel_id": v3.square.id, "display_name": "CD", "user_id": "x"}
    hook = ok(v3.api("alice").post(f"{hooks(v3)}/update", body))
    assert list(hook) == HOOK_KEYS
    assert (hook["channel_id"], hook["display_name"], hook["user_id"]) == (
        v3.square.id,
        "CD",
        v3.alice.id,
    )
    assert hook["update_at"] >= ci.update_at
    assert IncomingWebhook.objects.get(pk=ci.id).channel_locked is True


def test_update_of_an_unknown_hook_is_404_and_of_another_team_400(
    v3: V3World, ci: IncomingWebhook
) -> None:
    api = v3.api("alice")
    resp = api.post(f"{hooks(v3)}/update", {"id": UNKNOWN_ID, "channel_id": v3.dev.id})
    assert_error(resp, 404, MISSING)
    resp = api.post(f"{hooks(v3, v3.beta)}/update", {"id": ci.id, "channel_id": v3.dev.id})
    assert_error(resp, 400, "api.webhook.team_mismatch.app_error")


def test_update_cannot_move_a_hook_to_another_teams_channel(
    v3: V3World, ci: IncomingWebhook
) -> None:
    beta_square = v3.beta.channels.get(name="town-square")
    resp = v3.api("alice").post(f"{hooks(v3)}/update", {"id": ci.id, "channel_id": beta_square.id})
    assert_error(resp, 400, "api.webhook.team_mismatch.app_error")
    resp = v3.api("alice").post(f"{hooks(v3)}/update", {"id": ci.id, "channel_id": UNKNOWN_ID})
    assert_error(resp, 404, MISSING_CHANNEL)


def test_update_of_someone_elses_hook_needs_the_others_right(
    v3: V3World, ci: IncomingWebhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"id": ci.id, "channel_id": v3.dev.id, "display_name": "mine"}
    assert_error(v3.api("bob").post(f"{hooks(v3)}/update", body), 403, FORBIDDEN)
    grant_team_users(monkeypatch, "manage_incoming_webhooks")
    assert_error(v3.api("bob").post(f"{hooks(v3)}/update", body), 403, FORBIDDEN)
    assert IncomingWebhook.objects.get(pk=ci.id).display_name == "CI"


def test_update_with_bad_input_is_400_without_session_401_and_off_501(
    v3: V3World, ci: IncomingWebhook, mm_config: Callable[..., None]
) -> None:
    path = f"{hooks(v3)}/update"
    body = {"id": ci.id, "channel_id": v3.dev.id}
    assert_error(v3.api(None).post(path, body), 401, NO_SESSION)
    assert_error(v3.api("alice").post(path, {**body, "id": 7}), 400, INVALID_PARAM)
    mm_config(enable_incoming_webhooks=False)
    assert_error(v3.api("alice").post(path, body), 501, DISABLED)


# --- delete ---------------------------------------------------------------------------


def test_delete_echoes_the_request_and_the_hook_is_gone(v3: V3World, ci: IncomingWebhook) -> None:
    assert ok(v3.api("alice").post(f"{hooks(v3)}/delete", {"id": ci.id})) == {"id": ci.id}
    assert IncomingWebhook.objects.get(pk=ci.id).delete_at > 0
    assert_error(v3.api("alice").post(f"{hooks(v3)}/delete", {"id": ci.id}), 404, MISSING)


def test_delete_checks_the_body_and_permissions(
    v3: V3World, ci: IncomingWebhook, mm_config: Callable[..., None]
) -> None:
    path = f"{hooks(v3)}/delete"
    assert_error(v3.api(None).post(path, {"id": ci.id}), 401, NO_SESSION)
    assert_error(v3.api("alice").post(path, {"id": ""}), 400, INVALID_PARAM)
    assert_error(v3.api("alice").post(path, {"id": [ci.id]}), 400, INVALID_PARAM)
    assert_error(v3.api("bob").post(path, {"id": ci.id}), 403, FORBIDDEN)
    assert_error(v3.api("carol").post(path, {"id": ci.id}), 403, FORBIDDEN)
    mm_config(enable_incoming_webhooks=False)
    assert_error(v3.api("alice").post(path, {"id": ci.id}), 501, DISABLED)
    assert IncomingWebhook.objects.get(pk=ci.id).delete_at == 0


# --- list -----------------------------------------------------------------------------


def test_list_shows_the_team_hooks_oldest_first(v3: V3World, ci: IncomingWebhook) -> None:
    later = incoming_webhook_create(creator=v3.alice, channel=v3.square)
    # Made in the same millisecond as ``ci`` perhaps: make it later for sure.
    IncomingWebhook.objects.filter(pk=later.pk).update(create_at=ci.create_at + 1)
    incoming_webhook_create(creator=v3.alice, channel=v3.beta.channels.get(name="off-topic"))
    listing = ok(v3.api("alice").get(f"{hooks(v3)}/list"))
    assert [hook["id"] for hook in listing] == [ci.id, later.id]
    assert all(list(hook) == HOOK_KEYS for hook in listing)


def test_list_shows_a_manager_only_their_own_without_the_others_right(
    v3: V3World, ci: IncomingWebhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    grant_team_users(monkeypatch, "manage_incoming_webhooks")
    mine = incoming_webhook_create(creator=v3.bob, channel=v3.dev)
    assert [hook["id"] for hook in ok(v3.api("bob").get(f"{hooks(v3)}/list"))] == [mine.id]


def test_list_needs_the_permission_then_the_feature(
    v3: V3World, mm_config: Callable[..., None]
) -> None:
    path = f"{hooks(v3)}/list"
    assert_error(v3.api(None).get(path), 401, NO_SESSION)
    assert_error(v3.api("carol").get(path), 403, FORBIDDEN)
    assert_error(v3.api("bob").get(path), 403, FORBIDDEN)
    mm_config(enable_incoming_webhooks=False)
    assert_error(v3.api("alice").get(path), 501, DISABLED)


def test_list_costs_the_same_for_one_hook_as_for_many(
    v3: V3World, ci: IncomingWebhook, django_assert_max_num_queries: Any
) -> None:
    api = v3.api("alice")
    with django_assert_max_num_queries(12) as one:
        ok(api.get(f"{hooks(v3)}/list"))
    for _ in range(5):
        incoming_webhook_create(creator=v3.bob, channel=v3.dev)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(ok(api.get(f"{hooks(v3)}/list"))) == 6


# --- v3 and v4 ------------------------------------------------------------------------


def test_a_hook_made_on_v3_is_read_and_changed_on_v4_and_back(v3: V3World) -> None:
    made = ok(v3.api("alice").post(f"{hooks(v3)}/create", {"channel_id": v3.dev.id}))
    auth = bearer(v3.tokens["alice"])
    on_v4 = v3.client.get(f"/api/v4/hooks/incoming/{made['id']}", **auth)
    assert on_v4.status_code == 200
    assert {key: on_v4.json()[key] for key in HOOK_KEYS} == made
    changed = {**on_v4.json(), "description": "from v4", "channel_locked": True}
    resp = v3.client.put(
        f"/api/v4/hooks/incoming/{made['id']}",
        json.dumps(changed),
        content_type="application/json",
        **auth,
    )
    assert resp.status_code == 200, resp.content
    (back,) = ok(v3.api("alice").get(f"{hooks(v3)}/list"))
    assert back["description"] == "from v4"
    assert "channel_locked" not in back


@pytest.mark.parametrize(
    "path",
    [
        "/teams/{team}/hooks/{hook}",  # posting through a hook here ended with 4.0
        "/teams/command_test",  # the test endpoints of the old server
        "/teams/command_test_e",
    ],
)
def test_routes_left_out_stay_unknown(v3: V3World, ci: IncomingWebhook, path: str) -> None:
    resp = v3.api("alice").post(path.format(team=v3.team.id, hook=ci.id), {"text": "hello"})
    assert resp.status_code == 404
    assert resp["Content-Type"] == "text/plain; charset=utf-8"
