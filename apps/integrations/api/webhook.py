"""``POST /hooks/{hook_id}``: the URL integrations post to, outside ``/api`` as in
Mattermost. The hook id in the URL is the only credential."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from apps.core.views import MattermostView
from apps.integrations.payloads import WebhookPayload, payload_from_form, payload_from_json
from apps.integrations.services import incoming_webhook_post

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def webhook_payload(request: Request) -> WebhookPayload:
    """Form-encoded bodies carry the JSON in ``payload=``, multipart ones carry the
    fields themselves; any other body (whatever its Content-Type) is the JSON."""
    media_type = (request.content_type or "").split(";")[0].strip().lower()
    django_request = request._request
    if media_type == FORM:
        return payload_from_json(django_request.POST.get("payload", ""))
    if media_type == MULTIPART:
        return payload_from_form(django_request.POST)
    return payload_from_json(django_request.body)


class IncomingWebhookPostView(MattermostView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    # The body is read raw above: DRF's parsers would refuse media types Mattermost takes.
    parser_classes: tuple[type[BaseParser], ...] = ()

    @extend_schema(exclude=True)
    def post(self, request: Request, hook_id: str) -> HttpResponse:
        incoming_webhook_post(hook_id=hook_id, payload=webhook_payload(request))
        return HttpResponse("ok", content_type="text/plain")


urlpatterns: list[URLPattern] = [
    path("hooks/<str:hook_id>", IncomingWebhookPostView.as_view(), name="incoming-webhook-post"),
]
