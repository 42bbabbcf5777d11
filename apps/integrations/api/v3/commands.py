"""Slash commands over API v3: ``/teams/{team_id}/commands/execute``, ``list`` (what
autocompletion offers), ``list_team_commands`` (the custom commands the caller manages),
``create``, ``update``, ``regen_token`` and ``delete``. Checks run in 4.10's order; the
work is the services' that v4 uses."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.core.api.v3.base import V3View, invalid_param, require_team_in_url
from apps.core.api.v3.decoding import decoded_object, text
from apps.core.api.v3.params import go_map
from apps.core.errors import AppError, permission_denied
from apps.core.ids import is_valid_id
from apps.core.views import session_user
from apps.integrations.api.v3 import bodies
from apps.integrations.api.v3.wire import command_response_v3, command_v3
from apps.integrations.commands.execute import command_execute_typed
from apps.integrations.commands.listings import autocomplete_listing
from apps.integrations.commands.permissions import (
    MANAGE,
    MANAGE_OTHERS,
    live_command,
    may_manage_others,
    require_commands_enabled,
)
from apps.integrations.commands.selectors import commands_of_team
from apps.integrations.commands.services import (
    CommandFields,
    command_create,
    command_delete,
    command_regenerate_token,
    command_update,
)
from apps.integrations.commands.wire import command_fields
from apps.integrations.models import Command
from apps.posts.api.v4.files import site_url
from apps.teams.permissions import has_team_permission
from apps.teams.selectors import team_get

COMMANDS = "teams/<v3id:team_id>/commands"


def command_json(command: Command) -> dict[str, Any]:
    return command_v3(command_fields(command))


def fields_of(data: dict[str, Any]) -> CommandFields:
    """What the owner chooses, from a decoded ``model.Command`` (absent: empty)."""
    return CommandFields(
        trigger=text(data, "trigger"),
        url=text(data, "url"),
        method=text(data, "method"),
        display_name=text(data, "display_name"),
        description=text(data, "description"),
        username=text(data, "username"),
        icon_url=text(data, "icon_url"),
        auto_complete=data.get("auto_complete") is True,
        auto_complete_desc=text(data, "auto_complete_desc"),
        auto_complete_hint=text(data, "auto_complete_hint"),
    )


def require_manage_commands(user: User, team_id: str) -> None:
    if not has_team_permission(user, team_id, MANAGE):
        raise permission_denied(user.id, MANAGE)


def command_of_team(user: User, command_id: str, team_id: str) -> Command:
    """The live command ``command_id`` of the URL's team, which the caller must manage
    (4.10: 501 while commands are off, 404, 400 for another team's, then 403)."""
    require_commands_enabled()
    command = live_command(command_id)
    if command.team_id != team_id:
        raise AppError(
            "api.command.team_mismatch.app_error", "The command is not of this team.", 400
        )
    require_manage_commands(user, team_id)
    if command.creator_id != user.id and not may_manage_others(user, team_id):
        raise permission_denied(user.id, MANAGE_OTHERS)
    return command


class ExecuteCommandView(V3View):
    """``POST .../commands/execute {"command", "channel_id", "root_id"}``: the answer."""

    @extend_schema(
        operation_id="v3ExecuteCommand",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        data = decoded_object(request, "command_args", bodies.COMMAND_ARGS)
        root_id = text(data, "root_id")
        if root_id and not is_valid_id(root_id):
            raise invalid_param("root_id")
        answer = command_execute_typed(
            user=session_user(request),
            command=text(data, "command"),
            channel_id=text(data, "channel_id"),
            team_id=team_id,
            root_id=root_id,
            site_url=site_url(request),
        )
        return Response(command_response_v3(answer))


class AutocompleteCommandsView(V3View):
    """``GET .../commands/list``: the team's custom commands offered for autocompletion
    (without their secrets), then the built-in ones."""

    @extend_schema(operation_id="v3ListCommands", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        return Response([command_v3(entry) for entry in autocomplete_listing(team_id)])


class TeamCommandsView(V3View):
    """``GET .../commands/list_team_commands``: the team's custom commands the caller
    manages (everyone's for those who manage others' commands), with their tokens."""

    @extend_schema(operation_id="v3ListTeamCommands", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        user = session_user(request)
        require_manage_commands(user, team_id)
        require_commands_enabled()
        creator_id = "" if may_manage_others(user, team_id) else user.id
        commands = commands_of_team(team_id, creator_id=creator_id)
        return Response([command_json(command) for command in commands])


class CreateCommandView(V3View):
    """``POST .../commands/create`` with a command: the caller's new command of the
    URL's team (the body's team and creator are not used, as in 4.10)."""

    @extend_schema(
        operation_id="v3CreateCommand",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        fields = fields_of(decoded_object(request, "command", bodies.COMMAND))
        user = session_user(request)
        require_manage_commands(user, team_id)
        require_commands_enabled()
        team = team_get(team_id)
        if team is None:
            raise AppError("app.team.get.find.app_error", "No such team.", 404)
        return Response(command_json(command_create(creator=user, team=team, data=fields)))


class UpdateCommandView(V3View):
    """``POST .../commands/update`` with the whole command (its ``id`` names it)."""

    @extend_schema(
        operation_id="v3UpdateCommand",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        data = decoded_object(request, "command", bodies.COMMAND)
        command = command_of_team(session_user(request), text(data, "id"), team_id)
        return Response(command_json(command_update(command=command, data=fields_of(data))))


class RegenCommandTokenView(V3View):
    """``POST .../commands/regen_token {"id"}``: the command with a new token."""

    @extend_schema(
        operation_id="v3RegenCommandToken",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        command_id, _ = bodies.id_map(request)
        command = command_of_team(session_user(request), command_id, team_id)
        return Response(command_json(command_regenerate_token(command=command)))


class DeleteCommandView(V3View):
    """``POST .../commands/delete {"id"}``: the request map back, as 4.10 answered."""

    @extend_schema(
        operation_id="v3DeleteCommand",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        team_id = require_team_in_url(request, team_id)
        command_id, props = bodies.id_map(request)
        command_delete(command=command_of_team(session_user(request), command_id, team_id))
        return Response(go_map(props))


urlpatterns: list[URLPattern] = [
    path(f"{COMMANDS}/execute", ExecuteCommandView.as_view(), name="command-execute"),
    path(f"{COMMANDS}/list", AutocompleteCommandsView.as_view(), name="commands-list"),
    path(
        f"{COMMANDS}/list_team_commands",
        TeamCommandsView.as_view(),
        name="commands-list-team",
    ),
    path(f"{COMMANDS}/create", CreateCommandView.as_view(), name="command-create"),
    path(f"{COMMANDS}/update", UpdateCommandView.as_view(), name="command-update"),
    path(f"{COMMANDS}/regen_token", RegenCommandTokenView.as_view(), name="command-regen-token"),
    path(f"{COMMANDS}/delete", DeleteCommandView.as_view(), name="command-delete"),
]
