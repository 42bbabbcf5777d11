"""Slash commands over API v3 (/api/v3/teams/{team_id}/commands/*), and their round trip
with API v4."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from apps.accounts.models import User
from apps.integrations.commands.services import CommandFields, command_create
from apps.integrations.models import Command
from apps.posts.models import Post
from apps.teams.models import Team
from tests.channels.v3_setup import FORBIDDEN, INVALID_PARAM, NO_SESSION, UNKNOWN_ID, V3World
from tests.helpers import assert_error, bearer
from tests.integrations.v3_helpers import grant_team_users, ok

pytestmark = pytest.mark.django_db

COMMAND_KEYS = [
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
]
RESPONSE_KEYS = [
    "response_type",
    "text",
    "username",
    "icon_url",
    "type",
    "props",
    "goto_location",
    "attachments",
]
DISABLED = "api.command.disabled.app_error"
MISSING = "store.sql_command.save.get.app_error"
MISMATCH = "api.command.team_mismatch.app_error"


def commands(v3: V3World, team: Team | None = None) -> str:
    return f"/teams/{(team or v3.team).id}/commands"


def make_command(creator: User, team: Team, trigger: str = "deploy", **fields: Any) -> Command:
    data = CommandFields(
        **{"trigger": trigger, "url": "http://example.test/go", "method": "P"} | fields
    )
    return command_create(creator=creator, team=team, data=data)


def new_command(**fields: Any) -> dict[str, Any]:
    return {"trigger": "deploy", "url": "http://example.test/go", "method": "P", **fields}


@pytest.fixture
def deploy(v3: V3World) -> Command:
    return make_command(v3.alice, v3.team, display_name="Deploy", auto_complete=True)


# --- create ---------------------------------------------------------------------------


def test_create_answers_the_command_in_4_10_shape(v3: V3World) -> None:
    body = new_command(Trigger="x", trigger="Deploy", display_name="Deploy", auto_complete=True)
    command = ok(v3.api("alice").post(f"{commands(v3)}/create", body))
    assert list(command) == COMMAND_KEYS
    assert command["trigger"] == "deploy"
    assert command["team_id"] == v3.team.id
    assert command["creator_id"] == v3.alice.id
    assert len(command["token"]) == 26
    assert Command.objects.get(pk=command["id"]).auto_complete is True


def test_create_ignores_the_team_and_creator_the_body_names(v3: V3World) -> None:
    body = new_command(team_id=v3.beta.id, creator_id=v3.bob.id)
    command = ok(v3.api("alice").post(f"{commands(v3)}/create", body))
    assert (command["team_id"], command["creator_id"]) == (v3.team.id, v3.alice.id)


@pytest.mark.parametrize(
    "raw", ["[]", "not json", '{"trigger": 5}', '{"auto_complete": "yes"}', '{"create_at": "1"}']
)
def test_create_with_a_body_of_the_wrong_shape_is_400(v3: V3World, raw: str) -> None:
    resp = v3.api("alice").post(f"{commands(v3)}/create", raw=raw)
    assert_error(resp, 400, INVALID_PARAM)


def test_create_checks_the_fields_as_v4_does(v3: V3World, deploy: Command) -> None:
    api = v3.api("alice")
    resp = api.post(f"{commands(v3)}/create", new_command(trigger="other", url="ftp://x"))
    assert_error(resp, 400, "model.command.is_valid.url_http.app_error")
    resp = api.post(f"{commands(v3)}/create", new_command())
    assert_error(resp, 400, "api.command.duplicate_trigger.app_error")
    resp = api.post(f"{commands(v3)}/create", new_command(trigger="away"))
    assert_error(resp, 400, "api.command.duplicate_trigger.app_error")


def test_create_needs_a_session_membership_and_the_permission(v3: V3World) -> None:
    path = f"{commands(v3)}/create"
    assert_error(v3.api(None).post(path, new_command()), 401, NO_SESSION)
    assert_error(v3.api("carol").post(path, new_command()), 403, FORBIDDEN)
    assert_error(v3.api("bob").post(path, new_command()), 403, FORBIDDEN)


def test_create_is_501_when_commands_are_off(v3: V3World, mm_config: Callable[..., None]) -> None:
    mm_config(enable_commands=False)
    resp = v3.api("alice").post(f"{commands(v3)}/create", new_command())
    assert_error(resp, 501, DISABLED)


def test_a_malformed_team_in_the_url_is_400_and_an_unknown_one_403(v3: V3World) -> None:
    resp = v3.api("alice").get("/teams/short/commands/list")
    assert_error(resp, 400, "api.context.invalid_url_param.app_error")
    resp = v3.api("alice").get(f"/teams/{UNKNOWN_ID}/commands/list")
    assert_error(resp, 403, FORBIDDEN)


def test_a_system_admin_creating_in_an_unknown_team_gets_404(v3: V3World) -> None:
    resp = v3.api("dana").post(f"/teams/{UNKNOWN_ID}/commands/create", new_command())
    assert_error(resp, 404, "app.team.get.find.app_error")


# --- list and list_team_commands ------------------------------------------------------


def test_list_offers_the_team_commands_without_secrets_then_the_built_in_ones(
    v3: V3World, deploy: Command
) -> None:
    make_command(v3.alice, v3.team, trigger="quiet", auto_complete=False)
    listing = ok(v3.api("bob").get(f"{commands(v3)}/list"))
    assert all(list(entry) == COMMAND_KEYS for entry in listing)
    assert listing[0]["trigger"] == "deploy"
    assert (listing[0]["token"], listing[0]["url"]) == ("", "")
    triggers = [entry["trigger"] for entry in listing]
    assert "quiet" not in triggers
    assert {"away", "me", "join"} <= set(triggers)


def test_list_leaves_custom_commands_out_while_they_are_off(
    v3: V3World, deploy: Command, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_commands=False)
    listing = ok(v3.api("bob").get(f"{commands(v3)}/list"))
    assert "deploy" not in [entry["trigger"] for entry in listing]
    assert "away" in [entry["trigger"] for entry in listing]


def test_list_needs_a_session_and_membership(v3: V3World) -> None:
    assert_error(v3.api(None).get(f"{commands(v3)}/list"), 401, NO_SESSION)
    assert_error(v3.api("carol").get(f"{commands(v3)}/list"), 403, FORBIDDEN)


def test_list_team_commands_shows_the_custom_commands_with_their_tokens(
    v3: V3World, deploy: Command
) -> None:
    listing = ok(v3.api("alice").get(f"{commands(v3)}/list_team_commands"))
    assert [entry["id"] for entry in listing] == [deploy.id]
    assert listing[0]["token"] == deploy.token
    assert list(listing[0]) == COMMAND_KEYS


def test_list_team_commands_shows_a_manager_only_their_own_without_the_others_right(
    v3: V3World, deploy: Command, monkeypatch: pytest.MonkeyPatch
) -> None:
    grant_team_users(monkeypatch, "manage_slash_commands")
    mine = make_command(v3.bob, v3.team, trigger="mine")
    listing = ok(v3.api("bob").get(f"{commands(v3)}/list_team_commands"))
    assert [entry["id"] for entry in listing] == [mine.id]


def test_list_team_commands_needs_the_permission_then_the_feature(
    v3: V3World, mm_config: Callable[..., None]
) -> None:
    path = f"{commands(v3)}/list_team_commands"
    assert_error(v3.api(None).get(path), 401, NO_SESSION)
    assert_error(v3.api("bob").get(path), 403, FORBIDDEN)
    mm_config(enable_commands=False)
    assert_error(v3.api("alice").get(path), 501, DISABLED)


def test_list_team_commands_costs_the_same_for_one_command_as_for_many(
    v3: V3World, django_assert_max_num_queries: Any
) -> None:
    make_command(v3.alice, v3.team, trigger="first")
    api = v3.api("alice")
    with django_assert_max_num_queries(12) as one:
        ok(api.get(f"{commands(v3)}/list_team_commands"))
    for index in range(5):
        make_command(v3.alice, v3.team, trigger=f"more{index}", auto_complete=True)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(ok(api.get(f"{commands(v3)}/list_team_commands"))) == 6
    with django_assert_max_num_queries(len(one.captured_queries)):
        ok(api.get(f"{commands(v3)}/list"))


# --- update ---------------------------------------------------------------------------


def test_update_replaces_what_the_owner_chooses(v3: V3World, deploy: Command) -> None:
    body = new_command(id=deploy.id, trigger="ship", method="G", token="mine", creator_id="x")
    command = ok(v3.api("alice").post(f"{commands(v3)}/update", body))
    assert (command["trigger"], command["method"]) == ("ship", "G")
    assert (command["token"], command["creator_id"]) == (deploy.token, v3.alice.id)
    assert command["auto_complete"] is False


def test_update_of_an_unknown_command_is_404_and_of_another_team_400(
    v3: V3World, deploy: Command
) -> None:
    api = v3.api("alice")
    resp = api.post(f"{commands(v3)}/update", new_command(id=UNKNOWN_ID))
    assert_error(resp, 404, MISSING)
    resp = api.post(f"{commands(v3)}/update", new_command())
    assert_error(resp, 404, MISSING)
    resp = api.post(f"{commands(v3, v3.beta)}/update", new_command(id=deploy.id))
    assert_error(resp, 400, MISMATCH)


def test_update_of_someone_elses_command_needs_the_others_right(
    v3: V3World, deploy: Command, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = f"{commands(v3)}/update"
    assert_error(v3.api("bob").post(path, new_command(id=deploy.id)), 403, FORBIDDEN)
    grant_team_users(monkeypatch, "manage_slash_commands")
    assert_error(v3.api("bob").post(path, new_command(id=deploy.id)), 403, FORBIDDEN)
    assert Command.objects.get(pk=deploy.id).trigger == "deploy"


def test_update_with_bad_input_is_400_and_off_is_501(
    v3: V3World, deploy: Command, mm_config: Callable[..., None]
) -> None:
    api = v3.api("alice")
    assert_error(api.post(f"{commands(v3)}/update", raw="[1]"), 400, INVALID_PARAM)
    resp = api.post(f"{commands(v3)}/update", new_command(id=deploy.id, method="X"))
    assert_error(resp, 400, "model.command.is_valid.method.app_error")
    mm_config(enable_commands=False)
    resp = api.post(f"{commands(v3)}/update", new_command(id=deploy.id))
    assert_error(resp, 501, DISABLED)


# --- regen_token and delete -----------------------------------------------------------


def test_regen_token_answers_the_command_with_a_new_token(v3: V3World, deploy: Command) -> None:
    command = ok(v3.api("alice").post(f"{commands(v3)}/regen_token", {"id": deploy.id}))
    assert list(command) == COMMAND_KEYS
    assert command["token"] != deploy.token
    assert Command.objects.get(pk=deploy.id).token == command["token"]


def test_delete_echoes_the_request_and_the_command_is_gone(v3: V3World, deploy: Command) -> None:
    body = {"id": deploy.id, "note": "bye"}
    assert ok(v3.api("alice").post(f"{commands(v3)}/delete", body)) == {
        "id": deploy.id,
        "note": "bye",
    }
    assert Command.objects.get(pk=deploy.id).delete_at > 0
    resp = v3.api("alice").post(f"{commands(v3)}/delete", body)
    assert_error(resp, 404, MISSING)


@pytest.mark.parametrize("route", ["regen_token", "delete"])
def test_id_routes_check_the_body_team_and_permissions(
    v3: V3World, deploy: Command, route: str, mm_config: Callable[..., None]
) -> None:
    path = f"{commands(v3)}/{route}"
    assert_error(v3.api(None).post(path, {"id": deploy.id}), 401, NO_SESSION)
    assert_error(v3.api("alice").post(path, {}), 400, INVALID_PARAM)
    assert_error(v3.api("alice").post(path, {"id": 5}), 400, INVALID_PARAM)
    assert_error(v3.api("alice").post(path, {"id": UNKNOWN_ID}), 404, MISSING)
    resp = v3.api("alice").post(f"{commands(v3, v3.beta)}/{route}", {"id": deploy.id})
    assert_error(resp, 400, MISMATCH)
    assert_error(v3.api("bob").post(path, {"id": deploy.id}), 403, FORBIDDEN)
    assert_error(v3.api("carol").post(path, {"id": deploy.id}), 403, FORBIDDEN)
    mm_config(enable_commands=False)
    assert_error(v3.api("alice").post(path, {"id": deploy.id}), 501, DISABLED)
    assert Command.objects.get(pk=deploy.id).delete_at == 0


def test_routes_take_only_get_or_post_as_4_10_did(v3: V3World) -> None:
    resp = v3.client.put(f"/api/v3{commands(v3)}/create", **bearer(v3.tokens["alice"]))
    assert resp.status_code == 405
    assert v3.api("alice").get(f"{commands(v3)}/create").status_code == 405


# --- execute --------------------------------------------------------------------------


def test_execute_runs_a_built_in_command_and_answers_in_4_10_shape(v3: V3World) -> None:
    body = {"command": "/me waves", "channel_id": v3.dev.id}
    answer = ok(v3.api("bob").post(f"{commands(v3)}/execute", body))
    assert list(answer) == RESPONSE_KEYS
    post = Post.objects.filter(channel=v3.dev).latest("create_at")
    assert (post.user_id, post.message) == (v3.bob.id, "*waves*")


def test_execute_in_a_direct_channel_uses_the_url_team(v3: V3World) -> None:
    from apps.channels.services import direct_channel_get_or_create

    direct = direct_channel_get_or_create(user=v3.alice, other_user=v3.bob).channel
    make_command(v3.alice, v3.team, trigger="deploy")
    body = {"command": "/nothere", "channel_id": direct.id}
    resp = v3.api("bob").post(f"{commands(v3)}/execute", body)
    assert_error(resp, 404, "api.command.execute_command.not_found.app_error")
    answer = ok(v3.api("bob").post(f"{commands(v3)}/execute", {**body, "command": "/away"}))
    assert answer["response_type"] == "ephemeral"


@pytest.mark.parametrize(
    "body",
    [
        {"command": "me waves", "channel_id": "c" * 26},
        {"command": "/", "channel_id": "c" * 26},
        {"command": "/me", "channel_id": "short"},
    ],
)
def test_execute_of_something_that_is_no_command_is_400(v3: V3World, body: dict[str, str]) -> None:
    resp = v3.api("bob").post(f"{commands(v3)}/execute", body)
    assert_error(resp, 400, "api.command.execute_command.start.app_error")


def test_execute_with_a_body_of_the_wrong_shape_is_400(v3: V3World) -> None:
    api = v3.api("bob")
    assert_error(api.post(f"{commands(v3)}/execute", raw="[]"), 400, INVALID_PARAM)
    body = {"command": ["/me"], "channel_id": v3.dev.id}
    assert_error(api.post(f"{commands(v3)}/execute", body), 400, INVALID_PARAM)
    body = {"command": "/me hi", "channel_id": v3.dev.id, "root_id": "nope"}
    assert_error(api.post(f"{commands(v3)}/execute", body), 400, INVALID_PARAM)


def test_execute_needs_a_session_membership_and_the_channel(v3: V3World) -> None:
    path = f"{commands(v3)}/execute"
    body = {"command": "/me hi", "channel_id": v3.secret.id}
    assert_error(v3.api(None).post(path, body), 401, NO_SESSION)
    assert_error(v3.api("carol").post(path, body), 403, FORBIDDEN)
    assert_error(v3.api("bob").post(path, body), 403, FORBIDDEN)
    assert not Post.objects.filter(channel=v3.secret, message="*hi*").exists()


def test_execute_of_an_unknown_command_is_404(v3: V3World) -> None:
    body = {"command": "/nothing", "channel_id": v3.dev.id}
    resp = v3.api("bob").post(f"{commands(v3)}/execute", body)
    assert_error(resp, 404, "api.command.execute_command.not_found.app_error")


# --- v3 and v4 ------------------------------------------------------------------------


def test_a_command_made_on_v3_is_read_and_changed_on_v4_and_back(v3: V3World) -> None:
    made = ok(v3.api("alice").post(f"{commands(v3)}/create", new_command(display_name="D")))
    auth = bearer(v3.tokens["alice"])
    on_v4 = v3.client.get(f"/api/v4/commands/{made['id']}", **auth)
    assert on_v4.status_code == 200
    assert {key: on_v4.json()[key] for key in COMMAND_KEYS} == made
    changed = {**on_v4.json(), "display_name": "Deploy it"}
    resp = v3.client.put(
        f"/api/v4/commands/{made['id']}",
        json.dumps(changed),
        content_type="application/json",
        **auth,
    )
    assert resp.status_code == 200, resp.content
    (back,) = ok(v3.api("alice").get(f"{commands(v3)}/list_team_commands"))
    assert back["display_name"] == "Deploy it"
    assert back["token"] == made["token"]
