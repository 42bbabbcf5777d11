"""Fixtures of the integrations tests: team "alpha" of alice (the `user` fixture, its
creator and so its admin) and bob (`other_user`, a plain member), its town square, a
private channel of alice's, and a hook of alice's posting into the town square."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from apps.accounts.models import Session, User
from apps.channels.models import Channel
from apps.channels.services import channel_create
from apps.integrations.models import IncomingWebhook
from apps.integrations.services import incoming_webhook_create
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add
from tests.channels.v3_setup import v3  # noqa: F401  (the API v3 world)
from tests.helpers import forget_join_notices
from tests.integrations.callback_server import CallbackServer, start_callback_server


@pytest.fixture
def alpha(user: User, other_user: User) -> Team:
    team = team_create(creator=user, display_name="Alpha", name="alpha", type="O")
    team_member_add(team=team, user=other_user)
    forget_join_notices(team)
    return team


@pytest.fixture
def town_square(alpha: Team) -> Channel:
    return Channel.objects.get(team=alpha, name="town-square")


@pytest.fixture
def private_room(alpha: Team, user: User) -> Channel:
    return channel_create(team=alpha, creator=user, name="private", display_name="P", type="P")


@pytest.fixture
def bob_token(other_user: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(other_user)[1]


@pytest.fixture
def hook(user: User, town_square: Channel) -> IncomingWebhook:
    return incoming_webhook_create(creator=user, channel=town_square, display_name="CI")


@pytest.fixture
def callback_server() -> Iterator[CallbackServer]:
    """A local integration URL (see tests/integrations/callback_server.py)."""
    server = start_callback_server()
    yield server
    server.release.set()
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def allow_loopback(mm_config: Callable[..., None]) -> None:
    """Let integration URLs reach 127.0.0.1, where the test callback servers listen."""
    mm_config(allowed_untrusted_internal_connections="127.0.0.1")


@pytest.fixture(autouse=True)
def _integration_calls_drained() -> Iterator[None]:
    """Each test starts and ends with no integration call waiting or running, so calls a
    test dispatched never count against the next one's (the pool is shared)."""
    from apps.integrations import outbound

    assert outbound.wait_idle(30)
    yield
    assert outbound.wait_idle(30)
