"""Posts (messages and replies) and reactions, with Mattermost's field names and units."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.core.clock import now_ms
from apps.core.ids import new_id

# The notices of people joining and leaving (Mattermost's ``Post.IsJoinLeaveMessage``): shown
# in the channel like any post, but left out of its message totals, so that someone joining
# does not make the channel unread for everyone else.
JOIN_LEAVE_TYPES = frozenset(
    {
        "system_join_leave",
        "system_add_remove",
        "system_join_channel",
        "system_leave_channel",
        "system_join_team",
        "system_leave_team",
        "system_add_to_channel",
        "system_remove_from_channel",
        "system_add_to_team",
        "system_remove_from_team",
    }
)


class Post(models.Model):
    """A message in a channel. A reply names its thread's root in ``root_id`` ("" for a
    root). A root keeps its thread's totals (``reply_count``, ``last_reply_at``,
    ``participants``) so lists need no aggregation."""

    id = models.CharField(primary_key=True, max_length=26, default=new_id, editable=False)
    create_at = models.BigIntegerField(default=now_ms)
    update_at = models.BigIntegerField(default=now_ms)
    edit_at = models.BigIntegerField(default=0)
    delete_at = models.BigIntegerField(default=0)
    is_pinned = models.BooleanField(default=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="posts")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="posts")
    root_id = models.CharField(max_length=26, blank=True, default="")
    original_id = models.CharField(max_length=26, blank=True, default="")
    message = models.TextField(blank=True, default="")
    type = models.CharField(max_length=64, blank=True, default="")
    props = models.JSONField(default=dict, blank=True)
    hashtags = models.CharField(max_length=1000, blank=True, default="")
    file_ids = models.JSONField(default=list, blank=True)
    pending_post_id = models.CharField(max_length=64, blank=True, default="")
    has_reactions = models.BooleanField(default=False)
    remote_id = models.CharField(max_length=26, blank=True, default="")
    reply_count = models.BigIntegerField(default=0)
    last_reply_at = models.BigIntegerField(default=0)
    participants = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "posts"
        indexes: ClassVar[list[models.Index]] = [
            # the channel's pages (newest first) and "since" polling
            models.Index(fields=["channel", "-create_at"], name="posts_channel_create"),
            models.Index(fields=["channel", "update_at"], name="posts_channel_update"),
            models.Index(fields=["root_id", "create_at"], name="posts_thread"),
            models.Index(fields=["user", "-create_at"], name="posts_user_create"),
        ]

    def __str__(self) -> str:
        return f"post {self.id} in {self.channel_id}"

    @property
    def is_root(self) -> bool:
        return self.root_id == ""

    @property
    def is_join_leave(self) -> bool:
        return self.type in JOIN_LEAVE_TYPES


class Reaction(models.Model):
    """An emoji reaction of a user to a post (at most one per emoji per user)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reactions")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    emoji_name = models.CharField(max_length=64)
    channel_id = models.CharField(max_length=26)
    create_at = models.BigIntegerField(default=now_ms)
    update_at = models.BigIntegerField(default=now_ms)
    delete_at = models.BigIntegerField(default=0)
    remote_id = models.CharField(max_length=26, blank=True, default="")

    class Meta:
        db_table = "reactions"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["post", "user", "emoji_name"], name="reactions_unique")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["post", "delete_at"], name="reactions_post"),
        ]

    def __str__(self) -> str:
        return f":{self.emoji_name}: by {self.user_id} on {self.post_id}"


class ThreadMembership(models.Model):
    """A user's relation to a thread (a root post) for collapsed reply threads: whether they
    follow it, up to when they have read it, and the mentions of them it holds unread."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="thread_memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="thread_memberships")
    following = models.BooleanField(default=True)
    last_viewed = models.BigIntegerField(default=0)
    last_updated = models.BigIntegerField(default=now_ms)
    unread_mentions = models.BigIntegerField(default=0)

    class Meta:
        db_table = "thread_memberships"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["post", "user"], name="thread_memberships_unique")
        ]
        indexes: ClassVar[list[models.Index]] = [
            # a user's followed threads, most recently active first
            models.Index(
                fields=["user", "following", "-last_updated"], name="thread_memberships_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in thread {self.post_id}"


class FileInfo(models.Model):
    """An uploaded file. It belongs to the channel it was uploaded to and, once a post names
    it in ``file_ids``, to that post. ``path`` (and the thumbnail and preview paths of an
    image) are names in Django's default storage."""

    id = models.CharField(primary_key=True, max_length=26, default=new_id, editable=False)
    creator = models.ForeignKey(User, on_delete=models.CASCADE, related_name="files")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="files")
    post_id = models.CharField(max_length=26, blank=True, default="")
    create_at = models.BigIntegerField(default=now_ms)
    update_at = models.BigIntegerField(default=now_ms)
    delete_at = models.BigIntegerField(default=0)
    path = models.CharField(max_length=512)
    thumbnail_path = models.CharField(max_length=512, blank=True, default="")
    preview_path = models.CharField(max_length=512, blank=True, default="")
    name = models.CharField(max_length=256)
    extension = models.CharField(max_length=64, blank=True, default="")
    size = models.BigIntegerField(default=0)
    mime_type = models.CharField(max_length=256, blank=True, default="")
    width = models.IntegerField(default=0)
    height = models.IntegerField(default=0)
    has_preview_image = models.BooleanField(default=False)
    mini_preview = models.BinaryField(null=True, blank=True)
    remote_id = models.CharField(max_length=26, blank=True, default="")
    archived = models.BooleanField(default=False)

    class Meta:
        db_table = "file_infos"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["post_id", "create_at"], name="file_infos_post"),
            models.Index(fields=["channel", "-create_at"], name="file_infos_channel"),
            models.Index(fields=["creator", "-create_at"], name="file_infos_creator"),
        ]

    def __str__(self) -> str:
        return f"file {self.name} ({self.id})"
