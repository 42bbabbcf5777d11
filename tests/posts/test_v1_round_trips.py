"""One data model, two API faces: what API v1 writes API v4 reads, and the other way round."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.channels.services import channel_create
from apps.teams.models import Team
from tests.helpers import bearer
from tests.v1_fixtures import V1Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev(alpha: Team, user: User) -> Channel:
    return channel_create(team=alpha, creator=user, name="dev", display_name="Dev", type="O")


def v4_post(client: Client, token: str, body: dict[str, object]) -> dict[str, object]:
    response = client.post(
        "/api/v4/posts", json.dumps(body), content_type="application/json", **bearer(token)
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_v1_thread_reads_through_v4(v1: V1Api, client: Client, dev: Channel) -> None:
    root = v1.post(
        f"channels/{dev.id}/create",
        {"channel_id": dev.id, "message": "hello #world", "pending_post_id": "p:1"},
    ).json()
    reply = v1.post(
        f"channels/{dev.id}/create", {"channel_id": dev.id, "message": "re", "root_id": root["id"]}
    ).json()
    post = client.get(f"/api/v4/posts/{root['id']}", **bearer(v1.token)).json()
    assert (post["message"], post["hashtags"], post["pending_post_id"], post["reply_count"]) == (
        "hello #world",
        "#world",
        "p:1",
        1,
    )
    thread = client.get(f"/api/v4/posts/{reply['id']}/thread", **bearer(v1.token)).json()
    assert set(thread["order"]) == {root["id"], reply["id"]}
    assert thread["posts"][reply["id"]]["root_id"] == root["id"]
    page = client.get(f"/api/v4/channels/{dev.id}/posts", **bearer(v1.token)).json()
    assert page["order"][:2] == [reply["id"], root["id"]]


def test_a_v4_thread_reads_through_v1(
    v1: V1Api, v1_bob: V1Api, client: Client, dev: Channel
) -> None:
    root = v4_post(
        client, v1.token, {"channel_id": dev.id, "message": "from v4", "props": {"k": "v"}}
    )
    v1_bob.post(f"channels/{dev.id}/join")
    reply = v4_post(
        client, v1_bob.token, {"channel_id": dev.id, "message": "re", "root_id": root["id"]}
    )
    page = v1.get(f"channels/{dev.id}/posts/0/60").json()
    assert page["order"][0] == reply["id"]
    assert page["posts"][reply["id"]]["parent_id"] == root["id"]
    assert page["posts"][root["id"]]["props"] == {"k": "v"}
    assert page["posts"][root["id"]]["pending_post_id"] == ""
    joined = next(
        p for p in page["posts"].values() if p["user_id"] == reply["user_id"] and p["type"]
    )
    assert joined["type"] == "system_join_leave"  # v4's join notice, as 1.x named it
    assert set(v1.get(f"posts/{root['id']}").json()["posts"]) == {root["id"], reply["id"]}


def test_edits_and_deletes_cross_over(v1: V1Api, client: Client, dev: Channel) -> None:
    post = v1.post(f"channels/{dev.id}/create", {"channel_id": dev.id, "message": "draft"}).json()
    v1.post(
        f"channels/{dev.id}/update", {"id": post["id"], "channel_id": dev.id, "message": "final"}
    )
    v4 = client.get(f"/api/v4/posts/{post['id']}", **bearer(v1.token)).json()
    assert (v4["message"], v4["edit_at"] > 0) == ("final", True)
    assert client.delete(f"/api/v4/posts/{post['id']}", **bearer(v1.token)).status_code == 200
    since = v1.get(f"channels/{dev.id}/posts/{post['create_at'] - 1}").json()
    assert since["posts"][post["id"]]["delete_at"] > 0


def test_v1_channels_and_accounts_serve_v4(
    v1_anon: V1Api, v1: V1Api, client: Client, alpha: Team, mm_config
) -> None:  # type: ignore[no-untyped-def]
    mm_config(enable_open_server=True)
    channel = v1.post(
        "channels/create", {"name": "ops", "display_name": "Ops", "type": "O", "team_id": alpha.id}
    ).json()
    v4 = client.get(f"/api/v4/channels/{channel['id']}", **bearer(v1.token)).json()
    assert (v4["name"], v4["team_id"]) == ("ops", alpha.id)
    v1_anon.post(
        "users/create",
        {
            "team_id": alpha.id,
            "email": "carol@example.com",
            "username": "carol",
            "password": "passw0rd!",
        },
    )
    login = Client().post(
        "/api/v4/users/login",
        json.dumps({"login_id": "carol", "password": "passw0rd!"}),
        content_type="application/json",
    )
    assert login.status_code == 200
    teams = Client().get("/api/v4/users/me/teams", **bearer(login["Token"])).json()
    assert [team["name"] for team in teams] == ["alpha"]
