"""A user's sessions and picture on API v1."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import URLPattern, re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.api.shared import ImageView, profile_image_response
from apps.accounts.api.v1.wire import SYSTEM_ADMIN, TEAM_ADMIN, v1_session
from apps.accounts.api.v4.images import viewable_user
from apps.accounts.permissions import has_system_permission
from apps.core.api.v1.base import ID, V1View, invalid_param, not_permitted, param_id
from apps.core.body import string_map
from apps.core.views import session_user
from apps.teams.selectors import team_memberships_of_user


class SessionsView(V1View):
    """``GET /users/{id}/sessions``: one's own sessions (anyone's for a system admin)."""

    @extend_schema(operation_id="v1GetSessions", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, user_id: str) -> Response:
        actor = session_user(request)
        param_id(user_id, "user_id")
        if user_id != actor.id and not has_system_permission(actor, "manage_system"):
            raise not_permitted(f"userId={user_id}")
        user = actor if user_id == actor.id else selectors.user_get(user_id)
        if user is None:
            return Response([])
        admin_of = {m.team_id for m in team_memberships_of_user(user.id) if m.scheme_admin}

        def roles(team_id: str) -> str:
            if user.is_system_admin:
                return SYSTEM_ADMIN
            return TEAM_ADMIN if team_id in admin_of else ""

        sessions = []
        for session in selectors.sessions_of_user(user.id):
            team_id = str(session.props.get(services.SESSION_PROP_V1_TEAM, ""))
            sessions.append(v1_session(session, team_id=team_id, roles=roles(team_id)))
        return Response(sessions)


class RevokeSessionView(V1View):
    """``POST /users/revoke_session``: ``{id}``, one of the caller's sessions; the body is
    echoed back."""

    @extend_schema(operation_id="v1RevokeSession", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        body = string_map(request)
        if not body.get("id"):
            raise invalid_param("id")
        services.session_revoke_of_user(user_id=session_user(request).id, session_id=body["id"])
        return Response(body)


class ProfileImageView(V1View, ImageView):
    """``GET /users/{id}/image``: the picture, or the generated one."""

    @extend_schema(operation_id="v1GetProfileImage", responses={200: OpenApiTypes.BINARY})
    def get(self, request: Request, user_id: str) -> HttpResponse:
        return profile_image_response(request, viewable_user(request, param_id(user_id, "user_id")))


urlpatterns: list[URLPattern] = [
    re_path(r"^users/revoke_session$", RevokeSessionView.as_view(), name="user-revoke-session"),
    re_path(rf"^users/(?P<user_id>{ID})/sessions$", SessionsView.as_view(), name="user-sessions"),
    re_path(rf"^users/(?P<user_id>{ID})/image$", ProfileImageView.as_view(), name="user-image"),
]
