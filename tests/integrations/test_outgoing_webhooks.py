"""Outgoing webhooks managed over API v4 (/api/v4/hooks/outgoing). Firing them when a
post matches is tested in test_outgoing_webhook_calls.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from mattermostdriver import Driver

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.core.roles import ROLE_PERMISSIONS
from apps.integrations.models import CONTENT_TYPE_FORM, OutgoingWebhook
from apps.integrations.services import OutgoingHookSpec, outgoing_webhook_create
from apps.teams.models import Team
from apps.teams.services import team_create
from tests.helpers import assert_error, bearer

HOOKS = "/api/v4/hooks/outgoing"
URL = "https://example.com/hook"
HOOK_KEYS = {
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
    "username",
    "icon_url",
}
FORBIDDEN = "api.context.permissions.app_error"
NO_SESSION = "api.context.session_expired.app_error"
BAD_BODY = "api.context.invalid_body_param.app_error"
BAD_URL_PARAM = "api.context.invalid_url_param.app_error"
DISABLED = "api.outgoing_webhook.disabled.app_error"
MISSING = "app.webhooks.get_outgoing.app_error"


def make_hook(
    creator: User,
    team: Team,
    *,
    words: tuple[str, ...] = ("build",),
    urls: tuple[str, ...] = (URL,),
    channel: Channel | None = None,
    **fields: Any,
) -> OutgoingWebhook:
    spec = OutgoingHookSpec(trigger_words=list(words), callback_urls=list(urls), **fields)
    return outgoing_webhook_create(
        creator=creator, team_id=team.id, channel_id=channel.id if channel else "", spec=spec
    )


@pytest.fixture
def out_hook(user: User, alpha: Team) -> OutgoingWebhook:
    return make_hook(user, alpha, display_name="CI")


def send_json(client: Client, method: str, url: str, body: Any, token: str) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **bearer(token)
    )


def hook_body(team: Team, **changes: Any) -> dict[str, Any]:
    return {"team_id": team.id, "trigger_words": ["build"], "callback_urls": [URL], **changes}


def assert_forbidden_and_anonymous(client: Client, method: str, url: str, bob_token: str) -> None:
    """Nobody without a session, and a plain member of the team, may use ``url``."""
    assert_error(getattr(client, method)(url), 401, NO_SESSION)
    assert_error(getattr(client, method)(url, **bearer(bob_token)), 403, FORBIDDEN)


# --- create -------------------------------------------------------------------------


def test_create_answers_201_with_the_hook(
    client: Client, token: str, user: User, alpha: Team
) -> None:
    body = hook_body(alpha, display_name="CI", description="builds", trigger_when=1)
    resp = send_json(client, "post", HOOKS, body, token)
    assert resp.status_code == 201, resp.content
    hook = resp.json()
    assert set(hook) == HOOK_KEYS
    assert hook["creator_id"] == user.id
    assert hook["team_id"] == alpha.id
    assert hook["channel_id"] == ""
    assert hook["trigger_words"] == ["build"]
    assert hook["trigger_when"] == 1
    assert hook["callback_urls"] == [URL]
    assert hook["content_type"] == CONTENT_TYPE_FORM
    assert len(hook["token"]) == 26
    assert hook["delete_at"] == 0
    assert OutgoingWebhook.objects.get(pk=hook["id"]).display_name == "CI"


def test_create_for_one_channel_needs_no_trigger_words(
    client: Client, token: str, alpha: Team, town_square: Channel
) -> None:
    body = hook_body(alpha, trigger_words=[], channel_id=town_square.id)
    body["content_type"] = "application/json"
    resp = send_json(client, "post", HOOKS, body, token)
    assert resp.status_code == 201, resp.content
    assert resp.json()["channel_id"] == town_square.id
    assert resp.json()["trigger_words"] == []
    assert resp.json()["content_type"] == "application/json"


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        "not json",
        '{"trigger_words": "build"}',
        '{"callback_urls": [1]}',
        '{"trigger_when": "1"}',
        '{"trigger_when": true}',
        '{"trigger_when": 0.5}',
        '{"display_name": 3}',
    ],
)
def test_create_rejects_a_malformed_body(
    client: Client, token: str, alpha: Team, body: str
) -> None:
    resp = client.post(HOOKS, data=body, content_type="application/json", **bearer(token))
    assert_error(resp, 400, BAD_BODY)


@pytest.mark.parametrize(
    ("changes", "error_id"),
    [
        ({"callback_urls": []}, "model.outgoing_hook.is_valid.callback.app_error"),
        ({"callback_urls": [URL + "x" * 1100]}, "model.outgoing_hook.is_valid.callback.app_error"),
        ({"callback_urls": ["ftp://example.com/"]}, "model.outgoing_hook.is_valid.url.app_error"),
        ({"callback_urls": ["http://"]}, "model.outgoing_hook.is_valid.url.app_error"),
        ({"trigger_words": ["build", ""]}, "model.outgoing_hook.is_valid.trigger_words.app_error"),
        ({"trigger_words": ["w" * 1100]}, "model.outgoing_hook.is_valid.words.app_error"),
        ({"trigger_words": []}, "api.webhook.create_outgoing.triggers.app_error"),
        ({"trigger_when": 2}, "model.outgoing_hook.is_valid.content_type.app_error"),
        ({"trigger_when": -1}, "model.outgoing_hook.is_valid.content_type.app_error"),
        ({"display_name": "x" * 65}, "model.outgoing_hook.is_valid.display_name.app_error"),
        ({"description": "x" * 501}, "model.outgoing_hook.is_valid.description.app_error"),
        ({"content_type": "x" * 129}, "model.outgoing_hook.is_valid.content_type.app_error"),
        ({"username": "x" * 65}, "model.outgoing_hook.username.app_error"),
        ({"icon_url": "x" * 1025}, "model.outgoing_hook.icon_url.app_error"),
    ],
)
def test_create_validates_the_hook_as_upstream(
    client: Client, token: str, alpha: Team, changes: dict[str, Any], error_id: str
) -> None:
    resp = send_json(client, "post", HOOKS, hook_body(alpha, **changes), token)
    assert_error(resp, 400, error_id)
    assert not OutgoingWebhook.objects.exists()


def test_create_watches_only_public_channels_of_its_team(
    client: Client, token: str, user: User, alpha: Team, private_room: Channel
) -> None:
    resp = send_json(client, "post", HOOKS, hook_body(alpha, channel_id=private_room.id), token)
    # Mattermost answers a private channel with the "disabled" id, but as a 403.
    assert_error(resp, 403, DISABLED)
    beta = team_create(creator=user, display_name="Beta", name="beta", type="O")
    elsewhere = Channel.objects.get(team=beta, name="town-square")
    resp = send_json(client, "post", HOOKS, hook_body(alpha, channel_id=elsewhere.id), token)
    assert_error(resp, 403, "api.webhook.create_outgoing.permissions.app_error")
    resp = send_json(client, "post", HOOKS, hook_body(alpha, channel_id="a" * 26), token)
    assert_error(resp, 404, "app.channel.get.existing.app_error")


def test_create_refuses_a_hook_that_repeats_another(
    client: Client, token: str, out_hook: OutgoingWebhook, alpha: Team
) -> None:
    body = hook_body(alpha, trigger_words=["deploy", "build"])
    resp = send_json(client, "post", HOOKS, body, token)
    assert_error(resp, 400, "api.webhook.create_outgoing.intersect.app_error")
    body = hook_body(alpha, trigger_words=["deploy"])
    assert send_json(client, "post", HOOKS, body, token).status_code == 201


def test_create_needs_a_session(client: Client, alpha: Team) -> None:
    resp = client.post(HOOKS, data=json.dumps(hook_body(alpha)), content_type="application/json")
    assert_error(resp, 401, NO_SESSION)


def test_a_plain_member_may_not_create(client: Client, bob_token: str, alpha: Team) -> None:
    assert_error(send_json(client, "post", HOOKS, hook_body(alpha), bob_token), 403, FORBIDDEN)
    body = {**hook_body(alpha), "team_id": ""}
    assert_error(send_json(client, "post", HOOKS, body, bob_token), 403, FORBIDDEN)


def test_a_system_admin_is_told_about_a_bad_team(
    client: Client, admin: User, login: Callable[..., Any]
) -> None:
    token = login(admin)[1]
    resp = send_json(client, "post", HOOKS, {**hook_body(Team(id="x")), "team_id": "x"}, token)
    assert_error(resp, 400, "model.outgoing_hook.is_valid.team_id.app_error")
    resp = send_json(client, "post", HOOKS, hook_body(Team(id="b" * 26)), token)
    assert_error(resp, 404, "app.team.get.find.app_error")


def test_a_team_admin_may_create_a_hook_for_someone_else(
    client: Client, token: str, other_user: User, alpha: Team
) -> None:
    resp = send_json(client, "post", HOOKS, hook_body(alpha, creator_id=other_user.id), token)
    assert resp.status_code == 201, resp.content
    assert resp.json()["creator_id"] == other_user.id
    resp = send_json(client, "post", HOOKS, hook_body(alpha, creator_id="c" * 26), token)
    assert_error(resp, 404, "app.user.missing_account.const")


def test_create_is_501_when_outgoing_webhooks_are_off(
    client: Client, token: str, alpha: Team, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_outgoing_webhooks=False)
    assert_error(send_json(client, "post", HOOKS, hook_body(alpha), token), 501, DISABLED)


# --- list ---------------------------------------------------------------------------


def test_team_admin_lists_the_team_hooks(
    client: Client, token: str, out_hook: OutgoingWebhook, alpha: Team
) -> None:
    resp = client.get(HOOKS, {"team_id": alpha.id}, **bearer(token))
    assert resp.status_code == 200
    assert "ETag" not in resp  # Mattermost sets none on these lists
    (listed,) = resp.json()
    assert listed["id"] == out_hook.id
    assert listed["token"] == out_hook.token


def test_list_by_channel(
    client: Client, token: str, user: User, alpha: Team, town_square: Channel
) -> None:
    make_hook(user, alpha)
    mine = make_hook(user, alpha, words=(), channel=town_square)
    resp = client.get(HOOKS, {"channel_id": town_square.id}, **bearer(token))
    assert [h["id"] for h in resp.json()] == [mine.id]


def test_list_pages(client: Client, token: str, user: User, alpha: Team) -> None:
    ids = [make_hook(user, alpha, words=(f"w{n}",)).id for n in range(3)]
    query = {"team_id": alpha.id, "per_page": 2}
    first = client.get(HOOKS, {**query, "page": 0}, **bearer(token)).json()
    second = client.get(HOOKS, {**query, "page": 1}, **bearer(token)).json()
    assert [h["id"] for h in first + second] == ids


def test_a_system_admin_lists_every_hook_but_not_deleted_ones(
    client: Client, admin: User, login: Callable[..., Any], user: User, alpha: Team
) -> None:
    kept, gone = make_hook(user, alpha), make_hook(user, alpha, words=("x",))
    admin_token = login(admin)[1]
    client.delete(f"{HOOKS}/{gone.id}", **bearer(admin_token))
    assert [h["id"] for h in client.get(HOOKS, **bearer(admin_token)).json()] == [kept.id]


def test_a_plain_member_may_not_list(
    client: Client, bob_token: str, out_hook: OutgoingWebhook, alpha: Team, town_square: Channel
) -> None:
    for query in ({"team_id": alpha.id}, {"channel_id": town_square.id}, {}):
        resp = client.get(HOOKS, query, **bearer(bob_token))
        assert_error(resp, 403, FORBIDDEN)


@pytest.mark.parametrize("name", ["team_id", "channel_id"])
def test_list_rejects_a_malformed_id(client: Client, token: str, name: str) -> None:
    assert_error(client.get(HOOKS, {name: "nope"}, **bearer(token)), 400, BAD_URL_PARAM)


def test_list_needs_a_session(client: Client) -> None:
    assert_error(client.get(HOOKS), 401, NO_SESSION)


def test_list_is_501_when_off(
    client: Client, token: str, alpha: Team, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_outgoing_webhooks=False)
    assert_error(client.get(HOOKS, {"team_id": alpha.id}, **bearer(token)), 501, DISABLED)


def test_list_costs_the_same_for_one_hook_as_for_many(
    client: Client, token: str, user: User, alpha: Team, django_assert_max_num_queries: Any
) -> None:
    make_hook(user, alpha)
    query = {"team_id": alpha.id}
    with django_assert_max_num_queries(12) as one:
        assert len(client.get(HOOKS, query, **bearer(token)).json()) == 1
    for n in range(20):
        make_hook(user, alpha, words=(f"w{n}",))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(HOOKS, query, **bearer(token)).json()) == 21


def test_others_hooks_need_manage_others(
    client: Client,
    bob_token: str,
    other_user: User,
    out_hook: OutgoingWebhook,
    alpha: Team,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a team role that manages hooks but not others' hooks, bob manages his own
    hook and lists only it; alice's stays out of his reach."""
    team_user = ROLE_PERMISSIONS["team_user"] | {"manage_outgoing_webhooks"}
    monkeypatch.setitem(ROLE_PERMISSIONS, "team_user", team_user)
    own = make_hook(other_user, alpha, words=("bobs",))
    assert client.get(f"{HOOKS}/{own.id}", **bearer(bob_token)).status_code == 200
    listed = client.get(HOOKS, {"team_id": alpha.id}, **bearer(bob_token)).json()
    assert [h["id"] for h in listed] == [own.id]
    for method, suffix in (("get", ""), ("delete", ""), ("post", "/regen_token")):
        resp = getattr(client, method)(f"{HOOKS}/{out_hook.id}{suffix}", **bearer(bob_token))
        assert_error(resp, 403, FORBIDDEN)
    body = {"id": out_hook.id, **hook_body(alpha, trigger_words=["mine"])}
    resp = send_json(client, "put", f"{HOOKS}/{out_hook.id}", body, bob_token)
    assert_error(resp, 403, FORBIDDEN)
    resp = send_json(
        client, "post", HOOKS, hook_body(alpha, creator_id=out_hook.creator_id), bob_token
    )
    assert_error(resp, 403, FORBIDDEN)
    out_hook.refresh_from_db()
    assert (out_hook.delete_at, out_hook.trigger_words) == (0, ["build"])


# --- get, update, regenerate the token, delete --------------------------------------


def test_get_one_hook(client: Client, token: str, out_hook: OutgoingWebhook) -> None:
    resp = client.get(f"{HOOKS}/{out_hook.id}", **bearer(token))
    assert resp.status_code == 200
    assert resp.json()["display_name"] == "CI"
    assert "ETag" not in resp


@pytest.mark.parametrize(
    ("method", "suffix"), [("get", ""), ("delete", ""), ("post", "/regen_token")]
)
def test_single_hook_routes_refuse_unknown_malformed_and_foreign_callers(
    client: Client,
    token: str,
    bob_token: str,
    out_hook: OutgoingWebhook,
    mm_config: Callable[..., None],
    method: str,
    suffix: str,
) -> None:
    call = getattr(client, method)
    assert_error(call(f"{HOOKS}/{'b' * 26}{suffix}", **bearer(token)), 404, MISSING)
    assert_error(call(f"{HOOKS}/nope{suffix}", **bearer(token)), 400, BAD_URL_PARAM)
    assert_forbidden_and_anonymous(client, method, f"{HOOKS}/{out_hook.id}{suffix}", bob_token)
    mm_config(enable_outgoing_webhooks=False)
    assert_error(call(f"{HOOKS}/{out_hook.id}{suffix}", **bearer(token)), 501, DISABLED)


def test_update_replaces_the_hook_but_keeps_its_token_and_owner(
    client: Client,
    token: str,
    user: User,
    out_hook: OutgoingWebhook,
    alpha: Team,
    town_square: Channel,
) -> None:
    body = {
        "id": out_hook.id,
        "team_id": alpha.id,
        "channel_id": town_square.id,
        "trigger_words": ["deploy"],
        "trigger_when": 1,
        "callback_urls": ["http://example.org/a", "http://example.org/b"],
        "display_name": "Deploys",
        "content_type": "application/json",
        "token": "z" * 26,
        "creator_id": "y" * 26,
    }
    resp = send_json(client, "put", f"{HOOKS}/{out_hook.id}", body, token)
    assert resp.status_code == 200, resp.content
    hook = resp.json()
    assert hook["channel_id"] == town_square.id
    assert hook["trigger_words"] == ["deploy"]
    assert hook["trigger_when"] == 1
    assert hook["callback_urls"] == ["http://example.org/a", "http://example.org/b"]
    assert hook["display_name"] == "Deploys"
    assert hook["description"] == ""  # PUT replaces: an absent field is emptied
    assert (hook["token"], hook["creator_id"]) == (out_hook.token, user.id)
    assert hook["update_at"] >= out_hook.update_at


def test_update_checks_the_hook_like_create(
    client: Client,
    token: str,
    user: User,
    out_hook: OutgoingWebhook,
    alpha: Team,
    private_room: Channel,
) -> None:
    url = f"{HOOKS}/{out_hook.id}"
    resp = send_json(client, "put", url, hook_body(alpha, callback_urls=[]), token)
    assert_error(resp, 400, "model.outgoing_hook.is_valid.callback.app_error")
    resp = send_json(client, "put", url, hook_body(alpha, trigger_words=[]), token)
    assert_error(resp, 400, "api.webhook.create_outgoing.triggers.app_error")
    resp = send_json(client, "put", url, hook_body(alpha, channel_id=private_room.id), token)
    assert_error(resp, 403, "api.webhook.create_outgoing.not_open.app_error")
    make_hook(user, alpha, words=("deploy",))
    resp = send_json(client, "put", url, hook_body(alpha, trigger_words=["deploy"]), token)
    assert_error(resp, 400, "api.webhook.update_outgoing.intersect.app_error")
    # Its own words and URLs are no overlap.
    assert send_json(client, "put", url, hook_body(alpha), token).status_code == 200


def test_update_refuses_another_team_a_mismatched_id_and_bad_bodies(
    client: Client, token: str, out_hook: OutgoingWebhook, alpha: Team
) -> None:
    url = f"{HOOKS}/{out_hook.id}"
    resp = send_json(client, "put", url, {**hook_body(alpha), "team_id": "c" * 26}, token)
    assert_error(resp, 400, "api.webhook.team_mismatch.app_error")
    resp = send_json(client, "put", url, {**hook_body(alpha), "id": "d" * 26}, token)
    assert_error(resp, 400, BAD_BODY)
    resp = send_json(client, "put", url, hook_body(alpha, trigger_words="build"), token)
    assert_error(resp, 400, BAD_BODY)
    resp = send_json(client, "put", url, [], token)
    assert_error(resp, 400, BAD_BODY)


def test_update_of_unknown_or_malformed_hooks(
    client: Client, token: str, alpha: Team, mm_config: Callable[..., None]
) -> None:
    resp = send_json(client, "put", f"{HOOKS}/{'b' * 26}", hook_body(alpha), token)
    assert_error(resp, 404, MISSING)
    resp = send_json(client, "put", f"{HOOKS}/nope", hook_body(alpha), token)
    assert_error(resp, 400, BAD_URL_PARAM)
    mm_config(enable_outgoing_webhooks=False)
    resp = send_json(client, "put", f"{HOOKS}/{'b' * 26}", hook_body(alpha), token)
    assert_error(resp, 501, DISABLED)


def test_update_needs_a_session_and_the_right(
    client: Client, bob_token: str, out_hook: OutgoingWebhook, alpha: Team
) -> None:
    url = f"{HOOKS}/{out_hook.id}"
    resp = client.put(url, data=json.dumps(hook_body(alpha)), content_type="application/json")
    assert_error(resp, 401, NO_SESSION)
    assert_error(send_json(client, "put", url, hook_body(alpha), bob_token), 403, FORBIDDEN)


def test_regen_token_gives_a_new_token(
    client: Client, token: str, out_hook: OutgoingWebhook
) -> None:
    resp = client.post(f"{HOOKS}/{out_hook.id}/regen_token", **bearer(token))
    assert resp.status_code == 200, resp.content
    assert resp.json()["id"] == out_hook.id
    assert len(resp.json()["token"]) == 26
    assert resp.json()["token"] != out_hook.token
    out_hook.refresh_from_db()
    assert out_hook.token == resp.json()["token"]


def test_delete_stamps_the_hook(client: Client, token: str, out_hook: OutgoingWebhook) -> None:
    resp = client.delete(f"{HOOKS}/{out_hook.id}", **bearer(token))
    assert resp.status_code == 200
    assert resp.json() == {"status": "OK"}
    out_hook.refresh_from_db()
    assert out_hook.delete_at > 0
    assert out_hook.update_at == out_hook.delete_at
    assert_error(client.get(f"{HOOKS}/{out_hook.id}", **bearer(token)), 404, MISSING)


# --- admin and clients ----------------------------------------------------------------


def test_the_admin_lists_and_retires_outgoing_hooks(
    client: Client, admin: User, out_hook: OutgoingWebhook
) -> None:
    client.force_login(admin)
    page = client.get("/admin/integrations/outgoingwebhook/")
    assert page.status_code == 200
    assert b"CI" in page.content
    resp = client.post(
        "/admin/integrations/outgoingwebhook/",
        {"action": "retire", "_selected_action": [out_hook.id]},
    )
    assert resp.status_code == 302
    out_hook.refresh_from_db()
    assert out_hook.delete_at > 0


def test_the_client_config_reports_the_setting(
    client: Client, mm_config: Callable[..., None]
) -> None:
    """Clients offer outgoing webhooks only when the server says they are on."""
    config = client.get("/api/v3/general/client_props").json()
    assert config["EnableOutgoingWebhooks"] == "true"
    mm_config(enable_outgoing_webhooks=False)
    config = client.get("/api/v3/general/client_props").json()
    assert config["EnableOutgoingWebhooks"] == "false"


@pytest.mark.django_db(transaction=True)
def test_mattermostdriver_manages_outgoing_hooks(
    live_server: Any, user: User, other_user: User
) -> None:
    team = team_create(creator=user, display_name="Live", name="live", type="O")
    address = urlsplit(live_server.url)
    driver = Driver(
        {
            "url": address.hostname,
            "port": address.port,
            "scheme": "http",
            "login_id": "alice",
            "password": "passw0rd!",
            "timeout": 10,
        }
    )
    driver.login()
    hooks = driver.webhooks
    created = hooks.create_outgoing_hook(
        {"team_id": team.id, "trigger_words": ["ship"], "callback_urls": [URL]}
    )
    assert created["creator_id"] == user.id
    assert [h["id"] for h in hooks.list_outgoing_hooks({"team_id": team.id})] == [created["id"]]
    assert hooks.get_outgoing_hook(created["id"])["trigger_words"] == ["ship"]
    updated = hooks.update_outgoing_hook(
        created["id"],
        {"id": created["id"], "trigger_words": ["sail"], "callback_urls": [URL]},
    )
    assert updated["trigger_words"] == ["sail"]
    # The driver's regenerate_token_outgoing_hook sends PUT; the route is POST upstream too.
    renewed = driver.client.post(f"/hooks/outgoing/{created['id']}/regen_token")
    assert renewed["token"] != created["token"]
    assert hooks.delete_outgoing_hook(created["id"]) == {"status": "OK"}
    assert hooks.list_outgoing_hooks({"team_id": team.id}) == []
