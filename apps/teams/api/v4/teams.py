"""Teams: create, read, update, archive, search, stats, invites."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
