"""A staff member's own security page: passkeys, authenticator app, recovery codes, sessions,
and the language of their emails.

Adding or removing a passkey and making new recovery codes need a fresh second factor
(``step_up_required``): a stolen session alone cannot add the thief's key. Ending another
session needs none: it can only make an account safer. Thin: the services do the work.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enlist.accounts.forms import LanguageForm, PasskeyAddForm
from enlist.accounts.request import StaffRequest
from enlist.accounts.roles import passkey_required
from enlist.accounts.services import (
    passkey_add,
    passkey_registration_options,
    passkey_remove,
    passkeys_of,
    recovery_codes_count,
    recovery_codes_generate,
    staff_language_set,
    staff_session_end,
    staff_sessions,
    totp_device_confirmed,
)
from enlist.accounts.step_up import step_up_required
from enlist.accounts.views import challenge_issue, challenge_take, show_recovery_codes
from enlist.errors import InvalidInput


@require_http_methods(["GET"])
def security(request: StaffRequest) -> HttpResponse:
    user = request.user
    passkeys = passkeys_of(user=user)
    context = {
        "passkeys": passkeys,
        "passkey_required": passkey_required(user.role),
        "totp": totp_device_confirmed(user=user),
        "recovery_left": recovery_codes_count(user=user),
        "sessions": staff_sessions(user=user, current_key=request.session.session_key),
        "language_form": LanguageForm(initial={"language": user.mail_language}),
    }
    return render(request, "accounts/security.html", context)


@require_POST
def language_set(request: StaffRequest) -> HttpResponse:
    """Save the language of the user's emails; back to the account page either way."""
    form = LanguageForm(request.POST)
    if form.is_valid():
        staff_language_set(user=request.user, language=form.cleaned_data["language"])
        messages.success(request, _("Your emails will be written in this language."))
    else:
        messages.error(request, _("Choose one of the languages offered."))
    return redirect("account-security")


@step_up_required
@require_http_methods(["GET", "POST"])
def passkey_new(request: StaffRequest) -> HttpResponse:
    user = request.user
    form = PasskeyAddForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        challenge = challenge_take(request, "register")
        if challenge is None:
            form.add_error(None, _("The request expired. Try again."))
        elif form.is_valid():
            first_factor_set = recovery_codes_count(user=user) == 0
            try:
                passkey_add(
                    user=user,
                    response=form.cleaned_data["credential"],
                    challenge=challenge,
                    name=form.cleaned_data["name"],
                )
            except InvalidInput as exc:
                for error in exc.errors:
                    form.add_error(
                        error.field if error.field in form.fields else None, error.message
                    )
            else:
                if first_factor_set:  # no codes yet: make them now, shown once
                    codes = recovery_codes_generate(user=user, actor=user)
                    return show_recovery_codes(request, codes, reverse("account-security"))
                messages.success(request, _("The key was added."))
                return redirect("account-security")
        status = 400
    options, challenge = passkey_registration_options(user=user)
    challenge_issue(request, "register", challenge)
    return render(
        request, "accounts/passkey_new.html", {"form": form, "options": options}, status=status
    )


@step_up_required
@require_POST
def passkey_delete(request: StaffRequest) -> HttpResponse:
    passkey_remove(
        user=request.user, actor=request.user, passkey_uid=request.POST.get("passkey", "")
    )
    messages.success(request, _("The key was removed."))
    return redirect("account-security")


@step_up_required
@require_POST
def recovery_codes_new(request: StaffRequest) -> HttpResponse:
    codes = recovery_codes_generate(user=request.user, actor=request.user)
    return show_recovery_codes(request, codes, reverse("account-security"))


@require_POST
def session_end(request: StaffRequest) -> HttpResponse:
    staff_session_end(
        user=request.user,
        session_uid=request.POST.get("session", ""),
        current_key=request.session.session_key,
    )
    messages.success(request, _("The session was ended."))
    return redirect("account-security")
