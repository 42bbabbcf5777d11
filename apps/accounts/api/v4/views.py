from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.api.v4.serializers import user_for_self
from apps.accounts.services import session_revoke
from apps.core.errors import clear_session_cookies
from apps.core.views import MattermostView, request_session, session_user


class UserMeView(MattermostView):
    @extend_schema(operation_id="GetMe", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(user_for_self(session_user(request)))


class LogoutView(MattermostView):
    """Ends the caller's session, if any; works without one, as in Mattermost."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="Logout", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        session = request_session(request)
        if session is not None:
            session_revoke(session=session)
        response = Response({"status": "OK"})
        clear_session_cookies(response)
        return response
