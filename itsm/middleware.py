"""Request hygiene and response headers shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBadRequest

# No inline script anywhere (every script is a vendored or project file under /static/),
# nothing from another host (closed networks have none to offer). Styles allow inline
# attributes, which Bootstrap's utilities, Django admin and htmx's indicator style use.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The camera serves the asset-tag scanner (the pages ask for it); nothing else is used.
PERMISSIONS_POLICY = ", ".join(
    [
        "camera=(self)",
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
        "interest-cohort=()",
    ]
)


class RejectNulMiddleware:
    """A NUL byte in the path or the query string is a 400 here, at one place.

    PostgreSQL refuses NUL in text, so `?q=%00` reached the database and answered 500 in
    every search, lookup and number field; no legitimate request carries one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest(
                "Bad request: the address contains a NUL character.", content_type="text/plain"
            )
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy on HTML pages, Permissions-Policy on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if self.csp and content_type.startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class VersionTokensMiddleware:
    """Reads the cached tables' versions for the whole request in one round trip
    (`itsm.cache.request_tokens`) instead of one per table as each is first used."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .cache import request_tokens

        with request_tokens():
            return self.get_response(request)
