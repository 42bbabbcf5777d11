"""The operator's view of thread memberships."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.posts.models import ThreadMembership
from tests.posts.thread_setup import World, build_world

pytestmark = pytest.mark.django_db

MEMBERSHIPS = "/admin/posts/threadmembership/"


@pytest.fixture
def world(user: User, other_user: User) -> World:
    return build_world(user, other_user)


def test_the_list_costs_the_same_for_1_row_as_for_30(
    client: Client, admin: User, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(admin)
    root = world.say(world.alice, "plans")
    world.say(world.bob, "ok", root)
    client.get(MEMBERSHIPS)  # warms the session and the admin's caches
    with django_assert_max_num_queries(100) as one:
        response = client.get(MEMBERSHIPS)
    assert response.status_code == 200
    assert root.id.encode() in response.content
    for n in range(14):
        other = world.say(world.alice, f"thread {n}")
        world.say(world.carol, "ok", other)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(MEMBERSHIPS).status_code == 200
    assert ThreadMembership.objects.count() == 30


def test_counters_are_read_only_and_the_pair_is_fixed(
    client: Client, admin: User, world: World
) -> None:
    client.force_login(admin)
    root = world.say(world.alice, "plans")
    world.say(world.bob, "@alice ok", root)
    membership = ThreadMembership.objects.get(user=world.alice, post=root)
    url = f"{MEMBERSHIPS}{membership.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    # Only "following" is a form field; the rest is shown, not editable.
    assert b'name="following"' in page.content
    for fixed in (b'name="unread_mentions"', b'name="last_viewed"', b'name="post"'):
        assert fixed not in page.content
    response = client.post(url, {"following": ""})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.following, membership.unread_mentions) == (False, 1)
