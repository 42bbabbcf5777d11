"""Error ids as API v3 clients know them.

The services raise the ids of today's Mattermost. Where the last v3 server (4.10) named the
same failure differently and a v3 client may look for that name, the v3 view renames the
error on its way out; status and message stay the service's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from apps.core.errors import AppError


@contextmanager
def legacy_error_ids(ids: Mapping[str, str]) -> Iterator[None]:
    """Inside this block, an AppError whose id is a key of ``ids`` leaves with the value
    as its id instead."""
    try:
        yield
    except AppError as error:
        legacy_id = ids.get(error.error_id)
        if legacy_id is None:
            raise
        raise AppError(
            legacy_id,
            error.message,
            error.status_code,
            error.detailed_error,
            headers=error.headers,
        ) from None


# A username or email address already taken (sign-up and profile updates).
USER_TAKEN = {
    "app.user.save.username_exists.app_error": "store.sql_user.save.username_exists.app_error",
    "app.user.save.email_exists.app_error": "store.sql_user.save.email_exists.app_error",
}
