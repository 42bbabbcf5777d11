"""The admin in a real browser (headless Chromium driven by Selenium): a system admin signs
in, finds a user and deactivates them, and the API then refuses that user's token."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from apps.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 10


def browser_or_skip() -> tuple[str, str]:
    """The paths of Chromium and its driver. Outside CI a missing browser skips the test;
    in CI it fails it (.ci/run installs the Debian packages)."""
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        if os.environ.get("CI"):
            pytest.fail("chromium and chromium-driver are needed in CI (apt-get install)")
        pytest.skip("install the Debian packages chromium and chromium-driver for this test")
    return chromium, driver


@pytest.fixture
def browser() -> Iterator[Any]:
    chromium, driver_path = browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.implicitly_wait(WAIT_SECONDS)
    yield driver
    driver.quit()


def me_status(base_url: str, token: str) -> int:
    response = requests.get(
        f"{base_url}/api/v4/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    return response.status_code


def test_a_system_admin_deactivates_a_user_and_their_token_stops_working(
    browser: Any, live_server: Any, admin: User, user: User, login: Callable[..., Any]
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    _, token = login(user)
    assert me_status(live_server.url, token) == 200

    browser.get(f"{live_server.url}/admin/")
    browser.find_element(By.ID, "id_username").send_keys("root")
    browser.find_element(By.ID, "id_password").send_keys("passw0rd!", Keys.ENTER)
    figures = browser.find_element(By.ID, "dashboard-figures").text
    assert "2 active, 0 deactivated" in figures

    browser.find_element(By.LINK_TEXT, "Users").click()
    browser.find_element(By.ID, "searchbar").send_keys("alice", Keys.ENTER)
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert [row.find_element(By.CSS_SELECTOR, "th").text for row in rows] == ["alice"]

    rows[0].find_element(By.CSS_SELECTOR, "input.action-select").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("deactivate")
    browser.find_element(By.CSS_SELECTOR, "button[name=index]").click()
    assert "Deactivated: 1." in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text

    assert me_status(live_server.url, token) == 401
    user.refresh_from_db()
    assert not user.is_active
