"""The staff session rules, in one place for every page: staff, audit, admin and any to come.

``SessionTimeoutMiddleware``: a staff session ends after ``ENLIST_IDLE_MINUTES`` without a
request, and after ``SESSION_COOKIE_AGE`` in all however busy it is.

``StaffAccessMiddleware``: every page that is not public needs a session that passed both
factors (password, then a TOTP code: ``enlist.accounts.views``); anything else is sent to the
staff sign-in. The public pages are listed here (``PUBLIC_URL_NAMES``), so a new staff page is
protected without anyone remembering to; a new public page must be added to the list. Staff
pages are also marked ``Cache-Control: no-store``: a shared or seized laptop keeps no copy.

The JSON API (``/api/``) is outside both: it authenticates each request by bearer token.

``request_actor()``: the staff user behind the request being served (a verified session, or
an API token's user), for code that runs below the views and has no request in hand — the
audit of staff and token changes made in the admin (``audit/signals.py``) names them, not
"system".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from enlist.accounts.models import StaffUser

SESSION_STARTED = "enlist_session_started"
SESSION_LAST_SEEN = "enlist_session_last_seen"
# Writing the session on every request costs a database write each; a staff member's last
# activity known to half a minute is precise enough for a 30-minute idle limit.
TOUCH_SECONDS = 30

# URL names of the pages anyone may open: the public application form, subject access, the
# language switch and the sign-in steps themselves.
PUBLIC_URL_NAMES = frozenset(
    {
        "home",
        "healthz",  # the load balancer's probes (core/views.py): no data, no session
        "readyz",
        "apply",
        "public-statistics",  # disclosure-controlled figures from the daily snapshot
        "apply-done",
        "subject-access",  # an applicant asks for a copy of their data (intake/subject_access.py)
        "subject-access-download",  # ... and downloads it by the signed link
        "set_language",
        "staff-login",
        "staff-login-passkey",
        "staff-login-code",
        "staff-login-recovery",
        "staff-login-enrol",
        "staff-logout",
        "travel-packet",  # the volunteer's travel instructions, behind a signed link
        "travel-packet-pdf",
        "interview-invitation",  # the applicant's appointment page (signed, expiring link)
    }
)
PUBLIC_PATH_PREFIXES = ("/api/",)  # bearer tokens, no session


_current_request: ContextVar[HttpRequest | None] = ContextVar("enlist_request", default=None)


def request_actor() -> StaffUser | None:
    """The signed-in staff user of the request this thread or task is serving, if any."""
    request = _current_request.get()
    if request is None:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if getattr(request, "auth", None) is not None:  # the API: a bearer token's user
        return user
    return user if is_verified(request) else None


def session_start(request: HttpRequest) -> None:
    """Stamp the start of a fully signed-in session (the clock of both limits)."""
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        started, last_seen = session.get(SESSION_STARTED), session.get(SESSION_LAST_SEEN)
        if not isinstance(started, int) or not isinstance(last_seen, int):
            session_start(request)  # a session from before these limits: start counting
            return
        now = int(time.time())
        idle_minutes = settings.ENLIST_IDLE_MINUTES
        if now - last_seen > idle_minutes * 60:
            logout(request)
            messages.info(
                request,
                _("You were signed out after %(minutes)d minutes without activity.")
                % {"minutes": idle_minutes},
            )
        elif now - started > settings.SESSION_COOKIE_AGE:
            logout(request)
            messages.info(request, _("Your session has ended. Please sign in again."))
        elif now - last_seen >= TOUCH_SECONDS:
            session[SESSION_LAST_SEEN] = now
            from enlist.accounts.services import staff_session_touch

            if session.session_key:
                staff_session_touch(session_key=session.session_key)


def is_verified(request: HttpRequest) -> bool:
    """Whether the session's user passed the second factor (django-otp's OTPMiddleware)."""
    user = request.user
    check = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and callable(check) and check())


def is_public(request: HttpRequest) -> bool:
    if request.path_info.startswith(PUBLIC_PATH_PREFIXES):
        return True
    match = request.resolver_match
    return match is not None and match.url_name in PUBLIC_URL_NAMES


class StaffAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        if getattr(request, "enlist_staff_page", False) and not response.has_header(
            "Cache-Control"
        ):
            add_never_cache_headers(response)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if is_public(request):
            return None
        request.enlist_staff_page = True  # type: ignore[attr-defined]
        if is_verified(request):
            return None
        # Anonymous, or signed in with a password alone (never by our sign-in, which logs in
        # only after the second factor): the staff sign-in, then back here.
        return redirect_to_login(request.get_full_path())
