"""``manage.py sampledata``: fill a development database with a plausible workspace.

    manage.py sampledata [--users 20] [--teams 2] [--channels-per-team 5] [--posts 2000]
                         [--seed 1]

Users (all with the password printed at the end), teams, public and private channels,
direct messages, posts with threads, @mentions and #hashtags, and reactions. Teams,
channels and memberships go through the services, so they come with the same notices,
sidebar entries and counters as on the API; posts go in bulk through
``posts_bulk_import``. The same seed gives the same names and messages. Running it again
reuses the users, teams and channels it made before and adds more posts.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from apps.accounts.models import User
from apps.accounts.services import user_create
from apps.channels.models import (
    CHANNEL_DIRECT,
    CHANNEL_OPEN,
    CHANNEL_PRIVATE,
    TOWN_SQUARE,
    Channel,
    ChannelMember,
)
from apps.channels.services import (
    channel_create,
    channel_member_add_checked,
    direct_channel_get_or_create,
)
from apps.core.clock import now_ms
from apps.core.progress import ProgressBar
from apps.posts.models import Post, Reaction
from apps.posts.sample_text import sample_message
from apps.posts.services import posts_bulk_import
from apps.teams.models import Team, TeamMember
from apps.teams.services import team_create, team_member_add

PASSWORD = "Sample-passw0rd!"
EMAIL_DOMAIN = "sample.example.com"
FIRST_NAMES = [
    "ada",
    "amelia",
    "arjun",
    "bea",
    "carlos",
    "chen",
    "dmitri",
    "elena",
    "farah",
    "felix",
    "grace",
    "hiro",
    "ines",
    "jonas",
    "kofi",
    "lena",
    "liam",
    "maya",
    "mei",
    "nadia",
    "omar",
    "priya",
    "quinn",
    "rosa",
    "sami",
    "tara",
    "uma",
    "victor",
    "wen",
    "yusuf",
    "zoe",
]
LAST_NAMES = [
    "adams",
    "baker",
    "costa",
    "diaz",
    "evans",
    "fischer",
    "garcia",
    "hughes",
    "ito",
    "jensen",
    "khan",
    "lopez",
    "moreau",
    "novak",
    "okafor",
    "patel",
    "quist",
    "rossi",
    "singh",
    "tanaka",
]
TEAM_NAMES = ("engineering", "marketing", "support", "design", "sales", "operations")
CHANNEL_NAMES = (
    "announcements",
    "dev",
    "random",
    "incidents",
    "release-planning",
    "design-review",
    "customer-feedback",
    "watercooler",
    "oncall",
    "hiring",
)
EMOJIS = ("+1", "smile", "tada", "heart", "eyes", "rocket", "white_check_mark", "thinking")
HISTORY_MS = 30 * 24 * 3600 * 1000  # the posts spread over the last 30 days
REPLY_SHARE = 0.25
MENTION_SHARE = 0.1
REACTION_SHARE = 0.15
DIRECT_PAIRS = 10
BATCH = 1000


def _numbered(names: tuple[str, ...] | list[str], index: int) -> str:
    """``names[index]``, with a number once the list runs out (``dev``, ``dev-2`` ...)."""
    base = names[index % len(names)]
    lap = index // len(names)
    return base if lap == 0 else f"{base}-{lap + 1}"


def username_for(index: int) -> str:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    lap = index // (len(FIRST_NAMES) * len(LAST_NAMES))
    return f"{first}.{last}" if lap == 0 else f"{first}.{last}{lap + 1}"


@dataclass
class _Room:
    """A channel posts can go to, with who may write there and its recent thread roots."""

    channel: Channel
    member_ids: list[str]
    weight: int
    roots: list[str]


class Command(BaseCommand):
    help = "Create sample users, teams, channels, direct messages, posts and reactions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=20, help="users (default 20)")
        parser.add_argument("--teams", type=int, default=2, help="teams (default 2)")
        parser.add_argument(
            "--channels-per-team",
            type=int,
            default=5,
            help="channels besides town-square and off-topic (default 5)",
        )
        parser.add_argument("--posts", type=int, default=2000, help="posts (default 2000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(options["seed"])
        users = self._users(max(options["users"], 2))
        teams = [self._team(index, users, rng) for index in range(options["teams"])]
        rooms: list[_Room] = []
        for team in teams:
            rooms.extend(self._channels(team, options["channels_per_team"], rng))
        rooms.extend(self._directs(users, rng))
        posts = self._posts(rooms, options["posts"], rng)
        reactions = self._reactions(posts, rooms, rng)
        self.stdout.write(
            f"{len(users)} users (password {PASSWORD!r}), {len(teams)} teams, "
            f"{len(rooms)} channels, {len(posts)} new posts, {reactions} reactions."
        )

    # People and places

    def _users(self, count: int) -> list[User]:
        names = [username_for(index) for index in range(count)]
        existing = {user.username: user for user in User.objects.filter(username__in=names)}
        created: list[str] = []
        bar = ProgressBar(self.stderr, count, "users")
        for name in names:
            if name not in existing:
                first, last = name.rstrip("0123456789").split(".")
                existing[name] = user_create(
                    username=name,
                    email=f"{name}@{EMAIL_DOMAIN}",
                    password=None,
                    roles="system_user",
                    first_name=first.title(),
                    last_name=last.title(),
                )
                created.append(existing[name].id)
            bar.advance()
        bar.finish()
        # One hash for all: hashing each password (on purpose slow) would take minutes.
        User.objects.filter(pk__in=created).update(
            password=make_password(PASSWORD), last_password_update=now_ms()
        )
        return [existing[name] for name in names]

    def _team(self, index: int, users: list[User], rng: random.Random) -> Team:
        name = _numbered(TEAM_NAMES, index)
        team = Team.objects.filter(name=name).first()
        creator = users[index % len(users)]
        if team is None:
            team = team_create(
                creator=creator,
                name=name,
                display_name=name.replace("-", " ").title(),
                type="O",
                allow_open_invite=True,
            )
        # The first team has everyone, the others about two thirds of the users.
        members = users if index == 0 else rng.sample(users, max(2, len(users) * 2 // 3))
        for user in members:
            team_member_add(team=team, user=user)
        return team

    def _channels(self, team: Team, count: int, rng: random.Random) -> list[_Room]:
        team_user_ids = list(
            TeamMember.objects.filter(team=team, delete_at=0)
            .order_by("user__username")
            .values_list("user_id", flat=True)
        )
        users = User.objects.in_bulk(team_user_ids)
        bar = ProgressBar(self.stderr, count, f"channels in {team.name}")
        for index in range(count):
            name = _numbered(CHANNEL_NAMES, index)
            channel = Channel.objects.filter(team=team, name=name).first()
            creator = users[rng.choice(team_user_ids)]
            if channel is None:
                channel = channel_create(
                    team=team,
                    creator=creator,
                    name=name,
                    display_name=name.replace("-", " ").title(),
                    type=CHANNEL_PRIVATE if index % 4 == 3 else CHANNEL_OPEN,
                    purpose=f"All about {name.replace('-', ' ')}.",
                )
            share = rng.uniform(0.4, 0.9)
            for user_id in rng.sample(team_user_ids, max(1, int(len(team_user_ids) * share))):
                channel_member_add_checked(channel=channel, user_id=user_id, actor=creator)
            bar.advance()
        bar.finish()
        channels = Channel.objects.filter(team=team, delete_at=0).order_by("name")
        return [
            _Room(channel, [], 4 if channel.name == TOWN_SQUARE else 2, []) for channel in channels
        ]

    def _directs(self, users: list[User], rng: random.Random) -> list[_Room]:
        rooms = []
        for _ in range(min(DIRECT_PAIRS, len(users) // 2)):
            one, other = rng.sample(users, 2)
            channel = direct_channel_get_or_create(user=one, other_user=other).channel
            rooms.append(_Room(channel, [], 1, []))
        return rooms

    # Talk

    def _posts(self, rooms: list[_Room], count: int, rng: random.Random) -> list[Post]:
        members: dict[str, list[str]] = defaultdict(list)
        for channel_id, user_id in ChannelMember.objects.filter(
            channel__in=[room.channel for room in rooms]
        ).values_list("channel_id", "user_id"):
            members[channel_id].append(user_id)
        usernames = dict(User.objects.values_list("id", "username"))
        for room in rooms:
            # In username order, so that the same seed picks the same people.
            room.member_ids = sorted(members[room.channel.id], key=usernames.__getitem__)
        rooms = [room for room in rooms if room.member_ids]
        if not rooms or count <= 0:
            return []
        weights = [room.weight for room in rooms]
        at = now_ms() - HISTORY_MS
        step = HISTORY_MS // count
        posts: list[Post] = []
        batch: list[Post] = []
        bar = ProgressBar(self.stderr, count, "posts")
        for _ in range(count):
            room = rng.choices(rooms, weights)[0]
            author = rng.choice(room.member_ids)
            others = [user_id for user_id in room.member_ids if user_id != author]
            mention = (
                usernames[rng.choice(others)]
                if others and room.channel.type != CHANNEL_DIRECT and rng.random() < MENTION_SHARE
                else ""
            )
            at += rng.randint(1, 2 * step + 1)
            root_id = rng.choice(room.roots) if room.roots and rng.random() < REPLY_SHARE else ""
            post = Post(
                channel_id=room.channel.id,
                user_id=author,
                message=sample_message(rng, mention=mention),
                root_id=root_id,
                create_at=at,
                update_at=at,
            )
            if not root_id:
                room.roots = [*room.roots[-19:], post.id]  # replies go to recent threads
            batch.append(post)
            if len(batch) == BATCH:
                posts_bulk_import(posts=batch)
                posts.extend(batch)
                bar.advance(len(batch))
                batch = []
        posts_bulk_import(posts=batch)
        posts.extend(batch)
        bar.finish()
        return posts

    def _reactions(self, posts: list[Post], rooms: list[_Room], rng: random.Random) -> int:
        members = {room.channel.id: room.member_ids for room in rooms}
        reactions: list[Reaction] = []
        for post in posts:
            if rng.random() >= REACTION_SHARE:
                continue
            people = members[post.channel_id]
            for user_id in rng.sample(people, min(len(people), rng.randint(1, 3))):
                reactions.append(
                    Reaction(
                        post_id=post.id,
                        user_id=user_id,
                        emoji_name=rng.choice(EMOJIS),
                        channel_id=post.channel_id,
                        create_at=post.create_at + 60_000,
                        update_at=post.create_at + 60_000,
                    )
                )
        # No reaction service exists yet, so the rows are written here, with the flag
        # Mattermost keeps on each post that has reactions.
        with transaction.atomic():
            Reaction.objects.bulk_create(reactions, batch_size=BATCH, ignore_conflicts=True)
            reacted = sorted({reaction.post_id for reaction in reactions})
            for start in range(0, len(reacted), BATCH):
                Post.objects.filter(pk__in=reacted[start : start + BATCH]).update(
                    has_reactions=True
                )
        return len(reactions)
