"""What every API v1 view shares: the transport rules of Mattermost 1.x (reference 1.4.0).

- Only GET and POST; any other method, like an unknown URL, gets the HTML "not found" page.
- The session token comes from a header, the multi-token ``MMTOKEN`` cookie or the query
  (see ``auth``); the team a v1 route acts in is the session's (``apps.teams.api.v1.scope``).
- Error bodies have no ``id``; the statuses are 1.x's (``v1_error``). The one exception
  handler renders them: the view only marks its requests ``api_v1``.
- Many bodies are flat maps of strings (``apps.core.body.string_map``).
- ETags start with the 1.x version; a few answers say ``Expires: -1``, as 1.x did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.v1.auth import V1TokenAuthentication
from apps.core.config import V1_SERVER_VERSION
from apps.core.errors import AppError, as_app_error, v1_not_found_page
from apps.core.etag import etag_response
from apps.core.ids import is_valid_id
from apps.core.views import MattermostView

# Ids in v1 URLs match [A-Za-z0-9]+ (anything else is an unknown route); the handler then
# insists on a well-formed 26-character id.
ID = "[A-Za-z0-9]+"


class V1View(MattermostView):
    authentication_classes = (V1TokenAuthentication,)
    http_method_names = ["get", "post", "options"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        method = (request.method or "").lower()
        if method not in self.http_method_names or not hasattr(self, method):
            # 1.x's router knew routes by method too: a wrong one is an unknown route.
            return v1_not_found_page(request)
        return super().dispatch(request, *args, **kwargs)

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        request.api_v1 = True  # type: ignore[attr-defined]
        return super().initialize_request(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        error = as_app_error(exc, self.request._request)
        return super().handle_exception(v1_error(error) if error is not None else exc)


# Errors


NO_PERMISSION = "You are not allowed to do this."

# The status 1.4.0 answered for errors the shared services raise, where it differs from
# ours. The message stays the service's own.
V1_STATUSES: dict[str, int] = {
    "api.context.session_expired.app_error": 401,
    "api.context.permissions.app_error": 403,
    "model.team.is_valid.reserved.app_error": 500,
    "api.channel.remove.default.app_error": 403,
    "api.channel.remove_channel_member.type.app_error": 403,
    "api.channel.update_channel.tried.app_error": 403,
    "api.channel.delete_channel.cannot.app_error": 403,
    # 1.x refused another user's preferences as an unauthorised session.
    "api.preference.update_preferences.set.app_error": 401,
    "api.team.is_team_creation_allowed.disabled.app_error": 500,
}
# Errors of the model, store and app layers carried no status in 1.x, so the client got a
# 500; the API layer set its statuses explicitly (400 for a bad parameter, 403 ...).
LOWER_LAYERS = ("model.", "store.", "app.")


def v1_status(error: AppError) -> int:
    if error.error_id in V1_STATUSES:
        return V1_STATUSES[error.error_id]
    if error.status_code == 404:
        return 500  # 1.x had no "not found" answers: a missing row was a store error
    if error.status_code == 400 and error.error_id.startswith(LOWER_LAYERS):
        return 500
    return error.status_code


def v1_error(error: AppError) -> AppError:
    """``error`` with the status Mattermost 1.4.0 gave it."""
    status = v1_status(error)
    if status == error.status_code:
        return error
    return AppError(
        error.error_id, error.message, status, error.detailed_error, headers=error.headers
    )


def invalid_param(name: str) -> AppError:
    """1.x's answer to a missing or malformed parameter (``SetInvalidParam``)."""
    return AppError(
        "api.context.invalid_param.app_error",
        f"The parameter '{name}' is missing or not valid.",
        400,
    )


def not_permitted(detail: str = "") -> AppError:
    return AppError("api.context.permissions.app_error", NO_PERMISSION, 403, detail)


def not_system_admin(user_id: str) -> AppError:
    return AppError(
        "api.context.system_permissions.app_error", "Only a system admin may do this.", 403, user_id
    )


def param_id(value: str, name: str) -> str:
    """A 26-character id from the URL or body, else 1.x's 400 naming ``name``."""
    if not is_valid_id(value):
        raise invalid_param(name)
    return value


# Caching


def v1_etag(*parts: object) -> str:
    return ".".join([V1_SERVER_VERSION, *(str(part) for part in parts)])


def v1_cached(
    request: Request, etag: str, body: Callable[[], Any], *, expires: bool = False
) -> Response:
    """304 when the client holds ``etag``, else the body with it. ``expires`` adds the
    ``Expires: -1`` 1.x put on answers a browser must never reuse unasked."""
    response = etag_response(request, etag, body)
    if expires:
        response["Expires"] = "-1"
    return response
