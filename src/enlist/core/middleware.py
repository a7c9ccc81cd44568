"""A request log that cannot leak personal data, and the Content-Security-Policy header.

Only the method, the path (which carries opaque ids, never personal values) and the status
are written; query strings and bodies are not, because a search term or a form value there
would put a volunteer's name in a log file.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("enlist.requests")


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info(
            "%s %s %s %.0fms", request.method, request.path, response.status_code, elapsed_ms
        )
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
