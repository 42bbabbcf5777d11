"""The admin site: Django's, with the operator's dashboard on its front page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

from mattermost_py.dashboard import dashboard_figures


class OperatorAdminSite(admin.AdminSite):
    site_header = "mattermost_py administration"
    site_title = "mattermost_py admin"
    index_title = "Dashboard"
    index_template = "admin/dashboard.html"

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        context = {**(extra_context or {}), "dashboard": dashboard_figures()}
        return super().index(request, context)
