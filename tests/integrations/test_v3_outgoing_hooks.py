"""Outgoing webhooks over API v3 (/api/v3/teams/{team_id}/hooks/outgoing/*), and their
round trip with API v4."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from apps.integrations.models import OutgoingWebhook
from apps.integrations.services import OutgoingHookSpec, outgoing_webhook_create
from apps.teams.models import Team
from tests.channels.v3_setup import FORBIDDEN, INVALID_PARAM, NO_SESSION, UNKNOWN_ID, V3World
from tests.helpers import assert_error, bearer
from tests.integrations.v3_helpers import grant_team_users, ok

pytestmark = pytest.mark.django_db

HOOK_KEYS = [
    "id",
    "token",
    "create_at",
    "update_at",
    "delete_at",
    "creator_id",
    "channel_id",
    "team_id",
    "trigger_words",
    "trigger_when",
    "callback_urls",
    "display_name",
    "description",
    "content_type",
]
DISABLED = "api.outgoing_webhook.disabled.app_error"
MISSING = "app.webhooks.get_outgoing.app_error"
MISMATCH = "api.webhook.team_mismatch.app_error"


def hooks(v3: V3World, team: Team | None = None) -> str:
    return f"/teams/{(team or v3.team).id}/hooks/outgoing"


def new_hook(**fields: Any) -> dict[str, Any]:
    return {"trigger_words": ["build"], "callback_urls": ["http://example.test/hook"], **fields}


def make_hook(v3: V3World, creator: str = "alice", word: str = "build") -> OutgoingWebhook:
    spec = OutgoingHookSpec(
        trigger_words=[word],
        callback_urls=["http://example.test/hook"],
        username="robot",
        icon_url="http://example.test/robot.png",
    )
    return outgoing_webhook_create(
        creator=getattr(v3, creator), team_id=v3.team.id, channel_id="", spec=spec
    )


@pytest.fixture
def bot(v3: V3World) -> OutgoingWebhook:
    return make_hook(v3)


# --- create ---------------------------------------------------------------------------


def test_create_answers_the_hook_in_4_10_shape(v3: V3World) -> None:
    body = new_hook(channel_id=v3.dev.id, team_id=v3.beta.id, creator_id=v3.bob.id, trigger_when=1)
    hook = ok(v3.api("alice").post(f"{hooks(v3)}/create", body))
    assert list(hook) == HOOK_KEYS
    assert (hook["team_id"], hook["creator_id"], hook["channel_id"]) == (
        v3.team.id,
        v3.alice.id,
        v3.dev.id,
    )
    assert (hook["trigger_words"], hook["trigger_when"]) == (["build"], 1)
    assert hook["content_type"] == "application/x-www-form-urlencoded"
    assert len(hook["token"]) == 26


@pytest.mark.parametrize(
    "raw",
    ["[]", "nope", '{"trigger_words": "build"}', '{"trigger_when": "1"}', '{"display_name": 1}'],
)
def test_create_with_a_body_of_the_wrong_shape_is_400(v3: V3World, raw: str) -> None:
    assert_error(v3.api("alice").post(f"{hooks(v3)}/create", raw=raw), 400, INVALID_PARAM)


def test_create_checks_the_fields_as_v4_does(v3: V3World, bot: OutgoingWebhook) -> None:
    api = v3.api("alice")
    resp = api.post(f"{hooks(v3)}/create", new_hook(callback_urls=["ftp://x"]))
    assert_error(resp, 400, "model.outgoing_hook.is_valid.url.app_error")
    resp = api.post(f"{hooks(v3)}/create", new_hook())
    assert_error(resp, 400, "api.webhook.create_outgoing.intersect.app_error")
    resp = api.post(f"{hooks(v3)}/create", new_hook(trigger_words=[]))
    assert_error(resp, 400, "api.webhook.create_outgoing.triggers.app_error")
    resp = api.post(f"{hooks(v3)}/create", new_hook(channel_id=v3.secret.id))
    assert_error(resp, 403, DISABLED)


def test_create_needs_a_session_membership_and_the_permission(v3: V3World) -> None:
    path = f"{hooks(v3)}/create"
    assert_error(v3.api(None).post(path, new_hook()), 401, NO_SESSION)
    assert_error(v3.api("carol").post(path, new_hook()), 403, FORBIDDEN)
    assert_error(v3.api("bob").post(path, new_hook()), 403, FORBIDDEN)


def test_create_is_501_when_outgoing_webhooks_are_off(
    v3: V3World, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_outgoing_webhooks=False)
    assert_error(v3.api("alice").post(f"{hooks(v3)}/create", new_hook()), 501, DISABLED)


# --- update ---------------------------------------------------------------------------


def test_update_replaces_what_4_10_knew_and_keeps_the_rest(
    v3: V3World, bot: OutgoingWebhook
) -> None:
    body = new_hook(id=bot.id, trigger_words=["ship"], display_name="Ship", token="mine")
    hook = ok(v3.api("alice").post(f"{hooks(v3)}/update", body))
    assert list(hook) == HOOK_KEYS
    assert (hook["trigger_words"], hook["display_name"]) == (["ship"], "Ship")
    assert hook["token"] == bot.token
    stored = OutgoingWebhook.objects.get(pk=bot.id)
    assert (stored.username, stored.icon_url) == ("robot", "http://example.test/robot.png")


def test_update_of_an_unknown_hook_is_404_and_of_another_team_403(
    v3: V3World, bot: OutgoingWebhook
) -> None:
    api = v3.api("alice")
    assert_error(api.post(f"{hooks(v3)}/update", new_hook(id=UNKNOWN_ID)), 404, MISSING)
    resp = api.post(f"{hooks(v3, v3.beta)}/update", new_hook(id=bot.id))
    assert_error(resp, 403, MISMATCH)


def test_update_of_someone_elses_hook_needs_the_others_right(
    v3: V3World, bot: OutgoingWebhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = new_hook(id=bot.id, display_name="mine")
    assert_error(v3.api("bob").post(f"{hooks(v3)}/update", body), 403, FORBIDDEN)
    grant_team_users(monkeypatch, "manage_outgoing_webhooks")
    assert_error(v3.api("bob").post(f"{hooks(v3)}/update", body), 403, FORBIDDEN)
    assert OutgoingWebhook.objects.get(pk=bot.id).display_name == ""


def test_update_with_bad_input_is_400_without_session_401_and_off_501(
    v3: V3World, bot: OutgoingWebhook, mm_config: Callable[..., None]
) -> None:
    path = f"{hooks(v3)}/update"
    assert_error(v3.api(None).post(path, new_hook(id=bot.id)), 401, NO_SESSION)
    assert_error(v3.api("alice").post(path, raw="[]"), 400, INVALID_PARAM)
    resp = v3.api("alice").post(path, new_hook(id=bot.id, trigger_when=7))
    assert_error(resp, 400, "model.outgoing_hook.is_valid.content_type.app_error")
    mm_config(enable_outgoing_webhooks=False)
    assert_error(v3.api("alice").post(path, new_hook(id=bot.id)), 501, DISABLED)


# --- regen_token and delete -----------------------------------------------------------


def test_regen_token_answers_the_hook_with_a_new_token(v3: V3World, bot: OutgoingWebhook) -> None:
    hook = ok(v3.api("alice").post(f"{hooks(v3)}/regen_token", {"id": bot.id}))
    assert list(hook) == HOOK_KEYS
    assert hook["token"] != bot.token
    assert OutgoingWebhook.objects.get(pk=bot.id).token == hook["token"]


def test_regen_token_of_another_teams_hook_is_403(v3: V3World, bot: OutgoingWebhook) -> None:
    resp = v3.api("alice").post(f"{hooks(v3, v3.beta)}/regen_token", {"id": bot.id})
    assert_error(resp, 403, MISMATCH)


def test_delete_echoes_the_request_and_the_hook_is_gone(v3: V3World, bot: OutgoingWebhook) -> None:
    assert ok(v3.api("alice").post(f"{hooks(v3)}/delete", {"id": bot.id})) == {"id": bot.id}
    assert OutgoingWebhook.objects.get(pk=bot.id).delete_at > 0
    assert_error(v3.api("alice").post(f"{hooks(v3)}/delete", {"id": bot.id}), 404, MISSING)


@pytest.mark.parametrize("route", ["regen_token", "delete"])
def test_id_routes_check_the_body_and_permissions(
    v3: V3World,
    bot: OutgoingWebhook,
    route: str,
    mm_config: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = f"{hooks(v3)}/{route}"
    assert_error(v3.api(None).post(path, {"id": bot.id}), 401, NO_SESSION)
    assert_error(v3.api("alice").post(path, {}), 400, INVALID_PARAM)
    assert_error(v3.api("alice").post(path, {"id": True}), 400, INVALID_PARAM)
    assert_error(v3.api("alice").post(path, {"id": UNKNOWN_ID}), 404, MISSING)
    assert_error(v3.api("carol").post(path, {"id": bot.id}), 403, FORBIDDEN)
    assert_error(v3.api("bob").post(path, {"id": bot.id}), 403, FORBIDDEN)
    grant_team_users(monkeypatch, "manage_outgoing_webhooks")
    assert_error(v3.api("bob").post(path, {"id": bot.id}), 403, FORBIDDEN)
    mm_config(enable_outgoing_webhooks=False)
    assert_error(v3.api("alice").post(path, {"id": bot.id}), 501, DISABLED)
    stored = OutgoingWebhook.objects.get(pk=bot.id)
    assert (stored.token, stored.delete_at) == (bot.token, 0)


# --- list -----------------------------------------------------------------------------


def test_list_shows_the_team_hooks_oldest_first(v3: V3World, bot: OutgoingWebhook) -> None:
    later = make_hook(v3, word="ship")
    # Made in the same millisecond as ``bot`` perhaps: make it later for sure.
    OutgoingWebhook.objects.filter(pk=later.pk).update(create_at=bot.create_at + 1)
    listing = ok(v3.api("alice").get(f"{hooks(v3)}/list"))
    assert [hook["id"] for hook in listing] == [bot.id, later.id]
    assert all(list(hook) == HOOK_KEYS for hook in listing)
    assert ok(v3.api("alice").get(f"{hooks(v3, v3.beta)}/list")) == []


def test_list_shows_a_manager_only_their_own_without_the_others_right(
    v3: V3World, bot: OutgoingWebhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    grant_team_users(monkeypatch, "manage_outgoing_webhooks")
    mine = make_hook(v3, creator="bob", word="mine")
    assert [hook["id"] for hook in ok(v3.api("bob").get(f"{hooks(v3)}/list"))] == [mine.id]


def test_list_needs_the_permission_then_the_feature(
    v3: V3World, mm_config: Callable[..., None]
) -> None:
    path = f"{hooks(v3)}/list"
    assert_error(v3.api(None).get(path), 401, NO_SESSION)
    assert_error(v3.api("carol").get(path), 403, FORBIDDEN)
    assert_error(v3.api("bob").get(path), 403, FORBIDDEN)
    mm_config(enable_outgoing_webhooks=False)
    assert_error(v3.api("alice").get(path), 501, DISABLED)


def test_list_costs_the_same_for_one_hook_as_for_many(
    v3: V3World, bot: OutgoingWebhook, django_assert_max_num_queries: Any
) -> None:
    api = v3.api("alice")
    with django_assert_max_num_queries(12) as one:
        ok(api.get(f"{hooks(v3)}/list"))
    for index in range(5):
        make_hook(v3, word=f"word{index}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(ok(api.get(f"{hooks(v3)}/list"))) == 6


# --- v3 and v4 ------------------------------------------------------------------------


def test_a_hook_made_on_v3_is_read_and_changed_on_v4_and_back(v3: V3World) -> None:
    made = ok(v3.api("alice").post(f"{hooks(v3)}/create", new_hook()))
    auth = bearer(v3.tokens["alice"])
    on_v4 = v3.client.get(f"/api/v4/hooks/outgoing/{made['id']}", **auth)
    assert on_v4.status_code == 200
    assert {key: on_v4.json()[key] for key in HOOK_KEYS} == made
    changed = {**on_v4.json(), "trigger_words": ["deploy"], "username": "robot"}
    resp = v3.client.put(
        f"/api/v4/hooks/outgoing/{made['id']}",
        json.dumps(changed),
        content_type="application/json",
        **auth,
    )
    assert resp.status_code == 200, resp.content
    (back,) = ok(v3.api("alice").get(f"{hooks(v3)}/list"))
    assert back["trigger_words"] == ["deploy"]
    assert "username" not in back
