"""A request log that cannot leak personal data, the Content-Security-Policy header, and the
refusal of query strings and forms that are not UTF-8.

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
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from enlist.core.paths import masked_path

logger = logging.getLogger("enlist.requests")
REPLACEMENT = "\ufffd"  # what Django puts in place of bytes that are not UTF-8

REQUEST_ID_HEADER = "X-Request-ID"
# A request id from the proxy is kept only when it cannot carry anything but an id.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# URL parameters that hold a signed link token rather than an opaque id.
_SECRET_PARAMETERS = frozenset({"token", "code"})


def loggable_path(request: HttpRequest) -> str:
    """The request's path with signed tokens and codes masked (never the query string): the
    one masking for every log line that names a path (``core/paths.py``)."""
    match = getattr(request, "resolver_match", None)
    secrets = [
        value
        for name, value in (match.kwargs.items() if match is not None else ())
        if name in _SECRET_PARAMETERS and isinstance(value, str)
    ]
    return masked_path(request.path, secrets)


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


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _form_is_utf8(encoded: str | bytes) -> bool:
    """A query string or urlencoded form: each percent-decoded name and value is UTF-8."""
    raw = encoded.encode("latin-1") if isinstance(encoded, str) else encoded
    return _utf8(unquote_to_bytes(raw.replace(b"+", b" ")))


class InvalidEncodingMiddleware:
    """Refuse a query string or a form body that is not UTF-8 with a clear 400.

    Django would decode such bytes silently as U+FFFD, so a name or a search term would be
    stored or looked up garbled. The query string and an urlencoded body are checked as
    sent; a multipart form (Django has already replaced the bad bytes when it parses it) by
    its decoded fields and file names, which must not hold U+FFFD. Pages get a short
    translated page; the API a JSON error naming ``query`` or ``body``. JSON bodies are
    checked by their own reader (``core/json_body.py``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = self._not_utf8(request)
        if where is not None:
            return self._refuse(request, where)
        return self.get_response(request)

    def _not_utf8(self, request: HttpRequest) -> str | None:
        if not _form_is_utf8(request.META.get("QUERY_STRING", "")):
            return "query"
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        if request.content_type == "application/x-www-form-urlencoded":
            if not _form_is_utf8(request.body):
                return "body"
        elif request.content_type == "multipart/form-data":
            texts = [v for values in request.POST.lists() for v in (values[0], *values[1])]
            texts += [f.name or "" for files in request.FILES.lists() for f in files[1]]
            texts += list(request.FILES)
            if any(REPLACEMENT in text for text in texts):
                return "body"
        return None

    def _refuse(self, request: HttpRequest, where: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            field = "query" if where == "query" else "body"
            message = (
                "The query string is not UTF-8." if where == "query" else ("The form is not UTF-8.")
            )
            body = {"errors": [{"field": field, "message": message}]}
            return JsonResponse(body, status=400)
        if where == "query":
            message = _("The address holds characters that are not UTF-8: check the link.")
        else:
            message = _(
                "The form was sent with characters that are not UTF-8. Go back, check the "
                "text you typed and send it again."
            )
        return render(request, "core/bad_request.html", {"message": message}, status=400)
