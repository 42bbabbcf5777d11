"""OAuth apps over API v3: ``/oauth/register``, ``list``, ``app/{client_id}``, ``delete``,
``authorized``, ``{id}/deauthorize``, ``{id}/regen_secret`` and ``allow`` (a user lets an
app act for them). Checks run in 4.10's order, with its error ids; the work is the
services' that v4 uses."""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission
from apps.core.api.v3.base import V3View, invalid_param, string_map
from apps.core.api.v3.decoding import decoded_object, is_flag, is_int64, is_text, is_text_list, text
from apps.core.errors import AppError, permission_denied
from apps.core.ids import is_valid_id
from apps.core.views import STATUS_OK, request_session, session_user
from apps.oauth.api.v3.wire import oauth_app_v3
from apps.oauth.authorization import approval_redirect, authorize_request_app, request_uri
from apps.oauth.models import OAuthApp
from apps.oauth.permissions import (
    MANAGE_OAUTH,
    may_manage_every_app,
    may_trust_apps,
    require_oauth_enabled,
)
from apps.oauth.selectors import (
    oauth_app_get_or_404,
    oauth_apps_all,
    oauth_apps_authorized_by,
    oauth_apps_of_creator,
)
from apps.oauth.services import (
    oauth_app_create,
    oauth_app_deauthorize,
    oauth_app_delete,
    oauth_app_regenerate_secret,
)
from apps.oauth.validators import AppFields, AuthorizeRequest

# model.OAuthApp as a body.
APP_BODY = {
    **dict.fromkeys(
        ("id", "creator_id", "client_secret", "name", "description", "icon_url", "homepage"),
        is_text,
    ),
    "create_at": is_int64,
    "update_at": is_int64,
    "callback_urls": is_text_list,
    "is_trusted": is_flag,
}
# 4.10 read up to 100 000 apps at once; a cap that keeps one request bounded.
LIST_LIMIT = 10_000


def admin_only(user: User) -> AppError:
    """4.10's answer to someone who may not do this with an app."""
    return AppError(
        "api.command.admin_only.app_error",
        "Only those who may manage OAuth apps can do this.",
        403,
        f"user_id={user.id}",
    )


def require_oauth_manager(user: User) -> None:
    if not has_system_permission(user, MANAGE_OAUTH):
        raise admin_only(user)


def app_of(app_id: str) -> OAuthApp:
    """The app (501 while the provider is off, as 4.10's lookup)."""
    require_oauth_enabled()
    return oauth_app_get_or_404(app_id)


def may_manage(user: User, app: OAuthApp) -> bool:
    return app.creator_id == user.id or may_manage_every_app(user)


class RegisterAppView(V3View):
    """``POST /oauth/register`` with an app: the new app, with its secret."""

    @extend_schema(
        operation_id="v3RegisterOAuthApp",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        user = session_user(request)
        require_oauth_manager(user)
        data = decoded_object(request, "app", APP_BODY)
        fields = AppFields(
            name=text(data, "name"),
            description=text(data, "description"),
            icon_url=text(data, "icon_url"),
            callback_urls=data.get("callback_urls") or [],
            homepage=text(data, "homepage"),
            is_trusted=data.get("is_trusted") is True and may_trust_apps(user),
            mattermost_app_id="",
        )
        if not settings.MATTERMOST.enable_oauth_service_provider:
            raise AppError(
                "api.oauth.register_oauth_app.turn_off.app_error",
                "The system administrator has turned off the OAuth 2.0 service provider.",
                501,
            )
        return Response(oauth_app_v3(oauth_app_create(creator=user, fields=fields)))


class AppsView(V3View):
    """``GET /oauth/list``: the apps the caller manages (every app for those who manage
    them all), with their secrets."""

    @extend_schema(operation_id="v3ListOAuthApps", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        user = session_user(request)
        require_oauth_manager(user)
        require_oauth_enabled()
        apps = oauth_apps_all() if may_manage_every_app(user) else oauth_apps_of_creator(user.id)
        return Response([oauth_app_v3(app) for app in apps[:LIST_LIMIT]])


class AppInfoView(V3View):
    """``GET /oauth/app/{client_id}``: what any user may see of an app (no secret)."""

    @extend_schema(operation_id="v3GetOAuthAppInfo", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, client_id: str) -> Response:
        return Response(oauth_app_v3(app_of(client_id), with_secret=False))


class DeleteAppView(V3View):
    """``POST /oauth/delete {"id"}``: the app is gone, with every session it held."""

    @extend_schema(
        operation_id="v3DeleteOAuthApp",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        app_id = string_map(request).get("id", "")
        if not app_id:
            raise invalid_param("id")
        user = session_user(request)
        require_oauth_manager(user)
        app = app_of(app_id)
        if not may_manage(user, app):
            raise AppError(
                "api.oauth.delete.permissions.app_error",
                "Only the app's creator, or someone who manages every app, may delete it.",
                403,
                f"user_id={user.id}",
            )
        oauth_app_delete(app=app)
        return Response(STATUS_OK)


class AuthorizedAppsView(V3View):
    """``GET /oauth/authorized``: the apps the caller let act for them (no secrets)."""

    @extend_schema(operation_id="v3AuthorizedOAuthApps", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        require_oauth_enabled()
        apps = oauth_apps_authorized_by(session_user(request).id)[:LIST_LIMIT]
        return Response([oauth_app_v3(app, with_secret=False) for app in apps])


class DeauthorizeAppView(V3View):
    """``POST /oauth/{id}/deauthorize``: the caller withdraws the app's access."""

    @extend_schema(
        operation_id="v3DeauthorizeOAuthApp", request=None, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, app_id: str) -> Response:
        if not is_valid_id(app_id):
            raise invalid_param("id")
        require_oauth_enabled()
        oauth_app_deauthorize(user_id=session_user(request).id, app_id=app_id)
        return Response(STATUS_OK)


class RegenerateSecretView(V3View):
    """``POST /oauth/{id}/regen_secret``: the app with a new secret (its creator, or
    someone who manages every app)."""

    @extend_schema(
        operation_id="v3RegenerateOAuthAppSecret",
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, app_id: str) -> Response:
        user = session_user(request)
        app = app_of(app_id)
        if not may_manage(user, app):
            raise admin_only(user)
        return Response(oauth_app_v3(oauth_app_regenerate_secret(app=app)))


class AllowView(V3View):
    """``GET /oauth/allow?response_type=code&client_id=&redirect_uri=&state=&scope=``:
    the caller lets the app act for them; answers ``{"redirect": <the callback URL with
    a code>}`` (or with an error, for a request the provider refuses)."""

    @extend_schema(operation_id="v3AllowOAuth", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        auth_request = AuthorizeRequest.from_params(request.query_params)
        if not auth_request.response_type:
            raise _allow_error("bad_response", "The response type is missing.")
        if len(auth_request.client_id) != 26:
            raise _allow_error("bad_client", "The client id is not valid.")
        if not auth_request.redirect_uri:
            raise _allow_error("bad_redirect", "The redirect URI is missing.")
        user = session_user(request)
        session = request_session(request)
        if session is not None and session.is_oauth:
            raise permission_denied(user.id, "edit_other_users")  # no app authorizes apps
        require_oauth_enabled()
        authorize_request_app(auth_request)
        uri = request_uri(request.build_absolute_uri(request.path), auth_request)
        return Response({"redirect": approval_redirect(uri=uri, user=user)})


def _allow_error(what: str, message: str) -> AppError:
    return AppError(f"api.oauth.allow_oauth.{what}.app_error", message, 400)


urlpatterns: list[URLPattern] = [
    path("oauth/register", RegisterAppView.as_view(), name="oauth-register"),
    path("oauth/list", AppsView.as_view(), name="oauth-list"),
    path("oauth/app/<v3id:client_id>", AppInfoView.as_view(), name="oauth-app-info"),
    path("oauth/delete", DeleteAppView.as_view(), name="oauth-delete"),
    path("oauth/authorized", AuthorizedAppsView.as_view(), name="oauth-authorized"),
    path("oauth/allow", AllowView.as_view(), name="oauth-allow"),
    path("oauth/<v3id:app_id>/deauthorize", DeauthorizeAppView.as_view(), name="oauth-deauthorize"),
    path(
        "oauth/<v3id:app_id>/regen_secret",
        RegenerateSecretView.as_view(),
        name="oauth-regen-secret",
    ),
]
