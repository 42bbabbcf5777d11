"""Forms of the admin site that act on accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminPasswordChangeForm
from django.core.exceptions import ValidationError

from apps.accounts import validators
from apps.accounts.models import User
from apps.accounts.services import user_set_password
from apps.core.errors import AppError


class PasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "change password" page for the signed-in operator, with the chat's
    password rules; saving goes through ``user_set_password``, which also ends the
    operator's chat sessions (their admin session stays signed in)."""

    user: User

    def clean_new_password2(self) -> str:
        password: str = self.cleaned_data["new_password2"]
        try:
            validators.validate_password(password)
        except AppError as error:
            raise ValidationError(error.message) from None
        return password

    def save(self, commit: bool = True) -> Any:
        user_set_password(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user
