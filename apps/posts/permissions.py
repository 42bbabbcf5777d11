"""Post-level permission checks shared by the API faces."""

from __future__ import annotations

from apps.accounts.models import User
from apps.channels.models import CHANNEL_OPEN
from apps.channels.permissions import has_channel_permission
from apps.channels.selectors import channel_get
from apps.core.errors import permission_denied
from apps.posts.errors import missing_file
from apps.posts.file_selectors import file_info_get
from apps.posts.models import FileInfo
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


def readable_file_info(actor: User, file_id: str) -> FileInfo:
    """The live file, if ``actor`` may read it: its uploader always, others with
    ``read_channel`` in the channel of the post holding it (nobody else while it is in no
    post, as in Mattermost). A missing file is 404, a forbidden one 403."""
    info = file_info_get(file_id)
    if info is None:
        raise missing_file()
    if info.creator_id != actor.id and not (
        info.post_id and has_channel_permission(actor, info.channel_id, "read_channel")
    ):
        raise permission_denied(actor.id, "read_channel")
    return info
