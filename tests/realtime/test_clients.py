"""Real clients against the live server: mattermostdriver's WebSocket loop and an
mmpy-bot bot (whose parsing of ``posted`` is strict: JSON strings, ``channel_type``,
``sender_name`` ...)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from mattermostdriver import Driver

from apps.accounts.models import User
from apps.accounts.services import access_token_create, bot_create
from apps.channels.services import direct_channel_get_or_create
from apps.posts.models import Post
from apps.posts.services import post_create
from apps.teams.services import team_member_add
from tests.realtime.conftest import WAIT, LiveServer, World, wait_until

BOT_SCRIPT = Path(__file__).resolve().parent / "echo_bot.py"


def is_connected(live_asgi: LiveServer, user: User) -> bool:
    hub = live_asgi.application.hub
    return hub is not None and any(
        c.identity.user_id == user.id and c.outlet is not None
        for c in list(hub.connections.values())
    )


def test_mattermostdriver_receives_posted(live_asgi: LiveServer, world: World) -> None:
    address = urlsplit(live_asgi.url)
    driver = Driver(
        {
            "url": address.hostname,
            "port": address.port,
            "scheme": "http",
            "login_id": "bob",
            "password": "passw0rd!",
            "timeout": 1,  # also how often its WebSocket loop wakes up
        }
    )
    driver.login()
    events: list[dict[str, Any]] = []
    posted = threading.Event()

    async def handle(message: str) -> None:
        event = json.loads(message)
        events.append(event)
        if event.get("event") == "posted":
            posted.set()
            driver.websocket.disconnect()

    def listen() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            driver.init_websocket(handle)
        finally:  # the driver leaves its connection's tasks behind
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    wait_until(lambda: is_connected(live_asgi, world.bob))
    post = post_create(author=world.alice, channel=world.town_square, message="to the driver")
    assert posted.wait(WAIT * 2)
    listener.join(WAIT)
    assert events[0]["event"] == "hello"
    assert events[0]["seq"] == 0
    event = next(e for e in events if e.get("event") == "posted")
    assert json.loads(event["data"]["post"])["id"] == post.id
    driver.logout()


@pytest.fixture
def bot(
    live_asgi: LiveServer,
    world: World,
    mm_config: Callable[..., None],
    tmp_path: Path,
) -> Any:
    """A bot account in the team, run by mmpy-bot in its own process on a personal access
    token, as bots are run."""
    mm_config(enable_user_access_tokens=True)
    account = bot_create(owner_id=world.bob.id, username="pingbot", display_name="Ping")
    team_member_add(team=world.team, user=account)
    _, token = access_token_create(user=account, description="mmpy-bot")
    address = urlsplit(live_asgi.url)
    log = (tmp_path / "bot.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            str(BOT_SCRIPT),
            f"http://{address.hostname}",
            str(address.port),
            token,
            world.team.name,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: is_connected(live_asgi, account) or process.poll() is not None)
        if process.poll() is not None:
            raise AssertionError((tmp_path / "bot.log").read_text())
        yield account
    finally:
        process.terminate()
        try:
            process.wait(WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def reply_to(post: Post, author: User) -> Post:
    return wait_until(
        lambda: (
            Post.objects.filter(
                channel_id=post.channel_id, user=author, create_at__gte=post.create_at
            )
            .exclude(pk=post.pk)
            .first()
        )
    )


def test_mmpy_bot_answers_in_a_channel_thread(bot: User, world: World) -> None:
    question = post_create(author=world.bob, channel=world.town_square, message="ping")
    answer = reply_to(question, bot)
    assert answer.message == "pong town-square"
    assert answer.root_id == question.id


def test_mmpy_bot_answers_a_direct_message(bot: User, world: World) -> None:
    direct = direct_channel_get_or_create(user=world.bob, other_user=bot).channel
    question = post_create(author=world.bob, channel=direct, message="ping")
    answer = reply_to(question, bot)
    assert answer.message == f"pong {direct.name}"
