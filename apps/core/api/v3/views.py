"""API v3 routes that belong to no domain: health, client configuration, client logs, and
the custom emoji routes (a feature this server does not have)."""

from __future__ import annotations

import logging

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.v3.base import V3TrustedView, V3View, string_map
from apps.core.api.v3.params import go_map
from apps.core.client_config import client_config, client_license
from apps.core.clock import now_ms
from apps.core.config import V3_SERVER_VERSION
from apps.core.errors import AppError, permission_denied
from apps.core.views import STATUS_OK, request_user

logger = logging.getLogger("mattermost_py.client")

# Client log lines are cut here, as Mattermost did, so a client cannot flood the log.
MAX_CLIENT_LOG_CHARS = 400


class GeneralPingView(V3View):
    """v3 health check: the server version and its clock (a string, as v3 sent it)."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v3GeneralPing", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(go_map({"version": V3_SERVER_VERSION, "server_time": str(now_ms())}))


class ClientPropsView(V3View):
    """The client configuration, needing no session (clients read it before logging in)."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v3GetClientConfig", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(client_config(version=V3_SERVER_VERSION))


class LicenseClientConfigView(V3View):
    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v3GetClientLicense", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(client_license())


class LogClientView(V3View):
    """A client reports an error for the server log. Outside developer mode only signed-in
    users may, and only an admin's reports are logged as errors (others as debug)."""

    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="v3LogClient",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        as_error = settings.MATTERMOST.enable_developer
        if not as_error:
            if user is None:
                raise permission_denied()
            as_error = user.is_system_admin
        body = string_map(request)
        if body.get("level") == "ERROR":
            message = body.get("message", "")[:MAX_CLIENT_LOG_CHARS]
            logger.log(logging.ERROR if as_error else logging.DEBUG, "client: %s", message)
        return Response(STATUS_OK)


def custom_emoji_disabled() -> AppError:
    return AppError(
        "api.emoji.disabled.app_error", "Custom emoji are switched off on this server.", 501
    )


class CustomEmojiListView(V3View):
    """``GET emoji/list``. Custom emoji are always switched off here (the client
    configuration says so), which v3 answered with 501 after checking the session."""

    @extend_schema(operation_id="v3ListEmoji", responses={501: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        raise custom_emoji_disabled()


class CustomEmojiCreateView(V3View):
    """``POST emoji/create``: 501 like the list."""

    @extend_schema(
        operation_id="v3CreateEmoji",
        request=OpenApiTypes.OBJECT,
        responses={501: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        raise custom_emoji_disabled()


class CustomEmojiDeleteView(V3View):
    """``POST emoji/delete``: 501 like the list."""

    @extend_schema(
        operation_id="v3DeleteEmoji",
        request=OpenApiTypes.OBJECT,
        responses={501: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        raise custom_emoji_disabled()


class CustomEmojiImageView(V3TrustedView):
    @extend_schema(operation_id="v3GetEmojiImage", responses={501: OpenApiTypes.OBJECT})
    def get(self, request: Request, emoji_id: str) -> Response:
        raise custom_emoji_disabled()
