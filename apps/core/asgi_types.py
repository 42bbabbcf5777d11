"""The ASGI callables' types, for the server side of the project (mattermost_py/asgi.py,
the WSGI bridge and the WebSocket)."""

from collections.abc import Callable, Coroutine, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Coroutine[Any, Any, Message]]
Send = Callable[[Message], Coroutine[Any, Any, None]]
