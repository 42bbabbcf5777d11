"""Typed access to JSON request bodies: the wrong shape is a 400 naming the field, never a
500 further down."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from apps.core.errors import invalid_body_param


def string_map(request: Request) -> dict[str, str]:
    """The body as the legacy APIs (v1, v3) read their flat "props" maps: a JSON object
    whose values are all strings; anything else (one value of another type included)
    reads as an empty map, so the handler then reports the missing parameter."""
    data: Any = request.data
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return {}
    return {str(key): value for key, value in data.items()}


def body_object(request: Request, name: str) -> dict[str, Any]:
    data = request.data
    if not isinstance(data, dict):
        raise invalid_body_param(name)
    return data


def body_string_list(request: Request, name: str, *, max_items: int = 10_000) -> list[str]:
    """A non-empty JSON array of strings."""
    data = request.data
    if (
        not isinstance(data, list)
        or not data
        or len(data) > max_items
        or not all(isinstance(item, str) for item in data)
    ):
        raise invalid_body_param(name)
    return data


def optional_str(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise invalid_body_param(name)
    return value


def optional_bool(data: dict[str, Any], name: str) -> bool | None:
    value = data.get(name)
    if value is not None and not isinstance(value, bool):
        raise invalid_body_param(name)
    return value


def optional_map(data: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = data.get(name)
    if value is not None and not isinstance(value, dict):
        raise invalid_body_param(name)
    return value


def optional_str_list(data: dict[str, Any], name: str) -> list[str] | None:
    value = data.get(name)
    if value is not None and (
        not isinstance(value, list) or not all(isinstance(item, str) for item in value)
    ):
        raise invalid_body_param(name)
    return value


def optional_int(data: dict[str, Any], name: str) -> int | None:
    """An integer field; booleans and fractions are refused, as Go refuses them."""
    value = data.get(name)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise invalid_body_param(name)
    return value


SCHEME_FLAGS = ("scheme_guest", "scheme_user", "scheme_admin")


def body_roles(request: Request, name: str) -> str:
    """A member roles body ``{"roles": "..."}``: well-formed role names, else a 400 naming
    ``name`` (stricter than Mattermost, which reads a malformed body as no roles)."""
    from apps.core.membership import role_names_well_formed

    roles = body_object(request, name).get("roles")
    if not isinstance(roles, str) or not role_names_well_formed(roles):
        raise invalid_body_param(name)
    return roles


# The OpenAPI description of a scheme roles body (``body_scheme_flags``).
SCHEME_FLAGS_SCHEMA = {
    "type": "object",
    "properties": {
        name: {"type": "boolean"} for name in ("scheme_admin", "scheme_user", "scheme_guest")
    },
}


def body_scheme_flags(request: Request) -> dict[str, bool]:
    """A scheme roles body: each of scheme_guest/user/admin a boolean (absent: false, as
    Go decodes it)."""
    data = body_object(request, "scheme_roles")
    flags: dict[str, bool] = {}
    for name in SCHEME_FLAGS:
        value = data.get(name, False)
        if not isinstance(value, bool):
            raise invalid_body_param("scheme_roles", f"'{name}' must be true or false")
        flags[name] = value
    return flags
