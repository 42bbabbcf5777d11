"""API v3: looking users up. Lists are maps of profiles keyed by user id, windowed by
``{offset}/{limit}`` (rows, by username); profiles hide what the privacy settings hide from
everyone but those who manage the system."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors
from apps.accounts.api.v3.wire import (
    privacy_etag_parts,
    profile_json,
    profile_list_json,
    profile_map_json,
    profile_rules,
    user_etag,
)
from apps.accounts.models import User
from apps.accounts.permissions import require_scope_visible, require_system_permission
from apps.accounts.selectors import SEARCH_DEFAULT_LIMIT, UserScope
from apps.channels.permissions import require_channel_permission
from apps.core.api.v3.base import V3View, invalid_param, require_team_in_url
from apps.core.api.v3.params import (
    FLAG,
    MAX_WINDOW,
    TEXT,
    string_list,
    struct_body,
    v3_etag,
    window,
)
from apps.core.errors import AppError
from apps.core.etag import etag_response
from apps.core.ids import is_valid_id
from apps.core.pagination import OffsetPage, Page
from apps.core.views import session_user, url_id

MAP_RESPONSE = {200: OpenApiTypes.OBJECT, 304: None}


def _users_window(scope: UserScope, rows: Page) -> list[User]:
    """Users of ``scope`` (deactivated ones too) by username, in this window."""
    return selectors.users_page(page=rows, scope=scope, active=False, inactive=False, role="")


def channel_in_url(request: Request, team_id: str, channel_id: str) -> str:
    """The ``{channel_id}`` of a channel route: the caller belongs to the team in the URL
    and may read the channel."""
    require_team_in_url(request, team_id)
    channel_id = url_id(channel_id, "channel_id")
    require_channel_permission(session_user(request), channel_id, "read_channel")
    return channel_id


class UsersWindowView(V3View):
    """``users/{offset}/{limit}``: every user."""

    @extend_schema(operation_id="v3GetProfiles", responses=MAP_RESPONSE)
    def get(self, request: Request, offset: int, limit: int) -> Response:
        rows = window(offset, limit)
        viewer = session_user(request)
        # v3 glued the window onto the tag without a separator; kept, tags are opaque.
        etag = v3_etag(selectors.users_newest_update_at(), *privacy_etag_parts())
        etag += f"{offset}.{limit}"
        return etag_response(
            request, etag, lambda: profile_map_json(_users_window(UserScope(), rows), viewer)
        )


class TeamUsersWindowView(V3View):
    """``teams/{team_id}/users/{offset}/{limit}``: the team's members."""

    @extend_schema(operation_id="v3GetProfilesInTeam", responses=MAP_RESPONSE)
    def get(self, request: Request, team_id: str, offset: int, limit: int) -> Response:
        team_id = require_team_in_url(request, team_id)
        rows = window(offset, limit)
        viewer = session_user(request)
        newest, count = selectors.team_profiles_etag_parts(team_id)
        etag = v3_etag(newest, count, *privacy_etag_parts())
        scope = UserScope(in_team=team_id)
        return etag_response(
            request, etag, lambda: profile_map_json(_users_window(scope, rows), viewer)
        )


class ChannelUsersWindowView(V3View):
    """``.../channels/{channel_id}/users/{offset}/{limit}``: the channel's members."""

    @extend_schema(operation_id="v3GetProfilesInChannel", responses=MAP_RESPONSE)
    def get(
        self, request: Request, team_id: str, channel_id: str, offset: int, limit: int
    ) -> Response:
        channel_id = channel_in_url(request, team_id, channel_id)
        rows = window(offset, limit)
        users = _users_window(UserScope(in_channel=channel_id), rows)
        return Response(profile_map_json(users, session_user(request)))


class ChannelNonMembersWindowView(V3View):
    """``.../channels/{channel_id}/users/not_in_channel/{offset}/{limit}``: members of the
    team who are not in the channel."""

    @extend_schema(operation_id="v3GetProfilesNotInChannel", responses=MAP_RESPONSE)
    def get(
        self, request: Request, team_id: str, channel_id: str, offset: int, limit: int
    ) -> Response:
        channel_id = channel_in_url(request, team_id, channel_id)
        rows = window(offset, limit)
        scope = UserScope(in_team=team_id, not_in_channel=channel_id)
        return Response(profile_map_json(_users_window(scope, rows), session_user(request)))


class TeamProfilesView(V3View):
    """``users/profiles/{team_id}`` (Mattermost 3.0 to 3.4): the team's members in one map
    (at most ``MAX_WINDOW`` of them)."""

    @extend_schema(operation_id="v3GetTeamProfilesClassic", responses=MAP_RESPONSE)
    def get(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        users = _users_window(UserScope(in_team=team_id), OffsetPage(per_page=MAX_WINDOW))
        return Response(profile_map_json(users, session_user(request)))


class DirectProfilesView(V3View):
    """``users/direct_profiles`` (Mattermost 3.0 to 3.4): the people the caller has direct
    message channels with."""

    @extend_schema(operation_id="v3GetDirectProfilesClassic", responses=MAP_RESPONSE)
    def get(self, request: Request) -> Response:
        viewer = session_user(request)
        return Response(profile_map_json(selectors.users_with_direct_channels(viewer.id), viewer))


class UsersByIdsView(V3View):
    @extend_schema(
        operation_id="v3GetProfilesByIds",
        request={"application/json": {"type": "array", "items": {"type": "string"}}},
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        user_ids = string_list(request, "user_ids")
        users = selectors.users_by_ids(user_ids)
        return Response(profile_map_json(users, session_user(request)))


# The search body's id fields and the scope fields they fill.
SEARCH_SCOPE = {
    "team_id": "in_team",
    "not_in_team_id": "not_in_team",
    "in_channel_id": "in_channel",
    "not_in_channel_id": "not_in_channel",
}


SEARCH_FIELDS = {
    "term": TEXT,
    **dict.fromkeys(SEARCH_SCOPE, TEXT),
    "allow_inactive": FLAG,
    "without_team": FLAG,
}


def _search_body(request: Request) -> tuple[str, UserScope, bool]:
    """(term, scope, allow_inactive) of a user search body."""
    data = struct_body(request, "search", SEARCH_FIELDS)
    term = data.get("term") or ""
    if not term.strip():
        raise invalid_param("term")
    found: dict[str, Any] = {}
    for name, field in SEARCH_SCOPE.items():
        value = data.get(name) or ""
        if value and not is_valid_id(value):
            raise invalid_param(name)
        found[field] = value
    found["without_team"] = bool(data.get("without_team"))
    return term, UserScope(**found), bool(data.get("allow_inactive"))


class UserSearchView(V3View):
    """Users whose names (or, where visible, full names and emails) start with the term."""

    @extend_schema(
        operation_id="v3SearchUsers",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        term, scope, allow_inactive = _search_body(request)
        viewer = session_user(request)
        require_scope_visible(viewer, scope)
        rules = profile_rules(viewer)
        users = selectors.users_search(
            term=term,
            allow_emails=rules.email,
            allow_full_names=rules.full_name,
            allow_inactive=allow_inactive,
            limit=SEARCH_DEFAULT_LIMIT,
            scope=scope,
        )
        return Response(profile_list_json(users, viewer))


def autocomplete(request: Request, scope: UserScope) -> list[dict[str, Any]]:
    """Active users of ``scope`` matching ``?term=`` on names (never on emails)."""
    viewer = session_user(request)
    rules = profile_rules(viewer)
    users = selectors.users_search(
        term=request.query_params.get("term", ""),
        allow_emails=False,
        allow_full_names=rules.full_name,
        allow_inactive=False,
        limit=SEARCH_DEFAULT_LIMIT,
        scope=scope,
    )
    return [profile_json(user, rules) for user in users]


class UserAutocompleteView(V3View):
    @extend_schema(operation_id="v3AutocompleteUsers", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(autocomplete(request, UserScope()))


class TeamUserAutocompleteView(V3View):
    @extend_schema(operation_id="v3AutocompleteUsersInTeam", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        return Response({"in_team": autocomplete(request, UserScope(in_team=team_id))})


class ChannelUserAutocompleteView(V3View):
    @extend_schema(
        operation_id="v3AutocompleteUsersInChannel", responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request, team_id: str, channel_id: str) -> Response:
        channel_id = channel_in_url(request, team_id, channel_id)
        outside = UserScope(in_team=team_id, not_in_channel=channel_id)
        return Response(
            {
                "in_channel": autocomplete(request, UserScope(in_channel=channel_id)),
                "out_of_channel": autocomplete(request, outside),
            }
        )


def missing_user() -> AppError:
    return AppError("store.sql_user.missing_account.const", "There is no such user.", 404)


def profile_response(request: Request, user: User | None, missing: AppError) -> Response:
    """One user's profile, with its ETag (304 when the client's copy is current)."""
    if user is None:
        raise missing
    viewer = session_user(request)
    return etag_response(
        request, user_etag(user), lambda: profile_json(user, profile_rules(viewer))
    )


class UserGetView(V3View):
    @extend_schema(operation_id="v3GetUser", responses=MAP_RESPONSE)
    def get(self, request: Request, user_id: str) -> Response:
        user_id = url_id(user_id, "user_id")
        return profile_response(request, selectors.user_get(user_id), missing_user())


class UserByUsernameView(V3View):
    @extend_schema(operation_id="v3GetUserByUsername", responses=MAP_RESPONSE)
    def get(self, request: Request, username: str) -> Response:
        missing = AppError(
            "store.sql_user.get_by_username.app_error", "No user has that username.", 404
        )
        return profile_response(request, selectors.user_get_by_username(username), missing)


class UserByEmailView(V3View):
    """Looking users up by email address, which needs the addresses to be public (or the
    right to manage the system), so hidden addresses cannot be probed."""

    @extend_schema(operation_id="v3GetUserByEmail", responses=MAP_RESPONSE)
    def get(self, request: Request, email: str) -> Response:
        if not settings.MATTERMOST.show_email_address:
            require_system_permission(session_user(request), "manage_system")
        return profile_response(request, selectors.user_get_by_email(email), missing_user())
