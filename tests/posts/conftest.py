"""Fixtures of the posts tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import LazySettings

from apps.accounts.models import Session, User
from apps.accounts.services import user_create
from apps.channels.models import Channel
from apps.channels.services import channel_create
from apps.teams.models import Team
from apps.teams.services import team_create, team_member_add
from tests.channels.v3_setup import v3  # noqa: F401  (the API v3 world)
from tests.helpers import forget_join_notices


@pytest.fixture(autouse=True)
def file_store(settings: LazySettings, tmp_path: Path) -> Path:
    """Uploaded files go to a directory of this test's own (Django's default storage)."""
    root = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


# A team "alpha" of alice (the `user` fixture) and bob (`other_user`), its town square,
# a private channel of alice's, and eve, who belongs to neither.


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
def eve(db: None) -> User:
    return user_create(
        username="eve", email="eve@example.com", password="passw0rd!", roles="system_user"
    )


@pytest.fixture
def bob_token(other_user: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(other_user)[1]


@pytest.fixture
def eve_token(eve: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(eve)[1]
