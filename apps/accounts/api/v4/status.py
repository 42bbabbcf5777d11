"""The v4 status routes: who is online, away, busy (``dnd``) or offline. Anyone signed in
may read any status; only the user (or an ``edit_other_users`` holder) may set one."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import Status
from apps.accounts.permissions import require_user_settings_access
from apps.accounts.selectors import status_get, status_list
from apps.accounts.services import status_set
from apps.core.errors import invalid_body_param
from apps.core.ids import is_valid_id
from apps.core.views import MattermostView, session_user, url_user_id

STATUS_SCHEMA = {
    "type": "object",
    "properties": {
        "user_id": {"type": "string"},
        "status": {"type": "string", "enum": ["online", "away", "dnd", "offline"]},
        "manual": {"type": "boolean"},
        "last_activity_at": {"type": "integer"},
        "dnd_end_time": {"type": "integer"},
    },
}


def status_json(status: Status) -> dict[str, Any]:
    # Mattermost also has `active_channel`, omitted when empty; it is not tracked here.
    return {
        "user_id": status.user_id,
        "status": status.status,
        "manual": status.manual,
        "last_activity_at": status.last_activity_at,
        "dnd_end_time": status.dnd_end_time,
    }


def _body_field(data: dict[str, Any], key: str, kind: type[str] | type[int]) -> Any:
    """``data[key]`` if it has this JSON type; missing or null is the zero value, as in
    Mattermost's decoder."""
    value = data.get(key)
    if value is None:
        return kind()
    if not isinstance(value, kind) or isinstance(value, bool):
        raise invalid_body_param(key)
    return value


def _status_change_from_body(data: Any) -> tuple[str, str, int]:
    """(user_id, status, dnd_end_time) from a status body; wrong types are a 400."""
    if not isinstance(data, dict):
        raise invalid_body_param("status", "expected a JSON object")
    dnd_end_time: int = _body_field(data, "dnd_end_time", int)
    if dnd_end_time < 0:
        raise invalid_body_param("dnd_end_time", "expected Unix seconds")
    return _body_field(data, "user_id", str), _body_field(data, "status", str), dnd_end_time


class UserStatusView(MattermostView):
    @extend_schema(operation_id="GetUserStatus", responses={200: STATUS_SCHEMA})
    def get(self, request: Request, user_id: str) -> Response:
        return Response(status_json(status_get(url_user_id(request, user_id))))

    @extend_schema(
        operation_id="UpdateUserStatus", request=OpenApiTypes.OBJECT, responses={200: STATUS_SCHEMA}
    )
    def put(self, request: Request, user_id: str) -> Response:
        target = url_user_id(request, user_id)
        body_user_id, status, dnd_end_time = _status_change_from_body(request.data)
        if body_user_id != target:
            raise invalid_body_param("user_id", "the body's user_id must match the URL")
        require_user_settings_access(session_user(request), target)
        changed = status_set(user_id=target, status=status, dnd_end_time=dnd_end_time)
        return Response(status_json(changed))


class UserStatusesByIdsView(MattermostView):
    @extend_schema(
        operation_id="GetUsersStatusesByIds",
        request={"application/json": {"type": "array", "items": {"type": "string"}}},
        responses={200: {"type": "array", "items": STATUS_SCHEMA}},
    )
    def post(self, request: Request) -> Response:
        user_ids = request.data
        if not isinstance(user_ids, list) or not user_ids or not all(map(is_valid_id, user_ids)):
            raise invalid_body_param("user_ids", "expected a JSON array of user ids")
        return Response([status_json(status) for status in status_list(user_ids)])


urlpatterns = [
    path("users/status/ids", UserStatusesByIdsView.as_view(), name="user-statuses-by-ids"),
    path("users/<str:user_id>/status", UserStatusView.as_view(), name="user-status"),
]
