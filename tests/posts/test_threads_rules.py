"""Who follows a thread and what each follower has unread, through a life of posts, reads
and deletes (the services; the routes are in test_threads_api.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apps.accounts.models import User
from apps.channels.models import ChannelMember
from apps.channels.services import (
    channel_create,
    channel_member_add,
    channel_member_remove,
    direct_channel_get_or_create,
)
from apps.core.events import Event
from apps.posts.models import Post
from apps.posts.services import (
    post_delete,
    post_delete_permanently,
    thread_mark_read,
    thread_set_following,
    thread_set_unread,
    threads_mark_all_read,
)
from apps.posts.thread_selectors import ThreadListOptions, ThreadTotals, user_thread_totals
from tests.posts.thread_setup import World, build_world, fresh, has_membership, seen_by, unread

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(user: User, other_user: User) -> World:
    return build_world(user, other_user)


def totals(world: World, user: User) -> ThreadTotals:
    return user_thread_totals(user_id=user.id, team_id=world.team.id, options=ThreadListOptions())


class TestWhoFollows:
    def test_posted_names_the_followers_of_a_reply(
        self,
        world: World,
        published: list[Event],
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            root = world.say(world.alice, "plans")
            world.say(world.bob, "@carol what do you say?", root)
        posted = [event.data for event in published if event.event == "posted"]
        assert posted[0]["followers"] == []  # a root post has no thread yet
        assert sorted(posted[1]["followers"]) == sorted(
            [world.alice.id, world.bob.id, world.carol.id]
        )

    def test_a_root_nobody_answered_has_no_followers(self, world: World) -> None:
        root = world.say(world.alice, "anyone?")
        assert not has_membership(world.alice, root)

    def test_the_first_reply_brings_in_the_root_author_and_the_replier(self, world: World) -> None:
        root = world.say(world.alice, "anyone?")
        world.say(world.bob, "me", root)
        assert unread(world.alice, root) == (True, 1, 0)
        assert unread(world.bob, root) == (True, 0, 0)
        assert not has_membership(world.carol, root)

    def test_a_mention_in_a_reply_follows_and_counts(self, world: World) -> None:
        root = world.say(world.alice, "plans")
        world.say(world.bob, "@carol what do you say?", root)
        assert unread(world.carol, root) == (True, 1, 1)
        world.say(world.alice, "@carol please answer", root)
        assert unread(world.carol, root) == (True, 2, 2)
        # The root's author is not mentioned by the replies.
        assert unread(world.alice, root) == (True, 0, 0)

    def test_users_mentioned_in_the_root_follow_once_it_is_answered(self, world: World) -> None:
        root = world.say(world.alice, "@carol and @bob: lunch?")
        assert not has_membership(world.carol, root)
        world.say(world.bob, "yes", root)
        # Followers now, but the root's mention is the channel's, not the thread's.
        assert unread(world.carol, root) == (True, 1, 0)

    def test_an_explicit_unfollow_holds_until_a_mention(self, world: World) -> None:
        root = world.say(world.alice, "plans")
        world.say(world.bob, "one", root)
        thread_set_following(user_id=world.alice.id, root=root, team_id="", following=False)
        world.say(world.bob, "two", root)
        assert unread(world.alice, root)[0] is False
        world.say(world.bob, "@alice three", root)
        # Back, with everything since she last looked unread.
        assert unread(world.alice, root) == (True, 3, 1)

    def test_replying_follows_again(self, world: World) -> None:
        root = world.say(world.alice, "plans")
        world.say(world.bob, "one", root)
        thread_set_following(user_id=world.bob.id, root=root, team_id="", following=False)
        world.say(world.alice, "two", root)
        world.say(world.bob, "three", root)
        assert unread(world.bob, root) == (True, 0, 0)

    def test_the_root_author_who_left_the_channel_is_not_brought_back(self, world: World) -> None:
        room = channel_create(
            team=world.team, creator=world.alice, name="room", display_name="Room", type="O"
        )
        channel_member_add(channel=room, user=world.bob)
        root = world.say(world.alice, "bye", channel=room)
        channel_member_remove(channel=room, user=world.alice)
        world.say(world.bob, "see you", root)
        assert not has_membership(world.alice, root)

    def test_members_who_auto_follow_the_channel_threads(self, world: World) -> None:
        member = ChannelMember.objects.get(channel=world.square, user=world.carol)
        member.notify_props = {**member.notify_props, "channel_auto_follow_threads": "on"}
        member.save()
        root = world.say(world.alice, "plans")
        world.say(world.bob, "one", root)
        assert unread(world.carol, root) == (True, 1, 0)

    def test_in_a_direct_message_every_reply_mentions_the_other(self, world: World) -> None:
        direct = direct_channel_get_or_create(user=world.alice, other_user=world.bob).channel
        root = world.say(world.alice, "psst", channel=direct)
        world.say(world.bob, "what", root)
        world.say(world.bob, "tell me", root)
        assert unread(world.alice, root) == (True, 2, 2)

    def test_leaving_the_channel_forgets_its_threads(self, world: World) -> None:
        room = channel_create(
            team=world.team, creator=world.alice, name="room", display_name="Room", type="O"
        )
        channel_member_add(channel=room, user=world.bob)
        root = world.say(world.alice, "plans", channel=room)
        world.say(world.bob, "one", root)
        channel_member_remove(channel=room, user=world.bob)
        assert not has_membership(world.bob, root)
        assert has_membership(world.alice, root)


class TestCounters:
    def test_through_posts_reads_and_deletes(self, world: World) -> None:
        alice, bob, carol = world.alice, world.bob, world.carol
        root = world.say(alice, "release notes?")
        first = world.say(bob, "draft is up", root)
        mention = world.say(carol, "@alice review please", root)
        world.say(bob, "@alice and @carol: merged", root)
        assert unread(alice, root) == (True, 3, 2)
        assert unread(bob, root) == (True, 0, 0)
        assert unread(carol, root) == (True, 1, 1)
        assert totals(world, alice) == ThreadTotals(total=1, unread_threads=1, unread_mentions=2)
        thread = fresh(root)
        assert thread.reply_count == 3
        assert thread.participants == [bob.id, carol.id]

        # Alice reads up to Carol's mention: one reply and one mention remain.
        thread_mark_read(user=alice, root_id=root.id, team_id="", timestamp=mention.create_at)
        assert unread(alice, root) == (True, 1, 1)
        # And back to before the first reply: everything is unread again.
        thread_set_unread(user=alice, root_id=root.id, team_id="", post=first)
        assert unread(alice, root) == (True, 3, 2)

        # Carol's reply goes: its mention of Alice with it, and Carol leaves the
        # participants (she has no other reply); Bob's mention of Carol stays hers.
        post_delete(post=mention, deleter=carol)
        assert unread(alice, root) == (True, 2, 1)
        assert unread(carol, root) == (True, 1, 1)
        thread = fresh(root)
        assert (thread.reply_count, thread.participants) == (2, [bob.id])
        assert totals(world, alice) == ThreadTotals(total=1, unread_threads=1, unread_mentions=1)

        # The last reply goes for good: the thread answers to its first reply again.
        last = Post.objects.filter(root_id=root.id, delete_at=0).order_by("-create_at").first()
        assert last is not None
        post_delete_permanently(post=last, deleter=bob)
        thread = fresh(root)
        assert (thread.reply_count, thread.last_reply_at) == (1, first.create_at)
        assert thread.participants == [bob.id]
        assert unread(alice, root) == (True, 1, 0)
        # Carol had read past the first reply when she answered.
        assert unread(carol, root) == (True, 0, 0)

        # Reading the rest leaves nothing unread.
        thread_mark_read(user=alice, root_id=root.id, team_id="", timestamp=world.tick())
        assert totals(world, alice) == ThreadTotals(total=1, unread_threads=0, unread_mentions=0)

        # A deleted root takes its thread out of the lists and the totals.
        world.say(bob, "@alice one more", root)
        post_delete(post=root, deleter=alice)
        assert totals(world, alice) == ThreadTotals()
        assert totals(world, carol) == ThreadTotals()

    def test_deleting_every_reply_leaves_an_empty_thread(self, world: World) -> None:
        root = world.say(world.alice, "plans")
        reply = world.say(world.bob, "one", root)
        post_delete(post=reply, deleter=world.bob)
        thread = fresh(root)
        assert (thread.reply_count, thread.last_reply_at, thread.participants) == (0, 0, [])
        # Still a thread, with nothing unread.
        assert totals(world, world.alice) == ThreadTotals(total=1)

    def test_a_read_mention_is_not_taken_back_twice(self, world: World) -> None:
        root = world.say(world.alice, "plans")
        reply = world.say(world.bob, "@carol look", root)
        thread_mark_read(user=world.carol, root_id=root.id, team_id="", timestamp=world.tick())
        post_delete(post=reply, deleter=world.bob)
        assert unread(world.carol, root) == (True, 0, 0)

    def test_following_marks_read_and_unfollowing_leaves_the_totals(self, world: World) -> None:
        root = world.say(world.alice, "plans")
        world.say(world.bob, "@carol one", root)
        thread_set_following(user_id=world.carol.id, root=root, team_id="", following=False)
        assert totals(world, world.carol) == ThreadTotals()
        thread_set_following(user_id=world.carol.id, root=root, team_id="", following=True)
        assert unread(world.carol, root) == (True, 0, 0)
        assert totals(world, world.carol) == ThreadTotals(total=1)

    def test_marking_all_read_covers_the_team_and_direct_messages(self, world: World) -> None:
        direct = direct_channel_get_or_create(user=world.alice, other_user=world.bob).channel
        in_team = world.say(world.alice, "team plans")
        world.say(world.bob, "@alice one", in_team)
        in_direct = world.say(world.alice, "our plans", channel=direct)
        world.say(world.bob, "two", in_direct)
        assert totals(world, world.alice) == ThreadTotals(2, 2, 2)
        threads_mark_all_read(user_id=world.alice.id, team_id=world.team.id)
        assert totals(world, world.alice) == ThreadTotals(total=2)
        assert seen_by(world.alice, in_direct) is not None
