"""OAuth apps over API v3 (/api/v3/oauth/*), and their round trip with API v4.

The world is tests/channels/v3_setup.py: dana is a system admin (she manages every app),
alice, bob and carol are plain users (they manage none, unless a test grants it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from apps.accounts.models import User
from apps.oauth.models import OAuthApp
from apps.oauth.selectors import oauth_app_is_authorized
from apps.oauth.services import oauth_app_authorize, oauth_app_create
from tests.channels.v3_setup import INVALID_PARAM, NO_SESSION, UNKNOWN_ID, V3World
from tests.helpers import assert_error, bearer
from tests.integrations.v3_helpers import ok
from tests.oauth.conftest import CALLBACK, app_fields
from tests.oauth.flow import exchange

pytestmark = pytest.mark.django_db

APP_KEYS = [
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
]
ADMIN_ONLY = "api.command.admin_only.app_error"
DISABLED = "api.oauth.allow_oauth.turn_off.app_error"
MISSING = "app.oauth.get_app.find.app_error"


def make_app(creator: User, **changes: Any) -> OAuthApp:
    return oauth_app_create(creator=creator, fields=app_fields(**changes))


def new_app(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Zapper",
        "callback_urls": [CALLBACK],
        "homepage": "https://a.example",
        **fields,
    }


@pytest.fixture
def zapper(v3: V3World, users_manage_oauth: None) -> OAuthApp:
    return make_app(v3.alice)


# --- register -------------------------------------------------------------------------


def test_register_answers_the_app_with_its_secret(v3: V3World, users_manage_oauth: None) -> None:
    app = ok(v3.api("alice").post("/oauth/register", new_app(is_trusted=True, creator_id="x")))
    assert list(app) == APP_KEYS
    assert (app["creator_id"], app["name"], app["is_trusted"]) == (v3.alice.id, "Zapper", False)
    assert len(app["client_secret"]) == 26
    assert ok(v3.api("dana").post("/oauth/register", new_app(is_trusted=True)))["is_trusted"]


def test_register_needs_the_permission_a_good_body_and_the_provider(
    v3: V3World, mm_config: Callable[..., None], users_manage_oauth: None
) -> None:
    assert_error(v3.api(None).post("/oauth/register", new_app()), 401, NO_SESSION)
    assert_error(v3.api("alice").post("/oauth/register", raw="[]"), 400, INVALID_PARAM)
    resp = v3.api("alice").post("/oauth/register", new_app(callback_urls="x"))
    assert_error(resp, 400, INVALID_PARAM)
    resp = v3.api("alice").post("/oauth/register", new_app(name=""))
    assert_error(resp, 400, "model.oauth.is_valid.name.app_error")
    mm_config(enable_oauth_service_provider=False)
    resp = v3.api("alice").post("/oauth/register", new_app())
    assert_error(resp, 501, "api.oauth.register_oauth_app.turn_off.app_error")


def test_register_without_manage_oauth_is_403(v3: V3World) -> None:
    assert_error(v3.api("alice").post("/oauth/register", new_app()), 403, ADMIN_ONLY)
    assert not OAuthApp.objects.exists()


# --- list and app info ----------------------------------------------------------------


def test_list_shows_ones_own_apps_and_an_admin_every_app(v3: V3World, zapper: OAuthApp) -> None:
    bobs = make_app(v3.bob)
    # Made in the same millisecond as ``zapper`` perhaps: make it later for sure.
    OAuthApp.objects.filter(pk=bobs.pk).update(create_at=zapper.create_at + 1)
    (mine,) = ok(v3.api("alice").get("/oauth/list"))
    assert list(mine) == APP_KEYS
    assert (mine["id"], mine["client_secret"]) == (zapper.id, zapper.client_secret)
    listing = ok(v3.api("dana").get("/oauth/list"))
    assert [app["id"] for app in listing] == [zapper.id, bobs.id]


def test_list_needs_the_permission_then_the_provider(
    v3: V3World, mm_config: Callable[..., None]
) -> None:
    assert_error(v3.api(None).get("/oauth/list"), 401, NO_SESSION)
    assert_error(v3.api("alice").get("/oauth/list"), 403, ADMIN_ONLY)
    mm_config(enable_oauth_service_provider=False)
    assert_error(v3.api("dana").get("/oauth/list"), 501, DISABLED)


def test_list_costs_the_same_for_one_app_as_for_many(
    v3: V3World, zapper: OAuthApp, django_assert_max_num_queries: Any
) -> None:
    api = v3.api("dana")
    with django_assert_max_num_queries(10) as one:
        ok(api.get("/oauth/list"))
    for _ in range(5):
        make_app(v3.bob)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(ok(api.get("/oauth/list"))) == 6


def test_app_info_shows_anyone_the_app_without_its_secret(
    v3: V3World, zapper: OAuthApp, mm_config: Callable[..., None]
) -> None:
    info = ok(v3.api("carol").get(f"/oauth/app/{zapper.id}"))
    assert list(info) == APP_KEYS
    assert (info["name"], info["client_secret"]) == ("Zapper", "")
    assert_error(v3.api("carol").get(f"/oauth/app/{UNKNOWN_ID}"), 404, MISSING)
    assert_error(v3.api("carol").get("/oauth/app/short"), 404, MISSING)
    assert_error(v3.api(None).get(f"/oauth/app/{zapper.id}"), 401, NO_SESSION)
    mm_config(enable_oauth_service_provider=False)
    assert_error(v3.api("carol").get(f"/oauth/app/{zapper.id}"), 501, DISABLED)


# --- delete and regen_secret ----------------------------------------------------------


def test_delete_removes_the_app(v3: V3World, zapper: OAuthApp) -> None:
    assert ok(v3.api("alice").post("/oauth/delete", {"id": zapper.id})) == {"status": "OK"}
    assert not OAuthApp.objects.filter(pk=zapper.id).exists()
    assert_error(v3.api("alice").post("/oauth/delete", {"id": zapper.id}), 404, MISSING)


def test_delete_checks_the_body_and_who_asks(
    v3: V3World, zapper: OAuthApp, mm_config: Callable[..., None]
) -> None:
    assert_error(v3.api(None).post("/oauth/delete", {"id": zapper.id}), 401, NO_SESSION)
    assert_error(v3.api("alice").post("/oauth/delete", {}), 400, INVALID_PARAM)
    assert_error(v3.api("alice").post("/oauth/delete", {"id": 1}), 400, INVALID_PARAM)
    resp = v3.api("bob").post("/oauth/delete", {"id": zapper.id})
    assert_error(resp, 403, "api.oauth.delete.permissions.app_error")
    mm_config(enable_oauth_service_provider=False)
    assert_error(v3.api("alice").post("/oauth/delete", {"id": zapper.id}), 501, DISABLED)
    assert OAuthApp.objects.filter(pk=zapper.id).exists()


def test_delete_without_manage_oauth_is_403(v3: V3World) -> None:
    app = make_app(v3.alice)
    assert_error(v3.api("alice").post("/oauth/delete", {"id": app.id}), 403, ADMIN_ONLY)


def test_regen_secret_answers_the_app_with_a_new_secret(v3: V3World, zapper: OAuthApp) -> None:
    app = ok(v3.api("alice").post(f"/oauth/{zapper.id}/regen_secret"))
    assert list(app) == APP_KEYS
    assert app["client_secret"] != zapper.client_secret
    assert OAuthApp.objects.get(pk=zapper.id).client_secret == app["client_secret"]


def test_regen_secret_checks_who_asks(
    v3: V3World, zapper: OAuthApp, mm_config: Callable[..., None]
) -> None:
    path = f"/oauth/{zapper.id}/regen_secret"
    assert_error(v3.api(None).post(path), 401, NO_SESSION)
    assert_error(v3.api("bob").post(path), 403, ADMIN_ONLY)
    assert_error(v3.api("alice").post(f"/oauth/{UNKNOWN_ID}/regen_secret"), 404, MISSING)
    assert ok(v3.api("dana").post(path))["id"] == zapper.id
    mm_config(enable_oauth_service_provider=False)
    assert_error(v3.api("alice").post(path), 501, DISABLED)


# --- allow, authorized, deauthorize ---------------------------------------------------


def allow_path(app: OAuthApp, **changes: str) -> str:
    params = {"response_type": "code", "client_id": app.id, "redirect_uri": CALLBACK}
    params |= {"state": "st4te", **changes}
    return f"/oauth/allow?{urlencode({k: v for k, v in params.items() if v})}"


def test_allow_answers_the_callback_with_a_code_that_buys_a_token(
    v3: V3World, zapper: OAuthApp
) -> None:
    answer = ok(v3.api("carol").get(allow_path(zapper)))
    location = urlsplit(answer["redirect"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    params = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert params["state"] == "st4te"
    assert oauth_app_is_authorized(user_id=v3.carol.id, app_id=zapper.id)
    resp = exchange(
        v3.client,
        zapper,
        grant_type="authorization_code",
        code=params["code"],
        redirect_uri=CALLBACK,
    )
    assert resp.status_code == 200, resp.content
    token = resp.json()["access_token"]
    me = v3.client.get("/api/v3/users/me", **bearer(token))
    assert me.json()["id"] == v3.carol.id


@pytest.mark.parametrize(
    ("changes", "error_id"),
    [
        ({"response_type": ""}, "api.oauth.allow_oauth.bad_response.app_error"),
        ({"client_id": "short"}, "api.oauth.allow_oauth.bad_client.app_error"),
        ({"redirect_uri": ""}, "api.oauth.allow_oauth.bad_redirect.app_error"),
        (
            {"redirect_uri": "https://evil.example/cb"},
            "api.oauth.allow_oauth.redirect_callback.app_error",
        ),
    ],
)
def test_allow_of_a_bad_request_is_400(
    v3: V3World, zapper: OAuthApp, changes: dict[str, str], error_id: str
) -> None:
    assert_error(v3.api("carol").get(allow_path(zapper, **changes)), 400, error_id)
    assert not oauth_app_is_authorized(user_id=v3.carol.id, app_id=zapper.id)


def test_allow_an_unsupported_response_type_goes_back_with_an_error(
    v3: V3World, zapper: OAuthApp
) -> None:
    answer = ok(v3.api("carol").get(allow_path(zapper, response_type="token")))
    query = parse_qs(urlsplit(answer["redirect"]).query)
    assert query["error"] == ["unsupported_response_type"]


def test_allow_needs_a_session_a_known_app_and_the_provider(
    v3: V3World, zapper: OAuthApp, mm_config: Callable[..., None]
) -> None:
    assert_error(v3.api(None).get(allow_path(zapper)), 401, NO_SESSION)
    unknown = OAuthApp(id=UNKNOWN_ID)
    assert_error(v3.api("carol").get(allow_path(unknown)), 404, MISSING)
    mm_config(enable_oauth_service_provider=False)
    assert_error(v3.api("carol").get(allow_path(zapper)), 501, DISABLED)


def test_authorized_lists_the_apps_one_allowed_without_secrets(
    v3: V3World, zapper: OAuthApp, mm_config: Callable[..., None]
) -> None:
    assert ok(v3.api("carol").get("/oauth/authorized")) == []
    oauth_app_authorize(user=v3.carol, app=zapper, scope="user")
    (app,) = ok(v3.api("carol").get("/oauth/authorized"))
    assert list(app) == APP_KEYS
    assert (app["id"], app["client_secret"]) == (zapper.id, "")
    assert_error(v3.api(None).get("/oauth/authorized"), 401, NO_SESSION)
    mm_config(enable_oauth_service_provider=False)
    assert_error(v3.api("carol").get("/oauth/authorized"), 501, DISABLED)


def test_authorized_costs_the_same_for_one_app_as_for_many(
    v3: V3World, zapper: OAuthApp, django_assert_max_num_queries: Any
) -> None:
    oauth_app_authorize(user=v3.carol, app=zapper, scope="user")
    api = v3.api("carol")
    with django_assert_max_num_queries(10) as one:
        ok(api.get("/oauth/authorized"))
    for _ in range(4):
        oauth_app_authorize(user=v3.carol, app=make_app(v3.alice), scope="user")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(ok(api.get("/oauth/authorized"))) == 5


def test_deauthorize_withdraws_the_apps_access(
    v3: V3World, zapper: OAuthApp, mm_config: Callable[..., None]
) -> None:
    oauth_app_authorize(user=v3.carol, app=zapper, scope="user")
    path = f"/oauth/{zapper.id}/deauthorize"
    assert_error(v3.api(None).post(path), 401, NO_SESSION)
    assert_error(v3.api("carol").post("/oauth/short/deauthorize"), 400, INVALID_PARAM)
    assert ok(v3.api("carol").post(path)) == {"status": "OK"}
    assert not oauth_app_is_authorized(user_id=v3.carol.id, app_id=zapper.id)
    mm_config(enable_oauth_service_provider=False)
    assert_error(v3.api("carol").post(path), 501, DISABLED)


def test_routes_take_only_get_or_post(v3: V3World) -> None:
    resp = v3.client.delete("/api/v3/oauth/delete", **bearer(v3.tokens["dana"]))
    assert resp.status_code == 405


# --- v3 and v4 ------------------------------------------------------------------------


def test_an_app_registered_on_v3_is_read_and_changed_on_v4_and_back(
    v3: V3World, users_manage_oauth: None
) -> None:
    made = ok(v3.api("alice").post("/oauth/register", new_app()))
    auth = bearer(v3.tokens["alice"])
    on_v4 = v3.client.get(f"/api/v4/oauth/apps/{made['id']}", **auth)
    assert on_v4.status_code == 200
    assert {key: on_v4.json()[key] for key in APP_KEYS} == made
    changed = {**on_v4.json(), "description": "from v4", "mattermost_app_id": "zap"}
    resp = v3.client.put(
        f"/api/v4/oauth/apps/{made['id']}",
        json.dumps(changed),
        content_type="application/json",
        **auth,
    )
    assert resp.status_code == 200, resp.content
    (back,) = ok(v3.api("alice").get("/oauth/list"))
    assert back["description"] == "from v4"
    assert "mattermost_app_id" not in back
