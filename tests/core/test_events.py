from __future__ import annotations

import pytest
from django.db import transaction

from apps.accounts.services import user_create
from apps.core import events

pytestmark = pytest.mark.django_db


def test_events_are_delivered_after_commit(published, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("posted", {"post": "{}"}, events.Broadcast(channel_id="c" * 26))
        assert published == []  # nothing before the commit
    assert [e.event for e in published] == ["posted"]
    assert published[0].broadcast.channel_id == "c" * 26


def test_rolled_back_changes_publish_nothing(published, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                events.publish("posted", {})
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert published == []


def test_a_failing_listener_does_not_stop_others(
    published, django_capture_on_commit_callbacks
) -> None:
    def broken(event: events.Event) -> None:
        raise ValueError("listener bug")

    unsubscribe = events.subscribe(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            events.publish("typing", {})
    finally:
        unsubscribe()
    assert [e.event for e in published] == ["typing"]


def test_creating_a_user_announces_it(published, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = user_create(username="carol", email="carol@example.com", password="secret123")
    assert [(e.event, e.data) for e in published] == [("new_user", {"user_id": user.id})]
