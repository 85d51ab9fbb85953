"""Logs that keep no reader's key, address or browser. Personal links carry their secret in the
address (stored only as a hash) and readers' addresses are kept only truncated, so the access
log shows the truncated network, the address with every key masked and no user agent or
referer; the same masking serves the error logs (`KeyMaskFilter`). deploy/nginx/voorproef.conf
masks nginx's access log the same way."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from gunicorn.glogging import Logger

from voorproef.core.ip import ip_truncate
from voorproef.core.keys import mask_path, mask_query, mask_text

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_IP_FIELD = re.compile(r"\bip=(?P<address>\S*?)(?=: |\s|$)")


_EMAIL = re.compile(r"[^\s<>\"'(),;:\[\]]+@[^\s<>\"'(),;:\[\]]+\.[A-Za-z]{2,}")
ADDRESS_MASK = "[address]"


class KeyMaskFilter(logging.Filter):
    """Masks keys in what a record says (Django's "Not Found: /download/<key>/", gunicorn's
    "Error handling request <uri>"), truncates gunicorn's "ip=<address>", and masks email
    addresses (a mail server's refusal names its recipient)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # the handler reports a broken record, not the filter
            return True
        masked = _IP_FIELD.sub(lambda m: f"ip={ip_truncate(m['address']) or '-'}", message)
        masked = _EMAIL.sub(ADDRESS_MASK, mask_text(masked))
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            trace = logging.Formatter().formatException(record.exc_info)
            if (masked_trace := _EMAIL.sub(ADDRESS_MASK, mask_text(trace))) != trace:
                record.exc_text = masked_trace
        return True


def _printable(text: str) -> str:
    """One line per request, whatever a decoded path holds."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def client_network(environ: Mapping[str, Any]) -> str:
    """The reader's network as the app stores it: the rule of voorproef.core.ip.client_ip (behind
    our proxy, the address it appended), truncated by ip_truncate."""
    address = str(environ.get("REMOTE_ADDR", ""))
    behind_proxy = settings.configured and getattr(settings, "BEHIND_PROXY", False)
    if behind_proxy and (forwarded := environ.get("HTTP_X_FORWARDED_FOR")):
        address = str(forwarded).split(",")[-1].strip()
    return ip_truncate(address) or "-"


def _from_request(req: Any) -> dict[str, str]:
    """What the environ of a request gunicorn answered itself (a 500 when the app failed, a
    400) lacks: the path and the proxy's X-Forwarded-For."""
    found = {"PATH_INFO": unquote(str(getattr(req, "path", "") or ""))}
    for name, value in getattr(req, "headers", None) or []:
        if str(name).upper() == "X-FORWARDED-FOR":
            found["HTTP_X_FORWARDED_FOR"] = str(value)
    return found


class AccessLogger(Logger):
    """gunicorn's logger (`logger_class` in voorproef/gunicorn_conf.py) with only these atoms:
    h (the truncated network), t, r (method, masked address, protocol), m, U and q (masked), H,
    s, b, B, T, D, M, L, p. User agent, referer, headers and environ are not offered."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if not any(isinstance(f, KeyMaskFilter) for f in self.error_log.filters):
            self.error_log.addFilter(KeyMaskFilter())

    def atoms(
        self, resp: Any, req: Any, environ: Mapping[str, Any], request_time: timedelta
    ) -> dict[str, Any]:
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        environ = {**_from_request(req), **environ}
        method = _printable(str(environ.get("REQUEST_METHOD", "-")))
        path = _printable(mask_path(str(environ.get("PATH_INFO", ""))))
        query = _printable(mask_query(str(environ.get("QUERY_STRING", ""))))
        protocol = _printable(str(environ.get("SERVER_PROTOCOL", "-")))
        sent = getattr(resp, "sent", None)
        return {
            "h": client_network(environ),
            "t": self.now(),
            "r": f"{method} {path}{'?' + query if query else ''} {protocol}",
            "m": method,
            "U": path,
            "q": query,
            "H": protocol,
            "s": status,
            "b": str(sent) if sent is not None else "-",
            "B": sent,
            "T": request_time.seconds,
            "D": request_time.seconds * 1_000_000 + request_time.microseconds,
            "M": request_time.seconds * 1000 + request_time.microseconds // 1000,
            "L": f"{request_time.seconds}.{request_time.microseconds:06d}",
            "p": f"<{os.getpid()}>",
        }
