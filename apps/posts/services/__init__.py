"""Every write to posts, one module per concern; callers import from here."""

from apps.posts.services.bulk import posts_bulk_import
from apps.posts.services.create import mentioned_user_ids, post_create
from apps.posts.services.edit import (
    edit_time_limit_passed,
    missing_post,
    post_delete,
    post_delete_permanently,
    post_edit_message,
    post_patch,
    post_update,
)
from apps.posts.services.files import (
    file_upload,
    post_attach_files,
    post_files_delete,
    post_files_delete_permanently,
    post_files_replace,
    public_link_hash,
)
from apps.posts.services.pins import post_set_pinned
from apps.posts.services.reactions import reaction_delete, reaction_save
from apps.posts.services.system_posts import system_post
from apps.posts.services.threads import (
    thread_mark_read,
    thread_memberships_leave_channel,
    thread_set_following,
    thread_set_unread,
    threads_mark_all_read,
)
from apps.posts.services.unread import ChannelUnreadAt, post_set_unread

__all__ = [
    "ChannelUnreadAt",
    "edit_time_limit_passed",
    "file_upload",
    "mentioned_user_ids",
    "missing_post",
    "post_attach_files",
    "post_create",
    "post_delete",
    "post_delete_permanently",
    "post_edit_message",
    "post_files_delete",
    "post_files_delete_permanently",
    "post_files_replace",
    "post_patch",
    "post_set_pinned",
    "post_set_unread",
    "post_update",
    "posts_bulk_import",
    "public_link_hash",
    "reaction_delete",
    "reaction_save",
    "system_post",
    "thread_mark_read",
    "thread_memberships_leave_channel",
    "thread_set_following",
    "thread_set_unread",
    "threads_mark_all_read",
]
