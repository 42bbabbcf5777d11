"""API v3 reactions (3.6+): react to a post, take a reaction back, list a post's
reactions. The caller reacts only as themself, in the channel the URL names."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.channels.api.v3.access import v3_id
from apps.channels.permissions import require_channel_permission
from apps.core.api.v3.base import V3View, invalid_param, require_team_in_url
from apps.core.api.v3.decoding import decoded_object, is_int64, is_text, text
from apps.core.errors import AppError
from apps.core.views import STATUS_OK, session_user
from apps.posts import selectors
from apps.posts.api.v3.wire import reaction_v3
from apps.posts.errors import missing_post
from apps.posts.models import Post
from apps.posts.reaction_selectors import reaction_fields, reactions_of_post
from apps.posts.services import reaction_delete, reaction_save

ONE_POST = "teams/<v3id:team_id>/channels/<v3id:channel_id>/posts/<v3id:post_id>"
# model.Reaction as a body.
REACTION_BODY = {
    "user_id": is_text,
    "post_id": is_text,
    "emoji_name": is_text,
    "create_at": is_int64,
}


def _own_reaction(request: Request, action: str) -> tuple[User, dict[str, Any]]:
    """The reaction body, which must name the caller (403 otherwise)."""
    data = decoded_object(request, "reaction", REACTION_BODY)
    actor = session_user(request)
    if text(data, "user_id") != actor.id:
        raise AppError(
            f"api.reaction.{action}_reaction.user_id.app_error",
            "You can only add or remove your own reactions.",
            403,
        )
    return actor, data


def _reaction_scope(
    actor: User, channel_id: str, post_id: str, data: dict[str, Any]
) -> tuple[str, str]:
    """The URL's channel (readable by the caller) and post (the one the body names)."""
    channel_id = v3_id(channel_id, "channel_id")
    require_channel_permission(actor, channel_id, "read_channel")
    post_id = v3_id(post_id, "post_id")
    if post_id != text(data, "post_id"):
        raise invalid_param("post_id")
    return channel_id, post_id


def _post_in_channel(post_id: str, channel_id: str, *, mismatch_error_id: str) -> Post:
    """The live post, which must be in the URL's channel."""
    post = selectors.live_post_get(post_id)
    if post is None:
        raise missing_post()
    if post.channel_id != channel_id:
        raise AppError(mismatch_error_id, "The post is not in that channel.", 400)
    return post


class SaveReactionView(V3View):
    """``POST .../posts/{post_id}/reactions/save`` ``{"user_id", "post_id",
    "emoji_name"}``: the reaction."""

    @extend_schema(
        operation_id="v3SaveReaction",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str, channel_id: str, post_id: str) -> Response:
        require_team_in_url(request, team_id)
        actor, data = _own_reaction(request, "save")
        channel_id, post_id = _reaction_scope(actor, channel_id, post_id, data)
        _post_in_channel(
            post_id,
            channel_id,
            mismatch_error_id="api.reaction.save_reaction.mismatched_channel_id.app_error",
        )
        require_channel_permission(actor, channel_id, "add_reaction")
        reaction = reaction_save(user=actor, post_id=post_id, emoji_name=text(data, "emoji_name"))
        return Response(reaction_v3(reaction_fields(reaction)))


class DeleteReactionView(V3View):
    """``POST .../posts/{post_id}/reactions/delete`` with the reaction to take back."""

    @extend_schema(
        operation_id="v3DeleteReaction",
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str, channel_id: str, post_id: str) -> Response:
        require_team_in_url(request, team_id)
        actor, data = _own_reaction(request, "delete")
        channel_id, post_id = _reaction_scope(actor, channel_id, post_id, data)
        require_channel_permission(actor, channel_id, "remove_reaction")
        reaction_delete(user_id=actor.id, post_id=post_id, emoji_name=text(data, "emoji_name"))
        return Response(STATUS_OK)


class PostReactionsView(V3View):
    """``GET .../posts/{post_id}/reactions``: the post's reactions, oldest first."""

    @extend_schema(operation_id="v3ListReactions", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, team_id: str, channel_id: str, post_id: str) -> Response:
        require_team_in_url(request, team_id)
        channel_id = v3_id(channel_id, "channel_id")
        post_id = v3_id(post_id, "post_id")
        require_channel_permission(session_user(request), channel_id, "read_channel")
        _post_in_channel(
            post_id,
            channel_id,
            mismatch_error_id="api.reaction.list_reactions.mismatched_channel_id.app_error",
        )
        return Response([reaction_v3(reaction) for reaction in reactions_of_post(post_id)])


urlpatterns: list[URLPattern] = [
    path(f"{ONE_POST}/reactions", PostReactionsView.as_view(), name="post-reactions"),
    path(f"{ONE_POST}/reactions/save", SaveReactionView.as_view(), name="post-reaction-save"),
    path(
        f"{ONE_POST}/reactions/delete",
        DeleteReactionView.as_view(),
        name="post-reaction-delete",
    ),
]
