"""The operator's view of posts and reactions. Posts are written by their authors, so the
admin only reads them, follows threads, and deletes (softly, through the posts services, so
replies, thread totals and events follow)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.accounts.models import User
from apps.posts.models import FileInfo, Post, Reaction, ThreadMembership
from apps.posts.services import post_delete

SHORT_MESSAGE = 60


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("no", "No"), ("yes", "Yes")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Post]) -> QuerySet[Post]:
        if self.value() == "no":
            return queryset.filter(delete_at=0)
        if self.value() == "yes":
            return queryset.exclude(delete_at=0)
        return queryset


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("short_message", "user", "channel", "type", "create_at", "deleted")
    list_filter = (DeletedFilter, "channel__team", "channel", "user")
    list_select_related = ("user", "channel", "channel__team")
    search_fields = ("message",)
    ordering = ("-create_at",)
    show_full_result_count = False
    fields = (
        "id",
        "thread_root",
        "user",
        "channel",
        "type",
        "message",
        "props",
        "hashtags",
        "file_ids",
        "is_pinned",
        "has_reactions",
        "reply_count",
        "last_reply_at",
        "participants",
        "create_at",
        "update_at",
        "edit_at",
        "delete_at",
    )
    readonly_fields = fields
    actions = ("soft_delete",)

    @admin.display(description="message")
    def short_message(self, post: Post) -> str:
        text = post.message.replace("\n", " ")
        return text if len(text) <= SHORT_MESSAGE else f"{text[: SHORT_MESSAGE - 1]}…"

    @admin.display(boolean=True, ordering="delete_at")
    def deleted(self, post: Post) -> bool:
        return post.delete_at != 0

    @admin.display(description="thread")
    def thread_root(self, post: Post) -> SafeString | str:
        if post.is_root:
            return f"starts a thread of {post.reply_count}" if post.reply_count else "-"
        url = reverse("admin:posts_post_change", args=[post.root_id])
        return format_html('<a href="{}">reply to {}</a>', url, post.root_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Posts are never removed for good here; the soft delete action marks them.
        return False

    @admin.action(description="Delete (soft) the selected posts and their replies")
    def soft_delete(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        operator = request.user
        assert isinstance(operator, User)
        live_before = Post.objects.filter(delete_at=0).count()
        for post in queryset.filter(delete_at=0):
            post_delete(post=post, deleter=operator)
        # Replies go with their roots, so count what was actually marked.
        marked = live_before - Post.objects.filter(delete_at=0).count()
        self.message_user(request, f"{marked} posts marked deleted.", messages.SUCCESS)


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ("emoji_name", "user", "post", "create_at", "delete_at")
    list_select_related = ("user", "post")
    search_fields = ("emoji_name", "user__username")
    readonly_fields = (
        "user",
        "post",
        "emoji_name",
        "channel_id",
        "create_at",
        "update_at",
        "delete_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # A row deleted here would leave the post's has_reactions flag and clients behind.
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ThreadMembership)
class ThreadMembershipAdmin(admin.ModelAdmin):
    """Who follows which thread. Only ``following`` is the operator's to change; the read
    state and the mention count are the users' own."""

    list_display = ("user", "post", "following", "unread_mentions", "last_viewed", "last_updated")
    list_filter = ("following",)
    list_select_related = ("user", "post")
    search_fields = ("user__username", "post__id")
    raw_id_fields = ("post", "user")
    readonly_fields = ("last_viewed", "last_updated", "unread_mentions")
    ordering = ("-last_updated",)

    def get_readonly_fields(
        self, request: HttpRequest, obj: ThreadMembership | None = None
    ) -> tuple[str, ...]:
        # A membership stays the same user's in the same thread.
        kept = ("post", "user") if obj is not None else ()
        return (*kept, *self.readonly_fields)


@admin.register(FileInfo)
class FileInfoAdmin(admin.ModelAdmin):
    """Uploaded files, read-only: they change only through their posts."""

    list_display = ("name", "creator", "channel", "mime_type", "size", "post_id", "delete_at")
    list_select_related = ("creator", "channel")
    list_filter = ("channel__team",)
    search_fields = ("name", "creator__username")
    ordering = ("-create_at",)
    exclude = ("mini_preview",)
    readonly_fields = tuple(
        field.name for field in FileInfo._meta.fields if field.name != "mini_preview"
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Removing a row would orphan its stored file; files go with their posts.
        return False
