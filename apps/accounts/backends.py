"""How the Django admin signs people in: with their chat credentials, through the same
checks as an API login (username or email as the settings allow, deactivated accounts
refused, failed attempts counted towards the lockout). Whether the signed-in user may then
use the admin is ``User.is_staff``, which follows the ``system_admin`` role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from apps.accounts.models import User
from apps.accounts.services import credentials_check
from apps.core.errors import AppError


class ChatCredentialsBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        try:
            return credentials_check(login_id=username, user_id="", password=password)
        except AppError:
            return None
