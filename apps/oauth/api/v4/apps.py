"""OAuth apps over API v4: ``/oauth/apps``, ``/oauth/apps/{app_id}`` (and its
``regen_secret`` and ``info``) and ``/users/{user_id}/oauth/apps/authorized``."""

from __future__ import annotations

from dataclasses import replace

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission, require_self_or_permission
from apps.core.body import body_object, optional_str
from apps.core.errors import AppError, invalid_body_param
from apps.core.pagination import page_from
from apps.core.views import STATUS_OK, MattermostView, session_user, url_id, url_user_id
from apps.oauth.models import OAuthApp
from apps.oauth.permissions import (
    MANAGE_OAUTH,
    may_manage_every_app,
    may_trust_apps,
    require_manage_app,
    require_manage_oauth,
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
    oauth_app_delete,
    oauth_app_regenerate_secret,
    oauth_app_update,
)
from apps.oauth.validators import app_fields_from_body
from apps.oauth.wire import oauth_app_fields

BODY = "oauth_app"


def app_to_manage(user: User, app_id: str) -> OAuthApp:
    """The app ``app_id`` (already checked well-formed), which ``user`` must manage.
    Mattermost checks the setting only once the caller may manage apps at all."""
    require_oauth_enabled()
    app = oauth_app_get_or_404(app_id)
    require_manage_app(user, app)
    return app


def managed_app(request: Request, app_id: str) -> OAuthApp:
    """The app the URL names, for a caller who must manage it."""
    app_id = url_id(app_id, "app_id")
    user = session_user(request)
    require_manage_oauth(user)
    return app_to_manage(user, app_id)


class OAuthAppsView(MattermostView):
    """``POST /oauth/apps`` registers an app; ``GET`` lists those the caller manages."""

    @extend_schema(
        operation_id="CreateOAuthApp",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        fields = app_fields_from_body(body_object(request, BODY))
        user = session_user(request)
        require_manage_oauth(user)
        require_oauth_enabled()
        if not may_trust_apps(user):
            fields = replace(fields, is_trusted=False)
        app = oauth_app_create(creator=user, fields=fields)
        return Response(oauth_app_fields(app), status=201)

    @extend_schema(operation_id="GetOAuthApps", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        user = session_user(request)
        if not has_system_permission(user, MANAGE_OAUTH):
            raise AppError(
                "api.command.admin_only.app_error",
                "Only those who may manage OAuth apps can list them.",
                403,
            )
        require_oauth_enabled()
        every = may_manage_every_app(user)
        apps = oauth_apps_all() if every else oauth_apps_of_creator(user.id)
        return Response([oauth_app_fields(app) for app in page_from(request).of(apps)])


class OAuthAppView(MattermostView):
    """``GET``, ``PUT`` and ``DELETE /oauth/apps/{app_id}``."""

    @extend_schema(operation_id="GetOAuthApp", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, app_id: str) -> Response:
        return Response(oauth_app_fields(managed_app(request, app_id)))

    @extend_schema(
        operation_id="UpdateOAuthApp",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, app_id: str) -> Response:
        app_id = url_id(app_id, "app_id")
        user = session_user(request)
        require_manage_oauth(user)
        data = body_object(request, BODY)
        fields = app_fields_from_body(data)
        # The body names the app it changes; it must be the one in the URL.
        if optional_str(data, "id") != app_id:
            raise invalid_body_param("app_id")
        app = app_to_manage(user, app_id)
        if not may_trust_apps(user):
            fields = replace(fields, is_trusted=app.is_trusted)
        return Response(oauth_app_fields(oauth_app_update(app=app, fields=fields)))

    @extend_schema(operation_id="DeleteOAuthApp", responses={200: OpenApiTypes.OBJECT})
    def delete(self, request: Request, app_id: str) -> Response:
        oauth_app_delete(app=managed_app(request, app_id))
        return Response(STATUS_OK)


class OAuthAppSecretView(MattermostView):
    """``POST /oauth/apps/{app_id}/regen_secret``: a new secret; the old one stops
    working for token requests at once (tokens already issued stay valid)."""

    @extend_schema(
        operation_id="RegenerateOAuthAppSecret", request=None, responses={200: OpenApiTypes.OBJECT}
    )
    def post(self, request: Request, app_id: str) -> Response:
        app = oauth_app_regenerate_secret(app=managed_app(request, app_id))
        return Response(oauth_app_fields(app))


class OAuthAppInfoView(MattermostView):
    """``GET /oauth/apps/{app_id}/info``: what any logged-in user may see of an app
    (what a consent page shows), without its secret."""

    @extend_schema(operation_id="GetOAuthAppInfo", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, app_id: str) -> Response:
        app_id = url_id(app_id, "app_id")
        require_oauth_enabled()
        app = oauth_app_get_or_404(app_id)
        return Response(oauth_app_fields(app, with_secret=False))


class AuthorizedOAuthAppsView(MattermostView):
    """``GET /users/{user_id}/oauth/apps/authorized``: the apps a user let act for them."""

    @extend_schema(
        operation_id="GetAuthorizedOAuthAppsForUser", responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request, user_id: str) -> Response:
        user_id = url_user_id(request, user_id)
        actor: User = session_user(request)
        require_self_or_permission(actor, user_id, "edit_other_users")
        require_oauth_enabled()
        apps = page_from(request).of(oauth_apps_authorized_by(user_id))
        return Response([oauth_app_fields(app, with_secret=False) for app in apps])


urlpatterns: list[URLPattern] = [
    path("oauth/apps", OAuthAppsView.as_view(), name="oauth-apps"),
    path("oauth/apps/<str:app_id>", OAuthAppView.as_view(), name="oauth-app"),
    path(
        "oauth/apps/<str:app_id>/regen_secret",
        OAuthAppSecretView.as_view(),
        name="oauth-app-secret",
    ),
    path("oauth/apps/<str:app_id>/info", OAuthAppInfoView.as_view(), name="oauth-app-info"),
    path(
        "users/<str:user_id>/oauth/apps/authorized",
        AuthorizedOAuthAppsView.as_view(),
        name="oauth-apps-authorized",
    ),
]
