"""The admin site itself: who may sign in, and the dashboard on its front page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.accounts.services import user_set_active
from apps.channels.models import Channel
from apps.channels.services import channel_archive, direct_channel_get_or_create
from apps.core.clock import now_ms
from apps.posts.activity_selectors import DAY_MS
from apps.posts.models import Post
from apps.teams.models import Team
from apps.teams.services import team_archive, team_create
from mattermost_py.svg_chart import Bar, bar_chart

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def sign_in(client: Client, username: str, password: str = "passw0rd!") -> Any:
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


class TestSignIn:
    def test_a_system_admin_signs_in_with_username_or_email(
        self, client: Client, admin: User
    ) -> None:
        assert sign_in(client, "root")["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
        client.logout()
        assert sign_in(client, "ROOT@example.com")["Location"] == "/admin/"

    def test_other_users_cannot(self, client: Client, user: User) -> None:
        response = sign_in(client, "alice")
        assert response.status_code == 200  # the form again
        assert "staff account" in response.content.decode()
        assert client.get("/admin/").status_code == 302

    def test_wrong_passwords_count_towards_the_chat_lockout(
        self, client: Client, admin: User, mm_config: Callable[..., None]
    ) -> None:
        mm_config(maximum_login_attempts=2)
        sign_in(client, "root", "wrong-one")
        sign_in(client, "root", "wrong-two")
        admin.refresh_from_db()
        assert admin.failed_attempts == 2
        locked = sign_in(client, "root")  # the right password, but locked out now
        assert locked.status_code == 200
        assert client.get("/admin/").status_code == 302

    def test_deactivated_or_demoted_admins_lose_access(self, client: Client, admin: User) -> None:
        sign_in(client, "root")
        user_set_active(user=admin, active=False)
        assert client.get("/admin/").status_code == 302
        assert sign_in(client, "root").status_code == 200
        user_set_active(user=admin, active=True)
        sign_in(client, "root")
        User.objects.filter(pk=admin.pk).update(roles="system_user")
        assert client.get("/admin/").status_code == 302


def add_posts(channel: Channel, author: User, *ages_ms: int, deleted: bool = False) -> None:
    now = now_ms()
    Post.objects.bulk_create(
        Post(
            channel=channel,
            user=author,
            message="hello",
            create_at=now - age,
            update_at=now - age,
            delete_at=now if deleted else 0,
        )
        for age in ages_ms
    )


@pytest.fixture
def workspace(admin: User, user: User, other_user: User) -> Team:
    """Two teams (one archived), their default channels, a private, an archived and a
    direct channel, and the join notices those made."""
    team = team_create(creator=user, name="alpha", display_name="Alpha", type="O")
    team_archive(team=team_create(creator=user, name="omega", display_name="Omega", type="O"))
    square = Channel.objects.get(team=team, name="town-square")
    channel_archive(channel=Channel.objects.get(team=team, name="off-topic"))
    Channel.objects.create(team=team, name="secret", display_name="Secret", type="P")
    direct_channel_get_or_create(user=user, other_user=other_user)
    user_set_active(user=other_user, active=False)
    Post.objects.all().delete()
    hour, day = 3600 * 1000, DAY_MS
    add_posts(square, user, hour, 2 * hour, 3 * day, 6 * day, 20 * day, 40 * day)
    add_posts(square, user, hour, deleted=True)
    return team


def figures(page: str) -> dict[str, str]:
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', page))


class TestDashboard:
    def test_counts(self, client: Client, admin: User, workspace: Team) -> None:
        client.force_login(admin)
        page = client.get("/admin/").content.decode()
        assert figures(page) == {
            "Users": "2 active, 1 deactivated",
            "Teams": "1 live, 1 archived",
            # Archiving a team leaves its channels alone; alpha's off-topic is archived.
            "Public": "3 live, 1 archived",
            "Private": "1 live",
            "Direct messages": "1 live",
            "Group messages": "0 live",
            "Posts, last 24 hours": "2",
            "Posts, last 7 days": "4",
        }
        assert 'id="content-main"' in page
        assert "/admin/accounts/user/" in page  # the list of tables is still there

    def test_chart_of_the_last_30_days(self, client: Client, admin: User, workspace: Team) -> None:
        client.force_login(admin)
        page = client.get("/admin/").content.decode()
        section = page[page.index('id="dashboard-chart"') :]
        chart = section[: section.index("</svg>")]
        titles = re.findall(r"<title>([^<]+)</title>", chart)
        assert len(titles) == 30
        counts = [int(title.split(": ")[1].split()[0]) for title in titles]
        # The 40-day-old post is out of range; the deleted one never counts.
        assert sum(counts) == 5
        assert counts[-1] in (1, 2)  # today's (the posts of an hour ago may fall yesterday)
        assert "<script" not in chart

    def test_costs_the_same_few_queries_whatever_the_data(
        self,
        client: Client,
        admin: User,
        workspace: Team,
        django_assert_max_num_queries: Callable[..., Any],
    ) -> None:
        client.force_login(admin)
        client.get("/admin/")
        square = Channel.objects.get(team=workspace, name="town-square")
        add_posts(square, admin, *(n * 3_600_000 for n in range(700)))
        with django_assert_max_num_queries(8):  # session, user, 5 aggregates, admin log
            assert client.get("/admin/").status_code == 200


class TestBarChart:
    def test_tallest_bar_fills_the_plot_and_labels_are_escaped(self) -> None:
        svg = str(
            bar_chart([Bar("<day1>", 2), Bar("day2", 4), Bar("day3", 0)], title="T", unit="x")
        )
        heights = [float(h) for h in re.findall(r'height="([\d.]+)"', svg)]
        assert heights == [65.0, 130.0, 0]
        assert "&lt;day1&gt;: 2 x" in svg
        assert "<day1>" not in svg

    def test_no_data_draws_an_empty_chart(self) -> None:
        svg = str(bar_chart([], title="T", unit="x"))
        assert "<rect" not in svg
        assert svg.startswith("<svg")


def test_admin_pages_keep_referrers_same_origin_while_the_api_sends_none(client: Client) -> None:
    # Under no-referrer a browser posts the admin's forms with Origin: null, which the CSRF
    # check refuses; the API keeps Mattermost's header.
    assert client.get(LOGIN)["Referrer-Policy"] == "same-origin"
    assert client.get("/api/v4/system/ping")["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "table",
    [
        "accounts/status",
        "channels/sidebarcategory",
        "channels/sidebarchannel",
        "posts/reaction",
        "teams/teammember",
        "channels/channelmember",
    ],
)
def test_rows_only_services_may_write_are_neither_added_nor_deleted(
    client: Client, admin: User, table: str
) -> None:
    client.force_login(admin)
    page = client.get(f"/admin/{table}/")
    assert page.status_code == 200
    assert 'value="delete_selected"' not in page.content.decode()
    assert client.get(f"/admin/{table}/add/").status_code == 403


def test_changing_the_operators_password_follows_the_chat_rules(
    client: Client, admin: User, login: Callable[..., Any]
) -> None:
    _, chat_token = login(admin)
    sign_in(client, "root")
    url = "/admin/password_change/"
    form = {"old_password": "passw0rd!", "new_password1": "short", "new_password2": "short"}
    refused = client.post(url, form)
    assert "Passwords need at least" in refused.content.decode()
    new = "a-longer-secret"
    changed = client.post(url, {**form, "new_password1": new, "new_password2": new})
    assert changed["Location"] == "/admin/password_change/done/"
    admin.refresh_from_db()
    assert admin.check_password(new)
    assert client.get("/admin/").status_code == 200  # still signed in here
    api = Client().get("/api/v4/users/me", HTTP_AUTHORIZATION=f"Bearer {chat_token}")
    assert api.status_code == 401  # the chat sessions ended, as a new password does
