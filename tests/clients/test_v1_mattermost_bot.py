"""The one published API v1 client, PyPI ``mattermost-bot`` 1.0.0, against the live server:
signing up into a team, logging in, posting and reading back. (Its message loop listens on
``/api/v1/websocket``, which is not served: see docs/api-v1.md.)"""

from __future__ import annotations

import pytest
from mattermost_bot.mattermost import MattermostAPI, MattermostClient

from apps.channels.models import Channel
from apps.posts.models import Post
from apps.teams.models import Team
from apps.teams.services import team_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team(db: None) -> Team:
    """A team made before its first member, as 1.x admins made them."""
    return team_create(
        creator=None, display_name="Bots", name="bots", type="O", email="bot@example.com"
    )


def test_the_bot_signs_up_logs_in_and_posts(live_server, team: Team) -> None:  # type: ignore[no-untyped-def]
    url = f"{live_server.url}/api/v1"
    account = MattermostAPI(url).signup_with_team(
        team.id, "bot@example.com", "bot", "passw0rd!", True
    )
    assert (account["username"], account["team_id"]) == ("bot", team.id)

    bot = MattermostClient(url, "bots", "bot@example.com", "passw0rd!")
    assert bot.user["id"] == account["id"]
    assert (bot.info["id"], bot.info["team_id"]) == (account["id"], team.id)

    town_square = Channel.objects.get(team=team, name="town-square")
    sent = bot.channel_msg(town_square.id, "hello from the bot")
    assert (sent["message"], sent["user_id"], sent["channel_id"]) == (
        "hello from the bot",
        account["id"],
        town_square.id,
    )
    assert sent["pending_post_id"].startswith(f"{account['id']}:")
    assert Post.objects.get(pk=sent["id"]).user_id == account["id"]

    recent = bot.api.get_channel_posts(town_square.id, sent["create_at"] - 1)
    assert recent["order"] == [sent["id"]]
    assert bot.api.channel(town_square.id)["channel"]["name"] == "town-square"
    assert list(bot.api.get_profiles(team.id)) == [account["id"]]
    assert bot.api.user(account["id"])["username"] == "bot"


def test_the_bot_cannot_log_in_with_a_wrong_password(live_server, team: Team) -> None:  # type: ignore[no-untyped-def]
    url = f"{live_server.url}/api/v1"
    MattermostAPI(url).signup_with_team(team.id, "bot@example.com", "bot", "passw0rd!", False)
    # The client reads the Token header without looking at the status: a refused login
    # (403, no token) surfaces as a KeyError.
    with pytest.raises(KeyError):
        MattermostClient(url, "bots", "bot@example.com", "wrong")
