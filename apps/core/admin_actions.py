"""What the admin actions of every app share: each selected row goes through a service,
one by one, and the operator learns what changed and what was refused (and why)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from apps.core.errors import AppError


def run_for_each(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    rows: Iterable[Any],
    action: Callable[[Any], object],
    done: str,
    name: Callable[[Any], str] = str,
) -> None:
    """Apply a service to each selected row; report how many it changed and, naming each
    row with ``name``, what it refused."""
    changed = 0
    for row in rows:
        try:
            action(row)
        except AppError as error:
            model_admin.message_user(request, f"{name(row)}: {error.message}", messages.ERROR)
        else:
            changed += 1
    if changed:
        model_admin.message_user(request, f"{done}: {changed}.", messages.SUCCESS)


def member_username(member: Any) -> str:
    """How a team or channel membership is named in the messages about it."""
    return str(member.user.username)


def members_link(changelist: str, filters: dict[str, str], count: int) -> SafeString:
    """``count`` and a link to the membership list, filtered to one team or channel, where
    members are removed and their roles changed (a page of rows, not a form per member)."""
    url = f"{reverse(changelist)}?{urlencode(filters)}"
    return format_html('{} — <a href="{}">see and manage them</a>', count, url)


class NewMemberForm(forms.ModelForm):
    """A membership row the parent admin hands to its service, which creates it, brings a
    former member back, or refuses with its own message: so the form does not refuse an
    existing (user, team or channel) pair itself."""

    def validate_unique(self) -> None:
        return


class NewMembersInline(admin.TabularInline):
    """Empty rows to add members (the user found by search); the parent admin's
    ``save_formset`` adds them through its service. The current members are not rows of
    this form: a team of thousands would make a page of thousands of forms."""

    form = NewMemberForm
    extra = 1
    fields = ("user", "scheme_admin")
    autocomplete_fields = ("user",)
    verbose_name = "new member"
    verbose_name_plural = "add members"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).none()

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
