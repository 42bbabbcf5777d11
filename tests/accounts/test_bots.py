"""Bot accounts over API v4: creating, listing, reading, patching, disabling, assigning
and converting bots, and a bot acting through its personal access token."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts import services
from apps.accounts.models import Session, User
from apps.core import roles
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

BOTS = "/api/v4/bots"
FORBIDDEN = "api.context.permissions.app_error"
EXPIRED = "api.context.session_expired.app_error"
BAD_URL = "api.context.invalid_url_param.app_error"
BAD_BODY = "api.context.invalid_body_param.app_error"
NO_BOT = "store.sql_bot.get.missing.app_error"
NO_ICON = "api.bot.get_bot_icon_image.read_error"
BOT_LOGIN = "api.user.login.bot_login_forbidden.app_error"
MISSING_ID = "a" * 26
# A role granting the bot permissions for one's own bots only (none are given to plain
# users by default).
KEEPER_ROLE = "bot_keeper"
KEEPER_PERMISSIONS = frozenset({"create_bot", "read_bots", "manage_bots"})

Login = Callable[..., tuple[Session, str]]


@pytest.fixture(autouse=True)
def _bots_enabled(mm_config: Callable[..., None]) -> None:
    mm_config(enable_bot_account_creation=True, enable_user_access_tokens=True)


@pytest.fixture
def keeper_role() -> Iterator[None]:
    with mock.patch.dict(roles.ROLE_PERMISSIONS, {KEEPER_ROLE: KEEPER_PERMISSIONS}):
        yield


@pytest.fixture
def keeper(user: User, keeper_role: None) -> User:
    """alice, who may create, read and manage her own bots."""
    user.roles = f"system_user {KEEPER_ROLE}"
    user.save()
    return user


@pytest.fixture
def admin_token(admin: User, login: Login) -> str:
    return login(admin)[1]


@pytest.fixture
def bot(admin: User) -> User:
    return services.bot_create(
        owner_id=admin.id, username="helper", display_name="Helper", description="Says hi"
    )


def send(client: Client, method: str, url: str, token: str = "", body: object = None) -> Any:
    headers = bearer(token) if token else {}
    data = "" if body is None else json.dumps(body)
    return client.generic(method, url, data, content_type="application/json", **headers)


class TestCreate:
    def test_creates_a_bot_owned_by_the_caller(
        self, client: Client, admin: User, admin_token: str
    ) -> None:
        body = {"username": "Deploy-Bot", "display_name": "Deploys", "description": "CI"}
        response = send(client, "POST", BOTS, admin_token, body)
        assert response.status_code == 201
        data = response.json()
        assert set(data) == {
            "user_id",
            "username",
            "display_name",
            "description",
            "owner_id",
            "create_at",
            "update_at",
            "delete_at",
        }
        assert (data["username"], data["display_name"], data["description"]) == (
            "deploy-bot",
            "Deploys",
            "CI",
        )
        assert data["owner_id"] == admin.id
        user = User.objects.get(id=data["user_id"])
        assert user.is_bot
        assert user.email == "deploy-bot@localhost"
        assert not user.has_usable_password()

    def test_the_new_bot_tells_its_owner_in_a_direct_message(
        self, client: Client, admin: User, admin_token: str
    ) -> None:
        bot_id = send(client, "POST", BOTS, admin_token, {"username": "greeter"}).json()["user_id"]
        channel = send(
            client, "POST", "/api/v4/channels/direct", admin_token, [admin.id, bot_id]
        ).json()
        posts = send(client, "GET", f"/api/v4/channels/{channel['id']}/posts", admin_token).json()
        (post,) = posts["posts"].values()
        assert (post["user_id"], post["type"]) == (bot_id, "add_bot_teams_channels")
        assert "channel" in post["message"]
        unread = send(
            client, "GET", f"/api/v4/users/me/channels/{channel['id']}/unread", admin_token
        ).json()
        assert unread["msg_count"] == 1

    def test_bad_bodies_are_400(self, client: Client, admin_token: str) -> None:
        assert_error(send(client, "POST", BOTS, admin_token, ["x"]), 400, BAD_BODY)
        assert_error(send(client, "POST", BOTS, admin_token, {"username": 5}), 400, BAD_BODY)
        bad_name = send(client, "POST", BOTS, admin_token, {"username": "no spaces"})
        assert_error(bad_name, 400, "model.bot.is_valid.username.app_error")
        long_text = {"username": "fine", "description": "x" * 1025}
        assert_error(
            send(client, "POST", BOTS, admin_token, long_text),
            400,
            "model.bot.is_valid.description.app_error",
        )

    def test_a_taken_username_is_400(self, client: Client, admin_token: str, user: User) -> None:
        response = send(client, "POST", BOTS, admin_token, {"username": "alice"})
        assert_error(response, 400, "app.user.save.username_exists.app_error")

    def test_needs_a_session(self, client: Client) -> None:
        assert_error(send(client, "POST", BOTS, body={"username": "b"}), 401, EXPIRED)

    def test_plain_users_may_not(self, client: Client, token: str) -> None:
        assert_error(send(client, "POST", BOTS, token, {"username": "mine"}), 403, FORBIDDEN)

    def test_disabled_by_setting_is_403(
        self, client: Client, admin_token: str, mm_config: Callable[..., None]
    ) -> None:
        mm_config(enable_bot_account_creation=False)
        response = send(client, "POST", BOTS, admin_token, {"username": "nope"})
        assert_error(response, 403, "api.bot.create_disabled")
        assert not User.objects.filter(username="nope").exists()

    def test_a_bot_may_not_create_bots(self, client: Client, bot: User, login: Login) -> None:
        bot.roles = "system_user system_admin"
        bot.save()
        response = send(client, "POST", BOTS, login(bot)[1], {"username": "child"})
        assert_error(response, 403, FORBIDDEN)


class TestList:
    def test_admin_sees_every_live_bot_oldest_first(
        self, client: Client, admin_token: str, bot: User, user: User
    ) -> None:
        second = services.bot_create(owner_id=user.id, username="second")
        gone = services.bot_create(owner_id=user.id, username="gone")
        services.bot_set_active(bot=gone, active=False)
        # Distinct creation times: bots made in the same millisecond go by username.
        for offset, made in enumerate((bot, second, gone)):
            User.objects.filter(id=made.id).update(create_at=1_000 + offset)
        listed = send(client, "GET", BOTS, admin_token).json()
        assert [b["user_id"] for b in listed] == [bot.id, second.id]
        with_deleted = send(client, "GET", f"{BOTS}?include_deleted=true", admin_token).json()
        assert [b["username"] for b in with_deleted] == ["helper", "second", "gone"]
        paged = send(client, "GET", f"{BOTS}?page=1&per_page=1", admin_token).json()
        assert [b["username"] for b in paged] == ["second"]

    def test_only_orphaned_lists_bots_of_inactive_owners(
        self,
        client: Client,
        admin_token: str,
        bot: User,
        other_user: User,
        mm_config: Callable[..., None],
    ) -> None:
        mm_config(disable_bots_when_owner_is_deactivated=False)
        orphan = services.bot_create(owner_id=other_user.id, username="orphan")
        services.user_set_active(user=other_user, active=False)
        of_plugin = services.bot_create(owner_id="com.example.plugin", username="plugged")
        listed = send(client, "GET", f"{BOTS}?only_orphaned=true", admin_token).json()
        assert {b["user_id"] for b in listed} == {orphan.id, of_plugin.id}

    def test_keepers_see_only_their_own(
        self, client: Client, keeper: User, login: Login, bot: User
    ) -> None:
        mine = services.bot_create(owner_id=keeper.id, username="mine")
        listed = send(client, "GET", BOTS, login(keeper)[1]).json()
        assert [b["user_id"] for b in listed] == [mine.id]

    def test_needs_a_session_and_read_bots(self, client: Client, token: str) -> None:
        assert_error(send(client, "GET", BOTS), 401, EXPIRED)
        assert_error(send(client, "GET", BOTS, token), 403, FORBIDDEN)

    def test_query_budget_is_the_same_for_one_bot_as_for_many(
        self,
        client: Client,
        admin: User,
        admin_token: str,
        bot: User,
        django_assert_max_num_queries: Any,
    ) -> None:
        send(client, "GET", BOTS, admin_token)  # caches the caller's session and user
        with CaptureQueriesContext(connection) as one:
            assert len(send(client, "GET", BOTS, admin_token).json()) == 1
        for n in range(20):
            services.bot_create(owner_id=admin.id, username=f"bot{n}")
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert len(send(client, "GET", BOTS, admin_token).json()) == 21


class TestGet:
    def test_reads_a_bot_with_etag(self, client: Client, admin_token: str, bot: User) -> None:
        response = send(client, "GET", f"{BOTS}/{bot.id}", admin_token)
        assert response.status_code == 200
        assert response.json()["description"] == "Says hi"
        again = client.get(
            f"{BOTS}/{bot.id}", HTTP_IF_NONE_MATCH=response["ETag"], **bearer(admin_token)
        )
        assert again.status_code == 304

    def test_a_disabled_bot_needs_include_deleted(
        self, client: Client, admin_token: str, bot: User
    ) -> None:
        services.bot_set_active(bot=bot, active=False)
        assert_error(send(client, "GET", f"{BOTS}/{bot.id}", admin_token), 404, NO_BOT)
        shown = send(client, "GET", f"{BOTS}/{bot.id}?include_deleted=true", admin_token)
        assert shown.json()["delete_at"] > 0

    def test_errors(
        self, client: Client, admin_token: str, token: str, bot: User, user: User
    ) -> None:
        assert_error(send(client, "GET", f"{BOTS}/nope", admin_token), 400, BAD_URL)
        assert_error(send(client, "GET", f"{BOTS}/{bot.id}"), 401, EXPIRED)
        assert_error(send(client, "GET", f"{BOTS}/{MISSING_ID}", admin_token), 404, NO_BOT)
        # A person is not a bot.
        assert_error(send(client, "GET", f"{BOTS}/{user.id}", admin_token), 404, NO_BOT)
        # Without read permission the bot looks missing, so being a bot is not revealed.
        assert_error(send(client, "GET", f"{BOTS}/{bot.id}", token), 404, NO_BOT)


class TestPatch:
    def test_changes_given_fields_only(self, client: Client, admin_token: str, bot: User) -> None:
        response = send(client, "PUT", f"{BOTS}/{bot.id}", admin_token, {"username": "Renamed"})
        assert response.status_code == 200
        data = response.json()
        assert (data["username"], data["display_name"], data["description"]) == (
            "renamed",
            "Helper",
            "Says hi",
        )
        assert User.objects.get(id=bot.id).email == "renamed@localhost"

    def test_errors(
        self, client: Client, admin_token: str, keeper: User, login: Login, bot: User
    ) -> None:
        url = f"{BOTS}/{bot.id}"
        assert_error(send(client, "PUT", f"{BOTS}/x", admin_token, {}), 400, BAD_URL)
        assert_error(send(client, "PUT", url, admin_token, {"description": 1}), 400, BAD_BODY)
        assert_error(send(client, "PUT", url, body={}), 401, EXPIRED)
        assert_error(send(client, "PUT", f"{BOTS}/{MISSING_ID}", admin_token, {}), 404, NO_BOT)
        # The keeper may manage only her own bots; the admin's looks missing to her.
        assert_error(send(client, "PUT", url, login(keeper)[1], {}), 404, NO_BOT)

    def test_reading_without_managing_is_403(
        self, client: Client, keeper: User, login: Login
    ) -> None:
        mine = services.bot_create(owner_id=keeper.id, username="mine")
        reader = {"create_bot", "read_bots"}
        with mock.patch.dict(roles.ROLE_PERMISSIONS, {KEEPER_ROLE: frozenset(reader)}):
            response = send(client, "PUT", f"{BOTS}/{mine.id}", login(keeper)[1], {})
        assert_error(response, 403, FORBIDDEN)


class TestDisableEnable:
    def test_disabling_ends_sessions_and_enabling_restores(
        self, client: Client, admin_token: str, bot: User, login: Login
    ) -> None:
        _, bot_token = login(bot)
        disabled = send(client, "POST", f"{BOTS}/{bot.id}/disable", admin_token)
        assert disabled.status_code == 200
        assert disabled.json()["delete_at"] > 0
        assert_error(send(client, "GET", "/api/v4/users/me", bot_token), 401, EXPIRED)
        enabled = send(client, "POST", f"{BOTS}/{bot.id}/enable", admin_token)
        assert enabled.json()["delete_at"] == 0

    def test_errors(self, client: Client, token: str, admin_token: str, bot: User) -> None:
        assert_error(send(client, "POST", f"{BOTS}/x/disable", admin_token), 400, BAD_URL)
        assert_error(send(client, "POST", f"{BOTS}/{bot.id}/disable"), 401, EXPIRED)
        assert_error(send(client, "POST", f"{BOTS}/{bot.id}/enable", token), 404, NO_BOT)
        missing = send(client, "POST", f"{BOTS}/{MISSING_ID}/enable", admin_token)
        assert_error(missing, 404, NO_BOT)


class TestAssign:
    def test_hands_the_bot_to_another_owner(
        self, client: Client, admin_token: str, bot: User, user: User
    ) -> None:
        response = send(client, "POST", f"{BOTS}/{bot.id}/assign/{user.id}", admin_token)
        assert response.status_code == 200
        assert response.json()["owner_id"] == user.id

    def test_errors(
        self, client: Client, admin_token: str, token: str, bot: User, admin: User
    ) -> None:
        other_bot = services.bot_create(owner_id=admin.id, username="other")
        base = f"{BOTS}/{bot.id}/assign"
        assert_error(send(client, "POST", f"{base}/x", admin_token), 400, BAD_URL)
        assert_error(send(client, "POST", f"{base}/{admin.id}"), 401, EXPIRED)
        assert_error(send(client, "POST", f"{base}/{other_bot.id}", admin_token), 403, FORBIDDEN)
        assert_error(send(client, "POST", f"{base}/{admin.id}", token), 404, NO_BOT)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8"/></svg>'
BOMB = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>'


def upload_icon(client: Client, bot: User, token: str, data: bytes, name: str = "i.svg") -> Any:
    upload = SimpleUploadedFile(name, data, content_type="image/svg+xml")
    return client.post(f"{BOTS}/{bot.id}/icon", {"image": upload}, **bearer(token))


class TestIcon:
    @pytest.fixture(autouse=True)
    def _data_dir(self, settings: LazySettings, tmp_path: Path) -> None:
        settings.DATA_DIR = tmp_path

    def test_set_get_and_delete(self, client: Client, admin_token: str, bot: User) -> None:
        url = f"{BOTS}/{bot.id}/icon"
        assert_error(send(client, "GET", url, admin_token), 404, NO_ICON)
        assert upload_icon(client, bot, admin_token, SVG).json() == {"status": "OK"}
        got = client.get(url, **bearer(admin_token))
        assert (got.status_code, got["Content-Type"], got.content) == (200, "image/svg+xml", SVG)
        again = client.get(url, HTTP_IF_NONE_MATCH=got["ETag"], **bearer(admin_token))
        assert again.status_code == 304
        me = send(client, "GET", f"/api/v4/users/{bot.id}", admin_token).json()
        assert me["bot_last_icon_update"] == int(got["ETag"])
        assert send(client, "DELETE", url, admin_token).json() == {"status": "OK"}
        assert_error(send(client, "GET", url, admin_token), 404, NO_ICON)

    @pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n", b"<html></html>", BOMB])
    def test_only_svg_is_accepted(
        self, client: Client, admin_token: str, bot: User, data: bytes
    ) -> None:
        response = upload_icon(client, bot, admin_token, data)
        assert_error(response, 400, "api.bot.set_bot_icon_image.app_error")

    def test_too_large_is_413(
        self, client: Client, admin_token: str, bot: User, mm_config: Callable[..., None]
    ) -> None:
        mm_config(max_file_size=len(SVG) - 1)
        response = upload_icon(client, bot, admin_token, SVG)
        assert_error(response, 413, "api.bot.set_bot_icon_image.too_large.app_error")

    def test_errors(self, client: Client, admin_token: str, token: str, bot: User) -> None:
        url = f"{BOTS}/{bot.id}/icon"
        assert_error(send(client, "GET", f"{BOTS}/x/icon", admin_token), 400, BAD_URL)
        no_file = client.post(url, {}, **bearer(admin_token))
        assert_error(no_file, 400, "api.bot.set_bot_icon_image.no_file.app_error")
        assert_error(send(client, "GET", url), 401, EXPIRED)
        assert_error(send(client, "DELETE", url), 401, EXPIRED)
        # alice may not manage the admin's bot: it looks missing to her.
        assert_error(upload_icon(client, bot, token, SVG), 404, NO_BOT)
        assert_error(send(client, "DELETE", url, token), 404, NO_BOT)
        missing = f"{BOTS}/{MISSING_ID}/icon"
        assert_error(send(client, "GET", missing, admin_token), 404, NO_BOT)

    def test_viewing_needs_view_members(
        self, client: Client, bot: User, user: User, login: Login
    ) -> None:
        user.roles = "system_guest"
        user.save()
        response = send(client, "GET", f"{BOTS}/{bot.id}/icon", login(user)[1])
        assert_error(response, 403, FORBIDDEN)


class TestConvert:
    def test_a_bot_becomes_a_user_who_can_log_in(
        self, client: Client, admin_token: str, bot: User
    ) -> None:
        body = {"password": "n3w-passw0rd!", "email": "helper@example.com"}
        url = f"{BOTS}/{bot.id}/convert_to_user?set_system_admin=true"
        response = send(client, "POST", url, admin_token, body)
        assert response.status_code == 200
        data = response.json()
        assert "is_bot" not in data
        assert data["email"] == "helper@example.com"
        assert "system_admin" in data["roles"]
        login = send(
            client,
            "POST",
            "/api/v4/users/login",
            body={"login_id": "helper", "password": body["password"]},
        )
        assert login.status_code == 200

    def test_convert_to_user_errors(
        self, client: Client, admin_token: str, token: str, bot: User
    ) -> None:
        url = f"{BOTS}/{bot.id}/convert_to_user"
        assert_error(
            send(client, "POST", f"{BOTS}/x/convert_to_user", admin_token, {}), 400, BAD_URL
        )
        assert_error(send(client, "POST", url, admin_token, {"email": "a@b.c"}), 400, BAD_BODY)
        assert_error(send(client, "POST", url, body={"password": "x"}), 401, EXPIRED)
        assert_error(send(client, "POST", url, token, {"password": "passw0rd!"}), 403, FORBIDDEN)
        missing = f"{BOTS}/{MISSING_ID}/convert_to_user"
        assert_error(send(client, "POST", missing, admin_token, {"password": "x"}), 404, NO_BOT)

    def test_a_user_becomes_a_bot(
        self, client: Client, admin_token: str, token: str, user: User
    ) -> None:
        url = f"/api/v4/users/{user.id}/convert_to_bot"
        assert_error(send(client, "POST", url, token), 403, FORBIDDEN)
        response = send(client, "POST", url, admin_token)
        assert response.status_code == 200
        assert response.json()["owner_id"] == user.id
        login = send(
            client,
            "POST",
            "/api/v4/users/login",
            body={"login_id": "alice", "password": "passw0rd!"},
        )
        assert_error(login, 401, BOT_LOGIN)
        assert_error(
            send(client, "POST", f"/api/v4/users/{MISSING_ID}/convert_to_bot", admin_token),
            404,
            "app.user.missing_account.const",
        )
        assert_error(
            send(client, "POST", "/api/v4/users/x/convert_to_bot", admin_token), 400, BAD_URL
        )


class TestOwnerDeactivation:
    def test_deactivating_the_owner_disables_their_bots(
        self, client: Client, admin_token: str, user: User, login: Login
    ) -> None:
        owned = services.bot_create(owner_id=user.id, username="owned")
        _, bot_token = login(owned)
        assert send(client, "DELETE", f"/api/v4/users/{user.id}", admin_token).status_code == 200
        assert User.objects.get(id=owned.id).delete_at > 0
        assert_error(send(client, "GET", "/api/v4/users/me", bot_token), 401, EXPIRED)

    def test_the_setting_keeps_them_running(
        self, client: Client, admin_token: str, user: User, mm_config: Callable[..., None]
    ) -> None:
        mm_config(disable_bots_when_owner_is_deactivated=False)
        owned = services.bot_create(owner_id=user.id, username="owned")
        assert send(client, "DELETE", f"/api/v4/users/{user.id}", admin_token).status_code == 200
        assert User.objects.get(id=owned.id).delete_at == 0


class TestBotIdentity:
    def test_an_access_token_authenticates_the_bot(
        self, client: Client, admin_token: str, bot: User
    ) -> None:
        created = send(
            client, "POST", f"/api/v4/users/{bot.id}/tokens", admin_token, {"description": "ci"}
        )
        assert created.status_code == 200
        me = send(client, "GET", "/api/v4/users/me", created.json()["token"])
        assert me.status_code == 200
        data = me.json()
        assert (data["id"], data["is_bot"], data["bot_description"]) == (bot.id, True, "Says hi")

    def test_a_keeper_may_mint_tokens_for_her_bot_only(
        self, client: Client, keeper: User, login: Login, bot: User
    ) -> None:
        keeper.roles += " system_user_access_token"
        keeper.save()
        mine = services.bot_create(owner_id=keeper.id, username="mine")
        keeper_token = login(keeper)[1]
        body = {"description": "mine"}
        ok = send(client, "POST", f"/api/v4/users/{mine.id}/tokens", keeper_token, body)
        assert ok.status_code == 200
        refused = send(client, "POST", f"/api/v4/users/{bot.id}/tokens", keeper_token, body)
        assert_error(refused, 403, FORBIDDEN)

    def test_password_login_is_refused_even_with_a_password(
        self, client: Client, bot: User
    ) -> None:
        bot.set_password("passw0rd!")  # as if set behind the API's back
        bot.save()
        body = {"login_id": "helper", "password": "passw0rd!"}
        assert_error(send(client, "POST", "/api/v4/users/login", body=body), 401, BOT_LOGIN)
