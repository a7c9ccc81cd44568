"""Step-up: a second factor from the last few minutes before a sensitive action.

The session remembers when its user last passed a second factor (``second_factor_mark``, at
sign-in and on the step-up page). An action that needs a fresh one:

- a page: ``@step_up_required`` sends the user to the step-up page (``staff-step-up``) and
  back to the page (a POST goes back to the page it was sent from: the form is shown again);
- a service or selector that may be reached from the API: ``step_up_check(session)`` raises
  ``StepUpRequired`` (403, field ``step_up``); an API token has no session and cannot step up.

What needs it: erasure (``cases/erasure_views.py``), staff and token changes in the admin
(``accounts/admin.py``), the need-to-know reveal of a prosecuted-country case
(``cases/gate.py: case_open_check``), and adding or removing a second factor
(``accounts/security_views.py``). Exports and key rotation have no page yet (``enlist keys
rotate`` runs on the server's shell); a page for them takes the decorator.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from enlist.errors import StepUpRequired

SECOND_FACTOR_AT = "enlist_second_factor_at"  # unix time of the latest second factor passed


def second_factor_mark(session: SessionBase) -> None:
    session[SECOND_FACTOR_AT] = int(time.time())


def second_factor_fresh(session: SessionBase | None) -> bool:
    if session is None:
        return False
    at = session.get(SECOND_FACTOR_AT)
    return isinstance(at, int) and time.time() - at <= settings.ENLIST_STEP_UP_MINUTES * 60


def step_up_check(session: SessionBase | None) -> None:
    """Raise StepUpRequired unless `session` passed a second factor within the limit."""
    if not second_factor_fresh(session):
        raise StepUpRequired()


def _back_to(request: HttpRequest) -> str:
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def step_up_redirect(request: HttpRequest) -> HttpResponse:
    """To the step-up page, then back where the user was."""
    return redirect(f"{reverse('staff-step-up')}?{urlencode({'next': _back_to(request)})}")


def step_up_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page view that runs only with a fresh second factor (see the module's docstring)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not second_factor_fresh(request.session):
            return step_up_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped
