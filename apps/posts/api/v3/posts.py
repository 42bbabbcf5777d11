"""API v3 post writes: create, update (the message only), delete, pin and unpin.

Check order follows the 4.10 handlers (``api/post.go``). As there, the post being
created goes to the channel its body names: the ``{channel_id}`` of the URL is not used.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission
from apps.channels.api.v3.access import v3_id
from apps.channels.api.v4.access import can_read
from apps.channels.permissions import require_channel_permission
from apps.channels.selectors import channel_get
from apps.core.api.v3.base import V3View, invalid_param, require_team_in_url
from apps.core.api.v3.decoding import (
    decoded_object,
    is_flag,
    is_int64,
    is_object,
    is_text,
    is_text_list,
    text,
)
from apps.core.errors import AppError, permission_denied
from apps.core.ids import is_valid_id
from apps.core.views import session_user
from apps.posts import selectors, services
from apps.posts.api.v3.wire import post_v3
from apps.posts.errors import missing_post
from apps.posts.models import Post
from apps.posts.permissions import require_create_post
from apps.posts.reaction_selectors import READ_CONTENT
from apps.posts.services.edit import SYSTEM_TYPE_PREFIX
from apps.posts.validators import client_props

CHANNEL_POSTS = "teams/<v3id:team_id>/channels/<v3id:channel_id>/posts"
ONE_POST = f"{CHANNEL_POSTS}/<v3id:post_id>"
# model.Post as a body, field by field.
POST_BODY = {
    **{
        name: is_text
        for name in (
            "id",
            "user_id",
            "channel_id",
            "root_id",
            "parent_id",
            "original_id",
            "message",
            "type",
            "hashtags",
            "pending_post_id",
        )
    },
    **{name: is_int64 for name in ("create_at", "update_at", "edit_at", "delete_at")},
    "is_pinned": is_flag,
    "has_reactions": is_flag,
    "props": is_object,
    "filenames": is_text_list,
    "file_ids": is_text_list,
}


def _invalid_post_field(field: str, message: str) -> AppError:
    return AppError(f"model.post.is_valid.{field}.app_error", message, 400)


def _thread_ids(data: dict[str, Any]) -> tuple[str, str]:
    """The body's ``root_id`` and ``parent_id``: each an id or blank, and a parent only
    within a thread (4.10's ``Post.IsValid``)."""
    root_id, parent_id = text(data, "root_id"), text(data, "parent_id")
    if root_id and not is_valid_id(root_id):
        raise _invalid_post_field("root_id", "root_id is not a valid id.")
    if parent_id and not is_valid_id(parent_id):
        raise _invalid_post_field("parent_id", "parent_id is not a valid id.")
    if parent_id and not root_id:
        raise _invalid_post_field("root_parent", "A post with a parent_id needs a root_id.")
    return root_id, parent_id


def _create_time(actor: User, data: dict[str, Any]) -> int | None:
    """Only a system admin may date a post; anyone else's ``create_at`` is ignored."""
    create_at: int | None = data.get("create_at")
    if not create_at or create_at <= 0 or not has_system_permission(actor, "manage_system"):
        return None
    return create_at


class CreatePostView(V3View):
    """``POST .../posts/create``: the new post, echoing the client's ``pending_post_id``."""

    @extend_schema(
        operation_id="v3CreatePost",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str, channel_id: str) -> Response:
        require_team_in_url(request, team_id)
        data = decoded_object(request, "post", POST_BODY)
        actor = session_user(request)
        root_id, parent_id = _thread_ids(data)
        post_channel_id = text(data, "channel_id")
        file_ids: list[str] | None = data.get("file_ids")
        require_create_post(actor, post_channel_id)
        if file_ids:
            require_channel_permission(actor, post_channel_id, "upload_file")
        channel = channel_get(post_channel_id)
        if channel is None:
            # Only a caller allowed everywhere (a system admin) gets this far.
            raise invalid_param("post.channel_id")
        post_type = text(data, "type")
        if post_type.startswith(SYSTEM_TYPE_PREFIX):
            raise invalid_param("post.type")
        if (
            parent_id
            and parent_id != root_id
            and not selectors.post_in_thread(post_id=parent_id, root_id=root_id)
        ):
            raise AppError(
                "api.post.create_post.parent_id.app_error",
                "The parent_id is not a post of the root_id's thread.",
                400,
            )
        post = services.post_create(
            author=actor,
            channel=channel,
            message=text(data, "message"),
            root_id=root_id,
            props=client_props(data.get("props"), actor),
            file_ids=file_ids,
            pending_post_id=text(data, "pending_post_id"),
            type=post_type,
            create_at=_create_time(actor, data),
        )
        return Response(post_v3(post, pending_post_id=post.pending_post_id))


class UpdatePostView(V3View):
    """``POST .../posts/update`` ``{"id", "message"}``: the author changes the message;
    every other field of the body is ignored."""

    @extend_schema(
        operation_id="v3UpdatePost",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str, channel_id: str) -> Response:
        require_team_in_url(request, team_id)
        data = decoded_object(request, "post", POST_BODY)
        actor = session_user(request)
        post = selectors.live_post_get(text(data, "id"))
        if post is None:
            raise missing_post()
        require_channel_permission(actor, post.channel_id, "edit_post")
        if post.user_id != actor.id:
            raise AppError(
                "api.post.update_post.permissions.app_error",
                "Only the author of a post may edit it here.",
                400,
            )
        post = services.post_edit_message(post=post, message=text(data, "message"))
        return Response(post_v3(post))


class DeletePostView(V3View):
    """``POST .../posts/{post_id}/delete``: the post and its thread's replies are gone."""

    @extend_schema(operation_id="v3DeletePost", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, team_id: str, channel_id: str, post_id: str) -> Response:
        require_team_in_url(request, team_id)
        channel_id = v3_id(channel_id, "channel_id")
        post_id = v3_id(post_id, "post_id")
        actor = session_user(request)
        require_channel_permission(actor, channel_id, "delete_post")
        post = selectors.live_post_get(post_id)
        # 4.10 answered an unknown post like someone else's post it may not delete.
        if post is None:
            raise permission_denied(actor.id, "delete_others_posts")
        if post.user_id != actor.id:
            require_channel_permission(actor, post.channel_id, "delete_others_posts")
        if post.channel_id != channel_id:
            raise AppError(
                "api.post.delete_post.permissions.app_error",
                "The post is not in that channel.",
                403,
            )
        services.post_delete(post=post, deleter=actor)
        return Response({"id": post.id})


class PinPostView(V3View):
    """``POST .../posts/{post_id}/pin``: the pinned post. Anyone who may read the post's
    channel may pin it."""

    pinned = True

    @extend_schema(operation_id="v3PinPost", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, team_id: str, channel_id: str, post_id: str) -> Response:
        require_team_in_url(request, team_id)
        v3_id(channel_id, "channel_id")
        post_id = v3_id(post_id, "post_id")
        actor = session_user(request)
        post: Post | None = selectors.live_post_get(post_id)
        if post is None:
            raise missing_post()
        if not can_read(actor, post.channel):
            raise permission_denied(actor.id, READ_CONTENT)
        post = services.post_set_pinned(post=post, pinned=self.pinned)
        return Response(post_v3(post))


class UnpinPostView(PinPostView):
    """``POST .../posts/{post_id}/unpin``."""

    pinned = False

    @extend_schema(operation_id="v3UnpinPost", request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, team_id: str, channel_id: str, post_id: str) -> Response:
        return super().post(request, team_id, channel_id, post_id)


urlpatterns: list[URLPattern] = [
    path(f"{CHANNEL_POSTS}/create", CreatePostView.as_view(), name="post-create"),
    path(f"{CHANNEL_POSTS}/update", UpdatePostView.as_view(), name="post-update"),
    path(f"{ONE_POST}/delete", DeletePostView.as_view(), name="post-delete"),
    path(f"{ONE_POST}/pin", PinPostView.as_view(), name="post-pin"),
    path(f"{ONE_POST}/unpin", UnpinPostView.as_view(), name="post-unpin"),
]
