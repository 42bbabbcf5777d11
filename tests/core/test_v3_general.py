"""API v3 routes outside the domains: ping, client configuration and license, client
logs, and the custom emoji routes (switched off here)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from tests.helpers import assert_error
from tests.helpers_v3 import FORBIDDEN, NO_SESSION, v3

pytestmark = pytest.mark.django_db

EMOJI_DISABLED = "api.emoji.disabled.app_error"


def test_ping_writes_its_keys_in_go_order(client: Client) -> None:
    response = v3(client, "get", "/general/ping")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["server_time", "version"]
    assert body["version"] == "4.10.0"
    assert body["server_time"].isdigit()


class TestClientProps:
    def test_needs_no_session_and_holds_only_strings(self, client: Client) -> None:
        response = v3(client, "get", "/general/client_props")
        assert response.status_code == 200
        config = response.json()
        assert all(isinstance(value, str) for value in config.values())
        assert list(config) == sorted(config)
        assert config["Version"] == "4.10.0"
        assert config["EnableAPIv3"] == "true"
        assert config["EnableCustomEmoji"] == "false"

    def test_follows_the_settings(self, client: Client, mm_config: Callable[..., None]) -> None:
        mm_config(enable_open_server=True, show_email_address=False, password_minimum_length=12)
        config = v3(client, "get", "/general/client_props").json()
        assert config["EnableOpenServer"] == "true"
        assert config["ShowEmailAddress"] == "false"
        assert config["PasswordMinimumLength"] == "12"


def test_client_license_says_unlicensed(client: Client) -> None:
    response = v3(client, "get", "/license/client_config")
    assert response.status_code == 200
    assert response.json() == {"IsLicensed": "false"}


class TestLogClient:
    URL = "/general/log_client"

    def test_anonymous_reports_are_refused(self, client: Client) -> None:
        body = {"level": "ERROR", "message": "boom"}
        assert_error(v3(client, "post", self.URL, body=body), 403, FORBIDDEN)

    def test_developer_mode_takes_anonymous_reports(
        self, client: Client, mm_config: Callable[..., None], caplog: pytest.LogCaptureFixture
    ) -> None:
        mm_config(enable_developer=True)
        with caplog.at_level(logging.DEBUG, logger="mattermost_py.client"):
            response = v3(client, "post", self.URL, body={"level": "ERROR", "message": "boom"})
        assert response.status_code == 200
        assert response.json() == {"status": "OK"}
        assert [r.levelno for r in caplog.records] == [logging.ERROR]

    def test_a_users_report_is_debug_and_cut_short(
        self, client: Client, token: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.DEBUG, logger="mattermost_py.client"):
            body = {"level": "ERROR", "message": "x" * 1000}
            response = v3(client, "post", self.URL, token, body)
        assert response.status_code == 200
        (record,) = caplog.records
        assert record.levelno == logging.DEBUG
        assert record.getMessage() == "client: " + "x" * 400

    def test_an_admins_report_is_an_error(
        self,
        client: Client,
        admin: User,
        login: Callable[..., tuple[Session, str]],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        with caplog.at_level(logging.DEBUG, logger="mattermost_py.client"):
            v3(client, "post", self.URL, login(admin)[1], {"level": "ERROR", "message": "m"})
        assert [r.levelno for r in caplog.records] == [logging.ERROR]

    def test_other_levels_are_not_logged(
        self, client: Client, token: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.DEBUG, logger="mattermost_py.client"):
            response = v3(client, "post", self.URL, token, {"level": "INFO", "message": "m"})
        assert response.status_code == 200
        assert not caplog.records


class TestCustomEmoji:
    @pytest.mark.parametrize(
        ("method", "path"),
        [("get", "/emoji/list"), ("post", "/emoji/create"), ("post", "/emoji/delete")],
    )
    def test_switched_off_after_the_session_check(
        self, client: Client, token: str, method: str, path: str
    ) -> None:
        assert_error(v3(client, method, path), 401, NO_SESSION)
        assert_error(v3(client, method, path, token), 501, EMOJI_DISABLED)

    @pytest.mark.parametrize(
        ("method", "path"),
        [("post", "/emoji/list"), ("get", "/emoji/create"), ("get", "/emoji/delete")],
    )
    def test_each_route_has_its_own_method(
        self, client: Client, token: str, method: str, path: str
    ) -> None:
        assert v3(client, method, path, token).status_code == 405

    def test_an_emoji_image_with_the_cookie_alone_is_also_switched_off(
        self, client: Client, token: str
    ) -> None:
        client.cookies["MMAUTHTOKEN"] = token
        assert_error(v3(client, "get", "/emoji/abc123"), 501, EMOJI_DISABLED)
