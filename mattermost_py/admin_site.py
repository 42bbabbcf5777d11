"""The admin site: Django's, with the operator's dashboard on its front page and the
chat's password rules on its "change password" page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse

from apps.accounts.forms import PasswordChangeForm
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

    # The stubs say TemplateResponse, but a successful change redirects, as in Django's own.
    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponseBase:
        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=PasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)
