"""Staff sign-in in two steps: password, then a TOTP code (or, the first time, enrolment).

1. ``sign_in``: username and password (``authenticate(request, …)``, so django-axes counts
   failures and refuses a locked-out username + address). A right password does *not* log in:
   it only records a pending sign-in in the session, valid for ``PENDING_SECONDS``.
2. ``sign_in_code``: a six-digit code from the user's confirmed authenticator, checked by
   django-otp (a code is accepted once: its time step must be later than the last one used).
   A wrong code is reported like a wrong password (``user_login_failed``), so it counts
   towards the same lockout and appears in the audit trail as a failed sign-in.
   ``sign_in_enrol`` replaces it for a user with no confirmed authenticator: a QR code and the
   secret in text, confirmed by a first code.
3. Only then ``login()``: the session is verified (``django_otp.login``), its key is renewed,
   ``user_logged_in`` fires (audit, and django-axes clears the failures).

So no session is ever signed in by a password alone; ``accounts.middleware`` still refuses
such a session everywhere but on public pages, whatever created it.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from enlist.accounts.forms import CodeForm, SignInForm
from enlist.accounts.lockout import lockout_response
from enlist.accounts.middleware import is_verified, session_start
from enlist.accounts.models import StaffUser
from enlist.accounts.services import (
    totp_device_confirmed,
    totp_enrolment_confirm,
    totp_enrolment_start,
)
from enlist.accounts.totp import base32_secret, grouped, qr_svg

PENDING_KEY = "enlist_pending_sign_in"
PENDING_SECONDS = 5 * 60


def _next_param(request: HttpRequest) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


def _next_url(request: HttpRequest) -> str:
    """Where to go once signed in: the page asked for, if it is one of ours."""
    target = _next_param(request)
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _step(name: str, request: HttpRequest) -> HttpResponse:
    """Redirect to another sign-in step, carrying the page asked for."""
    url = reverse(name)
    target = _next_param(request)
    return redirect(f"{url}?{urlencode({'next': target})}" if target else url)


def _pending(request: HttpRequest) -> tuple[StaffUser, str] | None:
    """The user whose password was just accepted in this session, and the backend that did."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        del request.session[PENDING_KEY]
        return None
    user = StaffUser.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None:
        del request.session[PENDING_KEY]
        return None
    return user, pending["backend"]


def _complete(
    request: HttpRequest, user: StaffUser, backend: str, device: TOTPDevice
) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=backend)  # renews the session key
    django_otp.login(request, device)
    session_start(request)
    return redirect(_next_url(request))


def _render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    return render(request, f"accounts/{template}", {"next": _next_param(request), **context})


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    if is_verified(request):
        return redirect(_next_url(request))
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        request.session.cycle_key()
        request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
        }
        if totp_device_confirmed(user=user) is None:
            return _step("staff-login-enrol", request)
        return _step("staff-login-code", request)
    return _render(request, "sign_in.html", {"form": form})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def sign_in_code(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return _step("staff-login", request)
    user, backend = pending
    device = totp_device_confirmed(user=user)
    if device is None:
        return _step("staff-login-enrol", request)
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING_KEY, None)
        return lockout_response(request, None, credentials)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["code"])
        if verified is not None:
            return _complete(request, user, backend, verified)
        # Counted like a wrong password: django-axes (lockout) and the audit trail listen.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_KEY, None)  # AxesMiddleware answers with the lockout
        form.add_error(
            "code",
            _("This code is wrong, expired or already used. Wait for the next one and retry."),
        )
    return _render(request, "code.html", {"form": form, "username": user.get_username()})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def sign_in_enrol(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return _step("staff-login", request)
    user, backend = pending
    if totp_device_confirmed(user=user) is not None:
        return _step("staff-login-code", request)
    device = totp_enrolment_start(user=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        confirmed = totp_enrolment_confirm(device=device, code=form.cleaned_data["code"])
        if confirmed is not None:
            return _complete(request, user, backend, confirmed)
        form.add_error(
            "code",
            _("This code does not match. Check the phone's clock and enter the newest code."),
        )
    return _render(
        request,
        "enrol.html",
        {
            "form": form,
            "username": user.get_username(),
            # Built here from the device's own otpauth:// URI: geometry only, no user text.
            "qr_code": mark_safe(qr_svg(device.config_url)),  # noqa: S308  # nosec B308, B703  # SVG drawn by qrcode from the device's own URI, no user text
            "secret": grouped(base32_secret(device.key)),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )
