"""One HTTP request to a webhook's address, and nothing it does not ask for: a short timeout,
no redirects followed, and no address on this machine or a private network unless allowed
(a webhook must not become a way into the editors' network)."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _


class Refused(Exception):
    """The address may not be reached (private network, loopback, not http(s))."""


@dataclass(frozen=True)
class Response:
    status: int
    body: str  # the first characters, for the log
    location: str
    ms: int


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def target_resolve(url: str, *, allow_private: bool) -> tuple[str, int, str]:
    """The host, port and the one address to connect to; Refused if not allowed. The address
    is resolved here and the connection goes to it, so a second DNS answer cannot change it."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Refused(_("it does not start with http:// or https://"))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused(_("its port is not a number")) from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Refused(
            _("%(host)s cannot be found (%(error)s)") % {"host": parts.hostname, "error": error}
        ) from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not allow_private:
        blocked = [ip for ip in addresses if not _public(ip)]
        if blocked:
            raise Refused(
                _("%(host)s is on this machine or on a private network (%(address)s)")
                % {"host": parts.hostname, "address": blocked[0]}
            )
    return parts.hostname, port, str(addresses[0])


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def request(
    method: str,
    url: str,
    *,
    body: bytes | None,
    headers: dict[str, str],
    timeout: float,
    allow_private: bool,
) -> Response:
    """Send one request and read the answer. Raises Refused, or OSError (which includes
    timeouts) and http.client.HTTPException when the other side cannot be reached or talked to."""
    host, port, address = target_resolve(url, allow_private=allow_private)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = connection_class(host, port, address, timeout)
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        text = answer.read(2000).decode("utf-8", errors="replace")
        return Response(
            status=answer.status,
            body=text,
            location=answer.getheader("Location", "") or "",
            ms=round((time.monotonic() - started) * 1000),
        )
    finally:
        connection.close()
