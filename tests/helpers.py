"""Assertions shared by the API tests."""

from __future__ import annotations

import contextlib
import io
from typing import Any
from unittest import mock

from django.core.management import ManagementUtility

ERROR_KEYS = {"id", "message", "detailed_error", "request_id", "status_code"}


def assert_error(response: Any, status: int, error_id: str) -> dict[str, Any]:
    """The response is Mattermost's error body with this status and id."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["id"] == error_id, body
    assert body["status_code"] == status
    assert isinstance(body["message"], str)
    assert body["message"]
    assert body["request_id"] == response["X-Request-Id"]
    return body


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def forget_join_notices(team: Any) -> None:
    """Delete the system posts that joining ``team`` left in its channels and reset the
    counters, so a test counts only the posts it makes itself."""
    from apps.channels.models import Channel, ChannelMember
    from apps.posts.models import Post

    Post.objects.filter(channel__team=team).delete()
    Channel.objects.filter(team=team).update(
        total_msg_count=0, total_msg_count_root=0, last_post_at=0, last_root_post_at=0
    )
    ChannelMember.objects.filter(channel__team=team).update(msg_count=0, msg_count_root=0)


def command_line(*argv: str) -> tuple[int, str, str]:
    """Run ``manage.py *argv`` as a shell would: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    # The command line closes the database connections when done; the test still needs its.
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        mock.patch("django.core.management.base.connections.close_all"),
    ):
        try:
            ManagementUtility(["manage.py", *argv]).execute()
        except SystemExit as exit:
            return int(exit.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()
