"""The site's own middlewares, in the order settings.MIDDLEWARE runs them: the public policy left
to the proxy in front, the security headers (CSP, Permissions-Policy, CORP), the site's
language, a fresh form token in every page, and the body limit. The page cache's is in
`pagecache`, the admin's device cookie in `auth`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from csp.constants import HEADER, SELF
from csp.middleware import CSPMiddleware as _CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _

from .guards import FORM_TOKEN_PLACEHOLDER, form_token_new, refusal_log

_PER_RESPONSE = ("_csp_update", "_csp_replace", "_csp_config", "_csp_exempt")


class CSPMiddleware(_CSPMiddleware):
    """The site's policy has no nonces and no view changes it, so the header is the same for
    every response (`public_policy`): built once per settings value instead of per response,
    where it took a quarter of the time of a page served from the cache. Anything unusual (a
    view's own policy, a nonce, a report-only policy, the debug pages) goes the library's way."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if policy and getattr(request, "is_preview", False) and HEADER not in response:
            # Wagtail runs a draft through the middlewares at the page's own address and shows
            # it in a frame of the editor: that page, and only that one, may be framed by the
            # site itself.
            response[HEADER] = build_policy(replace={"frame-ancestors": SELF})
            return response
        if (
            settings.DEBUG
            or not policy
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
        ):
            return super().process_response(request, response)
        csp = public_policy()[0]
        excluded = tuple(policy.get("EXCLUDE_URL_PREFIXES") or ())
        if csp and HEADER not in response and not request.path_info.startswith(excluded):
            response[HEADER] = csp
        return response


# Powerful browser features no public page uses (Chromium's names; one it does not know costs a
# console error on every page, so only known ones). Denied for the page and anything it embeds.
_FEATURES_DENIED = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "captured-surface-control",
    "clipboard-read",
    "clipboard-write",
    "compute-pressure",
    "digital-credentials-get",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "interest-cohort",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    "private-state-token-issuance",
    "private-state-token-redemption",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "speaker-selection",
    "storage-access",
    "usb",
    "window-management",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in _FEATURES_DENIED)

# The request header in which a proxy in front says it adds the site's public policy itself,
# and the response header in which the app leaves that to it: both hold the policy's digest.
PROXY_POLICY_HEADER = "X-Voorproef-Policy"
_PROXY_POLICY_META = "HTTP_X_VOORPROEF_POLICY"
_public_policy: tuple[object, str, str, str] | None = None


def _public() -> tuple[object, str, str, str]:
    global _public_policy
    config = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    if _public_policy is None or _public_policy[0] is not config:
        # django-csp writes the directives in the order of a set, which differs per process:
        # here always in the same order, so each process sends the same header and its digest.
        built = build_policy() if config else ""
        csp = "; ".join(sorted(part.strip() for part in built.split(";") if part.strip()))
        digest = hashlib.sha256(f"{csp}\n{PERMISSIONS_POLICY}".encode()).hexdigest()[:16]
        _public_policy = (config, csp, PERMISSIONS_POLICY, digest)
    return _public_policy


def public_policy() -> tuple[str, str]:
    """The Content-Security-Policy and the Permissions-Policy of every public page."""
    _, csp, permissions, _ = _public()
    return csp, permissions


def public_policy_digest() -> str:
    """What the shipped nginx config (deploy/nginx/voorproef.conf) holds to add the public
    policy itself: a digest of both headers as the app sends them."""
    return _public()[3]


class PolicyHeadersMiddleware:
    """The headers Django has no setting for: Permissions-Policy, and Cross-Origin-Resource-Policy
    (no other site may load the site's pages, files or images into its own). Placed outside the
    page cache and WhiteNoise, so pages from the cache and static files get them too. The admin
    (the CSP's excluded prefixes) is left to Wagtail for the features; it gets the CORP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        self.excluded = tuple(policy.get("EXCLUDE_URL_PREFIXES") or ())

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path_info.startswith(self.excluded):
            response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class ProxyPolicyMiddleware:
    """Leaves the public policy to the proxy in front, when the proxy holds the same one.

    nginx keeps each page in its cache with the headers the app sent, and reads them all back
    on every hit: some 40 % of its instructions for a page from its cache, and the CSP and the
    Permissions-Policy are 1 KB of the 1.4 KB (README, Performance). The shipped config adds
    both itself, from the copy in voorproef.conf, and says so in each request with that copy's
    digest. Where the digest is the app's own, a response that carries exactly the public
    policy carries the digest in its place, and nginx puts the policy back. A proxy with
    another copy (a site that upgraded the app and not its nginx config) gets the headers whole,
    as any client does; so do the admin, a document and a draft's preview, whose policies
    differ."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        digest = request.META.get(_PROXY_POLICY_META)
        if digest is None:
            return response
        _, csp, permissions, own = _public()
        if digest != own:
            return response
        if response.get(HEADER) == csp and response.get("Permissions-Policy") == permissions:
            del response[HEADER]
            del response["Permissions-Policy"]
            response[PROXY_POLICY_HEADER] = digest
        return response


class SiteLanguageMiddleware:
    """Every public response speaks the site's language (LANGUAGE_CODE), whatever the browser
    prefers: the page cache keeps one copy of each page. The admin follows each editor's choice."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        translation.activate(settings.LANGUAGE_CODE)
        response = self.get_response(request)
        response.setdefault("Content-Language", settings.LANGUAGE_CODE)
        return response


_PLACEHOLDER = FORM_TOKEN_PLACEHOLDER.encode()


class FormTokenMiddleware:
    """Puts a fresh form token in each HTML response where a form left the placeholder, so a
    page served from the cache still carries a token with its own time.

    The token changes once a second, and a page from the cache is the same bytes on every hit
    (core/pagecache.py keeps it in memory). So the last page from the cache and its filled-in
    copy are kept: within the second the next hit gets that copy, not another search and copy
    of 60 KB (24 µs, a sixth of a page from the cache)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.last: tuple[bytes, str, bytes] | None = None  # the page, its token, both together

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not isinstance(response, HttpResponse):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        content, token, last = response.content, form_token_new(), self.last
        if last is not None and last[0] is content and last[1] == token:
            filled = last[2]
        elif _PLACEHOLDER in content:
            filled = content.replace(_PLACEHOLDER, token.encode())
            if response.get("X-Cache") == "HIT":  # a public page; nothing personal is kept
                self.last = (content, token, filled)
        else:
            return response
        response.content = filled
        # Announced further in for the placeholder, or not at all (a page from the cache): the
        # real length, so no server cuts the page off or sends it in chunks.
        response["Content-Length"] = str(len(filled))
        # The bytes differ per response; no shared cache may keep them. A stricter rule the
        # view set (a page whose address holds a key) stays.
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-cache"
        return response


def _body_limit(request: HttpRequest) -> int:
    """Public forms are a few text fields: DATA_UPLOAD_MAX_MEMORY_SIZE. In the admin editors
    upload images and documents: up to ADMIN_BODY_MAX_BYTES, once an editor is signed in.
    Anyone (a reader with an account for a restricted page too) may post the sign-in form,
    which Django's CSRF check reads whole, files and all."""
    if request.path.startswith("/admin/") and request.user.has_perm("wagtailadmin.access_admin"):
        return int(settings.ADMIN_BODY_MAX_BYTES)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class BodyLimitMiddleware:
    """Django caps form data at DATA_UPLOAD_MAX_MEMORY_SIZE but not files, which it would
    write to disk: a POST that announces more than its limit (`_body_limit`) is refused before
    anything reads it. Multipart stays allowed below it: mail providers send RFC 8058
    unsubscribes so."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > _body_limit(request):
                refusal_log("any", "request body too large", request)
                return HttpResponse(
                    _("This request is too large."),
                    status=413,
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)
