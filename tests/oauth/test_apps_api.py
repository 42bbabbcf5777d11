"""OAuth apps over API v4: /api/v4/oauth/apps[/{app_id}[/regen_secret|/info]] and
/api/v4/users/{user_id}/oauth/apps/authorized."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from apps.core.client_config import client_config
from apps.core.ids import new_id
from apps.oauth.models import OAuthApp
from apps.oauth.services import grant_issue, oauth_app_authorize
from tests.helpers import assert_error, bearer
from tests.oauth.conftest import CALLBACK

APPS = "/api/v4/oauth/apps"
APP_KEYS = {
    "id",
    "creator_id",
    "create_at",
    "update_at",
    "client_secret",
    "name",
    "description",
    "icon_url",
    "callback_urls",
    "homepage",
    "is_trusted",
    "mattermost_app_id",
}
NEW_APP = {
    "name": "Zapper",
    "description": "Moves messages around",
    "callback_urls": [CALLBACK],
    "homepage": "https://app.example.com",
    "icon_url": "https://app.example.com/icon.png",
}


def send(client: Client, method: str, url: str, body: Any, token: str) -> Any:
    if body is None:
        return getattr(client, method)(url, **bearer(token))
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **bearer(token)
    )


# --- create -------------------------------------------------------------------------


def test_create_answers_201_with_the_app_and_its_secret(
    client: Client, admin: User, admin_token: str
) -> None:
    resp = send(client, "post", APPS, {**NEW_APP, "is_trusted": True}, admin_token)
    assert resp.status_code == 201, resp.content
    app = resp.json()
    assert set(app) == APP_KEYS
    assert app["creator_id"] == admin.id
    assert len(app["client_secret"]) == 26
    assert app["callback_urls"] == [CALLBACK]
    assert app["is_trusted"] is True
    assert OAuthApp.objects.get(pk=app["id"]).name == "Zapper"


@pytest.mark.usefixtures("users_manage_oauth")
def test_only_system_managers_may_create_trusted_apps(client: Client, token: str) -> None:
    resp = send(client, "post", APPS, {**NEW_APP, "is_trusted": True}, token)
    assert resp.status_code == 201
    assert resp.json()["is_trusted"] is False


def test_create_needs_manage_oauth(client: Client, token: str) -> None:
    resp = send(client, "post", APPS, NEW_APP, token)
    assert_error(resp, 403, "api.context.permissions.app_error")
    assert not OAuthApp.objects.exists()


def test_create_needs_a_session(client: Client, db: None) -> None:
    resp = client.post(APPS, data=json.dumps(NEW_APP), content_type="application/json")
    assert_error(resp, 401, "api.context.session_expired.app_error")


@pytest.mark.parametrize(
    ("body", "error_id"),
    [
        ([NEW_APP], "api.context.invalid_body_param.app_error"),
        (
            {**NEW_APP, "callback_urls": "https://x.example.com"},
            "api.context.invalid_body_param.app_error",
        ),
        ({**NEW_APP, "is_trusted": "yes"}, "api.context.invalid_body_param.app_error"),
        ({**NEW_APP, "name": 5}, "api.context.invalid_body_param.app_error"),
        ({**NEW_APP, "name": ""}, "model.oauth.is_valid.name.app_error"),
        ({**NEW_APP, "name": "x" * 65}, "model.oauth.is_valid.name.app_error"),
        ({**NEW_APP, "callback_urls": []}, "model.oauth.is_valid.callback.app_error"),
        (
            {**NEW_APP, "callback_urls": ["ftp://x.example.com"]},
            "model.oauth.is_valid.callback.app_error",
        ),
        ({**NEW_APP, "homepage": ""}, "model.oauth.is_valid.homepage.app_error"),
        ({**NEW_APP, "description": "d" * 513}, "model.oauth.is_valid.description.app_error"),
        ({**NEW_APP, "icon_url": "not a url"}, "model.oauth.is_valid.icon_url.app_error"),
        # NUL characters, which PostgreSQL cannot store (refused with the body as a whole),
        # and control characters in URLs.
        ({**NEW_APP, "name": "Zap\x00"}, "api.context.invalid_body_param.app_error"),
        ({**NEW_APP, "description": "\x00"}, "api.context.invalid_body_param.app_error"),
        (
            {**NEW_APP, "callback_urls": ["https://x.example.com/\x00"]},
            "api.context.invalid_body_param.app_error",
        ),
        (
            {**NEW_APP, "homepage": "https://x.example.com/\x7f"},
            "model.oauth.is_valid.homepage.app_error",
        ),
        (
            {**NEW_APP, "icon_url": "https://x.example.com/\x01"},
            "model.oauth.is_valid.icon_url.app_error",
        ),
        ({**NEW_APP, "mattermost_app_id": "\x00"}, "api.context.invalid_body_param.app_error"),
    ],
)
def test_create_refuses_bad_bodies(
    client: Client, admin_token: str, body: Any, error_id: str
) -> None:
    assert_error(send(client, "post", APPS, body, admin_token), 400, error_id)


def test_create_refuses_malformed_json(client: Client, admin_token: str) -> None:
    resp = client.post(APPS, data="{", content_type="application/json", **bearer(admin_token))
    assert resp.status_code == 400


def test_create_is_501_while_the_provider_is_off(
    client: Client, admin_token: str, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_oauth_service_provider=False)
    resp = send(client, "post", APPS, NEW_APP, admin_token)
    assert_error(resp, 501, "api.oauth.allow_oauth.turn_off.app_error")


# --- list ---------------------------------------------------------------------------


@pytest.mark.usefixtures("users_manage_oauth")
def test_list_shows_everything_to_admins_and_own_apps_to_others(
    client: Client,
    admin_token: str,
    token: str,
    user: User,
    make_app: Callable[..., OAuthApp],
) -> None:
    admins = make_app(name="first")
    own = make_app(creator=user, name="mine")
    listed = {app["id"]: app for app in client.get(APPS, **bearer(admin_token)).json()}
    assert set(listed) == {admins.id, own.id}
    assert listed[admins.id]["client_secret"] == admins.client_secret
    mine = client.get(APPS, **bearer(token)).json()
    assert [app["id"] for app in mine] == [own.id]
    pages = [
        client.get(APPS, {"page": page, "per_page": 1}, **bearer(admin_token)).json()
        for page in (0, 1, 2)
    ]
    assert [len(page) for page in pages] == [1, 1, 0]
    assert {page[0]["id"] for page in pages[:2]} == {admins.id, own.id}


def test_list_needs_manage_oauth(client: Client, token: str) -> None:
    assert_error(client.get(APPS, **bearer(token)), 403, "api.command.admin_only.app_error")


def test_list_needs_a_session(client: Client, db: None) -> None:
    assert_error(client.get(APPS), 401, "api.context.session_expired.app_error")


def test_list_is_501_while_the_provider_is_off(
    client: Client, admin_token: str, mm_config: Callable[..., None]
) -> None:
    mm_config(enable_oauth_service_provider=False)
    assert_error(
        client.get(APPS, **bearer(admin_token)), 501, "api.oauth.allow_oauth.turn_off.app_error"
    )


def test_list_costs_the_same_queries_for_one_app_as_for_many(
    client: Client,
    admin_token: str,
    make_app: Callable[..., OAuthApp],
    django_assert_max_num_queries: Any,
) -> None:
    make_app()
    client.get(APPS, **bearer(admin_token))  # warm the session cache
    with django_assert_max_num_queries(3) as one:
        assert len(client.get(APPS, **bearer(admin_token)).json()) == 1
    for number in range(10):
        make_app(name=f"app {number}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(APPS, **bearer(admin_token)).json()) == 11


# --- get, update, delete ------------------------------------------------------------


def test_get_answers_the_app(client: Client, admin_token: str, oauth_app: OAuthApp) -> None:
    resp = client.get(f"{APPS}/{oauth_app.id}", **bearer(admin_token))
    assert resp.status_code == 200
    assert resp.json()["client_secret"] == oauth_app.client_secret


@pytest.mark.usefixtures("users_manage_oauth")
def test_others_apps_need_manage_system_wide_oauth(
    client: Client, token: str, oauth_app: OAuthApp
) -> None:
    url = f"{APPS}/{oauth_app.id}"
    for method, body in (("get", None), ("put", {**NEW_APP, "id": oauth_app.id}), ("delete", None)):
        resp = send(client, method, url, body, token)
        assert_error(resp, 403, "api.context.permissions.app_error")
    resp = client.post(f"{url}/regen_secret", **bearer(token))
    assert_error(resp, 403, "api.context.permissions.app_error")
    assert OAuthApp.objects.get(pk=oauth_app.id).client_secret == oauth_app.client_secret


@pytest.mark.usefixtures("users_manage_oauth")
def test_creators_manage_their_own_apps(
    client: Client, token: str, user: User, make_app: Callable[..., OAuthApp]
) -> None:
    own = make_app(creator=user)
    assert client.get(f"{APPS}/{own.id}", **bearer(token)).status_code == 200
    assert client.delete(f"{APPS}/{own.id}", **bearer(token)).status_code == 200


def test_app_routes_need_manage_oauth(client: Client, token: str, oauth_app: OAuthApp) -> None:
    resp = client.get(f"{APPS}/{oauth_app.id}", **bearer(token))
    assert_error(resp, 403, "api.context.permissions.app_error")


@pytest.mark.parametrize("suffix", ["", "/regen_secret", "/info"])
def test_app_routes_answer_404_for_unknown_apps(
    client: Client, admin_token: str, suffix: str
) -> None:
    url = f"{APPS}/{new_id()}{suffix}"
    resp = (
        client.post(url, **bearer(admin_token))
        if suffix == "/regen_secret"
        else client.get(url, **bearer(admin_token))
    )
    assert_error(resp, 404, "app.oauth.get_app.find.app_error")


@pytest.mark.parametrize("suffix", ["", "/info"])
def test_app_routes_answer_400_for_malformed_ids(
    client: Client, admin_token: str, suffix: str
) -> None:
    resp = client.get(f"{APPS}/nope{suffix}", **bearer(admin_token))
    assert_error(resp, 400, "api.context.invalid_url_param.app_error")


@pytest.mark.parametrize("suffix", ["", "/info"])
def test_app_routes_need_a_session(client: Client, oauth_app: OAuthApp, suffix: str) -> None:
    resp = client.get(f"{APPS}/{oauth_app.id}{suffix}")
    assert_error(resp, 401, "api.context.session_expired.app_error")


@pytest.mark.parametrize("suffix", ["", "/info"])
def test_app_routes_are_501_while_the_provider_is_off(
    client: Client,
    admin_token: str,
    oauth_app: OAuthApp,
    mm_config: Callable[..., None],
    suffix: str,
) -> None:
    mm_config(enable_oauth_service_provider=False)
    resp = client.get(f"{APPS}/{oauth_app.id}{suffix}", **bearer(admin_token))
    assert_error(resp, 501, "api.oauth.allow_oauth.turn_off.app_error")


def test_update_replaces_the_fields_but_keeps_the_secret(
    client: Client, admin_token: str, oauth_app: OAuthApp
) -> None:
    body = {
        **NEW_APP,
        "id": oauth_app.id,
        "name": "Renamed",
        "callback_urls": ["https://b.example.com/cb"],
    }
    resp = send(client, "put", f"{APPS}/{oauth_app.id}", body, admin_token)
    assert resp.status_code == 200, resp.content
    app = resp.json()
    assert app["name"] == "Renamed"
    assert app["callback_urls"] == ["https://b.example.com/cb"]
    assert app["client_secret"] == oauth_app.client_secret
    assert app["update_at"] >= oauth_app.update_at
    assert OAuthApp.objects.get(pk=oauth_app.id).name == "Renamed"


@pytest.mark.usefixtures("users_manage_oauth")
def test_update_keeps_trust_unless_the_caller_manages_the_system(
    client: Client, token: str, user: User, make_app: Callable[..., OAuthApp]
) -> None:
    own = make_app(creator=user, is_trusted=True)
    body = {**NEW_APP, "id": own.id, "is_trusted": False}
    resp = send(client, "put", f"{APPS}/{own.id}", body, token)
    assert resp.json()["is_trusted"] is True


@pytest.mark.parametrize(
    ("body", "error_id"),
    [
        ({**NEW_APP}, "api.context.invalid_body_param.app_error"),
        ({**NEW_APP, "id": "x" * 26}, "api.context.invalid_body_param.app_error"),
        ("text", "api.context.invalid_body_param.app_error"),
        ({"name": "No callbacks"}, "model.oauth.is_valid.callback.app_error"),
    ],
)
def test_update_refuses_bad_bodies(
    client: Client, admin_token: str, oauth_app: OAuthApp, body: Any, error_id: str
) -> None:
    if isinstance(body, dict) and body.get("name") == "No callbacks":
        body = {**body, "id": oauth_app.id}
    resp = send(client, "put", f"{APPS}/{oauth_app.id}", body, admin_token)
    assert_error(resp, 400, error_id)
    assert OAuthApp.objects.get(pk=oauth_app.id).name == "Zapper"


def test_update_answers_404_for_unknown_apps(client: Client, admin_token: str) -> None:
    app_id = new_id()
    resp = send(client, "put", f"{APPS}/{app_id}", {**NEW_APP, "id": app_id}, admin_token)
    assert_error(resp, 404, "app.oauth.get_app.find.app_error")


def test_delete_ends_the_apps_sessions_and_authorizations(
    client: Client, admin_token: str, oauth_app: OAuthApp, user: User, admin: User
) -> None:
    _, access_token, _ = grant_issue(app=oauth_app, user=user, redirect_uri=CALLBACK, scope="user")
    oauth_app_authorize(user=user, app=oauth_app, scope="user")
    assert client.get("/api/v4/users/me", **bearer(access_token)).status_code == 200
    resp = client.delete(f"{APPS}/{oauth_app.id}", **bearer(admin_token))
    assert resp.status_code == 200
    assert resp.json() == {"status": "OK"}
    assert not OAuthApp.objects.filter(pk=oauth_app.id).exists()
    assert not Session.objects.filter(user=user, is_oauth=True).exists()
    resp = client.get("/api/v4/users/me", **bearer(access_token))
    assert_error(resp, 401, "api.context.session_expired.app_error")
    authorized = client.get(f"/api/v4/users/{user.id}/oauth/apps/authorized", **bearer(admin_token))
    assert authorized.json() == []


# --- regen_secret and info ----------------------------------------------------------


def test_regen_secret_gives_a_new_secret(
    client: Client, admin_token: str, oauth_app: OAuthApp
) -> None:
    resp = client.post(f"{APPS}/{oauth_app.id}/regen_secret", **bearer(admin_token))
    assert resp.status_code == 200
    secret = resp.json()["client_secret"]
    assert secret != oauth_app.client_secret
    assert OAuthApp.objects.get(pk=oauth_app.id).client_secret == secret


def test_regen_secret_needs_manage_oauth_and_a_session(
    client: Client, token: str, oauth_app: OAuthApp
) -> None:
    url = f"{APPS}/{oauth_app.id}/regen_secret"
    assert_error(client.post(url, **bearer(token)), 403, "api.context.permissions.app_error")
    assert_error(client.post(url), 401, "api.context.session_expired.app_error")
    assert_error(
        client.post(f"{APPS}/nope/regen_secret", **bearer(token)),
        400,
        "api.context.invalid_url_param.app_error",
    )


def test_info_shows_any_user_the_app_without_its_secret(
    client: Client, token: str, oauth_app: OAuthApp
) -> None:
    resp = client.get(f"{APPS}/{oauth_app.id}/info", **bearer(token))
    assert resp.status_code == 200
    info = resp.json()
    assert info["client_secret"] == ""
    assert info["name"] == "Zapper"
    assert info["callback_urls"] == [CALLBACK]


# --- authorized apps ----------------------------------------------------------------


def authorized_url(user_id: str) -> str:
    return f"/api/v4/users/{user_id}/oauth/apps/authorized"


def test_authorized_lists_the_apps_a_user_allowed_without_secrets(
    client: Client, token: str, user: User, make_app: Callable[..., OAuthApp]
) -> None:
    allowed = make_app(name="Allowed")
    make_app(name="Not allowed")
    oauth_app_authorize(user=user, app=allowed, scope="user")
    for user_part in ("me", user.id):
        resp = client.get(authorized_url(user_part), **bearer(token))
        assert resp.status_code == 200
        assert [(app["id"], app["client_secret"]) for app in resp.json()] == [(allowed.id, "")]


def test_authorized_of_someone_else_needs_edit_other_users(
    client: Client, token: str, admin_token: str, other_user: User, oauth_app: OAuthApp
) -> None:
    oauth_app_authorize(user=other_user, app=oauth_app, scope="user")
    resp = client.get(authorized_url(other_user.id), **bearer(token))
    assert_error(resp, 403, "api.context.permissions.app_error")
    listed = client.get(authorized_url(other_user.id), **bearer(admin_token)).json()
    assert [app["id"] for app in listed] == [oauth_app.id]


def test_authorized_refuses_bad_ids_anonymous_callers_and_a_disabled_provider(
    client: Client, token: str, user: User, mm_config: Callable[..., None]
) -> None:
    assert_error(
        client.get(authorized_url("nope"), **bearer(token)),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert_error(client.get(authorized_url(user.id)), 401, "api.context.session_expired.app_error")
    mm_config(enable_oauth_service_provider=False)
    resp = client.get(authorized_url("me"), **bearer(token))
    assert_error(resp, 501, "api.oauth.allow_oauth.turn_off.app_error")


def test_authorized_costs_the_same_queries_for_one_app_as_for_many(
    client: Client,
    token: str,
    user: User,
    make_app: Callable[..., OAuthApp],
    django_assert_max_num_queries: Any,
) -> None:
    oauth_app_authorize(user=user, app=make_app(), scope="user")
    client.get(authorized_url("me"), **bearer(token))
    with django_assert_max_num_queries(3) as one:
        assert len(client.get(authorized_url("me"), **bearer(token)).json()) == 1
    for number in range(10):
        oauth_app_authorize(user=user, app=make_app(name=f"app {number}"), scope="user")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(authorized_url("me"), **bearer(token)).json()) == 11


def test_clients_are_told_whether_the_provider_is_on(mm_config: Callable[..., None]) -> None:
    assert client_config()["EnableOAuthServiceProvider"] == "true"
    mm_config(enable_oauth_service_provider=False)
    assert client_config()["EnableOAuthServiceProvider"] == "false"
