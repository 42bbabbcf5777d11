from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.v3.base import V3View
from apps.core.clock import now_ms
from apps.core.config import V3_SERVER_VERSION


class GeneralPingView(V3View):
    """v3 health check: the server version and its clock (a string, as v3 sent it)."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v3GeneralPing", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response({"version": V3_SERVER_VERSION, "server_time": str(now_ms())})
