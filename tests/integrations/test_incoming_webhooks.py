"""Incoming webhooks: managing them over API v4 (/api/v4/hooks/incoming) and posting
through one (POST /hooks/{hook_id})."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.core.roles import ROLE_PERMISSIONS
from apps.integrations.models import IncomingWebhook
from apps.integrations.services import incoming_webhook_create
from apps.posts.models import Post
from apps.teams.models import Team
from tests.helpers import assert_error, bearer

HOOKS = "/api/v4/hooks/incoming"
HOOK_KEYS = {
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "channel_id",
    "description",
    "display_name",
    "user_id",
    "team_id",
    "username",
    "icon_url",
    "channel_locked",
}


def send_json(client: Client, method: str, url: str, body: Any, token: str) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **bearer(token)
    )


# --- create -------------------------------------------------------------------------


def test_create_answers_201_with_the_hook(
    client: Client, token: str, user: User, town_square: Channel
) -> None:
    body = {"channel_id": town_square.id, "display_name": "CI", "description": "builds"}
    resp = send_json(client, "post", HOOKS, body, token)
    assert resp.status_code == 201, resp.content
    hook = resp.json()
    assert set(hook) == HOOK_KEYS
    assert hook["channel_id"] == town_square.id
    assert hook["team_id"] == town_square.team_id
    assert hook["user_id"] == user.id
    assert hook["display_name"] == "CI"
    assert hook["channel_locked"] is False
    assert IncomingWebhook.objects.filter(pk=hook["id"]).exists()


@pytest.mark.parametrize("body", ["[]", "not json", '{"channel_locked": "yes"}'])
def test_create_rejects_a_bad_body(client: Client, token: str, alpha: Team, body: str) -> None:
    resp = client.post(HOOKS, data=body, content_type="application/json", **bearer(token))
    assert resp.status_code == 400


def test_create_rejects_an_overlong_display_name(
    client: Client, token: str, town_square: Channel
) -> None:
    body = {"channel_id": town_square.id, "display_name": "x" * 65}
    resp = send_json(client, "post", HOOKS, body, token)
    assert_error(resp, 400, "model.incoming_hook.display_name.app_error")


def test_create_for_an_unknown_channel_is_404(client: Client, token: str, alpha: Team) -> None:
    resp = send_json(client, "post", HOOKS, {"channel_id": "a" * 26}, token)
    assert_error(resp, 404, "app.channel.get.existing.app_error")


def test_create_needs_a_session(client: Client, town_square: Channel) -> None:
    resp = client.post(
        HOOKS, data=json.dumps({"channel_id": town_square.id}), content_type="application/json"
    )
    assert_error(resp, 401, "api.context.session_expired.app_error")


def test_a_plain_member_may_not_create(
    client: Client, bob_token: str, town_square: Channel
) -> None:
    resp = send_json(client, "post", HOOKS, {"channel_id": town_square.id}, bob_token)
    assert_error(resp, 403, "api.context.permissions.app_error")


def test_create_is_501_when_incoming_webhooks_are_off(
    client: Client, token: str, town_square: Channel, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_incoming_webhooks=False)
    resp = send_json(client, "post", HOOKS, {"channel_id": town_square.id}, token)
    assert_error(resp, 501, "api.incoming_webhook.disabled.app_error")


# --- list ---------------------------------------------------------------------------


def test_team_admin_lists_the_team_hooks(
    client: Client, token: str, hook: IncomingWebhook, alpha: Team
) -> None:
    resp = client.get(HOOKS, {"team_id": alpha.id}, **bearer(token))
    assert resp.status_code == 200
    assert [h["id"] for h in resp.json()] == [hook.id]


def test_list_pages(client: Client, token: str, user: User, town_square: Channel) -> None:
    ids = [incoming_webhook_create(creator=user, channel=town_square).id for _ in range(3)]
    query = {"team_id": town_square.team_id, "per_page": 2}
    first = client.get(HOOKS, {**query, "page": 0}, **bearer(token)).json()
    second = client.get(HOOKS, {**query, "page": 1}, **bearer(token)).json()
    assert len(first) == 2
    assert sorted(h["id"] for h in first + second) == sorted(ids)


def test_a_system_admin_lists_every_hook(
    client: Client, admin: User, login: Callable[..., Any], hook: IncomingWebhook
) -> None:
    resp = client.get(HOOKS, **bearer(login(admin)[1]))
    assert [h["id"] for h in resp.json()] == [hook.id]


def test_a_plain_member_may_not_list(
    client: Client, bob_token: str, hook: IncomingWebhook, alpha: Team
) -> None:
    resp = client.get(HOOKS, {"team_id": alpha.id}, **bearer(bob_token))
    assert_error(resp, 403, "api.context.permissions.app_error")
    assert_error(client.get(HOOKS, **bearer(bob_token)), 403, "api.context.permissions.app_error")


def test_list_rejects_a_bad_team_id(client: Client, token: str) -> None:
    assert_error(
        client.get(HOOKS, {"team_id": "nope"}, **bearer(token)),
        400,
        "api.context.invalid_url_param.app_error",
    )


def test_list_needs_a_session(client: Client) -> None:
    assert_error(client.get(HOOKS), 401, "api.context.session_expired.app_error")


def test_list_costs_the_same_for_one_hook_as_for_many(
    client: Client,
    token: str,
    user: User,
    town_square: Channel,
    django_assert_max_num_queries: Any,
) -> None:
    incoming_webhook_create(creator=user, channel=town_square)
    query = {"team_id": town_square.team_id}
    with django_assert_max_num_queries(12) as one:
        assert len(client.get(HOOKS, query, **bearer(token)).json()) == 1
    for _ in range(20):
        incoming_webhook_create(creator=user, channel=town_square)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(HOOKS, query, **bearer(token)).json()) == 21


# --- get, update, delete ------------------------------------------------------------


def test_get_one_hook(client: Client, token: str, hook: IncomingWebhook) -> None:
    resp = client.get(f"{HOOKS}/{hook.id}", **bearer(token))
    assert resp.status_code == 200
    assert resp.json()["display_name"] == "CI"


def test_get_an_unknown_or_deleted_hook_is_404(
    client: Client, token: str, hook: IncomingWebhook
) -> None:
    assert_error(
        client.get(f"{HOOKS}/{'b' * 26}", **bearer(token)),
        404,
        "app.webhooks.get_incoming.app_error",
    )
    client.delete(f"{HOOKS}/{hook.id}", **bearer(token))
    assert_error(
        client.get(f"{HOOKS}/{hook.id}", **bearer(token)),
        404,
        "app.webhooks.get_incoming.app_error",
    )


def test_get_rejects_a_malformed_id(client: Client, token: str) -> None:
    assert_error(
        client.get(f"{HOOKS}/nope", **bearer(token)),
        400,
        "api.context.invalid_url_param.app_error",
    )


def test_get_needs_a_session_and_the_right(
    client: Client, bob_token: str, hook: IncomingWebhook
) -> None:
    assert_error(client.get(f"{HOOKS}/{hook.id}"), 401, "api.context.session_expired.app_error")
    assert_error(
        client.get(f"{HOOKS}/{hook.id}", **bearer(bob_token)),
        403,
        "api.context.permissions.app_error",
    )


def test_others_hooks_need_manage_others(
    client: Client,
    bob_token: str,
    other_user: User,
    hook: IncomingWebhook,
    town_square: Channel,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a team role that manages hooks but not others' hooks, bob manages his own
    hook and lists only it; alice's stays out of his reach."""
    team_user = ROLE_PERMISSIONS["team_user"] | {"manage_incoming_webhooks"}
    monkeypatch.setitem(ROLE_PERMISSIONS, "team_user", team_user)
    own = incoming_webhook_create(creator=other_user, channel=town_square)
    assert client.get(f"{HOOKS}/{own.id}", **bearer(bob_token)).status_code == 200
    listed = client.get(HOOKS, {"team_id": town_square.team_id}, **bearer(bob_token)).json()
    assert [h["id"] for h in listed] == [own.id]
    resp = client.delete(f"{HOOKS}/{hook.id}", **bearer(bob_token))
    assert_error(resp, 403, "api.context.permissions.app_error")
    hook.refresh_from_db()
    assert hook.delete_at == 0


def test_update_changes_the_hook(
    client: Client, token: str, hook: IncomingWebhook, private_room: Channel
) -> None:
    body = {
        "id": hook.id,
        "channel_id": private_room.id,
        "display_name": "Deploys",
        "channel_locked": True,
    }
    resp = send_json(client, "put", f"{HOOKS}/{hook.id}", body, token)
    assert resp.status_code == 200, resp.content
    assert resp.json()["display_name"] == "Deploys"
    assert resp.json()["channel_id"] == private_room.id
    assert resp.json()["channel_locked"] is True
    assert resp.json()["update_at"] >= hook.update_at


def test_update_refuses_another_team(client: Client, token: str, hook: IncomingWebhook) -> None:
    body = {"channel_id": hook.channel_id, "team_id": "c" * 26}
    resp = send_json(client, "put", f"{HOOKS}/{hook.id}", body, token)
    assert_error(resp, 400, "api.webhook.team_mismatch.app_error")


def test_update_rejects_a_mismatched_id_and_bad_bodies(
    client: Client, token: str, hook: IncomingWebhook
) -> None:
    url = f"{HOOKS}/{hook.id}"
    resp = send_json(client, "put", url, {"id": "d" * 26, "channel_id": hook.channel_id}, token)
    assert_error(resp, 400, "api.context.invalid_body_param.app_error")
    resp = send_json(client, "put", url, {"channel_id": hook.channel_id, "username": 3}, token)
    assert_error(resp, 400, "api.context.invalid_body_param.app_error")


def test_update_by_a_plain_member_is_403(
    client: Client, bob_token: str, hook: IncomingWebhook
) -> None:
    body = {"channel_id": hook.channel_id}
    resp = send_json(client, "put", f"{HOOKS}/{hook.id}", body, bob_token)
    assert_error(resp, 403, "api.context.permissions.app_error")


def test_delete_is_soft_and_stops_the_url(
    client: Client, token: str, hook: IncomingWebhook
) -> None:
    resp = client.delete(f"{HOOKS}/{hook.id}", **bearer(token))
    assert resp.status_code == 200
    assert resp.json() == {"status": "OK"}
    hook.refresh_from_db()
    assert hook.delete_at > 0
    resp = Client().post(f"/hooks/{hook.id}", {"text": "hi"}, content_type="application/json")
    assert_error(resp, 400, "web.incoming_webhook.invalid.app_error")


def test_delete_by_a_plain_member_is_403(
    client: Client, bob_token: str, hook: IncomingWebhook
) -> None:
    resp = client.delete(f"{HOOKS}/{hook.id}", **bearer(bob_token))
    assert_error(resp, 403, "api.context.permissions.app_error")
    assert_error(client.delete(f"{HOOKS}/{hook.id}"), 401, "api.context.session_expired.app_error")


# --- posting through a hook ---------------------------------------------------------


def last_post(channel: Channel) -> Post:
    post = Post.objects.filter(channel=channel).order_by("-create_at").first()
    assert post is not None
    return post


def test_a_json_payload_posts_as_the_hook_creator(
    client: Client, hook: IncomingWebhook, user: User, town_square: Channel
) -> None:
    resp = client.post(
        f"/hooks/{hook.id}", {"text": "build passed"}, content_type="application/json"
    )
    assert resp.status_code == 200
    assert resp.content == b"ok"
    assert resp["Content-Type"] == "text/plain"
    post = last_post(town_square)
    assert post.message == "build passed"
    assert post.user_id == user.id
    assert post.props["from_webhook"] == "true"
    assert post.props["webhook_display_name"] == "CI"
    assert "override_username" not in post.props


def test_a_form_payload_field_posts(
    client: Client, hook: IncomingWebhook, town_square: Channel
) -> None:
    payload = json.dumps({"text": "from a form", "props": {"card": "details"}})
    resp = client.post(
        f"/hooks/{hook.id}",
        f"payload={payload}",
        content_type="application/x-www-form-urlencoded",
    )
    assert resp.status_code == 200, resp.content
    post = last_post(town_square)
    assert post.message == "from a form"
    assert post.props["card"] == "details"


def test_multipart_fields_post(client: Client, hook: IncomingWebhook, town_square: Channel) -> None:
    resp = client.post(f"/hooks/{hook.id}", {"text": "multipart"})
    assert resp.status_code == 200, resp.content
    assert last_post(town_square).message == "multipart"


def test_attachments_and_overrides_when_allowed(
    client: Client, hook: IncomingWebhook, town_square: Channel, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_post_username_override=True, enable_post_icon_override=True)
    attachments = [{"fallback": "f", "text": "details", "color": "#ff0000"}]
    body = {
        "attachments": attachments,
        "username": "ci-bot",
        "icon_url": "https://example.com/i.png",
        "icon_emoji": "robot",
    }
    resp = client.post(f"/hooks/{hook.id}", body, content_type="application/json")
    assert resp.status_code == 200, resp.content
    post = last_post(town_square)
    assert post.type == "slack_attachment"
    assert post.props["attachments"] == attachments
    assert post.props["override_username"] == "ci-bot"
    assert post.props["override_icon_url"] == "https://example.com/i.png"
    assert post.props["override_icon_emoji"] == "robot"


def test_payload_props_cannot_claim_overrides(
    client: Client, hook: IncomingWebhook, town_square: Channel
) -> None:
    props = {"override_username": "admin", "add_channel_member": {}, "card": "ok"}
    body = {"text": "sneaky", "props": props}
    resp = client.post(f"/hooks/{hook.id}", body, content_type="application/json")
    assert resp.status_code == 200
    post = last_post(town_square)
    assert post.props["card"] == "ok"
    assert "override_username" not in post.props
    assert "add_channel_member" not in post.props


def test_the_payload_may_name_another_channel(
    client: Client, hook: IncomingWebhook, private_room: Channel
) -> None:
    for name in ("private", "#private"):
        body = {"text": f"to {name}", "channel": name}
        resp = client.post(f"/hooks/{hook.id}", body, content_type="application/json")
        assert resp.status_code == 200, resp.content
        assert last_post(private_room).message == f"to {name}"


def test_a_locked_hook_posts_only_to_its_channel(
    client: Client, user: User, town_square: Channel, private_room: Channel
) -> None:
    locked = incoming_webhook_create(creator=user, channel=town_square, channel_locked=True)
    body = {"text": "elsewhere", "channel": "private"}
    resp = client.post(f"/hooks/{locked.id}", body, content_type="application/json")
    assert_error(resp, 403, "web.incoming_webhook.channel_locked.app_error")
    assert not Post.objects.filter(message="elsewhere").exists()
    body = {"text": "home", "channel": "town-square"}
    resp = client.post(f"/hooks/{locked.id}", body, content_type="application/json")
    assert resp.status_code == 200


def test_at_user_posts_a_direct_message(
    client: Client, hook: IncomingWebhook, other_user: User
) -> None:
    body = {"text": "psst", "channel": "@bob"}
    resp = client.post(f"/hooks/{hook.id}", body, content_type="application/json")
    assert resp.status_code == 200, resp.content
    post = Post.objects.get(message="psst")
    assert post.channel.type == "D"
    assert other_user.id in post.channel.name


def test_an_unknown_user_or_channel_is_refused(client: Client, hook: IncomingWebhook) -> None:
    url = f"/hooks/{hook.id}"
    body = {"text": "x", "channel": "@nobody"}
    resp = client.post(url, body, content_type="application/json")
    assert_error(resp, 400, "web.incoming_webhook.user.app_error")
    resp = client.post(url, {"text": "x", "channel": "nowhere"}, content_type="application/json")
    assert_error(resp, 404, "web.incoming_webhook.channel.app_error")


def test_the_creator_must_read_a_private_target(
    client: Client, other_user: User, town_square: Channel, private_room: Channel
) -> None:
    bobs = incoming_webhook_create(creator=other_user, channel=town_square)
    body = {"text": "sneak", "channel": "private"}
    resp = client.post(f"/hooks/{bobs.id}", body, content_type="application/json")
    assert_error(resp, 403, "web.incoming_webhook.permissions.app_error")


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1]",
        '{"text": 5}',
        '{"props": "x", "text": "a"}',
        '{"attachments": {}}',
        '{"attachments": ["x"]}',
        '{"attachments": [{"text": 5}]}',
    ],
)
def test_a_bad_payload_is_400(client: Client, hook: IncomingWebhook, body: str) -> None:
    resp = client.post(f"/hooks/{hook.id}", body, content_type="application/json")
    assert_error(resp, 400, "model.incoming_hook.parse_data.app_error")


def test_slack_markup_is_converted(
    client: Client, hook: IncomingWebhook, user: User, town_square: Channel
) -> None:
    body = {
        "text": f"<!channel> deploy by <@{user.id}>: <https://ci.example.com/7|build 7>",
        "attachments": [{"pretext": "<!here>", "fields": [{"title": "n", "value": 7}]}],
    }
    resp = client.post(f"/hooks/{hook.id}", body, content_type="application/json")
    assert resp.status_code == 200
    post = last_post(town_square)
    assert post.message == "@channel deploy by @alice: [build 7](https://ci.example.com/7)"
    (attachment,) = post.props["attachments"]
    assert attachment["pretext"] == "@here"
    assert attachment["fields"] == [{"title": "n", "value": "7"}]
    assert post.type == "slack_attachment"


def test_a_text_longer_than_a_post_is_split_over_posts(
    client: Client, hook: IncomingWebhook, town_square: Channel
) -> None:
    text = "".join(f"{n:05d} " for n in range(3000))  # 18,000 characters
    resp = client.post(f"/hooks/{hook.id}", {"text": text}, content_type="application/json")
    assert resp.status_code == 200
    posts = list(
        Post.objects.filter(channel=town_square, props__from_webhook="true").order_by("create_at")
    )
    assert [len(post.message) for post in posts] == [16383, len(text) - 16383]
    assert "".join(post.message for post in posts) == text
    assert all(post.props["webhook_display_name"] == "CI" for post in posts)


def test_a_payload_without_text_is_400(client: Client, hook: IncomingWebhook) -> None:
    resp = client.post(f"/hooks/{hook.id}", {"username": "x"}, content_type="application/json")
    assert_error(resp, 400, "web.incoming_webhook.text.app_error")


def test_an_unknown_hook_is_refused_as_upstream(client: Client, alpha: Team) -> None:
    resp = client.post(f"/hooks/{'e' * 26}", {"text": "x"}, content_type="application/json")
    assert_error(resp, 400, "web.incoming_webhook.invalid.app_error")


def test_posting_is_501_when_incoming_webhooks_are_off(
    client: Client, hook: IncomingWebhook, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_incoming_webhooks=False)
    resp = client.post(f"/hooks/{hook.id}", {"text": "x"}, content_type="application/json")
    assert_error(resp, 501, "web.incoming_webhook.disabled.app_error")


def test_matterhook_posts_through_the_hook(
    live_server: Any, transactional_db: None, user: User, other_user: User
) -> None:
    from matterhook import Webhook

    from apps.teams.services import team_create

    team = team_create(creator=user, display_name="Live", name="live", type="O")
    square = Channel.objects.get(team=team, name="town-square")
    hook = incoming_webhook_create(creator=user, channel=square)
    Webhook(live_server.url, hook.id).send("deployed v1.2", username="deployer")
    assert last_post(square).message == "deployed v1.2"
    assert last_post(square).props["from_webhook"] == "true"


def test_an_oversize_payload_is_refused(
    client: Client, hook: IncomingWebhook, mm_config: Callable[..., None]
) -> None:
    mm_config(maximum_payload_size_bytes=1000)
    body = {"text": "x" * 2000}
    resp = client.post(f"/hooks/{hook.id}", body, content_type="application/json")
    assert_error(resp, 413, "api.context.request_body_too_large.app_error")
    assert not Post.objects.filter(message__startswith="xxx").exists()


def test_the_admin_lists_and_retires_hooks(
    client: Client, admin: User, hook: IncomingWebhook
) -> None:
    client.force_login(admin)
    page = client.get("/admin/integrations/incomingwebhook/")
    assert page.status_code == 200
    assert b"CI" in page.content
    resp = client.post(
        "/admin/integrations/incomingwebhook/",
        {"action": "retire", "_selected_action": [hook.id]},
    )
    assert resp.status_code == 302
    hook.refresh_from_db()
    assert hook.delete_at > 0
