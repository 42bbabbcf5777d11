from __future__ import annotations

import collections
from io import StringIO

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.channels.models import CHANNEL_DIRECT, CHANNEL_PRIVATE, Channel
from apps.posts.models import JOIN_LEAVE_TYPES, Post, Reaction
from apps.teams.models import Team
from tests.helpers import command_line

pytestmark = pytest.mark.django_db

OPTIONS = ("--users", "6", "--teams", "2", "--channels-per-team", "4", "--posts", "120")


def run(*extra: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("sampledata", *OPTIONS, *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def assert_counters_consistent() -> None:
    for channel in Channel.objects.all():
        # Notices of people joining and leaving are not counted.
        counted = Post.objects.filter(channel=channel).exclude(type__in=JOIN_LEAVE_TYPES)
        assert channel.total_msg_count == counted.count(), channel.name
        assert channel.total_msg_count_root == counted.filter(root_id="").count(), channel.name
    replies = collections.Counter(
        Post.objects.exclude(root_id="").values_list("root_id", flat=True)
    )
    for root in Post.objects.filter(root_id=""):
        assert root.reply_count == replies[root.id], root.id
    flagged = set(Post.objects.filter(has_reactions=True).values_list("id", flat=True))
    assert flagged == set(Reaction.objects.values_list("post_id", flat=True))


def test_creates_a_workspace_with_consistent_counters() -> None:
    out, err = run("--seed", "7")
    assert User.objects.count() == 6
    assert User.objects.get(username="ada.adams").check_password("Sample-passw0rd!")
    assert Team.objects.count() == 2
    assert Channel.objects.filter(team__isnull=False).count() == 2 * (2 + 4)
    assert Channel.objects.filter(type=CHANNEL_PRIVATE).exists()
    assert Channel.objects.filter(type=CHANNEL_DIRECT).exists()
    assert Post.objects.filter(type="").count() == 120
    assert Post.objects.filter(type="").exclude(root_id="").exists()  # some threads
    assert Post.objects.filter(message__contains="@").exists()  # some mentions
    assert Reaction.objects.exists()
    assert_counters_consistent()
    assert "100%" in err  # the progress bar
    assert "6 users" in out


def test_the_same_seed_writes_the_same_messages() -> None:
    run("--seed", "3")
    first = list(
        Post.objects.filter(type="").order_by("create_at").values_list("message", flat=True)
    )
    Post.objects.all().delete()
    run("--seed", "3")
    again = list(
        Post.objects.filter(type="").order_by("create_at").values_list("message", flat=True)
    )
    assert first == again


def test_runs_twice() -> None:
    run()
    run()
    assert User.objects.count() == 6
    assert Team.objects.count() == 2
    assert Post.objects.filter(type="").count() == 240
    assert_counters_consistent()


def test_bad_input_exits_with_a_usage_error() -> None:
    status, _, err = command_line("sampledata", "--posts", "many")
    assert status == 2
    assert "invalid int value: 'many'" in err
    assert not User.objects.exists()
