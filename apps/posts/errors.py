"""Errors every post route shares."""

from __future__ import annotations

from apps.core.errors import AppError


def missing_post() -> AppError:
    return AppError("app.post.get.app_error", "There is no post with that id.", 404)


def missing_file() -> AppError:
    return AppError("app.file_info.get.app_error", "There is no file with that id.", 404)
