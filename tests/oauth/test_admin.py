"""The admin's OAuth pages: deleting goes through the services, so the app's sessions end."""

from __future__ import annotations

import json

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


def _change_form(app: OAuthApp, **changes: str) -> dict[str, str]:
    return {
        "creator": app.creator_id,
        "name": app.name,
        "description": app.description,
        "icon_url": app.icon_url,
        "callback_urls": json.dumps(app.callback_urls),
        "homepage": app.homepage,
        "mattermost_app_id": app.mattermost_app_id,
        **changes,
    }


def test_the_admin_checks_an_apps_fields_as_the_api_does(
    client: Client, admin: User, oauth_app: OAuthApp
) -> None:
    """The consent page links the homepage: a javascript: URL there would run on a click."""
    client.force_login(admin)
    url = f"/admin/oauth/oauthapp/{oauth_app.pk}/change/"
    refused = client.post(url, _change_form(oauth_app, homepage="javascript:alert(1)"))
    assert refused.status_code == 200
    assert "An app needs an http(s) homepage URL." in refused.content.decode()
    refused = client.post(url, _change_form(oauth_app, callback_urls='"https://x.example.com"'))
    assert refused.status_code == 200
    oauth_app.refresh_from_db()
    assert oauth_app.homepage == "https://app.example.com"

    accepted = client.post(url, _change_form(oauth_app, name="Zapper 2"))
    assert accepted.status_code == 302
    oauth_app.refresh_from_db()
    assert oauth_app.name == "Zapper 2"
