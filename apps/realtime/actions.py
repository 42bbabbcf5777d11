"""The requests an authenticated client may send (``{"seq", "action", "data"}``), with
Mattermost's answers (``wsapi/*.go``). Each handler returns the reply's ``data`` (or None)
or raises ``AppError``, which becomes a ``FAIL`` reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from apps.core.clock import now_ms
from apps.core.config import SERVER_VERSION
from apps.core.errors import AppError
from apps.core.ids import is_valid_id
from apps.realtime import access

if TYPE_CHECKING:
    from apps.realtime.sockets import ClientSession

Reply = dict[str, Any] | None
Handler = Callable[["ClientSession", dict[str, Any]], Awaitable[Reply]]

_ROUTER_ERRORS = {
    "no_action": ("The request names no action.", 400),
    "bad_seq": ("The request's seq must be a positive number.", 400),
    "not_authenticated": ("Authenticate the connection first.", 401),
    "bad_action": ("There is no such action.", 500),
}


def socket_error(kind: str) -> AppError:
    """The router's errors: ``no_action``, ``bad_seq``, ``not_authenticated``,
    ``bad_action``."""
    message, status = _ROUTER_ERRORS[kind]
    return AppError(f"api.web_socket_router.{kind}.app_error", message, status)


def invalid_param(name: str) -> AppError:
    return AppError(
        "api.websocket_handler.invalid_param.app_error",
        f"The request's '{name}' is missing or not valid.",
        400,
    )


async def ping(session: ClientSession, data: dict[str, Any]) -> Reply:
    return {"text": "pong", "version": SERVER_VERSION, "server_time": now_ms(), "node_id": ""}


async def user_typing(session: ClientSession, data: dict[str, Any]) -> Reply:
    """``typing`` to the channel's other members; the user needs ``create_post`` there."""
    channel_id = data.get("channel_id")
    if not isinstance(channel_id, str) or not is_valid_id(channel_id):
        raise invalid_param("channel_id")
    parent_id = data.get("parent_id")
    allowed = await session.hub.run_db(
        access.announce_typing,
        identity=session.identity,
        channel_id=channel_id,
        parent_id=parent_id if isinstance(parent_id, str) else "",
    )
    if not allowed:
        raise invalid_param("channel_id")  # Mattermost does not say it is a permission issue
    return None


async def get_statuses(session: ClientSession, data: dict[str, Any]) -> Reply:
    """Everyone who is not offline: ``{user_id: status}``."""
    return await session.hub.run_db(access.statuses_present)


async def get_statuses_by_ids(session: ClientSession, data: dict[str, Any]) -> Reply:
    """``{user_id: status}`` for ``data.user_ids`` (unknown ids are offline)."""
    raw = data.get("user_ids")
    user_ids = [item for item in raw if isinstance(item, str)] if isinstance(raw, list) else []
    if not user_ids:
        raise invalid_param("user_ids")
    return await session.hub.run_db(access.statuses_of, user_ids)


ACTIONS: dict[str, Handler] = {
    "ping": ping,
    "user_typing": user_typing,
    "get_statuses": get_statuses,
    "get_statuses_by_ids": get_statuses_by_ids,
}
