"""Team membership, and a user's teams."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
