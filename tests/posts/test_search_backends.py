"""Post search against a fixed corpus: one table of queries and the posts each must find,
run on whichever database the suite uses (SQLite with FTS5, PostgreSQL), so both give
the same answers, and on SQLite's GLOB fallback for the queries that need no stemming."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from apps.accounts.models import User
from apps.accounts.services import user_create
from apps.channels.models import Channel
from apps.channels.services import (
    channel_archive,
    channel_create,
    channel_member_add,
    direct_channel_get_or_create,
)
from apps.core.clock import now_ms
from apps.core.pagination import Page
from apps.posts.models import Post
from apps.posts.search import backends, indexes, selectors
from apps.posts.search.query import plan_search
from apps.posts.services import post_create
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> int:
    """A time on March ``day``, 2024, UTC, in ms."""
    return int(datetime(2024, 3, day, hour, minute, tzinfo=UTC).timestamp() * 1000)


@dataclass
class Corpus:
    alice: User
    alpha: Team
    posts: dict[str, Post] = field(default_factory=dict)

    def key_of(self, post_id: str) -> str:
        return next(key for key, post in self.posts.items() if post.id == post_id)


@pytest.fixture
def corpus(user: User, other_user: User) -> Corpus:
    """Alice searches. She belongs to teams alpha (with bob and carol) and beta (alone),
    to alpha's ops, dev, secret (private) and an archived channel, and has a direct
    message with bob. Bob's private "hidden" channel, deleted posts and system posts
    must never turn up."""
    alice, bob = user, other_user
    carol = user_create(
        username="carol", email="carol@example.com", password="passw0rd!", roles="system_user"
    )
    alpha = team_create(creator=alice, display_name="Alpha", name="alpha", type="O")
    beta = team_create(creator=alice, display_name="Beta", name="beta", type="O")
    for member in (bob, carol):
        team_member_add(team=alpha, user=member)

    def channel(name: str, kind: str = "O", creator: User = alice) -> Channel:
        made = channel_create(team=alpha, creator=creator, name=name, display_name=name, type=kind)
        for member in (alice, bob, carol):
            if member != creator and not (name == "hidden" and member == alice):
                channel_member_add(channel=made, user=member)
        return made

    ops, dev, secret, archive = (
        channel("ops"),
        channel("dev"),
        channel("secret", "P"),
        channel("archive"),
    )
    hidden = channel("hidden", "P", creator=bob)
    direct = direct_channel_get_or_create(user=alice, other_user=bob).channel
    beta_square = Channel.objects.get(team=beta, name="town-square")
    corpus = Corpus(alice=alice, alpha=alpha)

    def add(
        key: str, where: Channel, author: User, when: int, message: str, **extra: object
    ) -> None:
        corpus.posts[key] = post_create(
            author=author,
            channel=where,
            message=message,
            create_at=when,
            **extra,  # type: ignore[arg-type]
        )

    add("p1", ops, alice, at(1, 10), "Deploying the new release to the staging servers")
    add("p2", ops, bob, at(2, 10), "The deploy failed on two servers, rolling back")
    add("p3", dev, alice, at(2, 12), "Code review for the database migration is done")
    add("p4", dev, bob, at(3, 10), "Release notes are ready #release #docs")
    add("p5", dev, carol, at(3, 12), "Running the tests again after the cache fix #incident")
    add("p6", ops, alice, at(3, 23, 30), "Meeting moved to the afternoon")
    add(
        "p7",
        ops,
        bob,
        at(4, 10),
        "Customers reported failing invoices",
        root_id=corpus.posts["p2"].id,
    )
    add("p8", secret, alice, at(5, 10), "Secret roadmap for the release")
    add("p9", direct, bob, at(5, 12), "Can you review my merge request?")
    add("p10", archive, alice, at(1, 12), "Archived channel release checklist")
    add("p11", beta_square, alice, at(6, 10), "Other team release party")
    add("p12", hidden, bob, at(6, 12), "Hidden release plans")
    add("p13", ops, alice, at(6, 13), "Deleted release note")
    add(
        "p14",
        ops,
        carol,
        at(6, 14),
        "carol joined the release channel",
        type="system_join_channel",
        system=True,
    )
    add("p15", ops, carol, at(6, 15), "Tagged afterwards")
    add("p16", ops, carol, at(6, 16), "Talking about #release in text")
    channel_archive(channel=archive)
    Post.objects.filter(pk=corpus.posts["p13"].id).update(delete_at=now_ms())
    # The hashtags field, not the text, is what a #hashtag search looks at.
    Post.objects.filter(pk=corpus.posts["p15"].id).update(hashtags="#Release")
    Post.objects.filter(pk=corpus.posts["p16"].id).update(hashtags="")
    return corpus


@dataclass(frozen=True)
class Case:
    terms: str
    expected: set[str]
    match_any: bool = False
    all_teams: bool = False
    include_deleted: bool = False
    offset: int = 0  # time zone, seconds east of UTC
    stems: bool = False  # needs stemming: not for the GLOB fallback


RELEASE = {"p1", "p4", "p8", "p16"}
CASES = [
    # words, stemming, case
    Case("release", RELEASE),
    Case("release", RELEASE | {"p11"}, all_teams=True),
    Case("release", RELEASE | {"p10"}, include_deleted=True),
    Case("releases", RELEASE, stems=True),
    Case("deploy", {"p1", "p2"}, stems=True),
    Case("DEPLOYING", {"p1", "p2"}, stems=True),
    Case("failing", {"p2", "p7"}, stems=True),
    Case("note", {"p4"}, stems=True),
    Case("back,", {"p2"}),
    # prefixes and phrases
    Case("serv*", {"p1", "p2"}),
    Case("rel*", RELEASE),
    Case('"new release"', {"p1"}),
    Case('"release new"', set()),
    Case('"the new release"', {"p1"}),
    # and, or, not
    Case("release staging", {"p1"}),
    Case("staging release", {"p1"}),
    Case("meeting invoices", set()),
    Case("meeting invoices", {"p6", "p7"}, match_any=True),
    Case("release -staging", {"p4", "p8", "p16"}),
    Case('release -"new release"', {"p4", "p8", "p16"}),
    Case("in:ops -release", {"p2", "p6", "p7", "p15"}),
    Case("meeting invoices -customers", {"p6"}, match_any=True),
    Case("docs #incident -cache", {"p4"}, match_any=True),
    # stop words
    Case("the", set()),
    Case("the deploying", {"p1", "p2"}, stems=True),
    Case("the -staging in:ops", {"p2", "p6", "p7", "p15", "p16"}),  # as "-staging in:ops"
    Case("release -the", RELEASE),
    # who and where
    Case("from:bob release", {"p4"}),
    Case("-from:alice release", {"p4", "p16"}),
    Case("from:bob from:carol", {"p2", "p4", "p5", "p7", "p9", "p15", "p16"}),
    Case("from:nobody release", set()),
    Case("-from:nobody release", RELEASE),
    Case("in:dev review", {"p3"}),
    Case("in:@bob review", {"p9"}),
    Case("-in:dev release", {"p1", "p8", "p16"}),
    Case("in:nowhere release", set()),
    # when
    Case("on:2024-03-02", {"p2", "p3"}),
    Case("on:2024-3-2", {"p2", "p3"}),
    Case("after:2024-03-04", {"p8", "p9", "p15", "p16"}),
    Case("before:2024-03-02", {"p1"}),
    Case("on:2024-03-04", {"p7"}),
    Case("on:2024-03-04", {"p6", "p7"}, offset=3600),
    Case("on:2024-02-30", set()),
    Case("-on:2024-03-02 in:ops", {"p1", "p6", "p7", "p15", "p16"}),
    # hashtags: the post's hashtags field, whole tags, any case
    Case("#release", {"p4", "p15"}),
    Case("#RELEASE", {"p4", "p15"}),
    Case("#release #docs", {"p4"}),
    Case("#docs #incident", {"p4", "p5"}, match_any=True),
    Case("release #docs", {"p4"}),
    Case("release -#docs", {"p1", "p8", "p16"}),
    Case("-#release in:dev", {"p3", "p5"}),
    # never: system posts, channels alice cannot read, deleted posts, archived channels
    Case("joined", set()),
    Case("plans", set()),
    Case("deleted", set()),
    Case("checklist", set()),
    Case("checklist", {"p10"}, include_deleted=True),
]


def run(corpus: Corpus, case: Case) -> set[str]:
    plan = plan_search(case.terms, match_any=case.match_any, time_zone_offset=case.offset)
    found = selectors.posts_search(
        user=corpus.alice,
        plan=plan,
        team_id=None if case.all_teams else corpus.alpha.id,
        include_deleted_channels=case.include_deleted,
        page=Page(page=0, per_page=200),
    )
    return {corpus.key_of(post.id) for post in found}


def mismatches(corpus: Corpus, cases: list[Case]) -> list[str]:
    wrong = []
    for case in cases:
        found = run(corpus, case)
        if found != case.expected:
            wrong.append(f"{case}: found {sorted(found)}")
    return wrong


def test_the_database_backend_finds_the_expected_posts(corpus: Corpus) -> None:
    backend = backends.text_backend()
    expected = {"postgresql": backends.PostgresTextSearch, "sqlite": backends.Fts5TextSearch}
    assert isinstance(backend, expected[connection.vendor])
    assert mismatches(corpus, CASES) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the fallback is SQLite's")
def test_the_glob_fallback_agrees_where_no_stemming_is_needed(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "text_backend", backends.GlobTextSearch)
    assert mismatches(corpus, [case for case in CASES if not case.stems]) == []


def test_newest_first_with_replies_carrying_their_thread_count(corpus: Corpus) -> None:
    plan = plan_search("from:bob")
    found = selectors.posts_search(
        user=corpus.alice, plan=plan, team_id=None, include_deleted_channels=False, page=Page()
    )
    assert [corpus.key_of(post.id) for post in found] == ["p9", "p7", "p4", "p2"]
    reply = next(post for post in found if post.id == corpus.posts["p7"].id)
    assert reply.reply_count == 1


def test_pages(corpus: Corpus) -> None:
    plan = plan_search("from:bob")

    def page(number: int, size: int) -> list[str]:
        found = selectors.posts_search(
            user=corpus.alice,
            plan=plan,
            team_id=None,
            include_deleted_channels=False,
            page=Page(page=number, per_page=size),
        )
        return [corpus.key_of(post.id) for post in found]

    assert page(0, 3) == ["p9", "p7", "p4"]
    assert page(1, 3) == ["p2"]
    assert page(2, 3) == []


def test_words_in_edited_messages_and_posts_made_later_are_found(corpus: Corpus) -> None:
    post = corpus.posts["p6"]
    Post.objects.filter(pk=post.id).update(message="Standup moved to the morning")
    assert run(corpus, Case("standup", set())) == {"p6"}
    assert run(corpus, Case("afternoon", set())) == set()
    corpus.posts["p17"] = post_create(
        author=corpus.alice, channel=post.channel, message="A brand new standup"
    )
    assert run(corpus, Case("standup", set())) == {"p6", "p17"}
    Post.objects.filter(pk=post.id).delete()
    assert run(corpus, Case("standup", set())) == {"p17"}


class TestIndexes:
    def test_the_index_exists(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                    [indexes.POSTGRES_INDEX],
                )
                (definition,) = cursor.fetchone()
                assert "to_tsvector('english'::regconfig, message)" in definition
            else:
                assert indexes.sqlite_fts_ready(connection)

    def test_creating_it_indexes_the_posts_already_stored(self, corpus: Corpus) -> None:
        indexes.drop(connection)
        corpus.posts["p17"] = post_create(
            author=corpus.alice, channel=corpus.posts["p1"].channel, message="Backfilled words"
        )
        if connection.vendor == "postgresql":
            # Foreign keys checked at commit would block CREATE INDEX in this transaction.
            connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
        indexes.create(connection)
        assert run(corpus, Case("backfilled", set())) == {"p17"}
        assert run(corpus, Case("release", set())) == RELEASE

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
    def test_triggers_a_rebuilt_posts_table_lost_come_back(self, corpus: Corpus) -> None:
        assert indexes.repair_sqlite(connection) is False  # nothing to do
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER posts_fts_insert")
        corpus.posts["p17"] = post_create(
            author=corpus.alice, channel=corpus.posts["p1"].channel, message="Unindexed words"
        )
        assert run(corpus, Case("unindexed", set())) == set()
        assert indexes.repair_sqlite(connection) is True
        assert run(corpus, Case("unindexed", set())) == {"p17"}
        corpus.posts["p18"] = post_create(
            author=corpus.alice, channel=corpus.posts["p1"].channel, message="Unindexed again"
        )
        assert run(corpus, Case("unindexed", set())) == {"p17", "p18"}

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
    def test_migrate_checks_the_triggers(self, corpus: Corpus) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER posts_fts_update")
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
        Post.objects.filter(pk=corpus.posts["p6"].id).update(message="Rescheduled")
        assert run(corpus, Case("rescheduled", set())) == {"p6"}

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
    def test_without_fts5_search_falls_back_to_glob(
        self, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        indexes.drop(connection)
        monkeypatch.setattr(indexes, "fts5_available", lambda connection: False)
        indexes.create(connection)
        assert not indexes.sqlite_fts_ready(connection)
        assert isinstance(backends.text_backend(), backends.GlobTextSearch)
        assert run(corpus, Case("release", set())) == RELEASE
