"""OpenAPI description of our token authentication for drf-spectacular."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
