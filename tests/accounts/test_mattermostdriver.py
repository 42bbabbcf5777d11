"""The real Python client, `mattermostdriver`, against the live server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from mattermostdriver import Driver
from mattermostdriver.exceptions import NoAccessTokenProvided

from apps.accounts.models import User


def driver_for(live_server, login_id: str, password: str) -> Driver:
    address = urlsplit(live_server.url)
    return Driver(
        {
            "url": address.hostname,
            "port": address.port,
            "scheme": "http",
            "login_id": login_id,
            "password": password,
            "timeout": 10,
        }
    )


@pytest.mark.django_db(transaction=True)
def test_driver_logs_in_and_reads_me(live_server, user: User) -> None:
    driver = driver_for(live_server, "alice", "passw0rd!")
    driver.login()
    assert driver.client.userid == user.id
    assert driver.client.username == "alice"
    me = driver.users.get_user("me")
    assert me["id"] == user.id
    assert me["email"] == "alice@example.com"
    assert driver.users.get_user_by_username("alice")["id"] == user.id
    driver.logout()


@pytest.mark.django_db(transaction=True)
def test_driver_reports_bad_credentials(live_server, user: User) -> None:
    driver = driver_for(live_server, "alice", "wrong-password")
    with pytest.raises(NoAccessTokenProvided):
        driver.login()
