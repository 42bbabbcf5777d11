from __future__ import annotations

import os

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.health import database_ok, filestore_ok
from apps.core.views import MattermostView, request_user

OK = "OK"
UNHEALTHY = "UNHEALTHY"


class SystemPingView(MattermostView):
    """Health check used by every client before it logs in."""

    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="GetPing",
        parameters=[
            OpenApiParameter("get_server_status", OpenApiTypes.BOOL),
            OpenApiParameter("use_rest_semantics", OpenApiTypes.BOOL),
        ],
        responses={200: OpenApiTypes.OBJECT, 500: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        body: dict[str, object] = {
            "status": OK,
            "AndroidLatestVersion": "",
            "AndroidMinVersion": "",
            "IosLatestVersion": "",
            "IosMinVersion": "",
        }
        headers: dict[str, str] = {}
        if request.query_params.get("get_server_status") == "true":
            body["database_status"] = OK if database_ok() else UNHEALTHY
            body["filestore_status"] = OK if filestore_ok() else UNHEALTHY
            if UNHEALTHY in (body["database_status"], body["filestore_status"]):
                body["status"] = UNHEALTHY
            headers = {k: str(body[k]) for k in ("status", "database_status", "filestore_status")}
            user = request_user(request)
            if user is not None and user.is_system_admin:
                body["root_status"] = os.geteuid() == 0
        body["ActiveSearchBackend"] = "database"
        # Like Mattermost: an unhealthy server answers 500 unless the client asked for
        # REST semantics, where the status field alone carries the verdict.
        failed = body["status"] != OK and request.query_params.get("use_rest_semantics") != "true"
        return Response(body, status=500 if failed else 200, headers=headers)
