"""The embedded SQLite database must take concurrent writers without 'database is locked'."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from apps.accounts.models import Session, User
from apps.accounts.services import session_create, user_create

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite-specific settings")


@sqlite_only
@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_all_succeed() -> None:
    user = user_create(username="writer", email="writer@example.com", password="passw0rd!")
    failures: list[BaseException] = []
    per_thread, threads = 15, 6

    def work() -> None:
        try:
            for _ in range(per_thread):
                # Read, then write, in one transaction: the pattern that deadlocks SQLite's
                # default deferred transactions.
                with transaction.atomic():
                    User.objects.get(pk=user.pk)
                    session_create(user=user)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert Session.objects.filter(user=user).count() == per_thread * threads
