"""gunicorn's worker class: uvicorn serving mattermost_py/asgi.py, set up the way the
Mattermost WebSocket needs (see apps/realtime/limits.py)."""

from __future__ import annotations

from typing import Any

from uvicorn_worker import UvicornWorker

from apps.realtime.limits import MAX_MESSAGE_BYTES, PING_INTERVAL_SECONDS, PONG_TIMEOUT_SECONDS


def uvicorn_options() -> dict[str, Any]:
    """uvicorn's settings, shared by the worker, the tests and the benchmarks."""
    return {
        "loop": "auto",
        "http": "auto",
        "ws": "websockets-sansio",
        "lifespan": "on",
        # Our access lines (wsgi_bridge.py) carry the request id; uvicorn's do not.
        "access_log": False,
        # The client address is read as the application's settings say
        # (MM_SERVICESETTINGS_TRUSTEDPROXYIPHEADER), not rewritten by the server.
        "proxy_headers": False,
        "server_header": False,
        "ws_max_size": MAX_MESSAGE_BYTES,
        "ws_ping_interval": PING_INTERVAL_SECONDS,
        "ws_ping_timeout": PONG_TIMEOUT_SECONDS,
        # Mattermost does not compress frames; compression would cost memory per socket.
        "ws_per_message_deflate": False,
    }


class MattermostWorker(UvicornWorker):
    CONFIG_KWARGS = uvicorn_options()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config.timeout_graceful_shutdown = self.cfg.graceful_timeout
