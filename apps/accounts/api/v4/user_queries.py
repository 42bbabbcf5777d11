"""Looking users up in bulk: by ids, by usernames, search, autocomplete, counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors
from apps.accounts.api.v4.serializers import user_for_viewer
from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission, require_scope_visible
from apps.accounts.selectors import UserScope
from apps.core.body import body_object, body_string_list, optional_bool
from apps.core.errors import AppError, invalid_body_param, invalid_url_param
from apps.core.ids import is_valid_id
from apps.core.views import MattermostView, session_user


def scope_from(
    values: dict[str, Any], names: dict[str, str], bad: Callable[[str], AppError]
) -> UserScope:
    """A UserScope from request values; ``names`` maps scope fields to parameter names."""
    found: dict[str, Any] = {}
    for field, name in names.items():
        value = values.get(name)
        if field == "without_team":
            found[field] = value is True or value == "true"
            continue
        if value in (None, ""):
            continue
        if not isinstance(value, str) or not is_valid_id(value):
            raise bad(name)
        found[field] = value
    return UserScope(**found)


QUERY_SCOPE = {
    "in_team": "in_team",
    "not_in_team": "not_in_team",
    "in_channel": "in_channel",
    "not_in_channel": "not_in_channel",
    "without_team": "without_team",
}
BODY_SCOPE = {
    "in_team": "team_id",
    "not_in_team": "not_in_team_id",
    "in_channel": "in_channel_id",
    "not_in_channel": "not_in_channel_id",
    "without_team": "without_team",
}


def _visible(users: list[User], viewer: User) -> list[dict[str, object]]:
    return [user_for_viewer(user, viewer) for user in users]


def _privacy(viewer: User) -> tuple[bool, bool]:
    """(may match on emails, may match on full names) for this viewer."""
    if has_system_permission(viewer, "manage_system"):
        return True, True
    config = settings.MATTERMOST
    return config.show_email_address, config.show_full_name


class UsersByIdsView(MattermostView):
    @extend_schema(operation_id="GetUsersByIds", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        user_ids = body_string_list(request, "user_ids")
        raw_since = request.query_params.get("since", "")
        try:
            since = int(raw_since) if raw_since else 0
        except ValueError:
            raise invalid_body_param("since") from None
        users = selectors.users_by_ids(user_ids, since=since)
        return Response(_visible(users, session_user(request)))


class UsersByUsernamesView(MattermostView):
    @extend_schema(operation_id="GetUsersByUsernames", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        usernames = body_string_list(request, "usernames")
        users = selectors.users_by_usernames(usernames)
        return Response(_visible(users, session_user(request)))


class UserSearchView(MattermostView):
    @extend_schema(operation_id="SearchUsers", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = body_object(request, "props")
        term = data.get("term")
        if not isinstance(term, str) or not term.strip():
            raise invalid_body_param("term")
        limit = data.get("limit", selectors.SEARCH_DEFAULT_LIMIT)
        if limit == 0:
            limit = selectors.SEARCH_DEFAULT_LIMIT
        if not isinstance(limit, int) or not 0 < limit <= selectors.SEARCH_MAX_LIMIT:
            raise invalid_body_param("limit")
        if data.get("group_id") or data.get("in_group_id") or data.get("not_in_group_id"):
            raise invalid_body_param("group_id")  # groups (LDAP/SAML) are not supported
        scope = scope_from(data, BODY_SCOPE, invalid_body_param)
        if scope.not_in_channel and not scope.in_team:
            raise invalid_body_param("team_id")
        viewer = session_user(request)
        require_scope_visible(viewer, scope)
        emails, full_names = _privacy(viewer)
        users = selectors.users_search(
            term=term,
            allow_emails=emails,
            allow_full_names=full_names,
            allow_inactive=bool(optional_bool(data, "allow_inactive")),
            limit=limit,
            scope=scope,
        )
        return Response(_visible(users, viewer))


class UserAutocompleteView(MattermostView):
    @extend_schema(operation_id="AutocompleteUsers", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        query = request.query_params
        team_id, channel_id = query.get("in_team", ""), query.get("in_channel", "")
        for name, value in (("in_team", team_id), ("in_channel", channel_id)):
            if value and not is_valid_id(value):
                raise invalid_url_param(name)
        if channel_id and not team_id:
            raise AppError(
                "api.user.autocomplete_users.missing_team_id.app_error",
                "A channel autocomplete needs the channel's team (in_team).",
                400,
            )
        try:
            limit = int(query.get("limit") or selectors.SEARCH_DEFAULT_LIMIT)
        except ValueError:
            limit = selectors.SEARCH_DEFAULT_LIMIT
        limit = min(max(limit, 1), selectors.SEARCH_MAX_LIMIT)
        viewer = session_user(request)
        require_scope_visible(viewer, UserScope(in_team=team_id, in_channel=channel_id))
        _, full_names = _privacy(viewer)

        def matching(scope: UserScope) -> list[dict[str, object]]:
            # Autocomplete never matches on email addresses.
            users = selectors.users_search(
                term=query.get("name", ""),
                allow_emails=False,
                allow_full_names=full_names,
                allow_inactive=False,
                limit=limit,
                scope=scope,
            )
            return _visible(users, viewer)

        if channel_id:
            return Response(
                {
                    "users": matching(UserScope(in_channel=channel_id)),
                    "out_of_channel": matching(
                        UserScope(in_team=team_id, not_in_channel=channel_id)
                    ),
                }
            )
        return Response({"users": matching(UserScope(in_team=team_id))})


class UserStatsView(MattermostView):
    @extend_schema(operation_id="GetTotalUsersStats", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response({"total_users_count": selectors.users_count_active()})


urlpatterns = [
    path("users/ids", UsersByIdsView.as_view(), name="users-by-ids"),
    path("users/usernames", UsersByUsernamesView.as_view(), name="users-by-usernames"),
    path("users/search", UserSearchView.as_view(), name="users-search"),
    path("users/autocomplete", UserAutocompleteView.as_view(), name="users-autocomplete"),
    path("users/stats", UserStatsView.as_view(), name="users-stats"),
]
