"""Writing posts over API v4: create, ephemeral posts, full update, patch and delete.

Check order follows Mattermost's handlers (``api4/post.go``), so a caller sees the same
error first: URL id, body shape, permissions, then the domain rules in the services.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission, require_system_permission
from apps.channels.permissions import require_channel_permission
from apps.channels.selectors import channel_get
from apps.core.body import body_object, optional_bool, optional_map, optional_str
from apps.core.errors import AppError, invalid_body_param, permission_denied
from apps.core.ids import is_valid_id
from apps.core.views import GO_TRUE, STATUS_OK, MattermostView, session_user, url_id
from apps.posts import services
from apps.posts.api.v4.post_lists import PostView as PostReadView
from apps.posts.file_selectors import file_infos_for_posts
from apps.posts.models import Post
from apps.posts.permissions import require_create_post
from apps.posts.services.edit import SYSTEM_TYPE_PREFIX
from apps.posts.services.ephemeral import ephemeral_post_send
from apps.posts.validators import client_props, visible_props
from apps.posts.wire import post_fields

POST_ID = OpenApiParameter("post_id", OpenApiTypes.STR, OpenApiParameter.PATH)
GO_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


# Body and output helpers


def _optional_str_list(data: dict[str, Any], name: str) -> list[str] | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid_body_param(name)
    return value


def _optional_int(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_body_param(name)
    return value


def post_for_client(post: Post) -> dict[str, Any]:
    data = post_fields(post, files=file_infos_for_posts([post]).get(post.id))
    data["props"] = visible_props(data["props"])
    return data


def _set_online(request: Request) -> bool:
    """``set_online`` as Go parses it; anything unreadable counts as true."""
    return request.query_params.get("set_online", "") not in GO_FALSE


# Permissions


def _require_upload_for_new_files(actor: User, post: Post, file_ids: list[str] | None) -> None:
    """Attaching files the post did not have needs ``upload_file`` on the channel."""
    if file_ids is None or set(file_ids) <= set(post.file_ids or []):
        return
    require_channel_permission(actor, post.channel_id, "upload_file")


def _editable_post(actor: User, post_id: str) -> Post:
    """The live post to edit. A missing or deleted post is a 403 for ``edit_post``, as
    Mattermost answers (it does not tell which ids exist)."""
    post = Post.objects.filter(pk=post_id, delete_at=0).first()
    if post is None:
        raise permission_denied(actor.id, "edit_post")
    return post


def _edit_permission(actor: User, post: Post) -> str:
    return "edit_post" if post.user_id == actor.id else "edit_others_posts"


# Views


class PostsView(MattermostView):
    @extend_schema(
        operation_id="CreatePost",
        parameters=[OpenApiParameter("set_online", OpenApiTypes.BOOL)],
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        actor = session_user(request)
        data = body_object(request, "post")
        channel_id = optional_str(data, "channel_id") or ""
        if not is_valid_id(channel_id):
            raise invalid_body_param("channel_id")
        message = optional_str(data, "message") or ""
        root_id = optional_str(data, "root_id") or ""
        if root_id and not is_valid_id(root_id):
            raise AppError("model.post.is_valid.root_id.app_error", "root_id is not valid.", 400)
        pending_post_id = optional_str(data, "pending_post_id") or ""
        post_type = optional_str(data, "type") or ""
        props = client_props(optional_map(data, "props"), actor)
        file_ids = _optional_str_list(data, "file_ids")
        create_at = _optional_int(data, "create_at")
        if create_at is not None and (
            create_at <= 0 or not has_system_permission(actor, "manage_system")
        ):
            create_at = None

        require_create_post(actor, channel_id)
        if file_ids:
            require_channel_permission(actor, channel_id, "upload_file")
        channel = channel_get(channel_id)
        if channel is None:
            # Only a caller allowed everywhere (a system admin) gets this far.
            raise AppError(
                "api.context.invalid_param.app_error", "The post's channel_id is not valid.", 400
            )
        if post_type.startswith(SYSTEM_TYPE_PREFIX):
            raise AppError(
                "api.context.invalid_param.app_error", "A post's type may not be system_.", 400
            )
        post = services.post_create(
            author=actor,
            channel=channel,
            message=message,
            root_id=root_id,
            props=props,
            file_ids=file_ids,
            pending_post_id=pending_post_id,
            type=post_type,
            create_at=create_at,
            set_online=_set_online(request),
        )
        # (Every authenticated request already counts as activity, see apps.core.auth.)
        return Response(post_for_client(post), status=201)


class EphemeralPostView(MattermostView):
    @extend_schema(
        operation_id="CreatePostEphemeral",
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        actor = session_user(request)
        data = body_object(request, "body")
        user_id = optional_str(data, "user_id") or ""
        if not is_valid_id(user_id):
            raise invalid_body_param("user_id")
        body = data.get("post")
        if not isinstance(body, dict):
            raise invalid_body_param("post")
        require_system_permission(actor, "create_post_ephemeral")
        channel_id = optional_str(body, "channel_id") or ""
        if not is_valid_id(channel_id):
            raise invalid_body_param("channel_id")
        fields = ephemeral_post_send(
            author_id=actor.id,
            recipient_id=user_id,
            channel_id=channel_id,
            root_id=optional_str(body, "root_id") or "",
            message=optional_str(body, "message") or "",
            props=optional_map(body, "props") or {},
        )
        return Response(fields, status=201)


class PostView(PostReadView):
    """``/posts/{post_id}``: GET reads (see post_lists), PUT updates, DELETE deletes."""

    @extend_schema(
        operation_id="UpdatePost",
        parameters=[POST_ID],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, post_id: str) -> Response:
        post_id = url_id(post_id, "post_id")
        actor = session_user(request)
        data = body_object(request, "post")
        if data.get("id") != post_id:
            raise invalid_body_param("id")
        # As in Mattermost, a missing message, is_pinned or has_reactions means ""/false;
        # missing props or file_ids keep the post's own.
        message = optional_str(data, "message") or ""
        props = client_props(optional_map(data, "props"), actor)
        file_ids = _optional_str_list(data, "file_ids")
        is_pinned = optional_bool(data, "is_pinned") or False
        has_reactions = optional_bool(data, "has_reactions") or False

        post = _editable_post(actor, post_id)
        require_channel_permission(actor, post.channel_id, "edit_post")
        _require_upload_for_new_files(actor, post, file_ids)
        if post.user_id != actor.id:
            require_channel_permission(actor, post.channel_id, "edit_others_posts")
        post = services.post_update(
            post=post,
            message=message,
            props=props,
            file_ids=file_ids,
            is_pinned=is_pinned,
            has_reactions=has_reactions,
        )
        return Response(post_for_client(post))

    @extend_schema(
        operation_id="DeletePost",
        parameters=[POST_ID, OpenApiParameter("permanent", OpenApiTypes.BOOL)],
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    def delete(self, request: Request, post_id: str) -> Response:
        post_id = url_id(post_id, "post_id")
        actor = session_user(request)
        permanent = request.query_params.get("permanent", "") in GO_TRUE
        if permanent and not settings.MATTERMOST.enable_api_post_deletion:
            raise AppError(
                "api.post.delete_post.not_enabled.app_error",
                "Deleting posts for good is switched off on this server.",
                501,
                f"postId={post_id}",
            )
        if permanent:
            require_system_permission(actor, "manage_system")
        posts = Post.objects.filter(pk=post_id)
        post = (posts if permanent else posts.filter(delete_at=0)).first()
        if post is None:
            raise services.missing_post()
        own = post.user_id == actor.id
        require_channel_permission(
            actor, post.channel_id, "delete_post" if own else "delete_others_posts"
        )
        if permanent:
            services.post_delete_permanently(post=post, deleter=actor)
        else:
            services.post_delete(post=post, deleter=actor)
        return Response(STATUS_OK)


class PostPatchView(MattermostView):
    @extend_schema(
        operation_id="PatchPost",
        parameters=[POST_ID],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def put(self, request: Request, post_id: str) -> Response:
        post_id = url_id(post_id, "post_id")
        actor = session_user(request)
        data = body_object(request, "post")
        message = optional_str(data, "message")
        props = client_props(optional_map(data, "props"), actor)
        file_ids = _optional_str_list(data, "file_ids")
        is_pinned = optional_bool(data, "is_pinned")
        has_reactions = optional_bool(data, "has_reactions")

        post = _editable_post(actor, post_id)
        require_channel_permission(actor, post.channel_id, _edit_permission(actor, post))
        _require_upload_for_new_files(actor, post, file_ids)
        post = services.post_patch(
            post=post,
            message=message,
            props=props,
            file_ids=file_ids,
            is_pinned=is_pinned,
            has_reactions=has_reactions,
        )
        return Response(post_for_client(post))


urlpatterns: list[URLPattern] = [
    path("posts", PostsView.as_view(), name="posts"),
    path("posts/ephemeral", EphemeralPostView.as_view(), name="post-ephemeral"),
    path("posts/<str:post_id>", PostView.as_view(), name="post"),
    path("posts/<str:post_id>/patch", PostPatchView.as_view(), name="post-patch"),
]
