"""Channel routes: a user's sidebar categories in a team. List, create and update them in
bulk; read and change their order; read, update or delete one."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path, re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.channels.category_permissions import (
    OTHERS_SIDEBARS,
    may_use_category,
    require_sidebar_access,
)
from apps.channels.category_selectors import (
    category_get,
    category_order,
    is_valid_category_id,
    with_channels,
)
from apps.channels.models import CATEGORY_SORTINGS, SidebarCategory
from apps.channels.services import (
    CategoryData,
    categories_error,
    categories_for_team,
    categories_reorder,
    categories_update,
    category_create,
    category_delete,
)
from apps.core.errors import invalid_body_param, invalid_url_param, permission_denied
from apps.core.views import STATUS_OK, MattermostView, session_user, url_id, url_user_id
from apps.teams.permissions import require_team_permission

DISPLAY_NAME_MAX = 64  # the column's size in Mattermost

CATEGORY_SCHEMA = {
    "type": "object",
    "properties": {
        **{
            key: {"type": "string"}
            for key in ("id", "user_id", "team_id", "sorting", "type", "display_name")
        },
        "sort_order": {"type": "integer"},
        "muted": {"type": "boolean"},
        "collapsed": {"type": "boolean"},
        "channel_ids": {"type": "array", "items": {"type": "string"}},
    },
}
CATEGORY_LIST_SCHEMA = {"type": "array", "items": CATEGORY_SCHEMA}
ORDERED_CATEGORIES_SCHEMA = {
    "type": "object",
    "properties": {
        "categories": CATEGORY_LIST_SCHEMA,
        "order": {"type": "array", "items": {"type": "string"}},
    },
}
ORDER_SCHEMA = {"type": "array", "items": {"type": "string"}}


def _bad_category(detail: str = "") -> Exception:
    # Mattermost names the body "category" whatever is wrong with it.
    return invalid_body_param("category", detail)


def _body(request: Request) -> Any:
    try:
        return request.data
    except ParseError as error:
        raise _bad_category(str(error.detail)) from None


def _field(item: dict[str, Any], name: str, kind: type, default: Any) -> Any:
    """A field of a category object; missing or null is the zero value, as in Go."""
    value = item.get(name)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise _bad_category(f"{name} must be a {kind.__name__}")
    return value


def _category_from(item: object) -> tuple[CategoryData, str, str]:
    """(the category's fields, its user_id, its team_id) from one JSON object."""
    if not isinstance(item, dict):
        raise _bad_category("a category must be a JSON object")
    channel_ids = _field(item, "channel_ids", list, [])
    if not all(isinstance(channel_id, str) for channel_id in channel_ids):
        raise _bad_category("channel_ids must be strings")
    data = CategoryData(
        id=_field(item, "id", str, ""),
        display_name=_field(item, "display_name", str, ""),
        sorting=_field(item, "sorting", str, ""),
        muted=_field(item, "muted", bool, False),
        collapsed=_field(item, "collapsed", bool, False),
        channel_ids=tuple(channel_ids),
    )
    if data.sorting not in CATEGORY_SORTINGS:
        raise _bad_category(f"sorting must be one of {CATEGORY_SORTINGS}")
    if len(data.display_name) > DISPLAY_NAME_MAX:
        raise _bad_category(f"display_name is longer than {DISPLAY_NAME_MAX} characters")
    return data, _field(item, "user_id", str, ""), _field(item, "team_id", str, "")


def _category_for(request: Request, user_id: str, team_id: str) -> CategoryData:
    """The body's category, which must name the user and team of the URL."""
    data, body_user_id, body_team_id = _category_from(_body(request))
    if (body_user_id, body_team_id) != (user_id, team_id):
        raise _bad_category("user_id and team_id must match the URL")
    return data


def _sidebar_ids(request: Request, user_id: str, team_id: str) -> tuple[User, str, str]:
    """The URL's user and team, once the caller may see that user's sidebar there."""
    user_id = url_user_id(request, user_id)
    team_id = url_id(team_id, "team_id")
    viewer = session_user(request)
    require_sidebar_access(viewer, user_id=user_id, team_id=team_id)
    return viewer, user_id, team_id


def _require_categories(
    viewer: User, *, user_id: str, team_id: str, category_ids: list[str]
) -> None:
    """Every one of these must be a category the viewer may use here; one that is not
    makes the body invalid (Mattermost's answer on the bulk routes)."""
    found = {
        category.id: category for category in SidebarCategory.objects.filter(pk__in=category_ids)
    }
    for category_id in category_ids:
        category = found.get(category_id)
        if not may_use_category(viewer, user_id=user_id, team_id=team_id, category=category):
            raise _bad_category(f"no category {category_id} for this user and team")


def _one_category(
    request: Request, user_id: str, team_id: str, category_id: str
) -> tuple[SidebarCategory, str, str]:
    """The URL's category (with its user and team ids) once the caller may use it. A
    category someone else owns, or none, is a 403 like Mattermost's; only callers who may
    use any category learn that it does not exist (404)."""
    user_id = url_user_id(request, user_id)
    team_id = url_id(team_id, "team_id")
    if not is_valid_category_id(category_id):
        raise invalid_url_param("category_id")
    viewer = session_user(request)
    category = category_get(category_id)
    if not may_use_category(viewer, user_id=user_id, team_id=team_id, category=category):
        raise permission_denied(viewer.id, OTHERS_SIDEBARS)
    require_team_permission(viewer, team_id, "view_team")
    if category is None or (category.user_id, category.team_id) != (user_id, team_id):
        raise categories_error("No such category in the user's sidebar for this team.", 404)
    return category, user_id, team_id


class CategoriesView(MattermostView):
    @extend_schema(
        operation_id="GetSidebarCategoriesForTeamForUser",
        responses={200: ORDERED_CATEGORIES_SCHEMA},
    )
    def get(self, request: Request, user_id: str, team_id: str) -> Response:
        _, user_id, team_id = _sidebar_ids(request, user_id, team_id)
        categories = categories_for_team(user_id=user_id, team_id=team_id)
        return Response(
            {
                "categories": [entry.as_json() for entry in categories],
                "order": [entry.category.id for entry in categories],
            }
        )

    @extend_schema(
        operation_id="CreateSidebarCategoryForTeamForUser",
        request={"application/json": CATEGORY_SCHEMA},
        responses={200: CATEGORY_SCHEMA},
    )
    def post(self, request: Request, user_id: str, team_id: str) -> Response:
        _, user_id, team_id = _sidebar_ids(request, user_id, team_id)
        data = _category_for(request, user_id, team_id)
        created = category_create(user_id=user_id, team_id=team_id, data=data)
        return Response(created.as_json())

    @extend_schema(
        operation_id="UpdateSidebarCategoriesForTeamForUser",
        request={"application/json": CATEGORY_LIST_SCHEMA},
        responses={200: CATEGORY_LIST_SCHEMA},
    )
    def put(self, request: Request, user_id: str, team_id: str) -> Response:
        viewer, user_id, team_id = _sidebar_ids(request, user_id, team_id)
        body = _body(request)
        if body is None:
            body = []  # Go decodes null into an empty list
        if not isinstance(body, list):
            raise _bad_category("expected a JSON array of categories")
        changes = [_category_from(item)[0] for item in body]
        _require_categories(
            viewer,
            user_id=user_id,
            team_id=team_id,
            category_ids=[change.id for change in changes],
        )
        updated = categories_update(user_id=user_id, team_id=team_id, changes=changes)
        return Response([entry.as_json() for entry in updated])


class CategoryOrderView(MattermostView):
    @extend_schema(
        operation_id="GetSidebarCategoryOrderForTeamForUser", responses={200: ORDER_SCHEMA}
    )
    def get(self, request: Request, user_id: str, team_id: str) -> Response:
        _, user_id, team_id = _sidebar_ids(request, user_id, team_id)
        return Response(category_order(user_id=user_id, team_id=team_id))

    @extend_schema(
        operation_id="UpdateSidebarCategoryOrderForTeamForUser",
        request={"application/json": ORDER_SCHEMA},
        responses={200: ORDER_SCHEMA},
    )
    def put(self, request: Request, user_id: str, team_id: str) -> Response:
        viewer, user_id, team_id = _sidebar_ids(request, user_id, team_id)
        body = _body(request)
        if not isinstance(body, list) or not all(isinstance(item, str) for item in body):
            raise _bad_category("expected a JSON array of category ids")
        order = list(dict.fromkeys(body))
        _require_categories(viewer, user_id=user_id, team_id=team_id, category_ids=order)
        categories_reorder(user_id=user_id, team_id=team_id, order=order)
        return Response(order)


class CategoryView(MattermostView):
    @extend_schema(
        operation_id="GetSidebarCategoryForTeamForUser", responses={200: CATEGORY_SCHEMA}
    )
    def get(self, request: Request, user_id: str, team_id: str, category_id: str) -> Response:
        category, _, _ = _one_category(request, user_id, team_id, category_id)
        return Response(with_channels([category])[0].as_json())

    @extend_schema(
        operation_id="UpdateSidebarCategoryForTeamForUser",
        request={"application/json": CATEGORY_SCHEMA},
        responses={200: CATEGORY_SCHEMA},
    )
    def put(self, request: Request, user_id: str, team_id: str, category_id: str) -> Response:
        category, user_id, team_id = _one_category(request, user_id, team_id, category_id)
        data = _category_for(request, user_id, team_id)
        # The URL names the category; an id in the body is ignored, as in Mattermost.
        change = CategoryData(
            id=category.id,
            display_name=data.display_name,
            sorting=data.sorting,
            muted=data.muted,
            collapsed=data.collapsed,
            channel_ids=data.channel_ids,
        )
        updated = categories_update(user_id=user_id, team_id=team_id, changes=[change])
        return Response(updated[0].as_json())

    @extend_schema(
        operation_id="RemoveSidebarCategoryForTeamForUser", responses={200: OpenApiTypes.OBJECT}
    )
    def delete(self, request: Request, user_id: str, team_id: str, category_id: str) -> Response:
        category, _, _ = _one_category(request, user_id, team_id, category_id)
        category_delete(category=category)
        return Response(STATUS_OK)


_BASE = "users/<str:user_id>/teams/<str:team_id>/channels/categories"

urlpatterns: list[URLPattern] = [
    path(_BASE, CategoriesView.as_view(), name="user-team-categories"),
    path(f"{_BASE}/order", CategoryOrderView.as_view(), name="user-team-category-order"),
    # Mattermost's route admits only these characters; anything else is an unknown route.
    re_path(
        r"^users/(?P<user_id>[^/]+)/teams/(?P<team_id>[^/]+)/channels/categories/"
        r"(?P<category_id>[A-Za-z0-9_-]+)$",
        CategoryView.as_view(),
        name="user-team-category",
    ),
]
