"""Custom slash commands over API v4: managing them (/api/v4/commands ...), listing what
autocompletion offers, and running one against a local integration URL."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.core.roles import ROLE_PERMISSIONS
from apps.integrations.commands.services import CommandFields, command_create
from apps.integrations.models import Command
from apps.posts.models import Post
from apps.teams.models import Team
from apps.teams.services import team_create
from tests.helpers import assert_error, bearer
from tests.integrations.callback_server import Answer, CallbackServer

COMMANDS = "/api/v4/commands"
EXECUTE = f"{COMMANDS}/execute"
COMMAND_KEYS = {
    "id",
    "token",
    "create_at",
    "update_at",
    "delete_at",
    "creator_id",
    "team_id",
    "trigger",
    "method",
    "username",
    "icon_url",
    "auto_complete",
    "auto_complete_desc",
    "auto_complete_hint",
    "display_name",
    "description",
    "url",
    "plugin_id",
}
RESPONSE_KEYS = {
    "response_type",
    "text",
    "username",
    "channel_id",
    "icon_url",
    "type",
    "props",
    "goto_location",
    "trigger_id",
    "skip_slack_parsing",
    "attachments",
    "extra_responses",
}
NOT_FOUND = "store.sql_command.save.get.app_error"
FORBIDDEN = "api.context.permissions.app_error"


def send_json(client: Client, method: str, url: str, body: Any, token: str) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **bearer(token)
    )


def make_command(creator: User, team: Team, trigger: str = "deploy", **fields: Any) -> Command:
    data = CommandFields(
        **{"trigger": trigger, "url": "http://example.test", "method": "P"} | fields
    )
    return command_create(creator=creator, team=team, data=data)


@pytest.fixture
def command(user: User, alpha: Team) -> Command:
    return make_command(user, alpha, display_name="Deploy", auto_complete=True)


def new_command(team: Team, **fields: Any) -> dict[str, Any]:
    return {
        "team_id": team.id,
        "trigger": "deploy",
        "url": "https://ci.test/go",
        "method": "P",
    } | fields


# --- create -------------------------------------------------------------------------


def test_create_answers_201_with_the_command(
    client: Client, token: str, user: User, alpha: Team
) -> None:
    body = new_command(alpha, trigger="Deploy", display_name="Deploy", auto_complete=True)
    resp = send_json(client, "post", COMMANDS, body, token)
    assert resp.status_code == 201, resp.content
    command = resp.json()
    assert set(command) == COMMAND_KEYS
    assert command["trigger"] == "deploy"  # triggers are stored in lower case
    assert command["creator_id"] == user.id
    assert command["team_id"] == alpha.id
    assert len(command["token"]) == 26
    assert command["auto_complete"] is True
    assert Command.objects.filter(pk=command["id"]).exists()


def test_a_team_admin_creates_for_someone_else(
    client: Client, token: str, other_user: User, alpha: Team
) -> None:
    body = new_command(alpha, creator_id=other_user.id)
    resp = send_json(client, "post", COMMANDS, body, token)
    assert resp.status_code == 201
    assert resp.json()["creator_id"] == other_user.id


@pytest.mark.parametrize(
    ("change", "error_id"),
    [
        ({"trigger": ""}, "model.command.is_valid.trigger.app_error"),
        ({"trigger": "/deploy"}, "model.command.is_valid.trigger.app_error"),
        ({"trigger": "two words"}, "model.command.is_valid.trigger.app_error"),
        ({"trigger": "x" * 129}, "model.command.is_valid.trigger.app_error"),
        ({"url": ""}, "model.command.is_valid.url.app_error"),
        ({"url": "ftp://ci.test"}, "model.command.is_valid.url_http.app_error"),
        ({"method": "X"}, "model.command.is_valid.method.app_error"),
        ({"display_name": "x" * 65}, "model.command.is_valid.display_name.app_error"),
        ({"description": "x" * 129}, "model.command.is_valid.description.app_error"),
        ({"username": "x" * 65}, "model.command.is_valid.username.app_error"),
        ({"trigger": "join"}, "api.command.duplicate_trigger.app_error"),
    ],
)
def test_create_rejects_invalid_fields(
    client: Client, token: str, alpha: Team, change: dict[str, Any], error_id: str
) -> None:
    resp = send_json(client, "post", COMMANDS, new_command(alpha, **change), token)
    assert_error(resp, 400, error_id)
    assert not Command.objects.exists()


def test_create_rejects_a_trigger_the_team_already_uses(
    client: Client, token: str, alpha: Team, command: Command
) -> None:
    resp = send_json(client, "post", COMMANDS, new_command(alpha, trigger="DEPLOY"), token)
    assert_error(resp, 400, "api.command.duplicate_trigger.app_error")


@pytest.mark.parametrize("body", ["[]", "not json", '{"trigger": 5}', '{"auto_complete": "y"}'])
def test_create_rejects_a_bad_body(client: Client, token: str, alpha: Team, body: str) -> None:
    resp = client.post(COMMANDS, data=body, content_type="application/json", **bearer(token))
    assert_error(resp, 400, "api.context.invalid_body_param.app_error")


def test_create_needs_a_session(client: Client, alpha: Team) -> None:
    resp = client.post(
        COMMANDS, data=json.dumps(new_command(alpha)), content_type="application/json"
    )
    assert_error(resp, 401, "api.context.session_expired.app_error")


def test_a_plain_member_may_not_create(client: Client, bob_token: str, alpha: Team) -> None:
    assert_error(send_json(client, "post", COMMANDS, new_command(alpha), bob_token), 403, FORBIDDEN)


def test_create_for_another_team_is_403(client: Client, token: str, other_user: User) -> None:
    other_team = team_create(creator=other_user, display_name="Beta", name="beta", type="O")
    assert_error(
        send_json(client, "post", COMMANDS, new_command(other_team), token), 403, FORBIDDEN
    )


def test_create_for_an_unknown_creator_is_404(client: Client, token: str, alpha: Team) -> None:
    resp = send_json(client, "post", COMMANDS, new_command(alpha, creator_id="a" * 26), token)
    assert_error(resp, 404, "app.user.missing_account.const")


def test_create_is_501_when_commands_are_off(
    client: Client, token: str, alpha: Team, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_commands=False)
    resp = send_json(client, "post", COMMANDS, new_command(alpha), token)
    assert_error(resp, 501, "api.command.disabled.app_error")


# --- list ---------------------------------------------------------------------------


def test_custom_only_lists_the_team_commands_with_their_secrets(
    client: Client, token: str, alpha: Team, command: Command
) -> None:
    resp = client.get(COMMANDS, {"team_id": alpha.id, "custom_only": "true"}, **bearer(token))
    assert resp.status_code == 200
    assert [(c["id"], c["token"], c["url"]) for c in resp.json()] == [
        (command.id, command.token, command.url)
    ]


def test_a_manager_lists_built_in_and_custom_commands_without_secrets(
    client: Client, token: str, alpha: Team, command: Command
) -> None:
    listing = client.get(COMMANDS, {"team_id": alpha.id}, **bearer(token)).json()
    by_trigger = {c["trigger"]: c for c in listing}
    assert {"join", "leave", "me", "away"} <= set(by_trigger)
    assert by_trigger["deploy"]["id"] == command.id
    assert by_trigger["deploy"]["token"] == by_trigger["deploy"]["url"] == ""
    assert by_trigger["join"]["id"] == ""


def test_a_plain_member_lists_what_autocompletion_offers(
    client: Client, bob_token: str, user: User, alpha: Team, command: Command
) -> None:
    make_command(user, alpha, trigger="hidden", auto_complete=False)
    listing = client.get(COMMANDS, {"team_id": alpha.id}, **bearer(bob_token)).json()
    triggers = [c["trigger"] for c in listing]
    assert "deploy" in triggers
    assert "join" in triggers
    assert "hidden" not in triggers
    resp = client.get(COMMANDS, {"team_id": alpha.id, "custom_only": "true"}, **bearer(bob_token))
    assert_error(resp, 403, FORBIDDEN)


def test_list_needs_a_team_id_and_membership(
    client: Client, token: str, bob_token: str, other_user: User
) -> None:
    assert_error(
        client.get(COMMANDS, **bearer(token)), 400, "api.context.invalid_body_param.app_error"
    )
    team = team_create(creator=other_user, display_name="Beta", name="beta", type="O")
    alice_outside = client.get(COMMANDS, {"team_id": team.id}, **bearer(token))
    assert_error(alice_outside, 403, FORBIDDEN)
    assert_error(
        client.get(COMMANDS, {"team_id": team.id}), 401, "api.context.session_expired.app_error"
    )


def test_custom_only_is_501_when_commands_are_off(
    client: Client, token: str, alpha: Team, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_commands=False)
    resp = client.get(COMMANDS, {"team_id": alpha.id, "custom_only": "true"}, **bearer(token))
    assert_error(resp, 501, "api.command.disabled.app_error")


def test_list_costs_the_same_for_one_command_as_for_many(
    client: Client, token: str, user: User, alpha: Team, django_assert_max_num_queries: Any
) -> None:
    make_command(user, alpha, trigger="cmd0", auto_complete=True)
    for query in ({"team_id": alpha.id, "custom_only": "true"}, {"team_id": alpha.id}):
        with django_assert_max_num_queries(12) as one:
            client.get(COMMANDS, query, **bearer(token))
        baseline = len(one.captured_queries)
        for n in range(20):
            make_command(user, alpha, trigger=f"more{n}{len(query)}", auto_complete=True)
        with django_assert_max_num_queries(baseline):
            resp = client.get(COMMANDS, query, **bearer(token))
        assert sum(c["trigger"].startswith("more") for c in resp.json()) >= 20


def test_team_autocomplete(client: Client, bob_token: str, alpha: Team, command: Command) -> None:
    url = f"/api/v4/teams/{alpha.id}/commands/autocomplete"
    listing = client.get(url, **bearer(bob_token)).json()
    assert listing[0]["trigger"] == "deploy"  # the team's own commands come first
    assert listing[0]["token"] == ""
    assert "shrug" in [c["trigger"] for c in listing]
    assert_error(
        client.get("/api/v4/teams/nope/commands/autocomplete", **bearer(bob_token)),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert_error(client.get(url), 401, "api.context.session_expired.app_error")


def test_team_autocomplete_is_for_members(client: Client, token: str, other_user: User) -> None:
    team = team_create(creator=other_user, display_name="Beta", name="beta", type="O")
    resp = client.get(f"/api/v4/teams/{team.id}/commands/autocomplete", **bearer(token))
    assert_error(resp, 403, FORBIDDEN)


def test_autocomplete_suggestions(
    client: Client, bob_token: str, alpha: Team, command: Command
) -> None:
    url = f"/api/v4/teams/{alpha.id}/commands/autocomplete_suggestions"
    resp = client.get(url, {"user_input": "/d"}, **bearer(bob_token))
    assert resp.status_code == 200
    assert [s["Suggestion"] for s in resp.json()] == ["/deploy", "/dnd"]
    assert set(resp.json()[0]) == {"Complete", "Suggestion", "Hint", "Description", "IconData"}
    assert client.get(url, {"user_input": "/deploy now"}, **bearer(bob_token)).json() == []
    assert_error(
        client.get(url, **bearer(bob_token)), 400, "api.context.invalid_body_param.app_error"
    )


# --- get, update, move, regenerate, delete -------------------------------------------


def test_get_one_command(client: Client, token: str, command: Command) -> None:
    resp = client.get(f"{COMMANDS}/{command.id}", **bearer(token))
    assert resp.status_code == 200
    assert resp.json()["token"] == command.token


def test_get_hides_commands_from_those_who_may_not_manage_them(
    client: Client, bob_token: str, command: Command
) -> None:
    assert_error(client.get(f"{COMMANDS}/{command.id}", **bearer(bob_token)), 404, NOT_FOUND)


def test_get_unknown_malformed_anonymous(client: Client, token: str, command: Command) -> None:
    assert_error(client.get(f"{COMMANDS}/{'b' * 26}", **bearer(token)), 404, NOT_FOUND)
    assert_error(
        client.get(f"{COMMANDS}/nope", **bearer(token)),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert_error(
        client.get(f"{COMMANDS}/{command.id}"), 401, "api.context.session_expired.app_error"
    )


def test_update_replaces_the_fields(client: Client, token: str, command: Command) -> None:
    body = {
        "id": command.id,
        "team_id": command.team_id,
        "trigger": "ship",
        "url": "https://ci.test/ship",
        "method": "G",
        "token": "ignored",
    }
    resp = send_json(client, "put", f"{COMMANDS}/{command.id}", body, token)
    assert resp.status_code == 200, resp.content
    updated = resp.json()
    assert (updated["trigger"], updated["method"], updated["display_name"]) == ("ship", "G", "")
    assert updated["token"] == command.token
    command.refresh_from_db()
    assert command.url == "https://ci.test/ship"


def test_update_checks(client: Client, token: str, bob_token: str, command: Command) -> None:
    url = f"{COMMANDS}/{command.id}"
    body = {
        "id": command.id,
        "team_id": command.team_id,
        "trigger": "ship",
        "url": "http://a.test",
        "method": "P",
    }
    assert_error(
        send_json(client, "put", url, {**body, "id": "c" * 26}, token),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        send_json(client, "put", url, {**body, "team_id": "c" * 26}, token),
        400,
        "api.command.team_mismatch.app_error",
    )
    assert_error(
        send_json(client, "put", url, {**body, "method": ""}, token),
        400,
        "model.command.is_valid.method.app_error",
    )
    assert_error(send_json(client, "put", url, body, bob_token), 404, NOT_FOUND)
    other = f"{COMMANDS}/{'d' * 26}"
    assert_error(send_json(client, "put", other, {**body, "id": "d" * 26}, token), 404, NOT_FOUND)


def test_managing_someone_elses_command_needs_manage_others(
    client: Client, bob_token: str, alpha: Team, command: Command, monkeypatch: Any
) -> None:
    # Members may manage their own commands here, but not alice's.
    granted = ROLE_PERMISSIONS["team_user"] | {"manage_slash_commands"}
    monkeypatch.setitem(ROLE_PERMISSIONS, "team_user", granted)
    url = f"{COMMANDS}/{command.id}"
    assert_error(client.put(f"{url}/regen_token", **bearer(bob_token)), 403, FORBIDDEN)
    assert_error(client.delete(url, **bearer(bob_token)), 403, FORBIDDEN)
    assert_error(client.get(url, **bearer(bob_token)), 404, NOT_FOUND)
    mine = send_json(client, "post", COMMANDS, new_command(alpha, trigger="bobs"), bob_token)
    assert mine.status_code == 201
    query = {"team_id": alpha.id, "custom_only": "1"}
    listing = client.get(COMMANDS, query, **bearer(bob_token)).json()
    assert [c["trigger"] for c in listing] == ["bobs"]


def test_regen_token(client: Client, token: str, bob_token: str, command: Command) -> None:
    resp = client.put(f"{COMMANDS}/{command.id}/regen_token", **bearer(token))
    assert resp.status_code == 200
    new_token = resp.json()["token"]
    assert new_token != command.token
    command.refresh_from_db()
    assert command.token == new_token
    assert_error(
        client.put(f"{COMMANDS}/{command.id}/regen_token", **bearer(bob_token)), 404, NOT_FOUND
    )
    assert_error(
        client.put(f"{COMMANDS}/{command.id}/regen_token"),
        401,
        "api.context.session_expired.app_error",
    )


def test_move_to_another_team(client: Client, token: str, user: User, command: Command) -> None:
    beta = team_create(creator=user, display_name="Beta", name="beta", type="O")
    resp = send_json(client, "put", f"{COMMANDS}/{command.id}/move", {"team_id": beta.id}, token)
    assert resp.status_code == 200
    assert resp.json() == {"status": "OK"}
    command.refresh_from_db()
    assert command.team_id == beta.id


def test_move_checks(
    client: Client, token: str, user: User, other_user: User, command: Command
) -> None:
    url = f"{COMMANDS}/{command.id}/move"
    assert_error(
        send_json(client, "put", url, {"team_id": 5}, token),
        400,
        "api.context.invalid_body_param.app_error",
    )
    assert_error(
        send_json(client, "put", url, {"team_id": "e" * 26}, token),
        404,
        "app.team.get.find.app_error",
    )
    foreign = team_create(creator=other_user, display_name="Beta", name="beta", type="O")
    assert_error(send_json(client, "put", url, {"team_id": foreign.id}, token), 403, FORBIDDEN)
    mine = team_create(creator=user, display_name="Gamma", name="gamma", type="O")
    make_command(user, mine, trigger="deploy")
    assert_error(
        send_json(client, "put", url, {"team_id": mine.id}, token),
        400,
        "api.command.duplicate_trigger.app_error",
    )


def test_delete(client: Client, token: str, bob_token: str, command: Command) -> None:
    assert_error(client.delete(f"{COMMANDS}/{command.id}", **bearer(bob_token)), 404, NOT_FOUND)
    resp = client.delete(f"{COMMANDS}/{command.id}", **bearer(token))
    assert resp.json() == {"status": "OK"}
    command.refresh_from_db()
    assert command.delete_at > 0
    assert_error(client.delete(f"{COMMANDS}/{command.id}", **bearer(token)), 404, NOT_FOUND)
    assert_error(
        client.delete(f"{COMMANDS}/{command.id}"), 401, "api.context.session_expired.app_error"
    )


def test_a_command_reads_as_missing_when_commands_are_off(
    client: Client, token: str, command: Command, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_commands=False)
    assert_error(client.get(f"{COMMANDS}/{command.id}", **bearer(token)), 404, NOT_FOUND)


# --- running a custom command ---------------------------------------------------------


def execute(client: Client, token: str, channel: Channel, command: str, **extra: Any) -> Any:
    body = {"command": command, "channel_id": channel.id, **extra}
    return send_json(client, "post", EXECUTE, body, token)


def answer_json(server: CallbackServer, data: dict[str, Any]) -> None:
    server.answer = Answer(body=json.dumps(data).encode())


@pytest.fixture
def hooked_command(
    user: User, alpha: Team, callback_server: CallbackServer, allow_loopback: None
) -> Command:
    return make_command(user, alpha, trigger="deploy", url=f"{callback_server.url}/go?x=1")


def test_a_custom_command_posts_its_form_and_its_in_channel_answer(
    client: Client,
    token: str,
    user: User,
    alpha: Team,
    town_square: Channel,
    hooked_command: Command,
    callback_server: CallbackServer,
) -> None:
    answer_json(callback_server, {"response_type": "in_channel", "text": "Deploying v2"})
    resp = execute(client, token, town_square, "/Deploy v2 now")
    assert resp.status_code == 200, resp.content
    assert set(resp.json()) == RESPONSE_KEYS
    assert resp.json()["text"] == "Deploying v2"
    (request,) = callback_server.wait_for(1)
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["Authorization"] == f"Token {hooked_command.token}"
    form = {k: v[0] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()}
    assert form == {
        "token": hooked_command.token,
        "team_id": alpha.id,
        "team_domain": "alpha",
        "channel_id": town_square.id,
        "channel_name": "town-square",
        "user_id": user.id,
        "user_name": "alice",
        "command": "/deploy",
        "text": "v2 now",
        "root_id": "",
    }
    post = Post.objects.get(channel=town_square)
    assert post.user_id == user.id
    assert post.message == "Deploying v2"
    assert post.props["from_webhook"] == "true"


@pytest.mark.parametrize(
    ("skip", "shown", "field"),
    [(False, "@here ask @alice", "@channel"), (True, "<!here> ask <@{id}>", "<!channel>")],
)
def test_slack_markup_in_an_answer_is_converted_unless_skipped(
    client: Client,
    token: str,
    user: User,
    town_square: Channel,
    hooked_command: Command,
    callback_server: CallbackServer,
    skip: bool,
    shown: str,
    field: str,
) -> None:
    answer_json(
        callback_server,
        {
            "response_type": "in_channel",
            "text": f"<!here> ask <@{user.id}>",
            "skip_slack_parsing": skip,
            "attachments": [{"fields": [{"title": "t", "value": "<!channel>"}]}],
        },
    )
    assert execute(client, token, town_square, "/deploy").status_code == 200
    post = Post.objects.get(channel=town_square)
    assert post.message == shown.format(id=user.id)
    assert post.props["attachments"][0]["fields"][0]["value"] == field
    assert post.type == "slack_attachment"


def test_a_get_command_sends_the_fields_in_the_query(
    client: Client,
    token: str,
    user: User,
    alpha: Team,
    town_square: Channel,
    callback_server: CallbackServer,
    allow_loopback: None,
) -> None:
    make_command(user, alpha, trigger="status", method="G", url=f"{callback_server.url}/s?x=1")
    answer_json(callback_server, {"text": "all good"})
    resp = execute(client, token, town_square, "/status web")
    assert resp.status_code == 200
    (request,) = callback_server.wait_for(1)
    assert request.method == "GET"
    query = parse_qs(urlsplit(request.path).query)
    assert query["x"] == ["1"]
    assert query["text"] == ["web"]
    assert query["command"] == ["/status"]


def test_an_ephemeral_answer_is_shown_to_the_caller_only(
    client: Client,
    token: str,
    user: User,
    town_square: Channel,
    hooked_command: Command,
    callback_server: CallbackServer,
    published: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    answer_json(
        callback_server, {"response_type": "ephemeral", "text": "only you", "goto_location": "/x"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        resp = execute(client, token, town_square, "/deploy")
    assert resp.status_code == 200
    assert resp.json()["goto_location"] == "/x"
    assert not Post.objects.filter(channel=town_square).exists()
    shown = [e for e in published if e.event == "ephemeral_message"]
    assert len(shown) == 1
    post = json.loads(shown[0].data["post"])
    assert post["message"] == "only you"
    assert post["type"] == "system_ephemeral"
    assert shown[0].broadcast.user_id == user.id


def test_a_plain_text_answer_and_extra_responses(
    client: Client,
    token: str,
    town_square: Channel,
    hooked_command: Command,
    callback_server: CallbackServer,
    mm_config: Callable[..., None],
) -> None:
    mm_config(enable_post_username_override=True)
    answer_json(
        callback_server,
        {
            "response_type": "in_channel",
            "text": "first",
            "username": "deploybot",
            "extra_responses": [{"response_type": "in_channel", "text": "second"}],
        },
    )
    assert execute(client, token, town_square, "/deploy").status_code == 200
    posts = list(Post.objects.filter(channel=town_square).order_by("create_at", "message"))
    assert [p.message for p in posts] == ["first", "second"]
    assert posts[0].props["override_username"] == "deploybot"


def test_a_dead_url_is_a_clear_error(
    client: Client, token: str, user: User, alpha: Team, town_square: Channel, allow_loopback: None
) -> None:
    make_command(user, alpha, trigger="dead", url="http://127.0.0.1:9/nothing")
    resp = execute(client, token, town_square, "/dead")
    body = assert_error(resp, 502, "api.command.execute_command.failed.app_error")
    assert "/dead" in body["message"]
    assert "127.0.0.1" not in body["message"]  # the URL is for the command's managers only


@pytest.mark.parametrize(
    "answer",
    [
        Answer(status=500, body=b"boom"),
        Answer(body=b"{not json"),
        Answer(body=b'{"text": 5}'),
        # PostgreSQL cannot store a NUL: such an answer is unusable, not a crash.
        Answer(body=b'{"response_type": "in_channel", "text": "a\\u0000b"}'),
        Answer(content_type="text/plain", body=b"a\x00b"),
        Answer(body=b'{"text": "x", "props": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"),
    ],
)
def test_a_failing_integration_is_a_clear_error(
    client: Client,
    token: str,
    town_square: Channel,
    hooked_command: Command,
    callback_server: CallbackServer,
    answer: Answer,
) -> None:
    callback_server.answer = answer
    resp = execute(client, token, town_square, "/deploy")
    assert_error(resp, 502, "api.command.execute_command.failed.app_error")
    assert not Post.objects.filter(channel=town_square).exists()


def test_an_internal_url_is_refused_without_allowance(
    client: Client,
    token: str,
    user: User,
    alpha: Team,
    town_square: Channel,
    callback_server: CallbackServer,
) -> None:
    make_command(user, alpha, trigger="probe", url=callback_server.url)
    resp = execute(client, token, town_square, "/probe")
    assert_error(resp, 502, "api.command.execute_command.failed.app_error")
    assert callback_server.received == []


def test_an_answer_for_a_channel_the_caller_is_not_in(
    client: Client,
    bob_token: str,
    town_square: Channel,
    private_room: Channel,
    hooked_command: Command,
    callback_server: CallbackServer,
) -> None:
    answer_json(
        callback_server, {"response_type": "in_channel", "text": "x", "channel_id": private_room.id}
    )
    resp = execute(client, bob_token, town_square, "/deploy")
    assert_error(resp, 400, "api.command.execute_command.create_post_failed.app_error")
    assert not Post.objects.filter(channel=private_room, message="x").exists()


def test_a_disabled_custom_command_is_501(
    client: Client,
    token: str,
    town_square: Channel,
    command: Command,
    mm_config: Callable[..., None],
) -> None:
    mm_config(enable_commands=False)
    assert_error(
        execute(client, token, town_square, "/deploy"), 501, "api.command.disabled.app_error"
    )


# --- the mattermostdriver client --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_mattermostdriver_creates_lists_and_runs_commands(
    live_server: Any, user: User, other_user: User
) -> None:
    from mattermostdriver import Driver

    from apps.accounts.services.sessions import session_create
    from apps.teams.services import team_member_add

    team = team_create(creator=user, display_name="Alpha", name="alpha", type="O")
    team_member_add(team=team, user=other_user)
    town = Channel.objects.get(team=team, name="town-square")
    parts = urlsplit(live_server.url)
    driver = Driver(
        {
            "url": parts.hostname,
            "port": parts.port,
            "scheme": parts.scheme,
            "basepath": "/api/v4",
            "token": session_create(user=user)[1],
        }
    )
    driver.login()
    created = driver.commands.create_command(
        options={"team_id": team.id, "trigger": "ship", "url": "https://ci.test", "method": "P"}
    )
    assert created["trigger"] == "ship"
    listed = driver.commands.list_commands_for_team(
        params={"team_id": team.id, "custom_only": True}
    )
    assert [c["id"] for c in listed] == [created["id"]]
    assert "ship" not in [
        c["trigger"] for c in driver.client.get(f"/teams/{team.id}/commands/autocomplete")
    ]
    answer = driver.commands.execute_command(
        options={"channel_id": town.id, "command": "/shrug ok"}
    )
    assert answer["response_type"] == "in_channel"
    assert Post.objects.filter(channel=town, message__startswith="ok ").exists()


# --- the client configuration -----------------------------------------------------------


@pytest.mark.parametrize("enabled", [True, False])
def test_the_client_configuration_tells_whether_commands_are_on(
    client: Client, mm_config: Callable[..., None], enabled: bool
) -> None:
    mm_config(enable_commands=enabled)
    config = client.get("/api/v3/general/client_props").json()
    assert config["EnableCommands"] == ("true" if enabled else "false")


def test_the_admin_lists_and_retires_commands(
    client: Client, admin: User, command: Command, token: str, town_square: Channel
) -> None:
    client.force_login(admin)
    page = client.get("/admin/integrations/command/")
    assert page.status_code == 200
    assert b"/deploy" in page.content
    resp = client.post(
        "/admin/integrations/command/", {"action": "retire", "_selected_action": [command.id]}
    )
    assert resp.status_code == 302
    command.refresh_from_db()
    assert command.delete_at > 0
    # The trigger no longer runs anything.
    client.logout()
    assert execute(client, token, town_square, "/deploy").status_code == 404
