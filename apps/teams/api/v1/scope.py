"""The team an API v1 request acts in.

Mattermost 1.x bound each user, and so each session, to one team, and its URLs name no
team. Here users are global: a v1 login names a team the user belongs to and the session
remembers it (``SESSION_PROP_V1_TEAM``). A session opened another way (API v4 or v3) acts
in the live team its user joined first. Either way the user must still be an active member
of that team; otherwise the session cannot be used on v1 and the client must log in again.
"""

from __future__ import annotations

from rest_framework.request import Request

from apps.accounts.services import SESSION_PROP_V1_TEAM
from apps.core.errors import AppError
from apps.core.views import request_session, session_user
from apps.teams.models import Team, TeamMember
from apps.teams.selectors import team_membership_with_team


def no_team_session() -> AppError:
    return AppError(
        "api.context.session_team.app_error",
        "This session is in no team you belong to; log in again naming a team.",
        401,
    )


def session_membership(request: Request) -> TeamMember:
    """The caller's membership of the session's team (loaded once per request)."""
    cached: TeamMember | None = getattr(request._request, "v1_membership", None)
    if cached is not None:
        return cached
    session = request_session(request)
    team_id = str(session.props.get(SESSION_PROP_V1_TEAM, "")) if session else ""
    member = team_membership_with_team(user_id=session_user(request).id, team_id=team_id)
    if member is None:
        raise no_team_session()
    request._request.v1_membership = member  # type: ignore[attr-defined]
    return member


def session_team(request: Request) -> Team:
    return session_membership(request).team


def session_team_admin(request: Request) -> bool:
    """Whether the caller administers the session's team (1.x's role ``admin``)."""
    return session_membership(request).scheme_admin
