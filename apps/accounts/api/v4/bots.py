"""API v4: bot accounts (``/bots``) and turning a user into a bot.

Checks run in upstream's order, which decides the error a client sees: the URL, the body,
then permissions, then the lookups.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import images, selectors, services
from apps.accounts.api.shared import IMAGE_CACHE_CONTROL, ImageView, uploaded_image
from apps.accounts.api.v4.serializers import bot_etag, bot_json, user_for_viewer
from apps.accounts.api.v4.user_changes import profile_changes
from apps.accounts.models import User
from apps.accounts.permissions import (
    has_system_permission,
    require_bot_manageable,
    require_bot_readable,
    require_system_permission,
)
from apps.core.body import body_object, optional_str
from apps.core.errors import AppError, invalid_body_param, permission_denied
from apps.core.etag import client_has, etag_response, not_modified
from apps.core.pagination import page_from
from apps.core.views import STATUS_OK, MattermostView, query_flag, session_user, url_id

BOT_FIELDS = ("username", "display_name", "description")


def bot_fields(request: Request) -> dict[str, str | None]:
    """The fields of a bot body that are given; one of another JSON type fails the body."""
    data = request.data
    if data is None:
        return dict.fromkeys(BOT_FIELDS)
    if not isinstance(data, dict):
        raise invalid_body_param("bot")
    try:
        return {name: optional_str(data, name) for name in BOT_FIELDS}
    except AppError:
        raise invalid_body_param("bot") from None


def url_bot_id(value: str) -> str:
    return url_id(value, "bot_user_id")


def manageable_bot(request: Request, raw_bot_user_id: str) -> tuple[User, User]:
    """(caller, bot) when the caller may manage the bot, disabled or not."""
    bot_user_id = url_bot_id(raw_bot_user_id)
    actor = session_user(request)
    bot = selectors.bot_get(bot_user_id, include_deleted=True)
    require_bot_manageable(actor, bot)
    return actor, bot


class BotsView(MattermostView):
    @extend_schema(operation_id="CreateBot", request=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        fields = bot_fields(request)
        actor = session_user(request)
        # Bots may not make bots, even holding the permission.
        if not has_system_permission(actor, "create_bot") or actor.is_bot:
            raise permission_denied(actor.id, "create_bot")
        if not settings.MATTERMOST.enable_bot_account_creation:
            raise AppError(
                "api.bot.create_disabled", "Bot account creation has been disabled.", 403
            )
        bot = services.bot_create(
            owner_id=actor.id,
            username=fields["username"] or "",
            display_name=fields["display_name"] or "",
            description=fields["description"] or "",
        )
        return Response(bot_json(bot), status=201)

    @extend_schema(operation_id="GetBots", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        actor = session_user(request)
        if has_system_permission(actor, "read_others_bots"):
            owner_id = ""
        elif has_system_permission(actor, "read_bots"):
            owner_id = actor.id
        else:
            raise permission_denied(actor.id, "read_bots")
        bots = selectors.bots_page(
            page=page_from(request),
            owner_id=owner_id,
            include_deleted=query_flag(request, "include_deleted"),
            only_orphaned=query_flag(request, "only_orphaned"),
        )
        return Response([bot_json(bot) for bot in bots])


class BotView(MattermostView):
    @extend_schema(operation_id="GetBot", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, bot_user_id: str) -> Response:
        bot_user_id = url_bot_id(bot_user_id)
        bot = selectors.bot_get(bot_user_id, include_deleted=query_flag(request, "include_deleted"))
        require_bot_readable(session_user(request), bot)
        return etag_response(request, bot_etag(bot), lambda: bot_json(bot))

    @extend_schema(operation_id="PatchBot", request=OpenApiTypes.OBJECT)
    def put(self, request: Request, bot_user_id: str) -> Response:
        url_bot_id(bot_user_id)
        fields = bot_fields(request)
        _, bot = manageable_bot(request, bot_user_id)
        bot = services.bot_patch(bot=bot, **fields)
        return Response(bot_json(bot))


def set_active(request: Request, raw_bot_user_id: str, *, active: bool) -> Response:
    _, bot = manageable_bot(request, raw_bot_user_id)
    bot = services.bot_set_active(bot=bot, active=active)
    return Response(bot_json(bot))


BOT_ICON_ERRORS = "api.bot.set_bot_icon_image"


class BotIconView(ImageView):
    parser_classes = (MultiPartParser,)

    @extend_schema(
        operation_id="GetBotIconImage",
        responses={(200, "image/svg+xml"): OpenApiTypes.BINARY, 304: None},
    )
    def get(self, request: Request, bot_user_id: str) -> HttpResponse:
        bot_user_id = url_bot_id(bot_user_id)
        viewer = session_user(request)
        if bot_user_id != viewer.id:
            require_system_permission(viewer, "view_members")
        bot = selectors.bot_get(bot_user_id, include_deleted=True)
        svg = images.read_bot_icon(bot.id) if bot.bot_last_icon_update else None
        if svg is None:
            raise AppError(
                "api.bot.get_bot_icon_image.read_error", "This bot has no icon of its own.", 404
            )
        # Upstream tags the icon with the profile picture's date, which an icon change
        # does not move; the icon's own date keeps caches right.
        etag = str(bot.bot_last_icon_update)
        if client_has(request, etag):
            return not_modified(etag)
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Cache-Control"] = IMAGE_CACHE_CONTROL
        response["ETag"] = etag
        return response

    @extend_schema(
        operation_id="SetBotIconImage",
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"image": {"type": "string", "format": "binary"}},
                "required": ["image"],
            }
        },
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, bot_user_id: str) -> Response:
        _, bot = manageable_bot(request, bot_user_id)
        upload = uploaded_image(request, error_prefix=BOT_ICON_ERRORS)
        services.bot_set_icon(bot=bot, upload=upload, max_bytes=settings.MATTERMOST.max_file_size)
        return Response(STATUS_OK)

    @extend_schema(operation_id="DeleteBotIconImage", request=None)
    def delete(self, request: Request, bot_user_id: str) -> Response:
        _, bot = manageable_bot(request, bot_user_id)
        services.bot_remove_icon(bot=bot)
        return Response(STATUS_OK)


class BotDisableView(MattermostView):
    @extend_schema(operation_id="DisableBot", request=None)
    def post(self, request: Request, bot_user_id: str) -> Response:
        return set_active(request, bot_user_id, active=False)


class BotEnableView(MattermostView):
    @extend_schema(operation_id="EnableBot", request=None)
    def post(self, request: Request, bot_user_id: str) -> Response:
        return set_active(request, bot_user_id, active=True)


class BotAssignView(MattermostView):
    @extend_schema(operation_id="AssignBot", request=None)
    def post(self, request: Request, bot_user_id: str, user_id: str) -> Response:
        owner_id = url_id(user_id, "user_id")
        actor, bot = manageable_bot(request, bot_user_id)
        # Upstream only refuses a bot as the new owner; an unknown id is stored as given.
        owner = selectors.user_get(owner_id)
        if owner is not None and owner.is_bot:
            raise permission_denied(actor.id, "assign_bot")
        bot = services.bot_assign(bot=bot, owner_id=owner_id)
        return Response(bot_json(bot))


def convert_body(request: Request) -> tuple[str, dict[str, Any]]:
    """(password, profile changes) of the user a bot becomes; the password is required."""
    data = body_object(request, "userPatch")
    password = data.get("password")
    if not isinstance(password, str) or not password:
        raise invalid_body_param("userPatch")
    try:
        return password, profile_changes(data, replace=False)
    except AppError:
        raise invalid_body_param("userPatch") from None


class BotConvertToUserView(MattermostView):
    @extend_schema(operation_id="ConvertBotToUser", request=OpenApiTypes.OBJECT)
    def post(self, request: Request, bot_user_id: str) -> Response:
        bot = selectors.bot_get(url_bot_id(bot_user_id))
        password, changes = convert_body(request)
        actor = session_user(request)
        require_system_permission(actor, "manage_system")
        user = services.bot_convert_to_user(
            bot=bot,
            password=password,
            changes=changes,
            system_admin=query_flag(request, "set_system_admin"),
        )
        return Response(user_for_viewer(user, actor))


class UserConvertToBotView(MattermostView):
    @extend_schema(operation_id="ConvertUserToBot", request=None)
    def post(self, request: Request, user_id: str) -> Response:
        user_id = url_id(user_id, "user_id")
        actor = session_user(request)
        require_system_permission(actor, "manage_system")
        user = selectors.user_get_or_404(user_id)
        if not user.is_bot:
            user = services.user_convert_to_bot(user=user)
        return Response(bot_json(user))


urlpatterns = [
    path("bots", BotsView.as_view(), name="bots"),
    path("bots/<str:bot_user_id>", BotView.as_view(), name="bot"),
    path("bots/<str:bot_user_id>/icon", BotIconView.as_view(), name="bot-icon"),
    path("bots/<str:bot_user_id>/disable", BotDisableView.as_view(), name="bot-disable"),
    path("bots/<str:bot_user_id>/enable", BotEnableView.as_view(), name="bot-enable"),
    path("bots/<str:bot_user_id>/assign/<str:user_id>", BotAssignView.as_view(), name="bot-assign"),
    path(
        "bots/<str:bot_user_id>/convert_to_user",
        BotConvertToUserView.as_view(),
        name="bot-convert-to-user",
    ),
    path(
        "users/<str:user_id>/convert_to_bot",
        UserConvertToBotView.as_view(),
        name="user-convert-to-bot",
    ),
]
