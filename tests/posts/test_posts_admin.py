from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.posts.models import Post, Reaction
from apps.posts.services import post_create
from apps.teams.services import team_create

pytestmark = pytest.mark.django_db

POSTS = "/admin/posts/post/"
REACTIONS = "/admin/posts/reaction/"


@pytest.fixture
def square(user: User) -> Channel:
    team = team_create(creator=user, display_name="Alpha", name="alpha", type="O")
    return Channel.objects.get(team=team, name="town-square")


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def react(post: Post, user: User, emoji: str) -> None:
    Reaction.objects.create(post=post, user=user, emoji_name=emoji, channel_id=post.channel_id)


@pytest.mark.parametrize("url", [POSTS, REACTIONS])
def test_changelists_cost_the_same_for_1_row_as_for_30(
    client: Client,
    admin: User,
    user: User,
    square: Channel,
    url: str,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(admin)
    first = post_create(author=user, channel=square, message="message 0")
    react(first, user, "emoji0")
    client.get(url)  # warms the session and the admin's caches
    budget = queries_for(client, url)
    root = first
    for n in range(1, 30):
        author = admin if n % 2 else user
        post = post_create(
            author=author,
            channel=square,
            message=f"message {n}",
            root_id=root.id if n % 3 == 0 else "",
        )
        if not post.root_id:
            root = post
        react(post, author, f"emoji{n}")
    with django_assert_max_num_queries(budget):
        page = client.get(url).content.decode()
    assert ("message 29" if url == POSTS else "emoji29") in page


def test_only_system_admins_get_in(client: Client, user: User) -> None:
    client.force_login(user)
    assert client.get(POSTS).status_code == 302  # to the login page


def test_filters_search_and_thread_link(
    client: Client, admin: User, user: User, square: Channel
) -> None:
    root = post_create(author=user, channel=square, message="the root of it")
    reply = post_create(author=admin, channel=square, message="a reply", root_id=root.id)
    gone = post_create(author=user, channel=square, message="long gone")
    Post.objects.filter(pk=gone.pk).update(delete_at=1)
    client.force_login(admin)
    live = client.get(f"{POSTS}?deleted=no").content.decode()
    assert "the root of it" in live
    assert "long gone" not in live
    found = client.get(f"{POSTS}?q=reply").content.decode()
    assert "a reply" in found
    assert "the root of it" not in found
    by_team = client.get(f"{POSTS}?channel__team__id__exact={square.team_id}").content.decode()
    assert "the root of it" in by_team
    page = client.get(f"{POSTS}{reply.id}/change/").content.decode()
    assert f"/admin/posts/post/{root.id}/change/" in page


def test_soft_delete_marks_the_thread(
    client: Client, admin: User, user: User, square: Channel
) -> None:
    root = post_create(author=user, channel=square, message="root")
    post_create(author=admin, channel=square, message="reply", root_id=root.id)
    other = post_create(author=user, channel=square, message="other root")
    lone_reply = post_create(author=admin, channel=square, message="lone", root_id=other.id)
    client.force_login(admin)
    response = client.post(
        POSTS,
        {"action": "soft_delete", "_selected_action": [root.id, lone_reply.id]},
        follow=True,
    )
    assert response.status_code == 200
    assert "3 posts marked deleted." in response.content.decode()
    deleted = set(Post.objects.exclude(delete_at=0).values_list("message", flat=True))
    assert deleted == {"root", "reply", "lone"}
    other.refresh_from_db()
    assert (other.delete_at, other.reply_count) == (0, 0)
    square.refresh_from_db()
    assert square.total_msg_count == 4  # deleting does not uncount, as in Mattermost
