"""ASGI entry point, served by gunicorn's worker processes (see worker.py and
gunicorn.conf.py; docs/realtime.md explains the choice).

- WebSocket scopes (``/api/v4/websocket``) are served on the event loop by the worker's
  hub (apps/realtime).
- Every HTTP request goes to the Django WSGI application, run on ``GUNICORN_THREADS``
  threads (wsgi_bridge.py): the REST API stays synchronous Django.
"""

from __future__ import annotations

import asyncio
import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mattermost_py.settings")
django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (Django is set up above)

from apps.core.asgi_types import Receive, Scope, Send  # noqa: E402
from apps.realtime.hub import Hub  # noqa: E402
from apps.realtime.sockets import serve_websocket  # noqa: E402
from mattermost_py.wsgi_bridge import WsgiBridge  # noqa: E402

logger = logging.getLogger(__name__)
DEFAULT_THREADS = 4


class MattermostApplication:
    def __init__(self, *, threads: int) -> None:
        config = settings.MATTERMOST
        self.http = WsgiBridge(
            django_application,
            threads=threads,
            max_body=max(config.max_file_size, config.maximum_payload_size_bytes),
        )
        self.hub: Hub | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
        elif scope["type"] == "websocket":
            if self.hub is None:
                await send({"type": "websocket.close", "code": 1013})
                return
            await serve_websocket(scope, receive, send, self.hub)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.hub = Hub()
                await self.hub.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.hub is not None:
                    await self.hub.stop()
                # Requests still running finish first (gunicorn's graceful timeout bounds it).
                await asyncio.get_running_loop().run_in_executor(None, self.http.close)
                await send({"type": "lifespan.shutdown.complete"})
                return


application = MattermostApplication(
    threads=int(os.environ.get("GUNICORN_THREADS", str(DEFAULT_THREADS)))
)
