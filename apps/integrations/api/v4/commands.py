"""Slash commands over API v4: managing a team's custom commands (``/commands``,
``/commands/{command_id}`` and its ``/move`` and ``/regen_token``), running any command
(``/commands/execute``) and listing what autocompletion offers
(``/teams/{team_id}/commands/autocomplete`` and ``/autocomplete_suggestions``).

Check order follows Mattermost's handlers (``api4/command.go``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.selectors import user_get
from apps.core.body import body_object, optional_bool, optional_str
from apps.core.errors import AppError, invalid_body_param, permission_denied
from apps.core.ids import is_valid_id
from apps.core.views import STATUS_OK, MattermostView, query_flag, session_user, url_id
from apps.integrations.commands.builtins import BUILTINS
from apps.integrations.commands.execute import command_execute_typed
from apps.integrations.commands.listings import autocomplete_listing, builtin_listing
from apps.integrations.commands.permissions import (
    MANAGE,
    MANAGE_OTHERS,
    live_command,
    managed_command,
    may_manage_others,
    require_commands_enabled,
    require_manage_command,
)
from apps.integrations.commands.selectors import commands_of_team
from apps.integrations.commands.services import (
    CommandFields,
    command_create,
    command_delete,
    command_move,
    command_regenerate_token,
    command_update,
)
from apps.integrations.commands.wire import command_fields, command_fields_public
from apps.posts.api.v4.files import site_url
from apps.teams.permissions import has_team_permission
from apps.teams.selectors import team_get

BODY = "command"
STRING_FIELDS = (
    "trigger",
    "url",
    "method",
    "display_name",
    "description",
    "username",
    "icon_url",
    "auto_complete_desc",
    "auto_complete_hint",
)


def command_fields_from_body(data: dict[str, Any]) -> CommandFields:
    """The fields a command's owner chooses (absent: empty, as Go decodes them)."""
    strings = {name: optional_str(data, name) or "" for name in STRING_FIELDS}
    return CommandFields(**strings, auto_complete=bool(optional_bool(data, "auto_complete")))


def require_team_viewer(user: User, team_id: str) -> None:
    if not has_team_permission(user, team_id, "view_team"):
        raise permission_denied(user.id, "view_team")


def team_not_found() -> AppError:
    return AppError("app.team.get.find.app_error", "No such team.", 404)


# Listings


def manager_listing(team_id: str, creator_id: str) -> list[dict[str, Any]]:
    """What a command manager sees without ``custom_only``: the built-in commands, then
    the custom ones they manage (without their secrets)."""
    listing = builtin_listing()
    if settings.MATTERMOST.enable_commands:
        listing += [
            command_fields_public(command)
            for command in commands_of_team(team_id, creator_id=creator_id)
            if command.trigger not in BUILTINS
        ]
    return listing


def _other_creator(user: User, team_id: str, creator_id: str) -> User:
    """A command made on someone else's behalf needs ``manage_others_slash_commands``."""
    if not may_manage_others(user, team_id):
        raise permission_denied(user.id, MANAGE_OTHERS)
    creator = user_get(creator_id) if is_valid_id(creator_id) else None
    if creator is None:
        raise AppError("app.user.missing_account.const", "No such user.", 404)
    return creator


class CommandsView(MattermostView):
    """``POST /commands`` creates a custom command; ``GET /commands?team_id=`` lists."""

    @extend_schema(
        operation_id="CreateCommand",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = body_object(request, BODY)
        fields = command_fields_from_body(data)
        team_id = optional_str(data, "team_id") or ""
        creator_id = optional_str(data, "creator_id") or ""
        user = session_user(request)
        if not has_team_permission(user, team_id, MANAGE):
            raise permission_denied(user.id, MANAGE)
        creator = user
        if creator_id and creator_id != user.id:
            creator = _other_creator(user, team_id, creator_id)
        require_commands_enabled()
        team = team_get(team_id) if is_valid_id(team_id) else None
        if team is None:
            raise AppError(
                "model.command.is_valid.team_id.app_error", "The team does not exist.", 400
            )
        command = command_create(creator=creator, team=team, data=fields)
        return Response(command_fields(command), status=201)

    @extend_schema(operation_id="ListCommands", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        team_id = request.query_params.get("team_id", "")
        if not is_valid_id(team_id):
            raise invalid_body_param("team_id")
        user = session_user(request)
        require_team_viewer(user, team_id)
        manages = has_team_permission(user, team_id, MANAGE)
        # Managers of others' commands see them all; other managers see their own.
        creator_id = "" if may_manage_others(user, team_id) else user.id
        if query_flag(request, "custom_only"):
            if not manages:
                raise permission_denied(user.id, MANAGE)
            require_commands_enabled()
            commands = commands_of_team(team_id, creator_id=creator_id)
            return Response([command_fields(command) for command in commands])
        if not manages:
            return Response(autocomplete_listing(team_id))
        return Response(manager_listing(team_id, creator_id))


class CommandView(MattermostView):
    """``GET``, ``PUT`` and ``DELETE /commands/{command_id}``."""

    @extend_schema(operation_id="GetCommandById", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, command_id: str) -> Response:
        command_id = url_id(command_id, "command_id")
        command = managed_command(session_user(request), command_id, hide_others=True)
        return Response(command_fields(command))

    @extend_schema(
        operation_id="UpdateCommand",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, command_id: str) -> Response:
        command_id = url_id(command_id, "command_id")
        data = body_object(request, BODY)
        if optional_str(data, "id") != command_id:
            raise invalid_body_param(BODY)
        fields = command_fields_from_body(data)
        user = session_user(request)
        command = live_command(command_id)
        if optional_str(data, "team_id") != command.team_id:
            raise AppError(
                "api.command.team_mismatch.app_error",
                "A command cannot change team this way; move it instead.",
                400,
            )
        require_manage_command(user, command)
        command = command_update(command=command, data=fields)
        return Response(command_fields(command))

    @extend_schema(operation_id="DeleteCommand", responses={200: OpenApiTypes.OBJECT})
    def delete(self, request: Request, command_id: str) -> Response:
        command_id = url_id(command_id, "command_id")
        command_delete(command=managed_command(session_user(request), command_id))
        return Response(STATUS_OK)


class CommandMoveView(MattermostView):
    """``PUT /commands/{command_id}/move {"team_id"}``: the command serves another team."""

    @extend_schema(
        operation_id="MoveCommand",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, command_id: str) -> Response:
        command_id = url_id(command_id, "command_id")
        team_id = optional_str(body_object(request, "team_id"), "team_id") or ""
        user = session_user(request)
        team = team_get(team_id) if is_valid_id(team_id) else None
        if team is None:
            raise team_not_found()
        if not has_team_permission(user, team.id, MANAGE):
            raise permission_denied(user.id, MANAGE)
        command = managed_command(user, command_id)
        # Nobody may hand a command to a team where its creator could not manage it.
        if not has_team_permission(command.creator, team.id, MANAGE):
            raise AppError(
                "api.command.move_command.creator_no_permission.app_error",
                "The command's creator may not manage commands in that team.",
                400,
            )
        command_move(command=command, team=team)
        return Response(STATUS_OK)


class CommandTokenView(MattermostView):
    """``PUT /commands/{command_id}/regen_token``: a new token, answered as ``{"token"}``."""

    @extend_schema(operation_id="RegenCommandToken", responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request, command_id: str) -> Response:
        command_id = url_id(command_id, "command_id")
        command = managed_command(session_user(request), command_id)
        command = command_regenerate_token(command=command)
        return Response({"token": command.token})


class CommandExecuteView(MattermostView):
    """``POST /commands/execute {"command", "channel_id", "team_id", "root_id"}``."""

    @extend_schema(
        operation_id="ExecuteCommand",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = body_object(request, "command_args")
        command = optional_str(data, "command") or ""
        channel_id = optional_str(data, "channel_id") or ""
        given_team_id = optional_str(data, "team_id") or ""
        root_id = optional_str(data, "root_id") or ""
        if root_id and not is_valid_id(root_id):
            raise invalid_body_param("root_id")
        answer = command_execute_typed(
            user=session_user(request),
            command=command,
            channel_id=channel_id,
            team_id=given_team_id,
            root_id=root_id,
            site_url=site_url(request),
        )
        return Response(answer)


class TeamAutocompleteView(MattermostView):
    """``GET /teams/{team_id}/commands/autocomplete``: what the team's members may type."""

    @extend_schema(operation_id="ListAutocompleteCommands", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str) -> Response:
        team_id = url_id(team_id, "team_id")
        require_team_viewer(session_user(request), team_id)
        return Response(autocomplete_listing(team_id))


class TeamSuggestionsView(MattermostView):
    """``GET /teams/{team_id}/commands/autocomplete_suggestions?user_input=/tri``: the
    commands whose trigger starts with what was typed. (No command here describes its
    arguments, so once a space is typed there is nothing more to suggest.)"""

    @extend_schema(
        operation_id="ListCommandAutocompleteSuggestions", responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request, team_id: str) -> Response:
        team_id = url_id(team_id, "team_id")
        require_team_viewer(session_user(request), team_id)
        typed = request.query_params.get("user_input", "")
        if not typed:
            raise invalid_body_param("userInput")
        typed = typed.removeprefix("/").lower()
        if " " in typed:
            return Response([])
        matching = [e for e in autocomplete_listing(team_id) if e["trigger"].startswith(typed)]
        return Response(
            [
                {
                    "Complete": entry["trigger"],
                    "Suggestion": "/" + entry["trigger"],
                    "Hint": entry["auto_complete_hint"],
                    "Description": entry["auto_complete_desc"],
                    "IconData": "",
                }
                for entry in sorted(matching, key=lambda entry: entry["trigger"])
            ]
        )


urlpatterns: list[URLPattern] = [
    path("commands", CommandsView.as_view(), name="commands"),
    path("commands/execute", CommandExecuteView.as_view(), name="command-execute"),
    path("commands/<str:command_id>", CommandView.as_view(), name="command"),
    path("commands/<str:command_id>/move", CommandMoveView.as_view(), name="command-move"),
    path(
        "commands/<str:command_id>/regen_token",
        CommandTokenView.as_view(),
        name="command-regen-token",
    ),
    path(
        "teams/<str:team_id>/commands/autocomplete",
        TeamAutocompleteView.as_view(),
        name="team-commands-autocomplete",
    ),
    path(
        "teams/<str:team_id>/commands/autocomplete_suggestions",
        TeamSuggestionsView.as_view(),
        name="team-commands-autocomplete-suggestions",
    ),
]
