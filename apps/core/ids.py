"""Mattermost's 26-character ids: a random UUID in z-base-32, lower case, no padding."""

from __future__ import annotations

import base64
import uuid

_STANDARD = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_ZBASE32 = b"ybndrfg8ejkmcpqxot1uwisza345h769"
_TO_ZBASE32 = bytes.maketrans(_STANDARD, _ZBASE32)

ID_LENGTH = 26


def new_id() -> str:
    """A fresh id, e.g. ``h1t6q8kq3jdoudq5tqsq3ziacr``."""
    encoded = base64.b32encode(uuid.uuid4().bytes)[:ID_LENGTH]
    return encoded.translate(_TO_ZBASE32).decode("ascii")


def is_valid_id(value: object) -> bool:
    """True for 26 ASCII letters or digits, which is what Mattermost accepts as an id."""
    return (
        isinstance(value, str) and len(value) == ID_LENGTH and value.isascii() and value.isalnum()
    )
