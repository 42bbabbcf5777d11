"""Fixtures of the channels tests."""

from tests.channels.v3_setup import v3  # noqa: F401  (the API v3 world)
