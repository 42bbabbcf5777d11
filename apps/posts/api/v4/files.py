"""Files over API v4 (``api4/file.go``): uploading (``POST /files``), reading a file, its
thumbnail, preview, info and public link (``/files/{file_id}...``), a post's files
(``GET /posts/{post_id}/files/info``), and the public download ``/files/{file_id}/public``
that lives outside ``/api``.

A file is readable by its uploader, and once it is attached to a post by whoever holds
``read_channel`` in the post's channel, as Mattermost decides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpResponseBase
from django.urls import URLPattern, path
from django.utils.crypto import constant_time_compare
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FileUploadParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.permissions import has_system_permission
from apps.channels.models import Channel
from apps.channels.permissions import has_channel_permission
from apps.channels.selectors import channel_get
from apps.core.errors import AppError, invalid_body_param, invalid_url_param, permission_denied
from apps.core.etag import etag_response, make_etag
from apps.core.ids import is_valid_id
from apps.core.views import MattermostView, query_flag, session_user, url_id
from apps.posts import services
from apps.posts.api.v4.reactions import has_permission_by_post
from apps.posts.errors import missing_file, missing_post
from apps.posts.file_selectors import file_info_fields, file_info_get, file_infos_of_post
from apps.posts.file_storage import open_stored
from apps.posts.models import FileInfo, Post
from apps.posts.permissions import readable_file_info

FILE_ID = OpenApiParameter("file_id", OpenApiTypes.STR, OpenApiParameter.PATH)
POST_ID = OpenApiParameter("post_id", OpenApiTypes.STR, OpenApiParameter.PATH)
DOWNLOAD = OpenApiParameter("download", OpenApiTypes.BOOL)
BINARY = {(200, "*/*"): OpenApiTypes.BINARY}
READ_CHANNEL = "read_channel"
# Caching, as Mattermost sends it: downloads for a day, file metadata for thirty days.
DOWNLOAD_CACHE_CONTROL = "private, max-age=86400"
INFO_CACHE_CONTROL = "max-age=2592000, private"
# Thumbnails and previews are always JPEG.
RENDITION_TYPE = "image/jpeg"
# Types a browser would run: served as plain text (``web/files.go UnsafeContentTypes``).
UNSAFE_TYPES = (
    "application/javascript",
    "application/ecmascript",
    "text/javascript",
    "text/ecmascript",
    "application/x-javascript",
    "text/html",
)
# Types shown in the browser rather than downloaded (``MediaContentTypes``).
MEDIA_TYPES = (
    "image/jpeg",
    "image/png",
    "image/bmp",
    "image/gif",
    "image/tiff",
    "image/webp",
    "video/avi",
    "video/mpeg",
    "video/mp4",
    "audio/mpeg",
    "audio/wav",
)
# What Go's url.PathEscape leaves alone besides letters, digits and "-_.~".
PATH_SAFE = "$&+:=@"
MULTIPART = "multipart/form-data"
UPLOAD_FIELDS = frozenset({"channel_id", "client_ids"})


# Errors


def unreadable_request(detail: str = "") -> AppError:
    return AppError(
        "api.file.upload_file.read_request.app_error",
        "The upload request could not be read.",
        400,
        detail,
    )


def _public_links_disabled() -> AppError:
    return AppError(
        "api.file.get_public_link.disabled.app_error", "Public links have been disabled.", 403
    )


# Reading


def readable_file(request: Request, raw_file_id: str) -> FileInfo:
    """The live file at ``{file_id}``, if the caller may read it."""
    return readable_file_info(session_user(request), url_id(raw_file_id, "file_id"))


def content_disposition(name: str, content_type: str, *, download: bool) -> str:
    media = any(content_type.startswith(kind) for kind in MEDIA_TYPES)
    disposition = "attachment" if download or not media else "inline"
    escaped = quote(name, safe=PATH_SAFE)
    return f"{disposition};filename=\"{escaped}\"; filename*=UTF-8''{escaped}"


def file_response(
    info: FileInfo, path: str, content_type: str, *, download: bool
) -> HttpResponseBase:
    """Stream a stored file with Mattermost's download headers (``WriteFileResponse``)."""
    if not content_type:
        content_type = "application/octet-stream"
    elif content_type.startswith(UNSAFE_TYPES):
        content_type = "text/plain"
    try:
        stored: IO[bytes] = open_stored(path)
    except FileNotFoundError:
        raise AppError(
            "api.file.file_reader.app_error", "The stored file is missing.", 404
        ) from None
    response = FileResponse(stored, content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        info.name, content_type, download=download
    )
    response["Cache-Control"] = DOWNLOAD_CACHE_CONTROL
    response["X-Frame-Options"] = "DENY"
    response["Content-Security-Policy"] = "Frame-ancestors 'none'"
    response["Last-Modified"] = http_date(info.update_at // 1000)
    return response


class FileView(MattermostView):
    """``GET /files/{file_id}``: the file itself (``?download=1`` forces a download)."""

    @extend_schema(operation_id="GetFile", parameters=[FILE_ID, DOWNLOAD], responses=BINARY)
    def get(self, request: Request, file_id: str) -> HttpResponseBase:
        info = readable_file(request, file_id)
        return file_response(
            info, info.path, info.mime_type, download=query_flag(request, "download")
        )


@dataclass(frozen=True)
class Rendition:
    """A JPEG rendition of an image (thumbnail or preview): where its path is kept, and the
    error for a file that has none."""

    path_field: str
    missing_id: str
    missing_message: str


THUMBNAIL = Rendition(
    "thumbnail_path",
    "api.file.get_file_thumbnail.no_thumbnail.app_error",
    "File doesn't have a thumbnail image.",
)
PREVIEW = Rendition(
    "preview_path",
    "api.file.get_file_preview.no_preview.app_error",
    "File doesn't have a preview image.",
)


def rendition_response(info: FileInfo, rendition: Rendition, *, download: bool) -> HttpResponseBase:
    """The file's thumbnail or preview; a file that is no image has none (400)."""
    path: str = getattr(info, rendition.path_field)
    if not path:
        raise AppError(rendition.missing_id, rendition.missing_message, 400)
    return file_response(info, path, RENDITION_TYPE, download=download)


class FileRenditionView(MattermostView):
    """A JPEG rendition of an image, ``/thumbnail`` or ``/preview``; other files have none."""

    rendition = THUMBNAIL

    def get(self, request: Request, file_id: str) -> HttpResponseBase:
        info = readable_file(request, file_id)
        return rendition_response(info, self.rendition, download=query_flag(request, "download"))


@extend_schema_view(
    get=extend_schema(
        operation_id="GetFileThumbnail", parameters=[FILE_ID, DOWNLOAD], responses=BINARY
    )
)
class FileThumbnailView(FileRenditionView):
    rendition = THUMBNAIL


@extend_schema_view(
    get=extend_schema(
        operation_id="GetFilePreview", parameters=[FILE_ID, DOWNLOAD], responses=BINARY
    )
)
class FilePreviewView(FileRenditionView):
    rendition = PREVIEW


class FileInfoView(MattermostView):
    @extend_schema(
        operation_id="GetFileInfo", parameters=[FILE_ID], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request, file_id: str) -> Response:
        info = readable_file(request, file_id)
        return Response(file_info_fields(info), headers={"Cache-Control": INFO_CACHE_CONTROL})


def site_url(request: Request) -> str:
    """ServiceSettings.SiteURL, or the address the request came to when it is unset."""
    configured: str = settings.MATTERMOST.site_url
    return (configured or request.build_absolute_uri("/")).rstrip("/")


class FileLinkView(MattermostView):
    @extend_schema(
        operation_id="GetFileLink", parameters=[FILE_ID], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request, file_id: str) -> Response:
        url_id(file_id, "file_id")
        if not settings.MATTERMOST.enable_public_link:
            raise _public_links_disabled()
        info = readable_file(request, file_id)
        require_file_in_post(info)
        link = f"{site_url(request)}/files/{info.id}/public?h={services.public_link_hash(info.id)}"
        return Response({"link": link})


def require_file_in_post(info: FileInfo) -> None:
    """Only a file in a post gets a public link."""
    if not info.post_id:
        raise AppError(
            "api.file.get_public_link.no_post.app_error",
            "Only a file attached to a post has a public link.",
            400,
        )


def publicly_linked_file(file_id: str, given_hash: str) -> FileInfo:
    """The live file a public link names, if its hash is the right one (400 otherwise)."""
    info = file_info_get(file_id)
    if info is None:
        raise missing_file()
    if not given_hash or not constant_time_compare(given_hash, services.public_link_hash(info.id)):
        raise AppError(
            "api.file.get_file.public_invalid.app_error",
            "The public link does not appear to be valid.",
            400,
        )
    return info


class PublicFileView(MattermostView):
    """``GET /files/{file_id}/public?h=``: the file, for anyone holding its link."""

    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="GetPublicFile",
        parameters=[FILE_ID, OpenApiParameter("h", OpenApiTypes.STR)],
        responses=BINARY,
    )
    def get(self, request: Request, file_id: str) -> HttpResponseBase:
        file_id = url_id(file_id, "file_id")
        if not settings.MATTERMOST.enable_public_link:
            raise _public_links_disabled()
        info = publicly_linked_file(file_id, request.query_params.get("h", ""))
        return file_response(info, info.path, info.mime_type, download=False)


class PostFileInfosView(MattermostView):
    """``GET /posts/{post_id}/files/info``: the post's files, oldest upload first."""

    @extend_schema(
        operation_id="GetFileInfosForPost",
        parameters=[POST_ID, OpenApiParameter("include_deleted", OpenApiTypes.BOOL)],
        responses={200: OpenApiTypes.OBJECT, 304: None},
    )
    def get(self, request: Request, post_id: str) -> Response:
        post_id = url_id(post_id, "post_id")
        actor = session_user(request)
        if not has_permission_by_post(actor, post_id, READ_CHANNEL):
            raise permission_denied(actor.id, READ_CHANNEL)
        include_deleted = query_flag(request, "include_deleted")
        if include_deleted and not has_system_permission(actor, "manage_system"):
            raise permission_denied(actor.id, "manage_system")
        infos = file_infos_of_post(post_id, include_deleted=include_deleted)
        if not infos:
            posts = Post.objects.filter(pk=post_id)
            if not (posts if include_deleted else posts.filter(delete_at=0)).exists():
                raise missing_post()
        response = etag_response(
            request, post_files_etag(infos), lambda: [file_info_fields(i) for i in infos]
        )
        response["Cache-Control"] = INFO_CACHE_CONTROL
        return response


def post_files_etag(infos: list[FileInfo]) -> str:
    """Mattermost's ``GetEtagForFileInfos``: the post and its files' latest change."""
    if not infos:
        return make_etag()
    return make_etag(infos[0].post_id, max(info.update_at for info in infos))


# Uploading


class RawFileParser(FileUploadParser):
    """The body is the file itself, named by ``?filename=`` (Mattermost's simple upload).
    It is read through Django's upload handlers, so a large file goes to disk in chunks."""

    def get_filename(self, stream: Any, media_type: Any, parser_context: Any) -> str:
        request: Request = parser_context["request"]
        return clean_file_name(request.query_params.get("filename", ""))


def clean_file_name(name: str) -> str:
    """The last path element of a client's file name, without unprintable characters
    ("" when nothing usable is left), as Django cleans multipart file names."""
    name = name.rsplit("/")[-1].rsplit("\\")[-1]
    name = "".join(char for char in name if char.isprintable())
    return "" if name in {".", ".."} else name


class FileUploadView(MattermostView):
    """``POST /files``: a multipart form (``channel_id``, ``client_ids``, ``files``) or a raw
    body with ``?channel_id=&filename=`` (and ``client_id``)."""

    parser_classes = (MultiPartParser, RawFileParser)

    @extend_schema(
        operation_id="UploadFile",
        parameters=[
            OpenApiParameter("channel_id", OpenApiTypes.STR),
            OpenApiParameter("filename", OpenApiTypes.STR),
            OpenApiParameter("client_id", OpenApiTypes.STR),
        ],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "channel_id": {"type": "string"},
                    "client_ids": {"type": "array", "items": {"type": "string"}},
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                },
            },
            "application/octet-stream": {"type": "string", "format": "binary"},
        },
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        actor = session_user(request)
        if not settings.MATTERMOST.enable_file_attachments:
            raise AppError(
                "api.file.attachments.disabled.app_error",
                "File attachments have been disabled on this server.",
                403,
            )
        if request.META.get("CONTENT_LENGTH", "") in ("", "0"):
            raise unreadable_request("Content-Length should not be 0")
        media_type = (request.content_type or "").split(";")[0].strip().lower()
        client_ids: list[str] | None
        if media_type == MULTIPART:
            infos, client_ids = _upload_form(request, actor)
        else:
            infos, client_ids = _upload_body(request, actor)
        return Response(
            {"file_infos": [file_info_fields(info) for info in infos], "client_ids": client_ids},
            status=201,
        )


def uploadable_channel(actor: User, channel_id: str) -> Channel:
    """The channel, if ``actor`` may upload to it; an unknown one is the same 403."""
    channel = channel_get(channel_id)
    if channel is None or not has_channel_permission(actor, channel.id, "upload_file"):
        raise permission_denied(actor.id, "upload_file")
    return channel


def parsed_form(request: Request) -> tuple[Any, Any]:
    """The form fields and files; a body that cannot be read (or holds more fields or
    files than Django's DATA_UPLOAD_* limits allow) is Mattermost's read_request error."""
    try:
        return request.POST, request.FILES
    except ParseError as error:
        raise unreadable_request(str(error.detail)) from None
    except SuspiciousOperation as error:
        raise unreadable_request(str(error)) from None


def _upload_form(request: Request, actor: User) -> tuple[list[FileInfo], list[str]]:
    fields, files = parsed_form(request)
    for name in fields:
        if name not in UPLOAD_FIELDS:
            # A file part without a file name arrives as a plain field, e.g. "files".
            raise invalid_body_param(name)
    named = [request.query_params.get("channel_id", ""), *fields.getlist("channel_id")]
    channel_ids = set(filter(None, named))
    if len(channel_ids) > 1:
        raise AppError(
            "api.file.upload_file.multiple_channel_ids.app_error",
            "An upload goes to one channel, but several channel_ids were sent.",
            400,
        )
    uploads: list[UploadedFile] = [upload for _, group in files.lists() for upload in group]
    if not uploads:
        return [], []
    if not channel_ids:
        raise invalid_body_param("channel_id")
    channel_id = channel_ids.pop()
    if not is_valid_id(channel_id):
        raise invalid_url_param("channel_id")
    channel = uploadable_channel(actor, channel_id)
    client_ids: list[str] = fields.getlist("client_ids")
    if client_ids and len(client_ids) < len(uploads):
        raise invalid_body_param("client_ids")
    if client_ids and len(client_ids) > len(uploads):
        raise AppError(
            "api.file.upload_file.incorrect_number_of_client_ids.app_error",
            f"Got {len(client_ids)} client_ids for {len(uploads)} files.",
            400,
        )
    return store_uploads(actor, channel, uploads), client_ids


def store_uploads(actor: User, channel: Channel, uploads: list[UploadedFile]) -> list[FileInfo]:
    return [
        services.file_upload(
            uploader=actor, channel=channel, name=upload.name or "", content=upload
        )
        for upload in uploads
    ]


def _upload_body(request: Request, actor: User) -> tuple[list[FileInfo], list[str] | None]:
    channel_id = request.query_params.get("channel_id", "")
    if not is_valid_id(channel_id):
        raise invalid_url_param("channel_id")
    name = clean_file_name(request.query_params.get("filename", ""))
    if not name:
        raise invalid_url_param("filename")
    channel = uploadable_channel(actor, channel_id)
    _, files = parsed_form(request)
    upload = files.get("file")
    if upload is None:
        raise unreadable_request()
    info = services.file_upload(uploader=actor, channel=channel, name=name, content=upload)
    client_id = request.query_params.get("client_id", "")
    # Mattermost sends null rather than [] when a simple upload names no client id.
    return [info], ([client_id] if client_id else None)


urlpatterns: list[URLPattern] = [
    path("files", FileUploadView.as_view(), name="files"),
    path("files/<str:file_id>", FileView.as_view(), name="file"),
    path("files/<str:file_id>/thumbnail", FileThumbnailView.as_view(), name="file-thumbnail"),
    path("files/<str:file_id>/preview", FilePreviewView.as_view(), name="file-preview"),
    path("files/<str:file_id>/info", FileInfoView.as_view(), name="file-info"),
    path("files/<str:file_id>/link", FileLinkView.as_view(), name="file-link"),
    path("posts/<str:post_id>/files/info", PostFileInfosView.as_view(), name="post-files-info"),
]

# Served at the site root, outside /api/v4.
public_urlpatterns: list[URLPattern] = [
    path("files/<str:file_id>/public", PublicFileView.as_view(), name="file-public"),
]
