from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import Session, User
from apps.accounts.services import session_create, user_create
from apps.core.clock import now_ms
from tests.helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

ME = "/api/v4/users/me"
EXPIRED = "api.context.session_expired.app_error"


@pytest.mark.parametrize("scheme", ["Bearer", "BEARER", "bearer", "Token", "TOKEN", "token"])
def test_authorization_schemes_are_case_insensitive(
    client: Client, user: User, token: str, scheme: str
) -> None:
    response = client.get(ME, HTTP_AUTHORIZATION=f"{scheme} {token}")
    assert response.status_code == 200
    assert response.json()["id"] == user.id


def test_no_token_is_a_401(client: Client) -> None:
    assert_error(client.get(ME), 401, EXPIRED)


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Basic abc", "Bearer" + "x" * 80])
def test_bad_token_is_a_401_on_session_routes(client: Client, user: User, header: str) -> None:
    assert_error(client.get(ME, HTTP_AUTHORIZATION=header), 401, EXPIRED)


def test_bad_token_is_ignored_on_anonymous_routes(client: Client) -> None:
    response = client.get("/api/v4/system/ping", **bearer("x" * 26))
    assert response.status_code == 200


def test_cookie_beats_the_header(client: Client, user: User, token: str, login) -> None:
    other = user_create(
        username="bob", email="bob@example.com", password="passw0rd!", roles="system_user"
    )
    _, other_token = login(other)
    client.cookies["MMAUTHTOKEN"] = other_token
    response = client.get(ME, **bearer(token))
    assert response.json()["id"] == other.id


def test_header_is_used_when_cookie_is_absent_and_query_token_is_refused(
    client: Client, token: str
) -> None:
    # A normal session's token in the URL would leak into logs; only OAuth may do that.
    response = client.get(f"{ME}?access_token={token}")
    assert_error(response, 401, "api.context.token_provided.app_error")


def test_oauth_session_may_use_the_query_token(client: Client, user: User, token: str) -> None:
    Session.objects.filter(user=user).update(is_oauth=True)
    response = client.get(f"{ME}?access_token={token}")
    assert response.status_code == 200


def test_expired_session_is_refused(client: Client, user: User) -> None:
    session, token = session_create(user=user)
    Session.objects.filter(pk=session.pk).update(expires_at=now_ms() - 1)
    assert_error(client.get(ME, **bearer(token)), 401, EXPIRED)


def test_deactivated_user_is_refused_at_once(client: Client, user: User, token: str) -> None:
    assert client.get(ME, **bearer(token)).status_code == 200  # now cached
    user.delete_at = now_ms()
    user.save()
    assert_error(client.get(ME, **bearer(token)), 401, EXPIRED)


def test_revoked_session_is_refused_at_once(client: Client, token: str) -> None:
    assert client.get(ME, **bearer(token)).status_code == 200  # now cached
    Session.objects.all().delete()
    assert_error(client.get(ME, **bearer(token)), 401, EXPIRED)


def test_repeat_requests_do_not_query_for_the_session(
    client: Client, token: str, django_assert_num_queries
) -> None:
    client.get(ME, **bearer(token))
    with django_assert_num_queries(0):
        assert client.get(ME, **bearer(token)).status_code == 200


def test_tokens_are_stored_hashed(user: User, token: str) -> None:
    stored = Session.objects.get(user=user)
    assert token not in stored.token_hash
    assert token not in str(stored.props)


class TestCookieCsrf:
    def test_cookie_read_needs_no_csrf_proof(self, client: Client, token: str) -> None:
        client.cookies["MMAUTHTOKEN"] = token
        assert client.get(ME).status_code == 200

    def test_cookie_write_without_proof_is_a_401(self, client: Client, token: str) -> None:
        client.cookies["MMAUTHTOKEN"] = token
        response = client.post("/api/v4/users/logout")
        assert_error(response, 401, EXPIRED)
        # the session survived the forged request
        assert client.get(ME).status_code == 200

    def test_cookie_write_with_csrf_token_passes(self, client: Client, user: User) -> None:
        session, token = session_create(user=user)
        client.cookies["MMAUTHTOKEN"] = token
        response = client.post("/api/v4/users/logout", HTTP_X_CSRF_TOKEN=session.csrf_token)
        assert response.status_code == 200
        assert not Session.objects.filter(pk=session.pk).exists()

    def test_wrong_csrf_token_is_refused(self, client: Client, token: str) -> None:
        client.cookies["MMAUTHTOKEN"] = token
        response = client.post("/api/v4/users/logout", HTTP_X_CSRF_TOKEN="wrong")
        assert_error(response, 401, EXPIRED)

    def test_xhr_header_passes_unless_strict(self, client: Client, token: str, mm_config) -> None:
        client.cookies["MMAUTHTOKEN"] = token
        mm_config(strict_csrf_enforcement=True)
        strict = client.post("/api/v4/users/logout", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        assert_error(strict, 401, EXPIRED)
        mm_config(strict_csrf_enforcement=False)
        lenient = client.post("/api/v4/users/logout", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        assert lenient.status_code == 200

    def test_header_token_writes_need_no_csrf_proof(self, client: Client, token: str) -> None:
        assert client.post("/api/v4/users/logout", **bearer(token)).status_code == 200

    def test_rejected_cookie_is_cleared(self, client: Client) -> None:
        client.cookies["MMAUTHTOKEN"] = "x" * 26
        response = client.get(ME)
        assert_error(response, 401, EXPIRED)
        assert response.cookies["MMAUTHTOKEN"]["max-age"] == 0
