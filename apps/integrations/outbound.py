"""Calls from this server to integration URLs: outgoing webhooks and custom slash commands.

Three rules keep those calls from hurting the server or its network:

- Outgoing webhooks run off the request path. ``dispatch`` hands the work to a small pool
  of threads and returns at once. The number of calls waiting is bounded: when a flood of
  posts meets a dead URL, the surplus is dropped (and logged) instead of piling up.
- Every call is bounded in time as a whole, a slowly dripping answer included
  (``MM_SERVICESETTINGS_OUTGOINGINTEGRATIONREQUESTSTIMEOUT``), and in the size of the
  answer read.
- A URL may not reach loopback, private, link-local or otherwise reserved addresses unless
  the operator lists the host, address or range in
  ``MM_SERVICESETTINGS_ALLOWEDUNTRUSTEDINTERNALCONNECTIONS``. The check is made on the
  address actually connected to (after DNS, and again after every redirect), so a user
  cannot make the server probe its own network through a hook.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import ipaddress
import logging
import queue
import socket
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

# The most of an integration's answer that is read; a longer answer is refused.
MAX_RESPONSE_BYTES = 1024 * 1024
# Threads making outgoing webhook calls, and calls allowed to wait for one.
WORKERS = 4
MAX_PENDING = 512

USER_AGENT = "mattermost_py-integrations"
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


class IntegrationCallError(Exception):
    """A call to an integration URL failed: refused address, network error, timeout,
    error status or oversize answer. The message is safe to log and to show the user who
    set the integration up."""


@dataclass(frozen=True)
class IntegrationResponse:
    status: int
    content_type: str
    body: bytes


# Where integration URLs may go


def _allowed_entries() -> list[str]:
    raw = settings.MATTERMOST.allowed_untrusted_internal_connections
    return [entry.strip().lower() for entry in raw.replace(",", " ").split() if entry.strip()]


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and leads to: IPv4-mapped, 6to4, Teredo's
    client, or NAT64's well-known prefix (64:ff9b::/96)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Anything but a globally routed unicast address (shared CGNAT space included), or
    an IPv6 address that leads to such an IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None and _is_internal(embedded):
            return True
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def _address_allowed(host: str, address: str) -> bool:
    """Whether connecting to ``address`` (resolved from ``host``) is allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if not _is_internal(ip):
        return True
    for entry in _allowed_entries():
        if entry == host.lower():
            return True
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue  # a host name that is not this one
    return False


# The sockets the current thread's call opened, so the call's deadline can cut them.
_call_state = threading.local()


def _watch(sock: socket.socket) -> None:
    sockets: list[socket.socket] | None = getattr(_call_state, "sockets", None)
    if sockets is not None:
        sockets.append(sock)


def _guarded_create_connection(
    address: tuple[str, int],
    timeout: float | None = None,
    source_address: tuple[str, int] | None = None,
    **_: Any,
) -> socket.socket:
    """``socket.create_connection`` that refuses internal addresses not allowed."""
    host, port = address
    try:
        candidates = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise IntegrationCallError(f"the host {host} cannot be resolved") from error
    last_error: OSError | None = None
    for family, kind, proto, _name, sockaddr in candidates:
        if not _address_allowed(host, str(sockaddr[0])):
            raise IntegrationCallError(
                f"the address of {host} is on an internal network this server may not reach"
            )
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
        except OSError as error:
            sock.close()
            last_error = error
            continue
        _watch(sock)
        return sock
    raise IntegrationCallError(f"cannot connect to {host}: {last_error}")


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_create_connection


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_create_connection

    def connect(self) -> None:
        """As ``HTTPSConnection.connect`` (no proxy tunnel here), but the deadline watches
        the TLS socket before its handshake: wrapping detaches the plain socket, which
        can then no longer be cut."""
        http.client.HTTPConnection.connect(self)
        tls = self._context.wrap_socket(  # type: ignore[attr-defined]
            self.sock, server_hostname=self.host, do_handshake_on_connect=False
        )
        self.sock = tls
        _watch(tls)
        tls.do_handshake()


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_GuardedHTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_GuardedHTTPSConnection, req, context=ssl.create_default_context())


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class _GuardedRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Redirects stay on http(s) (urllib would follow one to ftp://, past the address
    check), and the command's token in ``Authorization`` never follows one to another
    host, as Go's client (and so Mattermost) behaves."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise IntegrationCallError("a redirect may only lead to an http or https URL")
        follow = super().redirect_request(req, fp, code, msg, headers, newurl)
        if follow is not None and _origin(newurl) != _origin(req.full_url):
            follow.remove_header("Authorization")
        return follow


def _build_opener() -> urllib.request.OpenerDirector:
    """Only the handlers a call needs: http(s) through the guard, redirects, errors. No
    proxy (the address check must see the real destination), no ftp, file or data."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.UnknownHandler(),
        _GuardedHTTPHandler(),
        _GuardedHTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _GuardedRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


_opener = _build_opener()


def shown_url(url: str) -> str:
    """``url`` fit for logs and error messages: without its query (a GET command's
    carries the token), fragment or user name and password."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "the integration URL"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _cut(sockets: list[socket.socket], expired: threading.Event) -> None:
    """The call's deadline passed: end its connections, whatever they are waiting for."""
    expired.set()
    for sock in sockets:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def call(
    url: str,
    *,
    method: str = "POST",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> IntegrationResponse:
    """Make one request to an integration URL and return its answer (any 2xx status).

    The whole call, redirects and a slowly dripping answer included, is bounded by the
    timeout setting. Raises ``IntegrationCallError`` for everything else; never anything
    broader. Its messages never carry the URL's query, which may hold a token."""
    shown = shown_url(url)
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise IntegrationCallError("the integration URL is not valid") from error
    if parts.scheme.lower() not in ("http", "https"):
        raise IntegrationCallError("only http and https URLs can be called")
    if "@" in parts.netloc:
        # urllib would take the user name for part of the host (and a password for a
        # port, quoting it in its error): refuse clearly, without repeating them.
        raise IntegrationCallError(f"{shown}: URLs with a user name or password are not supported")
    try:
        request = urllib.request.Request(url, data=body, method=method)
    except ValueError as error:
        raise IntegrationCallError(f"{shown} is not a valid URL") from error
    request.add_header("User-Agent", USER_AGENT)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    timeout = settings.MATTERMOST.outgoing_integration_requests_timeout
    sockets: list[socket.socket] = []
    expired = threading.Event()
    deadline = threading.Timer(timeout, _cut, (sockets, expired))
    deadline.daemon = True
    _call_state.sockets = sockets
    deadline.start()
    try:
        with _opener.open(request, timeout=timeout) as answer:
            content = answer.read(MAX_RESPONSE_BYTES + 1)
            status = answer.status
            content_type = answer.headers.get("Content-Type", "")
    except IntegrationCallError:
        raise
    except urllib.error.HTTPError as error:
        raise IntegrationCallError(f"{shown} answered with status {error.code}") from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, IntegrationCallError):
            raise error.reason from error
        raise IntegrationCallError(f"{shown} could not be reached: {error.reason}") from error
    except (OSError, http.client.HTTPException, ValueError) as error:
        if expired.is_set():
            raise _too_slow(shown, timeout) from error
        raise IntegrationCallError(f"{shown} could not be reached: {error}") from error
    finally:
        deadline.cancel()
        _call_state.sockets = None
    if expired.is_set():
        # The cut may have ended an answer without a length early: it is not the answer.
        raise _too_slow(shown, timeout)
    if len(content) > MAX_RESPONSE_BYTES:
        raise IntegrationCallError(
            f"the answer of {shown} is longer than {MAX_RESPONSE_BYTES} bytes"
        )
    return IntegrationResponse(status=status, content_type=content_type, body=content)


def _too_slow(shown: str, timeout: float) -> IntegrationCallError:
    return IntegrationCallError(f"{shown} did not answer within {timeout} seconds")


# Running calls off the request path
#
# The threads are daemons fed from a queue: a process that is shutting down does not
# wait for calls still queued (up to MAX_PENDING, each up to the timeout long, which
# would outlast any graceful shutdown); they are dropped and counted in the log.

_queue: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
_workers: list[threading.Thread] = []
_pending = 0
_pending_changed = threading.Condition()


def _run(work: Callable[[], None]) -> None:
    global _pending
    try:
        work()
    except Exception:
        logger.exception("an integration call failed")
    finally:
        # The thread is reused for other calls: give its database connections back.
        connections.close_all()
        with _pending_changed:
            _pending -= 1
            _pending_changed.notify_all()


def _serve() -> None:
    while True:
        _run(_queue.get())


def _start_workers() -> None:
    """Start the threads on first use (not at import: management commands and forked
    server processes that never dispatch need none); again in a forked child, where the
    parent's threads do not run."""
    _workers[:] = [worker for worker in _workers if worker.is_alive()]
    while len(_workers) < WORKERS:
        worker = threading.Thread(target=_serve, name=f"integrations-{len(_workers)}", daemon=True)
        worker.start()
        _workers.append(worker)


def dispatch(work: Callable[[], None]) -> bool:
    """Run ``work`` on the integration threads; False if too many calls already wait
    (the call is dropped and logged)."""
    global _pending
    with _pending_changed:
        if _pending >= MAX_PENDING:
            logger.warning("integration call dropped: %d calls are already waiting", _pending)
            return False
        _pending += 1
        _start_workers()
    _queue.put(work)
    return True


def wait_idle(timeout: float) -> bool:
    """Wait until no dispatched call is waiting or running (for tests and shutdown);
    False if ``timeout`` seconds pass first."""
    with _pending_changed:
        return _pending_changed.wait_for(lambda: _pending == 0, timeout=timeout)


@atexit.register
def _report_dropped_at_exit() -> None:
    if _pending:
        logger.warning("shutting down: %d integration calls were not made", _pending)
