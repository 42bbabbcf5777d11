"""Middleware of the project itself, for what spans the API and the admin site."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

ADMIN_REFERRER_POLICY = "same-origin"


class AdminReferrerPolicyMiddleware:
    """The API answers ``Referrer-Policy: no-referrer``, as Mattermost does. Under that
    policy a browser sends ``Origin: null`` with the admin's form posts, which Django's
    CSRF check rightly refuses, so no one could sign in. The admin's pages therefore ask
    for ``same-origin``: the browser names the site to itself and to no one else.
    Listed after SecurityMiddleware, which only fills the header in when it is missing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(reverse("admin:index")):
            response.headers["Referrer-Policy"] = ADMIN_REFERRER_POLICY
        return response
