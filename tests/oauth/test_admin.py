"""The admin's OAuth pages: deleting goes through the services, so the app's sessions end."""

from __future__ import annotations

from django.test import Client

from apps.accounts.models import Session, User
from apps.oauth.models import OAuthAccessData, OAuthApp
from apps.oauth.services import grant_issue
from tests.oauth.conftest import CALLBACK


def test_deleting_an_app_in_the_admin_ends_its_sessions(
    client: Client, admin: User, user: User, oauth_app: OAuthApp
) -> None:
    grant_issue(app=oauth_app, user=user, redirect_uri=CALLBACK, scope="user")
    client.force_login(admin)
    url = f"/admin/oauth/oauthapp/{oauth_app.pk}/delete/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not OAuthApp.objects.exists()
    assert not Session.objects.filter(is_oauth=True).exists()


def test_revoking_a_grant_in_the_admin_ends_its_session(
    client: Client, admin: User, user: User, oauth_app: OAuthApp
) -> None:
    grant, _, _ = grant_issue(app=oauth_app, user=user, redirect_uri=CALLBACK, scope="user")
    client.force_login(admin)
    assert client.get(f"/admin/oauth/oauthaccessdata/{grant.pk}/change/").status_code == 200
    resp = client.post(
        "/admin/oauth/oauthaccessdata/",
        {"action": "delete_selected", "_selected_action": [grant.pk], "post": "yes"},
    )
    assert resp.status_code == 302
    assert not OAuthAccessData.objects.exists()
    assert not Session.objects.filter(is_oauth=True).exists()
