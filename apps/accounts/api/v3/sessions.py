"""API v3: a user's login sessions and the mobile device of the current one."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.api.v3.wire import session_json
from apps.accounts.permissions import require_self_or_permission
from apps.core.api.v3.base import V3View, invalid_param, string_map
from apps.core.api.v3.params import go_map
from apps.core.errors import AppError
from apps.core.ids import is_valid_id
from apps.core.views import request_session, session_user, url_id

EDIT_OTHER_USERS = "edit_other_users"


class UserSessionsView(V3View):
    @extend_schema(operation_id="v3GetSessions", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, user_id: str) -> Response:
        user_id = url_id(user_id, "user_id")
        require_self_or_permission(session_user(request), user_id, EDIT_OTHER_USERS)
        return Response([session_json(s) for s in selectors.sessions_of_user(user_id)])


class RevokeSessionView(V3View):
    """``{id}``: end one session (by its id, not its token). The caller's own sessions,
    or anyone's with ``edit_other_users``. Answers with the request's map."""

    @extend_schema(
        operation_id="v3RevokeSession",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        body = string_map(request)
        session_id = body.get("id", "")
        session = selectors.session_get(session_id) if is_valid_id(session_id) else None
        if session is None:
            raise AppError("app.session.get.app_error", "No session has that id.", 400)
        require_self_or_permission(session_user(request), session.user_id, EDIT_OTHER_USERS)
        services.session_revoke_of_user(user_id=session.user_id, session_id=session.id)
        return Response(go_map(body))


class AttachDeviceView(V3View):
    """``{device_id}``: the mobile device the current session runs on, for push
    notifications. The user's older sessions on that device end."""

    @extend_schema(
        operation_id="v3AttachDevice",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        body = string_map(request)
        device_id = body.get("device_id", "")
        if not device_id or len(device_id) > services.MAX_DEVICE_ID_LENGTH:
            raise invalid_param("device_id")
        session = request_session(request)
        assert session is not None
        services.session_attach_device(session=session, device_id=device_id, props={})
        return Response(go_map(body))
