"""Files in posts: attaching them when a post is created, updated or patched (and which ids
a post may not take), ``metadata.files`` in every post answer and event at a fixed query
cost, files deleted with their posts, the channel's file count, and the real
mattermostdriver uploading, posting and downloading a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from mattermostdriver import Driver

from apps.accounts.models import User
from apps.channels.models import Channel
from apps.core.events import Event
from apps.posts.models import FileInfo, Post
from apps.posts.services import post_create, post_delete, post_delete_permanently
from tests.helpers import bearer
from tests.posts.file_helpers import image_bytes, uploaded_id

pytestmark = pytest.mark.django_db

T0 = 1_700_000_000_000


def call(client: Client, token: str, method: str, path: str, body: object = None) -> Any:
    if body is None:
        return getattr(client, method)(f"/api/v4{path}", **bearer(token))
    return getattr(client, method)(
        f"/api/v4{path}", json.dumps(body), content_type="application/json", **bearer(token)
    )


def files_of(post_json: dict[str, Any]) -> list[str]:
    return [info["id"] for info in post_json.get("metadata", {}).get("files", [])]


# Attaching


def test_a_new_post_takes_its_authors_files(
    client: Client,
    token: str,
    town_square: Channel,
    published: list[Event],
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = uploaded_id(client, token, town_square.id, "a.txt", b"a")
    second = uploaded_id(client, token, town_square.id, "b.png", image_bytes("PNG", (20, 10)))
    body = {"channel_id": town_square.id, "message": "two files", "file_ids": [first, second]}
    with django_capture_on_commit_callbacks(execute=True):
        response = call(client, token, "post", "/posts", body)
    assert response.status_code == 201
    post = response.json()
    assert post["file_ids"] == [first, second]
    assert files_of(post) == [first, second]
    assert post["metadata"]["files"][1]["width"] == 20
    assert set(FileInfo.objects.values_list("post_id", flat=True)) == {post["id"]}
    # Clients draw the attachments of a new post from the event.
    [posted] = [event for event in published if event.event == "posted"]
    assert files_of(json.loads(posted.data["post"])) == [first, second]


def test_a_post_drops_the_files_it_may_not_take(
    client: Client,
    token: str,
    bob_token: str,
    user: User,
    town_square: Channel,
    private_room: Channel,
) -> None:
    mine = uploaded_id(client, token, town_square.id, "mine.txt", b"m")
    bobs = uploaded_id(client, bob_token, town_square.id, "bobs.txt", b"b")
    elsewhere = uploaded_id(client, token, private_room.id, "elsewhere.txt", b"e")
    taken = uploaded_id(client, token, town_square.id, "taken.txt", b"t")
    post_create(author=user, channel=town_square, message="first", file_ids=[taken])
    body = {
        "channel_id": town_square.id,
        "message": "files",
        "file_ids": [bobs, mine, elsewhere, taken, "q" * 26, mine],
    }
    response = call(client, token, "post", "/posts", body)
    assert response.status_code == 201
    # As in Mattermost the post keeps only what it could attach; nothing is refused.
    assert response.json()["file_ids"] == [mine]
    assert Post.objects.get(pk=response.json()["id"]).file_ids == [mine]
    assert FileInfo.objects.get(pk=bobs).post_id == ""
    assert FileInfo.objects.get(pk=elsewhere).post_id == ""


def test_patch_adds_and_removes_files(
    client: Client,
    token: str,
    user: User,
    town_square: Channel,
    published: list[Event],
    django_capture_on_commit_callbacks: Any,
) -> None:
    kept = uploaded_id(client, token, town_square.id, "kept.txt", b"k")
    dropped = uploaded_id(client, token, town_square.id, "dropped.txt", b"d")
    added = uploaded_id(client, token, town_square.id, "added.txt", b"a")
    post = post_create(author=user, channel=town_square, message="m", file_ids=[kept, dropped])
    with django_capture_on_commit_callbacks(execute=True):
        response = call(
            client, token, "put", f"/posts/{post.id}/patch", {"file_ids": [kept, added]}
        )
    assert response.status_code == 200
    assert response.json()["file_ids"] == [kept, added]
    assert files_of(response.json()) == [kept, added]
    assert response.json()["edit_at"] > 0
    assert FileInfo.objects.get(pk=added).post_id == post.id
    # A file taken off a post is deleted with it, as Mattermost does.
    assert FileInfo.objects.get(pk=dropped).delete_at > 0
    [edited] = [event for event in published if event.event == "post_edited"]
    assert files_of(json.loads(edited.data["post"])) == [kept, added]


def test_patch_refuses_someone_elses_file(
    client: Client, token: str, bob_token: str, user: User, town_square: Channel
) -> None:
    post = post_create(author=user, channel=town_square, message="m")
    bobs = uploaded_id(client, bob_token, town_square.id, "bobs.txt", b"b")
    response = call(client, token, "put", f"/posts/{post.id}/patch", {"file_ids": [bobs]})
    assert response.status_code == 200
    assert "file_ids" not in response.json()
    assert FileInfo.objects.get(pk=bobs).post_id == ""
    # bob may still use his file in a post of his own
    body = {"channel_id": town_square.id, "message": "mine", "file_ids": [bobs]}
    assert call(client, bob_token, "post", "/posts", body).json()["file_ids"] == [bobs]


def test_update_replaces_the_files(
    client: Client, token: str, user: User, town_square: Channel
) -> None:
    old = uploaded_id(client, token, town_square.id, "old.txt", b"o")
    new = uploaded_id(client, token, town_square.id, "new.txt", b"n")
    post = post_create(author=user, channel=town_square, message="m", file_ids=[old])
    body = {"id": post.id, "message": "m", "file_ids": [new]}
    response = call(client, token, "put", f"/posts/{post.id}", body)
    assert response.status_code == 200
    assert files_of(response.json()) == [new]
    assert FileInfo.objects.get(pk=old).delete_at > 0
    # Leaving file_ids out keeps them.
    unchanged = call(client, token, "put", f"/posts/{post.id}", {"id": post.id, "message": "x"})
    assert unchanged.json()["file_ids"] == [new]


# Deleting


def test_deleting_a_thread_deletes_its_files(
    client: Client, token: str, bob_token: str, user: User, other_user: User, town_square: Channel
) -> None:
    on_root = uploaded_id(client, token, town_square.id, "root.txt", b"r")
    on_reply = uploaded_id(client, bob_token, town_square.id, "reply.txt", b"r")
    root = post_create(author=user, channel=town_square, message="root", file_ids=[on_root])
    post_create(
        author=other_user, channel=town_square, message="re", root_id=root.id, file_ids=[on_reply]
    )
    post_delete(post=root, deleter=user)
    assert not FileInfo.objects.filter(delete_at=0).exists()
    assert (
        call(client, token, "get", f"/channels/{town_square.id}/stats").json()["files_count"] == 0
    )


def test_deleting_for_good_removes_the_stored_files(
    client: Client,
    token: str,
    user: User,
    town_square: Channel,
    file_store: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    picture = uploaded_id(client, token, town_square.id, "p.png", image_bytes("PNG", (300, 300)))
    post = post_create(author=user, channel=town_square, message="m", file_ids=[picture])
    paths = FileInfo.objects.values_list("path", "thumbnail_path", "preview_path").get()
    stored = [file_store / path for path in paths]
    assert all(path.exists() for path in stored)
    with django_capture_on_commit_callbacks(execute=True):
        post_delete_permanently(post=post, deleter=user)
    assert not FileInfo.objects.exists()
    assert not any(path.exists() for path in stored)


def test_the_channel_counts_its_posted_files(
    client: Client, token: str, user: User, town_square: Channel
) -> None:
    posted = [uploaded_id(client, token, town_square.id, f"{n}.txt", b"x") for n in range(3)]
    uploaded_id(client, token, town_square.id, "unposted.txt", b"x")
    post_create(author=user, channel=town_square, message="m", file_ids=posted)
    stats = call(client, token, "get", f"/channels/{town_square.id}/stats").json()
    assert stats["files_count"] == 3
    excluded = f"/channels/{town_square.id}/stats?exclude_files_count=true"
    assert call(client, token, "get", excluded).json()["files_count"] == -1


# metadata.files in post lists


def posts_with_files(author: User, channel: Channel, count: int, start: int) -> list[Post]:
    """``count`` posts with two files each, straight into the tables."""
    posts = [
        Post(
            user=author,
            channel=channel,
            message=f"m{start + i}",
            create_at=T0 + start + i,
            update_at=T0 + start + i,
        )
        for i in range(count)
    ]
    Post.objects.bulk_create(posts)
    infos = [
        FileInfo(
            creator=author,
            channel=channel,
            post_id=post.id,
            path=f"x/{post.id}/{n}.txt",
            name=f"{n}.txt",
            create_at=T0 + start + n,
        )
        for post in posts
        for n in range(2)
    ]
    FileInfo.objects.bulk_create(infos)
    for post in posts:
        post.file_ids = [info.id for info in infos if info.post_id == post.id]
    Post.objects.bulk_update(posts, ["file_ids"])
    return posts


def test_post_lists_carry_files_at_a_fixed_query_cost(
    client: Client,
    token: str,
    user: User,
    town_square: Channel,
    django_assert_max_num_queries: Any,
) -> None:
    [first] = posts_with_files(user, town_square, 1, 0)
    url = f"/channels/{town_square.id}/posts?per_page=200"
    call(client, token, "get", url)  # warm the session caches
    with django_assert_max_num_queries(13) as one:  # the plain list budget (12) + files
        body = call(client, token, "get", url).json()
    assert len(files_of(body["posts"][first.id])) == 2
    many = posts_with_files(user, town_square, 120, 10)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = call(client, token, "get", url).json()
    assert all(len(files_of(body["posts"][post.id])) == 2 for post in many)


def test_every_post_answer_carries_its_files(
    client: Client, token: str, user: User, town_square: Channel
) -> None:
    [root] = posts_with_files(user, town_square, 1, 0)
    expected = list(root.file_ids)
    assert files_of(call(client, token, "get", f"/posts/{root.id}").json()) == expected
    thread = call(client, token, "get", f"/posts/{root.id}/thread").json()
    assert files_of(thread["posts"][root.id]) == expected
    by_ids = call(client, token, "post", "/posts/ids", [root.id]).json()
    assert files_of(by_ids[0]) == expected


# The real client


@pytest.mark.django_db(transaction=True)
def test_mattermostdriver_uploads_posts_and_downloads_a_file(
    live_server: Any, user: User, other_user: User, town_square: Channel
) -> None:
    address = urlsplit(live_server.url)
    driver = Driver(
        {
            "url": address.hostname,
            "port": address.port,
            "scheme": "http",
            "login_id": "alice",
            "password": "passw0rd!",
            "timeout": 10,
        }
    )
    driver.login()
    content = b"%PDF-1.4 pretend\n" * 1000
    uploaded = driver.files.upload_file(town_square.id, files={"files": ("report.pdf", content)})
    [info] = uploaded["file_infos"]
    assert (info["name"], info["size"], info["mime_type"]) == (
        "report.pdf",
        len(content),
        "application/pdf",
    )
    post = driver.posts.create_post(
        {"channel_id": town_square.id, "message": "the report", "file_ids": [info["id"]]}
    )
    assert post["file_ids"] == [info["id"]]
    assert files_of(driver.posts.get_post(post["id"])) == [info["id"]]
    assert driver.files.get_file_metadata(info["id"])["post_id"] == post["id"]
    download = driver.files.get_file(info["id"])
    assert download.content == content
    assert download.headers["Content-Disposition"].startswith('attachment;filename="report.pdf"')
    driver.logout()
