"""OpenAPI description of our token authentication for drf-spectacular."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes


class MattermostTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.core.auth.MattermostTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A session token or personal access token. Browsers may use "
            "the MMAUTHTOKEN cookie instead.",
        }


class V1TokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.core.api.v1.auth.V1TokenAuthentication"
    name = "v1BearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A session token of a v1 login. Browsers may use the MMTOKEN "
            "cookie instead (several tokens: pick one with X-MM-TokenIndex).",
        }


class MattermostAutoSchema(AutoSchema):
    """Our views write Mattermost's JSON with the wire modules, not with DRF serializers, so
    there is no serializer to inspect: a body or answer a view does not describe is a JSON
    object (instead of a warning per view)."""

    def get_request_serializer(self) -> Any:
        return OpenApiTypes.OBJECT

    def get_response_serializers(self) -> Any:
        return OpenApiTypes.OBJECT
