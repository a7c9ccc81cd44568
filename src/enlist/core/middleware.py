"""A request log that cannot leak personal data.

Only the method, the path (which carries opaque ids, never personal values) and the status
are written; query strings and bodies are not, because a search term or a form value there
would put a volunteer's name in a log file.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

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
