"""What every API v3 view shares: the transport rules of Mattermost's v3 API.

- Only GET and POST (writes are ``POST .../update``, ``.../delete``).
- A session cookie counts only with ``X-Requested-With: XMLHttpRequest``, on every method.
- Many bodies are flat maps of strings: one value of another type empties the whole map,
  so the handler reports the missing parameter.
- A route under ``/teams/{team_id}/`` first checks that the caller belongs to that team.
- Ids in URLs match ``[A-Za-z0-9]+`` (anything else is an unknown route); the handler then
  insists on a well-formed 26-character id.
"""

from __future__ import annotations

from django.urls import register_converter
from rest_framework.request import Request

# Re-exported: v3 views read their string-map bodies through this module.
from apps.core.body import string_map as string_map
from apps.core.errors import AppError, permission_denied
from apps.core.views import MattermostView, session_user, url_id


class V3View(MattermostView):
    http_method_names = ["get", "post", "options"]
    cookie_needs_xhr_header = True


class V3TrustedView(V3View):
    """Routes a browser may load directly (``<img src>``, downloads): the cookie counts
    without the script header."""

    cookie_needs_xhr_header = False


def invalid_param(name: str) -> AppError:
    """v3's error for a request value that is absent or unusable (``SetInvalidParam``)."""
    return AppError(
        "api.context.invalid_param.app_error",
        f"The parameter '{name}' is missing or not valid.",
        400,
    )


def require_team_in_url(request: Request, team_id: str) -> str:
    """The ``{team_id}`` of a team-scoped v3 route: the caller must be an active member of
    that team (system admins pass everywhere), else 403. Returns the id."""
    from apps.teams.selectors import team_member_get

    url_id(team_id, "team_id")
    user = session_user(request)
    if user.is_system_admin:
        return team_id
    member = team_member_get(team_id=team_id, user_id=user.id)
    if member is None or member.delete_at:
        raise permission_denied(user.id, "view_team")
    return team_id


class LegacyIdConverter:
    """An id segment as v3's router matched it (validated later by the handler)."""

    regex = "[A-Za-z0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class LegacyNameConverter(LegacyIdConverter):
    """A channel or team name segment."""

    regex = "[A-Za-z0-9_-]+"


register_converter(LegacyIdConverter, "v3id")
register_converter(LegacyNameConverter, "v3name")
