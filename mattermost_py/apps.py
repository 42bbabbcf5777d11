"""App configurations of the project itself (not of a domain app)."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    """``django.contrib.admin`` with our site (and its dashboard) as ``admin.site``."""

    default_site = "mattermost_py.admin_site.OperatorAdminSite"
