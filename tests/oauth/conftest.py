"""Fixtures of the OAuth provider tests: the provider switched on, apps, and users who
may manage them."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from typing import Any

import django_ratelimit.core
import pytest

from apps.accounts.models import Session, User
from apps.core.roles import ROLE_PERMISSIONS, SYSTEM_USER
from apps.oauth.models import OAuthApp
from apps.oauth.services import oauth_app_create
from apps.oauth.validators import AppFields
from tests.channels.v3_setup import v3  # noqa: F401  (the API v3 world)
from tests.core.test_throttling import FrozenClock

CALLBACK = "https://app.example.com/callback"


@pytest.fixture(autouse=True)
def oauth_on(mm_config: Callable[..., None]) -> None:
    mm_config(enable_oauth_service_provider=True)


@pytest.fixture
def frozen_rate_limit_clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """Keeps a rate-limit test inside one of django-ratelimit's fixed windows."""
    frozen = FrozenClock(1_800_000_000.0)
    monkeypatch.setattr(django_ratelimit.core, "time", frozen)
    return frozen


@pytest.fixture
def admin_token(admin: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(admin)[1]


@pytest.fixture
def other_token(other_user: User, login: Callable[..., tuple[Session, str]]) -> str:
    return login(other_user)[1]


@pytest.fixture
def users_manage_oauth(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain users get ``manage_oauth`` (a permission scheme can give it them), but not
    ``manage_system_wide_oauth``: each manages only the apps they created."""
    monkeypatch.setitem(
        ROLE_PERMISSIONS, SYSTEM_USER, ROLE_PERMISSIONS[SYSTEM_USER] | {"manage_oauth"}
    )


def app_fields(**changes: Any) -> AppFields:
    values: dict[str, Any] = {
        "name": "Zapper",
        "description": "Moves messages around",
        "icon_url": "https://app.example.com/icon.png",
        "callback_urls": [CALLBACK],
        "homepage": "https://app.example.com",
        "is_trusted": False,
        "mattermost_app_id": "",
    }
    return AppFields(**{**values, **changes})


@pytest.fixture
def make_app(admin: User) -> Callable[..., OAuthApp]:
    def make(creator: User | None = None, **changes: Any) -> OAuthApp:
        return oauth_app_create(creator=creator or admin, fields=app_fields(**changes))

    return make


@pytest.fixture
def oauth_app(make_app: Callable[..., OAuthApp]) -> OAuthApp:
    return make_app()


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
