"""Adding and removing reactions. Reactions are soft-deleted; every change bumps the post's
``update_at`` (so ETags and ``since`` polling see it), keeps ``has_reactions`` true to the
live reactions, and is announced to the channel once committed."""

from __future__ import annotations

import json
import re

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Greatest

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.core.clock import now_ms
from apps.core.errors import AppError
from apps.core.events import Broadcast, publish
from apps.posts.errors import missing_post
from apps.posts.models import Post, Reaction
from apps.posts.reaction_selectors import emoji_on_post, reaction_fields, unique_emoji_count

EMOJI_NAME_MAX_LENGTH = 64
EMOJI_NAME_RE = re.compile(r"[a-zA-Z0-9\-+_]+")
# Mattermost's ServiceSettings.UniqueEmojiReactionLimitPerPost default.
UNIQUE_EMOJI_REACTION_LIMIT_PER_POST = 50


def is_valid_emoji_name(name: str) -> bool:
    return 0 < len(name) <= EMOJI_NAME_MAX_LENGTH and EMOJI_NAME_RE.fullmatch(name) is not None


def _live_post(post_id: str) -> tuple[Post, Channel]:
    post = Post.objects.select_related("channel").filter(pk=post_id, delete_at=0).first()
    if post is None:
        raise missing_post()
    return post, post.channel


def _touch_post(post_id: str, now: int) -> None:
    """A newer ``update_at`` (strictly, even within one millisecond) and ``has_reactions``
    recomputed from the live reactions, in one statement."""
    live = Reaction.objects.filter(post_id=OuterRef("pk"), delete_at=0)
    Post.objects.filter(pk=post_id).update(
        update_at=Greatest(F("update_at") + 1, Value(now)), has_reactions=Exists(live)
    )


def _announce(event: str, reaction: Reaction, channel_id: str) -> None:
    publish(
        event,
        {"reaction": json.dumps(reaction_fields(reaction), separators=(",", ":"))},
        Broadcast(channel_id=channel_id),
    )


def reaction_save(*, user: User, post_id: str, emoji_name: str) -> Reaction:
    """React to the post with ``emoji_name`` as ``user`` (permissions are the caller's
    job). Reacting again with the same emoji is harmless and returns the reaction."""
    post, channel = _live_post(post_id)
    if not is_valid_emoji_name(emoji_name):
        raise AppError(
            "model.reaction.is_valid.emoji_name.app_error",
            "An emoji name is 1 to 64 letters, digits, '-', '+' or '_'.",
            400,
        )
    if not emoji_on_post(post.id, emoji_name) and (
        unique_emoji_count(post.id) >= UNIQUE_EMOJI_REACTION_LIMIT_PER_POST
    ):
        raise AppError(
            "app.reaction.save.save.too_many_reactions",
            f"A post may carry at most {UNIQUE_EMOJI_REACTION_LIMIT_PER_POST} different emojis.",
            400,
        )
    if channel.delete_at:
        raise AppError(
            "api.reaction.save.archived_channel.app_error",
            "Nobody can react in an archived channel.",
            403,
        )
    now = now_ms()
    with transaction.atomic():
        reaction, created = Reaction.objects.select_for_update().get_or_create(
            post=post,
            user=user,
            emoji_name=emoji_name,
            defaults={"channel_id": channel.id, "create_at": now, "update_at": now},
        )
        if not created:
            if reaction.delete_at:
                reaction.create_at = now  # a reaction taken back and given again is new
            reaction.delete_at = 0
            reaction.update_at = now
            reaction.channel_id = channel.id
            reaction.save(update_fields=["create_at", "delete_at", "update_at", "channel_id"])
        _touch_post(post.id, now)
    _announce("reaction_added", reaction, channel.id)
    return reaction


def reaction_delete(*, user_id: str, post_id: str, emoji_name: str) -> None:
    """Take back ``user_id``'s ``emoji_name`` reaction to the post (permissions are the
    caller's job). Taking back a reaction that is not there still succeeds."""
    post, channel = _live_post(post_id)
    if channel.delete_at:
        raise AppError(
            "api.reaction.delete.archived_channel.app_error",
            "Reactions in an archived channel cannot be removed.",
            403,
        )
    now = now_ms()
    with transaction.atomic():
        reaction = (
            Reaction.objects.select_for_update()
            .filter(post_id=post.id, user_id=user_id, emoji_name=emoji_name, delete_at=0)
            .first()
        )
        if reaction is not None:
            reaction.delete_at = now
            reaction.update_at = now
            reaction.save(update_fields=["delete_at", "update_at"])
        else:
            # What the event names: the reaction asked for, which did not exist.
            reaction = Reaction(
                user_id=user_id,
                post_id=post.id,
                emoji_name=emoji_name,
                channel_id=channel.id,
                create_at=0,
                update_at=0,
            )
        _touch_post(post.id, now)
    _announce("reaction_removed", reaction, channel.id)
