"""``/api/v4/websocket`` reached without a WebSocket upgrade."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.errors import AppError
from apps.core.views import MattermostView


class WebSocketUpgradeView(MattermostView):
    """The WebSocket itself is served by the ASGI server (apps/realtime/sockets.py); a
    plain HTTP request here is refused as Mattermost refuses it."""

    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="ConnectWebSocket",
        description="Upgrade to the WebSocket (see docs/realtime.md); plain HTTP gets 400.",
        responses={400: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        raise AppError(
            "api.web_socket.connect.upgrade.app_error",
            "This address only accepts WebSocket connections.",
            400,
        )
