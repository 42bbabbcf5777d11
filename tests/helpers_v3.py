"""Calling API v3 in tests, and the v3 error ids the tests check."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.teams.models import Team
from apps.teams.services import team_create
from tests.helpers import bearer

NO_SESSION = "api.context.session_expired.app_error"
FORBIDDEN = "api.context.permissions.app_error"
INVALID_PARAM = "api.context.invalid_param.app_error"
INVALID_URL_PARAM = "api.context.invalid_url_param.app_error"
MISSING_USER = "store.sql_user.missing_account.const"
UNKNOWN_ID = "q" * 26


def v3(
    client: Client,
    method: str,
    path: str,
    token: str | None = None,
    body: object = None,
    **headers: Any,
) -> Any:
    """``method`` /api/v3``path``, with a bearer ``token`` and a JSON ``body`` if given."""
    if token:
        headers.update(bearer(token))
    url = f"/api/v3{path}"
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


def make_team(creator: User, name: str, **fields: Any) -> Team:
    """A team ``creator`` made (and is admin of): open to anyone unless told otherwise."""
    values = {"display_name": name.title(), "type": "O", "allow_open_invite": True, **fields}
    return team_create(creator=creator, name=name, **values)


def query_count(request: Callable[[], Any]) -> int:
    """How many queries ``request`` runs (after one warm-up call, so that the session
    cache and the once-a-minute activity stamp do not count)."""
    request()
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == 200, response.content[:300]
    return len(queries)
