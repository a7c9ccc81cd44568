"""A request log that cannot leak personal data, and the Content-Security-Policy header.

Only the method, the path (which carries opaque ids, never personal values; a signed token
in a path is replaced by ``:token``), the status, the duration and a request id are written
(JSON lines, ``core/logging.py``); query strings and bodies are not, because a search term or
a form value there would put a volunteer's name in a log file.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("enlist.requests")

REQUEST_ID_HEADER = "X-Request-ID"
# A request id from the proxy is kept only when it cannot carry anything but an id.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# URL parameters that hold a signed link token rather than an opaque id.
_SECRET_PARAMETERS = frozenset({"token"})


def loggable_path(request: HttpRequest) -> str:
    """The request's path with signed tokens masked (never the query string)."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in _SECRET_PARAMETERS and isinstance(value, str) and value:
                path = path.replace(value, ":" + name)
    return path


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        path = loggable_path(request)
        logger.info(
            "%s %s %s %.0fms",
            request.method,
            path,
            response.status_code,
            elapsed_ms,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": round(elapsed_ms, 1),
                "request_id": request_id,
            },
        )
        response[REQUEST_ID_HEADER] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    """Send ``settings.ENLIST_CONTENT_SECURITY_POLICY`` with every response.

    Django 5.2 has no CSP support of its own, and one fixed policy needs no package. The
    policy allows scripts and styles from our own origin only, so templates carry no inline
    ``<script>`` and no ``style="…"`` (tests/accounts/test_security_headers.py checks both).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.ENLIST_CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        return response
