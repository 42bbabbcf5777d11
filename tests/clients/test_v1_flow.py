"""The recorded Mattermost 1.4.0 session (71 calls against the real server), replayed
against ours in the same order. Ids and times differ; statuses, key sets and the values a
client relies on must match. Where our server answers differently on purpose (users are
global here; logout ends the session at once; the 1.x reserved team
names), the step says so and checks our answer instead."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client

from tests.v1_fixtures import V1Api, assert_v1_error, assert_v1_not_found_page

pytestmark = pytest.mark.django_db

TEAM_KEYS = {
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "display_name",
    "name",
    "email",
    "type",
    "company_name",
    "allowed_domains",
    "invite_id",
    "allow_open_invite",
    "allow_team_listing",
}
USER_KEYS = {
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "team_id",
    "username",
    "auth_service",
    "email",
    "nickname",
    "first_name",
    "last_name",
    "roles",
    "notify_props",
    "last_password_update",
}
# Left out while empty (1.x's omitempty); which of them appear depends on the data.
USER_OPTIONAL_KEYS = {"allow_marketing", "last_activity_at", "failed_attempts", "email_verified"}
PROFILE_KEYS = {
    "id",
    "delete_at",
    "team_id",
    "username",
    "auth_service",
    "email",
    "nickname",
    "first_name",
    "last_name",
    "roles",
}
NOTIFY_KEYS = {"all", "channel", "desktop", "desktop_sound", "email", "first_name", "mention_keys"}
CHANNEL_KEYS = {
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "team_id",
    "type",
    "display_name",
    "name",
    "header",
    "purpose",
    "last_post_at",
    "total_msg_count",
    "extra_update_at",
    "creator_id",
}
MEMBER_KEYS = {
    "channel_id",
    "user_id",
    "roles",
    "last_viewed_at",
    "msg_count",
    "mention_count",
    "notify_props",
    "last_update_at",
}
POST_KEYS = {
    "id",
    "create_at",
    "update_at",
    "delete_at",
    "user_id",
    "channel_id",
    "root_id",
    "parent_id",
    "original_id",
    "message",
    "type",
    "props",
    "hashtags",
    "filenames",
    "pending_post_id",
}
PREFERENCE_KEYS = {"user_id", "category", "name", "value"}


def ok(response: HttpResponse) -> Any:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/json"
    return response.json()


def assert_user(body: dict[str, Any], *, username: str, roles: str, team_id: str) -> None:
    assert USER_KEYS <= set(body) <= USER_KEYS | USER_OPTIONAL_KEYS, set(body) ^ USER_KEYS
    assert (body["username"], body["roles"], body["team_id"]) == (username, roles, team_id)
    assert set(body["notify_props"]) == NOTIFY_KEYS
    assert body["notify_props"]["mention_keys"] == f"{username},@{username}"


def assert_post_list(body: dict[str, Any], order: list[str], posts: set[str]) -> None:
    assert set(body) == {"order", "posts"}
    assert body["order"] == order
    assert set(body["posts"]) == posts
    for post in body["posts"].values():
        assert set(post) == POST_KEYS
        assert post["filenames"] == []
        assert post["pending_post_id"] == ""


def test_recorded_v1_session(client: Client, mm_config) -> None:
    mm_config(enable_open_server=True)  # the recorded server let anyone sign up
    anon = V1Api(Client())

    # GET users/me without session (200, empty body)
    response = anon.get("users/me")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == b""

    # create team (no auth needed; creates town-square + off-topic)
    alpha = ok(
        anon.post(
            "teams/create",
            {
                "display_name": "Alpha Team",
                "name": "alpha",
                "email": "alice@example.com",
                "type": "O",
            },
        )
    )
    assert set(alpha) == TEAM_KEYS
    assert alpha["name"] == "alpha"
    assert alpha["email"] == "alice@example.com"
    assert (alpha["type"], alpha["allow_open_invite"], alpha["allow_team_listing"]) == (
        "O",
        False,
        False,
    )

    # create team: reserved prefix name -> error. 1.4.0 reserved names starting with
    # "team"; ours are Mattermost's current list, so a name both reserve is replayed.
    assert_v1_error(
        anon.post(
            "teams/create",
            {"display_name": "T", "name": "api1", "email": "x@example.com", "type": "O"},
        ),
        500,
    )

    # find_team_by_name
    assert ok(anon.post("teams/find_team_by_name", {"name": "alpha", "all": "true"})) is True

    # create user in team (email == team.email -> team admin; first user -> system_admin)
    alice = ok(
        anon.post(
            "users/create",
            {
                "team_id": alpha["id"],
                "email": "alice@example.com",
                "username": "alice",
                "password": "passw0rd",
                "allow_marketing": True,
            },
        )
    )
    assert_user(alice, username="alice", roles="system_admin", team_id=alpha["id"])
    assert alice["allow_marketing"] is True

    # create second user in open team (no invite hash needed for type O)
    bob = ok(
        anon.post(
            "users/create",
            {
                "team_id": alpha["id"],
                "email": "bob@example.com",
                "username": "bob",
                "password": "passw0rd",
            },
        )
    )
    assert_user(bob, username="bob", roles="", team_id=alpha["id"])
    assert "allow_marketing" not in bob

    # create user: missing team_id -> error
    assert_v1_error(
        anon.post(
            "users/create",
            {"email": "carol@example.com", "username": "carol", "password": "passw0rd"},
        ),
        500,
    )

    # login wrong password / without team name / with v3-style login_id -> errors
    assert_v1_error(
        anon.post(
            "users/login", {"name": "alpha", "email": "alice@example.com", "password": "bad"}
        ),
        403,
    )
    assert_v1_error(
        anon.post("users/login", {"email": "alice@example.com", "password": "passw0rd"}),
        403,
    )
    assert_v1_error(
        anon.post(
            "users/login",
            {"name": "alpha", "login_id": "alice@example.com", "password": "passw0rd"},
        ),
        403,
    )

    # login {name: team_name, email, password}
    response = Client().post(
        "/api/v1/users/login",
        json.dumps({"name": "alpha", "email": "alice@example.com", "password": "passw0rd"}),
        content_type="application/json",
    )
    me = ok(response)
    token = response["Token"]
    cookie = response.cookies["MMTOKEN"]
    assert cookie.value == token
    assert (cookie["path"], cookie["max-age"], cookie["httponly"]) == ("/", 2592000, True)
    assert_user(me, username="alice", roles="system_admin", team_id=alpha["id"])

    # login by {id, password}
    response = anon.post("users/login", {"id": alice["id"], "password": "passw0rd"})
    assert_user(ok(response), username="alice", roles="system_admin", team_id=alpha["id"])
    assert response["Token"]
    assert response["Token"] != token

    api = V1Api(Client(), token)

    # GET users/me; If-None-Match -> 304; via the MMTOKEN cookie
    response = api.get("users/me")
    assert_user(ok(response), username="alice", roles="system_admin", team_id=alpha["id"])
    assert response["Expires"] == "-1"
    etag = response["ETag"]
    assert etag.startswith("1.4.0.")
    assert api.get("users/me", HTTP_IF_NONE_MATCH=etag).status_code == 304
    response = Client().get("/api/v1/users/me", HTTP_COOKIE=f"MMTOKEN={token}")
    assert ok(response)["id"] == alice["id"]

    # GET users/{id}
    response = api.get(f"users/{alice['id']}")
    assert_user(ok(response), username="alice", roles="system_admin", team_id=alpha["id"])
    assert response["ETag"]

    # GET users/profiles (session team) and users/profiles/{team_id}
    for path in ("users/profiles", f"users/profiles/{alpha['id']}"):
        response = api.get(path)
        profiles = ok(response)
        assert response["ETag"]
        assert set(profiles) == {alice["id"], bob["id"]}
        for profile in profiles.values():
            assert PROFILE_KEYS <= set(profile) <= PROFILE_KEYS | {"last_activity_at"}
        assert profiles[alice["id"]]["roles"] == "system_admin"
        assert profiles[bob["id"]]["roles"] == ""

    # POST users/status [ids]
    statuses = ok(api.post("users/status", [alice["id"], bob["id"]]))
    assert statuses == {bob["id"]: "offline", alice["id"]: "online"}

    # GET teams/me; GET teams/all (system admin only)
    response = api.get("teams/me")
    assert ok(response) == alpha
    assert response["Expires"] == "-1"
    assert ok(api.get("teams/all")) == {alpha["id"]: alpha}

    # GET channels/ (ChannelList)
    response = api.get("channels/")
    listing = ok(response)
    assert response["ETag"]
    assert set(listing) == {"channels", "members"}
    assert [c["name"] for c in listing["channels"]] == ["off-topic", "town-square"]
    assert all(set(c) == CHANNEL_KEYS for c in listing["channels"])
    town_square = listing["channels"][1]
    assert set(listing["members"]) == {c["id"] for c in listing["channels"]}
    for member in listing["members"].values():
        assert set(member) == MEMBER_KEYS
        assert member["roles"] == "admin"  # the team's owner administers its channels
        assert member["notify_props"] == {"desktop": "default", "mark_unread": "all"}

    # GET channels (no trailing slash) -> 404
    assert_v1_not_found_page(api.get("channels"))

    # create channel; without team_id (system admins pass the team check: ours stays in
    # the session's team, where 1.4.0 saved a channel of no team)
    dev = ok(
        api.post(
            "channels/create",
            {"name": "dev", "display_name": "Dev", "type": "O", "team_id": alpha["id"]},
        )
    )
    assert set(dev) == CHANNEL_KEYS
    assert (dev["team_id"], dev["creator_id"], dev["header"]) == (alpha["id"], alice["id"], "")
    dev2 = ok(api.post("channels/create", {"name": "dev2", "display_name": "Dev2", "type": "O"}))
    assert dev2["name"] == "dev2"

    # GET channels/{id}/ (ChannelData)
    response = api.get(f"channels/{dev['id']}/")
    data = ok(response)
    assert set(data) == {"channel", "member"}
    assert data["channel"]["id"] == dev["id"]
    assert set(data["member"]) == MEMBER_KEYS
    assert data["member"]["roles"] == "admin"
    assert response["Expires"] == "-1"
    assert response["ETag"]

    # GET channels/more; GET channels/counts
    assert ok(api.get("channels/more")) == {"channels": [], "members": {}}
    counts = ok(api.get("channels/counts"))
    assert set(counts) == {"counts", "update_times"}
    assert {town_square["id"], dev["id"]} <= set(counts["counts"]) == set(counts["update_times"])
    assert counts["counts"][dev["id"]] == 0

    # GET channels/{id}/extra_info
    response = api.get(f"channels/{dev['id']}/extra_info")
    assert ok(response) == {
        "id": dev["id"],
        "members": [
            {
                "id": alice["id"],
                "nickname": "",
                "email": "alice@example.com",
                "roles": "admin",
                "username": "alice",
            }
        ],
        "member_count": 1,
    }
    assert response["Expires"] == "-1"

    # update_header; update_purpose; update channel (full object)
    header = ok(
        api.post("channels/update_header", {"channel_id": dev["id"], "channel_header": "hdr"})
    )
    assert header["header"] == "hdr"
    purpose = ok(
        api.post("channels/update_purpose", {"channel_id": dev["id"], "channel_purpose": "purp"})
    )
    assert (purpose["header"], purpose["purpose"], purpose["total_msg_count"]) == ("hdr", "purp", 1)
    updated = ok(
        api.post(
            "channels/update",
            {
                "id": dev["id"],
                "display_name": "Dev Renamed",
                "name": "dev",
                "type": "O",
                "team_id": alpha["id"],
            },
        )
    )
    # As in 1.4.0, the full update clears the header and purpose it was not sent.
    assert (updated["display_name"], updated["header"], updated["purpose"]) == (
        "Dev Renamed",
        "",
        "",
    )

    # create post; create reply
    root = ok(
        api.post(
            f"channels/{dev['id']}/create",
            {
                "channel_id": dev["id"],
                "message": "hello #world",
                "pending_post_id": f"{alice['id']}:1",
                "filenames": [],
            },
        )
    )
    assert set(root) == POST_KEYS
    assert (root["hashtags"], root["type"], root["props"], root["filenames"]) == (
        "#world",
        "",
        {},
        [],
    )
    assert root["pending_post_id"] == f"{alice['id']}:1"
    reply = ok(
        api.post(
            f"channels/{dev['id']}/create",
            {
                "channel_id": dev["id"],
                "message": "a reply",
                "root_id": root["id"],
                "parent_id": root["id"],
            },
        )
    )
    assert (reply["root_id"], reply["parent_id"], reply["pending_post_id"]) == (
        root["id"],
        root["id"],
        "",
    )

    # GET channels/{id}/posts/0/60: the reply, the root, and the header notice
    response = api.get(f"channels/{dev['id']}/posts/0/60")
    page = ok(response)
    assert response["ETag"]
    notice_id = page["order"][2]
    assert_post_list(
        page, [reply["id"], root["id"], notice_id], {reply["id"], root["id"], notice_id}
    )
    notice = page["posts"][notice_id]
    assert notice["type"] == "system_header_change"
    assert notice["message"].startswith("alice ")
    assert notice["message"].endswith(": hdr")
    assert page["posts"][root["id"]]["update_at"] == reply["create_at"]  # a reply touches it

    # GET channels/{id}/posts/{since_ms}
    since = ok(api.get(f"channels/{dev['id']}/posts/{root['create_at'] - 1}"))
    assert_post_list(since, [reply["id"], root["id"]], {reply["id"], root["id"]})

    # GET channels/{id}/post/{post_id} (thread); GET posts/{post_id}
    thread = ok(api.get(f"channels/{dev['id']}/post/{root['id']}"))
    assert_post_list(thread, [root["id"]], {root["id"], reply["id"]})
    by_id = ok(api.get(f"posts/{reply['id']}"))
    assert_post_list(by_id, [reply["id"]], {root["id"], reply["id"]})

    # GET post/{id}/before/0/10; GET post/{id}/after/0/10
    before = ok(api.get(f"channels/{dev['id']}/post/{reply['id']}/before/0/10"))
    assert_post_list(before, [root["id"], notice_id], {root["id"], notice_id})
    after = ok(api.get(f"channels/{dev['id']}/post/{root['id']}/after/0/10"))
    assert_post_list(after, [reply["id"]], {reply["id"], root["id"]})

    # edit post POST channels/{id}/update
    edited = ok(
        api.post(
            f"channels/{dev['id']}/update",
            {"id": root["id"], "channel_id": dev["id"], "message": "hello edited"},
        )
    )
    assert (edited["message"], edited["hashtags"]) == ("hello edited", "")
    assert edited["update_at"] > root["update_at"]

    # GET posts/search?terms= : the reply matches, no thread around it, never cached
    searched = api.get("posts/search?terms=reply")
    assert searched["Cache-Control"] == "no-cache, no-store, must-revalidate"
    assert_post_list(ok(searched), [reply["id"]], {reply["id"]})

    # delete post; update_last_viewed_at
    assert ok(api.post(f"channels/{dev['id']}/post/{reply['id']}/delete")) == {"id": reply["id"]}
    assert ok(api.post(f"channels/{dev['id']}/update_last_viewed_at")) == {"id": dev["id"]}

    # preferences save / get all / get category / get one
    preference = {
        "user_id": alice["id"],
        "category": "direct_channel_show",
        "name": bob["id"],
        "value": "true",
    }
    assert ok(api.post("preferences/save", [preference])) is True
    everything = ok(api.get("preferences/"))
    assert preference in everything
    assert all(set(item) == PREFERENCE_KEYS for item in everything)
    assert {
        "user_id": alice["id"],
        "category": "last",
        "name": "channel",
        "value": dev["id"],
    } in everything
    assert ok(api.get("preferences/direct_channel_show")) == [preference]
    assert ok(api.get(f"preferences/direct_channel_show/{bob['id']}")) == preference

    # add member (bob); remove member (bob)
    added = ok(api.post(f"channels/{dev['id']}/add", {"user_id": bob["id"]}))
    assert set(added) == MEMBER_KEYS
    assert (added["channel_id"], added["user_id"], added["roles"]) == (dev["id"], bob["id"], "")
    removed = ok(api.post(f"channels/{dev['id']}/remove", {"user_id": bob["id"]}))
    assert removed == {"channel_id": dev["id"], "removed_user_id": bob["id"]}

    # create_direct: type D, named by both ids, in the session's team
    direct = ok(api.post("channels/create_direct", {"user_id": bob["id"]}))
    assert set(direct) == CHANNEL_KEYS
    assert (direct["type"], direct["display_name"], direct["team_id"]) == ("D", "", alpha["id"])
    assert direct["name"] == "__".join(sorted((alice["id"], bob["id"])))

    # update_notify_props
    props = ok(
        api.post(
            "channels/update_notify_props",
            {
                "channel_id": dev["id"],
                "user_id": alice["id"],
                "mark_unread": "mention",
                "desktop": "all",
            },
        )
    )
    assert props == {"desktop": "all", "mark_unread": "mention"}

    # login bob; bob join channel; bob post; bob leave channel; bob leave town-square
    response = anon.post(
        "users/login", {"name": "alpha", "email": "bob@example.com", "password": "passw0rd"}
    )
    assert_user(ok(response), username="bob", roles="", team_id=alpha["id"])
    as_bob = V1Api(Client(), response["Token"])
    assert ok(as_bob.post(f"channels/{dev['id']}/join")) == {"id": dev["id"]}
    hi = ok(
        as_bob.post(
            f"channels/{dev['id']}/create", {"channel_id": dev["id"], "message": "hi from bob"}
        )
    )
    assert (hi["user_id"], hi["message"], hi["pending_post_id"]) == (bob["id"], "hi from bob", "")
    assert ok(as_bob.post(f"channels/{dev['id']}/leave")) == {"id": dev["id"]}
    assert_v1_error(
        as_bob.post(f"channels/{town_square['id']}/leave"),
        403,
    )

    # create second team (anonymously, with alice's address)
    beta = ok(
        anon.post(
            "teams/create",
            {
                "display_name": "Beta Team",
                "name": "beta",
                "email": "alice@example.com",
                "type": "O",
            },
        )
    )
    assert set(beta) == TEAM_KEYS

    # create alice again in team beta: 1.x made a second user; users are global here, so
    # the address is taken. Alice joins beta as herself (through API v4).
    assert_v1_error(
        anon.post(
            "users/create",
            {
                "team_id": beta["id"],
                "email": "alice@example.com",
                "username": "alice",
                "password": "passw0rd",
            },
        ),
        500,
    )
    joined = Client().post(
        f"/api/v4/teams/{beta['id']}/members",
        json.dumps({"team_id": beta["id"], "user_id": alice["id"]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert joined.status_code == 201

    # login alice@alpha; login alice@beta sending the MMTOKEN cookie: one token per team
    browser = Client()
    response = browser.post(
        "/api/v1/users/login",
        json.dumps({"name": "alpha", "email": "alice@example.com", "password": "passw0rd"}),
        content_type="application/json",
    )
    alpha_token = response["Token"]
    assert response.cookies["MMTOKEN"].value == alpha_token
    response = browser.post(
        "/api/v1/users/login",
        json.dumps({"name": "beta", "email": "alice@example.com", "password": "passw0rd"}),
        content_type="application/json",
    )
    beta_token = response["Token"]
    assert_user(ok(response), username="alice", roles="system_admin", team_id=beta["id"])
    assert response.cookies["MMTOKEN"].value == f"{alpha_token} {beta_token}"
    assert f'MMTOKEN="{alpha_token} {beta_token}"' in response.cookies.output()

    # GET teams/me with the two-token cookie: X-MM-TokenIndex: 0, ?session_token_index=1,
    # and no index -> 401
    multi = f'MMTOKEN="{alpha_token} {beta_token}"'
    assert (
        ok(Client().get("/api/v1/teams/me", HTTP_COOKIE=multi, HTTP_X_MM_TOKENINDEX="0"))["id"]
        == alpha["id"]
    )
    assert (
        ok(Client().get("/api/v1/teams/me?session_token_index=1", HTTP_COOKIE=multi))["id"]
        == beta["id"]
    )
    assert_v1_error(
        Client().get("/api/v1/teams/me", HTTP_COOKIE=multi),
        401,
    )

    # GET channels/ as alice@beta (session is bound to team beta)
    as_beta = V1Api(Client(), beta_token)
    beta_channels = ok(as_beta.get("channels/"))
    # Direct channels belong to no team here: alice's one with bob shows in every team,
    # as a channel of the session's.
    named = [c["name"] for c in beta_channels["channels"] if c["type"] != "D"]
    assert named == ["off-topic", "town-square"]
    assert [c["id"] for c in beta_channels["channels"] if c["type"] == "D"] == [direct["id"]]
    assert {c["team_id"] for c in beta_channels["channels"]} == {beta["id"]}

    # GET channel of another team with team-beta session (500: no channel member row)
    assert_v1_error(as_beta.get(f"channels/{dev['id']}/"), 500)

    # unknown api route -> 404 HTML error page
    assert_v1_not_found_page(as_beta.get("nope"))

    # logout: the cookie is expired and (unlike 1.4.0, which kept the session cached for
    # minutes) the session ends at once
    response = as_beta.post("users/logout")
    assert ok(response) == {"user_id": alice["id"]}
    assert response.cookies["MMTOKEN"].value == ""
    assert response.cookies["MMTOKEN"]["max-age"] == 0
    assert_v1_error(as_beta.get("teams/me"), 401)

    # teams/signup -> follow_link; teams/create_from_signup
    signup = ok(anon.post("teams/signup", {"email": "carol@example.com"}))
    assert signup["email"] == "carol@example.com"
    assert "/signup_team_complete/?d=" in signup["follow_link"]
    link = parse_qs(urlsplit(signup["follow_link"]).query)
    created = ok(
        anon.post(
            "teams/create_from_signup",
            {
                "team": {"display_name": "Gamma", "name": "gamma", "type": "O"},
                "user": {"username": "carol", "password": "passw0rd"},
                "invites": [],
                "data": link["d"][0],
                "hash": link["h"][0],
            },
        )
    )
    assert set(created) == {"team", "user", "invites", "data", "hash"}
    assert set(created["team"]) == TEAM_KEYS
    assert (created["team"]["name"], created["team"]["email"]) == ("gamma", "carol@example.com")
    assert_user(created["user"], username="carol", roles="admin", team_id=created["team"]["id"])
    assert created["invites"] == []
