"""Staff sign-in in two steps: password, then a second factor.

1. ``sign_in``: username and password (``authenticate(request, …)``, so django-axes counts
   failures and refuses a locked-out username + address). A right password does *not* log in:
   it only records a pending sign-in in the session, valid for ``PENDING_SECONDS``.
2. The second factor, one of:
   - ``sign_in_passkey``: a WebAuthn assertion over a challenge issued for this step, checked
     against the relying party id and origin of the settings (``accounts/passkeys.py``).
     Required for the roles of ``roles.PASSKEY_REQUIRED_ROLES`` once they have a passkey:
     they can then pass only with it, or with a recovery code.
   - ``sign_in_code``: a six-digit code from the user's authenticator app (a code is accepted
     once: its time step must be later than the last one used).
   - ``sign_in_recovery``: a one-time recovery code (used up, audited, notified).
   - ``sign_in_enrol`` replaces them for a user with no second factor: a QR code and the
     secret in text, confirmed by a first code; the recovery codes are shown once after it.
   A wrong answer is reported like a wrong password (``user_login_failed``), so it counts
   towards the same lockout and appears in the audit trail as a failed sign-in.
3. Only then ``login()``: the session is verified (``django_otp.login``), its key is renewed,
   ``user_logged_in`` fires (audit, and django-axes clears the failures), the second factor's
   time is stamped (step-up, ``accounts/step_up.py``) and the session is listed for its user.

WebAuthn challenges are kept in the session, one at a time, for one purpose and
``CHALLENGE_SECONDS``, and taken out when an answer arrives: an answer is checked against a
challenge once, so a replayed assertion finds no challenge (or a newer one) and is refused.

So no session is ever signed in by a password alone; ``accounts.middleware`` still refuses
such a session everywhere but on public pages, whatever created it.
"""

from __future__ import annotations

import base64
import functools
import time
from collections.abc import Callable
from urllib.parse import quote, urlencode

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
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
from django_otp.models import Device

from enlist.accounts.devices import device_label
from enlist.accounts.events import stepped_up
from enlist.accounts.forms import CodeForm, PasskeyForm, RecoveryCodeForm, SignInForm
from enlist.accounts.lockout import client_ip, lockout_response
from enlist.accounts.middleware import is_verified, session_start
from enlist.accounts.models import SealedTotpDevice, StaffUser
from enlist.accounts.passkeys import PasskeyRefused
from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import passkey_required
from enlist.accounts.services import (
    passkey_authentication_options,
    passkey_needed,
    passkey_verify,
    passkeys_of,
    recovery_code_use,
    recovery_codes_count,
    recovery_codes_generate,
    staff_session_record,
    totp_device_confirmed,
    totp_enrolment_confirm,
    totp_enrolment_start,
)
from enlist.accounts.step_up import second_factor_mark
from enlist.accounts.totp import base32_secret, grouped, qr_svg

PENDING_KEY = "enlist_pending_sign_in"
PENDING_SECONDS = 5 * 60
CHALLENGE_KEY = "enlist_webauthn_challenge"
CHALLENGE_SECONDS = 3 * 60


# A second-factor page: the request, the user whose password was accepted, its backend.
SecondFactorView = Callable[[HttpRequest, StaffUser, str], HttpResponse]


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


def challenge_issue(request: HttpRequest, purpose: str, challenge: bytes) -> None:
    """Keep `challenge` for one answer (the latest issued replaces any earlier one)."""
    request.session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "challenge": base64.b64encode(challenge).decode("ascii"),
        "until": int(time.time()) + CHALLENGE_SECONDS,
    }


def challenge_take(request: HttpRequest, purpose: str) -> bytes | None:
    """The challenge issued for `purpose`, removed from the session; None if there is none,
    it was issued for something else, or it expired."""
    kept = request.session.pop(CHALLENGE_KEY, None)
    if not isinstance(kept, dict) or kept.get("purpose") != purpose:
        return None
    if int(kept.get("until", 0)) < time.time():
        return None
    return base64.b64decode(kept["challenge"])


def _pending(request: HttpRequest) -> tuple[StaffUser, str] | None:
    """The user whose password was just accepted in this session, and the backend that did."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        del request.session[PENDING_KEY]
        return None
    user_pk = pending.get("user")
    user = None if user_pk is None else StaffUser.objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        del request.session[PENDING_KEY]
        return None
    return user, pending["backend"]


def _sign_in(request: HttpRequest, user: StaffUser, backend: str, device: Device) -> None:
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=backend)  # renews the session key
    django_otp.login(request, device)
    session_start(request)
    second_factor_mark(request.session)
    request.session.save()  # the key the session list refers to
    session_key = request.session.session_key
    assert session_key is not None  # nosec B101  # save() gives the session its key
    staff_session_record(
        user=user,
        session_key=session_key,
        device=device_label(request.headers.get("User-Agent", "")),
        address=client_ip(request),
    )


def _complete(request: HttpRequest, user: StaffUser, backend: str, device: Device) -> HttpResponse:
    _sign_in(request, user, backend, device)
    return redirect(_next_url(request))


def _failed(request: HttpRequest, user: StaffUser) -> None:
    """A wrong second factor, counted like a wrong password: django-axes (lockout) and the
    audit trail listen."""
    credentials = {"username": user.get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        request.session.pop(PENDING_KEY, None)  # AxesMiddleware answers with the lockout


def _locked(request: HttpRequest, user: StaffUser) -> HttpResponse | None:
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    request.session.pop(PENDING_KEY, None)
    return lockout_response(request, None, credentials)


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(
        request, f"accounts/{template}", {"next": _next_param(request), **context}, status=status
    )


def show_recovery_codes(request: HttpRequest, codes: list[str], then: str) -> HttpResponse:
    """The one page that ever shows recovery codes: rendered, never stored in clear."""
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "then": then})


def _second_factor_step(
    *secret_fields: str,
) -> Callable[[SecondFactorView], Callable[[HttpRequest], HttpResponse]]:
    """A sign-in page after the password: without a pending sign-in (none, expired, or its
    user deactivated meanwhile) back to the password page; else the view gets the user and the
    backend that accepted the password. Never cached, CSRF-checked, its secret fields kept out
    of error reports."""

    def decorate(view: SecondFactorView) -> Callable[[HttpRequest], HttpResponse]:
        @sensitive_post_parameters(*secret_fields)
        @csrf_protect
        @never_cache
        @functools.wraps(view)
        def step(request: HttpRequest) -> HttpResponse:
            pending = _pending(request)
            if pending is None:
                return _step("staff-login", request)
            user, backend = pending
            return view(request, user, backend)

        return step

    return decorate


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
            # set by authenticate() on the user it returns; no model attribute in the stubs
            "backend": user.backend,  # type: ignore[attr-defined]
            "at": int(time.time()),
        }
        if passkeys_of(user=user):
            return _step("staff-login-passkey", request)
        if totp_device_confirmed(user=user) is None:
            return _step("staff-login-enrol", request)
        return _step("staff-login-code", request)
    return _render(request, "sign_in.html", {"form": form})


@_second_factor_step("credential")
def sign_in_passkey(request: HttpRequest, user: StaffUser, backend: str) -> HttpResponse:
    if not passkeys_of(user=user):
        return _step("staff-login-code", request)
    refusal = _locked(request, user)
    if refusal is not None:
        return refusal
    form = PasskeyForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        challenge = challenge_take(request, "sign_in")
        if challenge is None:
            error = _("The request expired. Try again.")
        else:
            try:
                passkey = passkey_verify(
                    user=user, response=form.cleaned_data["credential"], challenge=challenge
                )
            except PasskeyRefused:
                _failed(request, user)
                error = _("This key was not accepted. Use a key enrolled for this account.")
            else:
                return _complete(request, user, backend, passkey)
    options, challenge = passkey_authentication_options(user=user)
    challenge_issue(request, "sign_in", challenge)
    return _render(
        request,
        "passkey.html",
        {
            "username": user.get_username(),
            "options": options,
            "error": error,
            "action": reverse("staff-login-passkey"),
            "totp_allowed": not passkey_required(user.role)
            and totp_device_confirmed(user=user) is not None,
        },
        status=200 if error is None else 400,
    )


@_second_factor_step("code")
def sign_in_code(request: HttpRequest, user: StaffUser, backend: str) -> HttpResponse:
    if passkey_needed(user=user):
        return _step("staff-login-passkey", request)  # an app's code no longer signs them in
    device = totp_device_confirmed(user=user)
    if device is None:
        return _step(
            "staff-login-passkey" if passkeys_of(user=user) else "staff-login-enrol", request
        )
    refusal = _locked(request, user)
    if refusal is not None:
        return refusal
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["code"])
        if verified is not None:
            return _complete(request, user, backend, verified)
        _failed(request, user)
        form.add_error(
            "code",
            _("This code is wrong, expired or already used. Wait for the next one and retry."),
        )
    return _render(request, "code.html", {"form": form, "username": user.get_username()})


@_second_factor_step("code")
def sign_in_recovery(request: HttpRequest, user: StaffUser, backend: str) -> HttpResponse:
    refusal = _locked(request, user)
    if refusal is not None:
        return refusal
    form = RecoveryCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = recovery_code_use(user=user, code=form.cleaned_data["code"])
        if device is not None:
            response = _complete(request, user, backend, device)
            messages.warning(
                request,
                _(
                    "You signed in with a recovery code; %(left)d are left. If you lost your "
                    "key, remove it and add a new one on your security page."
                )
                % {"left": recovery_codes_count(user=user)},
            )
            return response
        _failed(request, user)
        form.add_error("code", _("This recovery code is wrong or was already used."))
    return _render(request, "recovery.html", {"form": form, "username": user.get_username()})


@_second_factor_step("code")
def sign_in_enrol(request: HttpRequest, user: StaffUser, backend: str) -> HttpResponse:
    if totp_device_confirmed(user=user) is not None or passkeys_of(user=user):
        return _step("staff-login-code", request)
    device = totp_enrolment_start(user=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        confirmed = totp_enrolment_confirm(device=device, code=form.cleaned_data["code"])
        if confirmed is not None:
            then = _next_url(request)
            _sign_in(request, user, backend, confirmed)
            codes = recovery_codes_generate(user=user, actor=user)
            return show_recovery_codes(request, codes, then)
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
            "qr_code": mark_safe(qr_svg(device_config_url(device, user))),  # noqa: S308  # nosec B308, B703  # SVG drawn by qrcode from the device's own URI, no user text
            "secret": grouped(base32_secret(device.secret)),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


def device_config_url(device: SealedTotpDevice, user: StaffUser) -> str:
    """The otpauth:// URI authenticator apps read from the QR code (Key Uri Format)."""
    issuer = settings.OTP_TOTP_ISSUER.replace(":", "")
    label = quote(f"{issuer}:{user.get_username()}")
    query = urlencode(
        {
            "secret": base32_secret(device.secret),
            "algorithm": "SHA1",
            "digits": 6,
            "period": 30,
        }
    )
    return f"otpauth://totp/{label}?{query}&issuer={quote(issuer)}"


# --- step-up -------------------------------------------------------------------------------


@sensitive_post_parameters("code", "credential")
@csrf_protect
@never_cache
def step_up(request: StaffRequest) -> HttpResponse:
    """Confirm a second factor again before a sensitive action, then back to it."""
    user = request.user
    has_passkey = bool(passkeys_of(user=user))
    totp = None if passkey_needed(user=user) else totp_device_confirmed(user=user)
    refusal = _locked(request, user)
    if refusal is not None:
        return refusal
    error = None
    code_form = CodeForm(request.POST if "code" in request.POST else None)
    if request.method == "POST":
        device: Device | None = None
        if "credential" in request.POST and has_passkey:
            challenge = challenge_take(request, "step_up")
            form = PasskeyForm(request.POST)
            if challenge is not None and form.is_valid():
                try:
                    device = passkey_verify(
                        user=user, response=form.cleaned_data["credential"], challenge=challenge
                    )
                except PasskeyRefused:
                    device = None
        elif totp is not None and code_form.is_valid():
            device = django_otp.verify_token(
                user, totp.persistent_id, code_form.cleaned_data["code"]
            )
        if device is not None:
            second_factor_mark(request.session)
            stepped_up.send(sender=StaffUser, user=user)
            return redirect(_next_url(request))
        _failed(request, user)
        error = _("That did not confirm it. Try again.")
    options = None
    if has_passkey:
        options, challenge = passkey_authentication_options(user=user)
        challenge_issue(request, "step_up", challenge)
    return _render(
        request,
        "step_up.html",
        {
            "options": options,
            "code_form": code_form if totp is not None else None,
            "error": error,
            "action": reverse("staff-step-up"),
            "minutes": settings.ENLIST_STEP_UP_MINUTES,
        },
        status=200 if error is None else 400,
    )
