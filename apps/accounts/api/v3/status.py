"""API v3: who is online. Statuses come as maps of user id to ``online``, ``away``,
``dnd`` or ``offline``."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.api.v3.wire import status_map_json
from apps.accounts.selectors import status_list, statuses_not_offline
from apps.core.api.v3.base import V3View
from apps.core.api.v3.params import string_list


class StatusesView(V3View):
    """Everyone who is not offline."""

    @extend_schema(operation_id="v3GetStatuses", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(status_map_json(statuses_not_offline()))


class StatusesByIdsView(V3View):
    """The statuses of these users; unknown ids are offline."""

    @extend_schema(
        operation_id="v3GetStatusesByIds",
        request={"application/json": {"type": "array", "items": {"type": "string"}}},
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        return Response(status_map_json(status_list(string_list(request, "user_ids"))))
