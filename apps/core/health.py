"""Checks behind the enhanced ping: can we reach the database and write to the data dir?"""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("database health check failed", exc_info=True)
        return False


def filestore_ok() -> bool:
    return os.access(settings.DATA_DIR, os.W_OK)
