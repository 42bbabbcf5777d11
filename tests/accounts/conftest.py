from __future__ import annotations

from collections.abc import Callable

import pytest

from apps.accounts.models import Session, User
from apps.accounts.services import user_create


@pytest.fixture
def bob(db: None) -> User:
    return user_create(username="bob", email="bob@example.com", password="passw0rd!")


@pytest.fixture
def admin_token(login: Callable[..., tuple[Session, str]]) -> str:
    admin = user_create(
        username="root",
        email="root@example.com",
        password="passw0rd!",
        roles="system_admin system_user",
    )
    return login(admin)[1]
