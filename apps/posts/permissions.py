"""Post-level permission checks shared by the API faces."""

from __future__ import annotations

from apps.accounts.models import User
from apps.channels.models import CHANNEL_OPEN
from apps.channels.permissions import has_channel_permission
from apps.channels.selectors import channel_get
from apps.core.errors import permission_denied
from apps.teams.permissions import has_team_permission


def require_create_post(actor: User, channel_id: str) -> None:
    """``create_post`` on the channel, or for a public channel ``create_post_public`` on its
    team (``api4/post_utils.go``)."""
    if has_channel_permission(actor, channel_id, "create_post"):
        return
    channel = channel_get(channel_id)
    if (
        channel is not None
        and channel.type == CHANNEL_OPEN
        and channel.team_id is not None
        and has_team_permission(actor, channel.team_id, "create_post_public")
    ):
        return
    raise permission_denied(actor.id, "create_post")
