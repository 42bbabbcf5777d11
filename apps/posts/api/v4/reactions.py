"""Reactions over API v4: adding one, listing a post's, taking one back, and the reactions
of many posts at once."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.channels.api.v4.access import can_read
from apps.channels.permissions import has_channel_permission
from apps.core.body import body_object
from apps.core.errors import AppError, invalid_body_param, invalid_url_param, permission_denied
from apps.core.ids import is_valid_id
from apps.core.roles import roles_grant
from apps.core.views import STATUS_OK, MattermostView, session_user, url_id, url_user_id
from apps.posts.models import Post
from apps.posts.reaction_selectors import (
    READ_CONTENT,
    posts_with_channels,
    reaction_fields,
    reactions_for_posts,
    reactions_of_post,
    readable_channel_ids,
)
from apps.posts.services.reactions import (
    EMOJI_NAME_MAX_LENGTH,
    is_valid_emoji_name,
    reaction_delete,
    reaction_save,
)


def has_permission_by_post(user: User, post_id: str, permission: str) -> bool:
    """``permission`` in the channel of the post (deleted or not), as Mattermost's
    SessionHasPermissionToChannelByPost decides it; for an unknown post only the system
    roles count."""
    channel_id = Post.objects.filter(pk=post_id).values_list("channel_id", flat=True).first()
    if channel_id is None:
        return roles_grant(user.role_names, permission)
    return has_channel_permission(user, channel_id, permission)


def require_post_readable(user: User, post_id: str) -> None:
    """The post is live and its channel readable by ``user``; anything else is the same
    403, so the answer does not reveal which posts exist."""
    post = Post.objects.select_related("channel").filter(pk=post_id, delete_at=0).first()
    if post is None or not can_read(user, post.channel):
        raise permission_denied(user.id, READ_CONTENT)


def _body_str(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid_body_param("reaction")
    return value


class ReactionsView(MattermostView):
    """``POST /reactions``: react to a post as oneself."""

    @extend_schema(
        operation_id="SaveReaction",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = body_object(request, "reaction")
        user_id = _body_str(data, "user_id")
        post_id = _body_str(data, "post_id")
        emoji_name = _body_str(data, "emoji_name")
        if (
            not is_valid_id(user_id)
            or not is_valid_id(post_id)
            or not emoji_name
            or len(emoji_name) > EMOJI_NAME_MAX_LENGTH
        ):
            raise AppError(
                "api.reaction.save_reaction.invalid.app_error",
                "A reaction needs a valid user_id, post_id and emoji_name.",
                400,
            )
        actor = session_user(request)
        if user_id != actor.id:
            raise AppError(
                "api.reaction.save_reaction.user_id.app_error",
                "You can only react as yourself.",
                403,
            )
        if not has_permission_by_post(actor, post_id, "add_reaction"):
            raise permission_denied(actor.id, "add_reaction")
        reaction = reaction_save(user=actor, post_id=post_id, emoji_name=emoji_name)
        return Response(reaction_fields(reaction))


class PostReactionsView(MattermostView):
    """``GET /posts/{post_id}/reactions``: the post's live reactions, oldest first."""

    @extend_schema(operation_id="GetReactions", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, post_id: str) -> Response:
        post_id = url_id(post_id, "post_id")
        require_post_readable(session_user(request), post_id)
        return Response(reactions_of_post(post_id))


class ReactionView(MattermostView):
    """``DELETE /users/{user_id}/posts/{post_id}/reactions/{emoji_name}``: take a reaction
    back, one's own or (with ``remove_others_reactions``) someone else's."""

    @extend_schema(operation_id="DeleteReaction", responses={200: OpenApiTypes.OBJECT})
    def delete(self, request: Request, user_id: str, post_id: str, emoji_name: str) -> Response:
        user_id = url_user_id(request, user_id)
        post_id = url_id(post_id, "post_id")
        if not is_valid_emoji_name(emoji_name):
            raise invalid_url_param("emoji_name")
        actor = session_user(request)
        if not has_permission_by_post(actor, post_id, "remove_reaction"):
            raise permission_denied(actor.id, "remove_reaction")
        if user_id != actor.id and not roles_grant(actor.role_names, "remove_others_reactions"):
            raise permission_denied(actor.id, "remove_others_reactions")
        reaction_delete(user_id=user_id, post_id=post_id, emoji_name=emoji_name)
        return Response(STATUS_OK)


def _post_ids(request: Request) -> list[str]:
    """A JSON array of strings (``null`` counts as none), sorted and without repeats. An
    empty body, malformed JSON or any other shape is Mattermost's payload parse error."""
    try:
        data = request.data
    except ParseError:
        data = {}
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise AppError(
            "api.payload.parse.error", "The request body must be a JSON array of post ids.", 400
        )
    return sorted(set(data))


class BulkReactionsView(MattermostView):
    """``POST /posts/ids/reactions``: ``{post_id: [reactions]}`` for posts the caller may
    all read (one unreadable post refuses the whole request, as Mattermost does). A fixed
    number of queries however many posts."""

    @extend_schema(
        operation_id="GetBulkReactions",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        post_ids = _post_ids(request)
        actor = session_user(request)
        posts = posts_with_channels(post_ids)
        readable = readable_channel_ids(actor, [post.channel for post in posts])
        if len(posts) != len(post_ids) or any(post.channel_id not in readable for post in posts):
            raise permission_denied(actor.id, READ_CONTENT)
        return Response(reactions_for_posts(post_ids))


urlpatterns: list[URLPattern] = [
    path("reactions", ReactionsView.as_view(), name="reactions"),
    # Before the {post_id} route, which would otherwise take "ids" for a post id.
    path("posts/ids/reactions", BulkReactionsView.as_view(), name="posts-bulk-reactions"),
    path("posts/<str:post_id>/reactions", PostReactionsView.as_view(), name="post-reactions"),
    path(
        "users/<str:user_id>/posts/<str:post_id>/reactions/<str:emoji_name>",
        ReactionView.as_view(),
        name="user-post-reaction",
    ),
]
