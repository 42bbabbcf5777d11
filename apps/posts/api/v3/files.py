"""Files over API v3 as 4.10 served them (``api/file.go``, ``getFileInfosForPost``):
uploading into a channel of a team, reading a file (itself, its thumbnail, preview, info
and public link), the public download, and a post's files.

Storage, the rules of who may read a file and the download headers are API v4's
(``apps/posts/api/v4/files.py``, ``services/files.py``); this module only speaks v3: its
URLs, its ``FileInfo`` shape, its error ids and statuses.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBase
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.channels.api.v3.access import v3_id
from apps.channels.permissions import require_channel_permission
from apps.core.api.v3.base import V3TrustedView, V3View, invalid_param, require_team_in_url
from apps.core.errors import AppError
from apps.core.etag import etag_response
from apps.core.views import session_user
from apps.posts import selectors, services
from apps.posts.api.v3.wire import file_info_v3
from apps.posts.api.v4.files import (
    INFO_CACHE_CONTROL,
    MULTIPART,
    PREVIEW,
    THUMBNAIL,
    Rendition,
    file_response,
    parsed_form,
    post_files_etag,
    publicly_linked_file,
    rendition_response,
    require_file_in_post,
    site_url,
    store_uploads,
    unreadable_request,
    uploadable_channel,
)
from apps.posts.errors import missing_post
from apps.posts.file_selectors import file_infos_of_post
from apps.posts.models import FileInfo
from apps.posts.permissions import readable_file_info

ONE_FILE = "files/<v3id:file_id>"
ONE_POST = "teams/<v3id:team_id>/channels/<v3id:channel_id>/posts/<v3id:post_id>"
BINARY = {(200, "*/*"): OpenApiTypes.BINARY}
HASH = OpenApiParameter("h", OpenApiTypes.STR)


def _readable(request: Request, file_id: str) -> FileInfo:
    """The file at ``{file_id}`` (a malformed id is v3's invalid parameter), if the caller
    may read it: the rules of API v4."""
    return readable_file_info(session_user(request), v3_id(file_id, "file_id"))


def _switched_off(error_id: str, message: str) -> AppError:
    # 4.10 answered a feature switched off with 501 Not Implemented.
    return AppError(error_id, message, 501)


class UploadFileView(V3View):
    """``POST /teams/{team_id}/files/upload``: a multipart form of ``channel_id``, the
    ``files`` and optionally one ``client_ids`` value per file. Answers the new files
    (``file_infos``) and the client ids."""

    parser_classes = (MultiPartParser,)

    @extend_schema(
        operation_id="v3UploadFile",
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "channel_id": {"type": "string"},
                    "client_ids": {"type": "array", "items": {"type": "string"}},
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                },
            }
        },
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, team_id: str) -> Response:
        require_team_in_url(request, team_id)
        if not settings.MATTERMOST.enable_file_attachments:
            raise _switched_off(
                "api.file.attachments.disabled.app_error",
                "File attachments have been disabled on this server.",
            )
        if (request.content_type or "").split(";")[0].strip().lower() != MULTIPART:
            raise unreadable_request("The body is not a multipart form.")
        fields, files = parsed_form(request)
        channel_id = next(iter(fields.getlist("channel_id")), "")
        if not channel_id:
            raise invalid_param("channel_id")
        actor = session_user(request)
        channel = uploadable_channel(actor, channel_id)
        uploads = files.getlist("files")
        client_ids: list[str] = fields.getlist("client_ids")
        if client_ids and len(client_ids) != len(uploads):
            raise AppError(
                "api.file.upload_file.incorrect_number_of_files.app_error",
                f"Got {len(client_ids)} client_ids for {len(uploads)} files.",
                400,
            )
        infos = store_uploads(actor, channel, uploads)
        return Response(
            {"file_infos": [file_info_v3(info) for info in infos], "client_ids": client_ids}
        )


class FileView(V3TrustedView):
    """``GET /files/{file_id}/get``: the file, as a download. Pages load it directly, so
    the session cookie counts without the script header."""

    @extend_schema(operation_id="v3GetFile", responses=BINARY)
    def get(self, request: Request, file_id: str) -> HttpResponseBase:
        info = _readable(request, file_id)
        return file_response(info, info.path, info.mime_type, download=True)


class FileThumbnailView(V3TrustedView):
    """``GET /files/{file_id}/get_thumbnail``: an image's thumbnail (JPEG)."""

    rendition: Rendition = THUMBNAIL

    @extend_schema(operation_id="v3GetFileThumbnail", responses=BINARY)
    def get(self, request: Request, file_id: str) -> HttpResponseBase:
        return rendition_response(_readable(request, file_id), self.rendition, download=True)


class FilePreviewView(FileThumbnailView):
    """``GET /files/{file_id}/get_preview``: an image's preview (JPEG)."""

    rendition = PREVIEW

    @extend_schema(operation_id="v3GetFilePreview", responses=BINARY)
    def get(self, request: Request, file_id: str) -> HttpResponseBase:
        return super().get(request, file_id)


class FileInfoView(V3View):
    """``GET /files/{file_id}/get_info``: the ``FileInfo``."""

    @extend_schema(operation_id="v3GetFileInfo", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, file_id: str) -> Response:
        info = _readable(request, file_id)
        return Response(file_info_v3(info), headers={"Cache-Control": INFO_CACHE_CONTROL})


class PublicLinkView(V3View):
    """``GET /files/{file_id}/get_public_link``: the file's public URL as a JSON string,
    while public links are enabled, for a file in a post."""

    @extend_schema(operation_id="v3GetPublicLink", responses={200: OpenApiTypes.STR})
    def get(self, request: Request, file_id: str) -> Response:
        if not settings.MATTERMOST.enable_public_link:
            raise _switched_off(
                "api.file.get_public_link.disabled.app_error", "Public links have been disabled."
            )
        info = _readable(request, file_id)
        require_file_in_post(info)
        link_hash = services.public_link_hash(info.id)
        return Response(f"{site_url(request)}/api/v3/public/files/{info.id}/get?h={link_hash}")


class PublicFileView(V3TrustedView):
    """``GET /public/files/{file_id}/get?h=``: the file, for anyone holding its link."""

    permission_classes = (AllowAny,)

    @extend_schema(operation_id="v3GetPublicFile", parameters=[HASH], responses=BINARY)
    def get(self, request: Request, file_id: str) -> HttpResponseBase:
        if not settings.MATTERMOST.enable_public_link:
            raise _switched_off(
                "api.file.get_file.public_disabled.app_error", "Public links have been disabled."
            )
        file_id = v3_id(file_id, "file_id")
        info = publicly_linked_file(file_id, request.query_params.get("h", ""))
        return file_response(info, info.path, info.mime_type, download=True)


class PostFileInfosView(V3View):
    """``GET .../channels/{channel_id}/posts/{post_id}/get_file_infos``: the files of a
    post of that channel, oldest upload first, with an ETag."""

    @extend_schema(
        operation_id="v3GetFileInfosForPost", responses={200: OpenApiTypes.OBJECT, 304: None}
    )
    def get(self, request: Request, team_id: str, channel_id: str, post_id: str) -> Response:
        require_team_in_url(request, team_id)
        channel_id = v3_id(channel_id, "channel_id")
        post_id = v3_id(post_id, "post_id")
        require_channel_permission(session_user(request), channel_id, "read_channel")
        post = selectors.live_post_get(post_id)
        # 4.10 did not compare the post's channel with the one it had checked.
        if post is None or post.channel_id != channel_id:
            raise missing_post()
        infos = file_infos_of_post(post.id)
        response = etag_response(
            request, post_files_etag(infos), lambda: [file_info_v3(info) for info in infos]
        )
        if infos:
            response["Cache-Control"] = INFO_CACHE_CONTROL
        return response


urlpatterns: list[URLPattern] = [
    path("teams/<v3id:team_id>/files/upload", UploadFileView.as_view(), name="file-upload"),
    path(f"{ONE_FILE}/get", FileView.as_view(), name="file-get"),
    path(f"{ONE_FILE}/get_thumbnail", FileThumbnailView.as_view(), name="file-thumbnail"),
    path(f"{ONE_FILE}/get_preview", FilePreviewView.as_view(), name="file-preview"),
    path(f"{ONE_FILE}/get_info", FileInfoView.as_view(), name="file-info"),
    path(f"{ONE_FILE}/get_public_link", PublicLinkView.as_view(), name="file-public-link"),
    path("public/files/<v3id:file_id>/get", PublicFileView.as_view(), name="file-public"),
    path(f"{ONE_POST}/get_file_infos", PostFileInfosView.as_view(), name="post-file-infos"),
]
